"""Is a venue's pin where its town and country say it is? Offline, from the
gazetteer and the timezone polygons.

The country at a point is read twice, because neither source is enough alone: the
country of the timezone the point falls in (CLDR's zone territories, e.g.
Africa/Douala -> CM) and the country of the nearest town in the gazetteer. A pin
is "outside the country" only when neither is the chosen country, so a venue near
a border (nearest town across it) or in a zone shared by several countries is not
flagged.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from jamportal.cldr import names as cldr_names
from jamportal.places import gazetteer
from jamportal.places.gazetteer import Place, distance_km
from jamportal.places.geocoding import geocode
from jamportal.places.timezones import timezone_at

# A venue is in its town, or at most in the next one: 30 km covers the sprawl of a
# large city (Tokyo's 23 wards are 25 km across) without hiding a pin in the wrong town.
FAR_FROM_TOWN_KM = 30
# The nearest town is looked for within this box (degrees of latitude, ~220 km).
NEAREST_REACH_DEGREES = 2.0
# CLDR's territories for no country: "unknown" (Etc/GMT+2 at sea) and "world".
NO_COUNTRY = {"", "ZZ", "001"}


@dataclass(frozen=True)
class LocationCheck:
    """What the gazetteer says about a pin, for a venue in `city`, `country`."""

    timezone: str
    town: Place | None  # the gazetteer's place for the typed town, if it knows it
    km_from_town: float | None
    countries_at_pin: frozenset[str]  # empty out at sea
    country: str

    @property
    def far_from_town(self) -> bool:
        return self.km_from_town is not None and self.km_from_town > FAR_FROM_TOWN_KM

    @property
    def outside_country(self) -> bool:
        return bool(self.country) and self.country not in self.countries_at_pin

    @property
    def country_at_pin(self) -> str:
        """One country at the pin ("" at sea), the timezone's first."""
        return min(self.countries_at_pin, default="")


def location_check(latitude: float, longitude: float, *, city: str = "", country: str = "") -> LocationCheck:
    """Check a pin against the town and country typed for it.

    >>> check = location_check(20.29, 0.0, city="Douala", country="CM")
    >>> check.far_from_town, check.outside_country, check.timezone
    (True, True, 'Africa/Bamako')
    """
    country = str(country or "")
    zone = timezone_at(latitude, longitude)
    countries = {cldr_names.zone_territories().get(zone, "")}
    if nearest := nearest_place(latitude, longitude):
        countries.add(nearest.country)
    town = town_in(city, country) if city else None
    km = distance_km(latitude, longitude, town.latitude, town.longitude) if town else None
    return LocationCheck(zone, town, km, frozenset(countries - NO_COUNTRY), country)


def town_in(city: str, country: str) -> Place | None:
    """The gazetteer's best place called `city` in `country` (an ISO code), if any."""
    query = f"{city}, {country}" if country else city
    return geocode(query).place


def nearest_place(latitude: float, longitude: float) -> Place | None:
    """The gazetteer town nearest the point, within about 200 km; None out at sea."""
    reach = NEAREST_REACH_DEGREES
    places = gazetteer.within(latitude - reach, latitude + reach, longitude - 2 * reach, longitude + 2 * reach)
    return min(places, key=lambda p: distance_km(latitude, longitude, p.latitude, p.longitude), default=None)


def timezone_label(zone: str, *, when: datetime.datetime | None = None, language: str | None = None) -> dict:
    """The timezone in words, for people: {"city": "Douala", "offset": "UTC+1"}.

    The offset is the one in force at `when` (now by default), so that summer time shows.
    """
    city = cldr_names.timezone_city(zone, language)
    when = when or datetime.datetime.now(datetime.UTC)
    offset = when.astimezone(ZoneInfo(zone)).utcoffset() or datetime.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    text = f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "") if minutes else "UTC"
    return {"city": city, "offset": text}
