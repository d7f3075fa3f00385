"""Thin Celery tasks: primitive ids in, re-fetch, guard, call one service."""

from celery import shared_task
from django.conf import settings

# Module imports, not names: services import this module too.
from jamportal.jams import posters, services
from jamportal.jams.models import Campaign, CampaignPoster, JamEvent


@shared_task
def task_send_jam_email(*, event_id):
    event = JamEvent.objects.filter(pk=event_id).select_related("jam__organiser").first()
    if event is None or event.notified_at is not None:
        return
    services.jam_event_notify(event)


@shared_task
def task_build_poster(*, campaign_id, size, language):
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None or size not in CampaignPoster.Size.values or language not in dict(settings.LANGUAGES):
        return
    posters.campaign_poster_build(campaign, size=size, language=language)


@shared_task
def task_refresh_posters(*, campaign_id):
    """Rebuild the campaign's posters that have been asked for; unchanged ones are kept."""
    for size, language in CampaignPoster.objects.filter(campaign_id=campaign_id).values_list("size", "language"):
        task_build_poster.delay(campaign_id=campaign_id, size=size, language=language)


@shared_task
def task_remind_organisers():
    """Periodic (Celery beat, hourly): a week and a day before each Jam."""
    return services.jams_remind()
