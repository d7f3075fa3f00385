import itertools
import random
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from photobooth.outbox import BACKOFF_MAX_S, Outbox, backoff, publish_due, save_photo
from photobooth.publishers import Refused

TAKEN = "2031-03-01T10:00:00+00:00"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def outbox(tmp_path):
    with Outbox(tmp_path / "outbox.sqlite3") as box:
        yield box


def test_save_photo_writes_it_whole_before_anything_else(tmp_path):
    path = save_photo(b"\xff\xd8 a jpeg \xff\xd9", tmp_path / "photos")

    assert path.read_bytes() == b"\xff\xd8 a jpeg \xff\xd9"
    assert list(path.parent.glob("*.partial")) == []


def test_one_job_per_target_and_enqueueing_twice_is_harmless(outbox, tmp_path):
    photo = tmp_path / "a.jpg"

    outbox.enqueue(photo, ["portal", "x", "mastodon"], caption="Hi", language="en", taken_at=TAKEN)
    outbox.enqueue(photo, ["portal"], caption="Hi", language="en", taken_at=TAKEN)

    jobs = outbox.due(now=1e12)
    assert [job.target for job in jobs] == ["portal", "x", "mastodon"]
    assert len({job.idempotency_key for job in jobs}) == 3
    assert outbox.counts() == {"held": 0, "pending": 3, "done": 0, "failed": 0, "declined": 0}


def test_failures_back_off_exponentially_with_jitter():
    rng = random.Random(1)
    waits = [backoff(n, rng=rng) for n in range(1, 12)]

    assert 2.5 <= waits[0] <= 5
    assert all(later >= earlier / 2 for earlier, later in itertools.pairwise(waits))
    assert max(waits) <= BACKOFF_MAX_S
    assert len({round(w, 3) for w in waits}) == len(waits)


def test_a_failed_job_waits_then_comes_back(outbox, tmp_path):
    outbox.enqueue(tmp_path / "a.jpg", ["portal"], caption="", language="en", taken_at=TAKEN)
    [job] = outbox.due(now=100)

    outbox.mark_failed(job, "ConnectionError: no network", now=100)

    assert outbox.due(now=101) == []
    [again] = outbox.due(now=100 + BACKOFF_MAX_S + 1)
    assert again.attempts == 1
    assert again.idempotency_key == job.idempotency_key


def test_jobs_survive_the_process_being_killed(tmp_path):
    """A booth killed right after enqueueing (a power cut) still has its jobs on restart."""
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        from photobooth.outbox import Outbox
        box = Outbox({str(tmp_path / "outbox.sqlite3")!r})
        box.enqueue("/photos/1.jpg", ["portal", "x"], caption="", language="en", taken_at={TAKEN!r})
        os._exit(9)  # no close, no cleanup
        """
    )

    result = subprocess.run([sys.executable, "-c", script], check=False)

    assert result.returncode == 9
    with Outbox(tmp_path / "outbox.sqlite3") as box:
        assert [job.target for job in box.due(now=1e12)] == ["portal", "x"]


class FlakyTarget:
    """Fails half the time, sometimes after posting (the answer is lost); counts posts."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.posted = {}

    def publish(self, job, on_remote_id=None):
        if self.rng.random() < 0.25:
            raise ConnectionError("network down")
        remote_id = self.posted.setdefault(job.idempotency_key, f"post-{len(self.posted)}")
        if self.rng.random() < 0.25:
            raise TimeoutError("the answer was lost")
        return remote_id


@pytest.mark.slow  # a soak: many photos through failing targets
def test_every_photo_reaches_every_target_exactly_once_despite_failures(outbox, tmp_path):
    targets = {"portal": FlakyTarget(1), "x": FlakyTarget(2)}
    for _ in range(50):
        outbox.enqueue(save_photo(b"jpeg", tmp_path), list(targets), caption="", language="en", taken_at=TAKEN)

    now = 0.0
    while outbox.counts()["pending"]:
        publish_due(outbox, targets, now=now)
        now += BACKOFF_MAX_S + 1

    assert outbox.counts() == {"held": 0, "pending": 0, "done": 100, "failed": 0, "declined": 0}
    for target in targets.values():
        assert len(target.posted) == 50  # one post per photo: retries reused the same key


# Held during the consent window, declined, recovered after a restart ------------------------


def test_a_photo_is_held_until_its_consent_window_ends_then_released(outbox, tmp_path):
    path = outbox.hold(b"jpeg", tmp_path / "photos", ["portal", "x"], caption="Hi", language="en", taken_at=TAKEN)

    held = outbox.due(now=1e12)
    released = outbox.release(path)

    assert path.read_bytes() == b"jpeg"
    assert held == []  # not posted during the window
    assert released == 2
    assert [job.photo for job in outbox.due(now=1e12)] == [path, path]


def test_a_photo_held_when_the_booth_stopped_is_posted_after_the_restart(tmp_path):
    """Killed in the consent window: the photo is on disk and nobody declined it."""
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        from photobooth.outbox import Outbox
        box = Outbox({str(tmp_path / "outbox.sqlite3")!r})
        kept = box.hold(b"jpeg", {str(tmp_path / "photos")!r}, ["portal", "x"], caption="", language="en",
                        taken_at={TAKEN!r})
        declined = box.hold(b"jpeg", {str(tmp_path / "photos")!r}, ["portal", "x"], caption="", language="en",
                            taken_at={TAKEN!r})
        box.decline(declined)
        print(kept, declined)
        os._exit(9)  # in the consent window: no close, no cleanup
        """
    )

    result = subprocess.run([sys.executable, "-c", script], check=False, capture_output=True, text=True)

    kept, declined = result.stdout.split()
    with Outbox(tmp_path / "outbox.sqlite3") as box:
        recovered = box.recover()
        due = [(str(job.photo), job.target) for job in box.due(now=1e12)]
        counts = box.counts()
    assert result.returncode == 9
    assert recovered == (1, 0)
    assert due == [(kept, "portal"), (kept, "x")]
    assert counts["declined"] == 2
    assert Path(declined).is_file()  # kept on the booth, never posted


def test_a_photo_whose_file_was_never_written_is_forgotten_at_the_restart(tmp_path):
    """Killed between keeping the photo's jobs and writing its file: nothing is on disk, nothing to post."""
    script = textwrap.dedent(
        f"""
        import os, sys
        sys.path.insert(0, {str(ROOT)!r})
        from photobooth import outbox
        outbox.write_durably = lambda path, data: os._exit(9)  # the power goes before the file is written
        box = outbox.Outbox({str(tmp_path / "outbox.sqlite3")!r})
        box.hold(b"jpeg", {str(tmp_path / "photos")!r}, ["portal"], caption="", language="en", taken_at={TAKEN!r})
        """
    )

    result = subprocess.run([sys.executable, "-c", script], check=False)

    with Outbox(tmp_path / "outbox.sqlite3") as box:
        held = box.counts()["held"]
        recovered = box.recover()
        jobs = box.jobs()
    assert result.returncode == 9
    assert held == 1
    assert recovered == (0, 1)
    assert jobs == []


def test_photo_numbers_of_the_day_never_repeat_even_after_a_purge(outbox, tmp_path):
    first = [outbox.next_number("2031-03-01") for _ in range(3)]
    outbox.purge_done()
    later = outbox.next_number("2031-03-01")
    next_day = outbox.next_number("2031-03-02")

    assert (first, later, next_day) == ([1, 2, 3], 4, 1)


# Refused for good, retried by hand ----------------------------------------------------------


class RefusingTarget:
    def __init__(self):
        self.tries = 0

    def publish(self, job, on_remote_id=None):
        self.tries += 1
        raise Refused("403: You are not allowed to create a Tweet with duplicate content.")


def test_a_job_refused_for_good_fails_with_the_reason_until_retried_by_hand(outbox, tmp_path):
    photo = save_photo(b"jpeg", tmp_path / "photos")
    outbox.enqueue(photo, ["x"], caption="", language="en", taken_at=TAKEN)
    target = RefusingTarget()

    first = publish_due(outbox, {"x": target}, now=0)
    later = publish_due(outbox, {"x": target}, now=BACKOFF_MAX_S * 100)  # long after any backoff
    state = outbox.jobs()[0]
    failures = outbox.failures()
    retried = outbox.retry([state.id])
    after_retry = publish_due(outbox, {"x": target}, now=0)

    assert (first, later) == ((0, 1), (0, 0))  # refused once, then left alone
    assert (state.status, state.attempts) == ("failed", 1)
    assert state.last_error == "Refused: 403: You are not allowed to create a Tweet with duplicate content."
    assert failures == (1, "x: Refused: 403: You are not allowed to create a Tweet with duplicate content.")
    assert retried == 1
    assert after_retry == (0, 1)
    assert target.tries == 2


def test_the_network_coming_back_makes_waiting_jobs_due_but_not_failed_ones(outbox, tmp_path):
    for name in ("a", "b"):
        outbox.enqueue(tmp_path / f"{name}.jpg", ["portal"], caption="", language="en", taken_at=TAKEN)
    waiting, failed = outbox.due(now=0)
    for _ in range(10):
        outbox.mark_failed(waiting, "ConnectionError: no network", now=1000)
    outbox.mark_refused(failed, "PortalError: 401: revoked")

    made_due = outbox.retry_waiting()

    assert made_due == 1
    assert [job.photo.name for job in outbox.due(now=1001)] == ["a.jpg"]


def test_a_photo_gone_from_the_disk_fails_with_the_reason(outbox, tmp_path):
    outbox.enqueue(tmp_path / "gone.jpg", ["portal"], caption="", language="en", taken_at=TAKEN)

    assert publish_due(outbox, {"portal": RefusingTarget()}, now=0) == (0, 1)

    [state] = outbox.jobs()
    assert state.status == "failed"
    assert state.last_error == f"PhotoMissing: {tmp_path / 'gone.jpg'} is no longer on disk"


def test_an_outbox_from_the_previous_version_keeps_its_jobs(tmp_path):
    """The outbox as the booth made it before failed and held jobs existed (schema 1)."""
    path = tmp_path / "outbox.sqlite3"
    old = sqlite3.connect(path)
    old.executescript(
        """
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY, photo TEXT NOT NULL, target TEXT NOT NULL, idempotency_key TEXT NOT NULL,
            caption TEXT NOT NULL DEFAULT '', alt_text TEXT NOT NULL DEFAULT '', language TEXT NOT NULL DEFAULT '',
            taken_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
            attempts INTEGER NOT NULL DEFAULT 0, next_try REAL NOT NULL DEFAULT 0,
            last_error TEXT NOT NULL DEFAULT '', remote_id TEXT NOT NULL DEFAULT '', created REAL NOT NULL,
            UNIQUE (photo, target)
        );
        CREATE INDEX jobs_due ON jobs (status, next_try);
        INSERT INTO jobs (photo, target, idempotency_key, caption, taken_at, status, attempts, remote_id, created)
        VALUES ('/p/1.jpg', 'portal', 'k1', 'Hi', '2031-03-01T10:00:00+00:00', 'done', 1, '17', 1),
               ('/p/1.jpg', 'x', 'k2', 'Hi', '2031-03-01T10:00:00+00:00', 'pending', 3, 'media:9:1', 1);
        """
    )
    old.close()

    with Outbox(path) as box:
        due = box.due(now=1e12)
        [x_job] = due
        box.mark_refused(x_job, "XRefused: 403: Forbidden")  # a state version 1 could not hold
        states = [(job.target, job.status, job.attempts, job.remote_id) for job in box.jobs()]
    with Outbox(path) as again:  # opened once more: nothing changes
        assert [(job.target, job.status) for job in again.jobs()] == [("x", "failed"), ("portal", "done")]

    assert (x_job.idempotency_key, x_job.caption, x_job.label) == ("k2", "Hi", "")
    assert states == [("x", "failed", 4, "media:9:1"), ("portal", "done", 1, "17")]


def test_prints_go_first_in_a_round_so_a_hanging_portal_does_not_hold_them(outbox, tmp_path):
    asked = []

    class Recorder:
        def publish(self, job, on_remote_id):
            asked.append(job.target)
            return f"{job.target}-done"

    for name in ("a.jpg", "b.jpg"):
        photo = tmp_path / name
        photo.write_bytes(b"\xff\xd8 a jpeg \xff\xd9")
        outbox.enqueue(photo, ["portal", "x", "print"], caption="Hi", language="en", taken_at=TAKEN)

    publish_due(outbox, {"portal": Recorder(), "x": Recorder(), "print": Recorder()}, now=1e12)

    assert asked == ["print", "print", "portal", "x", "portal", "x"]
