"""Bar charts drawn on the server as SVG, for pages and PDFs alike: no script, no
library, the numbers in the page's digits, mirrored for right-to-left languages.

    >>> bar_chart([("Europe", 12), ("Africa", 5)], title="Jams by continent", language="fa")

Each bar has its label above it on its own line (a country's name gets the chart's
whole width, even on a phone) and its number at its end. The SVG has a <title> and
role="img"; the page shows the same numbers in a table for those who read rather than look.
"""

import itertools

from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language_bidi

from jamportal.cldr import formats

WIDTH = 400  # user units; the SVG scales to its box
ROW = 50  # a label line, then the bar
BAR = 18
NUMBER_ROOM = 64  # kept free after the longest bar for its number
BAR_COLOUR = "#c51a4a"  # the berry: 5.5:1 on white

_ids = itertools.count(1)


def bar_rows(rows, *, language: str | None = None) -> list[dict]:
    """The same bars for the PDF, drawn there with boxes of text: WeasyPrint lays out SVG
    text without bidi or shaping (Persian came out backwards), HTML text with both.
    [{"label", "number" (in the language's digits), "percent" (of the longest bar)}]."""
    rows = list(rows)
    top = max((value for _label, value in rows), default=0) or 1
    return [
        {"label": label, "number": formats.format_number(value, language), "percent": round(85 * value / top, 1)}
        for label, value in rows
    ]


def bar_chart(rows, *, title: str, language: str | None = None, rtl: bool | None = None) -> str:
    """An SVG of one bar per (label, value) row, longest first as given."""
    rtl = get_language_bidi() if rtl is None else rtl
    rows = list(rows)
    top = max((value for _label, value in rows), default=0) or 1
    title_id = f"chart-{next(_ids)}"
    height = ROW * len(rows) + 4
    parts = []
    for index, (label, value) in enumerate(rows):
        y = index * ROW
        length = round((WIDTH - NUMBER_ROOM) * value / top, 1)
        bar_x = WIDTH - length if rtl else 0
        # text-anchor "start" is the right-hand end in a right-to-left SVG.
        edge = WIDTH if rtl else 0
        number_x = WIDTH - length - 6 if rtl else length + 6
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="17" fill="currentColor">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" rx="3" fill="{}"></rect>'
                '<text x="{}" y="{}" font-size="17" font-weight="700" fill="currentColor">{}</text>',
                edge,
                y + 18,
                label,
                bar_x,
                y + 25,
                length,
                BAR,
                BAR_COLOUR,
                number_x,
                y + 40,
                formats.format_number(value, language),
            )
        )
    return format_html(
        '<svg class="bar-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" '
        'role="img" aria-labelledby="{}" direction="{}" text-anchor="start">'
        '<title id="{}">{}</title>{}</svg>',
        WIDTH,
        height,
        WIDTH,
        height,
        title_id,
        "rtl" if rtl else "ltr",
        title_id,
        title,
        format_html_join("", "{}", ((part,) for part in parts)),
    )
