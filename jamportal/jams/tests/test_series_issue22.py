"""Issue 22, what outsiders found on repeating Jams: a skipped date's page offers no
"Add to calendar" but says it is skipped and links to the next date; the series'
calendar file carries the series' own words, and a date with words of its own is an
override with its own title, as three calendar libraries read it."""

import re

import icalendar
import pytest
import recurring_ical_events
import vobject
from django.utils import translation
from ical.calendar_stream import IcsCalendarStream

from jamportal.jams import services
from jamportal.jams.models import Jam
from jamportal.jams.tests.test_series_views import WINDOW, approved_series

pytestmark = pytest.mark.django_db


def test_a_skipped_dates_page_offers_no_calendar_and_links_to_the_next_date(client):
    series = approved_series(count=3)
    first, second, third = series.occurrences.order_by("occurrence_start")
    services.series_date_skip(second, by=second.organiser, reason="Hall closed")

    page = client.get(second.get_absolute_url()).content.decode()

    assert "Add to calendar" not in page
    assert f"/jams/{second.slug}/calendar.ics" not in page
    assert "This Jam has been cancelled." not in page
    when = " ".join(client.get(third.get_absolute_url()).context["jam"].local_start.strftime("%B %-d, %Y").split())
    assert re.search(
        rf'This date is skipped\. The next one is <a href="{third.get_absolute_url()}">{when}</a>\.',
        " ".join(page.split()),
    )
    assert "Add to calendar" in client.get(first.get_absolute_url()).content.decode()


def test_the_last_date_skipped_says_there_is_no_next_one(client):
    series = approved_series(count=2)
    last = series.occurrences.order_by("occurrence_start").last()
    services.series_date_skip(last, by=last.organiser)

    page = client.get(last.get_absolute_url()).content.decode()

    assert "Add to calendar" not in page
    assert "This date is skipped. No date after it is planned." in page


def test_a_skipped_dates_page_in_persian_says_so_in_persian(client):
    series = approved_series(count=3)
    second = series.occurrences.order_by("occurrence_start")[1]
    services.series_date_skip(second, by=second.organiser)

    with translation.override("fa"):
        page = client.get(second.get_absolute_url()).content.decode()

    assert "این تاریخ برگزار نمی‌شود. تاریخ بعدی" in page
    assert Jam.objects.filter(status=Jam.Status.CANCELLED).count() == 1


# --- The series' calendar file after the organiser edits a later date's words ---


def titles_by_icalendar(data: bytes) -> list:
    calendar = icalendar.Calendar.from_ical(data)
    events = recurring_ical_events.of(calendar).between(*WINDOW)
    return sorted((event.decoded("DTSTART").timestamp(), str(event["SUMMARY"])) for event in events)


def titles_by_vobject(data: bytes) -> list:
    """vobject expands the rule; a date with a RECURRENCE-ID replaces its original."""
    events = vobject.readOne(data.decode()).vevent_list
    overrides = [event for event in events if hasattr(event, "recurrence_id")]
    replaced = {event.recurrence_id.value.timestamp() for event in overrides}
    found = [(event.dtstart.value.timestamp(), event.summary.value) for event in overrides]
    for event in events:
        if hasattr(event, "rrule") and not hasattr(event, "recurrence_id"):
            found += [
                (start.timestamp(), event.summary.value)
                for start in event.getrruleset(addRDate=True)
                if start.timestamp() not in replaced
            ]
    return sorted(found)


def titles_by_ical(data: bytes) -> list:
    calendar = IcsCalendarStream.calendar_from_ics(data.decode())
    return sorted((event.dtstart.timestamp(), event.summary) for event in calendar.timeline)


TITLERS = {"icalendar": titles_by_icalendar, "vobject": titles_by_vobject, "ical": titles_by_ical}


def test_series_calendar_carries_the_series_words_and_each_date_keeps_its_own_title(client):
    series = approved_series(count=4)
    dates = list(series.occurrences.order_by("occurrence_start"))
    data = {name: getattr(dates[2], name) for name in services.EDITABLE_FIELDS}
    services.jam_update(dates[2], by=dates[2].organiser, data={**data, "title": "Cambridge Pi Club"})
    expected = sorted((date.start.timestamp(), date.title) for date in series.occurrences.all())
    assert [title for _start, title in expected] == ["Cambridge Jam"] * 2 + ["Cambridge Pi Club"] * 2

    ics = client.get(f"/en/series/{series.pk}/calendar.ics").content

    events = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    [master] = [event for event in events if "RRULE" in event]
    assert str(master["SUMMARY"]) == "Cambridge Pi Club"  # the series' words: what its next dates copy
    overrides = sorted(
        (event.decoded("RECURRENCE-ID"), str(event["SUMMARY"])) for event in events if "RECURRENCE-ID" in event
    )
    assert overrides == [(dates[0].occurrence_start, "Cambridge Jam"), (dates[1].occurrence_start, "Cambridge Jam")]
    assert {name: titled(ics) for name, titled in TITLERS.items()} == dict.fromkeys(TITLERS, expected)


def test_series_calendar_of_unedited_dates_has_no_overrides(client):
    series = approved_series(count=3)

    ics = client.get(f"/en/series/{series.pk}/calendar.ics").content

    [master] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(master["SUMMARY"]) == "Cambridge Jam"
