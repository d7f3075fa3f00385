"""VTIMEZONE definitions that every calendar reads alike (RFC 5545, 3.6.5).

Written the way Outlook, Google Calendar and tzurl write them: a zone's current
daylight-saving rules as two yearly RRULEs, each earlier change of offset as a
component of its own with a single DTSTART, and never a list of dates in one
RDATE. With icalendar's RDATE lists, vobject (Radicale and other CalDAV
servers), which keeps only the first date of a list, read a Casablanca Jam
in Ramadan an hour off, and ical.js a London Jam in March 2028
(test_feeds.py has the cases).

The zones come from the same TZif files that `zoneinfo` reads (RFC 8536): the
transitions it lists, and the POSIX TZ string at its end that gives the rules
after them. A zone is read once per process; a feed takes the components that
cover its Jams.
"""

import dataclasses
import datetime
import functools
import importlib.resources
import os
import re
import struct
import zoneinfo

# The RRULE weekday names, Monday first as in `datetime.date.weekday()`.
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
# Years a rule that no RRULE can say is written out for, one change at a time.
LAST_YEAR_WRITTEN_OUT = 2100
UNIX_EPOCH = datetime.datetime(1970, 1, 1)


@dataclasses.dataclass(frozen=True)
class Offset:
    utc_offset: datetime.timedelta
    is_dst: bool
    name: str


@dataclasses.dataclass(frozen=True)
class Change:
    """The moment (UTC, naive) a zone's clocks change, and to what."""

    at: datetime.datetime
    before: Offset
    after: Offset


@dataclasses.dataclass(frozen=True)
class Rule:
    """A POSIX TZ rule date such as M3.5.0/1: weekday `weekday` (0 is Sunday) of
    week `week` (5 is the last) of `month`, at `time` after its midnight."""

    month: int
    week: int
    weekday: int
    time: datetime.timedelta

    def local(self, year: int) -> datetime.datetime:
        """The wall-clock time of the change in `year`, in the offset before it."""
        first = datetime.date(year, self.month, 1)
        sunday_first = (first.weekday() + 1) % 7  # POSIX counts from Sunday
        day = 1 + (self.weekday - sunday_first) % 7 + 7 * (self.week - 1)
        days_in_month = (datetime.date(year + self.month // 12, self.month % 12 + 1, 1) - first).days
        while day > days_in_month:
            day -= 7
        return datetime.datetime(year, self.month, day) + self.time

    def rrule(self) -> str | None:
        """The rule as an RRULE, or None where it takes a date RRULE cannot name
        (Cairo's "the day after the last Thursday" may be in the next month)."""
        days, _time = divmod(self.time, datetime.timedelta(days=1))
        weekday = WEEKDAYS[(self.weekday - 1 + days) % 7]
        if days == 0:
            return f"FREQ=YEARLY;BYMONTH={self.month};BYDAY={-1 if self.week == 5 else self.week}{weekday}"
        if self.week == 5:
            first_day = -7 + days
            if first_day + 6 > -1:
                return None
        else:
            first_day = 1 + 7 * (self.week - 1) + days
            shortest = 28 if self.month == 2 else 30 if self.month in (4, 6, 9, 11) else 31
            if first_day < 1 or first_day + 6 > shortest:
                return None
        month_days = ",".join(str(day) for day in range(first_day, first_day + 7))
        return f"FREQ=YEARLY;BYMONTH={self.month};BYMONTHDAY={month_days};BYDAY={weekday}"


@dataclasses.dataclass(frozen=True)
class Zone:
    tzid: str
    changes: tuple[Change, ...]  # each written with a single DTSTART
    rules: tuple[tuple[Change, str], ...]  # the first change of each yearly rule, and the rule
    initial: Offset  # before the first change

    def definition(self, first: datetime.datetime, last: datetime.datetime) -> bytes:
        """The VTIMEZONE covering UTC times `first` to `last` (aware)."""
        first, last = (moment.astimezone(datetime.UTC).replace(tzinfo=None) for moment in (first, last))
        rules_from = self.rules[0][0].at if self.rules else None
        if rules_from is not None and rules_from <= first:
            components = []  # the rules alone cover the Jams
        else:
            changes = [c for c in self.changes if c.at <= last]
            in_force = [c for c in changes if c.at <= first]
            # From the change in force at the first Jam; a zone that never changed
            # (UTC) or had not yet changed by then starts with its first offset.
            if in_force:
                changes = changes[len(in_force) - 1 :]
                # A change days before the first Jam only says which offset holds from then:
                # written as from it to itself, as some readers (dateutil) refuse a jump of a
                # whole day (Kiribati's in 1994) as a daylight saving.
                if changes[0].at < first - datetime.timedelta(days=2):
                    changes[0] = dataclasses.replace(changes[0], before=changes[0].after)
            else:
                changes = [Change(UNIX_EPOCH, self.initial, self.initial), *changes]
            components = [_component(c) for c in changes]
        if rules_from is not None and rules_from <= last:
            components += [_component(change, rrule) for change, rrule in self.rules]
        return "".join(["BEGIN:VTIMEZONE\r\n", f"TZID:{self.tzid}\r\n", *components, "END:VTIMEZONE\r\n"]).encode()


def _component(change: Change, rrule: str | None = None) -> str:
    # Clocks going forward start a daylight time, as calendars expect, whatever the
    # zone's law calls it (Ireland's summer time is its standard time, by law).
    kind = "DAYLIGHT" if change.after.utc_offset > change.before.utc_offset else "STANDARD"
    local = change.at + change.before.utc_offset
    lines = [
        f"BEGIN:{kind}",
        f"DTSTART:{local:%Y%m%dT%H%M%S}",
        *([f"RRULE:{rrule}"] if rrule else []),
        f"TZNAME:{change.after.name}",
        f"TZOFFSETFROM:{_offset(change.before.utc_offset)}",
        f"TZOFFSETTO:{_offset(change.after.utc_offset)}",
        f"END:{kind}",
    ]
    return "".join(line + "\r\n" for line in lines)


def _offset(delta: datetime.timedelta) -> str:
    seconds = int(delta.total_seconds())
    sign, seconds = ("-" if seconds < 0 else "+"), abs(seconds)
    hours, minutes, seconds = seconds // 3600, seconds // 60 % 60, seconds % 60
    return f"{sign}{hours:02}{minutes:02}" + (f"{seconds:02}" if seconds else "")


@functools.lru_cache(maxsize=1024)
def zone(tzid: str) -> Zone:
    """The zone as its TZif file has it, read once per process (its rules do not
    change while it runs). Raises zoneinfo.ZoneInfoNotFoundError for an unknown zone."""
    changes, initial, footer = _read_tzif(_tzif_bytes(tzid))
    standard, daylight, start, end = _parse_posix(footer)
    if daylight is None:
        return Zone(tzid, tuple(changes), (), initial)
    to_daylight = (Change(UNIX_EPOCH, standard, daylight), start)
    to_standard = (Change(UNIX_EPOCH, daylight, standard), end)
    predicted = functools.partial(_rule_change, to_daylight=to_daylight, to_standard=to_standard)
    # The rules hold from the earliest of the file's last changes that they predict
    # (a file may list changes to 2037), or else from just after its last change.
    rules_from = len(changes)
    while rules_from and changes[rules_from - 1] in predicted(changes[rules_from - 1].at.year):
        rules_from -= 1
    listed = changes[:rules_from]
    if rules_from < len(changes):
        rules_start = changes[rules_from].at
    else:
        rules_start = changes[-1].at + datetime.timedelta(seconds=1) if changes else UNIX_EPOCH
    rules = [(change, rule.rrule()) for change, rule in (to_daylight, to_standard)]
    if any(rrule is None for _, rrule in rules):  # no RRULE says it: each change written out
        later = [c for year in range(rules_start.year, LAST_YEAR_WRITTEN_OUT + 1) for c in predicted(year)]
        later = sorted((c for c in later if c.at >= rules_start), key=lambda c: c.at)
        return Zone(tzid, tuple(listed + later), (), initial)
    firsts = []
    for (template, rrule), rule in zip(rules, (start, end), strict=True):
        year = rules_start.year
        while (at := rule.local(year) - template.before.utc_offset) < rules_start:
            year += 1
        firsts.append((dataclasses.replace(template, at=at), rrule))
    return Zone(tzid, tuple(listed), tuple(sorted(firsts, key=lambda pair: pair[0].at)), initial)


def _rule_change(year, *, to_daylight, to_standard) -> list[Change]:
    return [
        dataclasses.replace(template, at=rule.local(year) - template.before.utc_offset)
        for template, rule in (to_daylight, to_standard)
    ]


def _tzif_bytes(tzid: str) -> bytes:
    """The zone's file, found where `zoneinfo.ZoneInfo` looks: TZPATH, then tzdata."""
    if not re.fullmatch(r"[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*", tzid):
        raise zoneinfo.ZoneInfoNotFoundError(tzid)
    for root in zoneinfo.TZPATH:
        path = os.path.join(root, tzid)
        if os.path.isfile(path):
            with open(path, "rb") as file:
                return file.read()
    try:
        return importlib.resources.files("tzdata.zoneinfo").joinpath(tzid).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as error:
        raise zoneinfo.ZoneInfoNotFoundError(tzid) from error


def _read_tzif(data: bytes) -> tuple[list[Change], Offset, str]:
    """(changes, the offset before them, the POSIX TZ string) from a TZif file of
    version 2 or later: its 64-bit part (RFC 8536, 3)."""
    if data[:4] != b"TZif" or data[4:5] < b"2":
        raise zoneinfo.ZoneInfoNotFoundError("not a TZif file of version 2 or later")
    counts = struct.unpack(">6l", data[20:44])
    isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt = counts
    start = 44 + timecnt * 5 + typecnt * 6 + charcnt + leapcnt * 8 + isstdcnt + isutcnt  # past the 32-bit part
    isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt = struct.unpack(">6l", data[start + 20 : start + 44])
    position = start + 44
    times = struct.unpack(f">{timecnt}q", data[position : position + timecnt * 8])
    position += timecnt * 8
    indices = data[position : position + timecnt]
    position += timecnt
    types = [struct.unpack(">lBB", data[position + 6 * i : position + 6 * i + 6]) for i in range(typecnt)]
    position += typecnt * 6
    names = data[position : position + charcnt]
    position += charcnt + leapcnt * 12 + isstdcnt + isutcnt
    offsets = [
        Offset(datetime.timedelta(seconds=utoff), bool(isdst), names[index : names.index(b"\0", index)].decode())
        for utoff, isdst, index in types
    ]
    changes, before = [], offsets[0]
    for moment, index in zip(times, indices, strict=True):
        after = offsets[index]
        if after.utc_offset != before.utc_offset:  # a change of name alone changes no clock
            changes.append(Change(UNIX_EPOCH + datetime.timedelta(seconds=moment), before, after))
        before = after
    footer = data[position:].strip(b"\n").decode()
    return changes, offsets[0], footer


POSIX_NAME = r"(?:<([^>]+)>|([A-Za-z]{3,}))"
POSIX_OFFSET = r"([+-]?\d{1,3}(?::\d{2}){0,2})"
POSIX_RULE = r"M(\d{1,2})\.(\d)\.(\d)(?:/([+-]?\d{1,3}(?::\d{2}){0,2}))?"
POSIX_TZ = re.compile(rf"{POSIX_NAME}{POSIX_OFFSET}(?:{POSIX_NAME}{POSIX_OFFSET}?,{POSIX_RULE},{POSIX_RULE})?")


def _parse_posix(footer: str) -> tuple[Offset, Offset | None, Rule | None, Rule | None]:
    """(standard, daylight, its start, its end) from a POSIX TZ string such as
    GMT0BST,M3.5.0/1,M10.5.0 (POSIX offsets are west of Greenwich)."""
    match = POSIX_TZ.fullmatch(footer)
    if match is None:
        raise zoneinfo.ZoneInfoNotFoundError(f"a POSIX TZ string this module cannot read: {footer!r}")
    (std_quoted, std_name, std_offset, dst_quoted, dst_name, dst_offset, *rules) = match.groups()
    standard = Offset(-_duration(std_offset), False, std_quoted or std_name)
    if not (dst_quoted or dst_name):
        return standard, None, None, None
    daylight_offset = -_duration(dst_offset) if dst_offset else standard.utc_offset + datetime.timedelta(hours=1)
    daylight = Offset(daylight_offset, True, dst_quoted or dst_name)
    start, end = (
        Rule(int(month), int(week), int(weekday), _duration(time) if time else datetime.timedelta(hours=2))
        for month, week, weekday, time in (rules[:4], rules[4:])
    )
    return standard, daylight, start, end


def _duration(text: str) -> datetime.timedelta:
    sign = -1 if text.startswith("-") else 1
    parts = [int(part) for part in text.lstrip("+-").split(":")] + [0, 0]
    return sign * datetime.timedelta(hours=parts[0], minutes=parts[1], seconds=parts[2])
