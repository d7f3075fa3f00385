"""{% embed_this %}: the "Embed this" button and dialog of a Jam's, a country's, a
campaign's or a repeating Jam's page (templates/embeds/_embed_this.html, static/embeds/embed_dialog.js)."""

import json
from urllib.parse import urlencode, urljoin

from django import template
from django.conf import settings
from django.utils.translation import gettext as _

from jamportal.cldr import names

register = template.Library()


def _choice(label, path, element, attributes, query=None):
    """One thing to embed: its label, its path under /embed/, and the element that shows it."""
    return {
        "label": label,
        "path": path + (f"?{urlencode(query)}" if query else ""),
        "element": element,
        "attributes": json.dumps(attributes),
    }


@register.inclusion_tag("embeds/_embed_this.html")
def embed_this(*, jam=None, country="", campaign=None, series=None):
    """The button and dialog for a public `jam`, a `country` code, a `campaign` or a
    repeating Jam (`series`)."""
    if series is not None:
        choices = [
            _choice(
                _("This repeating Jam's dates"), f"series/{series.pk}/", "jamportal-jams", {"series": str(series.pk)}
            )
        ]
    elif jam is not None:
        slug = jam.slug
        choices = [
            _choice(_("This Jam"), f"jams/{slug}/", "jamportal-jams", {"jam": slug}),
            _choice(
                _("Our Jams: this organiser's upcoming Jams"),
                f"jams/{slug}/ours/",
                "jamportal-jams",
                {"jam": slug, "ours": ""},
            ),
        ]
    elif country:
        name = names.country_name(country)
        choices = [
            _choice(
                _("Jams in %(country)s") % {"country": name},
                "jams/",
                "jamportal-jams",
                {"country": country},
                {"country": country},
            )
        ]
    elif campaign is not None:
        slug = campaign.slug
        choices = [
            _choice(_("The campaign's map"), f"campaigns/{slug}/map/", "jamportal-map", {"campaign": slug}),
            _choice(
                _("The campaign's upcoming Jams"), "jams/", "jamportal-jams", {"campaign": slug}, {"campaign": slug}
            ),
        ]
    else:
        return {"choices": []}
    return {
        "choices": choices,
        "portal": settings.SITE_URL.rstrip("/"),
        # Its unhashed name: a snippet pasted once must outlive every deployment (the
        # hashed names change with the file; the plain one is kept a minute, scripts/nginx.conf).
        "script": urljoin(settings.SITE_URL.rstrip("/") + "/", settings.STATIC_URL) + "embeds/jamportal-embed.js",
        # Named in the page's language (CLDR), sorted as its readers sort.
        "languages": names.language_choices(code for code, _name in settings.LANGUAGES),
    }
