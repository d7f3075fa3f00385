"""Bad and hostile calendars: each gets a clear message, in the page's language, and
changes nothing: no calendar kept when it is being added, no Jam made, changed or
cancelled when it is being synced. Served for real from 127.0.0.1 (calendar_server)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from jamportal.imports import services
from jamportal.imports.models import CalendarSource, SyncRun
from jamportal.imports.tests.calendar_server import calendar, event
from jamportal.jams.models import Jam, JamEvent
from jamportal.jams.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SOON = timezone.now() + datetime.timedelta(days=30)
START = f"DTSTART;TZID=Europe/London:{SOON:%Y%m%d}T100000"
END = f"DTEND;TZID=Europe/London:{SOON:%Y%m%d}T160000"
GOOD = calendar(event("jam-1@example.org", START, END))


def _hostile(server, settings, case):
    """(the address to give, the message expected) for one kind of bad calendar."""
    path = "/calendar.ics"
    if case == "too-large":
        settings.IMPORT_MAX_BYTES = 1_000_000  # and the server does not say how large it is
        server.serve(path, GOOD + "X-FILLER:" + "x" * 1_100_000 + "\r\n", length=False)
        return server.url(path), "The calendar is larger than 1 MB: JamPortal reads calendars up to that size."
    if case == "too-large-announced":
        settings.IMPORT_MAX_BYTES = 2_000_000
        server.serve(path, GOOD + "X-FILLER:" + "x" * 2_100_000 + "\r\n")
        return server.url(path), "The calendar is larger than 2 MB: JamPortal reads calendars up to that size."
    if case == "too-slow":
        settings.IMPORT_TIMEOUT = 1
        server.serve(path, GOOD, trickle=0.05)  # ~300 bytes, 15 s at this pace
        return server.url(path), "The calendar took longer than 1 seconds to arrive. Please try again later."
    if case == "malformed":
        server.serve(path, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n\x01 not a line\r\nEND:VCALENDAR\r\n")
        return server.url(path), "The calendar could not be read: it is not written as iCalendar requires."
    if case == "unfinished":
        server.serve(path, GOOD[: GOOD.index("END:VEVENT")])
        return server.url(path), "The calendar could not be read: it is not written as iCalendar requires."
    if case == "not-a-calendar":
        server.serve(path, "<!doctype html><title>Our Jams</title><p>Jams!</p>", content_type="text/html")
        return server.url(path), (
            "This address gives a web page, not a calendar. Look for an “iCal”, “.ics” or “subscribe” link on "
            "the calendar's page and give that address."
        )
    if case == "redirect-to-metadata":
        server.redirect(path, "http://169.254.169.254/latest/meta-data/")
        return server.url(path), (
            "169.254.169.254 is an address inside a private network, which JamPortal does not read. "
            "Please give the calendar's public address."
        )
    if case == "redirect-to-private":
        server.redirect(path, "http://10.0.0.7/calendar.ics")
        return server.url(path), (
            "10.0.0.7 is an address inside a private network, which JamPortal does not read. "
            "Please give the calendar's public address."
        )
    if case == "host-resolving-to-loopback":
        settings.IMPORT_ALLOW_LOOPBACK = False
        server.serve(path, GOOD)
        return server.url(path, host="localhost"), (
            "localhost is an address inside a private network, which JamPortal does not read. "
            "Please give the calendar's public address."
        )
    if case == "too-many-redirects":
        for hop in range(5):
            server.redirect(f"/hop{hop}.ics", f"/hop{hop + 1}.ics")
        server.serve("/hop5.ics", GOOD)
        return server.url("/hop0.ics"), "The address sends us on to another one more than 3 times."
    if case == "too-many-events":
        settings.IMPORT_MAX_EVENTS = 2
        server.serve(path, calendar(*(event(f"jam-{n}@example.org", START, END) for n in range(3))))
        return server.url(path), (
            "The calendar has 3 events; JamPortal imports up to 2. Please give a calendar with only your Jams."
        )
    if case == "not-found":
        return server.url("/nothing.ics"), (
            "The calendar's website answered with an error (HTTP 404). Please check the address."
        )
    if case == "ftp":
        return "ftp://127.0.0.1/calendar.ics", "The address must start with http:// or https://."
    raise AssertionError(case)


CASES = [
    "too-large",
    "too-large-announced",
    "too-slow",
    "malformed",
    "unfinished",
    "not-a-calendar",
    "redirect-to-metadata",
    "redirect-to-private",
    "host-resolving-to-loopback",
    "too-many-redirects",
    "too-many-events",
    "not-found",
    "ftp",
]


@pytest.mark.parametrize("case", CASES)
def test_adding_a_hostile_calendar_says_why_and_keeps_nothing(client, calendar_server, settings, case):
    organiser = UserFactory()
    client.force_login(organiser)
    url, message = _hostile(calendar_server, settings, case)

    response = client.post(reverse("imports:sources"), {"url": url})

    assert response.status_code == 200
    assert response.context["form"].errors["url"] == [message]
    assert CalendarSource.objects.count() == 0
    assert Jam.objects.count() == 0


@pytest.mark.parametrize("case", CASES)
def test_syncing_a_calendar_turned_hostile_reports_why_and_changes_nothing(calendar_server, settings, case):
    organiser = UserFactory()
    calendar_server.serve("/good.ics", GOOD)
    source = services.source_add(organiser=organiser, url=calendar_server.url("/good.ics"))
    jam = Jam.objects.get()
    events_before = JamEvent.objects.count()
    url, message = _hostile(calendar_server, settings, case)
    CalendarSource.objects.filter(pk=source.pk).update(url=url)
    source.refresh_from_db()

    run = services.source_sync(source)

    assert run.problem_text == message
    source.refresh_from_db()
    assert (source.state, source.problem_text) == (CalendarSource.State.FAILED, message)
    assert list(Jam.objects.values_list("pk", "status", "title", "start")) == [
        (jam.pk, Jam.Status.DRAFT, "Cambridge Raspberry Jam", jam.start)
    ]
    assert JamEvent.objects.count() == events_before
    assert SyncRun.objects.filter(source=source).count() == 2


def test_a_host_resolving_to_loopback_is_never_asked(client, calendar_server, settings):
    client.force_login(UserFactory())
    url, _message = _hostile(calendar_server, settings, "host-resolving-to-loopback")

    client.post(reverse("imports:sources"), {"url": url})

    assert calendar_server.asked == []


def test_the_problem_is_told_in_the_page_language(client, calendar_server, settings):
    client.force_login(UserFactory())
    url, _message = _hostile(calendar_server, settings, "too-many-events")

    response = client.post(reverse("imports:sources").replace("/en/", "/fa/"), {"url": url})

    assert response.context["form"].errors["url"] == [
        "این تقویم ۳ رویداد دارد؛ JamPortal حداکثر ۲ رویداد را وارد می‌کند. "
        "لطفاً تقویمی بدهید که فقط جم‌های شما در آن باشد."
    ]
