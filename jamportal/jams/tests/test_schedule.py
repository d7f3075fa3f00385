"""The venue's timezone and the Jam's times are worked out by the services, so the
form, the admin and an import get the same (services.jam_schedule)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from jamportal.jams import services
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, UserFactory, jam_data

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def a_day_ahead(days=30):
    return (timezone.now() + datetime.timedelta(days=days)).date()


def local(day, hour):
    """A wall-clock time as typed: no timezone."""
    return datetime.datetime.combine(day, datetime.time(hour))


def test_jam_create_works_out_the_timezone_and_zones_the_local_times():
    day = a_day_ahead()
    data = jam_data(latitude=35.6762, longitude=139.6503, country="JP", timezone="")
    data.update(start=local(day, 10), end=local(day, 16))

    jam = services.jam_create(organiser=UserFactory(), data=data)

    jam.refresh_from_db()
    assert jam.timezone == "Asia/Tokyo"
    assert jam.start == datetime.datetime.combine(day, datetime.time(10), tzinfo=TOKYO)
    assert jam.end == datetime.datetime.combine(day, datetime.time(16), tzinfo=TOKYO)
    assert jam.start.astimezone(datetime.UTC).hour == 1


def test_jam_update_moving_the_venue_moves_its_timezone_and_keeps_the_local_times():
    jam = JamFactory(timezone="Europe/London", latitude=52.2053, longitude=0.1218)
    day = a_day_ahead()
    data = {name: getattr(jam, name) for name in services.EDITABLE_FIELDS}
    data.update(latitude=35.6762, longitude=139.6503, start=local(day, 10), end=local(day, 16))

    jam = services.jam_update(jam, by=jam.organiser, data=data)

    jam.refresh_from_db()
    assert jam.timezone == "Asia/Tokyo"
    assert jam.start == datetime.datetime.combine(day, datetime.time(10), tzinfo=TOKYO)


def test_jam_update_keeps_a_timezone_chosen_by_hand():
    jam = JamFactory(timezone="Europe/London", latitude=52.2053, longitude=0.1218)
    day = a_day_ahead()
    data = {name: getattr(jam, name) for name in services.EDITABLE_FIELDS}
    data.update(latitude=35.6762, longitude=139.6503, timezone="Asia/Seoul", start=local(day, 10), end=local(day, 16))

    jam = services.jam_update(jam, by=jam.organiser, data=data)

    jam.refresh_from_db()
    assert jam.timezone == "Asia/Seoul"
    assert jam.start == datetime.datetime.combine(day, datetime.time(10), tzinfo=ZoneInfo("Asia/Seoul"))


def test_jam_create_refuses_times_that_cannot_be():
    day = a_day_ahead()
    campaign = CampaignFactory(starts_on=a_day_ahead(60), ends_on=a_day_ahead(61))
    data = jam_data(campaign=campaign, start=local(day, 16), end=local(day, 10))

    with pytest.raises(ValidationError) as refused:
        services.jam_create(organiser=UserFactory(), data=data)

    assert sorted(refused.value.message_dict) == ["campaign", "end"]
    assert refused.value.message_dict["end"] == ["The Jam must end after it starts."]


def test_a_time_the_clocks_skip_is_explained_not_stored():
    """02:30 on the night Vienna's clocks go forward does not exist there; 02:30 to 03:30
    that night is no time at all (found by the outsider pass: a database error)."""
    day = datetime.date(2027, 3, 28)
    data = jam_data(
        start=local(day, 2) + datetime.timedelta(minutes=30), end=local(day, 3) + datetime.timedelta(minutes=30)
    )
    data.update(latitude=48.21, longitude=16.37, city="Wien", country="AT", timezone="Europe/Vienna")

    with pytest.raises(ValidationError) as refused:
        services.jam_schedule(data)

    (message,) = refused.value.message_dict["start"]
    assert (
        message
        == "There is no 2:30 AM on that day at the venue: the clocks go forward then. Please choose another time."
    )
    assert list(refused.value.message_dict) == ["start"]
