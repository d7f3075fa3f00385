"""The booth posts to the real portal (Django's live server), not a mock."""

import io
import threading
import time

import pytest
import requests
from PIL import Image

from jamportal.feed import services as feed_services
from jamportal.feed.models import Photo
from jamportal.jams.tests.factories import CampaignFactory, JamFactory
from photobooth.app import Outlook, heartbeat, publish_forever
from photobooth.compose import Brand, brand
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
        assert outbox.counts() == {"pending": 0, "done": 1}
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
