"""`app.run`, the booth as `python -m photobooth run` starts it: whatever
stops it, every device it opened is closed (screen, camera, button and LED,
outbox, publishing thread)."""

import sqlite3
import threading

import pygame
import pytest
from gpiozero import LED, Button, Device

from photobooth import app
from photobooth.config import parse

from .picamera2_standin import installed


@pytest.fixture
def booth_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "mock")
    monkeypatch.setattr(Device, "pin_factory", None)  # made afresh from the variable
    monkeypatch.setenv("PHOTOBOOTH_PORTAL_TOKEN", "jpb_test")
    folder = tmp_path / "booth"
    folder.mkdir()
    (folder / "booth-config.json").write_text('{"jam_title": "Saved Jam", "language": "en"}')  # the portal is down
    yield folder
    Device.pin_factory.close()


def settings(folder):
    return parse(
        f'[portal]\nurl = "http://127.0.0.1:9"\n[booth]\nfolder = "{folder}"\nsecrets = "{folder / "none.toml"}"\n'
        '[camera]\nkind = "picamera2"\n[screen]\nfullscreen = false\nsize = [320, 180]'
    )


def test_every_device_is_closed_when_the_booth_fails_to_start(booth_folder):
    (booth_folder / "outbox.sqlite3").mkdir()  # an outbox that cannot be opened

    with installed() as rig, pytest.raises(sqlite3.OperationalError):
        app.run(settings(booth_folder))

    assert rig.calls[-1] == ("close",)
    assert pygame.display.get_init() is False
    Button(17).close()  # the pins are free again (GPIOPinInUse otherwise)
    LED(27).close()
    assert "publisher" not in [thread.name for thread in threading.enumerate()]
