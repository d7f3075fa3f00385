"""Thin Celery tasks for the photo feed: each has a name (services send it by that
name: jamportal.celery.enqueue), a time limit sized to its work, and a log line when
its object is gone or its work already done."""

import logging

from celery import shared_task

from jamportal.feed import services, uploads
from jamportal.feed.models import Photo

logger = logging.getLogger(__name__)


# Two resized copies of one photo (at most PHOTO_MAX_PIXELS, 40 megapixels): seconds.
@shared_task(name="feed.make_photo_sizes", time_limit=120, soft_time_limit=90)
def task_make_photo_sizes(*, photo_id):
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None or photo.status == Photo.Status.DELETED:
        logger.info("photo %s is gone or deleted: no sizes made", photo_id)
        return
    if photo.web and photo.thumbnail:
        logger.info("photo %s already has its sizes", photo_id)
        return
    services.photo_make_sizes(photo)


@shared_task(name="feed.remove_stale_uploads", time_limit=300, soft_time_limit=240)
def task_remove_stale_uploads():
    """Periodic (Celery beat, hourly): upload files a killed web process left behind."""
    return uploads.uploads_remove_stale()
