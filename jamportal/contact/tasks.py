"""Thin Celery tasks of contact (see jamportal/jams/tasks.py for the habits)."""

from celery import shared_task

from jamportal import mail
from jamportal.contact import services


@shared_task(name="contact.send_message", **mail.TASK_OPTIONS)
def task_send_message(*, message_id):
    """A visitor's message emailed to the Jam's organisers, at most once (jamportal/mail.py)."""
    services.message_deliver(message_id=message_id)


# Periodic (Celery beat, daily): one DELETE.
@shared_task(name="contact.forget_messages", time_limit=300, soft_time_limit=240)
def task_forget_messages():
    return services.messages_forget()
