import itertools
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from photobooth.outbox import BACKOFF_MAX_S, Outbox, backoff, publish_due, save_photo

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
    assert outbox.counts() == {"pending": 3, "done": 0}


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
    for n in range(50):
        outbox.enqueue(tmp_path / f"{n}.jpg", list(targets), caption="", language="en", taken_at=TAKEN)

    now = 0.0
    while outbox.counts()["pending"]:
        publish_due(outbox, targets, now=now)
        now += BACKOFF_MAX_S + 1

    assert outbox.counts() == {"pending": 0, "done": 100}
    for target in targets.values():
        assert len(target.posted) == 50  # one post per photo: retries reused the same key
