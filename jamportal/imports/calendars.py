"""What a calendar says, in JamPortal's terms: its events (Event), each with its place
found offline (locate), and its repeat rule in the shapes a repeating Jam has
(series_rule). Pure reading: nothing here writes."""

import dataclasses
import datetime
import re
import zoneinfo
from zoneinfo import ZoneInfo

import icalendar
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from jamportal.imports.fetching import FetchError
from jamportal.jams import recurrence
from jamportal.jams.languages import CODES as LANGUAGE_CODES
from jamportal.jams.models import MAX_DESCRIPTION, Jam, JamSeries
from jamportal.places import distance_km, gazetteer, geocode, timezone_at
from jamportal.places.gazetteer import normalise

# A GEO with no place named near it: the nearest town within this many degrees (~50 km).
NEAREST_TOWN_DEGREES = 0.5
RULE_KEYS = {"FREQ", "UNTIL", "COUNT", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYSETPOS", "WKST"}


@dataclasses.dataclass
class Event:
    uid: str
    recurrence_id: str = ""  # the date's original start, UTC ("20310412T090000Z"), for one date of a series
    title: str = ""
    description: str = ""
    start: datetime.datetime | None = None  # aware, or naive for floating time (the place's wall clock)
    end: datetime.datetime | None = None
    zone: str = ""  # the IANA zone of its TZID, if it has one
    location: str = ""
    geo: tuple[float, float] | None = None
    url: str = ""
    cancelled: bool = False
    rule: dict | None = None  # RRULE, as icalendar reads it
    rule_text: str = ""
    exdates: list = dataclasses.field(default_factory=list)  # UTC keys like recurrence_id
    problem: str = ""  # a models.REASONS code: why it cannot be imported
    language: str = ""  # the language its words are in, if the calendar says (a Django code: "de", "pt-br")
    unknown_zone: str = ""  # a TZID neither IANA, Windows nor the calendar's VTIMEZONEs name (read as floating)


def parse(body: bytes) -> list[Event]:
    """The calendar's events; FetchError for what is not a calendar, is broken, or too big."""
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper()
    if not head.startswith(b"BEGIN:VCALENDAR"):
        raise FetchError("not-a-calendar")
    try:
        calendar = icalendar.Calendar.from_ical(body)
    except (ValueError, KeyError, IndexError, TypeError):
        raise FetchError("malformed") from None
    components = calendar.walk("VEVENT")
    if len(components) > settings.IMPORT_MAX_EVENTS:
        raise FetchError("too-many-events", count=len(components), most=settings.IMPORT_MAX_EVENTS)
    events, seen = [], set()
    language = calendar_language(calendar)
    for event in map(_event, components):
        if event.uid and (event.uid, event.recurrence_id) not in seen:  # the first of the same event only
            seen.add((event.uid, event.recurrence_id))
            event.language = event.language or language
            events.append(event)
    return events


def utc_key(moment) -> str:
    """A date's key, as RECURRENCE-ID and EXDATE name it (UTC)."""
    if not isinstance(moment, datetime.datetime):
        moment = datetime.datetime.combine(moment, datetime.time())
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(component) -> Event:
    broken = {name for name, _error in getattr(component, "errors", [])}
    event = Event(uid=str(component.get("UID", "")).strip()[:500])
    event.title = _text(component.get("SUMMARY"))[:150]
    event.description = _text(component.get("DESCRIPTION"))[:MAX_DESCRIPTION]
    event.location = " ".join(_text(component.get("LOCATION")).split())
    event.cancelled = str(component.get("STATUS", "")).upper() == "CANCELLED"
    event.url = _web_address(_text(component.get("URL")))
    if "RECURRENCE-ID" in component and "RECURRENCE-ID" not in broken:
        event.recurrence_id = utc_key(component.decoded("RECURRENCE-ID"))
    if broken & {"DTSTART", "DTEND", "DURATION", "RRULE", "RECURRENCE-ID", "EXDATE"}:
        event.problem = "broken"
        return event
    geo = component.get("GEO")
    if geo is not None and -90 <= geo.latitude <= 90 and -180 <= geo.longitude <= 180:
        event.geo = (float(geo.latitude), float(geo.longitude))
    start = component.get("DTSTART")
    if start is None:
        event.problem = "broken"
        return event
    event.start = start.dt
    if not isinstance(event.start, datetime.datetime):
        event.problem = "all-day"
        return event
    if isinstance(event.start.tzinfo, ZoneInfo) and event.start.tzinfo.key != "UTC":
        event.zone = event.start.tzinfo.key
    if event.start.tzinfo is None and start.params.get("TZID"):  # (icalendar reads a TZID it cannot as floating)
        event.unknown_zone = str(start.params["TZID"])[:100]
    event.language = _words_language(component)
    if "DTEND" in component:
        event.end = component.decoded("DTEND")
    elif "DURATION" in component:
        event.end = event.start + component.decoded("DURATION")
    if not isinstance(event.end, datetime.datetime):
        event.problem = "no-end"
        return event
    try:
        ends_first = event.end <= event.start
    except TypeError:  # one floating time, one fixed: no order to read
        event.problem = "broken"
        return event
    if ends_first:
        event.problem = "end-before-start"
        return event
    if "RRULE" in component:
        rule = component.get("RRULE")
        rule = rule[0] if isinstance(rule, list) else rule
        event.rule, event.rule_text = dict(rule), rule.to_ical().decode()
        for listed in (
            component.get("EXDATE", []) if isinstance(component.get("EXDATE"), list) else [component.get("EXDATE")]
        ):
            if listed is not None:
                event.exdates.extend(utc_key(found.dt) for found in listed.dts)
    return event


def _web_address(url: str) -> str:
    """The event's page, if it is one a Jam can link to (http(s), and short enough to keep)."""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        return ""
    return url if len(url) <= Jam._meta.get_field("website").max_length else ""


def _text(value) -> str:
    return str(value).strip() if value is not None else ""


def aware(moment: datetime.datetime, zone: str) -> datetime.datetime:
    """A floating (naive) time on the wall clock of `zone`; an aware one as it is."""
    return moment.replace(tzinfo=ZoneInfo(zone)) if moment.tzinfo is None else moment


def known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


# --- places ---


def locate(event: Event, *, place_text: str = "") -> dict | None:
    """The venue's fields of a Jam (venue_name, address, city, country, latitude,
    longitude) from the event's LOCATION (its town found in the offline gazetteer) or
    its GEO, or from where the organiser said it is (`place_text`); None if not found."""
    # Parts split at commas of any script (Arabic and Persian "،", CJK "、" and "，").
    parts = [part.strip() for part in re.split(r"[,;\n،、，]", event.location) if part.strip()]
    place = geocode(place_text).place if place_text else _town(parts)
    if place is None and event.geo:
        place = _nearest(*event.geo)
    if place is None:
        return None
    latitude, longitude = event.geo or (place.latitude, place.longitude)
    return {
        "venue_name": (parts[0] if parts else place.name)[:150],
        "address": ", ".join(parts[1:])[:250],
        "city": place.name[:100],
        "country": place.country,
        "latitude": latitude,
        "longitude": longitude,
    }


def _town(parts):
    """The town a LOCATION names: its parts from the last, each without postcodes (words
    with digits), qualified by the last part when it is a country ("Cambridge, UK")."""
    for index in range(len(parts) - 1, 0 if len(parts) > 1 else -1, -1):  # the first of several is the venue
        name = " ".join(word for word in parts[index].split() if not any(c.isdigit() for c in word))
        if not name or not gazetteer.exact(normalise(name)):
            continue
        if index < len(parts) - 1 and (found := geocode(f"{name}, {parts[-1]}").place):
            return found
        if found := geocode(name).place:
            return found
    if len(parts) == 2 and gazetteer.exact(normalise(parts[0])):  # "Cambridge, United Kingdom": no venue named
        return geocode(f"{parts[0]}, {parts[1]}").place
    return None


def _nearest(latitude, longitude):
    d = NEAREST_TOWN_DEGREES
    near = gazetteer.within(latitude - d, latitude + d, longitude - d, longitude + d)
    return min(near, key=lambda p: distance_km(latitude, longitude, p.latitude, p.longitude), default=None)


def zone_of(event: Event, venue: dict) -> str:
    """The Jam's timezone: the event's TZID, or the place's."""
    return event.zone if event.zone and known_zone(event.zone) else timezone_at(venue["latitude"], venue["longitude"])


# --- repeat rules ---


def series_rule(event: Event, local_start: datetime.datetime, zone: str) -> dict | None:
    """The repeating Jam's rule (series_create's arguments: frequency, last_week, until,
    count) for the event's RRULE, or None when a repeating Jam cannot repeat that way."""
    rule = event.rule
    if set(rule) - RULE_KEYS or rule.get("INTERVAL", [1]) != [1]:
        return None
    frequency, days = rule.get("FREQ", [""])[0], [str(day) for day in rule.get("BYDAY", [])]
    weekday = recurrence.ICAL_DAYS[local_start.weekday()]
    found = {"last_week": False}
    if frequency == "WEEKLY" and days in ([], [weekday]) and "BYMONTHDAY" not in rule and "BYSETPOS" not in rule:
        found["frequency"] = recurrence.WEEKLY
    elif frequency == "MONTHLY" and not days and rule.get("BYMONTHDAY", [local_start.day]) == [local_start.day]:
        found["frequency"] = recurrence.MONTHLY_DATE
    elif frequency == "MONTHLY" and len(days) == 1 and "BYMONTHDAY" not in rule:
        match = re.fullmatch(r"([+-]?\d)?([A-Z]{2})", days[0])
        positions = rule.get("BYSETPOS", [])
        week = int(match.group(1)) if match and match.group(1) else (positions[0] if len(positions) == 1 else None)
        if not match or match.group(2) != weekday or week is None:
            return None
        if week == -1 and recurrence.is_last_of_month(local_start.date()):
            found["last_week"] = True
        elif not (1 <= week <= 4 and week == recurrence.week_of_month(local_start.date())):
            return None
        found["frequency"] = recurrence.MONTHLY_WEEKDAY
    else:
        return None
    until, count = rule.get("UNTIL", [None])[0], rule.get("COUNT", [None])[0]
    if isinstance(until, datetime.datetime):
        # A day, as a repeating Jam's rule ends: the last whose date is not after UNTIL.
        last = aware(until, zone).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        until = last.date() if last.time() >= local_start.time() else last.date() - datetime.timedelta(days=1)
    if count is not None and count > JamSeries.MAX_COUNT:
        return None
    found.update(until=until, count=count)
    return found


def rule_starts(rule: dict, local_start: datetime.datetime, zone: str) -> list[datetime.datetime]:
    """Every date's local start (naive), as the rule gives them (at most a few years' worth)."""
    week = None
    if rule["frequency"] == recurrence.MONTHLY_WEEKDAY:
        week = -1 if rule["last_week"] else recurrence.week_of_month(local_start.date())
    before = datetime.datetime.now(ZoneInfo(zone)).replace(tzinfo=None) + datetime.timedelta(days=3 * 366)
    return recurrence.local_starts(
        frequency=rule["frequency"], starts=local_start, week=week, until=rule["until"], count=rule["count"],
        before=before,
    )  # fmt: skip


# --- languages ---


def language_code(tag) -> str:
    """A language tag as a calendar writes it ("de-DE", "pt-BR", "zh-Hant-TW") as the
    code of a language a Jam can be written in ("de", "pt-br", "zh-hant"); "" if none."""
    parts = str(tag or "").strip().lower().replace("_", "-").split("-")
    for length in range(len(parts), 0, -1):
        code = "-".join(parts[:length])
        if code in LANGUAGE_CODES:
            return code
    return ""


def _words_language(component) -> str:
    """The LANGUAGE its SUMMARY or DESCRIPTION is marked with (RFC 5545, 3.2.10)."""
    for name in ("SUMMARY", "DESCRIPTION"):
        value = component.get(name)
        if value is not None and (code := language_code(getattr(value, "params", {}).get("LANGUAGE"))):
            return code
    return ""


def calendar_language(calendar) -> str:
    """The language of a whole calendar, where it says: X-WR-LANGUAGE, or the LANGUAGE
    its name or description (X-WR-CALNAME, X-WR-CALDESC) is marked with."""
    if code := language_code(calendar.get("X-WR-LANGUAGE")):
        return code
    for name in ("X-WR-CALNAME", "X-WR-CALDESC"):
        value = calendar.get(name)
        if value is not None and (code := language_code(getattr(value, "params", {}).get("LANGUAGE"))):
            return code
    return ""
