"""The booth's own web server on the venue's network: a gallery of the day's
photos for guests (no internet needed) and, behind a PIN, a control panel for
the organiser's phone. Standard library HTTP in a thread; mDNS (zeroconf)
makes it `<name>.local`.

    gallery = Gallery(folder, languages=["en", "fa"], outbox_path=folder / "outbox.sqlite3")
    with serve(gallery, host="0.0.0.0", port=8080) as server:   # a thread of its own
        ...                                                     # the booth runs meanwhile

The network is taken to be hostile:
- the gallery shows only today's photos whose consent window ended without a
  "no" and that nobody hid; a photo is asked for by its id in the outbox, never
  by a file name, so a declined photo's file is never served, guessed name or not;
- every panel address needs a session, given for the PIN (checked against its
  scrypt hash in the booth's folder); wrong PINs are limited per client and
  overall (the screen shows that lockout); the session cookie is HttpOnly and
  SameSite=Strict, every POST carries the session's own token and a same-origin
  Origin, and a panel page answers only under the booth's own host names (no
  DNS rebinding);
- every answer has security headers; there is no directory listing: only the
  addresses below exist.
"""

import contextlib
import datetime
import hashlib
import hmac
import html
import http.server
import io
import ipaddress
import json
import logging
import queue
import secrets
import shutil
import socket
import threading
import time
import unicodedata
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_time
from babel.numbers import format_decimal
from PIL import Image

from . import i18n, printing
from .outbox import FAILED, PENDING, Outbox, job_purge, photo_hide, photos_shown, write_durably

log = logging.getLogger("photobooth.gallery")

PIN_DIGITS = 6  # a PIN the booth makes itself
PIN_LENGTHS = range(4, 13)  # a PIN the organiser chooses: 4 to 12 digits
SCRYPT = {"n": 2**14, "r": 8, "p": 1}  # about 0.1 s a guess on a Pi 5: costly to guess offline, cheap to check
CLIENT_TRIES, OVERALL_TRIES = 5, 20  # wrong PINs allowed in LOCKOUT_S, from one address and from all
LOCKOUT_S = 15 * 60
SESSION_S = 12 * 3600
SESSIONS_KEPT = 20
BODY_BYTES = 4096  # every form here is a few fields
REQUEST_TIMEOUT_S = 10  # a client that sends nothing for this long is dropped
CONNECTIONS = 32  # at once: a venue's guests load a page and its photos, a few connections each
THUMBNAIL_BOX = (480, 480)
COUNTDOWNS = range(1, 11)
COLLAGE_SHOTS = 4
COOKIE = "booth_panel"
LISTEN_ON = "0.0.0.0"  # noqa: S104 (every interface: the venue's network is the point)
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; img-src 'self'; style-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",  # no-referrer would make a browser send "Origin: null" with our own forms
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
STYLE = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.45 system-ui,sans-serif;background:#1d1d1f;color:#ececf0}
header{background:#c51a4a;padding:.6rem 1rem}
header h1{margin:0;font-size:1.2rem}
nav{display:flex;flex-wrap:wrap;align-items:center;gap:.4rem;padding:.5rem 1rem;background:#2a2a2e}
nav a{color:#fff;padding:.3rem .5rem;border-radius:.3rem;background:#3a3a40;text-decoration:none}
main{padding:1rem;max-width:60rem;margin:0 auto}
a{color:#ffb3c8}
ul.photos{list-style:none;margin:0;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:.6rem}
ul.photos img{display:block;width:100%;height:auto;border-radius:.3rem}
ul.jobs{list-style:none;padding:0}
ul.jobs li{border-bottom:1px solid #3a3a40;padding:.5rem 0;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:auto 1fr;gap:.3rem 1rem}dt{font-weight:bold}dd{margin:0;overflow-wrap:anywhere}
form{margin:.4rem 0}
label{display:block;margin:.5rem 0 .2rem}
input,select,button{font:inherit;max-width:100%}
input[type=password],input[type=number],select{width:100%;padding:.4rem}
button{padding:.45rem .9rem;border:0;border-radius:.3rem;background:#c51a4a;color:#fff}
button.big{width:100%;padding:1rem;font-size:1.3rem}
.message{background:#3a3a40;border-inline-start:.3rem solid #c51a4a;padding:.5rem}
.inline{display:inline}
"""


def hash_pin(pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(pin.encode(), salt=salt, **SCRYPT)


class Pin:
    """The panel's PIN, kept as a salted scrypt hash in `path`. One the booth
    made (`start`) is new at each start and `shown` on the screen until the
    organiser chooses their own (`change`), which is never shown."""

    def __init__(self, path):
        self.path = Path(path)
        self.shown = ""
        self._lock = threading.Lock()

    def start(self) -> str:
        """A new PIN to show, unless the organiser chose one; returns what to show ("" if theirs)."""
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            chosen = bool(saved.get("chosen")) and bytes.fromhex(saved["salt"]) and bytes.fromhex(saved["hash"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            chosen = False
        if not chosen:
            pin = "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))
            self._save(pin, chosen=False)
            self.shown = pin
        return self.shown

    def check(self, pin: str) -> bool:
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            salt, expected = bytes.fromhex(saved["salt"]), bytes.fromhex(saved["hash"])
        except (OSError, ValueError, KeyError, TypeError):
            return False
        return hmac.compare_digest(hash_pin(pin[:32], salt), expected)

    def change(self, pin: str) -> None:
        with self._lock:
            self._save(pin, chosen=True)
            self.shown = ""

    def _save(self, pin, *, chosen):
        salt = secrets.token_bytes(16)
        record = {"salt": salt.hex(), "hash": hash_pin(pin, salt).hex(), "chosen": chosen}
        write_durably(self.path, json.dumps(record).encode())
        self.path.chmod(0o600)


class Guard:
    """Wrong PINs: at most CLIENT_TRIES from one address and OVERALL_TRIES from
    all in LOCKOUT_S; then that address, or everyone, waits. Times are
    time.monotonic() seconds, given by the caller."""

    def __init__(self, *, client_tries=CLIENT_TRIES, overall_tries=OVERALL_TRIES, window=LOCKOUT_S):
        self.client_tries, self.overall_tries, self.window = client_tries, overall_tries, window
        self._failures = []  # (time, client)
        self._lock = threading.Lock()

    def wait(self, client, now) -> float:
        """Seconds this client must wait before trying a PIN again (0: it may)."""
        with self._lock:
            self._forget(now)
            mine = [at for at, who in self._failures if who == client]
            waits = [0.0]
            if len(mine) >= self.client_tries:
                waits.append(mine[-self.client_tries] + self.window - now)
            if len(self._failures) >= self.overall_tries:
                waits.append(self._failures[-self.overall_tries][0] + self.window - now)
            return max(waits)

    def locked_out(self, now) -> float:
        """Seconds everyone must wait (the booth's screen shows it)."""
        with self._lock:
            self._forget(now)
            if len(self._failures) >= self.overall_tries:
                return self._failures[-self.overall_tries][0] + self.window - now
            return 0.0

    def failed(self, client, now) -> None:
        with self._lock:
            self._failures.append((now, client))

    def _forget(self, now):
        self._failures = [(at, who) for at, who in self._failures if at > now - self.window]


class Sessions:
    """Signed-in phones: a random cookie each, with a token its forms carry (CSRF)."""

    def __init__(self):
        self._sessions = {}  # cookie -> (form token, expiry)
        self._lock = threading.Lock()

    def start(self, now) -> str:
        cookie = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions = {key: value for key, value in self._sessions.items() if value[1] > now}
            while len(self._sessions) >= SESSIONS_KEPT:
                self._sessions.pop(min(self._sessions, key=lambda key: self._sessions[key][1]))
            self._sessions[cookie] = (secrets.token_urlsafe(32), now + SESSION_S)
        return cookie

    def form_token(self, cookie, now) -> str | None:
        with self._lock:
            found = self._sessions.get(cookie or "")
        return found[0] if found and found[1] > now else None

    def end(self, cookie) -> None:
        with self._lock:
            self._sessions.pop(cookie or "", None)

    def end_all(self) -> None:
        with self._lock:
            self._sessions.clear()


@dataclass
class LiveSettings:
    """What the panel may change while the booth runs, kept in the booth's
    folder across restarts: the caption language, the countdown, the targets
    turned on (of those in the settings file), one photo or a collage."""

    language: str
    countdown: int
    targets: tuple
    shots: int
    path: Path | None = None
    every_target: tuple = ()
    languages: tuple = ()
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def load(cls, path, *, languages, targets, countdown, shots) -> "LiveSettings":
        """The saved settings where they still fit the booth (a language it still
        speaks, a target still in its settings file), else the defaults given."""
        live = cls(languages[0], countdown, tuple(targets), shots, Path(path), tuple(targets), tuple(languages))
        try:
            saved = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return live
        if not isinstance(saved, dict):
            return live
        if saved.get("language") in languages:
            live.language = saved["language"]
        if saved.get("countdown") in COUNTDOWNS:
            live.countdown = saved["countdown"]
        if isinstance(saved.get("targets"), list):
            # A target the settings file gained since the panel saved (printing turned on) is on:
            # the panel turned off only those it knew.
            known = saved.get("known_targets") if isinstance(saved.get("known_targets"), list) else saved["targets"]
            live.targets = (
                tuple(target for target in targets if target in saved["targets"] or target not in known) or live.targets
            )
        if saved.get("shots") in (1, COLLAGE_SHOTS):
            live.shots = saved["shots"]
        return live

    def update(self, *, language, countdown, targets, shots) -> None:
        with self.lock:
            self.language, self.countdown, self.shots = language, countdown, shots
            self.targets = tuple(target for target in self.every_target if target in targets)
            record = {"language": language, "countdown": countdown, "targets": list(self.targets), "shots": shots}
            record["known_targets"] = list(self.every_target)
        if self.path:
            write_durably(self.path, json.dumps(record).encode())

    def apply(self, booth) -> None:
        """Onto the running booth (the Session calls it between frames)."""
        with self.lock:
            booth.language, booth.countdown_s, booth.shots = self.language, self.countdown, self.shots

    def current_targets(self) -> tuple:
        with self.lock:
            return self.targets


@dataclass
class Gallery:
    """What the server needs of the booth. `commands` and `presses` are the
    running Session's queues (the panel's changes and its remote shutter);
    `standing` is the Outlook (backlog, network); `camera` a line saying which."""

    folder: Path
    languages: list
    outbox_path: Path
    live: LiveSettings | None = None
    pin: Pin | None = None
    guard: Guard = field(default_factory=Guard)
    sessions: Sessions = field(default_factory=Sessions)
    commands: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)
    presses: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)
    standing: object = None
    camera: str = ""
    name: str = "photobooth"
    timezone: str = ""
    today: object = None  # () -> the day the gallery shows (the Jam's clock)
    print_again: object = None  # (photo's path) -> one more print of it (printing.print_again); None: no printer
    clock: object = time.monotonic

    def __post_init__(self):
        self.folder = Path(self.folder)
        if self.pin is None:
            self.pin = Pin(self.folder / "panel-pin.json")
        if self.live is None:
            self.live = LiveSettings.load(
                self.folder / "panel-settings.json", languages=self.languages, targets=("portal",), countdown=3, shots=1
            )

    def day(self) -> datetime.date:
        return self.today() if self.today else datetime.datetime.now(self._zone()).date()

    def _zone(self):
        try:
            return ZoneInfo(self.timezone) if self.timezone else None
        except (ValueError, ZoneInfoNotFoundError):
            return None

    def todays_photos(self, outbox) -> list:
        day = self.day()
        return [shown for shown in photos_shown(outbox) if self._taken_on(shown) == day]

    def todays_photo(self, outbox, photo_id):
        found = photos_shown(outbox, photo_id=photo_id)
        return found[0] if found and self._taken_on(found[0]) == self.day() else None

    def _taken_on(self, shown):
        try:
            return datetime.datetime.fromisoformat(shown.taken_at).astimezone(self._zone()).date()
        except ValueError:
            return None

    def screen_note(self, words) -> str:
        """The line under the gallery's QR on the idle screen: the PIN the booth
        made, or the lockout after too many wrong PINs."""
        _ = words.gettext
        locked = self.guard.locked_out(self.clock())
        if locked > 0:
            minutes = max(1, round(locked / 60))
            return _("Panel locked for %(minutes)s min: too many wrong PINs") % {"minutes": minutes}
        if self.pin.shown:
            return _("Panel PIN: %(pin)s") % {"pin": self.pin.shown}
        return ""


def language_for(accept: str, languages) -> str:
    """The first language of Accept-Language the booth speaks, else its own."""
    wanted = []
    for number, part in enumerate((accept or "").split(",")):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            weight = 0.0
        if tag and weight > 0:
            wanted.append((-weight, number, tag.strip().lower()))
    codes = {code.lower(): code for code in languages}
    for _weight, _number, tag in sorted(wanted):
        parts = tag.split("-")
        for length in range(len(parts), 0, -1):  # zh-Hant-TW, then zh-Hant, then zh
            if "-".join(parts[:length]) in codes:
                return codes["-".join(parts[:length])]
    return languages[0] if languages else "en"


class Handler(http.server.BaseHTTPRequestHandler):
    """One request. Every address is one of the routes below; anything else is 404."""

    server_version = "photobooth"
    sys_version = ""
    timeout = REQUEST_TIMEOUT_S
    protocol_version = "HTTP/1.1"

    @property
    def gallery(self) -> Gallery:
        return self.server.gallery

    def log_message(self, format, *args):
        log.debug("%s %s", self.address_string(), format % args)

    # --- routing

    def do_GET(self):
        self._handle("GET")

    def do_HEAD(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def _handle(self, method):
        try:
            self.language = language_for(self.headers.get("Accept-Language", ""), self.gallery.languages)
            self.words = i18n.translation(self.language)
            if method == "POST" and not self._read_body():
                return None
            path = urlsplit(self.path).path
            if not self._own_host():  # under a name of its own, a page elsewhere could read it (DNS rebinding)
                return self.send_text(HTTPStatus.MISDIRECTED_REQUEST, "")
            public = {("GET", "/"): self.gallery_page, ("GET", "/style.css"): self.style}
            if (method, path) in public:
                return public[(method, path)]()
            if method == "GET" and (photo := _photo_address(path)):
                return self.photo(*photo)
            panel = {
                ("GET", "/panel/"): self.status_page,
                ("GET", "/panel/outbox"): self.outbox_page,
                ("POST", "/panel/outbox/retry"): self.outbox_retry,
                ("POST", "/panel/outbox/purge"): self.outbox_purge,
                ("GET", "/panel/photos"): self.photos_page,
                ("POST", "/panel/photos/hide"): self.photo_hide,
                ("POST", "/panel/photos/print"): self.photo_print,
                ("GET", "/panel/settings"): self.settings_page,
                ("POST", "/panel/settings"): self.settings_save,
                ("POST", "/panel/shutter"): self.shutter,
                ("GET", "/panel/pin"): self.pin_page,
                ("POST", "/panel/pin"): self.pin_change,
                ("POST", "/panel/logout"): self.logout,
            }
            if path == "/panel/login" or (method, path) in panel:
                if path == "/panel/login":
                    return self.login() if method == "POST" else self.login_page()
                return self._panel(method, panel[(method, path)])
            if path.startswith("/panel") and method == "GET" and path.rstrip("/") == "/panel":
                return self.redirect("/panel/")
            return self.not_found()
        except (ConnectionError, TimeoutError):
            return None
        except Exception:  # logged; the booth goes on, and so does the server
            log.exception("The gallery could not answer %s %s", method, self.path)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.send_text(HTTPStatus.INTERNAL_SERVER_ERROR, "")
            return None

    def _panel(self, method, action):
        now = self.gallery.clock()
        self.cookie = self._cookie()
        self.form_token = self.gallery.sessions.form_token(self.cookie, now)
        if self.form_token is None:
            if method == "GET":
                return self.redirect("/panel/login")
            return self.send_text(HTTPStatus.FORBIDDEN, self.words.gettext("Enter the PIN first."))
        if method == "POST":
            self.form = self._form()
            if self.form is None:
                return None
            token = self.form.get("token", "")
            if not self._same_origin() or not hmac.compare_digest(token.encode(), self.form_token.encode()):
                return self.send_text(
                    HTTPStatus.FORBIDDEN, self.words.gettext("This form has expired: go back, reload and try again.")
                )
        return action()

    # --- the gallery (public)

    def gallery_page(self):
        _ = self.words.gettext
        with Outbox(self.gallery.outbox_path) as outbox:
            photos = self.gallery.todays_photos(outbox)
        if photos:
            items = "".join(
                f'<li><a href="/photo/{shown.id}.jpg" download="photobooth-{shown.id}.jpg">'
                f'<img src="/thumb/{shown.id}.jpg" alt="{_e(shown.caption)}" width="480" height="270" loading="lazy">'
                "</a></li>"
                for shown in photos
            )
            tap = _e(_("Tap a photo to download it."))
            body = f'<p>{tap}</p><ul class="photos">{items}</ul>'
        else:
            none_yet = _e(_("No photos yet today. Press the button!"))
            body = f'<p class="message">{none_yet}</p>'
        self.send_page(_("Today's photos"), body, cache=False)

    def photo(self, photo_id, thumbnail):
        with Outbox(self.gallery.outbox_path) as outbox:
            shown = self.gallery.todays_photo(outbox, photo_id)
        if shown is None or not shown.photo.is_file():
            return self.not_found()
        try:
            data = self._thumbnail(shown.photo) if thumbnail else shown.photo.read_bytes()
        except (OSError, Image.DecompressionBombError) as error:  # a damaged file (PIL's UnidentifiedImageError too)
            log.warning("Photo %s not served: %s", shown.photo, error)
            return self.not_found()
        headers = {"Cache-Control": "private, max-age=300"}
        kind = "jpeg"  # a thumbnail always; a photo unless it is a boomerang (an animated WebP)
        if not thumbnail:
            kind = "webp" if shown.photo.suffix == ".webp" else "jpeg"
            suffix = ".webp" if kind == "webp" else ".jpg"
            headers["Content-Disposition"] = f'inline; filename="photobooth-{shown.id}{suffix}"'
        self.send(HTTPStatus.OK, data, f"image/{kind}", headers)

    def _thumbnail(self, photo: Path) -> bytes:
        """A small copy for the gallery's page, made once and kept beside the photos."""
        kept = self.gallery.folder / "thumbnails" / photo.name
        if kept.is_file():
            return kept.read_bytes()
        with Image.open(photo) as image:
            small = image.convert("RGB")
            small.thumbnail(THUMBNAIL_BOX)  # smaller only: a small photo stays as it is
        buffer = io.BytesIO()
        small.save(buffer, "JPEG", quality=80)
        write_durably(kept, buffer.getvalue())
        return buffer.getvalue()

    def style(self):
        self.send(HTTPStatus.OK, STYLE.encode(), "text/css; charset=utf-8", {"Cache-Control": "max-age=3600"})

    # --- signing in

    def login_page(self, message="", status=HTTPStatus.OK):
        _ = self.words.gettext
        note = f'<p class="message" role="alert">{_e(message)}</p>' if message else ""
        pin_label = _e(_("PIN (shown on the booth’s screen)"))
        open_panel = _e(_("Open the panel"))
        body = (
            f'{note}<form method="post" action="/panel/login">'
            f'<label for="pin">{pin_label}</label>'
            '<input id="pin" name="pin" type="password" inputmode="numeric" autocomplete="current-password" '
            'maxlength="12" required autofocus>'
            f'<p><button type="submit">{open_panel}</button></p></form>'
        )
        self.send_page(_("Booth panel"), body, status=status)

    def login(self):
        _ = self.words.gettext
        form = self._form()
        if form is None:
            return None
        if not self._same_origin():
            return self.send_text(HTTPStatus.FORBIDDEN, _("This form has expired: go back, reload and try again."))
        client, now = self.client_address[0], self.gallery.clock()
        wait = self.gallery.guard.wait(client, now)
        if wait > 0:
            minutes = max(1, round(wait / 60))
            message = _("Too many wrong PINs: try again in %(minutes)s min.") % {"minutes": minutes}
            return self.login_page(message, HTTPStatus.TOO_MANY_REQUESTS)
        if not self.gallery.pin.check(typed_pin(form.get("pin", ""))):
            self.gallery.guard.failed(client, now)
            return self.login_page(_("That PIN is not right."), HTTPStatus.UNAUTHORIZED)
        cookie = self.gallery.sessions.start(now)
        self.redirect("/panel/", cookie=cookie)

    def logout(self):
        self.gallery.sessions.end(self.cookie)
        self.redirect("/panel/login", cookie="")

    # --- the panel's pages

    def status_page(self):
        _, ngettext = self.words.gettext, self.words.ngettext
        gallery = self.gallery
        standing = gallery.standing.read() if gallery.standing else None
        with Outbox(gallery.outbox_path) as outbox:
            counts = outbox.counts()
        free = shutil.disk_usage(gallery.folder).free
        contact = getattr(gallery.standing, "last_contact", None)
        backlog = ngettext("%(count)s job waiting", "%(count)s jobs waiting", counts[PENDING]) % {
            "count": self._number(counts[PENDING])
        }
        if counts[FAILED]:
            backlog += " · " + ngettext("%(count)s failed", "%(count)s failed", counts[FAILED]) % {
                "count": self._number(counts[FAILED])
            }
        rows = [
            (_("Camera"), gallery.camera or _("Not known")),
            (_("Network"), _("Offline") if standing and standing.offline else _("Online")),
            (_("Backlog"), backlog),
            (_("Disk free"), _("%(gigabytes)s GB") % {"gigabytes": self._number(round(free / 1e9, 1))}),
            (
                _("Last contact with the portal"),
                self._clock(contact) if contact else _("Not yet"),
            ),
        ]
        if gallery.print_again is not None:
            problems = gallery.standing.read_printer() if gallery.standing else ((), "")
            rows.append((_("Printer"), printing.problems_line(*problems, self.language) or _("Ready")))
        listed = "".join(f"<dt>{_e(name)}</dt><dd>{_e(value)}</dd>" for name, value in rows)
        take = _e(_("Take a photo"))
        shutter = (
            f'<form method="post" action="/panel/shutter">{self._token()}'
            f'<button class="big" type="submit">{take}</button></form>'
        )
        self.send_page(_("Booth status"), f"<dl>{listed}</dl>{shutter}", panel=True)

    def outbox_page(self):
        _ = self.words.gettext
        with Outbox(self.gallery.outbox_path) as outbox:
            jobs = [job for job in outbox.jobs() if job.status in (PENDING, FAILED)]
        items = []
        for job in jobs:
            state = _("Failed: %(reason)s") % {"reason": job.last_error} if job.status == FAILED else _("Waiting")
            buttons = self._action("/panel/outbox/retry", "job", job.id, _("Retry"))
            if job.status == FAILED:
                buttons += " " + self._action("/panel/outbox/purge", "job", job.id, _("Give up"))
            items.append(f"<li><bdi>#{job.id} {_e(job.target)}</bdi> · {_e(state)}<br>{buttons}</li>")
        if items:
            body = (
                self._action("/panel/outbox/retry", "job", "all", _("Retry all"))
                + f'<ul class="jobs">{"".join(items)}</ul>'
            )
        else:
            nothing = _e(_("Nothing waits to be posted."))
            body = f'<p class="message">{nothing}</p>'
        self.send_page(_("Outbox"), body, panel=True)

    def outbox_retry(self):
        job = self.form.get("job", "")
        with Outbox(self.gallery.outbox_path) as outbox:
            if job == "all":
                outbox.retry()
            elif job.isdigit():
                outbox.retry([int(job)])
        self.redirect("/panel/outbox")

    def outbox_purge(self):
        job = self.form.get("job", "")
        if job.isdigit():
            with Outbox(self.gallery.outbox_path) as outbox:
                job_purge(outbox, int(job))
        self.redirect("/panel/outbox")

    def photos_page(self):
        _ = self.words.gettext
        with Outbox(self.gallery.outbox_path) as outbox:
            photos = self.gallery.todays_photos(outbox)
        hide, print_it = _("Hide"), _("Print")

        def printable(shown):  # a boomerang is printed by itself (its first frame), not on request
            return self.gallery.print_again is not None and shown.photo.suffix == ".jpg"

        items = "".join(
            f'<li><img src="/thumb/{shown.id}.jpg" alt="{_e(shown.caption)}" width="480" height="270">'
            f"{self._action('/panel/photos/hide', 'photo', shown.id, hide)}"
            + (f" {self._action('/panel/photos/print', 'photo', shown.id, print_it)}" if printable(shown) else "")
            + "</li>"
            for shown in photos
        )
        hiding = _e(_("A hidden photo leaves the gallery, and is not posted where it was not posted yet."))
        none_yet = _e(_("No photos yet today. Press the button!"))
        body = f'<p>{hiding}</p><ul class="photos">{items}</ul>' if photos else f'<p class="message">{none_yet}</p>'
        self.send_page(_("Today's photos"), body, panel=True)

    def photo_hide(self):
        photo = self.form.get("photo", "")
        if photo.isdigit():
            with Outbox(self.gallery.outbox_path) as outbox:
                if self.gallery.todays_photo(outbox, int(photo)):
                    photo_hide(outbox, int(photo))
        self.redirect("/panel/photos")

    def photo_print(self):
        """One more print of one of today's photos shown (a hidden or declined one is never printed)."""
        photo = self.form.get("photo", "")
        if photo.isdigit() and self.gallery.print_again is not None:
            with Outbox(self.gallery.outbox_path) as outbox:
                shown = self.gallery.todays_photo(outbox, int(photo))
            if shown:
                with contextlib.suppress(FileNotFoundError):  # its file is gone from the booth's folder
                    self.gallery.print_again(shown.photo)
        self.redirect("/panel/photos")

    def settings_page(self, message="", status=HTTPStatus.OK):
        _ = self.words.gettext
        live = self.gallery.live
        languages = "".join(
            f'<option value="{_e(code)}"{" selected" if code == live.language else ""}>'
            f"{_e(i18n.language_name(code))}</option>"
            for code in live.languages
        )
        targets = "".join(
            f'<label><input type="checkbox" name="target" value="{_e(target)}"'
            f"{' checked' if target in live.targets else ''}> {_e(target)}</label>"
            for target in live.every_target
        )
        shots = "".join(
            f'<label><input type="radio" name="shots" value="{value}"{" checked" if value == live.shots else ""}> '
            f"{_e(text)}</label>"
            for value, text in ((1, _("One photo")), (COLLAGE_SHOTS, _("A collage of four")))
        )
        note = f'<p class="message" role="alert">{_e(message)}</p>' if message else ""
        language_label = _e(_("Caption language"))
        countdown_label = _e(_("Countdown (seconds)"))
        post_to = _e(_("Post to"))
        each_press = _e(_("Each press takes"))
        save = _e(_("Save"))
        body = (
            f'{note}<form method="post" action="/panel/settings">{self._token()}'
            f'<label for="language">{language_label}</label>'
            f'<select id="language" name="language">{languages}</select>'
            f'<label for="countdown">{countdown_label}</label>'
            f'<input id="countdown" name="countdown" type="number" min="{COUNTDOWNS[0]}" max="{COUNTDOWNS[-1]}" '
            f'value="{live.countdown}" required>'
            f"<fieldset><legend>{post_to}</legend>{targets}</fieldset>"
            f"<fieldset><legend>{each_press}</legend>{shots}</fieldset>"
            f'<p><button type="submit">{save}</button></p></form>'
        )
        self.send_page(_("Settings"), body, panel=True, status=status)

    def settings_save(self):
        _ = self.words.gettext
        live, form = self.gallery.live, self.form
        language, countdown, shots = form.get("language"), form.get("countdown", ""), form.get("shots", "")
        targets = self.form_lists.get("target", [])
        if language not in live.languages:
            return self.settings_page(_("Choose one of the booth's languages."), HTTPStatus.BAD_REQUEST)
        if not (countdown.isdigit() and int(countdown) in COUNTDOWNS):
            message = _("The countdown must be a whole number of seconds from %(low)s to %(high)s.") % {
                "low": self._number(COUNTDOWNS[0]),
                "high": self._number(COUNTDOWNS[-1]),
            }
            return self.settings_page(message, HTTPStatus.BAD_REQUEST)
        if shots not in ("1", str(COLLAGE_SHOTS)) or any(target not in live.every_target for target in targets):
            return self.settings_page(_("Choose from the options shown."), HTTPStatus.BAD_REQUEST)
        if not targets:  # a photo with nowhere to go would have no place in the outbox, nor in the gallery
            return self.settings_page(_("Choose at least one place to post to."), HTTPStatus.BAD_REQUEST)
        live.update(language=language, countdown=int(countdown), targets=targets, shots=int(shots))
        self.gallery.commands.put(live.apply)
        self.redirect("/panel/settings")

    def shutter(self):
        self.gallery.presses.put("shutter")  # app.REMOTE_SHUTTER: taken only when the booth is free
        self.redirect("/panel/")

    def pin_page(self, message="", status=HTTPStatus.OK):
        _ = self.words.gettext
        note = f'<p class="message" role="alert">{_e(message)}</p>' if message else ""
        fields = "".join(
            f'<label for="{name}">{_e(text)}</label>'
            f'<input id="{name}" name="{name}" type="password" inputmode="numeric" maxlength="12" '
            f'autocomplete="{"current-password" if name == "current" else "new-password"}" required>'
            for name, text in (("current", _("Current PIN")), ("new", _("New PIN")), ("again", _("New PIN again")))
        )
        change = _e(_("Change the PIN"))
        body = (
            f'{note}<form method="post" action="/panel/pin">{self._token()}{fields}'
            f'<p><button type="submit">{change}</button></p></form>'
        )
        self.send_page(_("Change the PIN"), body, panel=True, status=status)

    def pin_change(self):
        _ = self.words.gettext
        current, new, again = (typed_pin(self.form.get(name, "")) for name in ("current", "new", "again"))
        client, now = self.client_address[0], self.gallery.clock()
        if self.gallery.guard.wait(client, now) > 0:
            return self.pin_page(_("Too many wrong PINs: try again later."), HTTPStatus.TOO_MANY_REQUESTS)
        if not self.gallery.pin.check(current):
            self.gallery.guard.failed(client, now)
            return self.pin_page(_("That PIN is not right."), HTTPStatus.UNAUTHORIZED)
        if not (new.isascii() and new.isdigit() and len(new) in PIN_LENGTHS):
            message = _("A PIN is %(low)s to %(high)s digits.") % {
                "low": self._number(PIN_LENGTHS[0]),
                "high": self._number(PIN_LENGTHS[-1]),
            }
            return self.pin_page(message, HTTPStatus.BAD_REQUEST)
        if new != again:
            return self.pin_page(_("The two new PINs differ."), HTTPStatus.BAD_REQUEST)
        self.gallery.pin.change(new)
        self.gallery.sessions.end_all()  # every other phone signs in again with the new PIN
        self.redirect("/panel/", cookie=self.gallery.sessions.start(now))

    # --- parts

    def _token(self):
        return f'<input type="hidden" name="token" value="{_e(self.form_token)}">'

    def _action(self, action, name, value, text):
        return (
            f'<form class="inline" method="post" action="{action}">{self._token()}'
            f'<input type="hidden" name="{name}" value="{_e(value)}"><button type="submit">{_e(text)}</button></form>'
        )

    def _number(self, number):
        locale = _babel_locale(self.language)
        return _in_digits(format_decimal(number, locale=locale, numbering_system="default"), locale)

    def _clock(self, moment: datetime.datetime):
        locale = _babel_locale(self.language)
        return _in_digits(format_time(moment.astimezone(self.gallery._zone()), "short", locale=locale), locale)

    def _cookie(self):
        for part in self.headers.get("Cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE:
                return value
        return None

    def _read_body(self) -> bool:
        """The POST's body, read whole before any answer (the connection stays usable),
        or False after answering 411/413 and closing the connection."""
        try:
            length = -1 if "Transfer-Encoding" in self.headers else int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if length < 0 or length > BODY_BYTES:
            self.close_connection = True
            status = HTTPStatus.LENGTH_REQUIRED if length < 0 else HTTPStatus.REQUEST_ENTITY_TOO_LARGE
            self.send_text(status, "")
            return False
        self.body = self.rfile.read(length)
        return True

    def _form(self):
        """The POST's fields ({name: first value}; all values in `form_lists`), or None after answering 400."""
        try:
            self.form_lists = parse_qs(self.body.decode("utf-8"), max_num_fields=20)
        except (UnicodeDecodeError, ValueError):
            self.send_text(HTTPStatus.BAD_REQUEST, "")
            return None
        return {name: values[0] for name, values in self.form_lists.items()}

    def _host_names(self):
        host = (self.headers.get("Host") or "").strip().lower()
        if host.startswith("["):
            name = host[1 : host.find("]")] if "]" in host else host
        else:
            name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
        return host, name

    def _own_host(self) -> bool:
        """The gallery and panel answer only under the booth's own names: an address,
        localhost, <name>.local or the computer's own .local name (a page elsewhere whose
        name points here cannot read them)."""
        _host, name = self._host_names()
        if name in ("localhost", f"{self.gallery.name}.local", f"{socket.gethostname().lower()}.local"):
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True

    def _same_origin(self) -> bool:
        origin = self.headers.get("Origin")
        if origin is None:  # browsers send it with every POST; a tool without one has no cookie to abuse
            return True
        host, _name = self._host_names()
        return urlsplit(origin).netloc.lower() == host

    # --- answers

    def send(self, status, data: bytes, content_type, headers=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in {**SECURITY_HEADERS, **(headers or {})}.items():
            self.send_header(name, value)
        if self.close_connection:  # said, so that a client does not send its next request on this connection
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_text(self, status, text):
        self.send(status, text.encode(), "text/plain; charset=utf-8", {"Cache-Control": "no-store"})

    def not_found(self):
        self.send_text(HTTPStatus.NOT_FOUND, self.words.gettext("Not found."))

    def redirect(self, where, *, cookie=None):
        headers = {"Location": where, "Cache-Control": "no-store"}
        if cookie is not None:
            lasts = f"Max-Age={SESSION_S}" if cookie else "Max-Age=0"
            headers["Set-Cookie"] = f"{COOKIE}={cookie}; Path=/panel; {lasts}; HttpOnly; SameSite=Strict"
        self.send(HTTPStatus.SEE_OTHER, b"", "text/plain; charset=utf-8", headers)

    def send_page(self, title, body, *, panel=False, status=HTTPStatus.OK, cache=False):
        _ = self.words.gettext
        nav = ""
        if panel:
            links = (
                ("/panel/", _("Status")),
                ("/panel/outbox", _("Outbox")),
                ("/panel/photos", _("Photos")),
                ("/panel/settings", _("Settings")),
                ("/panel/pin", _("PIN")),
            )
            sign_out = _e(_("Sign out"))
            nav = (
                "<nav>"
                + "".join(f'<a href="{href}">{_e(text)}</a>' for href, text in links)
                + f'<form class="inline" method="post" action="/panel/logout">{self._token()}'
                f'<button type="submit">{sign_out}</button></form></nav>'
            )
        direction = "rtl" if i18n.is_rtl(self.language) else "ltr"
        page = (
            f'<!DOCTYPE html><html lang="{_e(self.language)}" dir="{direction}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<title>{_e(title)}</title><link rel="stylesheet" href="/style.css"></head>'
            f"<body><header><h1>{_e(title)}</h1></header>{nav}<main>{body}</main></body></html>"
        )
        headers = {"Cache-Control": "no-store", "Content-Language": self.language, "Vary": "Accept-Language, Cookie"}
        self.send(status, page.encode(), "text/html; charset=utf-8", headers)


def _babel_locale(language):
    try:
        return Locale.parse(i18n.locale_name(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


# The language's own digits, as the portal shows them (jamportal.cldr.formats): Babel formats in Latin ones.
DIGITS = {"arabext": "۰۱۲۳۴۵۶۷۸۹", "arab": "٠١٢٣٤٥٦٧٨٩"}


def _in_digits(text, locale):
    digits = DIGITS.get(locale.default_numbering_system)
    return text.translate(str.maketrans("0123456789", digits)) if digits else text


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def typed_pin(text: str) -> str:
    """A PIN as typed, in any script's digits (a Persian keyboard types ۱۲۳۴), as ASCII digits."""
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in text.strip())


def _photo_address(path):
    """(id, thumbnail?) for /photo/<id>.jpg and /thumb/<id>.jpg, else None."""
    for prefix, thumbnail in (("/photo/", False), ("/thumb/", True)):
        if path.startswith(prefix) and path.endswith(".jpg"):
            number = path[len(prefix) : -len(".jpg")]
            if number.isascii() and number.isdigit() and len(number) < 12:
                return int(number), thumbnail
    return None


class Server(http.server.ThreadingHTTPServer):
    """A thread per connection, at most CONNECTIONS at once: a connection beyond them
    is closed at once, so that idle or slow clients cannot use up the booth's memory."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 16

    def __init__(self, address, gallery):
        self.gallery = gallery
        self._slots = threading.BoundedSemaphore(CONNECTIONS)
        super().__init__(address, Handler)

    def process_request(self, request, client_address):
        if not self._slots.acquire(blocking=False):
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


@contextlib.contextmanager
def serve(gallery: Gallery, *, host=LISTEN_ON, port=8080):
    """The server in a thread of its own until the block ends; yields the server
    (its `server_address` says the port, if 0 was asked for)."""
    server = Server((host, port), gallery)
    # Polled ten times a second for shutdown (the default, twice a second, held each stop for half a second).
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), name="gallery", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --- mDNS: <name>.local on the venue's network


def lan_address() -> str:
    """The address the booth has on the network its default route leads to
    (connecting a UDP socket sends nothing), or 127.0.0.1 without one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only the routing table is asked
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


@contextlib.contextmanager
def advertise(name: str, address: str, port: int):
    """`<name>.local` (an A record for `address`) and an _http._tcp service
    named after the booth, on the interface that has `address` only."""
    from zeroconf import ServiceInfo, Zeroconf  # only a booth with its gallery on needs it

    info = ServiceInfo(
        "_http._tcp.local.",
        f"{name}._http._tcp.local.",
        addresses=[socket.inet_aton(address)],
        port=port,
        properties={"path": "/"},
        server=f"{name}.local.",
    )
    zeroconf = Zeroconf(interfaces=[address])

    def register():  # its probes take seconds: the booth does not wait for them
        try:
            zeroconf.register_service(info, allow_name_change=True)
        except Exception as error:  # another device has the name: the QR code's address still works
            log.warning("%s.local not advertised: %s", name, error)

    registering = threading.Thread(target=register, name="mdns", daemon=True)
    registering.start()
    try:
        yield info
    finally:
        registering.join(timeout=10)
        zeroconf.unregister_all_services()
        zeroconf.close()


# --- the running booth's gallery


@dataclass(frozen=True)
class GalleryNote:
    """What the idle screen shows of the gallery: its address (as a QR code) and
    `note(words)`, the panel's PIN the booth made or its lockout."""

    address: str
    note: object


@contextlib.contextmanager
def open_gallery(config, *, live, session, outlook, camera="", timezone=""):
    """The gallery and panel of `python -m photobooth run`: the live settings
    applied to the booth, a new PIN if the organiser chose none, the server on
    every interface at [gallery] port, and `<name>.local` on the LAN's. Yields
    a GalleryNote for the Session."""
    live.apply(session.booth)
    gallery = Gallery(
        config.folder,
        list(live.languages),
        config.folder / "outbox.sqlite3",
        live=live,
        print_again=(lambda photo: printing.print_again(photo, config)) if config.printing else None,
        commands=session.commands,
        presses=session.presses,
        standing=outlook,
        camera=camera,
        name=config.gallery_name,
        timezone=timezone,
    )
    gallery.pin.start()
    address = lan_address()
    with contextlib.ExitStack() as stack:
        server = stack.enter_context(serve(gallery, host=LISTEN_ON, port=config.gallery_port))
        port = server.server_address[1]
        try:
            stack.enter_context(advertise(config.gallery_name, address, port))
        except Exception as error:  # another device has the name, no multicast: the QR's address still works
            log.warning(
                "%s.local not advertised (%s): the gallery is at http://%s:%d/",
                config.gallery_name,
                error,
                address,
                port,
            )
        log.info("The gallery is at http://%s.local:%d/ and http://%s:%d/", config.gallery_name, port, address, port)
        yield GalleryNote(f"http://{address}:{port}/", gallery.screen_note)
