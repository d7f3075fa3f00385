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

Secrets (the booth token, X and Mastodon credentials) never go in this file:
they come from the secrets file it names, readable by the booth's user only,
or from environment variables (see `load_secrets`).
"""

import difflib
import os
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .compose import CORNERS

DEFAULT_FOLDER = Path.home() / "photobooth"  # the photos and the outbox
DEFAULT_SECRETS = Path.home() / ".config" / "photobooth" / "secrets.toml"
TARGETS = ("portal", "x", "mastodon")
CAMERAS = ("picamera2", "webcam", "fake")
SECRET_KEYS = {
    "portal_token": "PHOTOBOOTH_PORTAL_TOKEN",
    "x.consumer_key": "PHOTOBOOTH_X_CONSUMER_KEY",
    "x.consumer_secret": "PHOTOBOOTH_X_CONSUMER_SECRET",
    "x.access_token": "PHOTOBOOTH_X_ACCESS_TOKEN",
    "x.access_token_secret": "PHOTOBOOTH_X_ACCESS_TOKEN_SECRET",
    "mastodon.access_token": "PHOTOBOOTH_MASTODON_ACCESS_TOKEN",
}


class ConfigError(Exception):
    """The settings cannot be used; the message lists every problem and its fix."""


@dataclass(frozen=True)
class Config:
    portal_url: str = "http://127.0.0.1:8000"
    targets: tuple = ("portal",)
    folder: Path = DEFAULT_FOLDER
    secrets: Path = DEFAULT_SECRETS
    shots: int = 1
    camera: str = "picamera2"
    resolution: tuple | None = None
    gpio: bool = True
    button_pin: int = 17
    led_pin: int = 27
    fullscreen: bool = True
    size: tuple = (1280, 720)
    logo: Path | None = None
    corner: str = "top-right"
    margin: float = 0.025
    scale: float = 0.12
    mastodon_instance: str = ""
    source: str = "photobooth.toml"


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


def _gpio(value):
    return None if type(value) is int and 0 <= value <= 27 else "must be a GPIO number from 0 to 27 (BCM numbering)"


def _fraction(low, high):
    def check(value):
        ok = type(value) in (int, float) and low <= value <= high
        return None if ok else f"must be a number from {low} to {high}"

    return check


def _text(value):
    return None if isinstance(value, str) else "must be text in quotes"


def _flag(value):
    return None if isinstance(value, bool) else "must be true or false"


def _shots(value):
    return None if value in (1, 4) else "must be 1 (one photo) or 4 (a 2x2 collage)"


# section -> key -> (Config field, check)
SCHEMA = {
    "portal": {"url": ("portal_url", _url)},
    "booth": {
        "targets": ("targets", _targets),
        "folder": ("folder", _text),
        "secrets": ("secrets", _text),
        "shots": ("shots", _shots),
    },
    "camera": {"kind": ("camera", _one_of(CAMERAS)), "resolution": ("resolution", _pair)},
    "gpio": {"enabled": ("gpio", _flag), "button_pin": ("button_pin", _gpio), "led_pin": ("led_pin", _gpio)},
    "screen": {"fullscreen": ("fullscreen", _flag), "size": ("size", _pair)},
    "branding": {
        "logo": ("logo", _text),
        "corner": ("corner", _one_of(sorted(CORNERS))),
        "margin": ("margin", _fraction(0, 0.2)),
        "scale": ("scale", _fraction(0.02, 0.5)),
    },
    "mastodon": {"instance": ("mastodon_instance", _url)},
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
        if section not in SCHEMA:
            problems.append(f"[{section}] is not a section{_did_you_mean(section, SCHEMA)}.")
            continue
        if not isinstance(settings, dict):
            problems.append(f"{section} must be a [section] with settings under it.")
            continue
        for key, value in settings.items():
            if key not in SCHEMA[section]:
                problems.append(f"[{section}] {key} is not a setting{_did_you_mean(key, SCHEMA[section])}.")
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
    if "mastodon" in config.targets and not config.mastodon_instance:
        problems.append('[mastodon] instance: needed to post to Mastodon, such as "https://mastodon.social".')
    if config.logo is not None and not config.logo.is_file():
        problems.append(f"[branding] logo: no file at {config.logo}.")
    if problems:
        count = "1 problem" if len(problems) == 1 else f"{len(problems)} problems"
        raise ConfigError(f"{source} has {count}:\n" + "\n".join(f"  {problem}" for problem in problems))
    return config


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
    which win. A missing file is fine when the environment has what is needed."""
    secrets = {"x": {}, "mastodon": {}}
    path = config.secrets
    if path and path.is_file():
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigError(f"{path} can be read by other users: run `chmod 600 {path}`.")
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise ConfigError(f"{path} is not valid TOML: {error}.") from None
        for dotted in SECRET_KEYS:
            section, _, key = dotted.rpartition(".")
            value = (data.get(section, {}) if section else data).get(key)
            if value is not None:
                _put(secrets, dotted, str(value))
        unknown = sorted(set(data) - {"portal_token", "x", "mastodon"})
        if unknown:
            raise ConfigError(f"{path}: {', '.join(unknown)} is not a secret the booth knows.")
    for dotted, variable in SECRET_KEYS.items():
        if environ.get(variable):
            _put(secrets, dotted, environ[variable])
    if config.mastodon_instance:
        secrets["mastodon"]["instance"] = config.mastodon_instance
    return secrets


def _put(secrets, dotted, value):
    section, _, key = dotted.rpartition(".")
    (secrets[section] if section else secrets)[key] = value
