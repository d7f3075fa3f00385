"""Import and sync from a served calendar: times (TZID, UTC, floating), places
(LOCATION in the offline gazetteer, GEO, or where the organiser says), edits kept,
cancellations and removals, repeating events as repeating Jams, and the beat task."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jamportal.imports import services, tasks
from jamportal.imports.models import CalendarSource, ImportedEvent
from jamportal.imports.tests.calendar_server import calendar, event
from jamportal.jams import services as jam_services
from jamportal.jams.models import Jam, JamSeries
from jamportal.jams.tests.factories import CampaignFactory, UserFactory

pytestmark = pytest.mark.django_db

LONDON, TOKYO = ZoneInfo("Europe/London"), ZoneInfo("Asia/Tokyo")
DAY = (timezone.now() + datetime.timedelta(days=40)).date()
NEXT = DAY + datetime.timedelta(days=7)


def _at(day, hour, zone=LONDON):
    return datetime.datetime.combine(day, datetime.time(hour)).replace(tzinfo=zone)


def _tzid(day, hour, zone="Europe/London"):
    return f"TZID={zone}:{day:%Y%m%d}T{hour:02}0000"


def _single(uid="jam-1@example.org", day=DAY, start=10, end=16, **more):
    return event(uid, f"DTSTART;{_tzid(day, start)}", f"DTEND;{_tzid(day, end)}", **more)


@pytest.fixture
def organiser():
    return UserFactory(email="ada@example.org")


def _import(server, organiser, *events, **more):
    server.serve("/jams.ics", calendar(*events))
    return services.source_add(organiser=organiser, url=server.url("/jams.ics"), **more)


def _kinds(run):
    return [(line["kind"], line["title"], line.get("fields", []), line.get("reason", "")) for line in run.lines]


def test_an_event_becomes_a_draft_jam_at_its_place_and_time(calendar_server, organiser):
    source = _import(
        calendar_server, organiser,
        _single(extra="DESCRIPTION:Bring a Pi.\r\nURL:https://www.eventbrite.co.uk/e/123"),
    )  # fmt: skip

    jam = Jam.objects.get()
    assert (jam.organiser, jam.status, jam.title, jam.description) == (
        organiser,
        Jam.Status.DRAFT,
        "Cambridge Raspberry Jam",
        "Bring a Pi.",
    )
    assert (jam.start, jam.end, jam.timezone) == (_at(DAY, 10), _at(DAY, 16), "Europe/London")
    assert (jam.venue_name, jam.address, jam.city, jam.country.code) == (
        "Central Library",
        "Cambridge, UK",
        "Cambridge",
        "GB",
    )
    assert (round(jam.latitude, 2), round(jam.longitude, 2)) == (52.2, 0.12)
    assert jam.website == "https://www.eventbrite.co.uk/e/123"
    assert _kinds(source.runs.get()) == [("created", "Cambridge Raspberry Jam", [], "")]


def test_utc_and_floating_times_are_read_on_the_places_clock(calendar_server, organiser):
    utc = event("utc@x", f"DTSTART:{DAY:%Y%m%d}T010000Z", f"DTEND:{DAY:%Y%m%d}T050000Z", summary="Tokyo UTC",
                location="Miraikan, Tokyo, Japan")  # fmt: skip
    floating = event("floating@x", f"DTSTART:{DAY:%Y%m%d}T100000", f"DTEND:{DAY:%Y%m%d}T160000",
                     summary="Tokyo floating", location="Miraikan, Tokyo, Japan")  # fmt: skip
    _import(calendar_server, organiser, utc, floating)

    by_title = {jam.title: jam for jam in Jam.objects.all()}
    assert (by_title["Tokyo UTC"].start, by_title["Tokyo UTC"].timezone) == (_at(DAY, 10, TOKYO), "Asia/Tokyo")
    assert (by_title["Tokyo floating"].start, by_title["Tokyo floating"].end) == (
        _at(DAY, 10, TOKYO),
        _at(DAY, 16, TOKYO),
    )


def test_an_event_with_only_geo_is_placed_at_its_coordinates(calendar_server, organiser):
    _import(calendar_server, organiser, _single(location="", extra="GEO:35.6595;139.7005"))

    jam = Jam.objects.get()
    assert (jam.latitude, jam.longitude, jam.country.code) == (35.6595, 139.7005, "JP")
    assert jam.timezone == "Europe/London"  # its TZID wins over the place's


def test_an_event_whose_place_is_unknown_is_reported_and_imported_once_placed(calendar_server, organiser):
    source = _import(calendar_server, organiser, _single(location="Village Hall\\, Nowheresville"))

    assert Jam.objects.count() == 0
    [line] = source.runs.get().lines
    assert (line["kind"], line["reason"], line["values"]) == (
        "skipped",
        "no-place",
        {"location": "Village Hall, Nowheresville"},
    )
    link = ImportedEvent.objects.get(pk=line["event"])

    with pytest.raises(ValidationError):
        services.event_place(link, place="Nowheresville")
    run = services.event_place(link, place="Oxford")

    jam = Jam.objects.get()
    assert (jam.venue_name, jam.city, jam.country.code) == ("Village Hall", "Oxford", "GB")
    assert _kinds(run) == [("created", "Cambridge Raspberry Jam", [], "")]


def test_a_sync_follows_the_calendar_but_keeps_what_the_organiser_changed(calendar_server, organiser):
    source = _import(calendar_server, organiser, _single("a@x", summary="Jam A"), _single("b@x", summary="Jam B"),
                     _single("c@x", summary="Jam C"))  # fmt: skip
    jams = {jam.title: jam for jam in Jam.objects.all()}
    data = {name: getattr(jams["Jam A"], name) for name in jam_services.EDITABLE_FIELDS}
    jam_services.jam_update(jams["Jam A"], by=organiser, data={**data, "title": "Jam A, our own title"})
    calendar_server.serve("/jams.ics", calendar(
        _single("a@x", summary="Jam A renamed", start=11, end=17),
        _single("b@x", summary="Jam B", extra="STATUS:CANCELLED"),
    ))  # fmt: skip

    run = services.source_sync(source)

    a, b, c = (Jam.objects.get(pk=jams[title].pk) for title in ("Jam A", "Jam B", "Jam C"))
    assert (a.title, a.start, a.end, a.status) == ("Jam A, our own title", _at(DAY, 11), _at(DAY, 17), Jam.Status.DRAFT)
    assert (b.status, c.status) == (Jam.Status.CANCELLED, Jam.Status.CANCELLED)
    assert _kinds(run) == [
        ("changed", "Jam A, our own title", ["start", "end"], ""),
        ("kept", "Jam A, our own title", ["title"], ""),
        ("cancelled", "Jam B", [], "cancelled"),
        ("cancelled", "Jam C", [], "removed"),
    ]
    # The next sync has nothing more to say.
    assert services.source_sync(source).lines == []


def test_a_jam_deleted_here_is_not_made_again(calendar_server, organiser):
    source = _import(calendar_server, organiser, _single())
    Jam.objects.get().delete()

    run = services.source_sync(source)

    assert (Jam.objects.count(), run.lines) == (0, [])


def test_past_and_all_day_events_are_left_out_with_why(calendar_server, organiser):
    past = DAY - datetime.timedelta(days=400)
    source = _import(
        calendar_server, organiser,
        _single("old@x", day=past),
        event("allday@x", f"DTSTART;VALUE=DATE:{DAY:%Y%m%d}", f"DTEND;VALUE=DATE:{NEXT:%Y%m%d}", summary="All day"),
    )  # fmt: skip

    assert Jam.objects.count() == 0
    assert _kinds(source.runs.get()) == [("skipped", "All day", [], "all-day"), ("past", "", [], "")]


def test_a_jam_on_the_campaigns_days_joins_it(calendar_server, organiser):
    campaign = CampaignFactory(starts_on=DAY, ends_on=DAY)
    _import(calendar_server, organiser, _single("in@x"), _single("out@x", day=NEXT), campaign=campaign)

    assert sorted((jam.start.date(), jam.campaign_id) for jam in Jam.objects.all()) == [
        (DAY, campaign.pk), (NEXT, None)
    ]  # fmt: skip


def _monday_weeks_ahead(weeks):
    today = timezone.now().astimezone(LONDON).date()
    return today + datetime.timedelta(days=7 * weeks - today.weekday())


def test_a_weekly_event_becomes_a_repeating_jam_with_its_skipped_and_moved_dates(calendar_server, organiser):
    first = _monday_weeks_ahead(2)
    second, third = first + datetime.timedelta(days=7), first + datetime.timedelta(days=14)
    master = _single("weekly@x", day=first, summary="Monday Jam", extra="\r\n".join([
        "RRULE:FREQ=WEEKLY;COUNT=4",
        f"EXDATE;{_tzid(second, 10)}",
    ]))  # fmt: skip
    moved = _single("weekly@x", day=third, start=13, end=18, summary="Monday Jam",
                    extra=f"RECURRENCE-ID;{_tzid(third, 10)}")  # fmt: skip
    source = _import(calendar_server, organiser, master, moved)

    series = JamSeries.objects.get()
    dates = list(series.occurrences.order_by("occurrence_start"))
    assert (series.frequency, series.count, series.status) == ("weekly", 4, Jam.Status.DRAFT)
    assert [(jam.start, jam.status) for jam in dates] == [
        (_at(first, 10), Jam.Status.DRAFT),
        (_at(second, 10), Jam.Status.CANCELLED),
        (_at(third, 13), Jam.Status.DRAFT),
        (_at(third + datetime.timedelta(days=7), 10), Jam.Status.DRAFT),
    ]
    assert _kinds(source.runs.get()) == [
        ("created", "Monday Jam", [], ""),
        ("cancelled", "Monday Jam", [], "cancelled"),
        ("changed", "Monday Jam", ["start", "end"], ""),
    ]
    assert services.source_sync(source).lines == []


def test_a_moved_date_with_words_of_its_own_moves_alone(calendar_server, organiser):
    """A RECURRENCE-ID date's own title must not become every later date's (a repeating
    Jam's words are its series'; found by the outsider pass)."""
    first = _monday_weeks_ahead(2)
    second, third = first + datetime.timedelta(days=7), first + datetime.timedelta(days=14)
    master = _single("weekly@x", day=first, summary="Monday Jam",
                     extra="RRULE:FREQ=WEEKLY;COUNT=4\r\nDESCRIPTION:Every Monday.")  # fmt: skip
    moved = _single("weekly@x", day=second + datetime.timedelta(days=1), start=13, end=18,
                    summary="Monday Jam (on Tuesday)", extra=f"RECURRENCE-ID;{_tzid(second, 10)}")  # fmt: skip
    _import(calendar_server, organiser, master, moved)

    dates = list(JamSeries.objects.get().occurrences.order_by("occurrence_start"))
    assert [(jam.start, jam.title, jam.description) for jam in dates] == [
        (_at(first, 10), "Monday Jam", "Every Monday."),
        (_at(second + datetime.timedelta(days=1), 13), "Monday Jam", "Every Monday."),
        (_at(third, 10), "Monday Jam", "Every Monday."),
        (_at(third + datetime.timedelta(days=7), 10), "Monday Jam", "Every Monday."),
    ]


def test_a_monthly_event_on_a_weekday_becomes_a_repeating_jam(calendar_server, organiser):
    day = _monday_weeks_ahead(6)
    week = (day.day - 1) // 7 + 1
    if week == 5:
        day += datetime.timedelta(days=7)
        week = 1
    rule = f"RRULE:FREQ=MONTHLY;BYDAY={week}MO;UNTIL={day.year + 1}0101T000000Z"
    _import(calendar_server, organiser, _single("monthly@x", day=day, extra=rule))

    series = JamSeries.objects.get()
    assert (series.frequency, series.week_of_month, series.until) == (
        "monthly-weekday",
        week,
        datetime.date(day.year, 12, 31),
    )


def test_a_rule_repeating_jams_cannot_follow_is_reported(calendar_server, organiser):
    source = _import(calendar_server, organiser, _single(extra="RRULE:FREQ=WEEKLY;INTERVAL=2"))

    assert (Jam.objects.count(), JamSeries.objects.count()) == (0, 0)
    [line] = source.runs.get().lines
    assert (line["kind"], line["reason"], line["values"]) == ("skipped", "rule", {"rule": "FREQ=WEEKLY;INTERVAL=2"})


def test_the_beat_task_syncs_the_calendars_due(calendar_server, organiser, django_capture_on_commit_callbacks):
    source = _import(calendar_server, organiser, _single())
    CalendarSource.objects.filter(pk=source.pk).update(last_fetched_at=timezone.now() - datetime.timedelta(hours=7))
    calendar_server.serve("/jams.ics", calendar(_single(summary="Renamed in the calendar")))

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.task_sync_sources.apply().get() == 1

    assert Jam.objects.get().title == "Renamed in the calendar"
    assert tasks.task_sync_sources.apply().get() == 0


def test_an_event_listed_twice_and_a_page_too_long_to_keep_make_one_jam_without_a_website(calendar_server, organiser):
    long_page = "URL:https://example.org/" + "e" * 200
    _import(calendar_server, organiser, _single(extra=long_page), _single(summary="The same event again"))

    assert list(Jam.objects.values_list("title", "website")) == [("Cambridge Raspberry Jam", "")]


def test_a_calendar_moved_to_another_address_is_followed_there(calendar_server, organiser):
    calendar_server.serve("/jams.ics", calendar(_single()))
    calendar_server.redirect("/old.ics", calendar_server.url("/jams.ics"), status=301)

    services.source_add(organiser=organiser, url=calendar_server.url("/old.ics"))

    assert calendar_server.asked == ["/old.ics", "/jams.ics"]
    assert Jam.objects.get().title == "Cambridge Raspberry Jam"


def test_a_monthly_event_on_a_date_with_one_date_cancelled_by_its_override(calendar_server, organiser):
    first = _monday_weeks_ahead(3)
    while first.day > 28:  # a date every month has
        first += datetime.timedelta(days=7)
    second = (first.replace(day=1) + datetime.timedelta(days=32)).replace(day=first.day)
    master = _single("monthly@x", day=first, extra="RRULE:FREQ=MONTHLY;COUNT=3")
    cancelled = _single("monthly@x", day=second, extra=f"RECURRENCE-ID;{_tzid(second, 10)}\r\nSTATUS:CANCELLED")
    _import(calendar_server, organiser, master, cancelled)

    series = JamSeries.objects.get()
    assert (series.frequency, series.count) == ("monthly-date", 3)
    assert [jam.status for jam in series.occurrences.order_by("occurrence_start")] == [
        Jam.Status.DRAFT, Jam.Status.CANCELLED, Jam.Status.DRAFT
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("location", "city", "country"),
    [
        ("Cambridge, United Kingdom", "Cambridge", "GB"),
        ("Manchester, UK", "Manchester", "GB"),
        ("سالن کتابخانه، تهران", "Tehran", "IR"),  # the Persian comma
        ("Makerspace, 12 Mill Road, Cambridge, CB1 2AD, UK", "Cambridge", "GB"),
    ],
)
def test_a_location_names_its_town_however_the_calendar_writes_it(location, city, country):
    """ "Town, Country" is how many calendars write a place (found by the outsider pass:
    only "Venue, Town" was found)."""
    from jamportal.imports.calendars import Event, locate

    venue = locate(Event(uid="x", location=location))

    assert venue is not None, location
    assert (venue["city"], venue["country"]) == (city, country)


def test_a_calendar_that_comes_back_empty_cancels_nothing_and_says_so(calendar_server, organiser):
    """A calendar service answering an empty calendar for a moment must not cancel every
    Jam made from it (found by the outsider pass: they were cancelled for good)."""
    source = _import(calendar_server, organiser, _single("a@x", summary="Jam A"), _single("b@x", summary="Jam B"))
    calendar_server.serve("/jams.ics", calendar())

    run = services.source_sync(source)

    assert set(Jam.objects.values_list("status", flat=True)) == {Jam.Status.DRAFT}
    assert run.problem == "empty"
    assert str(run.problem_text).startswith("The calendar has no events now, so nothing was cancelled.")
    source.refresh_from_db()
    assert source.state == source.State.FAILED
