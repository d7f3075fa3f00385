"""Load test: JamPortal as `make serve` runs it (gunicorn, PostgreSQL, Redis,
Celery), on loopback, under wrk. Run with `make load`; it takes five to seven minutes.

Each scenario runs for a few seconds to fill the caches, then is measured:
requests per second, median and 99th-percentile latency, and errors (failed
connections, timeouts, answers other than 2xx/3xx). After each, the test waits
until the Celery worker has cleaned every upload the scenario posted (booth
uploads are answered once checked and stored; the worker decodes and sizes them),
so that no scenario is measured against another's backlog; for the uploads it
checks that each answer stored a new photo, and prints how many photos a second
were cleaned from the first post to the last. Beside them, the same
figures for the smallest Django view (bench/load_urls.py) served by the same
processes in the same run: how close each page comes to the framework's ceiling.

wrk and the server share this machine's cores, so the figures are for
comparing with each other, not for sizing a server.
"""

import argparse
import os
import random
import shutil
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

from PIL import Image
from served import served

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".tmp" / "load"
PORT = 8011
WORLD = "bbox=-180.00000,-85.05113,180.00000,85.05113&zoom=2"
LANGUAGES = ["en", "fr", "de", "es", "pt-br", "it", "nl", "pl", "ja", "zh-hant", "cy", "fa"]
MINIMAL, AGAIN = "minimal Django view", "minimal Django view, again"
UPLOADS = "booth uploads (12 MP)"
MEDIA_FOLDERS = ("media", "private-media")  # DJANGO_MEDIA_ROOT and JAMPORTAL_PRIVATE_MEDIA_ROOT under make serve
BOOTH_PHOTO = (4608, 2592)  # Camera Module 3 at full resolution, as the booth posts it


def city_view(latitude, longitude, *, new=False):
    """The map's box around a town at zoom 13; `new`: an address never asked for (see "{u}")."""
    u = "{u}" if new else ""
    return f"bbox={longitude - 0.06:.5f},{latitude - 0.03:.5f},{longitude + 0.06:.5f},{latitude + 0.03:.5f}{u}&zoom=13"


def scenarios(fixtures, rng):
    """name -> request lines for bench/load.lua; every list is drawn from at random."""
    cities = fixtures["cities"]
    places = [f"GET /en/?{urllib.parse.urlencode({'q': name})}" for name, _lat, _lon in cities]
    # "{u}": digits bench/load.lua makes new for every request, so no cache has seen the address.
    points = [(lat + rng.uniform(-1, 1), lon + rng.uniform(-1, 1)) for _ in range(20) for _name, lat, lon in cities]
    found = {
        MINIMAL: ["GET /bench/minimal"],
        "map endpoint, world (cached)": [f"GET /en/api/jams.geojson?&{WORLD}"],
        "map endpoint, city zoom (cached)": [
            f"GET /en/api/jams.geojson?&{city_view(lat, lon)}" for _n, lat, lon in cities
        ],
        "map endpoint, city zoom (every view new)": [
            f"GET /en/api/jams.geojson?&{city_view(lat, lon, new=True)}" for lat, lon in points
        ],
        "map page": [f"GET /{code}/" for code in LANGUAGES],
        "Jam page": [f"GET {path}" for path in fixtures["jam_paths"]],
        "near me, town names (cached)": places,
        "near me, every position new": [f"GET /en/?around={lat:.4f}{{u}},{lon:.4f}" for lat, lon in points],
        "calendar feed": ["GET /en/jams/calendar.ics"],
        UPLOADS: [f"UPLOAD {token}" for token in fixtures["tokens"]],
    }
    # Visitors far outnumber booths: out of 100 requests...
    mix = {
        "map endpoint, world (cached)": 15,
        "map endpoint, city zoom (cached)": 20,
        "map endpoint, city zoom (every view new)": 10,
        "map page": 15,
        "Jam page": 20,
        "near me, town names (cached)": 5,
        "near me, every position new": 5,
        "calendar feed": 5,
        UPLOADS: 5,
    }
    found["mixed (all of the above)"] = [
        line for name, share in mix.items() for line in rng.choices(found[name], k=share * 20)
    ]
    return found


def booth_photo(path):
    """A photo-like JPEG (gradient and noise compress like a real scene)."""
    width, height = BOOTH_PHOTO
    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.effect_noise((width, height), 12)  # about 3 MB, like the booth's own photos
    Image.merge("RGB", (gradient, noise, Image.blend(gradient, noise, 0.5))).save(path, "JPEG", quality=88)


def wrk(lines, *, seconds, connections, photo, seed, port):
    requests = STATE / "requests.txt"
    requests.write_text("\n".join(lines) + "\n")
    command = [
        "wrk", "--threads", "1", "--connections", str(connections), "--duration", f"{seconds}s",
        "--timeout", "10s", "--script", str(ROOT / "bench" / "load.lua"), f"http://127.0.0.1:{port}",
        "--", str(requests), str(photo), f"{seed}-{time.time_ns()}", str(seed),
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    fields = next(line for line in output.splitlines() if line.startswith("RESULT ")).split()[1:]
    count, duration_us, p50_us, p99_us, *errors = (int(value) for value in fields)
    return {
        "rps": count / (duration_us / 1e6),
        "p50": p50_us / 1000,
        "p99": p99_us / 1000,
        "errors": sum(errors),
        "count": count,
        "seconds": duration_us / 1e6,
    }


def kept_photos() -> int:
    """Photos the worker has cleaned: kept copies (photos/<year>/<month>/), public or private."""
    return sum(len(list((STATE / folder / "photos").glob("[0-9]*/*/*.jpg"))) for folder in MEDIA_FOLDERS)


def drained(timeout=600) -> float:
    """Seconds until the worker has cleaned every upload waiting for it (none left in
    the private uploads/ folder)."""
    began = time.monotonic()
    while any((STATE / "private-media" / "uploads").rglob("*.jpg")):
        if time.monotonic() - began > timeout:
            sys.exit(f"the worker left uploads uncleaned for {timeout} s")
        time.sleep(0.2)
    return time.monotonic() - began


def whole(least):
    """An argparse type: a whole number of at least `least`, or a message that says so."""

    def parse(text):
        if not text.isdigit() or int(text) < least:
            raise argparse.ArgumentTypeError(f"a whole number of at least {least}, not {text!r}")
        return int(text)

    return parse


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=whole(1), default=15, help="measured time per scenario (default 15)")
    parser.add_argument("--warm-up", type=whole(0), default=3, help="unmeasured time before each (default 3)")
    parser.add_argument("--connections", type=whole(1), default=16, help="concurrent connections (default 16)")
    parser.add_argument(
        "--only", action="append", default=[], metavar="WORDS", help="only the scenarios whose name has these words"
    )
    parser.add_argument(
        "--port",
        type=whole(1024),
        default=PORT,
        help=f"the server's port (default {PORT}); Redis and PostgreSQL use the two after it",
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: run `make load`, which installs it.")
    env = {
        "JAMPORTAL_ROOT_URLCONF": "bench.load_urls",
        # Each booth may post 30 photos a minute; this load posts far faster from 100 booths.
        "JAMPORTAL_PHOTO_UPLOADS_PER_MINUTE": "1000000",
    }
    with served(STATE, port=args.port, redis_port=args.port + 1, pg_port=args.port + 2, env=env) as fixtures:
        photo = STATE / "booth.jpg"
        booth_photo(photo)
        results = {}
        plan = [
            (name, lines)
            for name, lines in scenarios(fixtures, random.Random(2026)).items()
            if name == MINIMAL or not args.only or any(words in name for words in args.only)
        ]
        plan.append((AGAIN, plan[0][1]))  # the baseline again at the end: how much the machine drifted
        for seed, (name, lines) in enumerate(plan):
            run = {"connections": args.connections, "photo": photo, "seed": seed, "port": args.port}
            photos_before, answered = kept_photos(), 0
            if args.warm_up:
                answered = wrk(lines, seconds=args.warm_up, **run)["count"]
            results[name] = wrk(lines, seconds=args.seconds, **run)
            print(f"  {name}: {results[name]['rps']:.0f} requests/s", flush=True)
            # The worker cleans uploads after their answers: let it finish before the next
            # scenario, which would otherwise be measured against the backlog.
            results[name]["drained"] = drained()
            if name == UPLOADS:
                stored = kept_photos() - photos_before
                answered += results[name]["count"]
                # Measured what it names: each answer stored a new photo (no idempotent replay).
                assert stored >= answered, f"{answered} uploads answered, but only {stored} photos stored"
                results[name]["stored"] = stored
    report(results, args, photo)
    met = targets_met(results)
    return 0 if met and all(r["errors"] == 0 for r in results.values()) else 1


# The targets of issue 16, as the most a request may cost in minimal views (its time per
# request over the minimal view's, both measured in this run). Uploads: three times the
# rate of before, when a 12 MP upload cost 207 minimal views (7/s beside 1,450/s).
CACHED_AT_MOST = 1.2
TARGETS = {
    "near me, every position new": 5,
    "map endpoint, city zoom (every view new)": 3,
    UPLOADS: 207 / 3,
    "map endpoint, world (cached)": CACHED_AT_MOST,
    "map endpoint, city zoom (cached)": CACHED_AT_MOST,
    "map page": CACHED_AT_MOST,
    "Jam page": CACHED_AT_MOST,
    "near me, town names (cached)": CACHED_AT_MOST,
    "calendar feed": CACHED_AT_MOST,
}


def report(results, args, photo):
    minimal = {"rps": (results[MINIMAL]["rps"] + results[AGAIN]["rps"]) / 2}
    workers = 2 * os.cpu_count() + 1
    print(
        f"\n{os.cpu_count()} cores, {workers} gunicorn workers, wrk with {args.connections} connections, "
        f"{args.seconds} s each after {args.warm_up} s of warm-up; booth photo {photo.stat().st_size // 1024} KB\n"
    )
    print("Ratios are to the mean of the two runs of the minimal view.\n")
    print("| scenario | requests/s | p50 ms | p99 ms | errors | time per request, x minimal view |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, r in results.items():
        ratio = minimal["rps"] / r["rps"]
        print(f"| {name} | {r['rps']:,.0f} | {r['p50']:.1f} | {r['p99']:.1f} | {r['errors']} | {ratio:.2f} |")
    if UPLOADS in results:
        uploads = results[UPLOADS]
        whole = args.warm_up + uploads["seconds"] + uploads["drained"]
        print(
            f"\nBooth uploads: {uploads['stored']} photos stored and cleaned (each answer a new photo); the worker "
            f"finished {uploads['drained']:.1f} s after the scenario: {uploads['stored'] / whole:.1f} photos/s "
            f"from the first post to the last photo cleaned."
        )
    backlog = {name: r["drained"] for name, r in results.items() if r["drained"] >= 1}
    if backlog:
        print("Waited for the worker after: " + ", ".join(f"{name} {s:.1f} s" for name, s in backlog.items()))


def targets_met(results) -> bool:
    """Print each target beside what this run measured; whether every one was met."""
    minimal = (results[MINIMAL]["rps"] + results[AGAIN]["rps"]) / 2
    print("\n| target | x minimal view | at most | |\n|---|---:|---:|---|")
    met = True
    for name, most in TARGETS.items():
        if name in results:
            ratio = minimal / results[name]["rps"]
            met &= ratio <= most
            print(f"| {name} | {ratio:.2f} | {most:.1f} | {'met' if ratio <= most else 'MISSED'} |")
    return met


if __name__ == "__main__":
    sys.exit(main())
