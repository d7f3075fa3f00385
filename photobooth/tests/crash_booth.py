"""A booth process for the crash test (test_crash.py), which kills it at random
moments and starts it again: it queues the photos already saved in a folder,
as the booth does after each shot, and posts them to the portal, X and
Mastodon through the test's flaky network, until nothing is left to post.

    python -m photobooth.tests.crash_booth FOLDER NETWORK_URL

X's and Mastodon's addresses are sent to the test's stand-ins for them; the
clock runs an hour per round so backoff never makes the test wait.
"""

import sys
import time
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter

from photobooth.outbox import Outbox, publish_due
from photobooth.publishers.mastodon import MastodonPublisher
from photobooth.publishers.portal import PortalPublisher
from photobooth.publishers.x import XPublisher

TARGETS = ["portal", "x", "mastodon"]
BATCH = 10
X_HOSTS = ("https://api.x.com/", "https://api.twitter.com/")


class ToStandIn(HTTPAdapter):
    """Sends requests meant for X to the test's stand-in for X."""

    def __init__(self, base):
        super().__init__()
        self.base = base

    def send(self, request, **kwargs):
        for host in X_HOSTS:
            if request.url.startswith(host):
                request.url = self.base + request.url.removeprefix(host)
        kwargs["timeout"] = kwargs.get("timeout") or 10
        return super().send(request, **kwargs)


def main(folder: Path, network: str) -> int:
    x_session = requests.Session()
    for host in X_HOSTS:
        x_session.mount(host, ToStandIn(f"{network}/x/"))
    x_keys = {"consumer_key": "ck", "consumer_secret": "cs", "access_token": "at", "access_token_secret": "ats"}
    publishers = {
        "portal": PortalPublisher(f"{network}/portal", (folder / "token").read_text().strip()),
        "x": XPublisher(x_keys, hashtags=["#PiParty"], session=x_session),
        "mastodon": MastodonPublisher({"instance": f"{network}/mastodon", "access_token": "mt"}, hashtags=["#PiParty"]),
    }
    photos = sorted((folder / "photos").glob("*.jpg"))
    now = time.time()
    with Outbox(folder / "outbox.sqlite3") as outbox:
        for start in range(0, len(photos), BATCH):
            for photo in photos[start : start + BATCH]:  # queued again after a restart: harmless
                outbox.enqueue(photo, TARGETS, caption=photo.stem, language="en", taken_at="2031-03-01T10:00:00+00:00")
            now += 3600
            publish_due(outbox, publishers, now=now)
        while outbox.counts()["pending"]:
            now += 3600
            publish_due(outbox, publishers, now=now)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]), sys.argv[2]))
