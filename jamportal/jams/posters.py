"""The printable poster of a campaign's Jams: a PDF rendered by WeasyPrint from
a Django template, grouped by country, sized to fit A3 or A2.

Rendering takes seconds for hundreds of Jams, so it happens in a Celery task
("jams.build_poster"); a download serves the last rendering at once and asks for
a new one when the Jams have changed since.

Builds are coalesced: one row per poster (campaign, size, language) holds whether
a build is queued (`build_queued_at`) and whether the Jams changed since the last
build began (`stale`). A change marks the campaign's posters stale and queues a
build, POSTER_BUILD_DELAY seconds later, only for a poster that has none queued,
so a burst of edits, and every download meanwhile, costs one build per poster. The
build clears `stale` as it begins, gives its place up when it ends, and queues
one more if an edit arrived while it ran.
"""

import datetime
import hashlib
import json
import logging
import math
import secrets
from dataclasses import dataclass

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation

from jamportal.celery import enqueue
from jamportal.cldr import formats
from jamportal.jams import selectors
from jamportal.jams.models import CampaignPoster
from jamportal.pdf import render_document, render_pdf

logger = logging.getLogger(__name__)

# Longer than a build may wait in the queue and run (its time limit, in tasks.py):
# a build queued this long ago was lost with a worker that died, and another may be queued.
BUILD_LEASE = datetime.timedelta(minutes=30)

# Printable area in points (1 pt = 1/72 inch) below the poster's heading.
PAGE_HEIGHT_PT = {CampaignPoster.Size.A3: 1191, CampaignPoster.Size.A2: 1684}
PAGE_WIDTH_PT = {CampaignPoster.Size.A3: 842, CampaignPoster.Size.A2: 1191}
HEADING_PT = 230
MARGIN_PT = 48
# Type sizes tried, largest first: a few Jams print large, hundreds small.
FONT_SIZES_PT = [size / 2 for size in range(48, 10, -1)]
LINE_HEIGHT = 1.3
MIN_COLUMN_WIDTH_EM = 16
COLUMN_GAP_PT = 16
# A country's heading takes its line and the space above it (0.6 em, in poster.html).
HEADING_LINES = 1.6
# Average advance of a character, in ems: generous, so that a poster fits rather than spills.
AVERAGE_CHARACTER_EM = 0.58
# A country of this many Jams or fewer is never split across columns.
KEEP_TOGETHER = 4
# The drawn poster is measured (WeasyPrint's layout) and the type made larger while
# its tallest column stays within the page, this many times at most.
FITTINGS = 4
PX_PER_PT = 4 / 3


@dataclass(frozen=True)
class Part:
    """A country's heading and some of its Jams in one column; `continued` when
    its first Jams are in the column before."""

    country: object
    jams: list
    continued: bool = False


@dataclass(frozen=True)
class Layout:
    columns: int
    font_size: float
    parts: tuple = ()  # a tuple of Parts for each column


def poster_layout(groups: list, size: str, *, scale: float = 1.0, largest: float | None = None) -> Layout:
    """The largest type at which the Jams, in columns at least MIN_COLUMN_WIDTH_EM
    wide, fit one page (counting the lines long names wrap onto), each country
    under its heading; the smallest type and the most columns if nothing fits, and
    the poster runs on. `scale`: how much taller the drawn text is than counted
    (measured by poster_render); `largest`: a type size not to go beyond."""
    width = PAGE_WIDTH_PT[size] - 2 * MARGIN_PT
    height = PAGE_HEIGHT_PT[size] - 2 * MARGIN_PT - HEADING_PT
    texts = [[f"{jam.display_title} · {jam.city}" for jam in jams] for _, jams in groups]
    for font_size in FONT_SIZES_PT:
        if largest is not None and font_size > largest:
            continue
        lines_per_column = height / (font_size * LINE_HEIGHT * scale)
        for columns in range(1, max(1, int(width / (font_size * MIN_COLUMN_WIDTH_EM))) + 1):
            column_width = (width - (columns - 1) * COLUMN_GAP_PT) / columns
            characters = max(1, int(column_width / (font_size * AVERAGE_CHARACTER_EM)))
            lines = [[math.ceil(len(text) / characters) for text in group] for group in texts]  # per Jam
            packed = _columns(groups, lines, lines_per_column)
            if len(packed) <= columns:
                return Layout(columns, font_size, tuple(packed))
    columns = max(1, int(width / (FONT_SIZES_PT[-1] * MIN_COLUMN_WIDTH_EM)))
    return Layout(columns, FONT_SIZES_PT[-1], tuple(_columns(groups, lines, lines_per_column)))


def _columns(groups, lines, room) -> list[tuple]:
    """The countries' parts, column by column, each column at most `room` lines:
    a small country moves whole to the next column rather than split, a large one
    splits with its heading repeated, and neither side of a split holds one Jam alone."""
    columns, column, used = [], [], 0.0

    def next_column():
        nonlocal column, used
        if column:
            columns.append(tuple(column))
        column, used = [], 0.0

    for (country, jams), heights in zip(groups, lines, strict=True):
        start, continued = 0, False
        while start < len(jams):
            rest = heights[start:]
            if used + HEADING_LINES + sum(rest) <= room:  # the rest fits here
                column.append(Part(country, jams[start:], continued))
                used += HEADING_LINES + sum(rest)
                break
            fits, total = 0, used + HEADING_LINES
            while fits < len(rest) and total + rest[fits] <= room:
                total += rest[fits]
                fits += 1
            if len(rest) - fits == 1 and fits > 2:
                fits -= 1  # leave no Jam alone under a continued heading
            if column and (len(jams) <= KEEP_TOGETHER or fits < 2):
                next_column()  # whole, or at least two Jams, at the top of the next column
                continue
            fits = max(fits, 1)  # a column too short for two Jams still takes one
            column.append(Part(country, jams[start : start + fits], continued))
            start, continued = start + fits, True
            next_column()
    next_column()
    return columns


# Part of every poster's digest: change it when the poster's layout changes, so that
# posters built before are built again (their Jams did not change, the drawing did).
POSTER_LAYOUT = "2026-11-30: columns kept by country, type fitted, dates, address, QR code, bidi isolates"


def poster_content(campaign, language) -> tuple[list, str]:
    """The campaign's Jams grouped by country (in `language`), and a digest of them."""
    with translation.override(language):
        jams = selectors.jam_list_public(campaign=campaign, when=selectors.ALL, language=language).order_by("start")
        groups = selectors.group_by_country(jams)
        printed = [
            POSTER_LAYOUT,
            campaign.display_name,
            campaign.hashtag,
            str(campaign.starts_on),
            str(campaign.ends_on),
            campaign_url(campaign),
            [[str(country.name), [[jam.display_title, jam.city] for jam in jams]] for country, jams in groups],
        ]
    digest = hashlib.sha256(json.dumps(printed, ensure_ascii=False).encode()).hexdigest()
    return groups, digest


def campaign_url(campaign) -> str:
    """The campaign page's address in the active language, as the poster prints it."""
    return settings.SITE_URL + reverse("jams:campaign", args=[campaign.slug])


def campaign_dates(campaign) -> str:
    """The campaign's days as the active language writes a range of dates (CLDR's
    interval formats: "6–7 March 2027", "2027年3月6日～7日"), in its digits ("۶ تا ۷ مارس ۲۰۲۷")."""
    return formats.format_date_range(campaign.starts_on, campaign.ends_on)


def poster_render(campaign, *, size, language, groups) -> bytes:
    """The poster as a PDF. The type is sized by counting characters, then the drawn
    poster is measured and the type enlarged while every column stays on the page."""
    with translation.override(language):
        url = campaign_url(campaign)
        context = {
            "campaign": campaign,
            "count": sum(len(jams) for _, jams in groups),
            "dates": campaign_dates(campaign),
            "url": url,
            "url_shown": url.split("://", 1)[-1],
            "qr_code": segno.make(url, error="m").svg_data_uri(border=0, dark="#1d1d1f"),
            "page_size": CampaignPoster.Size(size).label,
            "LANGUAGE_CODE": language,
            "LANGUAGE_BIDI": translation.get_language_bidi(),
        }
        layout = poster_layout(groups, size)
        fitted, document = None, None
        for _ in range(FITTINGS):
            drawn = render_document("jams/poster.html", {**context, "layout": layout})
            fill = poster_fill(drawn)
            if fill is not None and fill <= 1:
                fitted, document = layout, drawn
            if fill is None or fill > 1:  # off the page: smaller type than this
                largest = layout.font_size - 0.5
                scale = 1.0 if fill is None else fill * _counted_fill(layout, size)
            elif fill < 0.9 and layout.font_size < FONT_SIZES_PT[0]:  # room to spare: larger type
                largest = None
                scale = fill * _counted_fill(layout, size) / 0.97
            else:
                break
            layout = poster_layout(groups, size, scale=max(scale, 0.2), largest=largest)
            if layout == fitted or (largest is not None and layout.font_size > largest):
                break
        return (document or drawn).write_pdf()


def _counted_fill(layout, size) -> float:
    """How much of the columns' height the counted lines of the fullest column take
    (the measured fill divided by this is how much taller the drawing is)."""
    width = PAGE_WIDTH_PT[size] - 2 * MARGIN_PT
    height = PAGE_HEIGHT_PT[size] - 2 * MARGIN_PT - HEADING_PT
    column_width = (width - (layout.columns - 1) * COLUMN_GAP_PT) / layout.columns
    characters = max(1, int(column_width / (layout.font_size * AVERAGE_CHARACTER_EM)))
    line = layout.font_size * LINE_HEIGHT
    counted = [sum(HEADING_LINES + _lines(part.jams, characters) for part in column) for column in layout.parts]
    return max(counted, default=0) * line / height or 1.0


def poster_fill(document) -> float | None:
    """How much of the room below the heading the tallest column of the drawn poster
    takes (over 1: off the page), or None if it ran onto a second page."""
    if len(document.pages) != 1:
        return None
    page = document.pages[0]._page_box
    bottom = page.content_box_y() + page.height
    main = next(box for box in page.descendants() if getattr(box, "element_tag", None) == "main")
    columns = [box for box in main.children if getattr(box, "element_tag", None) == "div"]
    room = bottom - main.content_box_y()
    return max((box.margin_height() for box in columns), default=0) / room


def campaign_posters_changed(campaign_id) -> None:
    """What the campaign's posters print has changed (call it once the change is
    committed): each poster asked for so far is stale, and gets one build queued
    POSTER_BUILD_DELAY seconds later, unless one is queued already."""
    CampaignPoster.objects.filter(campaign_id=campaign_id).update(stale=True)
    for poster_id in CampaignPoster.objects.filter(campaign_id=campaign_id).values_list("pk", flat=True):
        poster_build_queue(poster_id, countdown=settings.POSTER_BUILD_DELAY)


def poster_build_queue(poster_id, *, countdown=0) -> bool:
    """Queue a build of the poster unless one is queued or running (one conditional
    UPDATE decides, across processes); whether this call queued it."""
    now = timezone.now()
    free = Q(build_queued_at__isnull=True) | Q(build_queued_at__lt=now - BUILD_LEASE)
    if not CampaignPoster.objects.filter(free, pk=poster_id).update(build_queued_at=now):
        return False
    enqueue("jams.build_poster", countdown=countdown, poster_id=poster_id)
    return True


def poster_build_queued(poster) -> None:
    """The queued build of `poster` (the task calls this): one build for the Jams as
    they are now; then its place in the queue is given up, and one more build is
    queued if the Jams changed while it ran."""
    CampaignPoster.objects.filter(pk=poster.pk).update(stale=False)
    try:
        campaign_poster_build(poster.campaign, size=poster.size, language=poster.language)
    finally:
        CampaignPoster.objects.filter(pk=poster.pk).update(build_queued_at=None)
        if CampaignPoster.objects.filter(pk=poster.pk, stale=True).exists():
            poster_build_queue(poster.pk, countdown=settings.POSTER_BUILD_DELAY)


def campaign_poster_build(campaign, *, size, language) -> CampaignPoster:
    """Render the poster unless the stored one already shows the current Jams.

    Two builds of one poster at once (a lease run out, a redelivered message)
    each write a file of their own, and attach it only if the poster still has
    the file they began from: the loser deletes its file, and the file replaced
    goes once the change commits. No file is left behind either way."""
    poster, _created = CampaignPoster.objects.get_or_create(campaign=campaign, size=size, language=language)
    groups, fingerprint = poster_content(campaign, language)
    if poster.fingerprint == fingerprint and poster.file:
        return poster
    pdf = poster_render(campaign, size=size, language=language, groups=groups)
    storage, old_name = poster.file.storage, poster.file.name
    # A name of its own (a bucket may overwrite a name that exists).
    wanted = f"{campaign.slug}-{size}-{language}-{secrets.token_urlsafe(6)}.pdf"
    new_name = storage.save(poster.file.field.generate_filename(poster, wanted), ContentFile(pdf))
    with transaction.atomic():
        attached = CampaignPoster.objects.filter(pk=poster.pk, file=old_name).update(
            file=new_name, fingerprint=fingerprint, built_at=timezone.now()
        )
        doomed = old_name if attached else new_name
        if doomed:
            transaction.on_commit(lambda: storage.delete(doomed))
    if not attached:
        logger.info("poster %s was built by another worker meanwhile: this build's file is dropped", poster.pk)
    poster.refresh_from_db()
    return poster


def campaign_poster_for_download(campaign, *, size, language) -> CampaignPoster | None:
    """The poster to serve at once: the stored one, while a new one is made in
    the background if the Jams have changed since (unless a build is queued
    already); None before the first exists."""
    poster = selectors.campaign_poster(campaign, size=size, language=language)
    if poster is None:
        poster, _created = CampaignPoster.objects.get_or_create(campaign=campaign, size=size, language=language)
    if not poster.file or poster.stale or poster.fingerprint != poster_content(campaign, language)[1]:
        if not poster.stale:
            CampaignPoster.objects.filter(pk=poster.pk).update(stale=True)
        poster_build_queue(poster.pk)
        # Without a broker the build has just run: the poster may exist now.
        poster.refresh_from_db()
    return poster if poster.file else None


def flyer_render(jam, *, url) -> bytes:
    """An A4 flyer for one Jam, in the active language, with the birthday artwork."""
    return render_pdf("jams/flyer.html", {"jam": jam, "url": url})


def _lines(jams, characters) -> int:
    return sum(math.ceil(len(f"{jam.display_title} · {jam.city}") / characters) for jam in jams)
