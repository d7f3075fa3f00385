"""Template tags every template has (TEMPLATES "builtins"): the page's other languages,
drawn in Python because every page draws them twice, twelve each time; and names
from CLDR in the page's language (jamportal.cldr.names)."""

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

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
