from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from django import template

from jamportal.cldr import formats, names

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
# maps (its calendar links and Event description: jams/event_page.py). Nothing here depends
# on the visitor beyond the language (the page is cached per language): their own time is
# the browser's.


@register.simple_tag
def jam_when_parts(jam):
    """The parts of "Monday, March 3, 2031 · 10 a.m.–4 p.m. · Japan Standard Time" for the
    page to lay out: the dates with their weekday and the zone's name from CLDR (jamportal.cldr),
    in the page's language, its digits and its clock (jamportal.cldr.formats)."""
    start, end = jam.local_start, jam.local_end
    return {
        "start_iso": start.isoformat(timespec="seconds"),  # with the Jam's own offset, as the time shown
        "end_iso": end.isoformat(timespec="seconds"),
        "start_date": formats.format_full_date(start.date()),
        "end_date": formats.format_full_date(end.date()),
        "one_day": start.date() == end.date(),
        "start_time": formats.format_time(start),
        "end_time": formats.format_time(end),
        # The zone's name on that day ("British Summer Time" in July), as people say it.
        "zone_name": names.timezone_name(start),
    }


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


# --- series ---


@register.filter
def series_original_when(jam) -> str:
    """The day and time a moved date of a repeating Jam had before, on the venue's clock."""
    return formats.format_datetime(jam.occurrence_start.astimezone(jam.tz))


# --- issue 22 ---


@register.filter
def datetime_with_zone(value, zone):
    """A moment on `zone`'s clock (a Jam's timezone), with the zone's name for someone who
    lives in another: "January 24, 2031, 12:00 PM Greenwich Mean Time"."""
    if not value:
        return ""
    return formats.format_datetime_zone(value.astimezone(ZoneInfo(zone)))


@register.filter
def local_datetime_naive(value):
    """A wall-clock time on the venue's clock (a date a series will make): "March 8, 2031, 10:00 AM"."""
    return formats.format_datetime(value) if value else ""
