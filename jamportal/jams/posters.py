"""The printable poster of a campaign's Jams: a PDF rendered by WeasyPrint from
a Django template, grouped by country, sized to fit A3 or A2.

Rendering takes seconds for hundreds of Jams, so it happens in a Celery task
(`tasks.task_build_poster`); a download serves the last rendering at once and
asks for a new one when the Jams have changed since.
"""

import hashlib
import json
import math
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation

# A module import, not names: tasks import this module too.
from jamportal.jams import selectors, tasks
from jamportal.jams.models import CampaignPoster
from jamportal.pdf import render_pdf

# Printable area in points (1 pt = 1/72 inch) below the poster's heading.
PAGE_HEIGHT_PT = {CampaignPoster.Size.A3: 1191, CampaignPoster.Size.A2: 1684}
PAGE_WIDTH_PT = {CampaignPoster.Size.A3: 842, CampaignPoster.Size.A2: 1191}
HEADING_PT = 230
MARGIN_PT = 48
FONT_SIZES_PT = [18, 16, 14, 12, 11, 10, 9, 8, 7, 6.5, 6, 5.5]
LINE_HEIGHT = 1.3
MIN_COLUMN_WIDTH_EM = 16
COLUMN_GAP_PT = 16
# Average advance of a character, in ems: generous, so that a poster fits rather than spills.
AVERAGE_CHARACTER_EM = 0.58


@dataclass(frozen=True)
class Layout:
    columns: int
    font_size: float


def poster_layout(groups: list, size: str) -> Layout:
    """The largest type at which the Jams, in columns at least MIN_COLUMN_WIDTH_EM
    wide, fit one page (counting the lines long names wrap onto); the smallest
    type and the most columns if nothing fits, and the poster runs on."""
    width = PAGE_WIDTH_PT[size] - 2 * MARGIN_PT
    height = PAGE_HEIGHT_PT[size] - 2 * MARGIN_PT - HEADING_PT
    texts = [[f"{jam.display_title} · {jam.city}" for jam in jams] for _, jams in groups]
    for font_size in FONT_SIZES_PT:
        per_column = int(height / (font_size * LINE_HEIGHT))
        for columns in range(1, max(1, int(width / (font_size * MIN_COLUMN_WIDTH_EM))) + 1):
            column_width = (width - (columns - 1) * COLUMN_GAP_PT) / columns
            characters = max(1, int(column_width / (font_size * AVERAGE_CHARACTER_EM)))
            lines = sum(2 + sum(math.ceil(len(text) / characters) for text in group) for group in texts)
            if lines <= columns * per_column:
                return Layout(columns, font_size)
    return Layout(max(1, int(width / (FONT_SIZES_PT[-1] * MIN_COLUMN_WIDTH_EM))), FONT_SIZES_PT[-1])


def poster_content(campaign, language) -> tuple[list, str]:
    """The campaign's Jams grouped by country (in `language`), and a digest of them."""
    with translation.override(language):
        jams = selectors.jam_list_public(campaign=campaign, when=selectors.ALL, language=language).order_by("start")
        groups = selectors.group_by_country(jams)
        printed = [
            campaign.name,
            campaign.hashtag,
            str(campaign.starts_on),
            str(campaign.ends_on),
            [[str(country.name), [[jam.display_title, jam.city] for jam in jams]] for country, jams in groups],
        ]
    digest = hashlib.sha256(json.dumps(printed, ensure_ascii=False).encode()).hexdigest()
    return groups, digest


def poster_render(campaign, *, size, language, groups) -> bytes:
    with translation.override(language):
        return render_pdf(
            "jams/poster.html",
            {
                "campaign": campaign,
                "groups": groups,
                "count": sum(len(jams) for _, jams in groups),
                "layout": poster_layout(groups, size),
                "page_size": CampaignPoster.Size(size).label,
                "LANGUAGE_CODE": language,
                "LANGUAGE_BIDI": translation.get_language_bidi(),
            },
        )


def campaign_poster_build(campaign, *, size, language) -> CampaignPoster:
    """Render the poster unless the stored one already shows the current Jams."""
    groups, fingerprint = poster_content(campaign, language)
    poster = CampaignPoster.objects.filter(campaign=campaign, size=size, language=language).first()
    if poster and poster.fingerprint == fingerprint and poster.file:
        return poster
    pdf = poster_render(campaign, size=size, language=language, groups=groups)
    with transaction.atomic():
        poster = poster or CampaignPoster(campaign=campaign, size=size, language=language)
        old_file = poster.file.name if poster.file else None
        poster.file.save(f"{campaign.slug}-{size}-{language}.pdf", ContentFile(pdf), save=False)
        poster.fingerprint = fingerprint
        poster.built_at = timezone.now()
        poster.save()
    if old_file and old_file != poster.file.name:
        poster.file.storage.delete(old_file)
    return poster


def campaign_poster_for_download(campaign, *, size, language) -> CampaignPoster | None:
    """The poster to serve at once: the stored one, while a new one is made in
    the background if the Jams have changed since; None before the first exists."""
    poster = selectors.campaign_poster(campaign, size=size, language=language)
    if poster is None or poster.fingerprint != poster_content(campaign, language)[1]:
        tasks.task_build_poster.delay(campaign_id=campaign.pk, size=size, language=language)
        # Without a broker the task has just run: the poster may exist now.
        poster = poster or selectors.campaign_poster(campaign, size=size, language=language)
    return poster


def flyer_render(jam, *, url) -> bytes:
    """An A4 flyer for one Jam, in the active language, with the birthday artwork."""
    return render_pdf("jams/flyer.html", {"jam": jam, "url": url})
