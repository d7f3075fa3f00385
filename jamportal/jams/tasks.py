"""Thin Celery tasks: primitive ids in, re-fetch, guard, call one service.

Each has a name (services send it by that name: jamportal.celery.enqueue), a time
limit sized to its work, and a log line when its object is gone.
"""

import logging

from celery import shared_task

from jamportal import mail
from jamportal.jams import posters, services
from jamportal.jams.models import CampaignPoster

logger = logging.getLogger(__name__)


@shared_task(name="jams.send_email", **mail.TASK_OPTIONS)
def task_send_jam_email(*, event_id):
    """The emails a Jam's audit event calls for, at most once (jamportal/mail.py)."""
    services.jam_event_deliver(event_id=event_id)


# A poster of 500 Jams renders in seconds; ten times that is a stuck render.
@shared_task(name="jams.build_poster", time_limit=300, soft_time_limit=240)
def task_build_poster(*, poster_id):
    poster = CampaignPoster.objects.filter(pk=poster_id).select_related("campaign").first()
    if poster is None:
        logger.warning("poster %s is gone (its campaign was deleted?): not built", poster_id)
        return
    posters.poster_build_queued(poster)


# Periodic (Celery beat, hourly): a few queries and one email task queued per Jam due.
@shared_task(name="jams.remind_organisers", time_limit=300, soft_time_limit=240)
def task_remind_organisers():
    """A week and a day before each Jam."""
    return services.jams_remind()


# --- series ---
# Periodic (Celery beat, daily): the dates of repeating Jams that came within a year.
@shared_task(name="jams.extend_series", time_limit=600, soft_time_limit=540)
def task_extend_series():
    return services.series_extend_all()
