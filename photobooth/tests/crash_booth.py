"""Booth processes for the crash tests (test_crash.py), which kill them and
start them again.

    python -m photobooth.tests.crash_booth FOLDER NETWORK_URL        the soak
    python -m photobooth.tests.crash_booth flow FOLDER NETWORK_URL   the flow, one step at a time

The soak says "ready" once it can post, then queues the photos already
saved in a folder, as the booth does after each shot, and posts them to the
portal, X, Mastodon and Bluesky through the test's flaky network, and prints
them through the test's CUPS server (CUPS_SERVER), until nothing is left; its
clock runs an hour per round so backoff never makes the test wait.

The flow is the booth itself (`app.make_booth` with a fake camera, the
outbox as `app.run` opens it, posting as its publishing thread starts and
goes round), its clock and button in the test's hands: it reads one command
a line and answers `ok <booth state>` once it is done, so that the test can
kill it at a known stage of the flow:

    press                    the button, short
    tick SECONDS             the clock moves on; the booth acts on it
    publish                  post what is due until nothing is left
    die-before|die-after NAME[@TARGET] [N]
                             SIGKILL this process itself around the Nth call (1st by default)
                             of NAME: write_durably (the photo's file), record_remote_id, mark_done;
                             with @TARGET, only the calls for that target's jobs count (whatever
                             happened to the other targets' jobs on the way, e.g. a slow answer)
    quit

X's, Mastodon's and Bluesky's addresses are sent to the test's stand-ins for them;
prints go to the test's own cupsd (its CUPS_SERVER) and its printer "booth-pdf".
"""

import json
import os
import signal
import sys
import time
from pathlib import Path

import requests
from PIL import Image
from requests.adapters import HTTPAdapter

from photobooth import app
from photobooth import outbox as outbox_module
from photobooth.camera import FakeCamera
from photobooth.compose import Brand
from photobooth.config import parse
from photobooth.outbox import Outbox, publish_due
from photobooth.printing import PrintPublisher
from photobooth.publishers.bluesky import BlueskyPublisher
from photobooth.publishers.mastodon import MastodonPublisher
from photobooth.publishers.portal import PortalPublisher
from photobooth.publishers.x import XPublisher
from photobooth.tests.bluesky_standin import APP_PASSWORD, HANDLE

TARGETS = ["portal", "x", "mastodon", "bluesky"]
PRINTER = "booth-pdf"
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


def publishers_through(folder: Path, network: str) -> dict:
    x_session = requests.Session()
    for host in X_HOSTS:
        x_session.mount(host, ToStandIn(f"{network}/x/"))
    x_keys = {"consumer_key": "ck", "consumer_secret": "cs", "access_token": "at", "access_token_secret": "ats"}
    return {
        "portal": PortalPublisher(f"{network}/portal", (folder / "token").read_text().strip()),
        "x": XPublisher(x_keys, hashtags=["#PiParty"], session=x_session),
        "mastodon": MastodonPublisher({"instance": f"{network}/mastodon", "access_token": "mt"}, hashtags=["#PiParty"]),
        "bluesky": BlueskyPublisher(
            {"handle": HANDLE, "app_password": APP_PASSWORD, "service": f"{network}/bluesky"}, hashtags=["#PiParty"]
        ),
        "print": PrintPublisher(PRINTER, folder=folder, brand=lambda: Brand(logo=Image.new("RGBA", (20, 24), "red"))),
    }


def main(folder: Path, network: str) -> int:
    publishers = publishers_through(folder, network)
    print("ready", flush=True)  # the test's random moment to kill it starts now
    photos = sorted((folder / "photos").glob("*.jpg"))
    now = time.time()
    with Outbox(folder / "outbox.sqlite3") as outbox:
        for start in range(0, len(photos), BATCH):
            for photo in photos[start : start + BATCH]:  # queued again after a restart: harmless
                outbox.enqueue(
                    photo, [*TARGETS, "print"], caption=photo.stem, language="en", taken_at="2031-03-01T10:00:00+00:00"
                )
            now += 3600
            publish_due(outbox, publishers, now=now)
        while outbox.counts()["pending"]:
            now += 3600
            publish_due(outbox, publishers, now=now)
    return 0


def flow(folder: Path, network: str) -> int:
    publishers = publishers_through(folder, network)
    config = parse(
        f'[booth]\nfolder = "{folder}"\ntargets = {json.dumps(TARGETS)}\n[camera]\nkind = "fake"\n'
        f'[mastodon]\ninstance = "{network}/mastodon"\n[bluesky]\nhandle = "{HANDLE}"\nservice = "{network}/bluesky"'
        f'\n[printing]\nenabled = true\nprinter = "{PRINTER}"'  # each photo printed too
    )
    portal = publishers["portal"]
    settings = app.booth_config(portal, folder / "booth-config.json")
    outbox = app.open_outbox(config)  # as `app.run` opens it after a restart
    publishing = app.start_publishing(outbox, publishers, app.Outlook(), portal=portal)
    booth = app.make_booth(config, settings, FakeCamera((320, 180)), outbox, Image.new("RGBA", (20, 24), "red"))
    clock = 0.0
    print("ok", booth.state, flush=True)
    for line in sys.stdin:
        command, *arguments = line.split()
        if command == "press":
            booth.press("short", now=clock)
        elif command == "tick":
            clock += float(arguments[0])
            booth.tick(now=clock)
        elif command == "publish":
            while outbox.due():
                publishing.round()
        elif command in ("die-before", "die-after"):
            die(command, arguments[0], int(arguments[1]) if len(arguments) > 1 else 1)
        elif command == "quit":
            outbox.close()
            return 0
        print("ok", booth.state, flush=True)
    return 1


def die(when, name, call):
    """SIGKILL this process before or after the `call`th call of `name` ("name@target":
    of those for that target's jobs)."""
    name, _, target = name.partition("@")
    owner = outbox_module if name == "write_durably" else Outbox
    original, calls = getattr(owner, name), [0]

    def dying(*args, **kwargs):
        if target and args[1].target != target:  # (self, job, ...)
            return original(*args, **kwargs)
        calls[0] += 1
        if when == "die-before" and calls[0] == call:
            os.kill(os.getpid(), signal.SIGKILL)
        result = original(*args, **kwargs)
        if when == "die-after" and calls[0] == call:
            os.kill(os.getpid(), signal.SIGKILL)
        return result

    setattr(owner, name, dying)


if __name__ == "__main__":
    if sys.argv[1] == "flow":
        sys.exit(flow(Path(sys.argv[2]), sys.argv[3]))
    sys.exit(main(Path(sys.argv[1]), sys.argv[2]))
