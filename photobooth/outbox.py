"""The booth's durable outbox: one job per photo per target (the portal, X,
Mastodon), in SQLite with a write-ahead log, so that no photo is lost and
none is posted twice, whatever happens to the power or the network.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with Outbox(folder / "outbox.sqlite3") as outbox:
    ...     outbox.enqueue(
    ...         folder / "photo.jpg", ["portal"], caption="Hi", language="en", taken_at="2031-03-01T10:00:00+00:00"
    ...     )
    ...     [job.target for job in outbox.due(now=1e12)]
    ['portal']

Every job carries an idempotency key that stays the same across retries. A
publisher records the remote id of what it posted before the job is marked
done, and a retry after a lost answer asks the target first (the portal
honours the key itself), so a retry never posts twice.
"""

import os
import random
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

PENDING, DONE = "pending", "done"
BACKOFF_FIRST_S = 5
BACKOFF_MAX_S = 30 * 60

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY,
    photo TEXT NOT NULL,
    target TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    caption TEXT NOT NULL DEFAULT '',
    alt_text TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    taken_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    remote_id TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    UNIQUE (photo, target)
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (status, next_try);
"""


@dataclass(frozen=True)
class Job:
    id: int
    photo: Path
    target: str
    idempotency_key: str
    caption: str
    alt_text: str
    language: str
    taken_at: str
    attempts: int
    remote_id: str


@dataclass(frozen=True)
class JobState:
    photo: Path
    target: str
    status: str
    attempts: int
    next_try: float
    remote_id: str
    last_error: str


def backoff(attempts: int, *, rng=random) -> float:
    """Seconds to wait after `attempts` failures: doubling, capped, with jitter
    so that many booths coming back online do not all retry at once."""
    ceiling = min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** max(0, attempts - 1))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


class Outbox:
    """Use as a context manager; `close()` may be called more than once."""

    def __init__(self, path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a committed job survives a power cut
        self._db.executescript(SCHEMA)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._db is not None:
            self._db.close()
            self._db = None

    def enqueue(self, photo, targets, *, caption, language, taken_at, alt_text="") -> None:
        """One job per target for a photo already safe on disk; repeating it is harmless."""
        key = uuid.uuid4().hex
        with self._transaction():
            for target in targets:
                self._db.execute(
                    """INSERT OR IGNORE INTO jobs
                       (photo, target, idempotency_key, caption, alt_text, language, taken_at, created)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                    (str(photo), target, f"{key}-{target}", caption, alt_text, language, taken_at, time.time()),
                )

    def due(self, *, now=None) -> list[Job]:
        rows = self._db.execute(
            """SELECT id, photo, target, idempotency_key, caption, alt_text, language, taken_at, attempts, remote_id
               FROM jobs WHERE status = ? AND next_try <= ? ORDER BY id""",
            (PENDING, time.time() if now is None else now),
        )
        return [Job(row[0], Path(row[1]), *row[2:]) for row in rows]

    def jobs(self) -> list[JobState]:
        """Every job with its state, newest photo first (the `outbox list` command)."""
        rows = self._db.execute(
            "SELECT photo, target, status, attempts, next_try, remote_id, last_error FROM jobs ORDER BY id DESC"
        )
        return [JobState(Path(row[0]), *row[1:]) for row in rows]

    def record_remote_id(self, job: Job, remote_id: str) -> None:
        """What the target called the post, kept before the job is marked done."""
        self._db.execute("UPDATE jobs SET remote_id = ? WHERE id = ?", (remote_id, job.id))

    def mark_done(self, job: Job, remote_id: str = "") -> None:
        self._db.execute(
            "UPDATE jobs SET status = ?, remote_id = COALESCE(NULLIF(?, ''), remote_id), last_error = '' WHERE id = ?",
            (DONE, remote_id, job.id),
        )

    def mark_failed(self, job: Job, error: str, *, now=None, rng=random) -> None:
        now = time.time() if now is None else now
        attempts = job.attempts + 1
        self._db.execute(
            "UPDATE jobs SET attempts = ?, next_try = ?, last_error = ? WHERE id = ?",
            (attempts, now + backoff(attempts, rng=rng), error[:500], job.id),
        )

    def counts(self) -> dict:
        """{"pending": n, "done": n} for the screen."""
        rows = self._db.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status")
        return {PENDING: 0, DONE: 0, **dict(rows)}

    def retry_all(self) -> int:
        """Make every pending job due now (the `outbox retry` command)."""
        return self._db.execute("UPDATE jobs SET next_try = 0 WHERE status = ?", (PENDING,)).rowcount

    def purge_done(self) -> int:
        """Forget finished jobs. The photos stay on disk: the booth never deletes them."""
        return self._db.execute("DELETE FROM jobs WHERE status = ?", (DONE,)).rowcount

    def _transaction(self):
        return _Transaction(self._db)


class _Transaction:
    def __init__(self, db):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, *rest):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def publish_due(outbox: Outbox, publishers: dict, *, now=None, errors=None) -> tuple[int, int]:
    """Try every due job once with its target's publisher; returns (posted, failed)
    and appends what went wrong to `errors`, if given."""
    posted = failed = 0
    for job in outbox.due(now=now):
        publisher = publishers.get(job.target)
        if publisher is None:
            continue
        try:
            remote_id = publisher.publish(job, on_remote_id=lambda rid, job=job: outbox.record_remote_id(job, rid))
        except Exception as error:
            outbox.mark_failed(job, f"{type(error).__name__}: {error}", now=now)
            failed += 1
            if errors is not None:
                errors.append(error)
        else:
            outbox.mark_done(job, remote_id)
            posted += 1
    return posted, failed


def save_photo(jpeg: bytes, folder) -> Path:
    """Write the photo to disk durably before anything else happens to it.
    Returns its path."""
    final = Path(folder) / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.jpg"
    write_durably(final, jpeg)
    return final


def write_durably(path: Path, data: bytes) -> None:
    """A temporary file, fsync, rename over `path`, fsync the folder: after a
    power cut the file is either whole or not there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(path.suffix + ".partial")
    with open(partial, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
