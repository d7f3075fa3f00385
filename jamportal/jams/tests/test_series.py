"""Repeating Jams: a series' dates are Jams of their own, made a year ahead in the Jam's
timezone, approved as one, skipped or moved one by one."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from jamportal.jams import selectors, services, signals
from jamportal.jams.models import Jam, JamEvent, JamSeries
from jamportal.jams.tests.factories import JamFactory, ModeratorFactory

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def second_saturday(after: datetime.date) -> datetime.date:
    """The first second Saturday of a month after `after`."""
    day = after + datetime.timedelta(days=1)
    while not (day.weekday() == 5 and 8 <= day.day <= 14):
        day += datetime.timedelta(days=1)
    return day


def monthly_jam(**fields):
    """An approved Jam in Cambridge on a second Saturday at least three weeks away, 10:00-13:00."""
    day = second_saturday(timezone.localdate() + datetime.timedelta(days=21))
    start = datetime.datetime.combine(day, datetime.time(10), LONDON)
    return JamFactory(start=start, end=start + datetime.timedelta(hours=3), **fields)


def local_times(series):
    return [
        (jam.local_start.date(), jam.local_start.time(), jam.local_end.time())
        for jam in series.occurrences.order_by("occurrence_start")
    ]


def test_series_monthly_by_weekday_makes_a_year_of_second_saturdays_at_ten_across_summer_time():
    jam = monthly_jam()

    series = services.series_create(jam, by=jam.organiser, frequency="monthly-weekday")

    times = local_times(series)
    horizon = timezone.localdate() + datetime.timedelta(days=365)
    # Every second Saturday from the first date up to a year from today.
    assert horizon - datetime.timedelta(days=35) < times[-1][0] <= horizon
    assert len(times) == len({(day.year, day.month) for day, _time, _end in times}) >= 11
    assert times[0][0] == jam.local_start.date()
    assert {time for _day, time, _end in times} == {datetime.time(10)}
    assert {end for _day, _time, end in times} == {datetime.time(13)}
    assert all(day.weekday() == 5 and 8 <= day.day <= 14 for day, _time, _end in times)
    # Both sides of a change of the clocks (GMT and BST) are among them.
    assert {jam.local_start.utcoffset() for jam in series.occurrences.all()} == {
        datetime.timedelta(0),
        datetime.timedelta(hours=1),
    }


def test_series_copies_the_first_date_and_gives_each_date_its_own_page():
    jam = monthly_jam(title="Cambridge Jam", venue_name="Cambridge Junction")
    services.jam_translation_save(jam, by=jam.organiser, language="fa", title="جم کمبریج", description="بیایید")

    series = services.series_create(jam, by=jam.organiser, frequency="monthly-weekday", count=3)

    dates = list(series.occurrences.order_by("occurrence_start"))
    assert [date.title for date in dates] == ["Cambridge Jam"] * 3
    assert [date.venue_name for date in dates] == ["Cambridge Junction"] * 3
    assert dates[1].slug == f"cambridge-jam-{dates[1].local_start.date().isoformat()}"
    assert [date.translations.get().title for date in dates] == ["جم کمبریج"] * 3
    assert [date.occurrence_start for date in dates] == [date.start for date in dates]


def test_series_weekly_with_a_count_makes_that_many_dates():
    jam = monthly_jam()

    series = services.series_create(jam, by=jam.organiser, frequency="weekly", count=4)

    days = [day for day, _time, _end in local_times(series)]
    assert days == [jam.local_start.date() + datetime.timedelta(weeks=n) for n in range(4)]


def test_series_until_a_day_includes_that_day():
    jam = monthly_jam()
    last = jam.local_start.date() + datetime.timedelta(weeks=2)

    series = services.series_create(jam, by=jam.organiser, frequency="weekly", until=last)

    assert [day for day, _time, _end in local_times(series)][-1] == last
    assert series.occurrences.count() == 3


def test_series_monthly_by_date_keeps_the_day_of_the_month():
    jam = monthly_jam()

    series = services.series_create(jam, by=jam.organiser, frequency="monthly-date", count=5)

    assert {day.day for day, _time, _end in local_times(series)} == {jam.local_start.day}


def test_series_of_an_approved_jam_waits_for_review_once_and_is_approved_as_one():
    jam = monthly_jam()
    moderator = ModeratorFactory()

    series = services.series_create(jam, by=jam.organiser, frequency="monthly-weekday", count=4)

    assert series.status == Jam.Status.SUBMITTED
    statuses = list(series.occurrences.order_by("occurrence_start").values_list("status", flat=True))
    assert statuses == ["approved", "submitted", "submitted", "submitted"]
    queue = list(selectors.jam_list_moderation_queue())
    assert [found.series_id for found in queue] == [series.pk]

    services.jam_approve(queue[0], by=moderator)

    series.refresh_from_db()
    assert series.status == Jam.Status.APPROVED
    assert set(series.occurrences.values_list("status", flat=True)) == {"approved"}
    assert series.occurrences.filter(approved_at__isnull=True).count() == 0
    assert JamEvent.objects.filter(jam__series=series, action="approved").count() == 3
    assert list(selectors.jam_list_moderation_queue()) == []


def test_series_of_a_draft_is_submitted_with_its_first_date():
    jam = monthly_jam(status=Jam.Status.DRAFT, approved_at=None, submitted_at=None)
    series = services.series_create(jam, by=jam.organiser, frequency="weekly", count=3)
    assert set(series.occurrences.values_list("status", flat=True)) == {"draft"}

    services.jam_submit(jam, by=jam.organiser)

    assert set(series.occurrences.values_list("status", flat=True)) == {"submitted"}
    assert JamSeries.objects.get().status == "submitted"


def test_series_extend_twice_makes_no_date_twice_and_never_brings_a_skipped_date_back():
    jam = monthly_jam()
    series = services.series_create(jam, by=jam.organiser, frequency="monthly-weekday")
    skipped = series.occurrences.order_by("occurrence_start")[2]
    services.series_date_skip(skipped, by=jam.organiser, reason="Hall closed")

    later = timezone.now() + datetime.timedelta(days=40)
    services.series_extend(series, now=later)
    services.series_extend(series, now=later)

    starts = list(series.occurrences.values_list("occurrence_start", flat=True))
    assert len(starts) == len(set(starts)) == 13
    assert series.occurrences.get(pk=skipped.pk).status == Jam.Status.CANCELLED


def test_series_extend_all_makes_the_dates_that_came_within_a_year():
    jam = monthly_jam()
    series = services.series_create(jam, by=jam.organiser, frequency="weekly")
    before = series.occurrences.count()

    made = services.series_extend_all(now=timezone.now() + datetime.timedelta(days=14))

    assert made == 2
    assert series.occurrences.count() == before + 2
    assert services.series_extend_all(now=timezone.now() + datetime.timedelta(days=14)) == 0


def test_series_date_move_changes_that_date_only_and_sends_jam_moved():
    jam = monthly_jam()
    series = services.series_create(jam, by=jam.organiser, frequency="monthly-weekday", count=3)
    second = series.occurrences.order_by("occurrence_start")[1]
    heard = []
    signals.jam_moved.connect(lambda sender, **kwargs: heard.append(kwargs), weak=False, dispatch_uid="test-heard")
    new_start = datetime.datetime.combine(second.local_start.date() + datetime.timedelta(days=1), datetime.time(11))
    try:
        moved = services.series_date_move(
            second, by=jam.organiser, start=new_start, end=new_start + datetime.timedelta(hours=3)
        )
    finally:
        signals.jam_moved.disconnect(dispatch_uid="test-heard")

    assert moved.local_start.replace(tzinfo=None) == new_start
    assert moved.occurrence_start == second.occurrence_start
    assert [(found["jam"].pk, found["old_start"]) for found in heard] == [(second.pk, second.start)]
    assert [d.local_start.time() for d in series.occurrences.order_by("occurrence_start")] == [
        datetime.time(10),
        datetime.time(11),
        datetime.time(10),
    ]


@pytest.mark.parametrize(
    ("options", "field"),
    [({"until": "first day"}, "until"), ({"count": 1}, "count"), ({"count": 201}, "count")],
)
def test_series_create_refuses_an_end_before_it_begins(options, field):
    jam = monthly_jam()
    if options.get("until") == "first day":
        options = {"until": jam.local_start.date()}

    with pytest.raises(services.ValidationError) as refused:
        services.series_create(jam, by=jam.organiser, frequency="weekly", **options)

    assert list(refused.value.message_dict) == [field]
    assert JamSeries.objects.count() == 0


def test_series_create_refuses_a_jam_that_repeats_already():
    jam = monthly_jam()
    services.series_create(jam, by=jam.organiser, frequency="weekly", count=2)

    with pytest.raises(services.JamStateError):
        services.series_create(jam, by=jam.organiser, frequency="weekly", count=2)
    assert JamSeries.objects.count() == 1


def test_series_edit_of_a_date_changes_its_words_on_the_later_dates_not_their_times():
    jam = monthly_jam(title="Cambridge Jam")
    series = services.series_create(jam, by=jam.organiser, frequency="monthly-weekday", count=4)
    dates = list(series.occurrences.order_by("occurrence_start"))
    services.series_date_skip(dates[3], by=jam.organiser)
    data = {name: getattr(dates[1], name) for name in services.EDITABLE_FIELDS}
    edited = {**data, "title": "Cambridge Pi Club", "venue_name": "Library"}

    services.jam_update(dates[1], by=jam.organiser, data=edited)

    after = list(series.occurrences.order_by("occurrence_start"))
    assert [(date.title, date.venue_name) for date in after] == [
        ("Cambridge Jam", "Cambridge Junction"),
        ("Cambridge Pi Club", "Library"),
        ("Cambridge Pi Club", "Library"),
        ("Cambridge Jam", "Cambridge Junction"),  # skipped: left as it was
    ]
    assert [date.start for date in after] == [date.start for date in dates]
    assert JamEvent.objects.filter(jam=after[2], action="edited").get().changes == {
        "title": ["Cambridge Jam", "Cambridge Pi Club"],
        "venue_name": ["Cambridge Junction", "Library"],
    }


def test_series_new_dates_copy_the_latest_date_as_edited():
    jam = monthly_jam(title="Cambridge Jam")
    series = services.series_create(jam, by=jam.organiser, frequency="weekly")
    last = series.occurrences.order_by("occurrence_start").last()
    data = {name: getattr(last, name) for name in services.EDITABLE_FIELDS}
    services.jam_update(last, by=jam.organiser, data={**data, "title": "Cambridge Pi Club"})

    made = services.series_extend(series, now=timezone.now() + datetime.timedelta(days=7))

    assert [date.title for date in made] == ["Cambridge Pi Club"]


def test_series_translation_of_a_date_reaches_the_later_dates():
    jam = monthly_jam()
    series = services.series_create(jam, by=jam.organiser, frequency="monthly-weekday", count=3)
    second = series.occurrences.order_by("occurrence_start")[1]

    services.jam_translation_save(
        second, by=jam.organiser, language="ja", title="ケンブリッジ Jam", description="ようこそ"
    )

    titles = [
        [found.title for found in date.translations.all()]
        for date in series.occurrences.order_by("occurrence_start").prefetch_related("translations")
    ]
    assert titles == [[], ["ケンブリッジ Jam"], ["ケンブリッジ Jam"]]


def test_a_series_dates_history_names_the_organiser_who_made_it_repeat():
    """Not "someone whose account was deleted" (found by the outsider pass)."""
    first = monthly_jam()
    series = services.series_create(first, by=first.organiser, frequency="weekly", count=3)
    second = series.occurrences.order_by("occurrence_start")[1]

    created = JamEvent.objects.get(jam=second, action=JamEvent.Action.CREATED)

    assert created.actor == first.organiser
