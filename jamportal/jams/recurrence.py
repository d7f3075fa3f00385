"""The rule of a repeating Jam (models.JamSeries): its dates, worked out on the wall
clock of the Jam's timezone (a monthly 10:00 stays 10:00 across summer time), and the
same rule as iCalendar writes it (RRULE, RFC 5545 3.3.10), which calendars expand
themselves. dateutil's rrule follows RFC 5545; the tests check that three calendar
libraries expand our RRULE to the dates made here."""

import datetime
from zoneinfo import ZoneInfo

from dateutil import rrule
from django.utils.translation import gettext as _

from jamportal.cldr import formats

ICAL_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKLY, MONTHLY_DATE, MONTHLY_WEEKDAY = "weekly", "monthly-date", "monthly-weekday"


def week_of_month(day: datetime.date) -> int:
    """1 for the first Saturday of its month, 2 for the second... (at most 5)."""
    return (day.day - 1) // 7 + 1


def is_last_of_month(day: datetime.date) -> bool:
    """The last such weekday of its month (the 4th or 5th)."""
    return (day + datetime.timedelta(days=7)).month != day.month


def rule_text(*, frequency, starts, week=None, until=None, count=None, zone="UTC") -> str:
    """The RRULE's value: "FREQ=MONTHLY;BYDAY=2SA;COUNT=6". A rule's UNTIL is the end of
    its last day in the Jam's zone, in UTC, as RFC 5545 asks when DTSTART has a TZID."""
    parts = [f"FREQ={'WEEKLY' if frequency == WEEKLY else 'MONTHLY'}"]
    if frequency == MONTHLY_WEEKDAY:
        parts.append(f"BYDAY={week}{ICAL_DAYS[starts.weekday()]}")
    if count:
        parts.append(f"COUNT={count}")
    elif until:
        last = _end_of_day(until).replace(tzinfo=ZoneInfo(zone)).astimezone(datetime.UTC)
        parts.append(f"UNTIL={last:%Y%m%dT%H%M%SZ}")
    return ";".join(parts)


def local_starts(*, frequency, starts, week=None, until=None, count=None, before=None) -> list[datetime.datetime]:
    """The dates' local starts (naive, wall clock), from `starts` (naive local) up to
    `before` (naive local, excluded) or the rule's end."""
    options = {"dtstart": starts, "count": count, "until": _end_of_day(until) if until and not count else None}
    if frequency == WEEKLY:
        rule = rrule.rrule(rrule.WEEKLY, **options)
    elif frequency == MONTHLY_DATE:
        rule = rrule.rrule(rrule.MONTHLY, **options)
    else:
        rule = rrule.rrule(rrule.MONTHLY, byweekday=rrule.weekday(starts.weekday(), week), **options)
    found = []
    for start in rule:
        if before is not None and start >= before:
            break
        found.append(start)
    return found


def _end_of_day(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(23, 59, 59))


def weekday_name(day: datetime.date, language=None) -> str:
    """ "Saturday", "samedi", "土曜日": CLDR's name of the day, standing alone."""
    return formats.locale(language).days["stand-alone"]["wide"][day.weekday()]


def describe(*, frequency, starts, week=None) -> str:
    """The rule in words, in the active language: "Every month, on the second Saturday"."""
    weekday = weekday_name(starts)
    if frequency == WEEKLY:
        return _("Every week, on %(weekday)s") % {"weekday": weekday}
    if frequency == MONTHLY_DATE:
        return _("Every month, on day %(day)s") % {"day": formats.format_number(starts.day)}
    ordinals = {
        1: _("Every month, on the first %(weekday)s"),
        2: _("Every month, on the second %(weekday)s"),
        3: _("Every month, on the third %(weekday)s"),
        4: _("Every month, on the fourth %(weekday)s"),
        -1: _("Every month, on the last %(weekday)s"),
    }
    return ordinals[week] % {"weekday": weekday}
