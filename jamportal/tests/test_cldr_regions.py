"""Continents from CLDR's territory containment, named in every language as CLDR names
them (asked of Babel here, not of jamportal.cldr)."""

import pytest
from babel import Locale
from django.conf import settings
from django.utils.translation import to_locale
from django_countries.data import COUNTRIES

from jamportal.cldr import regions

LANGUAGES = [code for code, _name in settings.LANGUAGES]


@pytest.mark.parametrize(
    ("country", "continent"),
    [
        ("GB", "150"),  # Northern Europe
        ("RU", "150"),  # Eastern Europe
        ("CY", "142"),  # Western Asia, as CLDR has it
        ("JP", "142"),
        ("IR", "142"),
        ("CM", "002"),
        ("EG", "002"),
        ("US", "003"),  # Northern America
        ("MX", "003"),  # Central America
        ("JM", "003"),  # the Caribbean
        ("BR", "005"),
        ("AU", "009"),
        ("FJ", "009"),
        ("AQ", "009"),  # Outlying Oceania
    ],
)
def test_continent_of_a_country_follows_cldr_containment(country, continent):
    assert regions.continent_of(country) == continent
    assert regions.continent_of(country.lower()) == continent


def test_continent_of_an_unknown_code_is_empty():
    assert regions.continent_of("XX") == ""
    assert regions.continent_of("") == ""


def test_every_country_we_offer_has_a_continent():
    assert [code for code in COUNTRIES if not regions.continent_of(code)] == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_continent_names_are_cldrs_in_every_language(language):
    territories = Locale.parse(to_locale(language)).territories
    for code in regions.CONTINENTS:
        assert regions.continent_name(code, language) == territories[code]
    assert regions.continent_name("003", "fa") == "امریکای شمالی" or language != "fa"


# --- measurement systems ---


@pytest.mark.parametrize(
    ("territory", "system", "miles"),
    [("US", "US", True), ("gb", "UK", True), ("LR", "US", True), ("CA", "metric", False), ("", "metric", False)],
)
def test_measurement_system_is_cldrs_and_says_whether_roads_count_in_miles(territory, system, miles):
    assert (regions.measurement_system(territory), regions.distances_in_miles(territory)) == (system, miles)


# --- a country's main language among the site's ---


@pytest.mark.parametrize(
    ("territory", "language"),
    [("FR", "fr"), ("CM", "fr"), ("KE", "en"), ("BR", "pt-br"), ("TW", "zh-hant"), ("CN", ""), ("", "")],
)
def test_main_language_is_the_most_spoken_official_one_the_site_is_written_in(territory, language):
    assert regions.main_language(territory, [code for code, _name in settings.LANGUAGES]) == language
