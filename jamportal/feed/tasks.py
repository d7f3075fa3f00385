"""Thin Celery tasks for the photo feed."""

from celery import shared_task

# A module import, not names: services import this module too.
from jamportal.feed import services
from jamportal.feed.models import Photo


@shared_task
def task_make_photo_sizes(*, photo_id):
    photo = Photo.objects.filter(pk=photo_id).first()
    if photo is None or (photo.web and photo.thumbnail):
        return
    services.photo_make_sizes(photo)
