"""The big button through gpiozero's MockFactory, driven the way a real
contact closes and opens: with a few milliseconds of bounce."""

import pytest
from gpiozero.pins.mock import MockFactory

from photobooth.booth import IDLE, Booth
from photobooth.camera import FakeCamera
from photobooth.controls import Controls


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


@pytest.fixture
def button():
    clock, presses = Clock(), []
    pins = MockFactory()
    with Controls(button_pin=17, led_pin=27, on_press=presses.append, pin_factory=pins, clock=clock) as controls:
        yield controls.button.pin, clock, presses, controls


def bounce(pin, clock, *, ending_low):
    """A contact bouncing for 3 ms as it closes (ending_low) or opens."""
    for _ in range(2):
        pin.drive_low() if not ending_low else pin.drive_high()
        clock.now += 0.001
        pin.drive_high() if not ending_low else pin.drive_low()
        clock.now += 0.0005


def test_a_bouncing_contact_held_two_seconds_changes_the_language_and_takes_no_photo(button):
    pin, clock, presses, _controls = button
    shots = []
    booth = Booth(
        camera=FakeCamera((64, 36)),
        brand=lambda image, caption, language: image,
        save=lambda image: shots.append(image) or "photo.jpg",
        enqueue=lambda path, caption, language: None,
        caption=lambda language: "Hello",
        languages=["en", "cy"],
    )

    pin.drive_low()  # pressed: the contact touches ...
    clock.now += 0.002
    pin.drive_high()  # ... springs open for a moment ...
    clock.now += 0.001
    pin.drive_low()  # ... and closes for good
    clock.now += 2.0
    pin.drive_high()  # let go after two seconds
    for kind in presses:
        booth.press(kind, now=clock.now)
    booth.tick(now=clock.now + 10)

    assert presses == ["long"]
    assert (booth.state, booth.language, shots) == (IDLE, "cy", [])


def test_a_quick_press_that_bounces_both_ways_is_one_short_press(button):
    pin, clock, presses, controls = button

    bounce(pin, clock, ending_low=True)
    clock.now += 0.2
    bounce(pin, clock, ending_low=False)
    pin.drive_high()

    assert presses == ["short"]
    assert (controls.button.pin.bounce or 0) > 0  # and the pin itself is debounced (by lgpio on a Pi 5)
