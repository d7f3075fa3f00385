"""Repeating Jams on the site: the editor, the series page, moving and skipping a date,
and the feeds, where a series is one event that repeats."""

import datetime

import feedparser
import icalendar
import pytest
import recurring_ical_events
import vobject
from django.utils import timezone
from ical.calendar_stream import IcsCalendarStream

from jamportal.cldr import formats
from jamportal.jams import services
from jamportal.jams.models import Jam, JamSeries
from jamportal.jams.tests.factories import ModeratorFactory, UserFactory
from jamportal.jams.tests.test_series import monthly_jam

pytestmark = pytest.mark.django_db


def approved_series(jam=None, **options):
    jam = jam or monthly_jam(title="Cambridge Jam")
    series = services.series_create(jam, by=jam.organiser, frequency="monthly-weekday", **options)
    queued = series.occurrences.filter(status=Jam.Status.SUBMITTED).first()
    if queued:
        services.jam_approve(queued, by=ModeratorFactory())
    series.refresh_from_db()
    return series


def test_series_editor_offers_the_rule_in_words_of_the_jams_own_date(client):
    jam = monthly_jam()
    client.force_login(jam.organiser)

    page = client.get(f"/en/jams/{jam.slug}/repeat/").content.decode()

    assert "Every week, on Saturday" in page
    assert f"Every month, on day {jam.local_start.day}" in page
    assert "Every month, on the second Saturday" in page


def test_series_editor_in_persian_names_the_day_in_persian(client):
    jam = monthly_jam()
    client.force_login(jam.organiser)

    page = client.get(f"/fa/jams/{jam.slug}/repeat/").content.decode()

    assert "شنبه" in page


def test_series_editor_makes_the_jam_repeat_and_shows_its_dates(client):
    jam = monthly_jam()
    client.force_login(jam.organiser)

    response = client.post(
        f"/en/jams/{jam.slug}/repeat/", {"frequency": "monthly-weekday", "ends": "count", "count": "4"}
    )

    series = JamSeries.objects.get()
    assert response.status_code == 302
    assert response.url == f"/en/series/{series.pk}/"
    assert series.occurrences.count() == 4
    page = client.get(response.url).content.decode()
    assert "Every month, on the second Saturday · 4 dates in all" in page
    assert page.count('<li class="series-date') == 4


def test_series_editor_asks_for_the_number_of_dates_and_keeps_what_was_typed(client):
    jam = monthly_jam()
    client.force_login(jam.organiser)

    response = client.post(f"/en/jams/{jam.slug}/repeat/", {"frequency": "weekly", "ends": "count", "count": ""})

    assert response.status_code == 200
    assert "How many dates in all?" in response.content.decode()
    assert JamSeries.objects.count() == 0


def test_series_editor_refuses_a_last_day_before_the_first_date_in_the_field(client):
    jam = monthly_jam()
    client.force_login(jam.organiser)

    response = client.post(
        f"/en/jams/{jam.slug}/repeat/",
        {"frequency": "weekly", "ends": "until", "until": jam.local_start.date().isoformat()},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {"until": ["Please choose a last day after the first date."]}
    assert JamSeries.objects.count() == 0


def test_series_editor_is_not_for_another_organiser(client):
    jam = monthly_jam()
    client.force_login(UserFactory())

    assert client.get(f"/en/jams/{jam.slug}/repeat/").status_code == 404
    assert client.post(f"/en/jams/{jam.slug}/repeat/", {"frequency": "weekly", "ends": "never"}).status_code == 404
    assert JamSeries.objects.count() == 0


def test_series_page_shows_next_dates_moved_and_skipped_to_visitors(client):
    series = approved_series(count=4)
    dates = list(series.occurrences.order_by("occurrence_start"))
    owner = dates[0].organiser
    services.series_date_skip(dates[1], by=owner)
    new_start = datetime.datetime.combine(dates[2].local_start.date() + datetime.timedelta(days=1), datetime.time(11))
    services.series_date_move(dates[2], by=owner, start=new_start, end=new_start + datetime.timedelta(hours=2))

    page = client.get(f"/en/series/{series.pk}/").content.decode()

    assert page.count('<li class="series-date') == 4
    assert page.count("Skipped") == 1
    assert page.count("Moved from") == 1
    assert f"/en/jams/{dates[3].slug}/" in page
    assert "/move/" not in page


def test_series_page_hides_dates_waiting_for_review_from_visitors(client):
    jam = monthly_jam()
    series = services.series_create(jam, by=jam.organiser, frequency="weekly", count=3)

    page = client.get(f"/en/series/{series.pk}/").content.decode()

    assert page.count('<li class="series-date') == 1
    client.force_login(jam.organiser)
    assert client.get(f"/en/series/{series.pk}/").content.decode().count('<li class="series-date') == 3


def test_series_page_of_no_public_date_is_not_found(client):
    jam = monthly_jam(status=Jam.Status.DRAFT, approved_at=None)
    series = services.series_create(jam, by=jam.organiser, frequency="weekly", count=3)

    assert client.get(f"/en/series/{series.pk}/").status_code == 404


def test_series_page_costs_the_same_queries_for_more_dates(assert_constant_queries):
    series = approved_series(count=2)
    first = series.occurrences.order_by("occurrence_start").first()

    def more():
        services.series_extend(series, now=timezone.now())  # (made already: nothing)
        for date in series.occurrences.all():
            services.jam_translation_save(date, by=first.organiser, language="en", title="Jam", description="Hi")

    assert_constant_queries(f"/en/series/{series.pk}/", more)


def test_series_date_move_by_its_organiser_moves_it(client):
    series = approved_series(count=3)
    second = series.occurrences.order_by("occurrence_start")[1]
    client.force_login(second.organiser)
    day = second.local_start.date() + datetime.timedelta(days=1)

    response = client.post(
        f"/en/jams/{second.slug}/move/", {"day": day.isoformat(), "starts": "11:00", "ends": "14:30"}
    )

    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.local_start.date(), second.local_start.time(), second.local_end.time()) == (
        day,
        datetime.time(11),
        datetime.time(14, 30),
    )


def test_series_date_move_to_a_past_day_says_why_in_the_day_field(client):
    series = approved_series(count=3)
    second = series.occurrences.order_by("occurrence_start")[1]
    client.force_login(second.organiser)
    before = second.start

    response = client.post(f"/en/jams/{second.slug}/move/", {"day": "2020-01-04", "starts": "10:00", "ends": "13:00"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "day": ["This time has already passed. Please choose a date in the future."]
    }
    second.refresh_from_db()
    assert second.start == before


def test_series_date_move_ending_when_it_starts_is_refused(client):
    """Not a day-long Jam (found by the outsider pass: 10:00 to 10:00 became 24 hours)."""
    series = approved_series(count=3)
    second = series.occurrences.order_by("occurrence_start")[1]
    client.force_login(second.organiser)
    before = second.end
    day = second.local_start.date().isoformat()

    response = client.post(f"/en/jams/{second.slug}/move/", {"day": day, "starts": "10:00", "ends": "10:00"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"ends": ["The Jam must end after it starts."]}
    second.refresh_from_db()
    assert second.end == before


def test_series_date_skip_by_its_organiser_cancels_that_date_only(client):
    series = approved_series(count=3)
    second = series.occurrences.order_by("occurrence_start")[1]
    client.force_login(second.organiser)

    response = client.post(f"/en/jams/{second.slug}/skip/", {"reason": "Hall closed"})

    assert response.status_code == 302
    statuses = list(series.occurrences.order_by("occurrence_start").values_list("status", flat=True))
    assert statuses == ["approved", "cancelled", "approved"]


def test_series_date_move_and_skip_are_not_for_another_organiser(client):
    series = approved_series(count=3)
    second = series.occurrences.order_by("occurrence_start")[1]
    client.force_login(UserFactory())

    assert client.post(f"/en/jams/{second.slug}/skip/", {"reason": ""}).status_code == 404
    assert client.post(f"/en/jams/{second.slug}/move/", {"day": "2031-01-04"}).status_code == 404
    assert set(series.occurrences.values_list("status", flat=True)) == {"approved"}


def test_jam_page_of_a_date_links_to_its_series(client):
    series = approved_series(count=3)
    second = series.occurrences.order_by("occurrence_start")[1]

    page = client.get(f"/en/jams/{second.slug}/").content.decode()

    assert f'href="/en/series/{series.pk}/"' in page
    assert "Every month, on the second Saturday" in page


# --- Feeds ---


def feed_events(client, url="/en/jams/calendar.ics"):
    calendar = icalendar.Calendar.from_ical(client.get(url).content)
    return calendar.walk("VEVENT")


def test_feed_writes_a_series_as_one_event_with_its_rule_skips_and_moves(client):
    series = approved_series(count=4)
    dates = list(series.occurrences.order_by("occurrence_start"))
    owner = dates[0].organiser
    services.series_date_skip(dates[1], by=owner)
    new_start = datetime.datetime.combine(dates[2].local_start.date() + datetime.timedelta(days=1), datetime.time(11))
    services.series_date_move(dates[2], by=owner, start=new_start, end=new_start + datetime.timedelta(hours=2))

    events = feed_events(client)

    assert [str(event["UID"]) for event in events] == [f"jam-series-{series.pk}@jamportal"] * 2
    master, moved = events
    assert master["RRULE"].to_ical().decode() == "FREQ=MONTHLY;COUNT=4;BYDAY=2SA"
    assert master.decoded("DTSTART") == dates[0].start
    assert [found.dt for found in master["EXDATE"].dts] == [dates[1].start]
    assert moved.decoded("RECURRENCE-ID") == dates[2].occurrence_start
    assert moved.decoded("DTSTART").astimezone(dates[2].tz).replace(tzinfo=None) == new_start


def test_feed_writes_a_series_waiting_for_review_as_its_public_dates(client):
    jam = monthly_jam()
    services.series_create(jam, by=jam.organiser, frequency="weekly", count=3)

    assert [str(event["UID"]) for event in feed_events(client)] == [f"jam-{jam.pk}@jamportal"]


def test_feed_of_a_campaign_or_span_of_days_writes_each_date(client):
    series = approved_series(count=3)
    last = series.occurrences.order_by("occurrence_start").last()
    day = last.local_start.date().isoformat()

    events = feed_events(client, f"/en/jams/calendar.ics?date_from={day}&date_to={day}")

    assert [str(event["UID"]) for event in events] == [f"jam-{last.pk}@jamportal"]


def test_series_calendar_file_holds_the_series(client):
    series = approved_series(count=3)

    response = client.get(f"/en/series/{series.pk}/calendar.ics")

    assert response["Content-Disposition"] == f'attachment; filename="jam-series-{series.pk}.ics"'
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert [event["RRULE"].to_ical().decode() for event in events] == ["FREQ=MONTHLY;COUNT=3;BYDAY=2SA"]


# --- Three calendar libraries expand the feed to the series' dates -----------------------

WINDOW = (datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC), datetime.datetime(2040, 1, 1, tzinfo=datetime.UTC))


def expanded_by_icalendar(data: bytes) -> list:
    calendar = icalendar.Calendar.from_ical(data)
    events = recurring_ical_events.of(calendar).between(*WINDOW)
    return sorted((event.decoded("DTSTART").timestamp(), event.decoded("DTEND").timestamp()) for event in events)


def expanded_by_vobject(data: bytes) -> list:
    """vobject expands a rule (with its EXDATEs); the moved dates replace their originals."""
    events = vobject.readOne(data.decode()).vevent_list
    moved = [event for event in events if hasattr(event, "recurrence_id")]
    replaced = {event.recurrence_id.value.timestamp() for event in moved}
    found = [(event.dtstart.value.timestamp(), event.dtend.value.timestamp()) for event in moved]
    for event in events:
        if hasattr(event, "recurrence_id"):
            continue
        length = event.dtend.value - event.dtstart.value
        if not hasattr(event, "rrule"):
            found.append((event.dtstart.value.timestamp(), event.dtend.value.timestamp()))
            continue
        for start in event.getrruleset(addRDate=True):
            if start.timestamp() not in replaced:
                found.append((start.timestamp(), (start + length).timestamp()))
    return sorted(found)


def expanded_by_ical(data: bytes) -> list:
    calendar = IcsCalendarStream.calendar_from_ics(data.decode())
    return sorted((event.dtstart.timestamp(), event.dtend.timestamp()) for event in calendar.timeline)


EXPANDERS = {"icalendar": expanded_by_icalendar, "vobject": expanded_by_vobject, "ical": expanded_by_ical}


def test_three_calendar_libraries_expand_the_feed_to_the_series_dates_across_summer_time(client):
    series = approved_series(count=8)
    dates = list(series.occurrences.order_by("occurrence_start"))
    owner = dates[0].organiser
    services.series_date_skip(dates[3], by=owner)
    new_start = datetime.datetime.combine(dates[5].local_start.date() - datetime.timedelta(days=2), datetime.time(18))
    services.series_date_move(dates[5], by=owner, start=new_start, end=new_start + datetime.timedelta(hours=2))
    expected = sorted(
        (date.start.timestamp(), date.end.timestamp())
        for date in series.occurrences.exclude(status=Jam.Status.CANCELLED)
    )
    assert len(expected) == 7

    data = client.get("/en/jams/calendar.ics").content

    assert {name: expand(data) for name, expand in EXPANDERS.items()} == dict.fromkeys(EXPANDERS, expected)


def test_moderation_queue_shows_a_series_once_with_its_rule_and_its_page_says_every_date_follows(client):
    jam = monthly_jam()
    series = services.series_create(jam, by=jam.organiser, frequency="monthly-weekday", count=5)
    client.force_login(ModeratorFactory())

    queue = client.get("/en/moderation/").content.decode()
    first_waiting = series.occurrences.filter(status=Jam.Status.SUBMITTED).order_by("occurrence_start").first()
    review = client.get(f"/en/moderation/{first_waiting.slug}/").content.decode()

    assert queue.count('class="button" href="/en/moderation/') == 1
    assert "Every month, on the second Saturday · 5 dates in all" in queue
    assert f'<a href="/en/series/{series.pk}/">See every date</a>' in review


def test_news_feed_of_new_jams_tells_of_a_series_once_by_its_next_date(client):
    series = approved_series(count=4)
    first = series.occurrences.order_by("occurrence_start").first()

    atom = feedparser.parse(client.get("/en/jams/new.atom").content)

    assert [entry.link for entry in atom.entries] == [f"http://testserver{first.get_absolute_url()}"]


def test_edit_form_of_a_date_says_what_reaches_the_later_dates(client):
    series = approved_series(count=3)
    second = series.occurrences.order_by("occurrence_start")[1]
    client.force_login(second.organiser)

    page = client.get(f"/en/jams/{second.slug}/edit/").content.decode()

    assert "new words and a new venue apply to this date and the later ones" in page


def test_series_end_cancels_the_dates_after_the_last_day_and_ends_the_rule(client):
    series = approved_series(count=5)
    dates = list(series.occurrences.order_by("occurrence_start"))
    client.force_login(dates[0].organiser)
    last_day = dates[1].local_start.date()

    form = client.get(f"/en/series/{series.pk}/end/")
    data = {"last_day": last_day.isoformat(), "reason": "We move"}
    preview = client.post(f"/en/series/{series.pk}/end/", data)
    assert preview.context["plan"] == dates[2:]
    assert set(series.occurrences.values_list("status", flat=True)) == {"approved"}
    response = client.post(f"/en/series/{series.pk}/end/", {**data, "save": "", "previewed": last_day.isoformat()})

    assert form.context["form"]["last_day"].value() is None
    assert response.status_code == 302
    statuses = list(series.occurrences.order_by("occurrence_start").values_list("status", flat=True))
    assert statuses == ["approved", "approved", "cancelled", "cancelled", "cancelled"]
    page = client.get(f"/en/series/{series.pk}/").content.decode()
    assert f"Every month, on the second Saturday · Until {last_day:%B} {last_day.day}, {last_day.year}" in page
    rule = icalendar.Calendar.from_ical(client.get("/en/jams/calendar.ics").content).walk("VEVENT")[0]["RRULE"]
    assert rule["UNTIL"][0].date() in (last_day, last_day + datetime.timedelta(days=1))
    assert "COUNT" not in rule


def test_series_end_before_the_first_date_is_refused_and_changes_nothing(client):
    series = approved_series(count=3)
    first = series.occurrences.order_by("occurrence_start").first()
    client.force_login(first.organiser)

    response = client.post(f"/en/series/{series.pk}/end/", {"last_day": "2020-01-01"})

    assert response.status_code == 400
    assert response.context["form"].errors == {"last_day": ["Please choose a last day after the first date."]}
    assert set(series.occurrences.values_list("status", flat=True)) == {"approved"}


def test_series_end_on_or_after_its_own_end_is_refused_and_changes_nothing(client):
    """Stopping a series later than it already stops would lengthen its rule: calendars
    would show dates the site never made (found by the outsider pass)."""
    series = approved_series(count=3)
    last = series.occurrences.order_by("occurrence_start").last().local_start.date()
    client.force_login(series.organiser)

    response = client.post(f"/en/series/{series.pk}/end/", {"last_day": "2030-01-01"})

    assert response.status_code == 400
    day = formats.format_date(last)
    assert response.context["form"].errors == {
        "last_day": [f"This Jam already stops repeating after {day}: choose an earlier last day."]
    }
    series.refresh_from_db()
    assert (series.count, series.until) == (3, None)


def test_series_page_lists_a_date_moved_past_the_next_one_in_the_order_they_happen(client):
    series = approved_series(count=3)
    dates = list(series.occurrences.order_by("occurrence_start"))
    later = dates[2].local_start.date() + datetime.timedelta(days=1)
    new_start = datetime.datetime.combine(later, datetime.time(10))
    services.series_date_move(
        dates[1], by=dates[1].organiser, start=new_start, end=new_start + datetime.timedelta(hours=3)
    )

    page = client.get(f"/en/series/{series.pk}/").content.decode()

    positions = [page.index(f'data-jam="{date.pk}"') for date in (dates[0], dates[2], dates[1])]
    assert positions == sorted(positions)


# --- issue 22 fixes: stopping a series ---


def test_series_end_saved_for_another_day_than_previewed_previews_it_and_cancels_nothing(client):
    series = approved_series(count=4)
    dates = list(series.occurrences.order_by("occurrence_start"))
    client.force_login(series.organiser)
    data = {"last_day": dates[0].local_start.date().isoformat(), "save": ""}

    response = client.post(
        f"/en/series/{series.pk}/end/", {**data, "previewed": dates[2].local_start.date().isoformat()}
    )

    assert response.status_code == 200
    assert response.context["plan"] == dates[1:]
    assert set(series.occurrences.values_list("status", flat=True)) == {"approved"}


def test_series_stopped_after_its_first_date_offers_no_stopping_any_more(client):
    series = approved_series(count=3)
    dates = list(series.occurrences.order_by("occurrence_start"))
    services.series_end(series, by=series.organiser, last_day=dates[0].local_start.date())
    client.force_login(series.organiser)

    page = client.get(f"/en/series/{series.pk}/").content.decode()
    response = client.get(f"/en/series/{series.pk}/end/")

    day = dates[0].local_start.date()
    assert f"Until {day:%B} {day.day}, {day.year}" in page
    assert f"/en/series/{series.pk}/end/" not in page
    assert response.status_code == 302
    assert response.url == f"/en/series/{series.pk}/"


# --- issue 22 fixes: moving a date ---


def test_series_date_move_ending_before_it_starts_is_refused_unless_it_ends_the_next_day(client):
    series = approved_series(count=3)
    second = series.occurrences.order_by("occurrence_start")[1]
    client.force_login(second.organiser)
    before = (second.start, second.end)
    day = second.local_start.date()
    data = {"day": day.isoformat(), "starts": "18:00", "ends": "01:00"}

    refused = client.post(f"/en/jams/{second.slug}/move/", data)
    second.refresh_from_db()
    assert (second.start, second.end) == before
    overnight = client.post(f"/en/jams/{second.slug}/move/", {**data, "next_day": "on"})

    assert refused.status_code == 200
    assert refused.context["form"].errors == {
        "ends": ["The Jam ends before it starts. If it goes on past midnight, tick “Ends the next day”."]
    }
    assert overnight.status_code == 302
    second.refresh_from_db()
    assert second.local_end.replace(tzinfo=None) == datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time(1)
    )


def test_series_date_move_onto_the_day_of_another_date_is_refused(client):
    series = approved_series(count=3)
    dates = list(series.occurrences.order_by("occurrence_start"))
    client.force_login(dates[1].organiser)
    day = dates[2].local_start.date()

    response = client.post(
        f"/en/jams/{dates[1].slug}/move/", {"day": day.isoformat(), "starts": "14:00", "ends": "16:00"}
    )

    assert response.status_code == 200
    shown = formats.format_date(day)
    assert response.context["form"].errors == {
        "day": [f"This Jam has another date on {shown} already: choose another day, or skip one of them."]
    }
    dates[1].refresh_from_db()
    assert dates[1].start == dates[1].occurrence_start
