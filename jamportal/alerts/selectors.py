"""Reads of alerts: an alert by its link, the alerts near a new Jam, whether a place
has a Jam within reach, and the demand map."""

import hashlib
import math

from django.db.models import Count, Q
from django.db.models.functions import Floor
from django.http import Http404

from jamportal.alerts.models import MAX_RADIUS_KM, Alert
from jamportal.jams import selectors as jam_selectors
from jamportal.places import distance_km

# The demand map counts people per cell of this many degrees of latitude and longitude
# (about 111 km by 70 km in Europe): wide enough that a town's few waiting people
# vanish into a count, small enough to say where a Jam is wanted.
CELL_DEGREES = 1


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def alert_for_token_or_404(token: str) -> Alert:
    """The alert whose links hold `token`; 404 for any other string (found by the
    token's hash: nothing to guess but the 256-bit secret itself)."""
    if not 20 <= len(token) <= 100:
        raise Http404
    alert = Alert.objects.filter(token_hash=token_hash(token)).first()
    if alert is None:
        raise Http404
    return alert


def jam_within_reach(*, latitude, longitude, radius_km) -> bool:
    """Whether an upcoming public Jam is within `radius_km` of the point."""
    found = jam_selectors.nearest_keys(
        jam_selectors.public_reader({}), latitude=latitude, longitude=longitude, nearest=1, radius_km=radius_km
    )
    return bool(found) and found[0][0] <= radius_km


def alerts_near(*, latitude, longitude) -> list[tuple[float, Alert]]:
    """(distance in km, alert) of the confirmed alerts whose circle holds the point:
    read from the box of the widest radius around it, then each by its own radius."""
    reach = MAX_RADIUS_KM
    dlat = reach / 111.2
    cos = max(math.cos(math.radians(min(89.0, abs(latitude) + dlat))), 1e-6)
    dlon = min(reach / (111.2 * cos), 180)
    box = Q(confirmed_at__isnull=False, latitude__gte=latitude - dlat, latitude__lte=latitude + dlat)
    west, east = longitude - dlon, longitude + dlon
    if west < -180:
        box &= Q(longitude__gte=west + 360) | Q(longitude__lte=east)
    elif east > 180:
        box &= Q(longitude__gte=west) | Q(longitude__lte=east - 360)
    else:
        box &= Q(longitude__gte=west, longitude__lte=east)
    found = []
    for alert in Alert.objects.filter(box).order_by("pk"):
        d = distance_km(latitude, longitude, alert.latitude, alert.longitude)
        if d <= alert.radius_km:
            found.append((d, alert))
    return found


def demand_cells(*, threshold: int) -> list[dict]:
    """The demand map: per cell of CELL_DEGREES, how many confirmed visitors wait for a
    first Jam near them (told of none yet) and how many of them would help run one,
    each address counted once per cell.
    Cells with fewer than `threshold` people are left out altogether; so is a count of
    helpers under `threshold` (None), so that nobody can be picked out."""
    waiting = Alert.objects.filter(kind=Alert.Kind.NONE_NEARBY, confirmed_at__isnull=False, notices__isnull=True)
    rows = (
        waiting.annotate(south=Floor("latitude"), west=Floor("longitude"))
        .values("south", "west")
        # One address asking several times for one area (other radii, nearby streets) is one person.
        .annotate(
            people=Count("email_hash", distinct=True),
            helpers=Count("email_hash", distinct=True, filter=Q(would_help=True)),
        )
        .filter(people__gte=threshold)
        .order_by("-people", "south", "west")
    )
    return [
        {
            "south": int(row["south"]),
            "west": int(row["west"]),
            "north": min(int(row["south"]) + CELL_DEGREES, 90),
            "east": min(int(row["west"]) + CELL_DEGREES, 180),
            "people": row["people"],
            "helpers": row["helpers"] if row["helpers"] >= threshold else None,
        }
        for row in rows
    ]
