"""Thin Celery tasks for kits."""

from celery import shared_task

# A module import, not names: services import this module too.
from jamportal.kits import services
from jamportal.kits.models import KitRequestEvent


@shared_task
def task_send_kit_email(*, event_id):
    event = KitRequestEvent.objects.filter(pk=event_id).select_related("request__jam__organiser").first()
    if event is None or event.notified_at is not None:
        return
    services.kit_event_notify(event)


@shared_task
def task_anonymise_kit_addresses():
    """Periodic (Celery beat, daily): forget addresses after each kit's retention period."""
    return services.kit_requests_anonymise()


@shared_task
def task_nudge_kit_receipts():
    """Periodic (Celery beat, daily): ask whether shipped kits have arrived."""
    return services.kit_requests_nudge()
