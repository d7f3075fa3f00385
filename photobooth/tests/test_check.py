"""`python -m photobooth check` tells the truth, one line a part, and never
shows a traceback: run through main() with a real screen (SDL's dummy
driver), gpiozero's MockFactory and the stand-in for the Pi's camera."""

import datetime
import os
import re

import pytest
from gpiozero import Device

from photobooth.__main__ import main

from .picamera2_standin import installed

SAVED_AT = datetime.datetime(2031, 3, 1, 10, 0).timestamp()


@pytest.fixture
def booth(tmp_path, monkeypatch):
    """A booth folder with the Jam's settings saved on 1 March 2031, a token, and no portal answering."""
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("PHOTOBOOTH_PORTAL_TOKEN", "jpb_test")
    monkeypatch.setattr(Device, "pin_factory", None)  # made afresh for each test
    folder = tmp_path / "booth"
    folder.mkdir()
    saved = folder / "booth-config.json"
    saved.write_text('{"jam_title": "Saved Jam", "language": "en"}')
    os.utime(saved, (SAVED_AT, SAVED_AT))
    yield tmp_path
    if Device.pin_factory is not None:
        Device.pin_factory.close()


def check(tmp_path, text, capsys, secrets=None):
    if secrets is not None:
        (tmp_path / "secrets.toml").write_text(secrets)
        (tmp_path / "secrets.toml").chmod(0o600)
    path = tmp_path / "photobooth.toml"
    path.write_text(text.replace("FOLDER", str(tmp_path / "booth")).replace("SECRETS", str(tmp_path / "secrets.toml")))
    status = main(["--config", str(path), "check"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return status, out, err, path


OFFLINE_FAKE = """[portal]
url = "http://127.0.0.1:9"
[booth]
folder = "FOLDER"
secrets = "SECRETS"
[camera]
kind = "fake"
[gpio]
enabled = false
[screen]
fullscreen = false
"""


def test_check_says_the_portal_is_unreachable_and_what_the_booth_will_do(booth, capsys):
    status, out, _err, _path = check(booth, OFFLINE_FAKE, capsys)

    saved = datetime.datetime.fromtimestamp(SAVED_AT).strftime("%Y-%m-%d %H:%M")
    assert (
        "  WARN  portal: http://127.0.0.1:9 cannot be reached (ConnectionError): photos will wait in the outbox "
        "and be posted once it answers; meanwhile the Jam's settings saved on "
        f"{saved} are used (Saved Jam).\n"
    ) in out
    assert "All good." not in out
    assert out.splitlines()[-1] == "Ready, with 1 warning: see WARN above."
    assert status == 0  # the booth runs; check says how


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            OFFLINE_FAKE.replace('[booth]\nfolder = "FOLDER"', '[booth]\nfolder = ""'),
            '  [booth] folder: must be a folder such as "~/photobooth", not "".',
        ),
        (
            'kind = "fake"\n' + OFFLINE_FAKE.replace('kind = "fake"\n', ""),
            '  kind = "fake" is outside any section: put it under [camera].',
        ),
        (
            OFFLINE_FAKE.replace("enabled = false", "enabled = false\nbuton = 18"),
            '  [gpio] buton is not a setting (did you mean "button_pin"?); [gpio] takes enabled, button_pin, led_pin.',
        ),
        (
            OFFLINE_FAKE.replace("enabled = false", "button_pin = 17\nled_pin = 17"),
            "  [gpio] led_pin: 17 is the button's pin too: wire the LED to another GPIO, such as 27.",
        ),
    ],
    ids=["empty folder", "outside any section", "misspelt key", "one pin for two"],
)
def test_check_names_the_key_the_problem_and_the_fix_of_a_bad_setting(booth, capsys, text, line):
    status, out, err, path = check(booth, text, capsys)

    assert status == 2
    assert out == ""
    assert err.splitlines() == [f"photobooth: {path} has 1 problem:", line]


def test_check_names_a_section_of_the_secrets_file_written_as_a_value(booth, capsys):
    status, out, _err, _path = check(booth, OFFLINE_FAKE, capsys, secrets='portal_token = "jpb_test"\nx = "ck"\n')

    assert status == 1
    assert (
        f"  FAIL  secrets: {booth / 'secrets.toml'}: x = ... must be a section: write [x] on a line of its own "
        "and put consumer_key, consumer_secret, access_token, access_token_secret under it.\n"
    ) in out
    assert '"ck"' not in out


def test_check_without_a_gpio_library_says_how_to_install_one_or_turn_gpio_off(booth, capsys, monkeypatch):
    monkeypatch.delenv("GPIOZERO_PIN_FACTORY", raising=False)  # gpiozero looks for lgpio, RPi.GPIO, pigpio ...
    if os.path.exists("/proc/device-tree/model"):
        pytest.skip("a Raspberry Pi has a GPIO library")

    status, out, err, _path = check(booth, OFFLINE_FAKE.replace("enabled = false", "enabled = true"), capsys)

    assert status == 1
    assert (
        "  FAIL  gpio: no GPIO library can drive the pins here (lgpio: No module named 'lgpio'): on Raspberry Pi "
        "OS, `sudo apt install python3-lgpio` and make the booth's venv with --system-site-packages; with no "
        "button wired, set [gpio] enabled = false (the space bar works).\n"
    ) in out
    assert "Fallback" not in err  # gpiozero's warnings, one per library tried, are not shown


@pytest.mark.parametrize(
    ("model", "camera_line"),
    [
        (
            "imx708",
            "  ok    camera: picamera2, Camera Module 3 (imx708): live view 1188x668, photos 4608x2592; "
            "autofocus: continuous in the live view, and a focus cycle before each photo\n",
        ),
        (
            "imx219",
            "  ok    camera: picamera2, Camera Module 2 (imx219): live view 890x668, photos 3280x2464; "
            "no autofocus (focus is set at the lens)\n",
        ),
    ],
)
def test_check_proves_the_camera_the_pins_the_display_and_the_disk(booth, capsys, monkeypatch, model, camera_line):
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "mock")
    text = OFFLINE_FAKE.replace('kind = "fake"', 'kind = "picamera2"').replace("enabled = false", "enabled = true")

    with installed(model=model) as rig:
        _status, out, _err, _path = check(booth, text, capsys)

    assert camera_line in out
    assert rig.calls[-1] == ("close",)
    assert "  ok    gpio: button on GPIO17 (not pressed), LED on GPIO27 (lit for half a second)\n" in out
    assert "  ok    display: dummy (SDL_VIDEODRIVER=dummy): a 1280x720 window, shown nowhere\n" in out
    assert re.search(
        rf"  ok    disk: [\d.]+ GB free for {re.escape(str(booth / 'booth'))}: room for about [\d,]+ photos\n", out
    )


# --- the gallery and panel (issue 23) ---


def test_check_says_where_the_gallery_will_be_and_whether_its_port_is_free(booth, capsys, monkeypatch):
    import socket

    from photobooth import gallery

    monkeypatch.setattr(gallery, "LISTEN_ON", "127.0.0.1")  # nothing on the machine's real network
    monkeypatch.setattr(gallery, "lan_address", lambda: "192.0.2.7")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        _status, busy, _err, _path = check(booth, OFFLINE_FAKE + f"[gallery]\nenabled = true\nport = {port}\n", capsys)
    _status, free, _err, _path = check(booth, OFFLINE_FAKE + f"[gallery]\nenabled = true\nport = {port}\n", capsys)

    assert (
        f"  FAIL  gallery: port {port} is taken (Address already in use): is the booth already running? "
        "Else choose another [gallery] port.\n"
    ) in busy
    assert f"  ok    gallery: http://photobooth.local:{port}/ and http://192.0.2.7:{port}/ (port free)\n" in free
