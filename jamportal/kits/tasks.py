"""Thin Celery tasks for kits: each has a name (services send it by that name:
jamportal.celery.enqueue), a time limit sized to its work, and a log line when its
object is gone."""

from celery import shared_task

from jamportal import mail
from jamportal.kits import services


@shared_task(name="kits.send_email", **mail.TASK_OPTIONS)
def task_send_kit_email(*, event_id):
    """The email a kit request's move calls for, at most once (jamportal/mail.py)."""
    services.kit_event_deliver(event_id=event_id)


# Periodic (Celery beat, daily): one UPDATE per request past its retention period.
@shared_task(name="kits.anonymise_addresses", time_limit=600, soft_time_limit=540)
def task_anonymise_kit_addresses():
    """Forget addresses after each kit's retention period."""
    return services.kit_requests_anonymise()


# Periodic (Celery beat, daily): one email per shipped kit not confirmed as received.
@shared_task(name="kits.nudge_receipts", time_limit=900, soft_time_limit=840)
def task_nudge_kit_receipts():
    """Ask whether shipped kits have arrived."""
    return services.kit_requests_nudge()
