"""Take your photo home (issue 23): after the consent window, the screen shows a QR
code of the photo's own page on the portal. The booth put together (pygame on SDL's
dummy driver, a fake camera and clock) and the real portal over HTTP: the code is read
back from what the screen shows, with zxing-cpp, and its address fetched before the
upload, after it, and after a takedown."""

import io
from dataclasses import replace

import pytest
import requests
import zxingcpp
from PIL import Image

from jamportal.feed import services as feed_services
from jamportal.feed.models import Photo
from jamportal.jams.tests.factories import CampaignFactory, JamFactory
from photobooth import app, takehome
from photobooth.booth import IDLE, TAKEHOME_S, Booth
from photobooth.camera import FakeCamera
from photobooth.config import parse
from photobooth.display import Screen, View, picture_area, render, render_words
from photobooth.outbox import DECLINED, Outbox
from photobooth.publishers.portal import PortalPublisher

KEY = "0123456789abcdef0123456789abcdef-portal"
TOKEN = "01f19d3e0f44465fd0c6f0ec9613f0f0"  # jamportal/feed/tests/test_takehome.py: the portal's


@pytest.fixture
def screen(monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    with Screen(size=(1280, 720), fullscreen=False) as screen:
        yield screen


def press_space(screen):
    import pygame

    for kind in (pygame.KEYDOWN, pygame.KEYUP):
        pygame.event.post(pygame.event.Event(kind, key=pygame.K_SPACE))


def codes(picture) -> list[str]:
    return [found.text for found in zxingcpp.read_barcodes(picture)]


def test_takehome_token_is_the_one_the_portal_works_out():
    assert takehome.token(KEY) == TOKEN
    assert takehome.photo_address("https://jams.example.org/", KEY) == f"https://jams.example.org/photo/{TOKEN}/"


def simple_booth(addresses, declined=None):
    return Booth(
        camera=FakeCamera((64, 36)),
        brand=lambda image, caption, language: image,
        save=lambda image, caption, language: "photo-1.jpg",
        enqueue=lambda path, caption, language: None,
        decline=declined,
        caption=lambda language: "Hello",
        languages=["en", "cy"],
        takehome_address=lambda path: addresses.get(path),
    )


def test_booth_shows_the_photos_page_after_consent_until_some_seconds_pass():
    booth = simple_booth({"photo-1.jpg": "https://jams.example.org/photo/x/"})
    booth.press("short", now=0)
    booth.tick(now=3)  # the photo taken: the consent window
    during_consent = booth.takehome

    booth.tick(now=8)  # nobody objected
    after_consent = booth.takehome
    booth.tick(now=8 + TAKEHOME_S - 0.1)
    nearly_over = booth.takehome
    booth.tick(now=8 + TAKEHOME_S)

    assert during_consent is None
    assert after_consent == ("https://jams.example.org/photo/x/", 8 + TAKEHOME_S)
    assert nearly_over == after_consent
    assert (booth.state, booth.takehome) == (IDLE, None)


@pytest.mark.parametrize(("kind", "state", "language"), [("short", "countdown", "en"), ("long", IDLE, "cy")])
def test_booth_stops_showing_the_photos_page_at_the_next_press(kind, state, language):
    booth = simple_booth({"photo-1.jpg": "https://jams.example.org/photo/x/"})
    booth.press("short", now=0)
    booth.tick(now=3)
    booth.tick(now=8)

    booth.press(kind, now=9)

    assert (booth.takehome, booth.state, booth.language) == (None, state, language)


def test_booth_shows_no_page_for_a_declined_photo():
    booth = simple_booth({"photo-1.jpg": "https://jams.example.org/photo/x/"}, declined=lambda path: None)
    booth.press("short", now=0)
    booth.tick(now=3)
    booth.press("short", now=4)  # "don't post it"

    booth.tick(now=8)

    assert (booth.state, booth.takehome) == (IDLE, None)


def test_booth_shows_no_page_when_the_portal_is_not_a_target(tmp_path):
    config = parse(f'[booth]\nfolder = "{tmp_path}"\n[camera]\nkind = "fake"', base=tmp_path)
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        to_x = outbox.hold(b"jpeg", tmp_path, ["x"], caption="", language="en", taken_at="2031-03-01T10:00:00+00:00")
        to_both = outbox.hold(
            b"jpeg", tmp_path, ["x", "portal"], caption="", language="en", taken_at="2031-03-01T10:00:00+00:00"
        )
        key = outbox.key(to_both, "portal")

        assert app.takehome_address(replace(config, targets=("x",)), outbox, to_x) is None
        assert app.takehome_address(replace(config, targets=("x",)), outbox, to_both) is None
        assert app.takehome_address(config, outbox, to_both) == takehome.photo_address(config.portal_url, key)
        assert key.endswith("-portal")


@pytest.mark.parametrize("language", ["en", "cy", "fa", "ja"])
@pytest.mark.parametrize("size", [(1280, 720), (800, 480), (720, 720)])
def test_the_words_keep_off_the_code_and_it_reads_back(language, size):
    address = takehome.photo_address("https://jams.example.org", KEY)
    view = View(
        image=takehome.qr_picture(address),
        detail=app.i18n.translation(language).gettext("Scan to take your photo home"),
        status="3 photos waiting to be posted",
        language=language,
    )

    words = render_words(view, size)
    frame = render(view, size)

    left, top, right, bottom = picture_area(view, size)
    picture = view.image
    scale = min((right - left) / picture.width, (bottom - top) / picture.height)
    across = left + (right - left - round(picture.width * scale)) // 2
    down = top + (bottom - top - round(picture.height * scale)) // 2
    box = [
        round(edge * scale) + offset for edge, offset in zip(picture.info["logo_box"], (across, down) * 2, strict=True)
    ]
    assert words.getchannel("A").crop(box).getbbox() is None  # nothing drawn over the code
    assert words.getchannel("A").crop((0, 0, size[0], box[1])).getbbox() is not None  # the words, above it
    assert codes(frame) == [address]


def test_a_declined_photo_on_the_screen_has_no_code(screen, tmp_path):
    config = parse(f'[booth]\nfolder = "{tmp_path}"\n[camera]\nkind = "fake"', base=tmp_path)
    camera = FakeCamera((1280, 720))
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        booth = app.make_booth(
            config, {"language": "en", "jam_title": "Jam"}, camera, outbox, Image.new("RGBA", (10, 10))
        )
        session = app.Session(booth=booth, screen=screen, camera=camera, outlook=app.Outlook())
        press_space(screen)
        session.step(0.0)
        session.step(3.3)
        press_space(screen)  # "don't post it"
        session.step(4.0)
        session.step(9.0)
        statuses = {job.status for job in outbox.jobs()}

    assert statuses == {DECLINED}
    assert booth.takehome is None
    assert codes(screen.snapshot()) == []


@pytest.mark.django_db(transaction=True)
def test_the_code_on_the_screen_opens_the_photos_page_before_and_after_the_upload_and_after_a_takedown(
    live_server, settings, screen, tmp_path
):
    settings.SITE_URL = live_server.url
    jam = JamFactory(title="Caerdydd Jam", content_language="cy", languages=["cy", "en"], campaign=CampaignFactory())
    _booth, token = feed_services.booth_create(jam, by=jam.organiser, name="Booth")
    config = parse(
        f'[booth]\nfolder = "{tmp_path}"\n[camera]\nkind = "fake"\n[portal]\nurl = "{live_server.url}"', base=tmp_path
    )
    portal = PortalPublisher(live_server.url, token)
    booth_config = app.booth_config(portal, tmp_path / "booth-config.json")
    camera, outlook = FakeCamera((1280, 720)), app.Outlook()
    web = requests.Session()
    web.headers["Accept-Language"] = "en"
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        booth = app.make_booth(config, booth_config, camera, outbox, Image.new("RGBA", (10, 10)))
        session = app.Session(booth=booth, screen=screen, camera=camera, outlook=outlook)
        press_space(screen)
        session.step(0.0)
        session.step(3.3)  # the photo taken: the consent window
        in_consent = codes(screen.snapshot())
        session.step(9.0)  # nobody objected: its page's code
        view = session.view(9.0)
        [address] = codes(screen.snapshot())
        key = outbox.key(booth.last_photo[0], "portal")

        before = web.get(address)
        before_state = web.get(before.url + "state.json").json()
        posted = app.publish_round(outbox, app.publishers_for(config, {}, booth_config, portal), outlook)
        after = web.get(address)
        photo = Photo.objects.get()
        download = web.get(f"{live_server.url}/en/photo/{takehome.token(key)}/download/")
        feed_services.photo_report(photo, reason="I am in it")
        taken_down = web.get(address)
        download_after = web.get(f"{live_server.url}/en/photo/{takehome.token(key)}/download/")
        session.step(9.0 + TAKEHOME_S)  # some seconds later: the booth's own screen again
        afterwards = codes(screen.snapshot())

    assert in_consent == []
    assert view.detail == "Sganiwch i fynd â'ch llun adref"  # the booth's language: the Jam's
    assert address == f"{live_server.url}/photo/{takehome.token(key)}/"
    assert before.url == f"{live_server.url}/en/photo/{takehome.token(key)}/"
    assert (before.status_code, before.headers["Referrer-Policy"]) == (200, "no-referrer")
    assert "Your photo is on its way" in before.text
    assert before_state == {"state": "coming"}
    assert posted == (1, 0)
    assert photo.takehome_token == takehome.token(key)
    assert after.status_code == 200
    assert f'src="{photo.display_url}"' in after.text
    assert "Download the photo (full size)" in after.text
    assert download.headers["Content-Disposition"] == f'attachment; filename="{jam.slug}-{photo.pk}.jpg"'
    assert Image.open(io.BytesIO(download.content)).size == (photo.width, photo.height)
    assert "This photo has been taken down" in taken_down.text
    assert photo.display_url not in taken_down.text
    assert download_after.status_code == 404
    assert afterwards == []
