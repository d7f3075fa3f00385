"""Thin Celery tasks: primitive ids in, re-fetch, guard, call one service."""

from celery import shared_task

# A module import, not names: services import this module too.
from jamportal.jams import services
from jamportal.jams.models import JamEvent


@shared_task
def task_send_jam_email(*, event_id):
    event = JamEvent.objects.filter(pk=event_id).select_related("jam__organiser").first()
    if event is None or event.notified_at is not None:
        return
    services.jam_event_notify(event)
