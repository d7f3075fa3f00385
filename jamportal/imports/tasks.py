"""Thin Celery tasks of imports (see jamportal/jams/tasks.py for the habits)."""

import logging

from celery import shared_task

from jamportal.imports import services
from jamportal.imports.models import CalendarSource

logger = logging.getLogger(__name__)


# Periodic (Celery beat, hourly): one query, one task per calendar due.
@shared_task(name="imports.sync_sources", time_limit=120, soft_time_limit=100)
def task_sync_sources():
    return services.sources_sync_due()


# A calendar is read within settings.IMPORT_TIMEOUT (10 s); the rest is a few hundred Jams' writes.
@shared_task(name="imports.sync_source", time_limit=300, soft_time_limit=240)
def task_sync_source(*, source_id):
    source = CalendarSource.objects.filter(pk=source_id).select_related("organiser", "campaign").first()
    if source is None:
        logger.info("calendar %s is gone (removed by its organiser): not synced", source_id)
        return
    services.source_sync(source)
