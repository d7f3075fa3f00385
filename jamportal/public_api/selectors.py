"""What the public read API reads, through the Jams' and campaigns' own selectors:
only what the site shows a visitor without an account."""

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator

from jamportal.jams import selectors as jam_selectors
from jamportal.jams.models import Jam


def _with_names(jams, language):
    """Each Jam with its translation into `language` and its campaign's names, in
    one query each for the whole page."""
    return jam_selectors.with_translation(jams.select_related("campaign"), language).prefetch_related(
        "campaign__translations"
    )


def jam_page(filters: dict, *, language, page_size):
    """A Paginator over the public Jams matching `filters` (JamFilterForm.filters()),
    in the site's order: soonest first, or for past Jams the latest first."""
    jams = jam_selectors.jam_list_public(**filters)
    order = ("-start", "-pk") if filters.get("when") == jam_selectors.PAST else ("start", "pk")
    return Paginator(_with_names(jams, language).order_by(*order), page_size)


def jam_near_keys(filters: dict, near: dict) -> list:
    """(distance in km, key) of the public Jams matching `filters` near a point,
    nearest first, as the site's near-me search finds them (at most 100)."""
    return jam_selectors.nearest_keys(jam_selectors.public_reader(filters), **near)


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
