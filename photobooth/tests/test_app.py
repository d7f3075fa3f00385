"""The booth put together: the screen (pygame, SDL's dummy driver), the space bar
and the GPIO button, a fake camera and clock, and the real portal."""

import datetime
import time

import pytest
from gpiozero.pins.mock import MockFactory
from PIL import Image

from jamportal.feed import services as feed_services
from jamportal.feed.models import Photo
from jamportal.jams.tests.factories import CampaignFactory, JamFactory
from photobooth import app, i18n
from photobooth.booth import CONSENT, IDLE
from photobooth.camera import FakeCamera
from photobooth.config import ConfigError, parse
from photobooth.controls import Controls
from photobooth.display import Screen, View, render
from photobooth.outbox import Outbox
from photobooth.publishers.portal import PortalPublisher

DAY = datetime.date(2031, 3, 1)


@pytest.fixture
def screen(monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    with Screen(size=(640, 360), fullscreen=False) as screen:
        yield screen


def press_space(screen, pygame_event_type):
    import pygame

    pygame.event.post(pygame.event.Event(pygame_event_type, key=pygame.K_SPACE))


def booth_settings(**overrides):
    return {
        "jam_title": "Caerdydd Jam",
        "language": "cy",
        "languages": ["cy", "en", "fa"],
        "caption_template": "{campaign}, {jam}, {date}",
        "campaign": {"name": "Raspberry Jam Big Birthday Weekend 2031", "hashtag": "#PiParty"},
        **overrides,
    }


def test_caption_is_the_birthday_caption_in_each_language():
    assert i18n.caption(booth_settings(), "cy", DAY) == (
        "Penwythnos Pen-blwydd Mawr Raspberry Jam, \u2068Caerdydd Jam\u2069, 1 Mawrth 2031"
    )
    assert i18n.caption(booth_settings(), "ja", DAY) == (
        "Raspberry Jam ビッグ・バースデー・ウィークエンド、\u2068Caerdydd Jam\u2069、2031年3月1日"
    )
    assert (
        i18n.caption(booth_settings(campaign=None), "en", DAY)
        == "Raspberry Jam, \u2068Caerdydd Jam\u2069, March 1, 2031"
    )


def test_an_organisers_own_caption_template_is_used_as_written():
    custom = booth_settings(caption_template="{jam} ❤ {{{campaign}}}, {date}")

    assert i18n.caption(custom, "fr", DAY) == (
        "\u2068Caerdydd Jam\u2069 ❤ {\u2068Raspberry Jam Big Birthday Weekend 2031\u2069}, 1 mars 2031"
    )


@pytest.mark.parametrize(
    "template",
    [
        "{jam:>1500000000}",
        "{jam:{date}}",
        "{jam.__class__.__mro__}",
        "{jam[0]}",
        "{date!r}",
        "{0} {jam",
        "{}",
        "{unknown}",
        "{jam}" * 1000,
        "{jam",
    ],
)
def test_a_hostile_caption_template_gets_the_default_caption(template):
    caption = i18n.caption(booth_settings(caption_template=template), "en", DAY)

    assert caption == "Raspberry Jam Big Birthday Weekend, \u2068Caerdydd Jam\u2069, March 1, 2031"


def test_render_shows_right_to_left_text_and_alerts_without_clipping():
    view = View(
        image=Image.new("RGB", (1600, 900), "navy"), headline="دکمه را فشار دهید!", alert="No camera", language="fa"
    )

    frame = render(view, (640, 360))

    assert frame.size == (640, 360)
    assert frame.getpixel((5, 5)) == (197, 26, 74)  # the alert band
    assert len(frame.crop((0, 40, 640, 120)).getcolors(maxcolors=100_000)) > 2  # the headline was drawn


@pytest.mark.django_db(transaction=True)
def test_press_space_to_photo_on_the_jams_page(live_server, settings, screen, tmp_path):
    settings.SITE_URL = live_server.url
    jam = JamFactory(
        title="Caerdydd Jam",
        content_language="cy",
        languages=["cy", "en"],
        campaign=CampaignFactory(hashtag="#PiParty"),
    )
    _booth, token = feed_services.booth_create(jam, by=jam.organiser, name="Booth")
    config = parse(f'[booth]\nfolder = "{tmp_path}"\n[camera]\nkind = "fake"', base=tmp_path)
    portal = PortalPublisher(live_server.url, token)
    booth_config = app.booth_config(portal, tmp_path / "booth-config.json")
    camera, outlook = FakeCamera((1280, 720)), app.Outlook()
    logo = app.logo(config, booth_config)
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        booth = app.make_booth(config, booth_config, camera, outbox, logo, today=lambda: DAY)
        session = app.Session(booth=booth, screen=screen, camera=camera, outlook=outlook)
        idle_view = session.view(0)

        press_space(screen, __import__("pygame").KEYDOWN)
        session.step(0.0)
        press_space(screen, __import__("pygame").KEYUP)
        session.step(0.2)
        session.step(3.3)  # countdown over: photo taken, consent window
        consent_view = session.view(5.3)
        state_in_consent = booth.state
        session.step(9.0)  # nobody objected
        posted = app.publish_round(outbox, app.publishers_for(config, {}, booth_config, portal), outlook)

    assert idle_view.headline == "Pwyswch y botwm!"
    assert idle_view.detail == "Daliwch y botwm i newid yr iaith: Cymraeg"
    assert state_in_consent == CONSENT
    assert consent_view.detail == "Pwyswch eto o fewn 3 eiliad os NAD ydych eisiau postio'r llun hwn."
    assert booth.state == IDLE
    assert posted == (1, 0)
    assert outlook.read() == (0, False, 0, "")
    photo = Photo.objects.get()
    assert photo.jam == jam
    assert photo.caption.startswith("Penwythnos Pen-blwydd Mawr Raspberry Jam, \u2068Caerdydd Jam\u2069, ")
    assert photo.alt_text.startswith("Llun o fwth lluniau'r Raspberry Jam")
    assert (tmp_path / "booth-config.json").is_file()
    assert (tmp_path / "branding" / "logo.svg").is_file()  # its vector artwork fetched, kept for offline days
    assert len(list((tmp_path / "photos").glob("*.jpg"))) == 1


def test_gpio_button_and_long_press_change_the_language(screen, tmp_path):
    presses = __import__("queue").SimpleQueue()
    clock = [0.0]
    config = parse(f'[booth]\nfolder = "{tmp_path}"\n[camera]\nkind = "fake"', base=tmp_path)
    camera = FakeCamera((320, 180))
    with (
        Outbox(tmp_path / "outbox.sqlite3") as outbox,
        Controls(
            button_pin=17, led_pin=27, on_press=presses.put, pin_factory=MockFactory(), clock=lambda: clock[0]
        ) as controls,
    ):
        booth = app.make_booth(config, booth_settings(), camera, outbox, Image.new("RGBA", (10, 10)), led=controls)
        session = app.Session(booth=booth, screen=screen, camera=camera, outlook=app.Outlook(), presses=presses)
        controls.button.pin.drive_low()
        clock[0] = 2.0
        controls.button.pin.drive_high()
        session.step(2.0)
        after_long_press = (booth.state, booth.language, session.view(2.0).headline)
        controls.button.pin.drive_low()
        clock[0] = 8.0
        controls.button.pin.drive_high()
        still_running = session.step(8.0)

    assert after_long_press == (IDLE, "en", "Press the button!")
    assert still_running is False  # a very long hold stops the booth


def test_offline_booth_uses_its_saved_configuration_and_says_the_network_is_down(tmp_path):
    cache = tmp_path / "booth-config.json"
    unreachable = PortalPublisher("http://127.0.0.1:9", "jpb_x")

    with pytest.raises(ConfigError, match=r"cannot be reached .* never fetched its Jam's configuration"):
        app.booth_config(unreachable, cache)

    cache.write_text('{"jam_title": "Saved Jam"}')
    assert app.booth_config(unreachable, cache) == {"jam_title": "Saved Jam"}

    outlook = app.Outlook()
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        outbox.enqueue(tmp_path / "a.jpg", ["portal"], caption="", language="en", taken_at="2031-03-01T10:00:00+00:00")
        Image.new("RGB", (64, 48)).save(tmp_path / "a.jpg")
        assert app.publish_round(outbox, {"portal": unreachable}, outlook) == (0, 1)
    assert outlook.read() == (1, True, 0, "")


def test_the_screen_counts_what_waits_while_a_slow_target_is_being_posted_to(tmp_path):
    outlook = app.Outlook()
    seen = []

    class Hanging:  # a portal that takes its whole timeout
        def publish(self, job, on_remote_id):
            seen.append(outlook.read().pending)
            return "posted at last"

    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        outbox.enqueue(tmp_path / "a.jpg", ["portal"], caption="", language="en", taken_at="2031-03-01T10:00:00+00:00")
        Image.new("RGB", (64, 48)).save(tmp_path / "a.jpg")
        app.publish_round(outbox, {"portal": Hanging()}, outlook)

    assert (seen, outlook.read().pending) == ([1], 0)


@pytest.mark.slow  # the booth's whole main loop against a live server
@pytest.mark.django_db(transaction=True)
def test_run_takes_and_posts_a_photo_and_says_the_button_is_missing(live_server, settings, tmp_path, monkeypatch):
    """The real main loop and publishing thread: space bar, countdown, consent, posting, Escape."""
    import threading

    import pygame

    settings.SITE_URL = live_server.url
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "no-such-factory")  # as on a computer without GPIO pins
    jam = JamFactory(title="Run Jam")
    _booth, token = feed_services.booth_create(jam, by=jam.organiser, name="Booth")
    monkeypatch.setenv("PHOTOBOOTH_PORTAL_TOKEN", token)
    config = parse(
        f'[portal]\nurl = "{live_server.url}"\n[booth]\nfolder = "{tmp_path}"\nsecrets = "{tmp_path / "none.toml"}"\n'
        '[camera]\nkind = "fake"\nresolution = [640, 360]\n[screen]\nfullscreen = false\nsize = [320, 180]',
        base=tmp_path,
    )
    shown = []
    real_show = app.Screen.show

    def show(screen, view):  # what was on the screen, without keeping every frame's picture
        shown.append((view.headline, view.detail, view.alert))
        real_show(screen, view)

    monkeypatch.setattr(app.Screen, "show", show)

    def attendee():
        def key(kind, name):
            pygame.event.post(pygame.event.Event(kind, key=name))

        time.sleep(1.0)
        key(pygame.KEYDOWN, pygame.K_SPACE)
        key(pygame.KEYUP, pygame.K_SPACE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not posted():
            time.sleep(0.2)
        key(pygame.KEYDOWN, pygame.K_ESCAPE)

    def posted():  # asked of the booth's outbox: this thread must not hold the test database
        if not (tmp_path / "outbox.sqlite3").exists():
            return False
        with Outbox(tmp_path / "outbox.sqlite3") as outbox:
            return outbox.counts()["done"] == 1

    threading.Thread(target=attendee, daemon=True).start()
    status = app.run(config)

    assert status == 0
    assert Photo.objects.get().jam == jam
    assert shown[0][2].startswith("The button is missing (")
    assert shown[0][2].endswith("). The space bar works meanwhile.")
    assert {"3", "2", "1"} <= {headline for headline, _detail, _alert in shown}
    assert any(detail.startswith("Press again within") for _headline, detail, _alert in shown)
