"""Places: offline geography (timezones now; geocoding and distances later).

Small functions with no network access, so that an online service could be put
behind the same names later.
"""

from jamportal.places.timezones import timezone_at

__all__ = ["timezone_at"]
