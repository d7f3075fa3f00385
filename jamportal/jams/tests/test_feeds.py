"""The iCalendar files: what icalendar reads back from ours is what a calendar
built with icalendar itself holds, folded as RFC 5545 asks."""

import datetime
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.conf import settings

from jamportal.jams import selectors
from jamportal.jams.feeds import calendar_ical
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import JamFactory

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
    assert sorted(tz["TZID"] for tz in ours.walk("VTIMEZONE")) == ["Asia/Tehran", "Asia/Tokyo", "Europe/London"]
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
