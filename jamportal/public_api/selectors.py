"""What the public read API reads, through the Jams' and campaigns' own selectors:
only what the site shows a visitor without an account."""

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import Q

from jamportal.jams import selectors as jam_selectors
from jamportal.jams.models import Jam


def _with_names(jams, language):
    """Each Jam with its translation into `language` and its campaign's names, in
    one query each for the whole page."""
    return jam_selectors.with_translation(jams.select_related("campaign"), language).prefetch_related(
        "campaign__translations"
    )


def _in_box(jams, bbox):
    """The Jams in the box (west, south, east, north); west > east crosses the antimeridian."""
    west, south, east, north = bbox
    jams = jams.filter(latitude__gte=south, latitude__lte=north)
    if west <= east:
        return jams.filter(longitude__gte=west, longitude__lte=east)
    return jams.filter(Q(longitude__gte=west) | Q(longitude__lte=east))


def jam_page(filters: dict, *, bbox=None, language, page_size):
    """A Paginator over the public Jams matching `filters` (JamFilterForm.filters())
    and in `bbox` if given, in the site's order: soonest first, or for past Jams the
    latest first."""
    jams = jam_selectors.jam_list_public(**filters)
    if bbox:
        jams = _in_box(jams, bbox)
    order = ("-start", "-pk") if filters.get("when") == jam_selectors.PAST else ("start", "pk")
    return Paginator(_with_names(jams, language).order_by(*order), page_size)


def jam_near_keys(filters: dict, near: dict, *, bbox=None) -> list:
    """(distance in km, key) of the public Jams matching `filters` (and in `bbox` if
    given) near a point, nearest first, as the site's near-me search finds them (at
    most 100)."""
    if bbox:
        read = jam_selectors.reader(_in_box(jam_selectors.jam_list_public(**filters), bbox))
    else:
        read = jam_selectors.public_reader(filters)  # (compiled once per filters, as the site's)
    return jam_selectors.nearest_keys(read, **near)


def jams_by_pk(pks, *, language) -> dict:
    return _with_names(Jam.objects.all(), language).in_bulk(pks)


def jam_public_or_404(slug, *, language) -> Jam:
    """A Jam as its public page shows it to a visitor without an account (an approved
    Jam, or one cancelled after approval); Http404 otherwise."""
    return jam_selectors.jam_for_viewer_or_404(AnonymousUser(), slug, language=language)


def campaign_list():
    """Every campaign, newest first, with its public Jams and their countries counted."""
    return jam_selectors.campaign_list_with_figures()


def campaign_or_404(slug):
    return jam_selectors.campaign_get_or_404(slug)


def campaign_figures(campaign) -> dict:
    return jam_selectors.campaign_figures(campaign)


def series_public_or_404(pk, *, language):
    """(series, its public dates in order, each with its translation and campaign's
    names) as the series' page shows them to a visitor without an account."""
    series, dates, _can_edit = jam_selectors.series_for_viewer_or_404(AnonymousUser(), pk)
    by_pk = jams_by_pk([jam.pk for jam in dates], language=language)
    return series, [by_pk[jam.pk] for jam in dates]
