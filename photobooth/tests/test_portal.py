"""The booth posts to the real portal (Django's live server), not a mock."""

import io
import socket
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from PIL import Image

from jamportal.feed import services as feed_services
from jamportal.feed.models import Photo
from jamportal.jams.tests.factories import CampaignFactory, JamFactory
from photobooth.__main__ import main
from photobooth.app import (
    Outlook,
    Session,
    booth_config,
    heartbeat,
    keys_for,
    make_booth,
    publish_forever,
    publish_round,
    publishers_for,
    start_publishing,
)
from photobooth.camera import FakeCamera
from photobooth.compose import Brand, brand
from photobooth.config import load_secrets, parse
from photobooth.outbox import Outbox, publish_due, save_photo
from photobooth.publishers.portal import PortalError, PortalPublisher

pytestmark = pytest.mark.django_db(transaction=True)
TAKEN = "2031-03-01T10:00:00+00:00"


@pytest.fixture
def paired(live_server):
    jam = JamFactory(title="Live Jam", campaign=CampaignFactory(hashtag="#PiParty"))
    _booth, token = feed_services.booth_create(jam, by=jam.organiser, name="Test booth")
    return jam, PortalPublisher(live_server.url, token)


def branded_jpeg():
    photo = brand(
        Image.new("RGB", (1280, 720), "white"), Brand(logo=Image.new("RGBA", (50, 60), "red")), "Live Jam", "en"
    )
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG")
    return buffer.getvalue()


def test_booth_reads_its_configuration_from_the_portal(paired):
    _jam, publisher = paired

    config = publisher.config()

    assert (config["jam_title"], config["hashtag"]) == ("Live Jam", "#PiParty")


def test_photo_goes_from_the_outbox_to_the_jams_page_once(paired, tmp_path):
    jam, publisher = paired
    path = save_photo(branded_jpeg(), tmp_path / "photos")
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        outbox.enqueue(path, ["portal"], caption="Live Jam!", language="en", taken_at=TAKEN)
        [job] = outbox.due(now=1e12)

        posted, failed = publish_due(outbox, {"portal": publisher}, now=1e12)
        # The answer was lost: the booth posts the same job again.
        again = publisher.publish(job)

        assert (posted, failed) == (1, 0)
        assert outbox.counts() == {"held": 0, "pending": 0, "done": 1, "failed": 0, "declined": 0}
    photo = Photo.objects.get()
    assert (photo.jam, photo.caption) == (jam, "Live Jam!")
    assert again == str(photo.pk)
    assert path.exists()  # the booth never deletes its copy


def test_a_revoked_booth_is_told_why(paired, tmp_path):
    jam, publisher = paired
    feed_services.booth_revoke(jam.booths.get(), by=jam.organiser)
    path = save_photo(branded_jpeg(), tmp_path)
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        outbox.enqueue(path, ["portal"], caption="", language="en", taken_at=TAKEN)
        [job] = outbox.due(now=1e12)

        with pytest.raises(PortalError, match=r"401: This booth token is unknown or has been revoked\."):
            publisher.publish(job)


class Offline:
    """A social network that cannot be reached."""

    def publish(self, job, on_remote_id=None):
        raise requests.ConnectionError("no route to host")


def test_the_publishing_loop_tells_the_portal_it_is_alive_with_its_backlog(paired, tmp_path):
    jam, publisher = paired
    outbox_path = tmp_path / "outbox.sqlite3"
    with Outbox(outbox_path) as outbox:
        outbox.enqueue(
            save_photo(branded_jpeg(), tmp_path / "photos"), ["x"], caption="", language="en", taken_at=TAKEN
        )
    stop = threading.Event()
    loop = threading.Thread(target=publish_forever, args=(outbox_path, {"x": Offline()}, Outlook(), stop),
                            kwargs={"portal": publisher, "every": 0.05})  # fmt: skip
    loop.start()
    try:
        deadline = time.monotonic() + 20
        while jam.booths.get().backlog is None and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        loop.join()

    assert jam.booths.get().backlog == 1  # the photo still waiting for X


def test_heartbeat_records_the_backlog_and_the_last_contact(paired):
    jam, publisher = paired

    publisher.heartbeat(backlog=3)

    booth = jam.booths.get()
    assert booth.backlog == 3
    assert booth.last_seen_at is not None


def test_a_refused_heartbeat_does_not_stop_the_booth(paired):
    jam, publisher = paired
    feed_services.booth_revoke(jam.booths.get(), by=jam.organiser)

    assert heartbeat(publisher, backlog=1) is False
    assert heartbeat(PortalPublisher("http://127.0.0.1:9", "jpb_x"), backlog=1) is False  # nothing listens there


# The network coming back -------------------------------------------------------------------------


class PortalAtAnAddress(ThreadingHTTPServer):
    """The portal behind an address of its own, as a venue's network sees it: nothing
    answers there until `up()`, then every request goes on to the live portal."""

    daemon_threads = True

    def __init__(self, portal_url, port):
        self.portal_url, self.port = portal_url, port
        self.started = False

    @classmethod
    def down(cls, portal_url):
        with socket.socket() as probe:  # a port nothing listens on: connections are refused
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        return cls(portal_url, port)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def up(self):
        super().__init__(("127.0.0.1", self.port), Forward)
        self.started = True
        threading.Thread(target=self.serve_forever, args=(0.05,), daemon=True).start()  # (stops within 50 ms)

    def close(self):
        if self.started:
            self.shutdown()
            self.server_close()


class Forward(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        self.forward("GET")

    def do_POST(self):
        self.forward("POST")

    def forward(self, method):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name: self.headers[name] for name in ("Authorization", "Content-Type") if self.headers[name]}
        answer = requests.request(
            method, self.server.portal_url + self.path, data=body, headers=headers, timeout=30, allow_redirects=False
        )
        self.send_response(answer.status_code)
        self.send_header("Content-Type", answer.headers.get("Content-Type", "application/json"))
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)


def test_photos_go_out_within_seconds_of_the_network_coming_back(live_server, tmp_path):
    jam = JamFactory(title="Back Online Jam")
    _booth, token = feed_services.booth_create(jam, by=jam.organiser, name="Booth")
    venue = PortalAtAnAddress.down(live_server.url)
    outbox_path = tmp_path / "outbox.sqlite3"
    with Outbox(outbox_path) as outbox:  # an hour offline already: the photo's next try is 15 to 30 minutes away
        outbox.enqueue(
            save_photo(branded_jpeg(), tmp_path / "photos"), ["portal"], caption="", language="en", taken_at=TAKEN
        )
        [job] = outbox.due(now=1e12)
        for attempts in range(10):
            outbox.mark_failed(replace(job, attempts=attempts), "ConnectionError: no network")
    outlook, stop = Outlook(), threading.Event()
    portal = PortalPublisher(venue.url, token)
    loop = threading.Thread(target=publish_forever, args=(outbox_path, {"portal": portal}, outlook, stop),
                            kwargs={"portal": portal, "every": 0.2})  # fmt: skip
    loop.start()
    try:
        said_offline = wait_until(lambda: outlook.read()[1], seconds=30)  # (pending, offline, ...)
        venue.up()
        back = time.monotonic()
        posted = wait_until(lambda: Photo.objects.filter(jam=jam).exists(), seconds=30)
        took = time.monotonic() - back
        wait_until(lambda: outlook.read()[:2] == (0, False), seconds=10)
    finally:
        stop.set()
        loop.join()
        venue.close()

    assert said_offline  # the screen said the network was down
    assert posted, "still waiting out its backoff"
    assert took < 60  # a bound that only shows it did not wait out the 15 minutes (the time is in the log)
    assert outlook.read()[:2] == (0, False)
    print(f"Posted {took:.1f} s after the portal came back")


def wait_until(condition, *, seconds):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


# Refused for good, retried by hand -------------------------------------------------------------------


def test_a_photo_the_portal_refuses_fails_says_why_and_goes_out_when_retried_by_hand(live_server, tmp_path, capsys):
    jam = JamFactory(title="Refused Jam")
    booth, token = feed_services.booth_create(jam, by=jam.organiser, name="Booth")
    feed_services.booth_revoke(booth, by=jam.organiser)  # the organiser revoked it by mistake
    settings = tmp_path / "photobooth.toml"
    settings.write_text(f'[booth]\nfolder = "{tmp_path}"\n[camera]\nkind = "fake"\n[gpio]\nenabled = false\n')
    config = parse(settings.read_text(), base=tmp_path)
    outlook = Outlook()
    reason = "portal: PortalError: 401: This booth token is unknown or has been revoked."
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        booth = make_booth(
            config, {"jam_title": "Refused Jam"}, FakeCamera((320, 180)), outbox, Image.new("RGBA", (9, 9))
        )
        session = Session(booth=booth, screen=None, camera=FakeCamera((320, 180)), outlook=outlook)
        booth.press("short", now=0)
        booth.tick(now=3)
        booth.tick(now=9)

        first = publish_round(outbox, {"portal": PortalPublisher(live_server.url, token)}, outlook)
        later = publish_due(outbox, {"portal": PortalPublisher(live_server.url, token)}, now=time.time() + 86400)
        status = session.view(10).status
        main(["--config", str(settings), "outbox", "list"])
        listing = capsys.readouterr().out.splitlines()

        _booth, new_token = feed_services.booth_create(jam, by=jam.organiser, name="Booth again")
        main(["--config", str(settings), "outbox", "retry", listing[0].split()[0]])
        retried = capsys.readouterr().out.splitlines()
        again = publish_round(outbox, {"portal": PortalPublisher(live_server.url, new_token)}, outlook)
        status_after = session.view(11).status

    assert (first, later) == ((0, 1), (0, 0))  # refused once, then not tried again on its own
    assert status == f"1 photo could not be posted: {reason}"
    assert listing[0].endswith(f"portal    FAILED after 1 attempt(s): {reason.removeprefix('portal: ')}")
    assert listing[1] == "0 waiting, 0 posted, 1 failed, 0 in a consent window, 0 declined."
    assert retried == ["1 job(s) will be tried now, by the booth when it runs."]
    assert again == (1, 0)
    assert Photo.objects.get().jam == jam
    assert status_after == "All photos posted"


def test_a_booth_paired_again_while_it_runs_posts_with_the_new_token(live_server, tmp_path, capsys):
    """Found by an outsider: `pair` then `outbox retry`, as the docs say, failed again
    until the booth was restarted; the running booth kept the revoked token."""
    jam = JamFactory(title="Paired Again Jam")
    booth, old_token = feed_services.booth_create(jam, by=jam.organiser, name="Booth")
    settings_file, secrets = tmp_path / "photobooth.toml", tmp_path / "secrets.toml"
    settings_file.write_text(
        f'[portal]\nurl = "{live_server.url}"\n[booth]\nfolder = "{tmp_path}"\nsecrets = "{secrets}"\n'
        '[camera]\nkind = "fake"\n[gpio]\nenabled = false\n'
    )
    main(["--config", str(settings_file), "pair", old_token])
    config = parse(settings_file.read_text(), base=tmp_path)
    portal = PortalPublisher(live_server.url, old_token)
    jam_settings = booth_config(portal, tmp_path / "booth-config.json")
    publishers = publishers_for(config, load_secrets(config), jam_settings, portal)
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        publishing = start_publishing(
            outbox, publishers, Outlook(), portal=portal, keys=keys_for(config, jam_settings, portal)
        )
        feed_services.booth_revoke(booth, by=jam.organiser)
        outbox.enqueue(save_photo(branded_jpeg(), tmp_path / "photos"), ["portal"], caption="Hi", language="en",
                       taken_at=TAKEN)  # fmt: skip
        refused = publishing.round()
        _booth, new_token = feed_services.booth_create(jam, by=jam.organiser, name="Booth again")
        main(["--config", str(settings_file), "pair", new_token])  # while the booth runs
        main(["--config", str(settings_file), "outbox", "retry", "all"])
        again = publishing.round()

    assert refused == (0, 1)
    assert again == (1, 0)
    assert Photo.objects.get().jam == jam


def test_status_line_names_waiting_and_failed_photos_in_the_booths_language(tmp_path):
    config = parse(f'[booth]\nfolder = "{tmp_path}"\n[camera]\nkind = "fake"', base=tmp_path)
    outlook = Outlook()
    outlook.update(pending=2, offline=False, failed=3, failure="x: XRefused: 403: Forbidden")
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        booth = make_booth(
            config, {"jam_title": "Jam", "language": "cy"}, FakeCamera(), outbox, Image.new("RGBA", (9, 9))
        )
        status = Session(booth=booth, screen=None, camera=FakeCamera(), outlook=outlook).view(0).status

    assert status == "Mae 2 lun yn aros i gael eu postio · Doedd dim modd postio 3 llun: x: XRefused: 403: Forbidden"


# The portal's own limits --------------------------------------------------------------------------------


def test_a_portal_that_takes_smaller_photos_gets_the_photo_made_to_fit(paired, settings, tmp_path):
    jam, publisher = paired
    settings.PHOTO_MAX_BYTES = 1_000_000
    noisy = Image.merge("RGB", [Image.effect_noise((2000, 1500), sigma) for sigma in (40, 50, 60)])
    buffer = io.BytesIO()
    noisy.save(buffer, "JPEG", quality=95)
    path = save_photo(buffer.getvalue(), tmp_path / "photos")

    publisher.config()  # as the booth asks at start
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        outbox.enqueue(path, ["portal"], caption="Live Jam", language="en", taken_at=TAKEN)
        result = publish_due(outbox, {"portal": publisher}, now=1e12)
        errors = [job.last_error for job in outbox.jobs()]

    assert path.stat().st_size > 1_000_000
    assert (result, errors) == ((1, 0), [""])  # not "413: The photo is larger than 1 MB"
    assert Photo.objects.get().jam == jam
