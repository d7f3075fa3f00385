"""The big button and its LED, through gpiozero. Presses are reported by how
long the button was held: "short" takes a photo, "long" changes the caption's
language, "exit" (a very long hold) stops the booth. Callbacks, not polling.

    >>> from gpiozero.pins.mock import MockFactory
    >>> presses, clock = [], iter([0.0, 0.2]).__next__  # pressed at 0 s, let go at 0.2 s
    >>> controls = Controls(button_pin=17, led_pin=27, on_press=presses.append, pin_factory=MockFactory(), clock=clock)
    >>> controls.button.pin.drive_low(); controls.button.pin.drive_high()
    >>> presses
    ['short']
    >>> controls.close(); controls.close()  # idempotent

A button's contact bounces for a few milliseconds as it closes and opens.
Two things keep a bounce from counting as a press: the pin is debounced
(gpiozero's bounce_time, which lgpio on a Pi 5 applies as "the level must stay
put this long"), and a press is decided when the button is let go, by how
long it was held; anything shorter than BOUNCE_S was a bounce, not a finger.
So a bounce followed by a two-second hold is one long press, never a photo and
then a language change.

On a Pi 5, gpiozero uses lgpio by itself; tests set GPIOZERO_PIN_FACTORY=mock
or pass a MockFactory.
"""

import time
import warnings

from gpiozero import LED, BadPinFactory, Button, GPIOPinInUse, PinFactoryFallback

BOUNCE_S = 0.03  # contacts settle within a few ms; no finger presses and lets go this fast
LONG_S = 1.5
EXIT_S = 5.0


class GpioMissing(RuntimeError):
    """The pins cannot be used; the message says why and what to do, in one line."""


class PressTimer:
    """Turns a button going down and up into "short", "long" or "exit" by how
    long it was held; shared by the GPIO button and the laptop's space bar.
    With `bounce`, a press shorter than that is a contact's bounce (None).

    >>> timer = PressTimer(bounce=BOUNCE_S)
    >>> timer.down(10.0); timer.up(10.2), timer.up(11.0)
    ('short', None)
    >>> timer.down(12.0); timer.up(12.002)  # a bounce
    """

    def __init__(self, *, bounce=0.0):
        self._pressed_at = None
        self._bounce = bounce  # 0 for keyboards: SDL reports keys without bounce, and a frame's events share one time

    def down(self, now):
        self._pressed_at = now

    def up(self, now):
        if self._pressed_at is None:
            return None
        held, self._pressed_at = now - self._pressed_at, None
        if held < self._bounce:
            return None
        return "exit" if held >= EXIT_S else "long" if held >= LONG_S else "short"


class Controls:
    """The button and its LED. Raises GpioMissing, with the reason and the fix,
    when the pins cannot be used (no GPIO library, not a Pi, a pin in use)."""

    def __init__(self, *, button_pin, led_pin, on_press, pin_factory=None, clock=time.monotonic):
        self.button = self.led = None
        with warnings.catch_warnings(record=True) as fallbacks:  # gpiozero warns of each library it tried
            warnings.simplefilter("always", PinFactoryFallback)
            try:
                self.button = Button(button_pin, bounce_time=BOUNCE_S, pin_factory=pin_factory)
                self.led = LED(led_pin, pin_factory=pin_factory)
            except Exception as error:
                self.close()
                tried = [str(w.message) for w in fallbacks if issubclass(w.category, PinFactoryFallback)]
                raise GpioMissing(_why_not(error, tried, button_pin, led_pin)) from error
        self._on_press = on_press
        self._clock = clock
        self._timer = PressTimer(bounce=BOUNCE_S)
        self.button.when_pressed = self._down
        self.button.when_released = self._up

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _down(self):
        self._timer.down(self._clock())

    def _up(self):
        kind = self._timer.up(self._clock())
        if kind:
            self._on_press(kind)

    def blink(self, on_time=0.25, off_time=0.25):
        self.led.blink(on_time=on_time, off_time=off_time)

    def light(self, on=True):
        self.led.on() if on else self.led.off()

    def close(self):
        for device in (self.button, self.led):
            if device is not None:
                device.close()  # gpiozero's close() is idempotent


def _why_not(error, tried, button_pin, led_pin) -> str:
    if isinstance(error, BadPinFactory | ImportError):
        reason = tried[0].removeprefix("Falling back from ") if tried else str(error)
        return (
            f"no GPIO library can drive the pins here ({reason}): on Raspberry Pi OS, `sudo apt install "
            "python3-lgpio` and make the booth's venv with --system-site-packages; with no button wired, "
            "set [gpio] enabled = false (the space bar works)."
        )
    if isinstance(error, GPIOPinInUse) or "busy" in str(error).lower():
        return (
            f"GPIO{button_pin} or GPIO{led_pin} is in use by another program ({error}): another booth? "
            "`systemctl --user stop photobooth` stops one started on login."
        )
    return f"the pins GPIO{button_pin} and GPIO{led_pin} cannot be used ({error})."
