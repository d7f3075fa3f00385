"""What a Jam's page hands to other programs: "add to calendar" links for Google and
Outlook, the .ics file's name, and the schema.org Event that search engines and link
previews read. Used by the Jam page's view (jams.views.jam_detail, jams.views.jam_ics)."""

import datetime
import json
from urllib.parse import urlencode

from django.utils.text import Truncator, slugify


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
