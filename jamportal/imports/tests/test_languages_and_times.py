"""Imports (issue 22, outsiders' findings): the language an imported Jam is written in,
an event that ends before it starts, a TZID nobody knows or the calendar defines itself,
and placing an event not counted as another import."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from jamportal.imports import services
from jamportal.imports.models import CalendarSource
from jamportal.imports.tests.calendar_server import calendar, event
from jamportal.imports.tests.test_views import _text
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY = (timezone.now() + datetime.timedelta(days=40)).date()
LONDON = ZoneInfo("Europe/London")


def _event(uid="jam@x", *, zone="Europe/London", start=10, end=16, **more):
    return event(
        uid, f"DTSTART;TZID={zone}:{DAY:%Y%m%d}T{start:02}0000", f"DTEND;TZID={zone}:{DAY:%Y%m%d}T{end:02}0000", **more
    )


@pytest.fixture
def organiser():
    return UserFactory()


def _import(server, organiser, body, *, language="en"):
    server.serve("/jams.ics", body)
    return services.source_add(organiser=organiser, url=server.url("/jams.ics"), language=language)


def _lines(source):
    return [(line["kind"], line.get("reason", ""), line.get("values", {})) for line in source.runs.get().lines]


# --- the language of the Jam's words ---


def test_an_imported_jam_is_in_the_language_its_calendar_marks_its_words_with(calendar_server, organiser):
    body = calendar(_event(summary="Raspberry Jam")).replace("SUMMARY:", "SUMMARY;LANGUAGE=de-DE:")

    _import(calendar_server, organiser, body)

    assert (Jam.objects.get().content_language, Jam.objects.get().languages) == ("de", ["de"])


def test_a_calendars_own_language_is_its_events(calendar_server, organiser):
    body = calendar(_event()).replace("X-WR-CALNAME:Jams\r\n", "X-WR-CALNAME:Jams\r\nX-WR-LANGUAGE:pt-BR\r\n")

    _import(calendar_server, organiser, body)

    assert Jam.objects.get().content_language == "pt-br"


def test_a_calendar_silent_on_language_gives_its_jams_their_countrys_main_language(calendar_server, organiser):
    _import(calendar_server, organiser, calendar(_event(location="Médiathèque\\, Lyon\\, France", zone="Europe/Paris")))

    assert Jam.objects.get().content_language == "fr"  # not the importer's English


def test_where_none_of_the_sites_languages_is_official_the_importers_language_stays(calendar_server, organiser):
    body = calendar(_event(location="Library\\, Beijing\\, China", zone="Asia/Shanghai"))

    _import(calendar_server, organiser, body, language="ja")

    assert Jam.objects.get().content_language == "ja"


# --- times ---


def test_an_event_that_ends_before_it_starts_is_reported_as_such(calendar_server, organiser, client):
    source = _import(calendar_server, organiser, calendar(_event(start=16, end=10, summary="Backwards Jam")))
    client.force_login(organiser)

    text = _text(client.get(reverse("imports:source", args=[source.pk])))

    assert _lines(source) == [("skipped", "end-before-start", {})]
    assert (
        "Not imported (1) Backwards Jam Its end in the calendar is not after its start. "
        "Correct its times there, or add it by hand." in text
    )
    assert "no end time" not in text
    assert not Jam.objects.exists()


def test_an_unknown_tzid_is_read_on_the_places_clock_and_reported(calendar_server, organiser, client):
    source = _import(calendar_server, organiser, calendar(_event(zone="Mars/Olympus", summary="Martian Jam")))
    client.force_login(organiser)

    text = _text(client.get(reverse("imports:source", args=[source.pk])))

    jam = Jam.objects.get()
    assert (jam.start, jam.timezone) == (datetime.datetime.combine(DAY, datetime.time(10), LONDON), "Europe/London")
    assert _lines(source) == [("created", "unknown-zone", {"zone": "Mars/Olympus", "used": "Europe/London"})]
    assert (
        "Martian Jam The calendar's time zone “Mars/Olympus” is unknown, so its times were read as the local "
        "time at its place (Europe/London). Please check them." in text
    )


VTIMEZONE = (
    "BEGIN:VTIMEZONE\r\nTZID:Our Club Time\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
    "TZOFFSETFROM:+0300\r\nTZOFFSETTO:+0300\r\nTZNAME:OCT\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
)


def test_a_tzid_the_calendar_defines_in_a_vtimezone_is_read_by_it(calendar_server, organiser):
    body = calendar(_event(zone="Our Club Time")).replace("BEGIN:VEVENT", VTIMEZONE + "BEGIN:VEVENT", 1)

    source = _import(calendar_server, organiser, body)

    assert Jam.objects.get().start == datetime.datetime.combine(DAY, datetime.time(7), datetime.UTC)
    assert _lines(source) == [("created", "", {})]


# --- the limit on reading calendars by hand ---


def test_placing_an_imported_event_is_not_counted_as_another_import(calendar_server, client, settings):
    settings.IMPORT_FETCHES_PER_HOUR = 1
    organiser = UserFactory()
    client.force_login(organiser)
    calendar_server.serve("/jams.ics", calendar(_event(location="Nowhere Hall")))
    client.post(reverse("imports:sources"), {"url": calendar_server.url("/jams.ics")})
    source = CalendarSource.objects.get()
    [line] = source.runs.get().lines

    response = client.post(reverse("imports:place", args=[source.pk, line["event"]]), {"place": "Oxford"}, follow=True)

    assert [str(message) for message in response.context["messages"]] == []
    assert Jam.objects.get().city == "Oxford"
