"""The booth's durable outbox: one job per photo per target (the portal, X,
Mastodon), in SQLite with a write-ahead log, so that no photo is lost and
none is posted twice, whatever happens to the power or the network.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with Outbox(folder / "outbox.sqlite3") as outbox:
    ...     path = outbox.hold(b"a jpeg", folder, ["portal"], caption="Hi", language="en",
    ...                        taken_at="2031-03-01T10:00:00+00:00")   # on disk, held during the consent window
    ...     outbox.release(path)                                          # nobody said "don't post it": 1 job
    ...     [job.target for job in outbox.due(now=1e12)]
    1
    ['portal']

A photo is recorded as held before its file is written, so whatever is on disk
is in the outbox: a restart (`recover`) posts every held photo whose file is
whole, as nobody declined it, and forgets those whose file never was. A "don't
post it" press is recorded at once (`decline`), so a declined photo is never
posted, even if the power goes a moment later.

Every job carries an idempotency key that stays the same across retries. A
publisher records the remote id of what it posted before the job is marked
done, and a retry after a lost answer asks the target first (the portal
honours the key itself), so a retry never posts twice. A target that refuses a
job for good (a 4xx answer that is not rate limiting) leaves it failed, with
the reason, until someone retries it by hand (`retry`).
"""

import os
import random
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from .publishers import Refused

HELD, PENDING, DONE, FAILED, DECLINED = "held", "pending", "done", "failed", "declined"
STATUSES = (HELD, PENDING, DONE, FAILED, DECLINED)
BACKOFF_FIRST_S = 5
BACKOFF_MAX_S = 30 * 60
SCHEMA_VERSION = 2  # 1 (unnumbered): no held, failed or declined jobs, no labels, no count of the day's photos

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY,
    photo TEXT NOT NULL,
    target TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    caption TEXT NOT NULL DEFAULT '',
    alt_text TEXT NOT NULL DEFAULT '',
    label TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    taken_at TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('held', 'pending', 'done', 'failed', 'declined')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_try REAL NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    remote_id TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    UNIQUE (photo, target)
);
CREATE INDEX IF NOT EXISTS jobs_due ON jobs (status, next_try);
CREATE TABLE IF NOT EXISTS days (day TEXT PRIMARY KEY, photos INTEGER NOT NULL);
"""
# A version 1 outbox's jobs, copied as they are when it is upgraded.
COPY_V1_JOBS = """
INSERT INTO jobs (id, photo, target, idempotency_key, caption, alt_text, language, taken_at, status, attempts,
                  next_try, last_error, remote_id, created)
SELECT id, photo, target, idempotency_key, caption, alt_text, language, taken_at, status, attempts, next_try,
       last_error, remote_id, created
FROM jobs_v1
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
    label: str = ""  # what makes the post's text its own: "Photo 12 of the day, taken at 10:42"


@dataclass(frozen=True)
class JobState:
    id: int
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
        self._upgrade()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        if self._db is not None:
            self._db.close()
            self._db = None

    def hold(
        self, jpeg: bytes, folder, targets, *, caption, language, taken_at, alt_text="", label="", suffix=".jpg"
    ) -> Path:
        """Keep a new photo: its jobs first, held (not to be posted yet), then the
        file, written durably. Returns the photo's path. Held jobs wait for
        `release` (consent given) or `decline`; after a restart, `recover`. A boomerang
        is kept the same way, its file an animated WebP (`suffix=".webp"`)."""
        path = new_photo_path(folder, suffix)
        self._insert(
            path, targets, HELD, caption=caption, language=language, taken_at=taken_at, alt_text=alt_text, label=label
        )
        try:
            write_durably(path, jpeg)
        except BaseException:
            self._db.execute("DELETE FROM jobs WHERE photo = ? AND status = ?", (str(path), HELD))
            raise
        return path

    def release(self, photo) -> int:
        """Nobody declined it: post the held photo. Returns its number of jobs."""
        return self._db.execute(
            "UPDATE jobs SET status = ? WHERE photo = ? AND status = ?", (PENDING, str(photo), HELD)
        ).rowcount

    def decline(self, photo) -> int:
        """ "Don't post it": the held photo's jobs are declined for good, at once."""
        return self._db.execute(
            "UPDATE jobs SET status = ? WHERE photo = ? AND status = ?", (DECLINED, str(photo), HELD)
        ).rowcount

    def recover(self) -> tuple[int, int]:
        """At start, before the booth takes a photo: a photo still held was in
        its consent window when the booth stopped, and nobody declined it, so it
        is posted; one whose file is not on disk was never saved, and is
        forgotten. Returns (photos released, photos forgotten)."""
        released = forgotten = 0
        held = self._db.execute("SELECT DISTINCT photo FROM jobs WHERE status = ?", (HELD,)).fetchall()
        for (photo,) in held:
            if Path(photo).is_file():
                released += bool(self.release(photo))
            else:
                self._db.execute("DELETE FROM jobs WHERE photo = ? AND status = ?", (photo, HELD))
                forgotten += 1
        return released, forgotten

    def next_number(self, day: str) -> int:
        """The next photo's number on `day` (1, 2, 3...), counted durably: a
        number is never given twice, even after `purge_done`."""
        with self._transaction():
            self._db.execute(
                "INSERT INTO days (day, photos) VALUES (?, 1) ON CONFLICT (day) DO UPDATE SET photos = photos + 1",
                (day,),
            )
            (number,) = self._db.execute("SELECT photos FROM days WHERE day = ?", (day,)).fetchone()
        return number

    def enqueue(self, photo, targets, *, caption, language, taken_at, alt_text="", label="") -> None:
        """One job per target for a photo already safe on disk, to post now;
        repeating it is harmless."""
        self._insert(
            photo,
            targets,
            PENDING,
            caption=caption,
            language=language,
            taken_at=taken_at,
            alt_text=alt_text,
            label=label,
        )

    def due(self, *, now=None) -> list[Job]:
        rows = self._db.execute(
            """SELECT id, photo, target, idempotency_key, caption, alt_text, language, taken_at, attempts, remote_id,
                      label
               FROM jobs WHERE status = ? AND next_try <= ? ORDER BY id""",
            (PENDING, time.time() if now is None else now),
        )
        return [Job(row[0], Path(row[1]), *row[2:]) for row in rows]

    def jobs(self) -> list[JobState]:
        """Every job with its state, newest photo first (the `outbox list` command)."""
        rows = self._db.execute(
            "SELECT id, photo, target, status, attempts, next_try, remote_id, last_error FROM jobs ORDER BY id DESC"
        )
        return [JobState(row[0], Path(row[1]), *row[2:]) for row in rows]

    def record_remote_id(self, job: Job, remote_id: str) -> None:
        """What the target called the post, kept before the job is marked done."""
        self._db.execute("UPDATE jobs SET remote_id = ? WHERE id = ?", (remote_id, job.id))

    def mark_done(self, job: Job, remote_id: str = "") -> None:
        self._db.execute(
            "UPDATE jobs SET status = ?, remote_id = COALESCE(NULLIF(?, ''), remote_id), last_error = '' WHERE id = ?",
            (DONE, remote_id, job.id),
        )

    def mark_failed(self, job: Job, error: str, *, now=None, rng=random) -> None:
        """This try failed (the network, the target busy): try again after a backoff."""
        now = time.time() if now is None else now
        attempts = job.attempts + 1
        self._db.execute(
            "UPDATE jobs SET attempts = ?, next_try = ?, last_error = ? WHERE id = ?",
            (attempts, now + backoff(attempts, rng=rng), _one_line(error), job.id),
        )

    def mark_refused(self, job: Job, error: str) -> None:
        """The target refused it for good: failed, with the reason, until `retry`."""
        self._db.execute(
            "UPDATE jobs SET status = ?, attempts = attempts + 1, last_error = ? WHERE id = ?",
            (FAILED, _one_line(error), job.id),
        )

    def counts(self) -> dict:
        """{"held": n, "pending": n, "done": n, "failed": n, "declined": n}."""
        rows = self._db.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status")
        return {**dict.fromkeys(STATUSES, 0), **dict(rows)}

    def failures(self) -> tuple[int, str]:
        """How many photos have a job that failed for good, and the latest
        reason ("x: XError: 401: Unauthorized"), for the screen."""
        (photos,) = self._db.execute("SELECT COUNT(DISTINCT photo) FROM jobs WHERE status = ?", (FAILED,)).fetchone()
        latest = self._db.execute(
            "SELECT target, last_error FROM jobs WHERE status = ? ORDER BY id DESC LIMIT 1", (FAILED,)
        ).fetchone()
        return photos, f"{latest[0]}: {latest[1]}" if latest else ""

    def retry(self, job_ids=None) -> int:
        """Make failed and waiting jobs due now: all of them, or those with these
        ids (the `outbox retry` command). Returns how many."""
        query = "UPDATE jobs SET status = ?, next_try = 0 WHERE status IN (?, ?)"
        if job_ids is None:
            return self._db.execute(query, (PENDING, PENDING, FAILED)).rowcount
        with self._transaction():
            return sum(
                self._db.execute(f"{query} AND id = ?", (PENDING, PENDING, FAILED, job_id)).rowcount
                for job_id in job_ids
            )

    def retry_waiting(self) -> int:
        """Make every job waiting out its backoff due now (the network is back);
        failed jobs stay failed. Returns how many."""
        return self._db.execute("UPDATE jobs SET next_try = 0 WHERE status = ? AND next_try > 0", (PENDING,)).rowcount

    def purge_done(self) -> int:
        """Forget finished jobs. The photos stay on disk: the booth never deletes
        them; declined ones stay listed, as the record of the "no"."""
        return self._db.execute("DELETE FROM jobs WHERE status = ?", (DONE,)).rowcount

    def _insert(self, photo, targets, status, *, caption, language, taken_at, alt_text, label):
        key = uuid.uuid4().hex
        with self._transaction():
            for target in targets:
                self._db.execute(
                    """INSERT OR IGNORE INTO jobs (photo, target, idempotency_key, caption, alt_text, label, language,
                                                   taken_at, status, created)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (
                        str(photo),
                        target,
                        f"{key}-{target}",
                        caption,
                        alt_text,
                        label,
                        language,
                        taken_at,
                        status,
                        time.time(),
                    ),
                )

    def _upgrade(self):
        """Create the tables, or bring an older outbox's up to date, keeping its jobs."""
        with self._transaction():
            (version,) = self._db.execute("PRAGMA user_version").fetchone()
            if version >= SCHEMA_VERSION:
                return
            old = self._db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'jobs'").fetchone()
            if old:  # SQLite cannot change a CHECK constraint in place: a new table, the rows copied over
                self._db.execute("ALTER TABLE jobs RENAME TO jobs_v1")
                self._db.execute("DROP INDEX IF EXISTS jobs_due")
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    self._db.execute(statement)
            if old:
                self._db.execute(COPY_V1_JOBS)
                self._db.execute("DROP TABLE jobs_v1")
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _transaction(self):
        return _Transaction(self._db)

    # --- take-home ---
    def key(self, photo, target) -> str | None:
        """The idempotency key of the photo's job for `target` (photobooth/takehome.py
        makes the photo's page address from the portal's); None if it has none."""
        row = self._db.execute(
            "SELECT idempotency_key FROM jobs WHERE photo = ? AND target = ?", (str(photo), target)
        ).fetchone()
        return row[0] if row else None


class _Transaction:
    def __init__(self, db):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, *rest):
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")


def publish_due(outbox: Outbox, publishers: dict, *, now=None, errors=None) -> tuple[int, int]:
    """Try every due job once with its target's publisher; returns (posted, failed)
    and appends what went wrong to `errors`, if given. A job its target refuses
    for good (`publishers.Refused`) is failed at once, with the reason; any other
    error is tried again after a backoff."""
    posted = failed = 0
    # Prints first: the printer is beside the booth, and a guest waits for their print
    # while a portal that hangs may hold each network job up to its timeout.
    for job in sorted(outbox.due(now=now), key=lambda job: job.target.partition("#")[0] != "print"):
        publisher = publishers.get(job.target) or publishers.get(job.target.partition("#")[0])  # "print#2": again
        if publisher is None:
            continue
        try:
            if not job.photo.is_file():
                raise PhotoMissing(f"{job.photo} is no longer on disk")
            remote_id = publisher.publish(job, on_remote_id=lambda rid, job=job: outbox.record_remote_id(job, rid))
        except Refused as error:
            outbox.mark_refused(job, f"{type(error).__name__}: {error}")
            failed += 1
            if errors is not None:
                errors.append(error)
        except Exception as error:
            outbox.mark_failed(job, f"{type(error).__name__}: {error}", now=now)
            failed += 1
            if errors is not None:
                errors.append(error)
        else:
            outbox.mark_done(job, remote_id)
            posted += 1
    return posted, failed


class PhotoMissing(Refused):
    """The photo's file is gone (someone deleted it): no target can be sent it."""


def save_photo(jpeg: bytes, folder) -> Path:
    """Write the photo to disk durably before anything else happens to it.
    Returns its path. (The booth keeps its photos with `Outbox.hold`.)"""
    final = new_photo_path(folder)
    write_durably(final, jpeg)
    return final


def new_photo_path(folder, suffix=".jpg") -> Path:
    """A name of its own for a new photo, in the order they were taken."""
    return Path(folder) / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}{suffix}"


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


def _one_line(error: str) -> str:
    """An error as one line of at most 500 characters, for `outbox list` and the screen."""
    return " ".join(error.split())[:500]


# --- Printing ---


def add_print(outbox: Outbox, photo) -> str:
    """One more print of a photo already in the outbox (or only on disk): a job
    of its own, "print" for the first, then "print#2", "print#3"..., with the
    photo's caption, language and label, due now. Returns its target."""
    db = outbox._db
    with outbox._transaction():
        rows = db.execute(
            "SELECT target, caption, alt_text, label, language, taken_at FROM jobs WHERE photo = ? ORDER BY id",
            (str(photo),),
        ).fetchall()
        prints = {row[0] for row in rows if row[0] == "print" or row[0].startswith("print#")}
        target = "print" if "print" not in prints else f"print#{len(prints) + 1}"
        while target in prints:
            target = f"print#{int(target.partition('#')[2]) + 1}"
        _target, caption, alt_text, label, language, taken_at = rows[0] if rows else ("", "", "", "", "", "")
        db.execute(
            """INSERT INTO jobs (photo, target, idempotency_key, caption, alt_text, label, language, taken_at, status,
                                 created)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                str(photo),
                target,
                f"{uuid.uuid4().hex}-{target.replace('#', '-')}",
                caption,
                alt_text,
                label,
                language,
                taken_at or time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
                PENDING,
                time.time(),
            ),
        )
    return target


# --- the local gallery and panel (issue 23) ---
# A photo is shown on the venue's network only once every one of its jobs left its consent
# window without a "no" (none held, none declined), and only if nobody hid it in the panel.
# It is known there by its first job's id: never by its file's name.
HIDDEN_SCHEMA = "CREATE TABLE IF NOT EXISTS hidden (photo TEXT PRIMARY KEY, at REAL NOT NULL)"
SHOWN_PHOTOS = """
SELECT MIN(id), photo, MAX(caption), MAX(language), MIN(taken_at), SUM(status = 'done')
FROM jobs {where}
GROUP BY photo
HAVING SUM(status IN ('held', 'declined')) = 0 AND photo NOT IN (SELECT photo FROM hidden)
ORDER BY MIN(id) DESC
"""


@dataclass(frozen=True)
class ShownPhoto:
    id: int
    photo: Path
    caption: str
    language: str
    taken_at: str
    posted: int  # how many of its targets have it


def photos_shown(outbox: Outbox, *, photo_id=None) -> list[ShownPhoto]:
    """The photos the local gallery may show, newest first (or only the one with
    this id, if it may be shown)."""
    outbox._db.execute(HIDDEN_SCHEMA)
    if photo_id is None:
        rows = outbox._db.execute(SHOWN_PHOTOS.format(where=""))
    else:
        where = "WHERE photo = (SELECT photo FROM jobs WHERE id = ?)"
        rows = [row for row in outbox._db.execute(SHOWN_PHOTOS.format(where=where), (photo_id,)) if row[0] == photo_id]
    return [ShownPhoto(row[0], Path(row[1]), *row[2:]) for row in rows]


def photo_hide(outbox: Outbox, photo_id: int) -> bool:
    """Hidden from the gallery for good, and its jobs not yet posted declined (a
    target that has it already keeps it). False if no such photo is shown."""
    shown = photos_shown(outbox, photo_id=photo_id)
    if not shown:
        return False
    photo = str(shown[0].photo)
    with outbox._transaction():
        outbox._db.execute(
            "UPDATE jobs SET status = ? WHERE photo = ? AND status IN (?, ?, ?)",
            (DECLINED, photo, HELD, PENDING, FAILED),
        )
        outbox._db.execute("INSERT OR IGNORE INTO hidden (photo, at) VALUES (?, ?)", (photo, time.time()))
    return True


def job_purge(outbox: Outbox, job_id: int) -> bool:
    """Give up on a job its target refused for good: forgotten (the photo stays on disk)."""
    return bool(outbox._db.execute("DELETE FROM jobs WHERE id = ? AND status = ?", (job_id, FAILED)).rowcount)
