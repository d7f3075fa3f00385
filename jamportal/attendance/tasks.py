"""Thin Celery tasks of attendance (see jamportal/jams/tasks.py for the habits)."""

from celery import shared_task

from jamportal import mail
from jamportal.attendance import services


@shared_task(name="attendance.send_email", **mail.TASK_OPTIONS)
def task_send_signup_email(*, event_id):
    """The email a sign-up's event calls for, at most once (jamportal/mail.py)."""
    services.signup_event_deliver(event_id=event_id)


@shared_task(name="attendance.send_jam_removed", **mail.TASK_OPTIONS)
def task_send_jam_removed(*, messages):
    """The emails drawn when a Jam with sign-ups was deleted (its rows are gone by now)."""
    services.send_drawn(messages)


# Periodic (Celery beat, hourly): one query per reminder, one email task per attendee due.
@shared_task(name="attendance.remind_attendees", time_limit=600, soft_time_limit=540)
def task_remind_attendees():
    return services.signups_remind()


# Periodic (Celery beat, daily): one UPDATE.
@shared_task(name="attendance.anonymise_attendees", time_limit=300, soft_time_limit=240)
def task_anonymise_attendees():
    return services.signups_anonymise()


@shared_task(name="attendance.send_report_request", **mail.TASK_OPTIONS)
def task_send_report_request(*, request_id):
    """The email asking an organiser for their Jam's report, at most once."""
    services.report_request_deliver(request_id=request_id)


# Periodic (Celery beat, hourly): one query, one email task per Jam that ended yesterday.
@shared_task(name="attendance.ask_for_reports", time_limit=300, soft_time_limit=240)
def task_ask_for_reports():
    return services.reports_request()


# --- series ---
@shared_task(name="attendance.send_jam_moved", **mail.TASK_OPTIONS)
def task_send_jam_moved(*, messages):
    """The emails drawn when a Jam (a date of a repeating one) moved to another day or time."""
    services.send_drawn(messages)
