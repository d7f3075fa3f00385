"""Kill the booth at random moments while it posts 200 photos through a network
that fails half the time; after the restarts, every photo is on every target
exactly once. The portal is the real one (Django's live server); X and
Mastodon are small stand-ins that keep what was posted to them."""

import collections
import io
import itertools
import json
import random
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

PHOTOS = 200
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


class StandIns:
    """What X and Mastodon would hold: posts, media, idempotency keys."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ids = itertools.count(1000)
        self.x_posts, self.mastodon_posts, self.mastodon_keys = [], [], {}
        self.replays = collections.Counter()

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
            if (method, path) == ("POST", "api/v2/media"):
                return 200, {"id": str(next(self.ids)), "type": "image"}
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


class FlakyNetwork(ThreadingHTTPServer):
    """Half of all requests fail: a quarter never arrive, a quarter arrive and
    are carried out but the answer is lost on the way back."""

    daemon_threads = True

    def __init__(self, portal_url, stand_ins, seed):
        super().__init__(("127.0.0.1", 0), Handler)
        self.portal_url, self.stand_ins = portal_url, stand_ins
        self.rng, self.rng_lock = random.Random(seed), threading.Lock()
        self.fates = collections.Counter()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"

    def fate(self):
        with self.rng_lock:
            roll = self.rng.random()
        fate = "lost on the way" if roll < 0.25 else "answer lost" if roll < 0.5 else "delivered"
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
        else:
            status, data = self.server.stand_ins.mastodon(method, path, query, body, self.headers)
            payload = json.dumps(data).encode()
        if fate == "answer lost":
            return
        self.send_response(status)
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
def test_killed_booth_on_a_flaky_network_posts_every_photo_once_everywhere(live_server, settings, tmp_path):
    settings.PHOTO_UPLOADS_PER_MINUTE = 100_000  # the portal's flood limit is not what is tested here
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
                [sys.executable, "-m", "photobooth.tests.crash_booth", str(tmp_path), network.url], cwd=ROOT
            )
            try:
                status = booth.wait(timeout=rng.uniform(0.6, 2.5))
            except subprocess.TimeoutExpired:
                booth.send_signal(signal.SIGKILL)
                booth.wait()
                kills += 1
                continue
            assert status == 0
            break
    finally:
        network.shutdown()
    elapsed = time.monotonic() - started

    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        counts = outbox.counts()
    portal = collections.Counter(Photo.objects.filter(jam=jam).values_list("caption", flat=True))
    x = collections.Counter(post["text"].split(" ")[0] for post in stand_ins.x_posts)
    mastodon = collections.Counter(post["content"].split(" ")[0] for post in stand_ins.mastodon_posts)
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
    assert counts == {"pending": 0, "done": 3 * PHOTOS}
    assert portal == dict.fromkeys(names, 1)
    assert x == dict.fromkeys(names, 1)
    assert mastodon == dict.fromkeys(names, 1)
    assert sorted(path.stem for path in (tmp_path / "photos").glob("*.jpg")) == sorted(names)
