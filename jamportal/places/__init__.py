"""Places: offline geography behind small functions, so that an online service
could later stand behind the same names.

- geocode(query) / suggest(query): place names, in any spelling or script;
- place_name(place) / place_label(place): a place as the visitor's language names it;
- timezone_at(latitude, longitude): the IANA timezone at a point;
- distance_km(...): great-circle distance; distances_from(...): from one point to many.
"""

from jamportal.places.gazetteer import SMALLEST_TOWN, Place, distance_km, distances_from
from jamportal.places.geocoding import GeocodeResult, geocode, place_label, place_name, suggest
from jamportal.places.regions import continent_of, uses_miles, visitor_country
from jamportal.places.timezones import timezone_at

__all__ = [
    "SMALLEST_TOWN",
    "GeocodeResult",
    "Place",
    "continent_of",
    "distance_km",
    "distances_from",
    "geocode",
    "place_label",
    "place_name",
    "suggest",
    "timezone_at",
    "uses_miles",
    "visitor_country",
]
