"""The booth's commands:

    python -m photobooth run      [--config FILE]    the booth itself
    python -m photobooth check    [--config FILE]    settings, camera, GPIO, fonts, portal, each target
    python -m photobooth outbox   [list|retry [ID...|all]|purge]  what waits to be posted, what failed and why
    python -m photobooth pair     TOKEN_OR_QR_IMAGE  store the booth token from the Jam's booth page (- reads it)

The config file defaults to $PHOTOBOOTH_CONFIG, else ~/.config/photobooth/photobooth.toml.
"""

import argparse
import logging
import os
import sys
import time
import tomllib
from dataclasses import replace
from pathlib import Path

from .config import CAMERAS, DEFAULT_SECRETS, ConfigError, load, load_secrets

DEFAULT_CONFIG = Path.home() / ".config" / "photobooth" / "photobooth.toml"
TOKEN_PREFIX = "jpb_"  # noqa: S105 (the public marker booth tokens start with)


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
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
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
    except ConfigError as error:
        print(f"photobooth: {error}", file=sys.stderr)
        return 2


def check(config) -> int:
    """Every part the booth needs, one line each; exit status 1 if any fails."""
    from . import app, i18n
    from .camera import open_camera
    from .compose import font_path
    from .publishers.portal import PortalPublisher

    failures = 0

    def report(name, test):
        nonlocal failures
        try:
            print(f"  ok    {name}: {test()}")
        except Exception as error:
            failures += 1
            print(f"  FAIL  {name}: {error}")

    print(f"Settings: {config.source} is valid.")
    secrets = load_secrets(config)
    portal = PortalPublisher(config.portal_url, secrets.get("portal_token", ""))
    settings = {}

    def portal_check():
        if not secrets.get("portal_token"):
            raise ConfigError("no booth token: run `python -m photobooth pair <token or QR image>`")
        settings.update(app.booth_config(portal, config.folder / "booth-config.json"))
        return f"{config.portal_url} knows this booth: {settings['jam_title']}"

    def camera_check():
        with open_camera(config.camera, resolution=config.resolution) as camera:
            return f"{config.camera}, preview {camera.preview().size[0]}x{camera.preview().size[1]}"

    def gpio_check():
        if not config.gpio:
            return "turned off in the settings (keyboard only)"
        from .controls import Controls

        with Controls(button_pin=config.button_pin, led_pin=config.led_pin, on_press=print):
            return f"button on GPIO{config.button_pin}, LED on GPIO{config.led_pin}"

    report("portal", portal_check)
    report("camera", camera_check)
    report("gpio", gpio_check)
    languages = [settings.get("language", "en"), *settings.get("languages", [])]
    for language in dict.fromkeys(languages):
        report(f"font for {i18n.language_name(language)}", lambda language=language: font_path(language))
    publishers = {}

    def targets_check():
        publishers.update(app.publishers_for(config, secrets, settings, portal))
        return ", ".join(publishers)

    if settings:
        report("targets", targets_check)
    for target in ("x", "mastodon"):
        if target in publishers:
            report(target, lambda target=target: f"posting as {publishers[target].check()}")
    print("All good." if not failures else f"{failures} problem(s) found.")
    return 1 if failures else 0


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
