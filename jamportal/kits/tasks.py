"""Thin Celery tasks for kits: each has a name (services send it by that name:
jamportal.celery.enqueue), a time limit sized to its work, and a log line when its
object is gone."""

from celery import shared_task

from jamportal.kits import services


# Rendering one message and handing it to the mail server: seconds. Retried while
# the mail server cannot be reached (smtplib's errors are OSErrors).
@shared_task(
    name="kits.send_email",
    time_limit=120,
    soft_time_limit=90,
    autoretry_for=(OSError,),
    retry_backoff=60,
    max_retries=5,
)
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
