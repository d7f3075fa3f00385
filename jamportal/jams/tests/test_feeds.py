"""The iCalendar files: what icalendar reads back from ours is what a calendar
built with icalendar itself holds, folded as RFC 5545 asks."""

import datetime
import json
import subprocess
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from django.conf import settings
from ical.calendar_stream import IcsCalendarStream

from jamportal.jams import selectors
from jamportal.jams.feeds import calendar_ical
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import CampaignFactory, JamFactory

pytestmark = pytest.mark.django_db


def built_with_icalendar(jams, name):
    """The reference: the calendar as icalendar builds it, component by component."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//JamPortal//Raspberry Jams//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", icalendar.vText(name))
    for jam in jams:
        event = icalendar.Event()
        event.add("uid", f"jam-{jam.pk}@jamportal")
        event.add("last-modified", jam.updated_at)
        event.add("summary", jam.display_title)
        event.add("dtstart", jam.local_start)
        event.add("dtend", jam.local_end)
        place = [jam.venue_name, jam.public_address, jam.city, str(jam.country.name)]
        event.add("location", ", ".join(part for part in place if part))
        event.add("geo", (jam.public_latitude, jam.public_longitude))
        event.add("description", jam.description)
        event.add("url", settings.SITE_URL + jam.get_absolute_url())
        event.add("status", "CANCELLED" if jam.status == Jam.Status.CANCELLED else "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar


def in_order(calendar):
    """Each component as (name, {property: value as decoded}), without the time it was made."""
    return [
        (component.name, {key: component.decoded(key) for key in component if key != "DTSTAMP"})
        for component in calendar.walk()
        if component.name in ("VCALENDAR", "VEVENT")
    ]


def test_what_calendars_read_is_what_icalendar_would_have_written():
    tokyo = datetime.datetime(2031, 3, 3, 10, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    tehran = datetime.datetime(2031, 3, 21, 9, 30, tzinfo=ZoneInfo("Asia/Tehran"))
    JamFactory(
        title="東京ラズベリージャム",
        description="ロボットを作ろう！" * 30 + "\n二行目; with, punctuation \\ and a tab\t.",
        start=tokyo,
        end=tokyo + datetime.timedelta(hours=6),
        timezone="Asia/Tokyo",
        country="JP",
    )
    JamFactory(
        title="جم رزبری‌پای تهران 🎂",
        description="کارگاه " * 60,
        start=tehran,
        end=tehran + datetime.timedelta(hours=4),
        timezone="Asia/Tehran",
        country="IR",
    )
    JamFactory(timezone="UTC", status=Jam.Status.CANCELLED)
    JamFactory()  # Europe/London
    jams = list(selectors.jam_list_public(include_cancelled=True, when=selectors.ALL).order_by("pk"))

    ours = icalendar.Calendar.from_ical(calendar_ical(jams, name="Raspberry Jams, ٢٠٣١"))
    reference = icalendar.Calendar.from_ical(built_with_icalendar(jams, "Raspberry Jams, ٢٠٣١").to_ical())

    assert in_order(ours) == in_order(reference)
    # Each event names its zone, UTC too, and each zone is defined once.
    assert sorted(tz["TZID"] for tz in ours.walk("VTIMEZONE")) == ["Asia/Tehran", "Asia/Tokyo", "Europe/London", "UTC"]
    zones = {tz["TZID"]: tz for tz in ours.walk("VTIMEZONE")}
    for event in ours.events:  # each zone's definition starts before the Jams in it
        if tzid := event["DTSTART"].params.get("TZID"):
            begins = min(rule.decoded("DTSTART") for rule in zones[tzid].subcomponents)
            assert begins <= event.decoded("DTSTART").replace(tzinfo=None)


def test_the_calendars_own_properties_come_before_its_zones_and_events():
    JamFactory(timezone="Asia/Tokyo", country="JP")

    lines = calendar_ical(selectors.jam_list_public(), name="Raspberry Jams").decode().split("\r\n")

    assert lines[:4] == [
        "BEGIN:VCALENDAR",
        "PRODID:-//JamPortal//Raspberry Jams//EN",
        "VERSION:2.0",
        "X-WR-CALNAME:Raspberry Jams",
    ]
    assert lines.index("BEGIN:VTIMEZONE") < lines.index("BEGIN:VEVENT")
    assert lines[-2:] == ["END:VCALENDAR", ""]


def test_every_line_is_at_most_75_octets_and_never_split_inside_a_character():
    JamFactory(title="ジャム" * 40, description="🎂é" * 200)

    data = calendar_ical(selectors.jam_list_public(), name="x" * 200)

    lines = data.split(b"\r\n")
    assert lines[-1] == b""
    assert max(len(line) for line in lines) == 75  # long lines were folded, to the limit
    for line in lines:
        assert len(line) <= 75
        line.decode()  # whole characters on every line
    unfolded = data.replace(b"\r\n ", b"")
    assert b"SUMMARY:" + "ジャム".encode() * 40 + b"\r\n" in unfolded


def test_no_jams_is_a_valid_empty_calendar():
    calendar = icalendar.Calendar.from_ical(calendar_ical([], name="Raspberry Jams"))

    assert calendar.events == []
    assert calendar.walk("VTIMEZONE") == []
    assert str(calendar["X-WR-CALNAME"]) == "Raspberry Jams"


# --- Every parser reads the same instants -------------------------------------------------

ICAL_JS = Path(__file__).with_name("ical_times.mjs")

# Local start times chosen next to daylight-saving changes and in zones with any history
# of them, each with its length in hours.
AWKWARD_TIMES = [
    ("Europe/London", "GB", datetime.datetime(2026, 12, 5, 10, 0), 6),
    ("Europe/London", "GB", datetime.datetime(2027, 3, 27, 10, 0), 6),  # the day before summer time
    ("Europe/London", "GB", datetime.datetime(2027, 3, 28, 10, 0), 6),  # its first day
    ("Europe/London", "GB", datetime.datetime(2027, 10, 30, 23, 30), 4),  # across its end
    ("Europe/London", "GB", datetime.datetime(2028, 3, 26, 9, 0), 3),
    ("Europe/Budapest", "HU", datetime.datetime(2027, 4, 10, 10, 0), 6),
    ("America/Argentina/Cordoba", "AR", datetime.datetime(2027, 4, 3, 14, 0), 5),
    ("Asia/Tokyo", "JP", datetime.datetime(2027, 3, 28, 10, 0), 6),
    ("Asia/Tehran", "IR", datetime.datetime(2027, 3, 22, 9, 30), 4),  # Iran kept summer time until 2022
    ("Australia/Sydney", "AU", datetime.datetime(2027, 4, 3, 10, 0), 6),  # the day before its summer time ends
    ("Australia/Sydney", "AU", datetime.datetime(2027, 10, 3, 10, 0), 6),  # the first day of the next
    ("America/New_York", "US", datetime.datetime(2027, 11, 7, 0, 30), 3),  # across its end
    ("UTC", "GB", datetime.datetime(2027, 3, 28, 10, 0), 6),
    ("Africa/Abidjan", "CI", datetime.datetime(2027, 3, 28, 10, 0), 6),
    ("Africa/Casablanca", "MA", datetime.datetime(2027, 2, 20, 10, 0), 6),  # Ramadan moves its clocks
]


def awkward_jams(campaign=None):
    jams = []
    for zone, country, local, hours in AWKWARD_TIMES:
        start = local.replace(tzinfo=ZoneInfo(zone))
        end = start.astimezone(datetime.UTC) + datetime.timedelta(hours=hours)
        jams.append(JamFactory(start=start, end=end, timezone=zone, country=country, campaign=campaign))
    return jams


def read_by_icalendar(data: bytes) -> dict:
    calendar = icalendar.Calendar.from_ical(data)
    return {str(e["UID"]): (e.decoded("DTSTART").timestamp(), e.decoded("DTEND").timestamp()) for e in calendar.events}


def read_by_vobject(data: bytes) -> dict:
    calendar = vobject.readOne(data.decode())
    return {
        event.uid.value: (event.dtstart.value.timestamp(), event.dtend.value.timestamp())
        for event in calendar.vevent_list
    }


def read_by_ical(data: bytes) -> dict:
    calendar = IcsCalendarStream.calendar_from_ics(data.decode())
    return {event.uid: (event.dtstart.timestamp(), event.dtend.timestamp()) for event in calendar.events}


def read_by_ical_js(data: bytes) -> dict:
    node = subprocess.run(
        ["node", str(ICAL_JS)], input=data, capture_output=True, check=True, cwd=settings.BASE_DIR, timeout=60
    )
    return {uid: tuple(times) for uid, times in json.loads(node.stdout).items()}


PARSERS = {"icalendar": read_by_icalendar, "vobject": read_by_vobject, "ical": read_by_ical, "ical.js": read_by_ical_js}


def assert_every_parser_reads_the_jams_times(data: bytes, jams):
    """Each parser reads each Jam's start and end at the Jam's own instants (UTC seconds)."""
    expected = {f"jam-{jam.pk}@jamportal": (jam.start.timestamp(), jam.end.timestamp()) for jam in jams}
    zones = {f"jam-{jam.pk}@jamportal": f"{jam.timezone} {jam.local_start:%Y-%m-%d %H:%M}" for jam in jams}
    wrong = {}
    for name, read in PARSERS.items():
        read_times = read(data)
        assert read_times.keys() == expected.keys(), name
        wrong[name] = [
            f"{zones[uid]}: start {(read[0] - jam[0]) / 3600:+g} h, end {(read[1] - jam[1]) / 3600:+g} h"
            for uid, jam in expected.items()
            if (read := read_times[uid]) != jam
        ]
    assert {name: errors for name, errors in wrong.items() if errors} == {}


def test_every_parser_reads_the_all_jams_feed_at_the_jams_instants(client):
    jams = awkward_jams()

    response = client.get("/en/jams/calendar.ics")

    assert response.status_code == 200
    assert_every_parser_reads_the_jams_times(response.content, jams)


def test_every_parser_reads_the_campaign_feed_at_the_jams_instants(client):
    campaign = CampaignFactory()
    jams = awkward_jams(campaign)
    JamFactory()  # in no campaign

    response = client.get(f"/en/campaigns/{campaign.slug}/calendar.ics")

    assert response.status_code == 200
    assert_every_parser_reads_the_jams_times(response.content, jams)


def test_every_parser_reads_each_jams_own_file_at_its_instants(client):
    for jam in awkward_jams():
        response = client.get(f"/en/jams/{jam.slug}/calendar.ics")

        assert response.status_code == 200
        assert_every_parser_reads_the_jams_times(response.content, [jam])


def test_zones_are_yearly_rules_and_single_dates_never_lists_of_dates():
    awkward_jams()

    calendar = icalendar.Calendar.from_ical(calendar_ical(selectors.jam_list_public(), name="Raspberry Jams"))

    zones = {str(tz["TZID"]): tz for tz in calendar.walk("VTIMEZONE")}
    assert len(zones) == len(calendar.walk("VTIMEZONE")) == len({zone for zone, *_ in AWKWARD_TIMES})
    assert all("RDATE" not in part for tz in zones.values() for part in tz.subcomponents)
    london = [(part.name, dict(part["RRULE"])) for part in zones["Europe/London"].subcomponents]
    assert london == [
        ("DAYLIGHT", {"FREQ": ["YEARLY"], "BYMONTH": [3], "BYDAY": ["-1SU"]}),
        ("STANDARD", {"FREQ": ["YEARLY"], "BYMONTH": [10], "BYDAY": ["-1SU"]}),
    ]
    # Tehran has had no summer time since 2022: one date from which +03:30 holds, no rule.
    tehran = zones["Asia/Tehran"].subcomponents
    assert [(part.name, part.decoded("DTSTART"), "RRULE" in part) for part in tehran] == [
        ("STANDARD", datetime.datetime(2022, 9, 21, 23, 0), False)
    ]
    assert (tehran[0]["TZOFFSETFROM"].td, tehran[0]["TZOFFSETTO"].td) == (datetime.timedelta(hours=3, minutes=30),) * 2
    utc_jam = next(event for event in calendar.events if event["DTSTART"].params.get("TZID") == "UTC")
    assert utc_jam.decoded("DTSTART").utcoffset() == datetime.timedelta(0)
