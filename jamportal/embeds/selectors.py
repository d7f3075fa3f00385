"""What the embedded pages show: public Jams only, whoever asks (an embed is the
same page for everyone, on someone else's site)."""

from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from jamportal.jams import selectors as jam_selectors

# At most this many Jams in an embedded list; a link leads to the rest on the portal.
EMBED_LIST_LIMIT = 20


def embed_jam_or_404(slug, *, language):
    """The public Jam `slug` (a cancelled one too, so the host's page says so)."""
    jams = jam_selectors.jam_list_public(when=jam_selectors.ALL, include_cancelled=True, language=language)
    jam = jams.filter(slug=slug).first()
    if jam is None:
        raise Http404
    return jam


def embed_organiser_jams(jam, *, language):
    """ "Our Jams": the upcoming public Jams of `jam`'s organiser, soonest first
    (`jam` among them while it is upcoming), at most EMBED_LIST_LIMIT."""
    jams = jam_selectors.jam_list_public(language=language).filter(organiser_id=jam.organiser_id)
    return list(jams.order_by("start", "pk")[:EMBED_LIST_LIMIT])


def embed_series_or_404(pk, *, language):
    """(the repeating Jam `pk`, its public dates to come soonest first, its past ones
    latest first), at most EMBED_LIST_LIMIT of each, as its page shows them to everyone."""
    series, dates, _can_edit = jam_selectors.series_for_viewer_or_404(AnonymousUser(), pk, language=language)
    now = timezone.now()
    upcoming = sorted((date for date in dates if date.end >= now), key=lambda date: (date.start, date.pk))
    past = sorted((date for date in dates if date.end < now), key=lambda date: (date.start, date.pk), reverse=True)
    return series, upcoming[:EMBED_LIST_LIMIT], past[:EMBED_LIST_LIMIT]


def embed_jam_list(filters, *, language):
    """(the first EMBED_LIST_LIMIT public Jams matching `filters`, soonest first; how many match)."""
    jams = jam_selectors.jam_list_public(**filters, language=language)
    order = ("-start", "-pk") if filters.get("when") == jam_selectors.PAST else ("start", "pk")
    return list(jams.order_by(*order)[:EMBED_LIST_LIMIT]), jams.count()


def embed_jams_near(filters, near, *, language):
    """The public Jams matching `filters` near a point (see jams.selectors.jams_near), nearest first."""
    near = {**near, "limit": EMBED_LIST_LIMIT}
    return jam_selectors.jams_near(jam_selectors.jam_list_public(**filters), language=language, **near)
