"""Benchmark a booth's 12 MP upload, in-process: what a request does and what the worker does.

Run with `.venv/bin/python bench/uploads.py` (add `--profile` for where the time goes).

The photo is a Raspberry Pi HQ camera's full frame (4056 x 3040, JPEG quality 90,
gradients and sensor-like noise, EXIF with GPS as picamera2 writes it), made the same
way every run. Timed, medians of several photos, each with a new idempotency key:

- the request: `feed.services.photo_upload` on the upload as Django hands it over (a
  temporary file on disk: the photo is over FILE_UPLOAD_MAX_MEMORY_SIZE), in SQLite,
  with both storages in a throwaway folder; the task it enqueues waits in an
  in-memory queue, as with a real broker;
- the worker: the task the request enqueued (`feed.tasks.task_make_photo_sizes`),
  called as the worker calls it, for each photo the request stored.

Printed beside a baseline measured in the same run: one full decode of the same file
with Pillow (`Image.open(...).load()`), and the path before issue 16 (kept below
as `before_*`: the request decoded and re-encoded the upload, the worker decoded
that copy again for the web size and thumbnail), run on the same bytes.

It stops with an error unless it measured what it names: every timed upload stored
a new photo (no idempotent answer), the worker made the web size and thumbnail of
each, and no stored file carries the photo's EXIF (GPS) or its camera's name.
"""

import argparse
import cProfile
import io
import json
import os
import pstats
import shutil
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from in_process import ROOT, django_in

WORK = ROOT / ".tmp" / "bench" / "uploads"
shutil.rmtree(WORK, ignore_errors=True)
os.environ.pop("CACHE_URL", None)
django_in(
    WORK,
    database="db.sqlite3",
    hosts="testserver,127.0.0.1",
    DJANGO_MEDIA_ROOT=str(WORK / "media"),
    JAMPORTAL_PRIVATE_MEDIA_ROOT=str(WORK / "private-media"),
    JAMPORTAL_UPLOAD_TEMP_DIR=str(WORK / "uploads"),
    JAMPORTAL_PHOTO_UPLOADS_PER_MINUTE="1000000",
    # A broker that only queues: the request's task waits, as it would for a real worker.
    CELERY_BROKER_URL="memory://",
)

import numpy as np  # noqa: E402
from django.core.files.storage import storages  # noqa: E402
from django.core.files.uploadedfile import TemporaryUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from PIL import Image, ImageOps  # noqa: E402

from jamportal.feed import services, tasks  # noqa: E402
from jamportal.feed.models import Photo  # noqa: E402
from jamportal.feed.tests import multipart  # noqa: E402
from jamportal.jams.tests.factories import JamFactory  # noqa: E402

CAMERAS = {
    "HQ camera": (4056, 3040),  # Raspberry Pi HQ camera, full frame
    "Camera Module 3": (4608, 2592),  # the booth's default camera (photobooth/camera.py), full frame
}
CAMERA_NAME = b"JAMBENCH-CAMERA-4711"  # in the EXIF: must not be in any stored file


def booth_photo(size) -> bytes:
    """A 12 MP JPEG that compresses like a real scene from a small sensor: smooth
    gradients, some shapes, and per-pixel noise; EXIF with GPS and orientation 1."""
    width, height = size
    rng = np.random.default_rng(2026)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack(
        [
            128 + 90 * np.sin(x / 517) * np.cos(y / 389),
            110 + 80 * np.cos((x + y) / 701),
            140 + 70 * np.sin(np.hypot(x - width / 2, y - height / 2) / 211),
        ],
        axis=-1,
    )
    pixels = base + rng.normal(0, 16, size=base.shape).astype(np.float32)
    image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    exif = Image.Exif()
    exif[0x010F] = CAMERA_NAME.decode()  # Make
    exif[0x0110] = "imx477"  # Model
    exif[0x0112] = 1  # Orientation: upright
    exif[0x8825] = {1: "N", 2: (52.0, 12.0, 0.0), 3: "E", 4: (0.0, 7.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif)
    return buffer.getvalue()


# The path before issue 16, on pixels alone (no database or storage), for comparison
# in the same run: images.upload_clean as it was, then photo_make_sizes as it was.
BEFORE_KEPT, BEFORE_SIZES = 2048, {"web": 1600, "thumbnail": 480}


def before_jpeg(image) -> bytes:
    pixels = Image.new("RGB", image.size)
    pixels.paste(image if image.mode == "RGB" else image.convert("RGB"))
    buffer = io.BytesIO()
    pixels.save(buffer, "JPEG", quality=88, optimize=True, progressive=True)
    return buffer.getvalue()


def before_request(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as probe:
        width, height = probe.size
        probe.verify()
    with Image.open(io.BytesIO(data)) as image:
        scale = min(1, BEFORE_KEPT / max(width, height))
        image.draft("RGB", (round(width * scale), round(height * scale)))
        image.load()
        upright = ImageOps.exif_transpose(image)
        upright.thumbnail((BEFORE_KEPT, BEFORE_KEPT))
    return before_jpeg(upright)


def before_worker(kept: bytes) -> list[bytes]:
    original = Image.open(io.BytesIO(kept))
    original.load()
    made = []
    for longest in BEFORE_SIZES.values():
        copy = original.copy()
        copy.thumbnail((longest, longest))
        made.append(before_jpeg(copy))
    return made


def full_decode(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.load()


def interleaved(runs, parts):
    """{name: median seconds} of each part, run in turn once per round, so that all
    meet the same load from the other programs on this shared machine."""
    times = {name: [] for name in parts}
    for _ in range(runs):
        for name, part in parts.items():
            began = time.perf_counter()
            part()
            times[name].append(time.perf_counter() - began)
    return {name: statistics.median(seconds) for name, seconds in times.items()}


class Uploads:
    """Booth uploads through the service, as a request makes them."""

    def __init__(self, booth, data, *, keys):
        self.booth, self.data, self.keys, self.sent = booth, data, keys, 0

    def upload(self):
        """The photo as Django hands it to the view: a temporary file, written before the view runs."""
        upload = TemporaryUploadedFile("booth.jpg", "image/jpeg", len(self.data), None)
        upload.write(self.data)
        upload.seek(0)
        return upload

    def post(self, upload):
        self.sent += 1
        photo, created = services.photo_upload(
            self.booth,
            upload=upload,
            caption="Raspberry Jam Big Birthday Weekend",
            language="en",
            taken_at=datetime(2031, 3, 1, 10, tzinfo=UTC),
            idempotency_key=f"{self.keys}-{self.sent}",
        )
        assert created, "an upload was answered from its idempotency key: not what this measures"
        upload.close()
        return photo


def posted(data, token, key) -> int:
    """POST the photo to the booth API through Django's WSGI application, its body
    already received (as gunicorn hands it over): multipart parsing, the token,
    the API and the service. The photo's id."""
    body = (
        multipart.part(b"image", data, filename=b"booth.jpg")
        + multipart.part(b"idempotency_key", key.encode())
        + multipart.part(b"taken_at", b"2031-03-01T10:00:00+00:00")
        + multipart.end()
    )
    content_type = f"multipart/form-data; boundary={multipart.BOUNDARY.decode()}"
    status, _headers, content = multipart.send(body, token=token, content_type=content_type)
    assert status == 201, content[:300]
    return json.loads(content)["id"]


def make_sizes(photo_id):
    tasks.task_make_photo_sizes(photo_id=photo_id)  # what the worker runs for the request's task


def stored_files():
    found = []
    for name in ("default", "private"):
        location = Path(storages[name].location)
        found += [path for path in location.rglob("*") if path.is_file()]
    return found


def check(photos, public_location):
    """Stop unless the runs did what they name."""
    assert len({photo.pk for photo in photos}) == len(photos), "uploads did not each store a new photo"
    for photo in Photo.objects.filter(pk__in=[photo.pk for photo in photos]):
        assert photo.web, f"photo {photo.pk}: the worker made no web size"
        assert photo.thumbnail, f"photo {photo.pk}: the worker made no thumbnail"
    files = stored_files()
    assert files, "no file stored"
    for path in files:
        content = path.read_bytes()
        assert CAMERA_NAME not in content, f"{path}: the camera's name survived"
        assert b"Exif\x00\x00" not in content, f"{path}: EXIF survived"
        if path.is_relative_to(public_location):
            assert content[:3] == b"\xff\xd8\xff", f"{path}: not a JPEG"


def profile(label, function, arguments):
    profiler = cProfile.Profile()
    profiler.enable()
    for argument in arguments:
        function(argument)
    profiler.disable()
    print(f"\n--- {label}: cumulative time, top 18 ---")
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(18)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--photos", type=int, default=9, help="rounds, one photo each (default 9)")
    parser.add_argument("--profile", action="store_true", help="also print cProfile's view of each part")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    jam = JamFactory()
    booth, token = services.booth_create(jam, by=jam.organiser, name="Bench")
    print(f"{os.cpu_count()} cores; one process; medians of {args.photos} photos")
    for camera, size in CAMERAS.items():
        measure(camera, size, booth, token, args)


def measure(camera, size, booth, token, args):
    data = booth_photo(size)
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == size
        assert image.getexif().get(0x010F) == CAMERA_NAME.decode()
    print(f"\n{camera}: {size[0]} x {size[1]} JPEG, {len(data) / 1e6:.1f} MB, EXIF with GPS")

    uploads = Uploads(booth, data, keys=camera)
    make_sizes(uploads.post(uploads.upload()).pk)  # warm-up: imports, first queries
    kept = before_request(data)
    photos, uploaded = [], []

    def request():  # the upload was written to its temporary file before the view runs: untimed
        photos.append(uploads.post(uploaded.pop()))

    def worker():
        make_sizes(photos[-1].pk)

    def next_upload():
        uploaded.append(uploads.upload())

    http_ids = []

    def http_post():
        http_ids.append(posted(data, token, f"{camera}-http-{len(http_ids)}"))

    def http_worker():
        make_sizes(http_ids[-1])

    timings = interleaved(
        args.photos,
        {
            "decode": lambda: full_decode(data),
            "before request": lambda: before_request(data),
            "before worker": lambda: before_worker(kept),
            "(untimed)": next_upload,
            "request": request,
            "worker": worker,
            "http": http_post,
            "(untimed) ": http_worker,
        },
    )
    photos += list(Photo.objects.filter(pk__in=http_ids))
    decode_s, request_s, worker_s = timings["decode"], timings["request"], timings["worker"]
    before_request_s, before_worker_s = timings["before request"], timings["before worker"]
    check(photos, Path(storages["default"].location))

    if args.profile:
        more = []
        profile(
            "request (photo_upload)",
            lambda upload: more.append(uploads.post(upload)),
            [uploads.upload() for _ in range(5)],
        )
        profile("worker (task_make_photo_sizes)", make_sizes, [photo.pk for photo in more])

    def line(label, seconds):
        rate = f"{1 / seconds:6.1f} photos/s"
        return f"  {label:<36} {seconds * 1000:7.1f} ms {rate}  x{seconds / decode_s:5.2f} a full decode"

    print(line("baseline: one full decode (Pillow)", decode_s))
    print(line("before: request (decode, re-encode)", before_request_s))
    print(line("before: worker (web, thumbnail)", before_worker_s))
    print(line("before: both", before_request_s + before_worker_s))
    print(line("now: request (photo_upload)", request_s))
    print(line("now: worker (its task)", worker_s))
    print(line("now: both", request_s + worker_s))
    print(line("now: the whole POST through Django", timings["http"]))
    print(
        f"  request: x{before_request_s / request_s:.2f} the photos/s of before; "
        f"request and worker together: x{(before_request_s + before_worker_s) / (request_s + worker_s):.2f}"
    )


if __name__ == "__main__":
    main()
