"""Continents: which one a country is in, and its name in the page's language, from
CLDR's territory containment (supplemental data, version 49).

    >>> continent_of("CM"), continent_name("002", "fr")
    ('002', 'Afrique')

Babel ships CLDR's territory names but not its containment tree, so the tree's leaves
are written out below: each CLDR subregion with the countries it contains. The
continents are CLDR's five (002 Africa, 009 Oceania, 019 Americas, 142 Asia, 150
Europe) with the Americas split, as people count continents, into CLDR's 003 North
America (Northern and Central America and the Caribbean) and 005 South America.
Antarctica (AQ) is in Outlying Oceania, so in Oceania, as CLDR has it.
"""

from functools import cache

from babel.core import get_global

from jamportal.cldr.names import _language, _locale

# Subregion: the ISO codes CLDR puts in it (territoryContainment, CLDR 49).
SUBREGIONS = {
    "011": "BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG",  # Western Africa
    "014": "BI DJ ER ET IO KE KM MG MU MW MZ RE RW SC SO SS TF TZ UG YT ZM ZW",  # Eastern Africa
    "015": "DZ EG EH LY MA SD TN EA IC",  # Northern Africa
    "017": "AO CD CF CG CM GA GQ ST TD",  # Middle Africa
    "018": "BW LS NA SZ ZA",  # Southern Africa
    "021": "BM CA GL PM US",  # Northern America
    "013": "BZ CR GT HN MX NI PA SV",  # Central America
    "029": "AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT VC VG VI",  # Caribbean
    "005": "AR BO BR BV CL CO EC FK GF GS GY PE PY SR UY VE",  # South America
    "030": "CN HK JP KP KR MN MO TW",  # Eastern Asia
    "034": "AF BD BT IN IR LK MV NP PK",  # Southern Asia
    "035": "BN ID KH LA MM MY PH SG TH TL VN",  # South-Eastern Asia
    "143": "TM TJ KG KZ UZ",  # Central Asia
    "145": "AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE",  # Western Asia
    "039": "AD AL BA ES GI GR HR IT ME MK MT RS PT SI SM VA XK",  # Southern Europe
    "151": "BG BY CZ HU MD PL RO RU SK UA",  # Eastern Europe
    "154": "GG IM JE AX DK EE FI FO GB IE IS LT LV NO SE SJ CQ",  # Northern Europe
    "155": "AT BE CH DE FR LI LU MC NL",  # Western Europe
    "053": "AU CC CX HM NF NZ",  # Australasia
    "054": "FJ NC PG SB VU",  # Melanesia
    "057": "FM GU KI MH MP NR PW UM",  # Micronesia
    "061": "AS CK NU PF PN TK TO TV WF WS",  # Polynesia
    "QO": "AQ AC CP DG TA",  # Outlying Oceania
}
# Continent: its subregions.
CONTINENTS = {
    "002": ("011", "014", "015", "017", "018"),  # Africa
    "003": ("021", "013", "029"),  # North America
    "005": ("005",),  # South America
    "142": ("030", "034", "035", "143", "145"),  # Asia
    "150": ("039", "151", "154", "155"),  # Europe
    "009": ("053", "054", "057", "061", "QO"),  # Oceania
}


@cache
def _continent_by_country() -> dict[str, str]:
    return {
        country: continent
        for continent, subregions in CONTINENTS.items()
        for subregion in subregions
        for country in SUBREGIONS[subregion].split()
    }


def continent_of(country: str) -> str:
    """The CLDR code of the country's continent ("150" for "GB"); "" for an unknown code."""
    return _continent_by_country().get(str(country).upper(), "")


def continent_name(code: str, language: str | None = None) -> str:
    """The continent's name in the page's language: "Europe", "ヨーロッパ", "اروپا"."""
    return _locale(_language(language)).territories.get(code, code)


# --- measurement systems (issue 22: the near-me radius and distances agree) ---
# CLDR's measurementData: the US system in Liberia, Myanmar and the US, the UK system
# (miles on the road) in Britain, metric everywhere else (001). Babel ships the systems'
# names but not which territory uses which, so they are written out here.
MEASUREMENT_SYSTEMS = {"US": "LR MM US", "UK": "GB"}


@cache
def _system_by_territory() -> dict[str, str]:
    return {
        territory: system for system, territories in MEASUREMENT_SYSTEMS.items() for territory in territories.split()
    }


def measurement_system(territory: str) -> str:
    """ "US", "UK" or "metric": CLDR's measurement system of a territory ("" is the world's)."""
    return _system_by_territory().get(str(territory).upper(), "metric")


def distances_in_miles(territory: str) -> bool:
    """Whether road distances are in miles there: the US and the UK systems."""
    return measurement_system(territory) in {"US", "UK"}


# --- a country's main language (issue 22: the language of imported Jams) ---


def main_language(territory: str, among) -> str:
    """The most spoken official language of a territory among the language codes `among`
    (Django's, such as the site's: "pt-br", "zh-hant"), from CLDR's territory languages;
    "" when none of them is official there. "CM" -> "fr", "KE" -> "en" (Swahili is
    more spoken, but not among the site's), "IN" -> "en"; "CN" -> "" (Chinese there is
    written in simplified characters, the site's is "zh-hant")."""
    spoken = get_global("territory_languages").get(str(territory).upper(), {})
    official = sorted(
        (info.get("population_percent", 0), code)
        for code, info in spoken.items()
        if info.get("official_status") in {"official", "de_facto_official"}
    )
    codes = {code.lower() for code in among}
    for _percent, code in reversed(official):
        code = code.lower().replace("_", "-")
        found = code if code in codes else _variant(code, str(territory), codes)
        if found:
            return found
    return ""


def _variant(code: str, territory: str, codes: set[str]) -> str:
    """The site's variant of a bare language ("pt": "pt-br"), written in the script the
    language has there (CLDR's likely subtags: Chinese in China is "zh-hans", not "zh-hant")."""
    if "-" in code:
        return ""
    likely = get_global("likely_subtags")
    full = likely.get(f"{code}_{territory.upper()}") or likely.get(code) or ""
    script = next((part.lower() for part in full.split("_")[1:] if len(part) == 4), "")
    for candidate in sorted(codes):
        base, *rest = candidate.split("-")
        if base == code and all(len(part) != 4 or part == script for part in rest):
            return candidate
    return ""
