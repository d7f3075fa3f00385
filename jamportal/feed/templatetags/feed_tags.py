from django import template

from jamportal.feed import selectors

register = template.Library()

PREVIEW = 12


@register.inclusion_tag("feed/_gallery.html", takes_context=True)
def jam_gallery(context, jam):
    """The newest photos of a Jam for its page; the gallery keeps itself up to date."""
    photos = list(selectors.photos_public(jam)[: PREVIEW + 1])
    return {
        "jam": jam,
        "photos": photos[:PREVIEW],
        "more": len(photos) > PREVIEW,
        "request": context["request"],
    }
