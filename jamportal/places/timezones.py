from functools import cache

from timezonefinder import TimezoneFinder


@cache
def _finder() -> TimezoneFinder:
    # Loading the polygon index takes a fraction of a second: do it once.
    return TimezoneFinder()


def timezone_at(latitude: float, longitude: float) -> str:
    """The IANA timezone at a point, offline; "UTC" out at sea.

    >>> timezone_at(3.848, 11.502)
    'Africa/Douala'
    """
    return _finder().timezone_at(lat=latitude, lng=longitude) or "UTC"
