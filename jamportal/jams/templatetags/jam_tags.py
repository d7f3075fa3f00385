import datetime
import json
from urllib.parse import quote, urlencode

import babel
import babel.dates
from django import template
from django.utils.text import Truncator, slugify

from jamportal.cldr import formats

register = template.Library()


@register.filter
def jam_when(jam):
    """When a Jam happens, in the Jam's own timezone, as the page's language writes it
    (CLDR): "March 3, 2031, 10:00 AM – 4:00 PM" for one day, both dates when it spans several."""
    return formats.format_datetime_range(jam.local_start, jam.local_end)


@register.filter
def distance(km, miles=False):
    """ "12 km", "7.5 mi", "850 m", "۱۲ کیلومتر" in the visitor's language."""
    return formats.format_distance(km, miles=miles)


# A Jam's page (issue 19): when, in words a visitor reads at a glance; where, as links to
# maps; and the links that put it in a calendar. Nothing here depends on the visitor
# beyond the language (the page is cached per language): their own time is the browser's.


@register.simple_tag
def jam_when_parts(jam):
    """The parts of "Monday, March 3, 2031 · 10 a.m.–4 p.m. · Japan Standard Time" for the
    page to lay out: the dates with their weekday and the zone's name from CLDR (Babel),
    in the page's language, its digits and its clock (jamportal.cldr.formats)."""
    start, end = jam.local_start, jam.local_end
    locale = formats.locale()
    return {
        "start_iso": start.isoformat(timespec="seconds"),  # with the Jam's own offset, as the time shown
        "end_iso": end.isoformat(timespec="seconds"),
        "start_date": formats.native_digits(babel.dates.format_date(start.date(), "full", locale=locale)),
        "end_date": formats.native_digits(babel.dates.format_date(end.date(), "full", locale=locale)),
        "one_day": start.date() == end.date(),
        "start_time": formats.format_time(start),
        "end_time": formats.format_time(end),
        # The zone's name on that day ("British Summer Time" in July), as people say it.
        "zone_name": babel.dates.get_timezone_name(start, width="long", locale=locale),
    }


def _utc(moment) -> datetime.datetime:
    return moment.astimezone(datetime.UTC)


def calendar_links(jam, *, url: str) -> dict:
    """Links that open the Jam, filled in, in Google Calendar and Outlook on the web.
    Times in UTC: each calendar shows them in its owner's zone."""
    start, end = _utc(jam.start), _utc(jam.end)
    description = jam.translation.description if jam.translation else jam.description
    details = f"{Truncator(description).chars(CALENDAR_DETAILS_CHARS)}\n\n{url}".strip()
    place = ", ".join(part for part in (jam.venue_name, jam.public_address, jam.city, str(jam.country.name)) if part)
    google = {
        "action": "TEMPLATE",
        "text": jam.display_title,
        "dates": f"{start:%Y%m%dT%H%M%SZ}/{end:%Y%m%dT%H%M%SZ}",
        "details": details,
        "location": place,
    }
    outlook = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": jam.display_title,
        "startdt": f"{start:%Y-%m-%dT%H:%M:%SZ}",
        "enddt": f"{end:%Y-%m-%dT%H:%M:%SZ}",
        "body": details,
        "location": place,
    }
    return {
        "google": "https://calendar.google.com/calendar/render?" + urlencode(google),
        "outlook": "https://outlook.live.com/calendar/0/action/compose?" + urlencode(outlook),
    }


# Calendar links carry the description too, cut short: a link of many kilobytes is refused
# by some browsers and servers (about 2,000 characters is the safe length of a URL).
CALENDAR_DETAILS_CHARS = 500


def ics_filename(jam) -> str:
    """The calendar file's name: the title as a slug, then the date ("tokyo-jam-2031-03-03.ics")."""
    name = slugify(jam.display_title, allow_unicode=True)[:60].strip("-") or "jam"
    return f"{name}-{jam.local_start.date().isoformat()}.ics"


@register.filter
def osm_url(jam) -> str:
    """The venue on OpenStreetMap, with its marker; for a private venue, the area only."""
    lat, lon = jam.public_latitude, jam.public_longitude
    zoom = 15 if jam.venue_private else 17
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map={zoom}/{lat}/{lon}"


@register.filter
def geo_uri(jam) -> str:
    """A geo: URI (RFC 5870) that phones hand to their maps app, with the venue's name as its label."""
    lat, lon = jam.public_latitude, jam.public_longitude
    return f"geo:{lat},{lon}?q={lat},{lon}({quote(jam.venue_name)})"


@register.filter
def apple_maps_url(jam) -> str:
    """The same place for Apple's devices, which do not open geo: URIs (static/jams/jam_page.js swaps it in)."""
    lat, lon = jam.public_latitude, jam.public_longitude
    return f"https://maps.apple.com/?{urlencode({'ll': f'{lat},{lon}', 'q': jam.venue_name})}"


# The characters that could end or confuse a <script> element, escaped as JSON allows.
_SCRIPT_SAFE = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def event_json_ld(jam, *, url: str) -> str:
    """The Jam as a schema.org Event, for search engines and link previews to show its
    date, place and "free" as event sites' pages do; safe inside a <script> element."""
    description = jam.translation.description if jam.translation else jam.description
    event = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": jam.display_title,
        "description": Truncator(description).chars(CALENDAR_DETAILS_CHARS),
        "startDate": jam.local_start.isoformat(),
        "endDate": jam.local_end.isoformat(),
        "eventStatus": "https://schema.org/Event"
        + ("Cancelled" if jam.status == jam.Status.CANCELLED else "Scheduled"),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "isAccessibleForFree": True,
        "url": url,
        "location": {
            "@type": "Place",
            "name": jam.venue_name,
            "address": {
                "@type": "PostalAddress",
                **({"streetAddress": jam.public_address} if jam.public_address else {}),
                "addressLocality": jam.city,
                "addressCountry": str(jam.country.code),
            },
            "geo": {"@type": "GeoCoordinates", "latitude": jam.public_latitude, "longitude": jam.public_longitude},
        },
    }
    if jam.host_name:  # never the account's email
        event["organizer"] = {"@type": "Organization", "name": jam.host_name}
    return json.dumps(event, ensure_ascii=False).translate(_SCRIPT_SAFE)
