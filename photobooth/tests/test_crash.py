"""Kill the booth and start it again: at every stage of a photo's way, from
the countdown to the upload, and at random moments while it posts 200 photos
through a network that fails half the time. After the restarts, every photo
on disk that nobody declined is on every target exactly once, and a declined
one on none. The portal is the real one (Django's live server); X,
Mastodon and Bluesky are small stand-ins that keep what was posted to them.
Every photo is printed too, through a real CUPS server of the test's own
(`cups_server`, conftest.py), exactly once."""

import collections
import io
import itertools
import json
import random
import select
import signal
import subprocess
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from PIL import Image

from jamportal.feed import services as feed_services
from jamportal.feed.models import Photo
from jamportal.jams.tests.factories import JamFactory
from photobooth.outbox import Outbox, save_photo
from photobooth.tests.bluesky_standin import StandInPDS

PHOTOS = 200
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


class StandIns:
    """What X, Mastodon and Bluesky would hold: posts, media, idempotency keys, records."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ids = itertools.count(1000)
        self.x_posts, self.mastodon_posts, self.mastodon_keys, self.mastodon_media = [], [], {}, set()
        self.replays = collections.Counter()
        self.pds = StandInPDS()  # Bluesky: the account's PDS, one record per record key

    def x(self, method, path, query, body):
        with self.lock:
            if (method, path) == ("POST", "2/media/upload"):
                media = next(self.ids)
                return 200, {"data": {"id": str(media), "media_key": f"3_{media}"}}
            if (method, path) == ("POST", "2/media/metadata"):
                return 200, {"data": {"id": json.loads(body)["id"]}}
            if (method, path) == ("POST", "2/tweets"):
                sent = json.loads(body)
                post = {"id": str(next(self.ids)), "text": sent["text"], "media": sent["media"]["media_ids"]}
                post["created"] = time.time()
                self.x_posts.append(post)
                return 201, {"data": {"id": post["id"], "text": post["text"], "edit_history_tweet_ids": [post["id"]]}}
            if (method, path) == ("GET", "2/users/me"):
                return 200, {"data": {"id": "42", "name": "Jam", "username": "jam"}}
            if (method, path) == ("GET", "2/users/42/tweets"):
                self.replays["x timeline lookups"] += 1
                since = time.mktime(time.strptime(query["start_time"][0], "%Y-%m-%dT%H:%M:%SZ")) - time.timezone
                posts = [post for post in reversed(self.x_posts) if post["created"] >= since]
                start, size = int(query.get("pagination_token", ["0"])[0]), int(query["max_results"][0])
                page = [
                    {
                        "id": p["id"],
                        "text": p["text"],
                        "edit_history_tweet_ids": [p["id"]],
                        "attachments": {"media_keys": [f"3_{m}" for m in p["media"]]},
                    }
                    for p in posts[start : start + size]
                ]
                meta = {"result_count": len(page)}
                if start + size < len(posts):
                    meta["next_token"] = str(start + size)
                return 200, {"data": page, "meta": meta} if page else {"meta": meta}
        return 404, {"title": "Not Found"}

    def mastodon(self, method, path, query, body, headers):
        with self.lock:
            if (method, path) == ("GET", "api/v1/instance/"):
                return 200, {"uri": "mastodon.test", "version": "4.3.2"}
            if (method, path) == ("GET", "api/v2/instance/"):
                return 200, {
                    "domain": "mastodon.test",
                    "version": "4.3.2",
                    "api_versions": {"mastodon": 2},
                    "configuration": {"statuses": {"max_characters": 500}},
                }
            # Mastodon.py uses the v1 upload (which Mastodon 4 still has) when it could not learn the version.
            if (method, path) in (("POST", "api/v2/media"), ("POST", "api/v1/media")):
                media = str(next(self.ids))
                self.mastodon_media.add(media)
                return 200, {"id": media, "type": "image", "url": f"https://files.mastodon.test/{media}.jpg"}
            if method == "GET" and path.startswith("api/v1/media/"):
                media = path.removeprefix("api/v1/media/")
                if media in self.mastodon_media:
                    return 200, {"id": media, "type": "image", "url": f"https://files.mastodon.test/{media}.jpg"}
            if (method, path) == ("POST", "api/v1/statuses"):
                key = headers.get("Idempotency-Key")
                if key in self.mastodon_keys:
                    self.replays["mastodon idempotent replays"] += 1
                    return 200, self.mastodon_keys[key]
                form = parse_qs(body.decode())
                status = {
                    "id": str(next(self.ids)),
                    "content": form["status"][0],
                    "media_attachments": [{"id": m, "type": "image"} for m in form["media_ids[]"]],
                }
                self.mastodon_posts.append(status)
                self.mastodon_keys[key] = status
                return 200, status
            if (method, path) == ("GET", "api/v1/accounts/verify_credentials"):
                return 200, {"id": "7", "username": "jam", "acct": "jam"}
            if (method, path) == ("GET", "api/v1/accounts/7/statuses"):
                self.replays["mastodon timeline lookups"] += 1
                return 200, list(reversed(self.mastodon_posts))[: int(query.get("limit", ["20"])[0])]
        return 404, {"error": "Record not found"}

    def bluesky(self, method, path, query, body, headers):
        if path == "xrpc/com.atproto.repo.getRecord":
            with self.lock:
                self.replays["bluesky record lookups"] += 1
        return self.pds.answer(method, path, query, body, headers)


class FlakyNetwork(ThreadingHTTPServer):
    """Half of all requests fail (or `failing`): a quarter never arrive, a quarter
    arrive and are carried out but the answer is lost on the way back."""

    daemon_threads = True

    def __init__(self, portal_url, stand_ins, seed, *, failing=0.5):
        super().__init__(("127.0.0.1", 0), Handler)
        self.portal_url, self.stand_ins, self.failing = portal_url, stand_ins, failing
        self.rng, self.rng_lock = random.Random(seed), threading.Lock()
        self.fates, self.requests = collections.Counter(), collections.Counter()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def fate(self):
        with self.rng_lock:
            roll = self.rng.random()
        fate = "lost on the way" if roll < self.failing / 2 else "answer lost" if roll < self.failing else "delivered"
        self.fates[fate] += 1
        return fate


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def handle_any(self, method):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        fate = self.server.fate()
        self.close_connection = True
        if fate == "lost on the way":
            return
        parts = urlsplit(self.path)
        target, _, path = parts.path.lstrip("/").partition("/")
        self.server.requests[f"{method} {target}/{path}"] += 1
        query = parse_qs(parts.query)
        if target == "portal":
            answer = requests.request(
                method,
                f"{self.server.portal_url}/{path}",
                params=parts.query,
                data=body,
                timeout=30,
                headers={name: self.headers[name] for name in ("Authorization", "Content-Type") if self.headers[name]},
            )
            status, payload = answer.status_code, answer.content
        elif target == "x":
            status, data = self.server.stand_ins.x(method, path, query, body)
            payload = json.dumps(data).encode()
        elif target == "bluesky":
            status, data = self.server.stand_ins.bluesky(method, path, query, body, self.headers)
            payload = json.dumps(data).encode()
        else:
            status, data = self.server.stand_ins.mastodon(method, path, query, body, self.headers)
            payload = json.dumps(data).encode()
        if fate == "answer lost":
            return
        self.send_response(status)
        # Said, not only done: a client not told would send its next request on this connection
        # as it closes, and fail in a way the network under test never chose.
        self.send_header("Connection", "close")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def small_jpeg(number):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (number % 256, 80, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.slow  # a soak: 200 photos, the booth killed again and again
@pytest.mark.django_db(transaction=True)
def test_killed_booth_on_a_flaky_network_posts_every_photo_once_everywhere(
    live_server, settings, tmp_path, cups_server
):
    settings.PHOTO_UPLOADS_PER_MINUTE = 100_000  # the portal's flood limit is not what is tested here
    cups_server.run("cupsdisable", "booth-pdf")  # CUPS takes the prints and keeps them: 200 pages are not rendered
    jam = JamFactory(title="Crash Test Jam")
    _booth, token = feed_services.booth_create(jam, by=jam.organiser, name="Booth")
    (tmp_path / "token").write_text(token)
    names = [save_photo(small_jpeg(n), tmp_path / "photos").stem for n in range(PHOTOS)]
    stand_ins = StandIns()
    network = FlakyNetwork(live_server.url, stand_ins, seed=20310301)
    threading.Thread(target=network.serve_forever, daemon=True).start()
    rng = random.Random(7)
    kills = starts = 0
    started = time.monotonic()
    try:
        while starts < 300:
            starts += 1
            booth = subprocess.Popen(
                [sys.executable, "-m", "photobooth.tests.crash_booth", str(tmp_path), network.url],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            # The kill comes at a random moment of the posting, counted from when the booth is ready to post:
            # its imports (the AT Protocol SDK's take seconds on a busy machine) are not what is tested.
            ready, _, _ = select.select([booth.stdout], [], [], 120)
            assert ready, "the booth did not start within two minutes"
            assert booth.stdout.readline() == "ready\n"
            try:
                status = booth.wait(timeout=rng.uniform(0.6, 2.5))
            except subprocess.TimeoutExpired:
                booth.send_signal(signal.SIGKILL)
                booth.wait()
                kills += 1
                continue
            finally:
                booth.stdout.close()
            assert status == 0
            break
    finally:
        network.shutdown()
    elapsed = time.monotonic() - started

    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        counts = outbox.counts()
        photo_of_key = dict(outbox._db.execute("SELECT idempotency_key, photo FROM jobs WHERE target = 'print'"))
    printed = collections.Counter(Path(photo_of_key[key]).stem for key in cups_server.printed_keys().elements())
    portal = collections.Counter(Photo.objects.filter(jam=jam).values_list("caption", flat=True))
    x = collections.Counter(post["text"].split(" ")[0] for post in stand_ins.x_posts)
    mastodon = collections.Counter(post["content"].split(" ")[0] for post in stand_ins.mastodon_posts)
    bluesky = collections.Counter(post["text"].split(" ")[0] for post in stand_ins.pds.posts)
    summary = {
        "photos": PHOTOS,
        "booth starts": starts,
        "kills": kills,
        "requests": dict(network.fates),
        **stand_ins.replays,
        "seconds": round(elapsed, 1),
    }
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"crash-test-{uuid.uuid4().hex[:6]}.json").write_text(json.dumps(summary, indent=1))
    assert kills >= 5, summary  # the booth really was killed, many times
    assert network.fates["answer lost"] >= 100, summary
    assert counts == {"held": 0, "pending": 0, "done": 5 * PHOTOS, "failed": 0, "declined": 0}
    assert portal == dict.fromkeys(names, 1)
    assert x == dict.fromkeys(names, 1)
    assert mastodon == dict.fromkeys(names, 1)
    assert bluesky == dict.fromkeys(names, 1)
    assert printed == dict.fromkeys(names, 1)
    assert sorted(path.stem for path in (tmp_path / "photos").glob("*.jpg")) == sorted(names)


class BoothProcess:
    """`crash_booth flow`: the booth in a process of its own, one step at a time,
    killed (SIGKILL) by the test or by itself at a chosen point."""

    def __init__(self, folder, network_url):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "photobooth.tests.crash_booth", "flow", str(folder), network_url],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.state = self._answer()

    def do(self, *commands):
        """Each command, answered with the booth's state; None once the booth has died."""
        for command in commands:
            self.process.stdin.write(command + "\n")
            self.process.stdin.flush()
            self.state = self._answer()
            if self.state is None:
                break
        return self.state

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        return self.wait()

    def wait(self):
        self.process.stdin.close()
        self.process.stdout.close()
        return self.process.wait(timeout=30)

    def _answer(self):
        ready, _, _ = select.select([self.process.stdout], [], [], 60)
        assert ready, "the booth did not answer within a minute"
        line = self.process.stdout.readline()
        if not line:
            return None  # killed itself
        assert line.startswith("ok "), line
        return line.split()[1]


@pytest.mark.slow  # twelve booth processes, each started for real
@pytest.mark.django_db(transaction=True)
def test_a_booth_killed_at_every_stage_posts_each_photo_nobody_declined_once(live_server, tmp_path, cups_server):
    jam = JamFactory(title="Every Stage Jam")
    _booth, token = feed_services.booth_create(jam, by=jam.organiser, name="Booth")
    (tmp_path / "token").write_text(token)
    stand_ins = StandIns()
    network = FlakyNetwork(live_server.url, stand_ins, seed=1, failing=0)
    threading.Thread(target=network.serve_forever, daemon=True).start()
    take_a_photo = ("press", "tick 3")  # the countdown, then the photo: saved, and the consent window opens
    stages = []
    try:

        def stage(name, *commands, killed_by="test", expect=None):
            booth = BoothProcess(tmp_path, network.url)
            state = booth.do(*commands)
            if killed_by == "test":
                assert state == expect, (name, state)
                status = booth.kill()
            else:  # it killed itself at the chosen point
                assert state is None, (name, state)
                status = booth.wait()
            assert status == -signal.SIGKILL, name
            stages.append(name)

        stage("countdown", "press", "tick 1", expect="countdown")
        stage("saving: the jobs held, the file not yet written", "die-before write_durably", *take_a_photo,
              killed_by="itself")  # fmt: skip
        stage("saved: the file written, the screen not yet showing it", "die-after write_durably", *take_a_photo,
              killed_by="itself")  # fmt: skip
        stage("consent window", *take_a_photo, "tick 2", expect="consent")
        stage("declined, killed just after the press", *take_a_photo, "press", expect="consent")
        stage("declined, then enqueued (another photo), not yet posted",
              *take_a_photo, "press", "tick 5", *take_a_photo, "tick 5", expect="idle")  # fmt: skip
        # Posting the first photo: its print first (each round prints before posting), then the portal, X,
        # Mastodon, Bluesky; what it knows is recorded with each answer.
        stage("printing: CUPS has the print, the answer not yet recorded", "die-before record_remote_id@print",
              "publish", killed_by="itself")  # fmt: skip
        stage("uploading: on the portal, the answer not yet recorded", "die-before record_remote_id@portal", "publish",
              killed_by="itself")  # fmt: skip
        stage("uploading: X has the media, the post not yet made", "die-after record_remote_id@x", "publish",
              killed_by="itself")  # fmt: skip
        stage("uploading: on Mastodon, the answer not yet recorded",
              "die-before record_remote_id@mastodon 2", "publish", killed_by="itself")  # fmt: skip
        stage("uploading: on Bluesky, the answer not yet recorded",
              "die-before record_remote_id@bluesky 2", "publish", killed_by="itself")  # fmt: skip
        stage("uploading: posted and recorded, not yet marked done", "die-before mark_done 2", "publish",
              killed_by="itself")  # fmt: skip
        last = BoothProcess(tmp_path, network.url)
        last.do("publish", "quit")
        assert last.wait() == 0
    finally:
        network.shutdown()

    photos = {path.name for path in (tmp_path / "photos").glob("*.jpg")}
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        jobs = outbox._db.execute("SELECT photo, target, status, idempotency_key, label FROM jobs").fetchall()
        counts = outbox.counts()
    by_photo = collections.defaultdict(dict)
    for photo, target, status, key, label in jobs:
        by_photo[Path(photo).name][target] = (status, key, label)
    declined = {name for name, targets in by_photo.items() if {s for s, _k, _l in targets.values()} == {"declined"}}
    posted = photos - declined
    portal_keys = collections.Counter(Photo.objects.filter(jam=jam).values_list("idempotency_key", flat=True))
    x_labels = collections.Counter(post["text"].split("\n")[1] for post in stand_ins.x_posts)
    mastodon_labels = collections.Counter(post["content"].split("\n")[1] for post in stand_ins.mastodon_posts)
    bluesky_labels = collections.Counter(post["text"].split("\n")[1] for post in stand_ins.pds.posts)
    label_of = {name: targets["portal"][2] for name, targets in by_photo.items()}
    printed = cups_server.printed_keys()

    assert len(stages) == 12
    assert set(by_photo) == photos  # every photo on disk is in the outbox; none is there without its file
    assert len(photos) == 5  # the countdown and the file never written left no photo
    assert len(declined) == 2
    assert counts == {"held": 0, "pending": 0, "done": 15, "failed": 0, "declined": 10}
    assert portal_keys == {by_photo[name]["portal"][1]: 1 for name in posted}
    assert x_labels == {label_of[name]: 1 for name in posted}
    assert mastodon_labels == {label_of[name]: 1 for name in posted}
    assert bluesky_labels == {label_of[name]: 1 for name in posted}
    assert printed == {by_photo[name]["print"][1]: 1 for name in posted}
    assert len({label_of[name] for name in photos}) == 5  # each photo's text its own
    # The kills while uploading were where they say: a photo sent to the portal again under its key,
    # X asked whether the media it had went out, Mastodon sent a post again under its key,
    # Bluesky asked for the post's record before posting.
    assert network.requests["POST portal/api/booth/photos"] > len(posted)
    assert stand_ins.replays["x timeline lookups"] >= 1
    assert stand_ins.replays["mastodon timeline lookups"] >= 1
    assert stand_ins.replays["bluesky record lookups"] >= 1
