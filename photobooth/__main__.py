"""The booth's commands:

    python -m photobooth run      [--config FILE]    the booth itself
    python -m photobooth check    [--config FILE]    every part, one line each: settings, secrets, portal,
                                                     screen, camera, GPIO, disk, gallery, fonts, each target
    python -m photobooth outbox   [list|retry [ID...|all]|purge]  what waits to be posted, what failed and why
    python -m photobooth pair     TOKEN_OR_QR_IMAGE  store the booth token from the Jam's booth page (- reads it)

The config file defaults to $PHOTOBOOTH_CONFIG, else ~/.config/photobooth/photobooth.toml.
"""

import argparse
import datetime
import logging
import os
import shutil
import sys
import time
import tomllib
from dataclasses import replace
from pathlib import Path

from .config import CAMERAS, DEFAULT_SECRETS, ConfigError, load, load_secrets
from .display import ScreenMissing

DEFAULT_CONFIG = Path.home() / ".config" / "photobooth" / "photobooth.toml"
TOKEN_PREFIX = "jpb_"  # noqa: S105 (the public marker booth tokens start with)
LED_SHOWN_S = 0.5  # check lights the LED this long, for whoever is looking at it
PHOTO_BYTES = 5_000_000  # allowed for each branded 12 MP JPEG (quality 90)
TOO_FEW_PHOTOS, FEW_PHOTOS = 100, 1000  # check fails below room for the first, warns below the second
CAMERA_NAMES = {
    "imx708": "Camera Module 3",
    "imx219": "Camera Module 2",
    "ov5647": "Camera Module 1",
    "imx477": "HQ Camera",
    "imx296": "Global Shutter Camera",
    "imx500": "AI Camera",
}
VARIANTS = {"wide": "Wide", "noir": "NoIR"}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m photobooth", description="The Raspberry Jam photobooth.")
    parser.add_argument("--config", type=Path, default=Path(os.environ.get("PHOTOBOOTH_CONFIG", DEFAULT_CONFIG)))
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the booth")
    run.add_argument("--camera", choices=CAMERAS, help="use this camera instead of the one in the settings")
    commands.add_parser("check", help="check the settings, the hardware and every target")
    outbox = commands.add_parser("outbox", help="list, retry or purge what waits to be posted")
    outbox.add_argument("action", nargs="?", choices=["list", "retry", "purge"], default="list")
    outbox.add_argument(
        "jobs", nargs="*", metavar="ID", help="retry: the jobs to try now (their # in the list), or all"
    )
    pair = commands.add_parser("pair", help="store the booth token (text, or a photo/screenshot of its QR code)")
    pair.add_argument("token", help="the token shown on the Jam's booth page, an image of its QR code, or - to read it")
    arguments = parser.parse_args(argv)
    # check says everything in its own lines; the booth's log (journalctl) has the rest.
    level = logging.CRITICAL if arguments.command == "check" else logging.INFO
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        if arguments.command == "pair":
            return pair_booth(arguments.config, arguments.token)
        config = load(arguments.config)
        if arguments.command == "run":
            from .app import run

            return run(replace(config, camera=arguments.camera or config.camera))
        if arguments.command == "check":
            return check(config)
        return outbox_command(config, arguments.action, arguments.jobs)
    except (ConfigError, ScreenMissing) as error:
        print(f"photobooth: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `outbox list | head`: the reader had enough; no traceback for that
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # (Python flushes it on exit)
        return 1


class Caveat(Exception):
    """A part works, with a caveat that its line (WARN) says."""


def check(config) -> int:
    """Every part the booth needs, one line each: ok, WARN (it works, with a
    caveat) or FAIL, with the reason and the fix. On the booth itself it opens
    each part as `run` does: the screen, the camera (a photo is taken), the
    button and LED (lit for half a second). Exit status 1 if any part fails."""
    from . import app, i18n
    from .camera import open_camera
    from .compose import font_path
    from .display import Screen, View
    from .publishers.portal import PortalPublisher

    counts = {"FAIL": 0, "WARN": 0}

    def report(name, test):
        try:
            lines = [("ok", test())]
        except Caveat as caveat:
            lines = [("WARN", str(caveat))]
        except ConfigError as error:
            lines = [("FAIL", problem) for problem in error.problems] or [("FAIL", str(error))]
        except Exception as error:
            lines = [("FAIL", str(error) or type(error).__name__)]
        for status, text in lines:
            counts[status] = counts.get(status, 0) + 1
            print(f"  {status:<5} {name}: {text}")
        return lines[0][0] != "FAIL"

    print(f"Settings: {config.source} is valid.")
    secrets, settings, live_box = {}, {}, [config.size]

    def secrets_check():
        try:
            secrets.update(load_secrets(config))
        except ConfigError as error:
            raise ConfigError(str(error), [f"{config.secrets}: {problem}" for problem in error.problems]) from None
        if config.secrets.is_file():
            return f"{config.secrets}: valid, readable by this user only"
        return f"no file at {config.secrets}: the PHOTOBOOTH_* variables only"

    def portal_check():
        if not secrets_ok:
            raise ConfigError("not checked: fix the secrets file first")
        if not secrets.get("portal_token"):
            raise ConfigError("no booth token: run `python -m photobooth pair <token or QR image>`")
        portal = PortalPublisher(config.portal_url, secrets["portal_token"])
        offline = []
        cache = config.folder / "booth-config.json"
        settings.update(app.booth_config(portal, cache, offline=lambda error, saved: offline.append((error, saved))))
        if offline:
            error, saved = offline[0]
            raise Caveat(
                f"{config.portal_url} cannot be reached ({type(error).__name__}): photos will wait in the outbox "
                "and be posted once it answers; meanwhile the Jam's settings saved on "
                f"{datetime.datetime.fromtimestamp(saved):%Y-%m-%d %H:%M} are used ({settings.get('jam_title')})."
            )
        return f"{config.portal_url} knows this booth: {settings['jam_title']}"

    def display_check():
        with Screen(size=config.size, fullscreen=config.fullscreen, mirror=config.mirror) as screen:
            screen.show(View(headline="python -m photobooth check"))
            driver, size, renderer = screen.driver, screen.size, screen.renderer
            live_box[0] = screen.live_box  # what the booth asks the camera for
        shape = f"full screen at {size[0]}x{size[1]}" if config.fullscreen else f"a {size[0]}x{size[1]} window"
        if driver in ("dummy", "offscreen"):  # asked for by SDL_VIDEODRIVER (the Screen refuses them otherwise)
            return f"{driver} (SDL_VIDEODRIVER={driver}): {shape}, shown nowhere"
        if renderer == "software":
            raise Caveat(
                f"{driver}, {shape}, drawn without the GPU (SDL found no fast renderer): the live view will be "
                "slow; is the desktop's OpenGL driver (vc4-kms-v3d) in use?"
            )
        return f"{driver}, {shape}, scaled by the GPU"

    def camera_check():
        options = {"resolution": config.resolution, "preview_box": live_box[0], "rotation": config.rotation}
        with open_camera(config.camera, **options) as camera:
            frame = camera.preview()
            photo = camera.capture()
        live = frame.size[::-1] if frame.turn in (90, 270) else frame.size
        focus = (
            "autofocus: continuous in the live view, and a focus cycle before each photo"
            if camera.autofocus
            else "no autofocus (focus is set at the lens)"
            if config.camera == "picamera2"
            else "no autofocus"
        )
        sizes = f"live view {live[0]}x{live[1]}, photos {photo.width}x{photo.height}"
        return f"{_camera_name(config.camera, camera.model)}: {sizes}; {focus}"

    def gpio_check():
        if not config.gpio:
            return "turned off in the settings (keyboard only)"
        from .controls import Controls

        with Controls(button_pin=config.button_pin, led_pin=config.led_pin, on_press=lambda kind: None) as controls:
            pressed = controls.button.is_pressed
            controls.light(True)
            time.sleep(LED_SHOWN_S)
            controls.light(False)
        if pressed:
            raise Caveat(
                f"the button on GPIO{config.button_pin} reads as pressed: is someone holding it, or is it wired "
                "to 3.3 V instead of ground?"
            )
        return f"button on GPIO{config.button_pin} (not pressed), LED on GPIO{config.led_pin} (lit for half a second)"

    def disk_check():
        place = config.folder
        while not place.exists():
            place = place.parent
        if not os.access(place, os.W_OK):
            raise ConfigError(
                f"{place} cannot be written by this user: choose another [booth] folder, or fix its owner"
            )
        free = shutil.disk_usage(place).free
        photos = free // PHOTO_BYTES
        text = f"{free / 1e9:.1f} GB free for {config.folder}: room for about {photos:,} photos"
        if photos < TOO_FEW_PHOTOS:
            raise ConfigError(f"{text}: free some space (copy old photos off the card) before the Jam")
        if photos < FEW_PHOTOS:
            raise Caveat(f"{text}: enough for a small Jam; free some space for a big one")
        return text

    secrets_ok = report("secrets", secrets_check)
    report("portal", portal_check)
    report("display", display_check)
    report("camera", camera_check)
    report("gpio", gpio_check)
    report("disk", disk_check)
    if config.gallery:
        report("gallery", lambda: gallery_check(config))
    languages = [settings.get("language", "en"), *settings.get("languages", [])]
    for language in dict.fromkeys(languages):
        report(f"font for {i18n.language_name(language)}", lambda language=language: font_path(language))
    publishers = {}

    def targets_check():
        portal = PortalPublisher(config.portal_url, secrets["portal_token"])
        publishers.update(app.publishers_for(config, secrets, settings, portal))
        return ", ".join(publishers)

    if settings:
        report("targets", targets_check)
    for target in ("x", "mastodon", "bluesky"):
        if target in publishers:
            report(target, lambda target=target: f"posting as {publishers[target].check()}")
    if counts["FAIL"]:
        print(f"{counts['FAIL']} problem(s) found.")
    elif counts["WARN"]:
        print(f"Ready, with {counts['WARN']} warning{'s' if counts['WARN'] > 1 else ''}: see WARN above.")
    else:
        print("All good.")
    return 1 if counts["FAIL"] else 0


def gallery_check(config) -> str:
    """The gallery's port is free on every interface, and where phones will find it."""
    import socket

    from .gallery import LISTEN_ON, lan_address

    with socket.socket() as probe:
        try:
            probe.bind((LISTEN_ON, config.gallery_port))
        except OSError as error:
            raise ConfigError(
                f"port {config.gallery_port} is taken ({error.strerror}): is the booth already running? "
                "Else choose another [gallery] port."
            ) from None
    address = lan_address()
    if address.startswith("127."):
        raise Caveat(
            f"no network: once the booth is on the venue's Wi-Fi, the gallery is at "
            f"http://{config.gallery_name}.local:{config.gallery_port}/"
        )
    return (
        f"http://{config.gallery_name}.local:{config.gallery_port}/ and http://{address}:{config.gallery_port}/ "
        "(port free)"
    )


def _camera_name(kind, model):
    """ "picamera2, Camera Module 3 Wide (imx708_wide)", "fake camera", "webcam /dev/video0"."""
    if kind != "picamera2":
        return f"{kind} camera" if kind == "fake" else f"{kind} {model}"
    sensor, *variants = model.split("_")
    name = " ".join([CAMERA_NAMES.get(sensor, "a camera"), *(VARIANTS.get(v, v) for v in variants)])
    return f"picamera2, {name} ({model})"


def outbox_command(config, action, jobs=()) -> int:
    from .outbox import DECLINED, DONE, FAILED, HELD, PENDING, Outbox

    if action != "retry" and jobs:
        raise ConfigError(f"outbox {action} takes no job numbers (outbox retry does).")
    wanted = None
    if action == "retry" and jobs and jobs != ["all"]:
        try:
            wanted = [int(job.removeprefix("#")) for job in jobs]
        except ValueError:
            raise ConfigError(
                f"outbox retry takes job numbers as `outbox list` shows them (#12), or all; not {' '.join(jobs)}."
            ) from None
    with Outbox(config.folder / "outbox.sqlite3") as outbox:
        if action == "retry":
            retried = outbox.retry(wanted)
            print(f"{retried} job(s) will be tried now, by the booth when it runs.")
            if wanted and retried < len(wanted):
                print("The others are posted, declined, held in a consent window or not in the outbox.")
        elif action == "purge":
            print(f"{outbox.purge_done()} posted job(s) forgotten; the photos stay in {config.folder / 'photos'}.")
        else:
            for job in outbox.jobs():
                print(f"#{job.id:<5} {job.photo.name}  {job.target:<9} {_job_state(job)}".rstrip())
            counts = outbox.counts()
            print(
                f"{counts[PENDING]} waiting, {counts[DONE]} posted, {counts[FAILED]} failed, "
                f"{counts[HELD]} in a consent window, {counts[DECLINED]} declined."
            )
            if counts[FAILED]:
                print("A failed job is not tried again until you say so: python -m photobooth outbox retry ID|all")
    return 0


def _job_state(job) -> str:
    """One job's state in words, for `outbox list`."""
    from .outbox import DECLINED, DONE, FAILED, HELD

    if job.status == DONE:
        return f"posted  {job.remote_id}"
    if job.status == FAILED:
        return f"FAILED after {job.attempts} attempt(s): {job.last_error}"
    if job.status == DECLINED:
        return "declined: never posted"
    if job.status == HELD:
        return "in its consent window"
    wait = max(0, round(job.next_try - time.time()))
    state = f"waiting, {job.attempts} attempt(s)" + (f", next in {wait} s" if wait else ", due now")
    return f"{state}  {job.last_error}"


def pair_booth(config_path: Path, token_or_image: str) -> int:
    from_stdin = token_or_image == "-"  # noqa: S105 (the usual "read standard input")
    token = (sys.stdin.readline() if from_stdin else token_or_image).strip()
    if Path(token).is_file():
        token = read_qr(Path(token))
    if not token.startswith(TOKEN_PREFIX) or len(token) > 100 or any(c.isspace() for c in token):
        raise ConfigError(
            f"That is not a booth token (they start with {TOKEN_PREFIX}): copy it from the Jam's booth page."
        )
    try:
        config = load(config_path)
        secrets_path, portal_url = config.secrets, config.portal_url
    except ConfigError:
        if config_path.is_file():
            raise
        secrets_path, portal_url = DEFAULT_SECRETS, None  # pairing before writing the settings is fine
    if portal_url:
        from .publishers.portal import PortalError, PortalPublisher

        try:
            jam = PortalPublisher(portal_url, token).config()["jam_title"]
        except PortalError as error:
            raise ConfigError(f"{portal_url} refused this token ({error}).") from None
        except OSError as error:
            print(f"The portal could not be reached ({error}); the token is saved and will be tried later.")
        else:
            print(f"Paired with {jam}.")
    save_secret(secrets_path, "portal_token", token)
    print(f"Booth token saved in {secrets_path} (readable by this user only).")
    return 0


def read_qr(path: Path) -> str:
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            found = zxingcpp.read_barcodes(image.convert("RGB"))
    except (UnidentifiedImageError, OSError) as error:
        raise ConfigError(f"{path} is not an image this booth can read ({error}).") from None
    texts = [barcode.text for barcode in found if barcode.text.startswith(TOKEN_PREFIX)]
    if not texts:
        raise ConfigError(f"No booth QR code found in {path}: photograph it straight on, filling most of the frame.")
    return texts[0]


def save_secret(path: Path, key: str, value: str) -> None:
    """Set one top-level secret, keeping the others; the file is mode 600."""
    from .outbox import write_durably

    data = tomllib.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    data[key] = value
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lines = [f"{name} = {_toml_string(text)}" for name, text in data.items() if not isinstance(text, dict)]
    for section, values in data.items():
        if isinstance(values, dict):
            lines += ["", f"[{section}]", *(f"{name} = {_toml_string(str(text))}" for name, text in values.items())]
    old_mask = os.umask(0o077)
    try:
        write_durably(path, ("\n".join(lines) + "\n").encode())
    finally:
        os.umask(old_mask)
    path.chmod(0o600)


def _toml_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(char if char.isprintable() else f"\\u{ord(char):04x}" for char in escaped) + '"'


if __name__ == "__main__":
    sys.exit(main())
