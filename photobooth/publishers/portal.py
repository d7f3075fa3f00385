"""Posting to the Jam's page on the portal, through its booth API.

    publisher = PortalPublisher("https://jams.example.org", token)
    config = publisher.config()          # the Jam, its languages, hashtag, caption template, photo limits
    remote_id = publisher.publish(job)   # the photo's id on the portal
    publisher.reachable()                # True once the portal answers again after an outage

The portal stores one photo per idempotency key and answers a repeated key
with the same photo, so a retry after a lost answer never posts twice. It
takes photos of at most 25 MB and 40 megapixels unless its configuration
says otherwise (`photo_max_bytes`, `photo_max_pixels`).
"""

import requests

from .. import boomerang
from . import Limits, Refused, fit_photo, http_session, refusal

# The portal's defaults (JAMPORTAL_PHOTO_MAX_BYTES, JAMPORTAL_PHOTO_MAX_PIXELS), for one that does not say.
DEFAULT_LIMITS = Limits(max_bytes=25_000_000, max_pixels=40_000_000)
PROBE_TIMEOUT_S = (3, 5)  # connect, read: a probe that hangs would delay the posting it is for


class PortalError(Refused):
    """The portal refused the photo for good (bad token, not an image...)."""

    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class PortalPublisher:
    def __init__(self, base_url: str, token: str, *, session=None):
        self.base_url = base_url.rstrip("/")
        self.session = http_session(session)
        self.use_token(token)
        self.limits = DEFAULT_LIMITS
        self.animation_limits = None  # a portal that takes boomerangs says so (photo_max_frames)

    def use_token(self, token: str) -> None:
        """Post with this token from now on (a booth paired again while it runs)."""
        self.session.headers["Authorization"] = f"Bearer {token}"

    def config(self) -> dict:
        """The Jam's booth configuration; the portal's photo limits are kept for `publish`."""
        response = self.session.get(f"{self.base_url}/api/booth/config")
        self._raise_for(response)
        config = response.json()
        self.use_limits(config)
        return config

    def use_limits(self, config: dict) -> None:
        """The photo limits from a booth configuration (fetched, or saved on disk)."""
        try:
            self.limits = Limits(max_bytes=int(config["photo_max_bytes"]), max_pixels=int(config["photo_max_pixels"]))
        except (KeyError, TypeError, ValueError):
            self.limits = DEFAULT_LIMITS
        self.use_animation_limits(config)

    def heartbeat(self, *, backlog: int) -> None:
        """The booth is alive, with this many photos still to post."""
        response = self.session.post(f"{self.base_url}/api/booth/heartbeat", json={"backlog": backlog})
        self._raise_for(response)

    def reachable(self) -> bool:
        """Does the portal answer? One small GET of its health check (`/health`):
        any answer in the portal's own words (JSON with a status) means the
        network to it works, even a 503 about its own parts; a captive Wi-Fi
        login page, a refused connection or a timeout mean it does not."""
        try:
            answer = self.session.get(f"{self.base_url}/health", timeout=PROBE_TIMEOUT_S).json()
            return isinstance(answer, dict) and "status" in answer
        except (requests.RequestException, ValueError, TypeError):
            return False

    def publish(self, job, on_remote_id=None) -> str:
        photo, name, kind = self._picture(job)
        response = self.session.post(
            f"{self.base_url}/api/booth/photos",
            data={
                "idempotency_key": job.idempotency_key,
                "taken_at": job.taken_at,
                "caption": job.caption,
                "alt_text": job.alt_text,
                "language": job.language,
            },
            files={"image": (name, photo, kind)},
        )
        self._raise_for(response)
        remote_id = str(response.json()["id"])
        if on_remote_id:
            on_remote_id(remote_id)
        return remote_id

    @staticmethod
    def _raise_for(response):
        if response.status_code < 400:
            return
        if not refusal(response.status_code):
            response.raise_for_status()  # 5xx, rate limiting: worth retrying later
        try:
            detail = response.json().get("message", "")
        except (ValueError, AttributeError):  # not the booth API's JSON: a page, a proxy's error
            detail = (
                f"{response.url} is not a JamPortal booth API: is [portal] url the portal's own address, "
                "with no path after it (such as https://jams.example.org)?"
            )
        raise PortalError(f"{response.status_code}: {detail}", status=response.status_code)

    # --- Boomerang ---
    def use_animation_limits(self, config: dict) -> None:
        """A portal that keeps boomerangs animated says how many frames it takes; an older one
        says nothing, and is sent each boomerang's first frame."""
        try:
            self.animation_limits = boomerang.AnimationLimits(
                max_bytes=self.limits.max_bytes,
                max_pixels=self.limits.max_pixels,
                max_frames=int(config["photo_max_frames"]),
                max_total_pixels=int(config["photo_max_animation_pixels"]),
            )
        except (KeyError, TypeError, ValueError):
            self.animation_limits = None

    def _picture(self, job):
        """(bytes, file name, type): a boomerang as an animated WebP within the portal's limits, else a JPEG."""
        if self.animation_limits and boomerang.is_boomerang(job.photo):
            animated = boomerang.fit_animation(job.photo.read_bytes(), self.animation_limits, kind="WEBP")
            if animated is not None:
                return animated, job.photo.name, "image/webp"
        return fit_photo(job.photo, self.limits), job.photo.with_suffix(".jpg").name, "image/jpeg"
