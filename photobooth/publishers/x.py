"""Posting to X with tweepy: the photo with alt text, the caption, hashtags and
the Jam's link, within 280 characters as X counts them.

    publisher = XPublisher(credentials, hashtags=["#PiParty"], url="https://jams.example.org/jams/42/")
    publisher.check()              # "@our_jam": the credentials work
    post_id = publisher.publish(job)

X retired the v1.1 media upload, and tweepy's Client has no v2 upload yet,
so the photo goes to the v2 endpoint (POST /2/media/upload) through tweepy's
OAuth 1.0a signing; the post itself goes through `tweepy.Client`.

X has no idempotency keys, so a retry after a lost answer looks through our
posts since the upload for one that carries that media before posting again.
X takes images of at most 5 MB (its media upload documentation) and 8192
pixels a side: a larger photo is sent made to fit (`fit_photo`).
"""

import datetime
import time

import tweepy

from .. import boomerang
from . import Limits, Refused, fit_photo, http_session, post_tail, post_text, refusal, url_aware

API = "https://api.x.com/2"
LIMIT = 280
MEDIA_LIFETIME_S = 20 * 3600  # X keeps uploaded media for 24 hours; re-upload well before that
CREDENTIALS = ("consumer_key", "consumer_secret", "access_token", "access_token_secret")
# X's documented limits for an image: 5 MB (counted as 5,000,000 bytes, the smaller reading), 8192 px a side.
IMAGE_LIMITS = Limits(max_bytes=5_000_000, max_side=8192)
CHUNK_BYTES = 4 * 1024 * 1024  # each APPEND at most 5 MB, as X's chunked upload asks
PROCESSING_CHECKS = 30  # X processes a GIF after FINALIZE: ask again as it says, this many times at most


def x_length(text: str) -> int:
    """Length as X counts it (twitter-text's weighting): Latin, Greek, Cyrillic,
    Arabic, Hebrew and common punctuation count 1; everything else (CJK, emoji)
    counts 2; a link counts 23."""

    def weigh(part):
        return sum(1 if _light(ord(char)) else 2 for char in part)

    return url_aware(weigh)(text)


def _light(code):
    return code <= 0x10FF or 0x2000 <= code <= 0x200D or 0x2010 <= code <= 0x201F or 0x2032 <= code <= 0x2037


class XError(Exception):
    """X refused a request; the message says why."""


class XRefused(XError, Refused):
    """X refused the post for good (a 4xx answer that is not rate limiting)."""


class XPublisher:
    def __init__(self, credentials: dict, *, hashtags=(), url="", session=None, sleep=time.sleep):
        missing = [name for name in CREDENTIALS if not credentials.get(name)]
        if missing:
            raise XError(f"X credentials are missing: {', '.join(missing)}")
        keys = [credentials[name] for name in CREDENTIALS]
        self.client = tweepy.Client(
            consumer_key=keys[0], consumer_secret=keys[1], access_token=keys[2], access_token_secret=keys[3]
        )
        self.session = self.client.session = http_session(session)
        self.session.auth = tweepy.OAuth1UserHandler(*keys).apply_auth()
        self.tail = post_tail(hashtags, url)
        self.sleep = sleep
        self._user = None

    def check(self) -> str:
        return f"@{self._me().username}"

    def publish(self, job, on_remote_id=None) -> str:
        on_remote_id = on_remote_id or (lambda remote_id: None)
        media_id = None
        if job.remote_id.startswith("media:"):
            _, media_id, uploaded_at = job.remote_id.split(":")
            posted = self._post_carrying(media_id, since=float(uploaded_at))
            if posted:
                return posted
            if time.time() - float(uploaded_at) > MEDIA_LIFETIME_S:
                media_id = None
        elif job.remote_id:
            return job.remote_id  # posted, and the id was kept, before the answer was lost
        if media_id is None:
            media_id = self._upload(job)
            on_remote_id(f"media:{media_id}:{time.time():.0f}")
        text = post_text(job, self.tail, limit=LIMIT, length=x_length)
        response = self._call(self.client.create_tweet, text=text, media_ids=[media_id])
        post_id = str(response.data["id"])
        on_remote_id(post_id)
        return post_id

    def _upload(self, job) -> str:
        animation = self._animation(job)
        if animation is not None:
            media_id = self._upload_chunked(animation, name=job.photo.with_suffix(".gif").name)
        else:
            photo = fit_photo(job.photo, IMAGE_LIMITS)
            response = self.session.post(
                f"{API}/media/upload",
                files={"media": (job.photo.name, photo, "image/jpeg")},
                data={"media_category": "tweet_image", "media_type": "image/jpeg"},
            )
            media_id = str(self._json(response)["data"]["id"])
        if job.alt_text:
            self._json(
                self.session.post(
                    f"{API}/media/metadata",
                    json={"id": media_id, "metadata": {"alt_text": {"text": job.alt_text[:1000]}}},
                )
            )
        return media_id

    def _post_carrying(self, media_id, *, since):
        """Our post with this media attached, if it went out: every post of ours
        since the upload is looked at, page by page."""
        start = datetime.datetime.fromtimestamp(since - 60, datetime.UTC)
        page = None
        while True:
            response = self._call(
                self.client.get_users_tweets,
                self._me().id,
                start_time=start,
                max_results=100,
                pagination_token=page,
                expansions=["attachments.media_keys"],
                user_auth=True,
            )
            for post in response.data or []:
                keys = (post.attachments or {}).get("media_keys", [])
                if any(key.split("_", 1)[-1] == media_id for key in keys):
                    return str(post.id)
            page = response.meta.get("next_token")
            if not page:
                return None

    def _me(self):
        if self._user is None:
            self._user = self._call(self.client.get_me, user_auth=True).data
        return self._user

    @staticmethod
    def _call(method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except tweepy.HTTPException as error:
            kind = XRefused if refusal(error.response.status_code) else XError
            raise kind(str(error)) from error
        except tweepy.TweepyException as error:
            raise XError(str(error)) from error

    @staticmethod
    def _json(response, *, empty=False):
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail") or response.json().get("title", "")
            except ValueError:
                detail = response.text[:200]
            kind = XRefused if refusal(response.status_code) else XError
            raise kind(f"{response.status_code}: {detail}")
        if empty and not response.content:  # APPEND answers 2xx with no body
            return {}
        return response.json()

    # --- Boomerang ---
    @staticmethod
    def _animation(job):
        """A boomerang as an animated GIF within X's limits for one, or None (a photo, or too big: a still)."""
        if not boomerang.is_boomerang(job.photo):
            return None
        return boomerang.fit_animation(job.photo.read_bytes(), boomerang.X_GIF_LIMITS, kind="GIF")

    def _upload_chunked(self, data: bytes, *, name: str) -> str:
        """An animated GIF through X's chunked upload (INIT, APPEND, FINALIZE, then STATUS
        until processed), which is how X takes GIFs (its simple upload takes images only)."""
        started = self._json(
            self.session.post(
                f"{API}/media/upload",
                data={
                    "command": "INIT",
                    "media_type": "image/gif",
                    "total_bytes": str(len(data)),
                    "media_category": "tweet_gif",
                },
            )
        )
        media_id = str(started["data"]["id"])
        for index, start in enumerate(range(0, len(data), CHUNK_BYTES)):
            self._json(
                self.session.post(
                    f"{API}/media/upload",
                    data={"command": "APPEND", "media_id": media_id, "segment_index": str(index)},
                    files={"media": (name, data[start : start + CHUNK_BYTES], "application/octet-stream")},
                ),
                empty=True,
            )
        answer = self._json(
            self.session.post(f"{API}/media/upload", data={"command": "FINALIZE", "media_id": media_id})
        )
        for _ in range(PROCESSING_CHECKS):
            processing = (answer.get("data") or {}).get("processing_info") or {}
            state = processing.get("state", "succeeded")
            if state == "succeeded":
                return media_id
            if state == "failed":
                raise XRefused(f"X could not process the GIF: {processing.get('error', {}).get('message', state)}")
            self.sleep(int(processing.get("check_after_secs", 1)))
            answer = self._json(
                self.session.get(f"{API}/media/upload", params={"command": "STATUS", "media_id": media_id})
            )
        raise XError(f"X is still processing media {media_id}; will try again.")
