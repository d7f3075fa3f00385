"""The feeds' zone definitions, read by a parser that knows no zone but the file's
own (icalendar's VTIMEZONE reader without its zone lookup), say the offsets that
zoneinfo says, at every time of the years they cover."""

import datetime
import zoneinfo

import icalendar
import pytest

from jamportal.jams.calendar_zones import zone

FIRST = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
LAST = datetime.datetime(2031, 1, 1, tzinfo=datetime.UTC)

# One zone of each kind: yearly rules in both hemispheres and at odd hours and days
# (Jerusalem's Friday before the last Sunday, Santiago's midnight on a Saturday, Lord
# Howe's half hour), rules no RRULE can say (Cairo), changes listed year by year
# (Casablanca's and Gaza's Ramadan), summer time given up (Tehran, Cordoba), Ireland's
# winter time, a jump across the date line (Kiritimati), no change at all (UTC).
ZONES = [
    "Europe/London",
    "Europe/Budapest",
    "America/New_York",
    "America/Havana",
    "America/Nuuk",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Pacific/Chatham",
    "Asia/Jerusalem",
    "America/Santiago",
    "Africa/Cairo",
    "Africa/Casablanca",
    "Asia/Gaza",
    "Asia/Tehran",
    "America/Argentina/Cordoba",
    "Europe/Dublin",
    "Pacific/Kiritimati",
    "Asia/Tokyo",
    "UTC",
]


def offsets_disagree(key, step):
    ours = icalendar.Timezone.from_ical(zone(key).definition(FIRST, LAST)).to_tz(lookup_tzid=False)
    real = zoneinfo.ZoneInfo(key)
    moment, wrong = FIRST, []
    while moment < LAST:
        if moment.astimezone(ours).utcoffset() != moment.astimezone(real).utcoffset():
            wrong.append(moment)
        moment += step
    return wrong


@pytest.mark.parametrize("key", ZONES)
def test_a_zone_of_each_kind_has_zoneinfos_offsets(key):
    assert offsets_disagree(key, datetime.timedelta(minutes=617)) == []


@pytest.mark.slow
def test_every_zone_has_zoneinfos_offsets():
    step = datetime.timedelta(hours=61)
    wrong = {key: moments[:3] for key in zoneinfo.available_timezones() if (moments := offsets_disagree(key, step))}
    assert wrong == {}


def test_the_rules_start_where_the_zone_last_changed_them():
    london = zone("Europe/London").definition(FIRST, LAST).decode()

    assert "DTSTART:19960331T010000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n" in london
    assert "DTSTART:19961027T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n" in london
    jerusalem = zone("Asia/Jerusalem").definition(FIRST, LAST).decode()
    assert "RRULE:FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=23,24,25,26,27,28,29;BYDAY=FR\r\n" in jerusalem


def test_changes_no_rule_can_say_are_written_one_by_one_for_the_years_asked():
    cairo = zone("Africa/Cairo").definition(FIRST, datetime.datetime(2027, 6, 1, tzinfo=datetime.UTC)).decode()

    assert "RRULE" not in cairo
    assert "RDATE" not in cairo
    assert [line for line in cairo.split("\r\n") if line.startswith("DTSTART")] == [
        "DTSTART:20251030T230000",  # in force on the first day asked for (in its own offset)
        "DTSTART:20260424T000000",
        "DTSTART:20261030T000000",
        "DTSTART:20270430T000000",
    ]


def test_an_unknown_zone_is_not_found():
    with pytest.raises(zoneinfo.ZoneInfoNotFoundError):
        zone("Mars/Olympus_Mons")
    with pytest.raises(zoneinfo.ZoneInfoNotFoundError):
        zone("../../etc/passwd")
