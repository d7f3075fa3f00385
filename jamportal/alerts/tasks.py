"""Thin Celery tasks of alerts (see jamportal/jams/tasks.py for the habits)."""

from celery import shared_task

from jamportal import mail
from jamportal.alerts import services


@shared_task(name="alerts.send_confirmation", **mail.TASK_OPTIONS)
def task_send_confirmation(*, alert_id):
    """The double opt-in email of a request not yet confirmed."""
    services.confirmation_send(alert_id=alert_id)


# One query for the alerts near the Jam, one row and one email task per visitor told.
@shared_task(name="alerts.match_jam", time_limit=300, soft_time_limit=240)
def task_match_jam(*, jam_id):
    return services.alerts_match_jam(jam_id=jam_id)


@shared_task(name="alerts.send_notice", **mail.TASK_OPTIONS)
def task_send_notice(*, notice_id):
    """The email telling a waiting visitor of a Jam near them, at most once."""
    services.notice_deliver(notice_id=notice_id)


# Periodic (Celery beat, hourly): one DELETE.
@shared_task(name="alerts.expire_requests", time_limit=300, soft_time_limit=240)
def task_expire_requests():
    return services.alerts_expire()
