"""Putting the booth together: settings, the portal's configuration for the
Jam, branding, the camera, the button, the screen, and a background thread
that empties the outbox.

    session = Session(booth=booth, screen=screen, camera=camera, outlook=outlook)
    while session.step(time.monotonic()):   # presses, countdown, consent, drawing
        time.sleep(1 / 30)

`run(config)` does all of it for `python -m photobooth run`.
"""

import datetime
import io
import json
import logging
import queue
import threading
import time
from pathlib import Path

import requests
from mastodon import MastodonNetworkError

from . import i18n
from .booth import CONSENT, COUNTDOWN, STOPPED, Booth
from .camera import CameraMissing, open_camera
from .compose import BUNDLED_LOGO, Brand, brand_in_place, collage, open_logo, read_logo
from .config import ConfigError, load_secrets
from .display import Screen, View
from .outbox import Outbox, publish_due, save_photo, write_durably
from .publishers.portal import PortalError, PortalPublisher

log = logging.getLogger("photobooth")
BUNDLED_PNG = BUNDLED_LOGO.with_suffix(".png")  # for a booth whose cairo cannot draw SVG
FRAME_S = 1 / 30
PUBLISH_EVERY_S = 2.0
HEARTBEAT_EVERY_S = 60.0
ERROR_SHOWN_S = 10


class Outlook:
    """What the publishing thread tells the screen: the backlog and the network."""

    def __init__(self):
        self.pending = 0
        self.offline = False
        self._lock = threading.Lock()

    def update(self, *, pending, offline):
        with self._lock:
            self.pending, self.offline = pending, offline

    def read(self):
        with self._lock:
            return self.pending, self.offline


def is_network_error(error) -> bool:
    """Did this fail because the network (or the far end) is unreachable?"""
    while error is not None:
        if isinstance(
            error, requests.ConnectionError | requests.Timeout | ConnectionError | TimeoutError | MastodonNetworkError
        ):
            return True
        error = error.__cause__ or error.__context__
    return False


def publish_round(outbox, publishers, outlook) -> tuple[int, int]:
    """Try every due job once, then tell the screen how things stand."""
    errors = []
    posted, failed = publish_due(outbox, publishers, errors=errors)
    for error in errors:
        log.warning("Posting failed (will retry): %s: %s", type(error).__name__, error)
    network_down = bool(errors) and not posted and all(is_network_error(error) for error in errors)
    outlook.update(pending=outbox.counts()["pending"], offline=network_down)
    return posted, failed


def publish_forever(outbox_path, publishers, outlook, stop: threading.Event, *, portal=None, every=PUBLISH_EVERY_S):
    """Post what is due, again and again; and tell the portal about once a
    minute that the booth is alive and how many photos wait (its organiser's dashboard)."""
    last_heartbeat = None
    with Outbox(outbox_path) as outbox:
        while not stop.is_set():
            publish_round(outbox, publishers, outlook)
            now = time.monotonic()
            if portal and (last_heartbeat is None or now - last_heartbeat >= HEARTBEAT_EVERY_S):
                last_heartbeat = now
                heartbeat(portal, backlog=outlook.read()[0])
            stop.wait(every)


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

    def __init__(self, *, booth: Booth, screen, camera, outlook: Outlook, presses=None, alert=""):
        self.booth, self.screen, self.camera, self.outlook = booth, screen, camera, outlook
        self.presses = presses or queue.SimpleQueue()  # from the GPIO button's thread
        self.alert = alert

    def step(self, now) -> bool:
        kinds = self.screen.presses(now)
        while not self.presses.empty():
            kinds.append(self.presses.get())
        for kind in kinds:
            self.booth.press(kind, now=now)
        self.booth.tick(now=now)
        if self.booth.state != STOPPED:
            self.screen.show(self.view(now))
        return self.booth.state != STOPPED

    def view(self, now) -> View:
        language = self.booth.language
        words = i18n.translation(language)
        _, ngettext = words.gettext, words.ngettext
        pending, offline = self.outlook.read()
        if pending:
            status = ngettext("%(count)d photo waiting to be posted", "%(count)d photos waiting to be posted", pending)
            status %= {"count": pending}
        else:
            status = _("All photos posted")
        alert = self.alert or (_("No network: photos will be posted when it is back.") if offline else "")
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
            return View(image=booth.last_photo[1], detail=detail, **common)
        detail = _("Hold the button to change the language: %(language)s") % {"language": i18n.language_name(language)}
        return View(image=self.camera.preview(), headline=_("Press the button!"), detail=detail, **common)


def booth_config(portal: PortalPublisher, cache: Path) -> dict:
    """The Jam's booth configuration from the portal, kept on disk for the days
    the venue's network is down. Raises ConfigError if neither is available."""
    try:
        config = portal.config()
    except PortalError as error:
        raise ConfigError(f"The portal refused this booth: {error}. Pair it again: python -m photobooth pair") from None
    except requests.RequestException as error:
        if cache.is_file():
            log.warning("Portal unreachable (%s); using the configuration saved on %s", error, cache)
            return json.loads(cache.read_text(encoding="utf-8"))
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
    publishers = {}
    for target in config.targets:
        try:
            publishers[target] = made[target]()
        except Exception as error:
            raise ConfigError(f"{target}: {error}") from None
    return publishers


def make_booth(config, booth_settings, camera, outbox, logo_image, led=None, today=datetime.date.today) -> Booth:
    style = Brand(logo=logo_image, corner=config.corner, margin=config.margin, scale=config.scale)
    languages = [booth_settings.get("language") or "en"]
    languages += [code for code in booth_settings.get("languages", []) if code not in languages]

    def save(image):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=90)
        return save_photo(buffer.getvalue(), config.folder / "photos")

    def enqueue(path, caption, language):
        taken = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        outbox.enqueue(
            path,
            config.targets,
            caption=caption,
            language=language,
            taken_at=taken,
            alt_text=i18n.alt_text(caption, language),
        )

    return Booth(
        camera=camera,
        brand=lambda image, caption, language: brand_in_place(image, style, caption, language),
        save=save,
        enqueue=enqueue,
        caption=lambda language: i18n.caption(booth_settings, language, today()),
        languages=languages,
        led=led,
        shots=config.shots,
        collage=collage,
    )


def run(config) -> int:
    """The booth until a very long press (or Escape). Returns an exit status."""
    secrets = load_secrets(config)
    if not secrets.get("portal_token"):
        raise ConfigError("No booth token yet: run `python -m photobooth pair <token or QR image>`.")
    portal = PortalPublisher(config.portal_url, secrets["portal_token"])
    outlook, stop = Outlook(), threading.Event()
    alert = ""
    with Screen(size=config.size, fullscreen=config.fullscreen) as screen:
        try:
            settings = booth_config(portal, config.folder / "booth-config.json")
            publishers = publishers_for(config, secrets, settings, portal)
        except ConfigError as error:  # on screen too, then exit: systemd starts the booth again
            _show_until(screen, View(alert=str(error)), time.monotonic() + ERROR_SHOWN_S)
            raise
        language = settings.get("language") or "en"
        _ = i18n.translation(language).gettext
        try:
            camera = open_camera(config.camera, resolution=config.resolution)
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

                controls = Controls(button_pin=config.button_pin, led_pin=config.led_pin, on_press=presses.put)
            except Exception as error:  # gpiozero raises several kinds when there are no pins
                log.error("GPIO button missing: %s", error)
                alert = _("The button is missing (%(error)s). The space bar works meanwhile.") % {"error": error}
        outbox = Outbox(config.folder / "outbox.sqlite3")
        worker = threading.Thread(
            target=publish_forever,
            args=(outbox.path, publishers, outlook, stop),
            kwargs={"portal": portal},
            name="publisher",
            daemon=True,
        )
        worker.start()
        try:
            booth = make_booth(config, settings, camera, outbox, logo(config, settings), led=controls)
            session = Session(booth=booth, screen=screen, camera=camera, outlook=outlook, presses=presses, alert=alert)
            log.info("Booth ready for %s; posting to %s", settings.get("jam_title"), ", ".join(config.targets))
            while session.step(time.monotonic()):
                time.sleep(FRAME_S)
        finally:
            stop.set()
            worker.join(timeout=70)
            outbox.close()
            camera.close()
            if controls:
                controls.close()
    return 0


def _show_until(screen, view, deadline=float("inf")):
    """Show one screenful until the deadline, or until someone presses Escape."""
    while time.monotonic() < deadline and "exit" not in screen.presses(time.monotonic()):
        screen.show(view)
        time.sleep(0.2)
