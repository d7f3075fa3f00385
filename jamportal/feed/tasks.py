"""Thin Celery tasks for the photo feed."""

from celery import shared_task

# A module import, not names: services import this module too.
from jamportal.feed import services, uploads
from jamportal.feed.models import Photo


@shared_task
def task_make_photo_sizes(*, photo_id):
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None or photo.status == Photo.Status.DELETED or (photo.web and photo.thumbnail):
        return
    services.photo_make_sizes(photo)


@shared_task(name="feed.remove_stale_uploads", time_limit=300, soft_time_limit=240)
def task_remove_stale_uploads():
    """Periodic (Celery beat, hourly): upload files a killed web process left behind."""
    return uploads.uploads_remove_stale()
