"""Uploads too large to keep in memory (over FILE_UPLOAD_MAX_MEMORY_SIZE) spill into
a folder of their own; the file goes on every path, and what a killed process
leaves behind is removed by a periodic task and a management command."""

import io
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from conftest import database_url, free_port, wait_for
from jamportal import celery_app
from jamportal.feed import images, services, tasks
from jamportal.feed.models import Photo
from jamportal.feed.tests import multipart
from jamportal.jams.tests.factories import JamFactory

HOUR = 3600
FORM = f"multipart/form-data; boundary={multipart.BOUNDARY.decode()}"


def large_jpeg() -> bytes:
    """A small picture with 3 MB after its end: over the 2.5 MB kept in memory."""
    return multipart.small_jpeg() + b"\x00" * 3_000_000


def refused_file() -> bytes:
    return b"not a picture " * 250_000


@pytest.fixture
def token(db):
    jam = JamFactory()
    return services.booth_create(jam, by=jam.organiser, name="Door")[1]


@pytest.fixture
def spool(settings, tmp_path):
    """The temporary upload folder, not made yet: the first large upload makes it."""
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "var" / "uploads"
    return Path(settings.FILE_UPLOAD_TEMP_DIR)


def left_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_a_large_upload_spills_into_its_own_folder_made_if_missing(token, spool, monkeypatch):
    seen = []
    upload_check = images.upload_check

    def note_where_it_is(upload):
        seen.append(Path(upload.temporary_file_path()))
        return upload_check(upload)

    monkeypatch.setattr(images, "upload_check", note_where_it_is)

    status, _headers, _content = multipart.send(
        multipart.photo_form(image=large_jpeg()), token=token, content_type=FORM
    )

    assert status == 201
    [path] = seen
    assert path.parent == spool
    assert path.name.startswith("tmp")
    assert path.name.endswith(".upload.jpg")
    assert oct(spool.stat().st_mode & 0o777) == oct(0o700)  # the folder is ours alone
    assert left_in(spool) == []


def fail_while_handling(upload):
    raise RuntimeError("the storage went away")


@pytest.mark.parametrize(
    ("path", "image", "breaks_after", "status"),
    [
        pytest.param("stored", large_jpeg, None, 201, id="stored"),
        pytest.param("refused", refused_file, None, 415, id="refused: not an image"),
        pytest.param("broken off", large_jpeg, 2_800_000, 400, id="refused: the sender goes away mid-file"),
        pytest.param("failed", large_jpeg, None, 500, id="an exception in the view"),
    ],
)
def test_the_temporary_file_is_gone_on_every_path(token, spool, monkeypatch, path, image, breaks_after, status):
    if path == "failed":
        monkeypatch.setattr(images, "upload_check", fail_while_handling)
    body = multipart.photo_form(image=image())
    stream = multipart.BreakingInput(body, after=breaks_after) if breaks_after else None

    got, _headers, content = multipart.send(body, token=token, content_type=FORM, stream=stream)

    assert got == status, content[:300]
    assert spool.exists()  # the upload did spill to disk
    assert left_in(spool) == []
    assert Photo.objects.count() == (1 if status == 201 else 0)


def make_file(folder: Path, name: str, *, age: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"part of an upload")
    then = time.time() - age
    os.utime(path, (then, then))
    return path


def test_the_cleanup_removes_leftovers_older_than_an_hour_and_only_those(spool):
    make_file(spool, "tmpold0001.upload.jpg", age=HOUR + 60)
    make_file(spool, "tmpold0002.upload", age=5 * HOUR)
    make_file(spool, "tmpnew0003.upload.jpg", age=HOUR - 60)  # an upload may still be on its way
    make_file(spool, "notes.txt", age=5 * HOUR)  # not an upload: never ours to remove
    (spool / "tmpdir.upload").mkdir()
    out = io.StringIO()

    call_command("remove_stale_uploads", stdout=out)

    assert left_in(spool) == ["notes.txt", "tmpdir.upload", "tmpnew0003.upload.jpg"]
    assert out.getvalue() == f"Removed 2 upload files older than an hour from {spool}.\n"


def test_the_cleanup_is_quiet_when_the_folder_does_not_exist_yet(spool):
    out = io.StringIO()

    call_command("remove_stale_uploads", stdout=out)

    assert out.getvalue() == f"Removed 0 upload files older than an hour from {spool}.\n"


def test_celery_beat_runs_the_cleanup_hourly_within_a_time_limit(settings, spool):
    make_file(spool, "tmpold0001.upload.jpg", age=2 * HOUR)
    make_file(spool, "tmpnew0002.upload.jpg", age=60)

    # (.result, not .get(): an earlier test's eager task may leave Celery believing it is inside one)
    outcome = tasks.task_remove_stale_uploads.apply()
    removed = outcome.result

    assert settings.CELERY_BEAT_SCHEDULE["remove-stale-uploads"] == {
        "task": "feed.remove_stale_uploads",
        "schedule": HOUR,
    }
    task = celery_app.tasks["feed.remove_stale_uploads"]
    assert (task.time_limit, task.soft_time_limit) == (300, 240)
    assert outcome.successful()
    assert removed == 1
    assert left_in(spool) == ["tmpnew0002.upload.jpg"]


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_server_killed_mid_upload_leaves_a_file_that_the_cleanup_removes(tmp_path, settings):
    jam = JamFactory()
    _booth, token = services.booth_create(jam, by=jam.organiser, name="Door")
    spool = tmp_path / "uploads"
    port = free_port()
    environment = {**os.environ, "DATABASE_URL": database_url(), "JAMPORTAL_UPLOAD_TEMP_DIR": str(spool)}
    command = [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"]
    log = tmp_path / "runserver.log"
    with log.open("wb") as out:
        server = subprocess.Popen(command, cwd=django_settings.BASE_DIR, env=environment, stdout=out, stderr=out)
    body = multipart.photo_form(image=large_jpeg())
    head = (
        f"POST {multipart.PHOTOS} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: {FORM}\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()

    def listening():
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            return False

    def spooled():
        return [path for path in spool.glob("tmp*.upload*") if path.stat().st_size > 1_000_000]

    try:
        wait_for(listening, timeout=60, what=f"runserver (log: {log})")
        with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
            connection.sendall(head)
            for start in range(0, 2_000_000, 64_000):  # two thirds of the body, slowly
                connection.sendall(body[start : start + 64_000])
                time.sleep(0.01)
            wait_for(spooled, timeout=30, what=f"the upload on disk in {spool} (log: {log})")
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=10)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)

    [left] = spool.iterdir()  # the request never finished: nothing removed it
    assert left.name.startswith("tmp")
    assert left.name.endswith(".upload.jpg")
    an_hour_later = time.time() - HOUR - 60
    os.utime(left, (an_hour_later, an_hour_later))
    settings.FILE_UPLOAD_TEMP_DIR = spool
    call_command("remove_stale_uploads", stdout=io.StringIO())
    assert left_in(spool) == []
