"""The booth's settings: a TOML file, checked as a whole at start so that every
mistake is reported at once, naming the key and how to fix it.

    >>> config = parse(\'\'\'
    ... [portal]
    ... url = "https://jams.example.org"
    ... [camera]
    ... kind = "fake"
    ... \'\'\')
    >>> config.camera, config.button_pin, config.targets
    ('fake', 17, ('portal',))
    >>> parse('[camera]\\nkind = "webcm"\\nresolution = "12MP"')
    Traceback (most recent call last):
    ...
    photobooth.config.ConfigError: photobooth.toml has 2 problems:
      [camera] kind: "webcm" is not one of picamera2, webcam, fake.
      [camera] resolution: must be two whole numbers such as [4608, 2592], not "12MP".

Secrets (the booth token, X, Mastodon and Bluesky credentials) never go in this file:
they come from the secrets file it names, readable by the booth's user only,
or from environment variables (see `load_secrets`).
"""

import difflib
import os
import re
import stat
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from .camera import ROTATIONS
from .compose import CORNERS

DEFAULT_FOLDER = Path.home() / "photobooth"  # the photos and the outbox
DEFAULT_SECRETS = Path.home() / ".config" / "photobooth" / "secrets.toml"
TARGETS = ("portal", "x", "mastodon", "bluesky")
CAMERAS = ("picamera2", "webcam", "fake")
SECRET_KEYS = {
    "portal_token": "PHOTOBOOTH_PORTAL_TOKEN",
    "x.consumer_key": "PHOTOBOOTH_X_CONSUMER_KEY",
    "x.consumer_secret": "PHOTOBOOTH_X_CONSUMER_SECRET",
    "x.access_token": "PHOTOBOOTH_X_ACCESS_TOKEN",
    "x.access_token_secret": "PHOTOBOOTH_X_ACCESS_TOKEN_SECRET",
    "mastodon.access_token": "PHOTOBOOTH_MASTODON_ACCESS_TOKEN",
    "bluesky.app_password": "PHOTOBOOTH_BLUESKY_APP_PASSWORD",
}
SECRET_SECTIONS = {
    section: [dotted.partition(".")[2] for dotted in SECRET_KEYS if dotted.startswith(section + ".")]
    for section in ("x", "mastodon", "bluesky")
}
# A Bluesky handle is a domain name: "ourjam.bsky.social", or the Jam's own domain.
HANDLE = re.compile(r"([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]([a-z0-9-]{0,61}[a-z0-9])?", re.IGNORECASE)


class ConfigError(Exception):
    """The settings cannot be used; the message lists every problem and its fix,
    one line each (also in `problems`)."""

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.problems = list(problems)


def _problems(source, problems) -> ConfigError:
    count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
    return ConfigError(f"{source} has {count}:\n" + "\n".join(f"  {problem}" for problem in problems), problems)


@dataclass(frozen=True)
class Config:
    portal_url: str = "http://127.0.0.1:8000"
    targets: tuple = ("portal",)
    folder: Path = DEFAULT_FOLDER
    secrets: Path = DEFAULT_SECRETS
    shots: int = 1
    camera: str = "picamera2"
    resolution: tuple | None = None
    rotation: int = 0
    gpio: bool = True
    button_pin: int = 17
    led_pin: int = 27
    fullscreen: bool = True
    size: tuple = (1280, 720)
    mirror: bool = True
    logo: Path | None = None
    corner: str = "top-right"
    margin: float = 0.025
    scale: float = 0.12
    mastodon_instance: str = ""
    bluesky_handle: str = ""
    bluesky_service: str = ""  # the account's PDS; empty: Bluesky's own (https://bsky.social)
    boomerang: bool = False  # every press makes a boomerang instead of a photo
    boomerang_frames: int = 10
    boomerang_seconds: float = 1.5
    printing: bool = False  # [printing]: see photobooth/printing.py
    printer: str = ""
    print_auto: bool = True  # print each photo ("print" is then one of the targets); false: on request only
    print_copies: int = 1
    source: str = "photobooth.toml"
    gallery: bool = False  # the local gallery and phone panel (photobooth/gallery.py)
    gallery_port: int = 8080
    gallery_name: str = "photobooth"


def _url(value):
    parts = urlsplit(value) if isinstance(value, str) else None
    if not parts or parts.scheme not in ("http", "https") or not parts.netloc:
        return 'must be a web address such as "https://jams.example.org"'
    return None


def _pair(value):
    if not (isinstance(value, list) and len(value) == 2 and all(type(n) is int and n > 0 for n in value)):
        return "must be two whole numbers such as [4608, 2592]"
    return None


def _one_of(choices):
    def check(value):
        return None if value in choices else f"is not one of {', '.join(choices)}."

    return check


def _targets(value):
    if not (isinstance(value, list) and value and all(item in TARGETS for item in value)):
        return f'must be a list drawn from {", ".join(TARGETS)}, such as ["portal", "mastodon"]'
    return None


def _handle(value):
    ok = isinstance(value, str) and len(value) <= 253 and HANDLE.fullmatch(value.removeprefix("@"))
    return None if ok else 'must be the account\'s whole handle, such as "ourjam.bsky.social"'


def _service(value):
    return (
        None if _url(value) is None else 'must be the web address of the account\'s PDS, such as "https://bsky.social"'
    )


def _gpio(value):
    return None if type(value) is int and 0 <= value <= 27 else "must be a GPIO number from 0 to 27 (BCM numbering)"


def _fraction(low, high):
    def check(value):
        ok = type(value) in (int, float) and low <= value <= high
        return None if ok else f"must be a number from {low} to {high}"

    return check


def _text(value):
    return None if isinstance(value, str) else "must be text in quotes"


def _place(example):
    def check(value):
        return None if isinstance(value, str) and value.strip() else f"must be a {example}"

    return check


def _rotation(value):
    ok = type(value) is int and value in ROTATIONS
    return None if ok else "must be 0, 90, 180 or 270 (degrees clockwise)"


def _flag(value):
    return None if isinstance(value, bool) else "must be true or false"


def _shots(value):
    return None if value in (1, 4) else "must be 1 (one photo) or 4 (a 2x2 collage)"


def _frames(value):
    return None if type(value) is int and 4 <= value <= 30 else "must be a whole number of frames from 4 to 30"


def _port(value):
    return None if type(value) is int and 1024 <= value <= 65535 else "must be a port number from 1024 to 65535"


# One DNS label: <name>.local on the venue's network.
LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")


def _label(value):
    ok = isinstance(value, str) and LABEL.fullmatch(value)
    return None if ok else 'must be letters a-z, digits and hyphens, such as "jam-booth" (for jam-booth.local)'


# section -> key -> (Config field, check)
SCHEMA = {
    "portal": {"url": ("portal_url", _url)},
    "booth": {
        "targets": ("targets", _targets),
        "folder": ("folder", _place('folder such as "~/photobooth"')),
        "secrets": ("secrets", _place('file such as "~/.config/photobooth/secrets.toml"')),
        "shots": ("shots", _shots),
    },
    "camera": {
        "kind": ("camera", _one_of(CAMERAS)),
        "resolution": ("resolution", _pair),
        "rotation": ("rotation", _rotation),
    },
    "gpio": {"enabled": ("gpio", _flag), "button_pin": ("button_pin", _gpio), "led_pin": ("led_pin", _gpio)},
    "screen": {"fullscreen": ("fullscreen", _flag), "size": ("size", _pair), "mirror": ("mirror", _flag)},
    "branding": {
        "logo": ("logo", _text),
        "corner": ("corner", _one_of(sorted(CORNERS))),
        "margin": ("margin", _fraction(0, 0.2)),
        "scale": ("scale", _fraction(0.02, 0.5)),
    },
    "mastodon": {"instance": ("mastodon_instance", _url)},
    "bluesky": {"handle": ("bluesky_handle", _handle), "service": ("bluesky_service", _service)},
    "boomerang": {
        "enabled": ("boomerang", _flag),
        "frames": ("boomerang_frames", _frames),
        "seconds": ("boomerang_seconds", _fraction(0.5, 4)),
    },
    "gallery": {"enabled": ("gallery", _flag), "port": ("gallery_port", _port), "name": ("gallery_name", _label)},
}
PATHS = {"folder", "secrets", "logo"}
PAIRS = {"resolution", "size", "targets"}


def load(path) -> Config:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"No config file at {path}: copy photobooth/photobooth.example.toml there.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path} cannot be read: {error}") from None
    return parse(text, source=str(path), base=path.parent)


def parse(text: str, *, source="photobooth.toml", base=Path()) -> Config:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{source} is not valid TOML: {error}.") from None
    problems, values = [], {"source": source}
    for section, settings in data.items():
        if not isinstance(settings, dict):
            problems.append(_outside(section, settings))
            continue
        if section not in SCHEMA:
            problems.append(
                f"[{section}] is not a section{_did_you_mean(section, SCHEMA)}; the sections are {', '.join(SCHEMA)}."
            )
            continue
        for key, value in settings.items():
            if key not in SCHEMA[section]:
                problems.append(_unknown(section, key))
                continue
            field, check = SCHEMA[section][key]
            problem = check(value)
            if problem:
                problems.append(
                    f"[{section}] {key}: {_show(value)} {problem}"
                    if problem.startswith("is ")
                    else f"[{section}] {key}: {problem}, not {_show(value)}."
                )
            else:
                values[field] = _convert(field, value, base)
    config = Config(**values)
    if config.led_pin == config.button_pin:
        spare = next(pin for pin in (27, 22) if pin != config.button_pin)
        problems.append(
            f"[gpio] led_pin: {config.led_pin} is the button's pin too: wire the LED to another GPIO, such as {spare}."
        )
    if "mastodon" in config.targets and not config.mastodon_instance:
        problems.append('[mastodon] instance: needed to post to Mastodon, such as "https://mastodon.social".')
    if "bluesky" in config.targets and not config.bluesky_handle:
        problems.append('[bluesky] handle: needed to post to Bluesky, such as "ourjam.bsky.social".')
    problems += _printing_problems(config)
    if config.printing and config.print_auto and "print" not in config.targets:
        config = replace(config, targets=(*config.targets, "print"))
    if config.logo is not None and not config.logo.is_file():
        problems.append(f"[branding] logo: no file at {config.logo}.")
    if problems:
        raise _problems(source, problems)
    return config


def _sections_of(key):
    return [section for section, settings in SCHEMA.items() if key in settings]


def _outside(key, value):
    """The line for `key = value` written above every [section] heading."""
    if key in SCHEMA:
        example = next(iter(SCHEMA[key]))
        return (
            f"{key} = {_show(value)}: [{key}] is a section, not a setting: write [{key}] on a line of its own "
            f"and its settings under it, such as {example}."
        )
    homes = _sections_of(key)
    if homes:
        return f"{key} = {_show(value)} is outside any section: put it under {' or '.join(f'[{h}]' for h in homes)}."
    every_key = {name for settings in SCHEMA.values() for name in settings}
    return (
        f"{key} = {_show(value)} is outside any section, and no section has such a setting"
        f"{_did_you_mean(key, every_key)}."
    )


def _unknown(section, key):
    if f"{section}.{key}" in SECRET_KEYS:
        return (
            f"[{section}] {key} is a secret: put it in the secrets file ([booth] secrets) or the "
            f"{SECRET_KEYS[f'{section}.{key}']} variable, never in the settings."
        )
    homes = _sections_of(key)
    if homes:
        return f"[{section}] {key} is not a [{section}] setting: put it under {' or '.join(f'[{h}]' for h in homes)}."
    return (
        f"[{section}] {key} is not a setting{_did_you_mean(key, SCHEMA[section])}; "
        f"[{section}] takes {', '.join(SCHEMA[section])}."
    )


def _convert(field, value, base):
    if field in PATHS:
        return (base / Path(value).expanduser()).resolve() if value else None
    if field in PAIRS:
        return tuple(value)
    return value


def _show(value):
    return f'"{value}"' if isinstance(value, str) else repr(value).lower() if isinstance(value, bool) else repr(value)


def _did_you_mean(word, choices):
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f' (did you mean "{close[0]}"?)' if close else ""


def load_secrets(config: Config, environ=os.environ) -> dict:
    """{"portal_token": ..., "x": {...}, "mastodon": {...}} from the secrets file
    (which must not be readable by other users) and PHOTOBOOTH_* variables,
    which win. A missing file is fine when the environment has what is needed.
    Mistakes in the file are named by key, never by value: the values are secrets."""
    secrets = {"x": {}, "mastodon": {}, "bluesky": {}}
    path = config.secrets
    if path and path.is_file():
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigError(f"{path} can be read by other users: run `chmod 600 {path}`.")
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigError(f"{path} is not valid TOML: {error}.") from None
        problems = []
        for key, value in data.items():
            problems += _secret_problems(key, value)
        if problems:
            raise _problems(path, problems)
        for dotted in SECRET_KEYS:
            section, _, key = dotted.rpartition(".")
            value = (data.get(section, {}) if section else data).get(key)
            if value is not None:
                _put(secrets, dotted, value)
    for dotted, variable in SECRET_KEYS.items():
        if environ.get(variable):
            _put(secrets, dotted, environ[variable])
    if config.mastodon_instance:
        secrets["mastodon"]["instance"] = config.mastodon_instance
    if config.bluesky_handle:
        secrets["bluesky"]["handle"] = config.bluesky_handle.removeprefix("@")
    if config.bluesky_service:
        secrets["bluesky"]["service"] = config.bluesky_service
    return secrets


def _secret_problems(key, value) -> list[str]:
    sections = SECRET_SECTIONS
    if key == "portal_token":
        if isinstance(value, dict):
            return ['[portal_token] must be a value, not a section: portal_token = "jpb_..." at the top of the file.']
        return (
            [] if isinstance(value, str) else ['portal_token must be text in quotes, such as portal_token = "jpb_...".']
        )
    if key not in sections:
        return [
            f"{key} is not a secret the booth knows{_did_you_mean(key, ['portal_token', *sections])}; "
            "the file takes portal_token, [x], [mastodon] and [bluesky]."
        ]
    if not isinstance(value, dict):
        return [
            f"{key} = ... must be a section: write [{key}] on a line of its own and put "
            f"{', '.join(sections[key])} under it."
        ]
    problems = []
    for name, text in value.items():
        if name not in sections[key]:
            problems.append(
                f"[{key}] {name} is not a secret the booth knows{_did_you_mean(name, sections[key])}; "
                f"[{key}] takes {', '.join(sections[key])}."
            )
        elif not isinstance(text, str):
            problems.append(f"[{key}] {name} must be text in quotes.")
    return problems


def _put(secrets, dotted, value):
    section, _, key = dotted.rpartition(".")
    (secrets[section] if section else secrets)[key] = value


# --- Printing ---

# A CUPS queue's name: printable characters but space, "/", "\\", "#", quotes; at most 127.
PRINTER_NAME = re.compile(r"[^\s/\\#'\"]{1,127}")


def _printer(value):
    ok = isinstance(value, str) and PRINTER_NAME.fullmatch(value)
    return None if ok else 'must be the CUPS name of the printer (`lpstat -p` lists them), such as "SELPHY_CP1500"'


def _copies(value):
    from .printing import MAX_COPIES

    ok = type(value) is int and 1 <= value <= MAX_COPIES
    return None if ok else f"must be a whole number from 1 to {MAX_COPIES}"


SCHEMA["printing"] = {
    "enabled": ("printing", _flag),
    "printer": ("printer", _printer),
    "auto": ("print_auto", _flag),
    "copies": ("print_copies", _copies),
}


def _printing_problems(config) -> list[str]:
    if config.printing and not config.printer:
        return [
            "[printing] printer: needed to print, the CUPS name of the printer (`lpstat -p` lists them), "
            'such as "SELPHY_CP1500".'
        ]
    return []
