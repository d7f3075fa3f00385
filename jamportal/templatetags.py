"""Template tags every template has (TEMPLATES "builtins"): the page's other languages,
drawn in Python because every page draws them twice, twelve each time; and names
from CLDR in the page's language (jamportal.cldr.names)."""

import datetime

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from jamportal.cldr import names

register = template.Library()


@register.filter
def join_list(items):
    """A list joined the way the page's language does: "a, b and c", "a、b、c"."""
    return names.join(items)


@register.simple_tag
def list_comma():
    """The page language's list comma: ", ", "、", "، " (between a town and its country too)."""
    return names.list_comma()


@register.filter
def timezone_name(zone):
    """ "Europe/London" as the page's language names it: "United Kingdom Time"."""
    return names.timezone_label(zone)


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


# The tab's title (issue 19): "Page · JamPortal", or the site's name alone on a page
# without a title of its own. A block tag because a template cannot ask whether a
# block it inherits is empty ({{ block.super }} and `self` are not in Django).
SITE_NAME = "JamPortal"


class TitleNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        page = self.nodelist.render(context).strip()
        return f"{page} · {SITE_NAME}" if page else SITE_NAME


@register.tag
def page_title(parser, token):
    """{% page_title %}{% block head_title %}{% endblock %}{% endpage_title %}"""
    nodelist = parser.parse(("endpage_title",))
    parser.delete_first_token()
    return TitleNode(nodelist)


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


# --- the separator between the parts of a line (issue 22) ---
# "·" beside Persian digits reads as one ("… · ۳ ژوئیه" looks like ۳۰, the Persian zero
# being a dot): Persian lines take a spaced en dash, which no digit looks like.
SEPARATORS = {"fa": " \u2013 "}


@register.simple_tag
def separator():
    """Between the parts of a line ("3 July · Leeds"): " · ", or " – " in Persian."""
    return SEPARATORS.get((get_language() or "").split("-")[0], " · ")
