"""Issue 22: the organiser changes how a series repeats after making it. Dates to come
that the new rule has not are cancelled (those signed up told), the new rule's dates are
made, past dates and moved dates stay; a preview says all this before anything changes."""

import datetime
import re
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jamportal.jams import services, signals
from jamportal.jams.models import Jam, JamEvent
from jamportal.jams.tests.factories import JamFactory, ModeratorFactory
from jamportal.jams.tests.test_series import monthly_jam
from jamportal.jams.tests.test_series_issue22 import TITLERS
from jamportal.jams.tests.test_series_views import EXPANDERS

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
# Made on 1 December 2030: a weekly Jam from Saturday 11 January 2031 (a second Saturday), six dates.
MADE = datetime.datetime(2030, 12, 1, 12, tzinfo=datetime.UTC)


def at(month, day, hour=10):
    return datetime.datetime(2031, month, day, hour, tzinfo=LONDON)


def weekly_series():
    start = at(1, 11)
    jam = JamFactory(title="Cambridge Jam", start=start, end=start + datetime.timedelta(hours=3))
    series = services.series_create(jam, by=jam.organiser, frequency="weekly", count=6, now=MADE)
    return series


def starts(series, **filters):
    dates = series.occurrences.filter(**filters).order_by("occurrence_start")
    return [(date.local_start.month, date.local_start.day) for date in dates]


def moved_first_of_february(series):
    """The organiser moves the 1 February date to Sunday 2 February: an edit of its own."""
    date = series.occurrences.get(occurrence_start=at(2, 1))
    services.series_date_move(
        date, by=date.organiser, start=at(2, 2).replace(tzinfo=None), end=at(2, 2, 13).replace(tzinfo=None)
    )


def test_rule_plan_says_which_dates_go_which_stay_and_which_are_made():
    series = weekly_series()
    moved_first_of_february(series)

    plan = services.series_rule_plan(series, frequency="monthly-weekday", count=4, now=MADE)

    assert [(date.local_start.month, date.local_start.day) for date in plan["cancel"]] == [(1, 18), (1, 25), (2, 15)]
    assert [(date.local_start.month, date.local_start.day) for date in plan["keep"]] == [(2, 2)]
    assert plan["make"] == [datetime.datetime(2031, 3, 8, 10), datetime.datetime(2031, 4, 12, 10)]
    assert starts(series, status=Jam.Status.CANCELLED) == []  # (a plan changes nothing)


def test_rule_change_cancels_the_dates_the_new_rule_has_not_and_makes_its_own():
    series = weekly_series()
    moved_first_of_february(series)
    heard = []
    signals.jam_cancelled.connect(lambda sender, **kwargs: heard.append(kwargs["jam"].pk), weak=False, dispatch_uid="t")
    try:
        services.series_rule_change(series, by=series.organiser, frequency="monthly-weekday", count=4, now=MADE)
    finally:
        signals.jam_cancelled.disconnect(dispatch_uid="t")

    series.refresh_from_db()
    assert (series.frequency, series.week_of_month, series.count) == ("monthly-weekday", 2, 4)
    assert starts(series, status=Jam.Status.CANCELLED) == [(1, 18), (1, 25), (2, 15)]
    assert starts(series, status__in=["submitted", "approved"]) == [
        (1, 11),
        (2, 2),
        (2, 8),
        (3, 8),
        (4, 12),
    ]
    assert sorted(heard) == sorted(series.occurrences.filter(status=Jam.Status.CANCELLED).values_list("pk", flat=True))
    first = series.occurrences.get(occurrence_start=at(1, 11))
    assert JamEvent.objects.get(jam=first, changes__has_key="rule").changes == {
        "rule": ["FREQ=WEEKLY;COUNT=6", "FREQ=MONTHLY;BYDAY=2SA;COUNT=4"]
    }


def test_rule_change_keeps_the_past_dates():
    series = weekly_series()
    after_the_second = datetime.datetime(2031, 1, 20, 12, tzinfo=datetime.UTC)

    plan = services.series_rule_change(
        series, by=series.organiser, frequency="monthly-date", until=datetime.date(2031, 3, 31), now=after_the_second
    )

    assert [(date.local_start.month, date.local_start.day) for date in plan["cancel"]] == [
        (1, 25),
        (2, 1),
        (2, 8),
        (2, 15),
    ]
    assert starts(series, status=Jam.Status.CANCELLED) == [(1, 25), (2, 1), (2, 8), (2, 15)]
    assert starts(series, status__in=["submitted", "approved"]) == [(1, 11), (1, 18), (2, 11), (3, 11)]


def test_rule_change_to_an_impossible_rule_is_refused_and_changes_nothing():
    series = weekly_series()

    with pytest.raises(ValidationError) as raised:
        services.series_rule_change(
            series, by=series.organiser, frequency="weekly", until=datetime.date(2031, 1, 1), now=MADE
        )

    assert raised.value.message_dict == {"until": ["Please choose a last day after the first date."]}
    series.refresh_from_db()
    assert (series.frequency, series.count) == ("weekly", 6)
    assert starts(series, status=Jam.Status.CANCELLED) == []


def test_series_calendar_after_a_rule_change_holds_every_date_kept_as_three_libraries_read_it(client):
    series = weekly_series()
    services.jam_approve(series.occurrences.filter(status=Jam.Status.SUBMITTED).first(), by=ModeratorFactory())
    moved_first_of_february(series)
    after_the_second = datetime.datetime(2031, 1, 20, 12, tzinfo=datetime.UTC)
    services.series_rule_change(
        series, by=series.organiser, frequency="monthly-date", until=datetime.date(2031, 3, 31), now=after_the_second
    )
    held = series.occurrences.exclude(status=Jam.Status.CANCELLED)
    # 11 and 18 January (past), 2 February (moved, kept), 11 February and 11 March (the new rule's).
    assert starts(series, status=Jam.Status.APPROVED) == [(1, 11), (1, 18), (2, 2), (2, 11), (3, 11)]
    expected = sorted((date.start.timestamp(), date.end.timestamp()) for date in held)

    ics = client.get(f"/en/series/{series.pk}/calendar.ics").content

    [master] = [event for event in icalendar.Calendar.from_ical(ics).walk("VEVENT") if "RRULE" in event]
    assert master["RRULE"].to_ical().decode() == "FREQ=MONTHLY;UNTIL=20310331T225959Z"
    assert {name: expand(ics) for name, expand in EXPANDERS.items()} == dict.fromkeys(EXPANDERS, expected)
    titles = sorted((date.start.timestamp(), "Cambridge Jam") for date in held)
    assert {name: titled(ics) for name, titled in TITLERS.items()} == dict.fromkeys(TITLERS, titles)


# --- The series editor: preview, then save (a series of the coming weeks: dates are made a year ahead) ---


def near_series():
    """Weekly from a second Saturday at least three weeks away, six dates."""
    jam = monthly_jam(title="Cambridge Jam")
    return services.series_create(jam, by=jam.organiser, frequency="weekly", count=6)


def rule_post(client, series, **data):
    return client.post(f"/en/series/{series.pk}/rule/", data)


def test_rule_editor_starts_from_the_rule_the_series_has(client):
    series = near_series()
    client.force_login(series.organiser)

    form = client.get(f"/en/series/{series.pk}/rule/").context["form"]

    assert (form["frequency"].value(), form["ends"].value(), form["count"].value()) == ("weekly", "count", 6)


def test_rule_editor_previews_the_change_and_saves_nothing(client):
    series = near_series()
    first = series.occurrences.order_by("occurrence_start").first().local_start
    client.force_login(series.organiser)

    fewer = " ".join(
        rule_post(client, series, frequency="weekly", ends="count", count="3", preview="").content.decode().split()
    )
    more = rule_post(client, series, frequency="weekly", ends="count", count="8", preview="")

    assert "What the change does" in fewer
    assert re.findall(r'<ul class="rule-cancel">(.*?)</ul>', fewer)[0].count("<li>") == 3
    assert '<input type="hidden" name="previewed" value="weekly|False|3|None">' in fewer
    made = [first + datetime.timedelta(weeks=weeks) for weeks in (6, 7)]
    shown = [f"<li>{day:%B} {day.day}, {day.year}, 10:00 AM</li>" for day in made]
    assert re.findall(r'<ul class="rule-make">(.*?)</ul>', " ".join(more.content.decode().split())) == ["".join(shown)]
    assert starts(series, status=Jam.Status.CANCELLED) == []
    assert series.occurrences.count() == 6


def test_rule_editor_saves_the_rule_it_previewed(client):
    series = near_series()
    client.force_login(series.organiser)
    data = {"frequency": "weekly", "ends": "count", "count": "3", "previewed": "weekly|False|3|None"}

    response = rule_post(client, series, **data, save="", reason="The hall is booked")

    assert response["Location"] == f"/en/series/{series.pk}/"
    series.refresh_from_db()
    assert (series.frequency, series.count) == ("weekly", 3)
    page = client.get(response["Location"]).content.decode()
    assert "The Jam repeats in its new way; 3 dates are cancelled." in page
    notes = JamEvent.objects.filter(jam__series=series, action=JamEvent.Action.CANCELLED).values_list("note", flat=True)
    assert list(notes) == ["The hall is booked"] * 3


def test_rule_editor_previews_again_a_rule_changed_after_its_preview(client):
    series = near_series()
    client.force_login(series.organiser)
    data = {"frequency": "weekly", "ends": "count", "count": "4", "previewed": "weekly|False|3|None"}

    response = rule_post(client, series, **data, save="")

    assert response.status_code == 200
    assert "What the change does" in response.content.decode()
    series.refresh_from_db()
    assert (series.frequency, series.count) == ("weekly", 6)


def test_rule_editor_refuses_an_end_before_the_first_date_in_words(client):
    series = near_series()
    client.force_login(series.organiser)
    first = series.occurrences.order_by("occurrence_start").first().local_start.date()

    response = rule_post(client, series, frequency="weekly", ends="until", until=first.isoformat(), preview="")

    assert response.status_code == 400
    assert "Please choose a last day after the first date." in response.content.decode()
    assert "What the change does" not in response.content.decode()


def test_rule_editor_in_persian_previews_in_persian(client):
    series = near_series()
    client.force_login(series.organiser)

    response = client.post(
        f"/fa/series/{series.pk}/rule/", {"frequency": "weekly", "ends": "count", "count": "3", "preview": ""}
    )

    page = response.content.decode()
    assert "این تغییر چه می‌کند" in page
    assert "لغو خواهند شد" in page


def test_rule_preview_costs_the_same_queries_however_many_dates_it_lists(client):
    series = near_series()
    client.force_login(series.organiser)

    def queries(count):
        with CaptureQueriesContext(connection) as captured:
            response = rule_post(client, series, frequency="weekly", ends="count", count=str(count), preview="")
        assert response.status_code == 200
        return len(captured)

    assert queries(5) == queries(2)  # one date cancelled, then four
