"""Putting the booth together: settings, the portal's configuration for the
Jam, branding, the camera, the button, the screen, and a background thread
that empties the outbox (and, when the network was down, notices it come
back and posts at once what waited).

    session = Session(booth=booth, screen=screen, camera=camera, outlook=outlook)
    while session.step(time.monotonic()):   # presses, countdown, consent, drawing
        time.sleep(1 / 30)

`run(config)` does all of it for `python -m photobooth run`.
"""

import contextlib
import datetime
import io
import json
import logging
import queue
import threading
import time
import typing
from pathlib import Path

import requests
from mastodon import MastodonNetworkError
from PIL import Image

from . import boomerang, gallery, i18n, printing, takehome
from .booth import CONSENT, COUNTDOWN, COUNTDOWN_S, IDLE, STOPPED, Booth
from .camera import CameraMissing, open_camera
from .compose import BUNDLED_LOGO, Brand, brand_in_place, collage, open_logo, read_logo
from .config import ConfigError, load_secrets
from .display import Screen, View
from .outbox import Outbox, publish_due, write_durably
from .publishers import Refused
from .publishers.portal import PortalError, PortalPublisher
from .typeset import isolate

log = logging.getLogger("photobooth")
BUNDLED_PNG = BUNDLED_LOGO.with_suffix(".png")  # for a booth whose cairo cannot draw SVG
FRAME_S = 1 / 30
PUBLISH_EVERY_S = 2.0
HEARTBEAT_EVERY_S = 60.0
PRINTER_EVERY_S = 10.0  # how often the publishing thread asks CUPS how the printer stands
ERROR_SHOWN_S = 10
STATUS_REASON_CHARACTERS = 80  # the status line is one line: the whole reason is in `outbox list`
REMOTE_SHUTTER = "shutter"  # a press from the panel (photobooth/gallery.py), not from the button


class Standing(typing.NamedTuple):
    """How posting stands, for the screen: jobs waiting, the network down, photos refused for good and why."""

    pending: int
    offline: bool
    failed: int = 0
    failure: str = ""


class Outlook:
    """What the publishing thread tells the screen: the backlog, the network,
    and the photos a target refused for good (with the latest reason)."""

    def __init__(self):
        self.pending, self.offline, self.failed, self.failure = 0, False, 0, ""
        self.printer = ((), "")  # the printer's problems and name (`update_printer`)
        self.last_contact = None  # when the portal last answered a heartbeat (the panel's status page)
        self._lock = threading.Lock()

    def update(self, *, pending, offline, failed=0, failure=""):
        with self._lock:
            self.pending, self.offline, self.failed, self.failure = pending, offline, failed, failure

    def read(self) -> Standing:
        with self._lock:
            return Standing(self.pending, self.offline, self.failed, self.failure)

    def read_printer(self) -> tuple[tuple, str]:
        """The printer's problems (printing.PROBLEMS, or "missing", "unreachable") and its name."""
        with self._lock:
            return self.printer

    def update_printer(self, result: dict) -> None:
        """How the printer stands (`printing.status`), for the status line."""
        problems = result.get("problems", [])
        if result.get("state") in ("missing", "unreachable"):
            problems = [result["state"]]
        with self._lock:
            self.printer = (tuple(problems), result.get("printer", ""))


def is_network_error(error) -> bool:
    """Did this fail because the network (or the far end) is unreachable?"""
    while error is not None:
        if isinstance(
            error, requests.ConnectionError | requests.Timeout | ConnectionError | TimeoutError | MastodonNetworkError
        ):
            return True
        error = error.__cause__ or error.__context__
    return False


class Publishing:
    """The publishing thread's rounds: post what is due, tell the screen how
    things stand, and, while the network seems down, ask the portal whether it
    answers again (`probe`, about every PUBLISH_EVERY_S): when it answers after
    not answering, every job waiting out its backoff (up to 30 minutes) is
    posted at once.

        publishing = Publishing(outbox, publishers, outlook, probe=portal.reachable)
        posted, failed = publishing.round()
    """

    def __init__(self, outbox, publishers, outlook, *, probe=None, keys=None, printer=None):
        self.outbox, self.publishers, self.outlook, self.probe = outbox, publishers, outlook, probe
        self.printer = printer  # () -> printing.status(config), asked every PRINTER_EVERY_S; None: no printer
        self.printer_asked = None
        self.keys = keys  # a Keys: publishers made again when the secrets file changes
        self.outage = False  # the probe went unanswered since the last time it was answered

    def round(self) -> tuple[int, int]:
        if self.keys and (renewed := self.keys.renewed()):
            self.publishers = renewed
        # What waits, said before posting it: a round may take a target's whole timeout.
        before = self.outlook.read()
        waiting = self.outbox.counts()["pending"]
        self.outlook.update(pending=waiting, offline=before.offline, failed=before.failed, failure=before.failure)
        posted, failed, offline = self._post()
        if offline and self.probe is not None:
            if not self.probe():
                self.outage = True
            else:
                offline = False  # the portal answers: some target is unreachable, not the network
                if self.outage:
                    self.outage = False
                    waiting = self.outbox.retry_waiting()
                    log.info("The network is back: posting the %d job(s) that waited, now", waiting)
                    more_posted, more_failed, offline = self._post()
                    posted, failed = posted + more_posted, failed + more_failed
        refused, failure = self.outbox.failures()
        self.outlook.update(pending=self.outbox.counts()["pending"], offline=offline, failed=refused, failure=failure)
        self._ask_printer()
        return posted, failed

    def _ask_printer(self):
        now = time.monotonic()
        if self.printer is None or (self.printer_asked is not None and now - self.printer_asked < PRINTER_EVERY_S):
            return
        self.printer_asked = now
        self.outlook.update_printer(self.printer())

    def _post(self):
        errors = []
        posted, failed = publish_due(self.outbox, self.publishers, errors=errors)
        for error in errors:
            if isinstance(error, Refused):
                log.error("Posting refused for good (see `outbox list`): %s: %s", type(error).__name__, error)
            else:
                log.warning("Posting failed (will retry): %s: %s", type(error).__name__, error)
        if posted or errors:
            offline = bool(errors) and not posted and all(is_network_error(error) for error in errors)
        else:
            offline = self.outlook.offline  # nothing was tried: as it was
        return posted, failed, offline


def publish_round(outbox, publishers, outlook) -> tuple[int, int]:
    """Try every due job once, then tell the screen how things stand."""
    return Publishing(outbox, publishers, outlook).round()


class Keys:
    """The secrets a running booth posts with, read again when their file changes:
    after `pair` with a new token, or new X or Mastodon keys, a job retried by hand
    goes out with them, without restarting the booth. `make(secrets)` makes the
    publishers; a file that cannot be used is logged and the old keys kept."""

    def __init__(self, config, make):
        self.config, self.make = config, make
        self.stamp = _stamp(config.secrets)

    def renewed(self) -> dict | None:
        """New publishers if the file changed since the last look, else None."""
        stamp = _stamp(self.config.secrets)
        if stamp == self.stamp:
            return None
        self.stamp = stamp
        try:
            publishers = self.make(load_secrets(self.config))
        except ConfigError as error:
            log.warning("The secrets file changed but cannot be used (%s); posting with the keys from before", error)
            return None
        log.info("The secrets file changed: posting with its keys from now on")
        return publishers


def _stamp(path):
    try:
        found = path.stat()
    except OSError:
        return None
    return (found.st_mtime_ns, found.st_size)


def publish_forever(
    outbox_path,
    publishers,
    outlook,
    stop: threading.Event,
    *,
    portal=None,
    keys=None,
    every=PUBLISH_EVERY_S,
    printer=None,
):
    """Post what is due, again and again; and tell the portal about once a
    minute that the booth is alive and how many photos wait (its organiser's
    dashboard). Whatever waited when the booth stopped is tried at once."""
    last_heartbeat = None
    with Outbox(outbox_path) as outbox:
        publishing = start_publishing(outbox, publishers, outlook, portal=portal, keys=keys)
        publishing.printer = printer
        while not stop.is_set():
            publishing.round()
            now = time.monotonic()
            if portal and (last_heartbeat is None or now - last_heartbeat >= HEARTBEAT_EVERY_S):
                last_heartbeat = now
                if heartbeat(portal, backlog=outlook.read().pending):
                    outlook.last_contact = datetime.datetime.now(datetime.UTC)
            stop.wait(every)


def start_publishing(outbox, publishers, outlook, *, portal=None, keys=None) -> Publishing:
    """The publishing thread's start: whatever waited out a backoff when the
    booth stopped is tried at once, and the portal is the network's probe."""
    waiting = outbox.retry_waiting()
    if waiting:
        log.info("%d job(s) waited when the booth stopped: trying them now", waiting)
    return Publishing(outbox, publishers, outlook, probe=portal.reachable if portal else None, keys=keys)


def heartbeat(portal, *, backlog) -> bool:
    """Tell the portal; offline or refused, the booth carries on all the same."""
    try:
        portal.heartbeat(backlog=backlog)
    except (requests.RequestException, PortalError) as error:
        log.info("Could not tell the portal we are alive: %s", error)
        return False
    return True


class Session:
    """One booth at work: turns presses into the state machine's steps and the
    state into a screenful. No threads or sleeps of its own."""

    def __init__(self, *, booth: Booth, screen, camera, outlook: Outlook, presses=None, alert="", gallery=None):
        self.booth, self.screen, self.camera, self.outlook = booth, screen, camera, outlook
        self.presses = presses or queue.SimpleQueue()  # from the GPIO button's thread (and the panel's shutter)
        self.alert = alert
        self.commands = queue.SimpleQueue()  # changes to the booth from the panel's thread: callables(booth)
        self.gallery = gallery  # a GalleryNote: the local gallery's address and the panel's PIN, on the idle screen

    def step(self, now) -> bool:
        while not self.commands.empty():
            self.commands.get()(self.booth)
        kinds = self.screen.presses(now)
        while not self.presses.empty():
            kinds.append(self.presses.get())
        for kind in kinds:
            if kind == REMOTE_SHUTTER:  # the panel's: a photo when the booth is free, never "don't post it"
                if self.booth.state != IDLE:
                    continue
                kind = "short"
            self.booth.press(kind, now=now)
        self.booth.tick(now=now)
        if self.booth.state != STOPPED:
            self.screen.show(self.view(now))
        return self.booth.state != STOPPED

    def view(self, now) -> View:
        language = self.booth.language
        words = i18n.translation(language)
        _, ngettext = words.gettext, words.ngettext
        standing = self.outlook.read()
        if standing.pending:
            status = ngettext(
                "%(count)d photo waiting to be posted", "%(count)d photos waiting to be posted", standing.pending
            ) % {"count": standing.pending}
        else:
            status = _("All photos posted")
        if standing.failed:
            failed = ngettext(
                "%(count)d photo could not be posted: %(reason)s",
                "%(count)d photos could not be posted: %(reason)s",
                standing.failed,
            ) % {"count": standing.failed, "reason": standing.failure[:STATUS_REASON_CHARACTERS]}
            status = failed if not standing.pending else f"{status} · {failed}"
        printer = printing.problems_line(*self.outlook.read_printer(), language)
        if printer:
            status = f"{status} · {printer}"
        alert = self.alert or (_("No network: photos will be posted when it is back.") if standing.offline else "")
        common = {"status": status, "alert": alert, "language": language}
        booth = self.booth
        if booth.state == COUNTDOWN:
            return View(image=self.camera.preview(), headline=str(booth.countdown(now=now)), **common)
        if booth.state == CONSENT:
            if booth.vetoed:
                detail = _("This photo will not be posted. It stays on this booth only.")
            else:
                seconds = max(1, round(booth.deadline - now))
                detail = ngettext(
                    "Press again within %(seconds)d second if you do NOT want this photo posted.",
                    "Press again within %(seconds)d seconds if you do NOT want this photo posted.",
                    seconds,
                ) % {"seconds": seconds}
            return View(image=booth.shown(now=now), detail=detail, **common)
        if booth.takehome:  # a posted photo's own page, until the next press (take-home)
            return View(
                image=takehome.qr_picture(booth.takehome[0]), detail=_("Scan to take your photo home"), **common
            )
        detail = _("Hold the button to change the language: %(language)s") % {"language": i18n.language_name(language)}
        if self.gallery:
            # (the address left to right on a right-to-left screen too: "/http://..." otherwise)
            common["qr"], common["corner"] = (
                self.gallery.address,
                self.gallery.note(words) or isolate(self.gallery.address),
            )
        return View(image=self.camera.preview(), headline=_("Press the button!"), detail=detail, **common)


def booth_config(portal: PortalPublisher, cache: Path, *, offline=None) -> dict:
    """The Jam's booth configuration from the portal, kept on disk for the days
    the venue's network is down (then `offline(error, saved_at)` is told, if
    given). Raises ConfigError if neither is available."""
    try:
        config = portal.config()
    except PortalError as error:
        if error.status in (401, 403):
            raise ConfigError(
                f"The portal refused this booth ({error}): pair it again with a token from the Jam's booth page: "
                "python -m photobooth pair TOKEN"
            ) from None
        raise ConfigError(f"The portal refused the booth's configuration ({error})") from None
    except requests.RequestException as error:
        if cache.is_file():
            log.warning("Portal unreachable (%s); using the configuration saved on %s", error, cache)
            try:
                saved = json.loads(cache.read_text(encoding="utf-8"))
            except (ValueError, OSError) as damaged:
                raise ConfigError(
                    f"The portal at {portal.base_url} cannot be reached ({type(error).__name__}) and the Jam's "
                    f"configuration saved in {cache} cannot be read ({damaged}): connect the booth to the internet."
                ) from None
            portal.use_limits(saved)
            if offline:
                offline(error, cache.stat().st_mtime)
            return saved
        raise ConfigError(
            f"The portal at {portal.base_url} cannot be reached ({type(error).__name__}) and this booth has "
            "never fetched its Jam's configuration: connect it to the internet once."
        ) from None
    write_durably(cache, json.dumps(config, ensure_ascii=False, indent=1).encode())
    return config


def logo(config, booth_settings: dict, session=None):
    """The campaign's logo from the portal, its vector artwork first (kept on
    disk), else the local file named in the settings, else the artwork that
    ships with the booth. SVG is drawn at the size each photo needs."""
    branding = config.folder / "branding"
    for key, name in (("logo_svg_url", "logo.svg"), ("logo_png_url", "logo.png")):
        url = booth_settings.get(key)
        if not url:
            continue
        try:
            response = (session or requests).get(url, timeout=(5, 30))
            response.raise_for_status()
            image = read_logo(response.content, name=url)
            write_durably(branding / name, response.content)
            return image
        except (requests.RequestException, ValueError, OSError) as error:
            log.warning("Logo not fetched from %s (%s); using a local copy", url, error)
    for path in (branding / "logo.svg", branding / "logo.png", config.logo, BUNDLED_LOGO, BUNDLED_PNG):
        if path and Path(path).is_file():
            try:
                return open_logo(path)
            except ValueError as error:
                log.warning("%s", error)
    raise ConfigError("No logo: set [branding] logo to an SVG or PNG file.")


def publishers_for(config, secrets, booth_settings, portal) -> dict:
    from .publishers.mastodon import MastodonPublisher
    from .publishers.x import XPublisher

    hashtags = [booth_settings.get("hashtag", ""), (booth_settings.get("campaign") or {}).get("hashtag", "")]
    url = booth_settings.get("jam_url", "")
    made = {"portal": lambda: portal}
    made["x"] = lambda: XPublisher(secrets["x"], hashtags=hashtags, url=url)
    made["mastodon"] = lambda: MastodonPublisher(secrets["mastodon"], hashtags=hashtags, url=url)
    made["bluesky"] = lambda: _bluesky_publisher(secrets["bluesky"], hashtags=hashtags, url=url)
    made["print"] = lambda: _print_publisher(config)
    publishers = {}
    for target in (*config.targets, *(["print"] if config.printing else [])):  # on request only: the panel's prints
        try:
            publishers[target] = made[target]()
        except Exception as error:
            raise ConfigError(f"{target}: {error}") from None
    return publishers


def _bluesky_publisher(credentials, **options):
    from .publishers.bluesky import BlueskyPublisher  # the AT Protocol SDK takes a while to import: only if used

    return BlueskyPublisher(credentials, **options)


def make_booth(
    config, booth_settings, camera, outbox, logo_image, led=None, today=datetime.date.today, targets=None
) -> Booth:
    """The booth's flow with its photos kept in `outbox`: held from the moment
    they are saved, posted when the consent window ends, declined at once on
    a "don't post it" press. `targets()`, if given, says where each new photo
    goes (the panel turns targets on and off), else the settings' targets."""
    style = Brand(logo=logo_image, corner=config.corner, margin=config.margin, scale=config.scale)
    settings = boomerang.Settings(config.boomerang, config.boomerang_frames, config.boomerang_seconds)
    languages = booth_languages(booth_settings)

    unbranded = {}  # a booth that prints keeps each photo unbranded too: the page is branded for print

    def save(image, caption, language):
        suffix = ".jpg"
        if isinstance(image, list):  # a boomerang's frames, looped
            data, suffix = boomerang.webp(image, frame_ms=settings.frame_ms), boomerang.SUFFIX
        else:
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=90)
            data = buffer.getvalue()
        taken = datetime.datetime.now(datetime.UTC)
        number = outbox.next_number(today().isoformat())
        path = outbox.hold(
            data,
            config.folder / "photos",
            targets() if targets else config.targets,
            caption=caption,
            language=language,
            taken_at=taken.isoformat(timespec="seconds"),
            alt_text=i18n.alt_text(caption, language),
            label=i18n.photo_label(number, taken, language, booth_settings.get("timezone", "")),
            suffix=suffix,
        )
        if "original" in unbranded:
            keep_for_print(config, path, unbranded.pop("original"))
        return path

    def branded(image, caption, language):
        if config.printing and "original" not in unbranded:  # (a boomerang prints its first frame)
            unbranded["original"] = for_print(image)
        return brand_in_place(image, style, caption, language)

    return Booth(
        camera=camera,
        brand=branded,
        save=save,
        enqueue=lambda path, caption, language: outbox.release(path),
        decline=outbox.decline,
        caption=lambda language: i18n.caption(booth_settings, language, today()),
        languages=languages,
        led=led,
        shots=config.shots,
        collage=collage,
        takehome_address=lambda path: takehome_address(config, outbox, path),
        burst=(lambda: camera.burst(settings.frames, settings.seconds)) if settings.enabled else None,
        loop_frame_s=settings.frame_ms / 1000,
    )


def takehome_address(config, outbox, path) -> str | None:
    """The address of the photo's own page on the portal, if it goes there (take-home)."""
    key = outbox.key(path, "portal") if "portal" in config.targets else None
    return takehome.photo_address(config.portal_url, key) if key else None


def booth_languages(booth_settings) -> list:
    """The Jam's language first, then the others its booth speaks (from the portal)."""
    languages = [booth_settings.get("language") or "en"]
    return languages + [code for code in booth_settings.get("languages", []) if code not in languages]


def open_outbox(config) -> Outbox:
    """The booth's outbox, after a restart brought up to date: photos held in a
    consent window that a stop cut short are posted (nobody declined them)."""
    outbox = Outbox(config.folder / "outbox.sqlite3")
    released, forgotten = outbox.recover()
    if released:
        log.info("%d photo(s) were in their consent window when the booth stopped: posting them", released)
    if forgotten:
        log.info("%d photo(s) were being saved when the booth stopped and never reached the disk", forgotten)
    return outbox


def keys_for(config, settings, portal) -> Keys:
    """The running booth's keys, read again when the secrets file changes (the portal
    keeps its session and photo limits: only its token changes)."""

    def make(secrets):
        if not secrets.get("portal_token"):
            raise ConfigError("it has no portal_token")
        portal.use_token(secrets["portal_token"])
        return publishers_for(config, secrets, settings, portal)

    return Keys(config, make)


def run(config) -> int:
    """The booth until a very long press (or Escape). Returns an exit status.
    Whatever ends it (that press, an error, Ctrl+C), every device it opened is
    closed, in the reverse order: the ExitStack below holds them."""
    secrets = load_secrets(config)
    if not secrets.get("portal_token"):
        raise ConfigError("No booth token yet: run `python -m photobooth pair <token or QR image>`.")
    portal = PortalPublisher(config.portal_url, secrets["portal_token"])
    outlook, stop = Outlook(), threading.Event()
    alert = ""
    with contextlib.ExitStack() as devices:
        screen = devices.enter_context(Screen(size=config.size, fullscreen=config.fullscreen, mirror=config.mirror))
        try:
            settings = booth_config(portal, config.folder / "booth-config.json")
            publishers = publishers_for(config, secrets, settings, portal)
        except ConfigError as error:  # on screen too, then exit: systemd starts the booth again
            _show_until(screen, View(alert=str(error)), time.monotonic() + ERROR_SHOWN_S)
            raise
        language = settings.get("language") or "en"
        _ = i18n.translation(language).gettext
        try:
            camera = devices.enter_context(
                open_camera(
                    config.camera, resolution=config.resolution, preview_box=screen.live_box, rotation=config.rotation
                )
            )
        except CameraMissing as error:
            log.error("Camera missing: %s", error)
            message = _("The camera is missing: %(error)s") % {"error": error}
            _show_until(screen, View(alert=message, language=language))
            return 1
        presses = queue.SimpleQueue()
        controls = None
        if config.gpio:
            try:
                from .controls import Controls

                controls = devices.enter_context(
                    Controls(button_pin=config.button_pin, led_pin=config.led_pin, on_press=presses.put)
                )
            except Exception as error:  # GpioMissing, with the reason and the fix
                log.error("GPIO button missing: %s", error)
                alert = _("The button is missing (%(error)s). The space bar works meanwhile.") % {"error": error}
        outbox = devices.enter_context(open_outbox(config))
        worker = threading.Thread(
            target=publish_forever,
            args=(outbox.path, publishers, outlook, stop),
            kwargs={"portal": portal, "keys": keys_for(config, settings, portal), "printer": printer_status(config)},
            name="publisher",
            daemon=True,
        )
        worker.start()
        devices.callback(worker.join, timeout=70)
        devices.callback(stop.set)  # runs first: the thread finishes its round, then is joined
        live = None
        if config.gallery:  # the panel's settings, kept across restarts, decide the targets of each new photo
            live = gallery.LiveSettings.load(
                config.folder / "panel-settings.json",
                languages=booth_languages(settings),
                targets=config.targets,
                countdown=COUNTDOWN_S,
                shots=config.shots,
            )
        booth = make_booth(
            config,
            settings,
            camera,
            outbox,
            logo(config, settings),
            led=controls,
            targets=live.current_targets if live else None,
        )
        session = Session(booth=booth, screen=screen, camera=camera, outlook=outlook, presses=presses, alert=alert)
        if live:
            session.gallery = devices.enter_context(
                gallery.open_gallery(
                    config,
                    live=live,
                    session=session,
                    outlook=outlook,
                    camera=config.camera,
                    timezone=settings.get("timezone", ""),
                )
            )
        log.info("Booth ready for %s; posting to %s", settings.get("jam_title"), ", ".join(config.targets))
        next_frame = time.monotonic()
        while session.step(time.monotonic()):
            # At most 30 frames a second, counting the time the step took (waiting for the camera's frame included).
            next_frame = max(next_frame + FRAME_S, time.monotonic())
            time.sleep(max(0.0, next_frame - time.monotonic()))
    return 0


def _show_until(screen, view, deadline=float("inf")):
    """Show one screenful until the deadline, or until someone presses Escape."""
    while time.monotonic() < deadline and "exit" not in screen.presses(time.monotonic()):
        screen.show(view)
        time.sleep(0.2)


# --- Printing ---


def _print_publisher(config):
    return printing.PrintPublisher(
        config.printer, copies=config.print_copies, folder=config.folder, brand=print_brand(config)
    )


def printer_status(config):
    """What the publishing thread asks about the printer: None for a booth that does not print."""
    if not config.printing:
        return None
    return lambda: printing.status(config)


def for_print(image):
    """A smaller copy of the unbranded photo, as large as a page at 300 dpi: the capture's
    12 megapixels are not copied and encoded again before the consent window."""
    copy = image.copy()
    copy.thumbnail((printing.ORIGINAL_SIDE, printing.ORIGINAL_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return copy


def keep_for_print(config, photo, original) -> None:
    """Keep the unbranded photo for its print (`printing.original_of`). A booth stopped before
    this prints the branded photo instead; a full disk is logged, never stops the booth."""
    buffer = io.BytesIO()
    original.convert("RGB").save(buffer, "JPEG", quality=92)
    try:
        write_durably(printing.original_of(config.folder, photo), buffer.getvalue())
    except OSError as error:
        log.warning("The unbranded photo for the print was not kept (%s): the print is of the branded photo", error)


def print_brand(config):
    """() -> the Brand for a print: the logo as the booth keeps it on disk (fetched
    from the portal), else the local file named in the settings, else the bundled
    artwork; opened once, at the first print."""
    opened = []

    def brand():
        if not opened:
            for path in (
                config.folder / "branding" / "logo.svg",
                config.folder / "branding" / "logo.png",
                config.logo,
                BUNDLED_LOGO,
                BUNDLED_PNG,
            ):
                if path and Path(path).is_file():
                    try:
                        opened.append(Brand(logo=open_logo(path), corner=config.corner))
                        break
                    except ValueError as error:
                        log.warning("%s", error)
            else:
                opened.append(None)
        return opened[0]

    return brand
