"""The whole flow without hardware: gpiozero's MockFactory for the button and
LED, a fake camera, a fake clock; real branding, disk and outbox."""

import io

import pytest
from gpiozero.pins.mock import MockFactory
from PIL import Image

from photobooth.booth import CONSENT, COUNTDOWN, IDLE, STOPPED, Booth
from photobooth.camera import CameraMissing, FakeCamera, open_camera
from photobooth.compose import Brand, brand
from photobooth.controls import EXIT_S, LONG_S, Controls
from photobooth.outbox import Outbox

TARGETS = ["portal", "x", "mastodon"]
TAKEN = "2031-03-01T10:00:00+00:00"
NOTHING = {"held": 0, "pending": 0, "done": 0, "failed": 0, "declined": 0}


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


@pytest.fixture
def rig(tmp_path):
    clock = Clock()
    presses = []
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    controls = Controls(button_pin=17, led_pin=27, on_press=presses.append, pin_factory=MockFactory(), clock=clock)
    logo = Image.new("RGBA", (40, 48), (197, 26, 74, 255))

    def save(image, caption, language):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG")
        return outbox.hold(
            buffer.getvalue(), tmp_path / "photos", TARGETS, caption=caption, language=language, taken_at=TAKEN
        )

    booth = Booth(
        camera=FakeCamera((640, 360)),
        brand=lambda image, caption, language: brand(image, Brand(logo=logo), caption, language),
        save=save,
        enqueue=lambda path, caption, language: outbox.release(path),
        decline=outbox.decline,
        caption=lambda language: {"en": "Birthday Jam", "cy": "Jam Pen-blwydd", "fa": "جشن تولد"}[language],
        languages=["en", "cy", "fa"],
        led=controls,
    )
    yield booth, controls, clock, presses, outbox, tmp_path
    controls.close()
    outbox.close()


def hold(controls, clock, seconds):
    controls.button.pin.drive_low()
    clock.now += seconds
    controls.button.pin.drive_high()


def test_press_countdown_capture_consent_and_post(rig):
    booth, controls, clock, presses, outbox, tmp_path = rig

    hold(controls, clock, 0.2)
    booth.press(presses.pop(), now=clock.now)
    counts = [booth.countdown(now=clock.now + t) for t in (0, 1, 2)]
    led_blinking = controls.led.is_active
    booth.tick(now=clock.now + 3)
    saved = list((tmp_path / "photos").glob("*.jpg"))
    state_after_capture, in_the_window = booth.state, outbox.counts()
    booth.tick(now=clock.now + 8)

    assert counts == [3, 2, 1]
    assert led_blinking
    assert state_after_capture == CONSENT
    assert len(saved) == 1  # on disk during the consent window already
    assert in_the_window == {**NOTHING, "held": 3}  # and in the outbox, not to be posted yet
    assert booth.state == IDLE
    jobs = outbox.due(now=1e12)
    assert [(job.target, job.caption, job.photo) for job in jobs] == [(t, "Birthday Jam", saved[0]) for t in TARGETS]


def test_a_press_during_consent_keeps_the_photo_off_the_internet(rig):
    booth, _controls, _clock, _presses, outbox, tmp_path = rig
    booth.press("short", now=0)
    booth.tick(now=3)

    booth.press("short", now=4)
    at_the_press = outbox.counts()
    booth.press("short", now=4.5)  # a second press changes nothing
    booth.tick(now=8)

    assert booth.state == IDLE
    assert at_the_press == {**NOTHING, "declined": 3}  # kept at once: a power cut now cannot post it
    assert outbox.counts() == {**NOTHING, "declined": 3}
    assert outbox.due(now=1e12) == []
    assert len(list((tmp_path / "photos").glob("*.jpg"))) == 1  # the booth never deletes a photo


def test_long_press_cycles_the_caption_language(rig):
    booth, controls, clock, presses, outbox, _tmp = rig

    for _ in range(2):
        hold(controls, clock, LONG_S + 0.1)
        booth.press(presses.pop(), now=clock.now)
    booth.press("short", now=clock.now)
    booth.tick(now=clock.now + 3)
    booth.tick(now=clock.now + 8)

    assert booth.language == "fa"
    assert {job.caption for job in outbox.due(now=1e12)} == {"جشن تولد"}


def test_a_very_long_hold_stops_the_booth(rig):
    booth, controls, clock, presses, _outbox, _tmp = rig
    booth.press("short", now=0)

    hold(controls, clock, EXIT_S + 0.5)
    booth.press(presses.pop(), now=clock.now)

    assert booth.state == STOPPED


def test_presses_during_the_countdown_are_ignored(rig):
    booth, *_ = rig
    booth.press("short", now=0)

    booth.press("short", now=1)
    booth.press("long", now=1.5)

    assert (booth.state, booth.language) == (COUNTDOWN, "en")


def test_a_missing_camera_is_an_error_with_a_message_not_a_fake():
    with pytest.raises(CameraMissing, match="python3-picamera2"):
        open_camera("picamera2")
    with pytest.raises(CameraMissing, match="Unknown camera"):
        open_camera("webcam-9000")
