"""Posting to Mastodon with Mastodon.py: the photo with its description, the
caption, hashtags and the Jam's link, within the instance's own limits.

    publisher = MastodonPublisher({"instance": "https://mastodon.social", "access_token": "..."},
                                  hashtags=["#PiParty"], url="https://jams.example.org/jams/42/")
    publisher.check()              # "@ourjam@mastodon.social": the token works
    post_id = publisher.publish(job)

Mastodon honours an Idempotency-Key for an hour; for longer outages a retry
looks for a recent post of ours carrying the media we uploaded first.

Each instance publishes its limits (GET /api/v2/instance: configuration.statuses
and configuration.media_attachments); the photo is made to fit them. An
instance too old to publish them gets the smallest defaults Mastodon has
shipped: 500 characters, images of 8 MB and 3840x2160 pixels (Mastodon 4
takes 16 MB and shrinks anything larger than that to 3840x2160 itself).
"""

import time

from mastodon import Mastodon, MastodonAPIError, MastodonError, MastodonRatelimitError

from .. import boomerang
from . import Limits, Refused, fit_photo, http_session, post_tail, post_text, refusal, url_aware

DEFAULT_LIMIT = 500
DEFAULT_IMAGE_LIMITS = Limits(max_bytes=8 * 1024 * 1024, max_pixels=3840 * 2160)
TIMEOUT_S = 60
# Mastodon processes a large upload after answering (202, no url yet) and will not attach
# it to a post until it is done: ask again every second, for at most this long.
PROCESSING_WAIT_S = 60


class MastodonPublisherError(Exception):
    """The instance refused a request; the message says why."""


class MastodonRefused(MastodonPublisherError, Refused):
    """The instance refused the post for good (a 4xx answer that is not rate limiting)."""


class MastodonPublisher:
    def __init__(self, credentials: dict, *, hashtags=(), url="", session=None, sleep=time.sleep):
        missing = [name for name in ("instance", "access_token") if not credentials.get(name)]
        if missing:
            raise MastodonPublisherError(f"Mastodon settings are missing: {', '.join(missing)}")
        self.api = Mastodon(
            access_token=credentials["access_token"],
            api_base_url=credentials["instance"],
            request_timeout=TIMEOUT_S,
            ratelimit_method="throw",
            session=http_session(session),
        )
        self.tail = post_tail(hashtags, url)
        self.sleep = sleep
        self._account = self._instance = None

    def check(self) -> str:
        return f"@{self._me().acct}"

    def publish(self, job, on_remote_id=None) -> str:
        on_remote_id = on_remote_id or (lambda remote_id: None)
        media_id = None
        if job.remote_id.startswith("media:"):
            media_id = job.remote_id.removeprefix("media:")
            posted = self._post_carrying(media_id)
            if posted:
                return posted
            if not self._processed(media_id):
                media_id = None  # gone: an instance deletes media never attached after a day or so
        elif job.remote_id:
            return job.remote_id
        if media_id is None:
            photo, mime_type, name = self._picture(job)
            media = self._call(
                self.api.media_post, photo, mime_type=mime_type, file_name=name, description=job.alt_text
            )
            media_id = str(media.id)
            on_remote_id(f"media:{media_id}")
            if not media.get("url"):
                self._processed(media_id)
        text = post_text(job, self.tail, limit=self.limit(), length=url_aware(len))
        status = self._call(
            self.api.status_post,
            text,
            media_ids=[media_id],
            language=job.language.split("-")[0] or None,
            idempotency_key=job.idempotency_key,
        )
        post_id = str(status.id)
        on_remote_id(post_id)
        return post_id

    def limit(self) -> int:
        """The instance's longest post (many allow more than 500)."""
        try:
            return int(self._configuration().statuses.max_characters)
        except (AttributeError, KeyError, TypeError, ValueError):
            return DEFAULT_LIMIT

    def image_limits(self) -> Limits:
        """The largest image the instance takes, in bytes and in pixels."""
        try:
            media = self._configuration().media_attachments
            return Limits(max_bytes=int(media.image_size_limit), max_pixels=int(media.image_matrix_limit))
        except (AttributeError, KeyError, TypeError, ValueError):
            return DEFAULT_IMAGE_LIMITS

    def _configuration(self):
        if self._instance is None:  # asked once per booth run
            self._instance = self._call(self.api.instance)
        return self._instance.configuration

    def _processed(self, media_id) -> bool:
        """Wait until the instance has processed the media (it attaches nothing
        before); False if it does not know the media. Still processing after
        PROCESSING_WAIT_S is an error that is tried again later."""
        for _ in range(PROCESSING_WAIT_S):
            try:
                media = self._call(self.api.media, media_id)
            except MastodonRefused:
                return False
            if media.get("url"):
                return True
            self.sleep(1)
        raise MastodonPublisherError(f"The instance is still processing media {media_id}; will try again.")

    def _post_carrying(self, media_id):
        for status in self._call(self.api.account_statuses, self._me().id, only_media=True, limit=20):
            if any(str(media.id) == media_id for media in status.media_attachments):
                return str(status.id)
        return None

    def _me(self):
        if self._account is None:
            self._account = self._call(self.api.account_verify_credentials)
        return self._account

    @staticmethod
    def _call(method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except MastodonRatelimitError as error:
            raise MastodonPublisherError(str(error)) from error
        except MastodonAPIError as error:
            # Mastodon.py's args: (message, HTTP status, reason, the instance's error text)
            status = error.args[1] if len(error.args) > 1 and isinstance(error.args[1], int) else 0
            kind = MastodonRefused if refusal(status) else MastodonPublisherError
            raise kind(str(error)) from error
        except MastodonError as error:
            raise MastodonPublisherError(str(error)) from error

    # --- Boomerang ---
    def _picture(self, job):
        """(bytes, type, file name): a boomerang as an animated GIF, which the instance turns into
        a looping video ("gifv"), within its image limits (bytes, pixels a frame); else a JPEG."""
        if boomerang.is_boomerang(job.photo):
            limits = self.image_limits()
            animated = boomerang.fit_animation(
                job.photo.read_bytes(),
                boomerang.AnimationLimits(max_bytes=limits.max_bytes, max_pixels=limits.max_pixels),
                kind="GIF",
            )
            if animated is not None:
                return animated, "image/gif", job.photo.with_suffix(".gif").name
        return fit_photo(job.photo, self.image_limits()), "image/jpeg", job.photo.with_suffix(".jpg").name
