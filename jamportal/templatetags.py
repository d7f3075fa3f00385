"""Template tags every template has (TEMPLATES "builtins"): the page's other languages,
drawn in Python because every page draws them twice, twelve each time."""

import datetime

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def alternate_links(context):
    """<link rel="alternate" hreflang=...> for each language, for search engines."""
    site = context["site_url"]
    return format_html_join(
        "\n  ",
        '<link rel="alternate" hreflang="{}" href="{}{}">',
        ((a["code"], site, a["url"]) for a in context["language_alternates"]),
    )


@register.simple_tag(takes_context=True)
def language_menu(context):
    """The language switcher's items for visitors: the same page under each language's address."""
    current = context["LANGUAGE_CODE"]
    return format_html_join(
        "\n",
        '<li><a href="{}" hreflang="{}" lang="{}"{}>{}</a></li>',
        (
            (a["url"], a["code"], a["code"], CURRENT if a["code"] == current else "", a["name"])
            for a in context["language_alternates"]
        ),
    )


CURRENT = mark_safe(' aria-current="true"')


@register.filter
def html_datetime(value) -> str:
    """A date, or a date and time in UTC to the second, as HTML's datetime attribute
    takes it: `{{ photo.taken_at|html_datetime }}`. Django's "c" format writes the
    stored microseconds, and HTML allows at most three digits of a second."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return ""
