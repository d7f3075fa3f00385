"""The organiser's calendar pages: the list and the form, the report of a sync (what
was created, changed, cancelled, kept, not imported, and why), sync now, placing an
event, removing a calendar; each costs the same queries however many lines it has."""

import datetime
import html
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags

from jamportal.cldr import formats
from jamportal.imports import services
from jamportal.imports.forms import SourceForm
from jamportal.imports.models import CalendarSource, SyncRun
from jamportal.imports.tests.calendar_server import calendar, event
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

DAY = (timezone.now() + datetime.timedelta(days=40)).date()


def _event(uid, summary, *, location="Central Library\\, Cambridge\\, UK", start=10, extra=""):
    return event(
        uid, f"DTSTART;TZID=Europe/London:{DAY:%Y%m%d}T{start:02}0000", f"DTEND;TZID=Europe/London:{DAY:%Y%m%d}T170000",
        summary=summary, location=location, extra=extra,
    )  # fmt: skip


@pytest.fixture
def organiser(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _text(response):
    """The page's main text as one line, as a reader sees it (tags and spacing gone)."""
    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    return " ".join(html.unescape(strip_tags("<main" + main)).split())


def test_adding_a_calendar_imports_it_and_shows_the_report(client, organiser, calendar_server):
    calendar_server.serve(
        "/jams.ics", calendar(_event("a@x", "Pi Jam"), _event("b@x", "Lost Jam", location="Nowhere Hall"))
    )

    response = client.post(reverse("imports:sources"), {"url": calendar_server.url("/jams.ics")}, follow=True)

    source = CalendarSource.objects.get()
    assert response.redirect_chain == [(reverse("imports:source", args=[source.pk]), 302)]
    text = _text(response)
    assert "Created (drafts for you to look over and submit) (1) Pi Jam" in text
    assert (
        "Not imported (1) Lost Jam We could not find the place “Nowhere Hall”. "
        "Say where it is below, and it is imported." in text
    )
    assert Jam.objects.get().organiser == organiser


def test_a_webcal_address_is_read_over_https():
    form = SourceForm(data={"url": "webcal://calendar.example.org/jams.ics"})

    assert form.is_valid()
    assert form.cleaned_data["url"] == "https://calendar.example.org/jams.ics"


def test_sync_now_shows_what_changed_and_what_was_kept(client, organiser, calendar_server):
    calendar_server.serve("/jams.ics", calendar(_event("a@x", "Pi Jam")))
    source = services.source_add(organiser=organiser, url=calendar_server.url("/jams.ics"))
    Jam.objects.update(venue_name="Our own hall")
    calendar_server.serve(
        "/jams.ics", calendar(_event("a@x", "Pi Jam", start=11, location="Museum\\, Cambridge\\, UK"))
    )

    response = client.post(reverse("imports:sync", args=[source.pk]), follow=True)

    text = _text(response)
    starts = formats.format_datetime(datetime.datetime.combine(DAY, datetime.time(11), ZoneInfo("Europe/London")))
    assert (
        f"Changed as the calendar says (1) Pi Jam: Starts: {starts} Kept as you edited them here (1) Pi Jam: venue "
        "changed in the calendar; what you set here stays. Venue in the calendar: Museum" in text
    )


def test_the_report_counts_and_names_each_change_in_the_readers_language_and_digits(client, organiser, calendar_server):
    calendar_server.serve(
        "/jams.ics", calendar(_event("a@x", "Pi Jam"), _event("b@x", "Jam B"), _event("c@x", "Jam C"))
    )
    source = services.source_add(organiser=organiser, url=calendar_server.url("/jams.ics"))
    calendar_server.serve("/jams.ics", calendar(_event("a@x", "Pi Jam", start=11, location="Museum\\, Oxford\\, UK")))
    services.source_sync(source)

    html = client.get(f"/fa/calendars/{source.pk}/").content.decode()

    starts = formats.format_datetime(datetime.datetime.combine(DAY, datetime.time(11), ZoneInfo("Europe/London")), "fa")
    assert '<h3 class="report-cancelled">لغو شد <span class="count">(۲)</span></h3>' in html
    changes = re.search(r'<ul class="changes">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r"<li>(.*?)</li>", changes) == [
        f"شروع: <bdi>{starts}</bdi>",
        "محل برگزاری: <bdi>Museum</bdi>",
        "نشانی: <bdi>Oxford, UK</bdi>",
        "شهر: <bdi>Oxford</bdi>",
        "عرض جغرافیایی: <bdi>۵۱٫۷۵۲۲</bdi>",
        "طول جغرافیایی: <bdi>-۱٫۲۵۶۰</bdi>",
    ]


def test_placing_an_event_imports_it(client, organiser, calendar_server):
    calendar_server.serve("/jams.ics", calendar(_event("b@x", "Lost Jam", location="Nowhere Hall")))
    source = services.source_add(organiser=organiser, url=calendar_server.url("/jams.ics"))
    [line] = source.runs.get().lines

    client.post(reverse("imports:place", args=[source.pk, line["event"]]), {"place": "Oxford"})

    assert Jam.objects.get().city == "Oxford"


def test_removing_a_calendar_keeps_its_jams(client, organiser, calendar_server):
    calendar_server.serve("/jams.ics", calendar(_event("a@x", "Pi Jam")))
    source = services.source_add(organiser=organiser, url=calendar_server.url("/jams.ics"))

    client.post(reverse("imports:delete", args=[source.pk]))

    assert (CalendarSource.objects.count(), Jam.objects.get().status) == (0, Jam.Status.DRAFT)


def test_the_calendars_list_costs_the_same_queries_for_more(organiser, assert_constant_queries):
    CalendarSource.objects.create(organiser=organiser, url="https://example.org/1.ics")

    assert_constant_queries(
        reverse("imports:sources"),
        lambda: [
            CalendarSource.objects.create(organiser=organiser, url=f"https://example.org/{n}.ics") for n in (2, 3)
        ],
    )


def test_the_report_costs_the_same_queries_for_more_lines(organiser, calendar_server, assert_constant_queries):
    calendar_server.serve("/jams.ics", calendar(_event("a@x", "Pi Jam")))
    source = services.source_add(organiser=organiser, url=calendar_server.url("/jams.ics"))

    def more():
        calendar_server.serve("/jams.ics", calendar(*(_event(f"{n}@x", f"Jam {n}") for n in "abc")))
        services.source_sync(source)

    assert_constant_queries(reverse("imports:source", args=[source.pk]), more)
    assert len(SyncRun.objects.filter(source=source).first().lines) == 3


def test_reading_calendars_by_hand_is_limited_each_hour(client, organiser, calendar_server, settings):
    calendar_server.serve("/jams.ics", calendar(_event("a@x", "Pi Jam")))
    source = services.source_add(organiser=organiser, url=calendar_server.url("/jams.ics"))
    settings.IMPORT_FETCHES_PER_HOUR = 1
    client.post(reverse("imports:sync", args=[source.pk]))
    asked = len(calendar_server.asked)

    response = client.post(reverse("imports:sync", args=[source.pk]), follow=True)

    assert [str(message) for message in response.context["messages"]] == [
        "Calendars can be read by hand 1 time an hour. Please wait a while before the next."
    ]
    assert (len(calendar_server.asked), source.runs.count()) == (asked, 2)


def test_the_same_calendar_is_not_imported_twice(client, organiser, calendar_server):
    calendar_server.serve("/jams.ics", calendar(_event("a@x", "Pi Jam")))
    services.source_add(organiser=organiser, url=calendar_server.url("/jams.ics"))

    response = client.post(reverse("imports:sources"), {"url": calendar_server.url("/jams.ics")})

    assert response.context["form"].errors["url"] == ["You import this calendar already."]
    assert (CalendarSource.objects.count(), Jam.objects.count(), len(calendar_server.asked)) == (1, 1, 1)


def test_only_the_latest_reports_are_kept(organiser, calendar_server, settings):
    calendar_server.serve("/jams.ics", calendar(_event("a@x", "Pi Jam")))
    source = services.source_add(organiser=organiser, url=calendar_server.url("/jams.ics"))
    latest = [services.source_sync(source).pk for _ in range(services.KEEP_RUNS)]

    assert sorted(SyncRun.objects.values_list("pk", flat=True)) == latest


# --- issue 22: removing a calendar asks first ---


def test_removing_a_calendar_asks_first_on_a_page_that_needs_no_javascript(client, organiser, calendar_server):
    calendar_server.serve("/jams.ics", calendar(_event("a@x", "Pi Jam")))
    source = services.source_add(organiser=organiser, url=calendar_server.url("/jams.ics"))
    delete_url = reverse("imports:delete", args=[source.pk])

    source_page = client.get(reverse("imports:source", args=[source.pk])).content.decode()
    asked = client.get(delete_url)

    assert f'<a class="button secondary" href="{delete_url}">Remove this calendar</a>' in source_page
    assert f'action="{delete_url}"' not in source_page
    assert asked.status_code == 200
    question = asked.content.decode()
    assert "Remove this calendar?" in question
    assert calendar_server.url("/jams.ics") in question
    assert f'<form method="post" action="{delete_url}">' in question
    assert CalendarSource.objects.count() == 1

    client.post(delete_url)

    assert CalendarSource.objects.count() == 0


def test_removing_a_calendar_is_asked_in_persian(client, organiser, calendar_server):
    calendar_server.serve("/jams.ics", calendar(_event("a@x", "Pi Jam")))
    source = services.source_add(organiser=organiser, url=calendar_server.url("/jams.ics"))

    with translation.override("fa"):
        question = client.get(reverse("imports:delete", args=[source.pk])).content.decode()

    assert "این تقویم برداشته شود؟" in question
    assert CalendarSource.objects.count() == 1
