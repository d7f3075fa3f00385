"""Every name the site shows, from CLDR through Babel: countries, the languages
spoken at a Jam, timezones, and the way a list is joined ("a, b and c", "a、b、c").

Each function takes the page's Django language code ("pt-br", "zh-hant"...) and
defaults to the active one. The names are pure functions of the language, so
each list is worked out once per language and process.

    >>> country_name("JP", "ja")
    '日本'
    >>> join(["English", "Cymraeg"], "de")
    'English und Cymraeg'

Sorting: PyICU (CLDR's own collation) is not installed, so lists are sorted by
`sort_key`: accents, case and width folded away first (Unicode NFKD, casefold; a
few letters that do not decompose, such as Polish "ł", folded by hand), and the
Persian alphabet put in its own order (Unicode's code points put پ چ ژ گ after
ی). Kana and Han keep code-point order, as CLDR's root collation roughly does.
"""

import collections
import datetime
import functools
import importlib.resources
import unicodedata
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import get_timezone_gmt, get_timezone_location, get_timezone_name
from babel.lists import format_list
from django.conf import settings
from django.utils.translation import get_language, to_locale
from django_countries import Countries, CountryTuple
from django_countries.data import COUNTRIES

UTC = "UTC"


def _language(language):
    return (language or get_language() or settings.LANGUAGE_CODE).lower()


@cache
def _locale(language: str) -> Locale:
    for name in (to_locale(language), to_locale(language).split("_")[0], "en"):
        try:
            return Locale.parse(name)
        except (UnknownLocaleError, ValueError):
            continue
    raise AssertionError("Babel has no English")  # pragma: no cover


def babel_locale(language: str | None = None) -> Locale:
    """The Babel locale of a Django language code: "pt-br" -> pt_BR, "zh-hant" -> zh_Hant."""
    return _locale(_language(language))


# Sorting ---------------------------------------------------------------------

# Letters that NFKD leaves whole, folded to the letter they are sorted with.
_FOLD = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"})
# The Persian alphabet in order; Arabic forms of the same letters folded into it.
_PERSIAN = "اآءأإئؤبپتثجچحخدذرزژسشصضطظعغفقکگلمنوهی"
_PERSIAN_FOLD = str.maketrans({"ك": "ک", "ي": "ی", "ى": "ی", "ة": "ه", "\u200c": None, "\u0640": None})
_PERSIAN_ORDER = str.maketrans({letter: chr(0xE000 + i) for i, letter in enumerate(_PERSIAN)})


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _key(text: str) -> tuple[str, str]:
    return (_fold(text), text)


def _persian_key(text: str) -> tuple[str, str]:
    return (_fold(text.translate(_PERSIAN_FOLD)).translate(_PERSIAN_ORDER), text)


def sort_key(language: str | None = None):
    """A key function that sorts names the way readers of `language` look for them."""
    return _persian_key if _language(language) == "fa" else _key


def _sorted(pairs, language):
    key = sort_key(language)
    return sorted(pairs, key=lambda pair: key(pair[1]))


# Countries -------------------------------------------------------------------


@cache
def _country_names(language: str) -> dict[str, str]:
    territories = _locale(language).territories
    return {code: territories.get(code) or str(english) for code, english in COUNTRIES.items()}


@cache
def _country_choices(language: str) -> tuple[tuple[str, str], ...]:
    return tuple(_sorted(_country_names(language).items(), language))


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in the page's language; "" for an unknown code."""
    return _country_names(_language(language)).get(str(code).upper(), "")


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """[(code, name), ...] for every country, sorted by name in the page's language."""
    return list(_country_choices(_language(language)))


class CldrCountries(Countries):
    """django-countries' list with CLDR's names in the active language: what a
    CountryField shows (`jam.country.name`, forms, the admin) comes from here."""

    def translate_pair(self, code, name=None):
        return CountryTuple(code, country_name(code) or code)

    def __iter__(self):
        for code, name in country_choices():
            yield CountryTuple(code, name)


# Languages spoken --------------------------------------------------------------


@cache
def _language_name(code: str, language: str) -> str:
    locale = _locale(language)
    key = to_locale(code)
    name = locale.languages.get(key)
    if name is None:
        try:
            name = Locale.parse(key).get_display_name(locale)
        except (UnknownLocaleError, ValueError):
            name = None
    return name or code


def language_name(code: str, language: str | None = None) -> str:
    """The name of a language (a Django code: "pt-br", "zh-hant") in the page's language."""
    return _language_name(code.lower(), _language(language))


@cache
def _language_choices(codes: tuple[str, ...], language: str) -> tuple[tuple[str, str], ...]:
    return tuple(_sorted(((code, _language_name(code, language)) for code in codes), language))


def language_choices(codes, language: str | None = None) -> list[tuple[str, str]]:
    """[(code, name), ...] for the given codes, sorted by name in the page's language."""
    return list(_language_choices(tuple(codes), _language(language)))


# Timezones ---------------------------------------------------------------------


@cache
def timezones() -> tuple[str, ...]:
    """The zones people live in: one line per country and zone in the tz database's
    zone.tab (no "Factory", "localtime", "US/Michigan" or "Etc/GMT+3"), and UTC."""
    table = importlib.resources.files("tzdata").joinpath("zoneinfo", "zone.tab").read_text(encoding="utf-8")
    zones = {line.split("\t")[2] for line in table.splitlines() if line and not line.startswith("#")}
    return (*sorted(zones), UTC)


def _zone_name(zone: str, locale: Locale) -> str:
    if zone == UTC:  # "Coordinated Universal Time", "協定世界時" (Babel would say "Unknown Region")
        return locale.time_zones.get("Etc/UTC", {}).get("long", {}).get("standard") or UTC
    return get_timezone_location(zone, locale=locale)


@cache
def _timezone_choices(language: str, day: datetime.date) -> tuple[tuple[str, str], ...]:
    locale = _locale(language)
    labelled = []
    for zone in timezones():
        noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=ZoneInfo(zone))
        offset = get_timezone_gmt(noon, locale=locale)
        labelled.append((noon.utcoffset(), zone, f"({offset}) {_zone_name(zone, locale)}"))
    # Two zones of one country can share a name ("Argentina Time"): add the city.
    seen = collections.Counter(label for _offset, _zone, label in labelled)
    key = sort_key(language)
    rows = []
    for offset, zone, label in labelled:
        if seen[label] > 1:
            city = get_timezone_location(zone, locale=locale, return_city=True)
            label = f"{label} · {city}"
        rows.append((offset, key(label), zone, label))
    return tuple((zone, label) for _offset_, _key_, zone, label in sorted(rows))


def timezone_choices(language: str | None = None, *, today: datetime.date | None = None) -> list[tuple[str, str]]:
    """[(zone, "(GMT+09:00) Japan Time"), ...]: every zone people live in, by its
    UTC offset today (daylight saving time moves them) and then by name."""
    day = today or datetime.date.today()
    if _timezone_choices.cache_info().currsize > 64:  # a new day for every language: keep the last ones
        _timezone_choices.cache_clear()
    return list(_timezone_choices(_language(language), day))


def timezone_label(zone: str, language: str | None = None) -> str:
    """A zone's name in the page's language: "Japan Time", "日本時間"."""
    return _timezone_label(zone, _language(language))


@functools.lru_cache(maxsize=4096)
def _timezone_label(zone: str, language: str) -> str:
    try:
        return _zone_name(zone, _locale(language))
    except LookupError:
        return zone


def timezone_name(moment: datetime.datetime, language: str | None = None) -> str:
    """The name of `moment`'s zone on that day, as people say it: "British Summer Time"
    in July, "Greenwich Mean Time" in January, "日本標準時", "Japanische Normalzeit"."""
    return get_timezone_name(moment, width="long", locale=babel_locale(language))


def timezone_city(zone: str, language: str | None = None) -> str:
    """The city a zone is named after, in the page's language: "Europe/London" is
    "London", "Londres", "Llundain", "لندن", "ロンドン". A zone CLDR has no city for
    gets the last part of its name ("America/Argentina/Cordoba": "Cordoba"), as Babel does."""
    return _timezone_city(zone, _language(language))


@functools.lru_cache(maxsize=8192)
def _timezone_city(zone: str, language: str) -> str:
    try:
        return get_timezone_location(zone, locale=_locale(language), return_city=True)
    except (LookupError, ValueError):
        return zone.rsplit("/", 1)[-1].replace("_", " ")


@cache
def zone_territories() -> dict[str, str]:
    """{zone: the country it is CLDR's zone of}: "Africa/Douala": "CM". "001" (the
    world) or "ZZ" (unknown) for zones of no country, such as "Etc/GMT+2"."""
    return dict(get_global("zone_territories"))


# Lists -------------------------------------------------------------------------


def list_comma(language: str | None = None) -> str:
    """What the language puts between the items of a list: ", ", "、" (Japanese,
    Chinese), "،\u200f " (Persian). Also for the parts of one place: "Tokyo、日本"."""
    middle = babel_locale(language).list_patterns["standard"]["middle"]
    return middle.replace("{0}", "").replace("{1}", "")


def join_parts(parts, language: str | None = None) -> str:
    """The parts of one thing, such as a town and its country, separated by the
    language's list comma: "Tokyo, Japan", "東京、日本", "تهران،\u200f ایران"."""
    return list_comma(language).join(str(part) for part in parts if part)


def join(items, language: str | None = None, *, style: str = "standard") -> str:
    """Items joined the way the page's language joins a list: "a, b and c",
    "a、b、c" (Japanese), "a، b و c" (Persian). `style="unit"`: no "and"."""
    items = [str(item) for item in items]
    if not items:
        return ""
    return format_list(items, style=style, locale=babel_locale(language))
