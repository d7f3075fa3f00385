"""One rule per language for digits, times, numbers, distances and durations, from CLDR
(through Babel), and the same rule handed to the browser's Intl so that a page never
mixes "10 a.m." from the server with "10:00 AM" from a script, or Latin digits with
Persian ones.

    >>> format_time_range(start, end, "fa")     # "۱۰:۰۰ تا ۱۶:۰۰"
    >>> format_distance(12.3, "de")             # "12 km"
    >>> browser_formats("fa")                   # {"locale": "fa", "numbering": "arabext", ...}

Choices, where CLDR leaves one to us:
- Digits: CLDR's default numbering system of the language (Persian: arabext, ۰۱۲۳...;
  every other language of ours: latn). Babel formats with Latin digits whatever the
  numbering system, so the digits are swapped here, on formatted values only: user text
  keeps the digits it was typed with.
- Calendar: Gregorian everywhere (Babel knows no other; the browser is told to use it
  too, or Chromium would show Persian pages in the Solar Hijri calendar).
- Hour cycle: the one of the language's CLDR short time pattern ("H:mm" is 24-hour,
  "h:mm a" 12-hour), given to the browser as well (Chromium's Welsh is 12-hour, CLDR's 24).
"""

import datetime
from functools import cache, lru_cache

from babel import Locale, dates, lists, numbers, units

from jamportal.cldr.names import babel_locale

# The digits of the numbering systems our languages use by default (CLDR numberingSystems.xml).
DIGITS = {"latn": "0123456789", "arabext": "۰۱۲۳۴۵۶۷۸۹"}

# Durations count down in these units, largest first, two adjacent ones at most
# ("4 months, 1 week"), like Django's timeuntil but in CLDR's words and digits.
DURATION_UNITS = (
    ("duration-year", 365 * 86400),
    ("duration-month", 30 * 86400),
    ("duration-week", 7 * 86400),
    ("duration-day", 86400),
    ("duration-hour", 3600),
    ("duration-minute", 60),
)
KM_PER_MILE = 1.609344


def locale(language: str | None = None) -> Locale:
    """Babel's locale for a Django language code ("pt-br" → pt_BR); the active language by default."""
    return babel_locale(language)


def numbering_system(language: str | None = None) -> str:
    """CLDR's default numbering system: "arabext" for Persian, "latn" for the others."""
    system = locale(language).default_numbering_system
    return system if system in DIGITS else "latn"


def hour_cycle(language: str | None = None) -> str:
    """ "h23" or "h12", as the language's CLDR short time pattern writes hours."""
    pattern = locale(language).time_formats["short"].pattern
    return "h12" if "h" in pattern.replace("'h'", "") else "h23"


def browser_formats(language: str | None = None) -> dict:
    """What the browser's Intl needs to format like the server: BCP 47 locale, digits,
    hour cycle and calendar (base.html puts them on <html> as data attributes)."""
    return {
        "locale": str(locale(language)).replace("_", "-"),
        "numbering": numbering_system(language),
        "hour_cycle": hour_cycle(language),
        "calendar": "gregory",
    }


@cache
def _digit_table(system: str) -> dict:
    return str.maketrans(DIGITS["latn"], DIGITS[system])


def native_digits(text: str, language: str | None = None) -> str:
    """`text` (which we formatted: never user text) written with the language's digits."""
    return _in_digits(text, locale(language))


def _in_digits(text: str, loc: Locale) -> str:
    system = loc.default_numbering_system
    return text if system == "latn" or system not in DIGITS else text.translate(_digit_table(system))


def format_number(value, language: str | None = None, *, places: int = 0) -> str:
    """ "1,234", "1.234,5", "۱٬۲۳۴": grouped, rounded to `places` decimals."""
    pattern = "#,##0" + ("." + "0" * places if places else "")
    loc = locale(language)
    text = numbers.format_decimal(value, format=pattern, locale=loc, numbering_system="default")
    return native_digits(text, language)


def format_date(value: datetime.date, language: str | None = None) -> str:
    """ "April 10, 2031", "10. April 2031", "۱۰ آوریل ۲۰۳۱": CLDR's long date."""
    return native_digits(dates.format_date(value, "long", locale=locale(language)), language)


def format_full_date(value: datetime.date, language: str | None = None) -> str:
    """ "Monday, April 10, 2031", "2031年4月10日木曜日", "پنجشنبه ۱۰ آوریل ۲۰۳۱": CLDR's
    full date, with the weekday."""
    return native_digits(dates.format_date(value, "full", locale=locale(language)), language)


def format_date_range(start: datetime.date, end: datetime.date, language: str | None = None) -> str:
    """Two days as the language writes a range of them (CLDR's interval formats): "Mar 6 – 7,
    2027", "6.–7. März 2027", "2027年3月6日～7日", "۶ تا ۷ مارس ۲۰۲۷"."""
    text = dates.format_interval(start, end, "yMMMMd", locale=locale(language))
    return native_digits(text, language)


def _time_skeleton(language):
    return "hm" if hour_cycle(language) == "h12" else "Hm"


def format_time(value: datetime.datetime | datetime.time, language: str | None = None) -> str:
    """ "4:00 PM", "16:00", "۱۶:۰۰": the hour and minutes as the language writes them.
    A datetime is shown in its own timezone."""
    loc = locale(language)
    text = dates.format_skeleton(_time_skeleton(language), value, locale=loc)
    return native_digits(text, language)


def format_time_range(start: datetime.datetime, end: datetime.datetime, language: str | None = None) -> str:
    """ "10:00 AM – 4:00 PM", "10:00～16:00", "۱۰:۰۰ تا ۱۶:۰۰": two times (of one day) joined
    by CLDR's interval pattern. Each end is written like `format_time` (CLDR's own
    time intervals write "10時00分～16時00分" in Japanese, unlike every other time)."""
    return _interval(format_time(start, language), format_time(end, language), language)


def _interval(first, second, language):
    return locale(language).interval_formats[None].replace("{0}", first).replace("{1}", second)


def format_datetime(value: datetime.datetime, language: str | None = None) -> str:
    """ "April 10, 2031, 4:00 PM": the long date and the time, glued as CLDR glues them."""
    return _glue(format_date(value, language), format_time(value, language), language)


def format_datetime_range(start: datetime.datetime, end: datetime.datetime, language: str | None = None) -> str:
    """When something happens, in the timezone of `start` and `end`: "April 10, 2031,
    10:00 AM – 4:00 PM" within a day, both dates when it spans several."""
    if start.date() == end.date():
        return _glue(format_date(start, language), format_time_range(start, end, language), language)
    return _interval(format_datetime(start, language), format_datetime(end, language), language)


def _glue(date_text, time_text, language):
    pattern = str(locale(language).datetime_formats["medium"])  # "{1}, {0}"; "{1} {0}" in Japanese
    return pattern.replace("{1}", date_text).replace("{0}", time_text)


def format_distance(km: float, language: str | None = None, *, miles: bool = False) -> str:
    """ "12 km", "850 m", "7.5 mi", "۱۲ کیلومتر": one decimal below 10, none above."""
    if miles:
        value, unit = km / KM_PER_MILE, "length-mile"
    elif km < 1:
        value, unit = round(km * 1000, -1), "length-meter"
    else:
        value, unit = km, "length-kilometer"
    places = 1 if unit != "length-meter" and value < 10 else 0
    return _distance(round(value, places), unit, places, locale(language))


# A near-me list writes the same few rounded distances again and again: Babel's
# formatting was a tenth of a search from a new position (profiled; docs/benchmarks.md).
@lru_cache(maxsize=4096)
def _distance(value: float, unit: str, places: int, loc: Locale) -> str:
    pattern = "#,##0" + (".0" if places else "")
    text = units.format_unit(value, unit, "short", format=pattern, locale=loc, numbering_system="default")
    return _in_digits(text, loc)


def format_duration(delta: datetime.timedelta, language: str | None = None) -> str:
    """ "4 months, 1 week", "۴ ماه و ۱ هفته", "2 days, 3 hours": the largest unit and
    the next one if it is not zero; "0 minutes" for what is past or under a minute."""
    seconds = max(0, int(delta.total_seconds()))
    loc = locale(language)
    parts = []
    for index, (unit, size) in enumerate(DURATION_UNITS):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(units.format_unit(count, unit, "long", locale=loc))
            following = DURATION_UNITS[index + 1 : index + 2]
            if following and (extra := seconds // following[0][1]):
                parts.append(units.format_unit(extra, following[0][0], "long", locale=loc))
            break
    if not parts:
        parts.append(units.format_unit(0, "duration-minute", "long", locale=loc))
    try:
        joined = lists.format_list(parts, style="unit", locale=loc)
    except KeyError:  # Babel 2.19 misses the two-item unit pattern it inherits for some locales (es)
        joined = lists.format_list(parts, style="standard-narrow", locale=loc)
    return native_digits(joined, language)


# --- a moment with its zone's name (issue 22: an invitation's expiry) ---


def format_datetime_zone(value: datetime.datetime, language: str | None = None) -> str:
    """ "April 10, 2031, 4:00 PM British Summer Time", "۱۰ آوریل ۲۰۳۱، ۱۶:۰۰ (وقت تابستانی بریتانیا)":
    the long date and the time with the name of `value`'s zone on that day, for someone
    who may live in another zone. The time and zone are laid out by CLDR's own pattern
    for them (the "Hmv" skeleton), with the zone's long name ("zzzz") for its short one."""
    loc = locale(language)
    pattern = loc.datetime_skeletons[_time_skeleton(language) + "v"].pattern
    time_text = native_digits(dates.format_time(value, pattern.replace("v", "zzzz"), locale=loc), language)
    return _glue(format_date(value, language), time_text, language)
