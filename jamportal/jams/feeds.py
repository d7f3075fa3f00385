"""Things people subscribe to: iCalendar feeds (icalendar) and the Atom feed of
newly approved Jams (Django's syndication framework). Both take the same
filters as the list, near-me included."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.utils import timezone, translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from jamportal.jams import calendar_zones, recurrence, selectors
from jamportal.jams.api import bad_parameters
from jamportal.jams.forms import JamFilterForm
from jamportal.jams.models import Jam
from jamportal.jams.templatetags.jam_tags import jam_when
from jamportal.pagecache import public_page
from jamportal.text import without_control_characters

FEED_LIMIT = 500


def calendar_response(jams, *, name, filename, as_attachment=False, series=False) -> HttpResponse:
    response = HttpResponse(calendar_ical(jams, name=name, series=series), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(as_attachment, filename)
    return response


def calendar_ical(jams, *, name, series=False) -> bytes:
    """The Jams as an iCalendar file (RFC 5545): each Jam a VEVENT in its own
    timezone, and a VTIMEZONE for each zone they are in.

    Written line by line with icalendar's escaping, folding and value types:
    building a component per Jam with icalendar took 1.5 ms a Jam, a second and
    a half for a campaign's thousand Jams (test_feeds checks that icalendar reads
    back what an icalendar-built calendar holds).

    With `series`, the dates of an approved repeating Jam are one event that repeats
    (series_events).
    """
    jams = list(jams)
    now = _value(timezone.now())[1]
    # The calendar's own properties, then the zones the events name, then the events (RFC 5545, 3.4 and 3.6).
    head = ["PRODID:-//JamPortal//Raspberry Jams//EN", "VERSION:2.0", f"X-WR-CALNAME:{_text(name)}"]
    events, zoned = [], jams
    if series:  # (series)
        jams, events, zoned = series_events(jams, now)
    events += [line for jam in jams for line in _event(jam, now)]
    return b"".join(
        [b"BEGIN:VCALENDAR\r\n", *map(_folded, head), *_vtimezones(zoned), *map(_folded, events), b"END:VCALENDAR\r\n"]
    )


def _event(jam, now) -> list[str]:
    """One Jam's VEVENT lines. The UID never changes, so calendars update an edited
    Jam in place; a cancelled Jam says so."""
    # Stored text should hold no control characters (jamportal.text), but one stored before
    # the rule, or by a path that skipped it, must not break every subscriber's file: each
    # text goes without them (the escaping keeps line breaks as \n).
    place = [jam.venue_name, jam.public_address, jam.city, str(jam.country.name)]
    description = jam.translation.description if jam.translation else jam.description
    return [
        "BEGIN:VEVENT",
        f"SUMMARY:{_text(jam.display_title)}",
        f"DTSTART;TZID={jam.timezone}:{jam.local_start:%Y%m%dT%H%M%S}",
        f"DTEND;TZID={jam.timezone}:{jam.local_end:%Y%m%dT%H%M%S}",
        f"DTSTAMP:{now}",
        f"UID:jam-{jam.pk}@jamportal",
        f"DESCRIPTION:{_text(description)}",
        f"GEO:{icalendar.vGeo((jam.public_latitude, jam.public_longitude)).to_ical()}",
        f"LAST-MODIFIED:{_value(jam.updated_at)[1]}",
        f"LOCATION:{_text(', '.join(part for part in place if part))}",
        f"STATUS:{'CANCELLED' if jam.status == jam.Status.CANCELLED else 'CONFIRMED'}",
        f"URL:{settings.SITE_URL}{jam.get_absolute_url()}",
        "END:VEVENT",
    ]


def _folded(line: str) -> bytes:
    """The line and its CRLF, folded as RFC 5545 (3.1) asks: at most 75 octets a line,
    each continuation starting with a space, never inside a character (icalendar's
    own folding goes character by character through every line: a third of the time)."""
    data = line.encode()
    pieces, start, room = [], 0, 75
    while len(data) - start > room:
        end = start + room
        while data[end] & 0xC0 == 0x80:  # a UTF-8 continuation octet: inside a character
            end -= 1
        pieces.append(data[start:end])
        start, room = end, 74  # the next line starts with a space
    pieces.append(data[start:])
    return b"\r\n ".join(pieces) + b"\r\n"


def _text(value) -> str:
    return icalendar.vText(without_control_characters(str(value))).to_ical().decode()


def _value(moment) -> tuple[str, str]:
    """(";TZID=<zone>" or "", the date-time) as icalendar writes them: UTC with a Z."""
    value = icalendar.vDDDTypes(moment)
    zone = value.params.get("TZID")
    return (f";TZID={zone}" if zone else ""), value.to_ical().decode()


def _vtimezones(jams) -> list[bytes]:
    """One VTIMEZONE for each zone the Jams are in, UTC included (each event names
    its zone), covering that zone's Jams (jamportal.jams.calendar_zones)."""
    spans = {}
    for jam in jams:
        first, last = spans.get(jam.timezone, (jam.start, jam.end))
        spans[jam.timezone] = (min(first, jam.start), max(last, jam.end))
    return [calendar_zones.zone(tzid).definition(*spans[tzid]) for tzid in sorted(spans)]


def filtered_jams(request, **fixed):
    """(Jams for a feed, form): upcoming and cancelled-after-approval Jams matching
    the request's filters; near-me ones when `around` is given."""
    form = JamFilterForm(request.GET)
    if not form.is_valid():
        return None, form
    filters = {**form.filters(), **fixed}
    jams = selectors.jam_list_public(**filters, language=request.LANGUAGE_CODE, include_cancelled=True)
    if near := form.near():
        return selectors.jams_near(jams, **near, language=request.LANGUAGE_CODE), form
    return list(jams[:FEED_LIMIT]), form


@require_GET
@public_page(versions=[selectors.PUBLIC_VERSION_KEY])
def jams_calendar(request, slug=None):
    """All upcoming Jams, one campaign's, one country's or those around a point."""
    campaign = selectors.campaign_get_or_404(slug) if slug else None
    jams, form = filtered_jams(request, **({"campaign": campaign} if campaign else {}))
    if jams is None:
        return bad_parameters(form)
    name = campaign.display_name if campaign else _("Raspberry Jams")
    series = campaign is None and series_whole(form)  # (series)
    return calendar_response(jams, name=name, filename=f"{slug or 'jams'}.ics", series=series)


class XML10Atom1Feed(Atom1Feed):
    """Atom that XML 1.0 can hold whatever was stored: Django's generator refuses a
    control character with an exception, which made the whole feed a 500 for
    everyone. Each text goes without them (XML 1.0 holds tabs and line breaks)."""

    def __init__(self, title, link, description, **kwargs):
        super().__init__(_xml10(title), link, _xml10(description), **_all_xml10(kwargs))

    def add_item(self, title, link, description, **kwargs):
        super().add_item(_xml10(title), link, _xml10(description), **_all_xml10(kwargs))


def _xml10(value):
    return without_control_characters(value) if isinstance(value, str) else value


def _all_xml10(fields):
    return {name: _xml10(value) for name, value in fields.items()}


class NewJamsFeed(Feed):
    """Newly approved Jams, newest first, with the list's filters."""

    feed_type = XML10Atom1Feed

    def get_object(self, request):
        """The matching Jams: one Feed instance serves every request, so the
        request's state travels as this object, never on `self`."""
        jams, _form = filtered_jams(request)
        if jams is None:
            raise Http404(_("Some parameters are not valid."))
        return jams

    def title(self):
        return _("New Raspberry Jams")

    def subtitle(self):
        return _("Raspberry Jams as they are added to the map.")

    def link(self):
        return "/"

    def items(self, jams):
        approved = [jam for jam in jams if jam.approved_at]
        approved = series_once(approved)  # (series)
        return sorted(approved, key=lambda jam: jam.approved_at, reverse=True)[:100]

    def item_title(self, jam):
        return jam.display_title

    def item_description(self, jam):
        return f"{jam_when(jam)} · {jam.city}, {jam.country.name}"

    def item_link(self, jam):
        return jam.get_absolute_url()

    def item_guid(self, jam):
        return f"{settings.SITE_URL}/jams/{jam.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, jam):
        return jam.approved_at

    def item_updateddate(self, jam):
        return jam.updated_at


# --- series ---


def series_whole(form) -> bool:
    """Whether a feed with these filters holds every date of a repeating Jam it holds one
    of (by a place, a country or a language), so that one event that repeats can stand
    for them; not for a campaign's weekend, a span of days or past Jams."""
    data = form.cleaned_data
    spans = ("campaign", "days", "date_from", "date_to")
    return not any(data.get(name) for name in spans) and data.get("when") != selectors.PAST


def series_events(jams, now) -> tuple[list, list[str], list]:
    """(the Jams still to be written one by one, the lines of the repeating ones, the
    Jams whose zones the calendar needs). Each approved series among `jams` becomes one
    VEVENT with its RRULE, an EXDATE for each skipped date, and a VEVENT with a
    RECURRENCE-ID for each moved date (RFC 5545 3.8.4.4), all under one UID, as calendar
    apps (Google, Apple, Outlook, Thunderbird) understand them."""
    ids = {jam.series_id for jam in jams if jam.series_id}
    language = translation.get_language()
    every = selectors.series_dates(ids, language=language) if ids else {}
    whole = {pk for pk, dates in every.items() if dates[0].series.status == Jam.Status.APPROVED}
    lines, zoned = [], [jam for jam in jams if jam.series_id not in whole]
    for pk in sorted(whole):
        dates = every[pk]
        lines += _series_event(dates, now)
        zoned += dates
    return [jam for jam in jams if jam.series_id not in whole], lines, zoned


# The lines that say what a date is, as against when: a date whose words differ from the
# series' own is an override (RECURRENCE-ID) with its own, as a moved date is.
WORD_LINES = {"SUMMARY", "DESCRIPTION", "LOCATION", "GEO"}


def series_words_date(dates):
    """The date holding the series' words as they are now: its latest date not skipped
    (an edit reaches the dates after the one edited, and new dates copy the latest:
    services.series_extend), or its latest if every date is skipped."""
    held = [date for date in dates if date.status != Jam.Status.CANCELLED]
    return (held or dates)[-1]


def _words(lines) -> list[str]:
    return [line for line in lines if _name(line) in WORD_LINES]


def _series_event(dates, now) -> list[str]:
    words_date, series = series_words_date(dates), dates[0].series
    zone = series.timezone
    rule = series.rule()
    starts = rule["starts"]
    uid = f"UID:jam-series-{series.pk}@jamportal"
    skipped = [date for date in dates if date.status == Jam.Status.CANCELLED]
    held = [date for date in dates if date.status != Jam.Status.CANCELLED]
    replaced = {
        "DTSTART": f"DTSTART;TZID={zone}:{starts:%Y%m%dT%H%M%S}",
        "DTEND": f"DTEND;TZID={zone}:{starts + series.duration:%Y%m%dT%H%M%S}",
        "UID": uid,
        "LAST-MODIFIED": f"LAST-MODIFIED:{_value(max(date.updated_at for date in dates))[1]}",
        "STATUS": "STATUS:CONFIRMED",
        "URL": f"URL:{settings.SITE_URL}{series.get_absolute_url()}",
    }
    lines = [replaced.get(_name(line), line) for line in _event(words_date, now)]
    extra = [f"RRULE:{recurrence.rule_text(**rule, zone=zone)}"]
    # The rule's own dates. After the organiser changed the rule (services.series_rule_change),
    # the dates kept from the old one (past or moved) are not among them: each is an RDATE.
    last = max(date.occurrence_start for date in dates).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    instances = set(recurrence.local_starts(**rule, before=last + datetime.timedelta(seconds=1)))
    added = [local for local in _originals(held) if local not in instances]
    if added:
        extra.append(f"RDATE;TZID={zone}:{','.join(f'{moment:%Y%m%dT%H%M%S}' for moment in added)}")
    removed = [local for local in _originals(skipped) if local in instances]
    if removed:
        extra.append(f"EXDATE;TZID={zone}:{','.join(f'{moment:%Y%m%dT%H%M%S}' for moment in removed)}")
    lines[-1:-1] = extra
    words = _words(lines)
    for date in held:
        own = _event(date, now)
        if date.start == date.occurrence_start and _words(own) == words:
            continue  # the rule's date as the master writes it
        override = [uid if _name(line) == "UID" else line for line in own]
        original = date.occurrence_start.astimezone(date.tz)
        override.insert(-1, f"RECURRENCE-ID;TZID={zone}:{original:%Y%m%dT%H%M%S}")
        lines += override
    return lines


def _originals(dates) -> list:
    """The dates' places in the series (their first start, before any move), on the venue's clock."""
    return [date.occurrence_start.astimezone(date.tz).replace(tzinfo=None) for date in dates]


def _name(line: str) -> str:
    return line.split(":", 1)[0].split(";", 1)[0]


def series_once(jams) -> list:
    """The Jams, with a repeating Jam's dates approved together as one entry: its first
    date among them (news of a new Jam, not of twelve)."""
    seen, kept = set(), []
    for jam in sorted(jams, key=lambda jam: (jam.start, jam.pk)):
        if jam.series_id is None or jam.series_id not in seen:
            kept.append(jam)
        seen.add(jam.series_id)
    return kept
