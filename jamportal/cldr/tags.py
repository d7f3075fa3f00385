"""Template filters every template has (TEMPLATES "builtins"): user text isolated for
bidi, and dates, numbers and durations written by one rule per language (formats.py).

    <span class="meta">{{ jam.city|bidi }} · {{ jam|jam_when }}</span>
    <html {% browser_formats %}>                 data-locale="fa" data-numbering="arabext" ...
    {% blocktranslate count n=figures.jams|local_number %}...   still a number for the plural
"""

import datetime
from zoneinfo import ZoneInfo

from django import template
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from jamportal.cldr import formats

register = template.Library()


@register.filter(is_safe=True)
def bidi(value):
    """`value` (a Jam's title, a city, a hashtag...) in its own direction inside the line:
    "#AccJam" stays "#AccJam" in a Persian sentence, "شیراز" stays whole in an English one."""
    if value is None or value == "":
        return ""
    return format_html("<bdi>{}</bdi>", value)


@register.filter(is_safe=False)
def bidi_print(value):
    """`bidi` for the PDFs: WeasyPrint ignores <bdi> and unicode-bidi on inline boxes, but
    Pango honours Unicode's isolates (FSI ... PDI), so the poster keeps "#AccJam" whole."""
    if value is None or value == "":
        return ""
    return f"\u2068{value}\u2069"


@register.simple_tag
def browser_formats():
    """The attributes that tell the page's scripts how the server writes dates and numbers
    (read by static/js/site.js `pageFormats`), so that both write them alike."""
    attributes = formats.browser_formats().items()
    return format_html_join(" ", 'data-{}="{}"', ((name.replace("_", "-"), value) for name, value in attributes))


class NativeNumber(int):
    """A whole number that prints in the language's digits but stays a number, for
    `{% blocktranslate count %}` (which chooses the plural with it, then prints it)."""

    def __new__(cls, value, text):
        number = super().__new__(cls, value)
        number.text = text
        return number

    def __str__(self):
        return self.text

    __html__ = __str__


@register.filter
def local_number(value):
    """1234 → "1,234", "1.234", "۱٬۲۳۴", as the page's language writes it."""
    if value is None or value == "":
        return value
    return NativeNumber(value, formats.format_number(value)) if isinstance(value, int) else formats.format_number(value)


@register.filter
def local_date(value):
    """A date, or a datetime in its own timezone: "April 10, 2031", "۱۰ آوریل ۲۰۳۱"."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.format_date(value)


@register.filter
def local_datetime(value, zone=None):
    """A moment, in `zone` (a Jam's timezone) or the site's: "April 10, 2031, 4:00 PM"."""
    if not value:
        return ""
    zone = ZoneInfo(zone) if isinstance(zone, str) else zone
    return formats.format_datetime(timezone.localtime(value, zone))


@register.filter
def time_since(value):
    """How long ago `value` was: "3 hours, 5 minutes", "۳ ساعت و ۵ دقیقه"."""
    return formats.format_duration(timezone.now() - value)


@register.filter
def time_until(value):
    """How long until `value`: "4 months, 1 week", "۴ ماه و ۱ هفته" (a countdown)."""
    return formats.format_duration(value - timezone.now())
