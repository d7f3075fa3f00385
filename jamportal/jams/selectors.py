"""Everything that reads Jams for a page or an endpoint, and who may see what."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from jamportal.jams.models import Campaign, Jam, JamTranslation

Status = Jam.Status

UPCOMING, PAST, ALL = "upcoming", "past", "all"


def with_translation(jams, language):
    """Fetch each Jam's translation into `language` along with it (one query in all);
    `jam.translation` and `jam.display_title` then use it."""
    translations = JamTranslation.objects.filter(language=language)
    return jams.prefetch_related(Prefetch("translations", queryset=translations, to_attr="visitor_translations"))


def jam_list_public(
    *, campaign=None, country="", spoken="", date_from=None, date_to=None, when=UPCOMING, language=None, now=None
):
    """Approved Jams for the map, list and feeds, in date order.

    `when` is "upcoming" (not yet over), "past" or "all"; `date_from`/`date_to`
    are inclusive days on the calendar of UTC; `spoken` is a language code
    spoken at the Jam. With `language`, each Jam carries its translation into it.
    """
    now = now or timezone.now()
    jams = Jam.objects.filter(status=Status.APPROVED).select_related("campaign")
    if language:
        jams = with_translation(jams, language)
    if when == UPCOMING:
        jams = jams.filter(end__gte=now)
    elif when == PAST:
        jams = jams.filter(end__lt=now).order_by("-start")
    if campaign is not None:
        jams = jams.filter(campaign=campaign)
    if country:
        jams = jams.filter(country=country)
    if spoken:
        # `languages` is a JSON list of codes. "contains" on a JSON list is not
        # available on SQLite, so match the quoted code in its text: codes are
        # validated against the known list and contain no wildcards.
        jams = jams.filter(languages__icontains=f'"{spoken}"')
    if date_from:
        jams = jams.filter(end__gte=_day_start(date_from))
    if date_to:
        jams = jams.filter(start__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return jams


def group_by_country(jams):
    """[(country, [jam, ...]), ...] with countries in alphabetical order of their name
    in the visitor's language, and each country's Jams in the order given."""
    groups = {}
    for jam in jams:
        groups.setdefault(jam.country.code, (jam.country, []))[1].append(jam)
    return sorted(groups.values(), key=lambda group: str(group[0].name).casefold())


def jam_list_for_organiser(user):
    """The organiser's own Jams, every status, newest first."""
    return Jam.objects.filter(organiser=user).select_related("campaign").order_by("-start")


def jam_list_moderation_queue():
    """Jams waiting for a moderator, oldest submission first."""
    return (
        Jam.objects.filter(status=Status.SUBMITTED)
        .select_related("organiser", "campaign")
        .order_by("submitted_at", "pk")
    )


def jam_for_viewer_or_404(user, slug, *, language=None) -> Jam:
    """A Jam the user may look at: public ones, their own, or any for a moderator."""
    jams = Jam.objects.select_related("campaign", "organiser")
    if language:
        jams = with_translation(jams, language)
    jam = jams.filter(slug=slug).first()
    if jam is None or not (jam.is_public or jam_is_editable_by(jam, user) or user.has_perm("jams.moderate_jam")):
        raise Http404
    return jam


def jam_for_organiser_or_404(user, slug) -> Jam:
    """A Jam the user may change: only their own."""
    jam = Jam.objects.select_related("campaign").filter(slug=slug).first()
    if jam is None or not jam_is_editable_by(jam, user):
        raise Http404
    return jam


def jam_for_moderator_or_404(slug) -> Jam:
    jam = Jam.objects.select_related("campaign", "organiser").filter(slug=slug).first()
    if jam is None:
        raise Http404
    return jam


def jam_is_editable_by(jam, user) -> bool:
    return user.is_authenticated and jam.organiser_id == user.pk


def jam_translation_list(jam):
    return jam.translations.all()


def jam_translation_for_organiser_or_404(user, slug, language):
    translation = JamTranslation.objects.select_related("jam").filter(jam__slug=slug, language=language).first()
    if translation is None or not jam_is_editable_by(translation.jam, user):
        raise Http404
    return translation


def jam_history(jam):
    return jam.events.select_related("actor").order_by("-created_at", "-pk")


def user_list_moderators():
    """Active users allowed to moderate Jams, directly, through a group, or as superusers."""
    permission = Permission.objects.filter(content_type__app_label="jams", codename="moderate_jam")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(user_permissions__in=permission) | Q(groups__permissions__in=permission))
        .distinct()
    )


def campaign_list():
    return Campaign.objects.order_by("-starts_on")


def campaign_open_for_submissions(today=None):
    """Campaigns a new Jam can join: not over, and not past their deadline."""
    today = today or timezone.localdate()
    return (
        campaign_list()
        .filter(ends_on__gte=today)
        .filter(Q(submission_deadline__isnull=True) | Q(submission_deadline__gte=today))
    )


def _day_start(day):
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=datetime.UTC)
