"""Posting to Bluesky with the AT Protocol SDK (`atproto`): the photo with its
alt text, the caption, the Jam's hashtags as tag facets and its link as a link
facet, within Bluesky's 300 graphemes.

    publisher = BlueskyPublisher({"handle": "ourjam.bsky.social", "app_password": "abcd-efgh-ijkl-mnop"},
                                 hashtags=["#PiParty"], url="https://jams.example.org/jams/42/")
    publisher.check()              # "@ourjam.bsky.social": the app password works
    post_uri = publisher.publish(job)   # "at://did:plc:.../app.bsky.feed.post/3ll..."

Exactly once: each job's post has a record key of its own, derived from the
job (`record_key`), so every try, after any crash, would create the very same
record. A try that may have posted already (the photo's blob was uploaded, so
the booth may have sent the post before it died or lost the answer) asks the
account's repository for that record first (com.atproto.repo.getRecord) and
posts only if it is not there. A repository holds one record per key, so even
two tries racing could not post the photo twice. The key is a TID, the key
type the app.bsky.feed.post lexicon asks for: the photo's time plus bits of
its idempotency key.

The photo goes up as a blob (com.atproto.repo.uploadBlob) right before each
post: the PDS deletes a blob no record refers to within minutes, and the same
bytes make the same blob, so uploading again after a failed try is harmless.

Images: the booth sends at most 1,000,000 bytes, the limit app.bsky.embed.images
long had and every PDS takes (its lexicon now says "May be up to 2 MB,
formerly limited to 1 MB"; a PDS not yet updated refuses more when the post
refers to the blob), and at most 2000 pixels a side: within 1 MB, fewer pixels
at a good JPEG quality look better than 12 megapixels compressed hard.

Credentials: the account's handle (settings, `[bluesky] handle`) and an app
password (secrets file or PHOTOBOOTH_BLUESKY_APP_PASSWORD), never the account's
own password: an app password cannot change the account or delete it, and can
be revoked on its own if the booth is lost.
"""

import datetime
import hashlib
import io
import logging
import re
from urllib.parse import urlsplit

import httpx
from atproto import Client, models
from atproto.exceptions import AtProtocolError, RequestErrorBase
from atproto_client.request import Request
from atproto_client.utils import TextBuilder
from PIL import Image
from uniseg.graphemecluster import grapheme_clusters

from . import Limits, Refused, fit_photo, post_text, refusal

SERVICE = "https://bsky.social"
COLLECTION = "app.bsky.feed.post"
LIMIT = 300  # app.bsky.feed.post text: maxGraphemes 300
MAX_TEXT_BYTES = 3000  # and maxLength 3000 (bytes of UTF-8)
ALT_TEXT_GRAPHEMES = 2000  # what Bluesky's app lets anyone write as alt text
IMAGE_LIMITS = Limits(max_bytes=1_000_000, max_side=2000)
TIMEOUT = httpx.Timeout(60, connect=5)  # a dead network must not hang the booth
APP_PASSWORD = re.compile(r"[a-z0-9]{4}(-[a-z0-9]{4}){3}")
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"  # base32-sortable, as the AT Protocol writes TIDs
# A session that has run out (the PDS answers these after the SDK could not refresh it): log in again.
SESSION_ERRORS = {"ExpiredToken", "InvalidToken"}
SHORT_PATH = 15  # a link's path longer than this is shortened on screen, as Bluesky's app does
logging.getLogger("httpx").setLevel(logging.WARNING)  # not a log line for every request the booth makes


class BlueskyError(Exception):
    """Bluesky refused a request, or could not be reached; the message says why."""


class BlueskyRefused(BlueskyError, Refused):
    """Bluesky refused the post for good (a 4xx answer that is not rate limiting)."""


class BlueskyUnreachable(BlueskyError, ConnectionError):
    """The PDS could not be reached, or the answer never came back."""


def graphemes(text: str) -> int:
    """Length as Bluesky counts a post (user-perceived characters), kept within
    its 3000 bytes too: a grapheme of more than ten bytes counts for more.

    >>> graphemes("Café 👨‍👩‍👧"), graphemes("ラズベリー")
    (6, 5)
    """
    return max(sum(1 for _ in grapheme_clusters(text)), -(-len(text.encode()) * LIMIT // MAX_TEXT_BYTES))


def record_key(job) -> str:
    """The job's post's record key: a TID (13 characters) from the photo's time
    in microseconds, whose last microseconds and 10-bit clock id come from the
    job's idempotency key, so that two photos taken in the same second have keys
    of their own.

    >>> from types import SimpleNamespace
    >>> record_key(SimpleNamespace(taken_at="2031-03-01T10:00:00+00:00", idempotency_key="a1-bluesky"))
    '3qvi3lg7b6kbk'
    """
    taken = datetime.datetime.fromisoformat(job.taken_at)
    if taken.tzinfo is None:
        taken = taken.replace(tzinfo=datetime.UTC)
    digest = hashlib.sha256(job.idempotency_key.encode()).digest()
    micros = int(taken.timestamp()) * 1_000_000 + int.from_bytes(digest[:4]) % 1_000_000
    value = (micros << 10) | (int.from_bytes(digest[4:6]) & 0x3FF)
    return "".join(TID_ALPHABET[(value >> shift) & 31] for shift in range(60, -1, -5))


def short_link(url: str) -> str:
    """A link as Bluesky's app shows it: no scheme, and a long path cut short
    (the link facet keeps the whole address).

    >>> short_link("https://jams.example.org/en/jams/42/"), short_link("https://jams.example.org/en/jams/42/photos/")
    ('jams.example.org/en/jams/42/', 'jams.example.org/en/jams/42/p…')
    """
    parts = urlsplit(url)
    path = (parts.path if parts.path != "/" else "") + (f"?{parts.query}" if parts.query else "")
    return parts.netloc + (path[: SHORT_PATH - 2] + "…" if len(path) > SHORT_PATH else path)


class BlueskyPublisher:
    """Posts as one Bluesky account; logs in at its first post (or `check`), not
    when made, so that a booth starting offline starts all the same.

        publisher = BlueskyPublisher({"handle": "ourjam.bsky.social", "app_password": "abcd-efgh-ijkl-mnop"})
        publisher.publish(job, on_remote_id=keep)   # keep("blob:..."), then keep("at://...")
    """

    def __init__(self, credentials: dict, *, hashtags=(), url=""):
        missing = [name for name in ("handle", "app_password") if not credentials.get(name)]
        if missing:
            raise BlueskyError(f"Bluesky settings are missing: {', '.join(missing)}")
        if not APP_PASSWORD.fullmatch(credentials["app_password"]):
            raise BlueskyError(
                "[bluesky] app_password is not an app password (four groups of four letters and digits, such as "
                "abcd-efgh-ijkl-mnop): make one in Bluesky's Settings > Privacy and security > App passwords; "
                "never give the booth the account's own password"
            )
        self.handle = credentials["handle"].removeprefix("@")
        self.password = credentials["app_password"]
        self.service = credentials.get("service") or SERVICE
        self.tags = list(dict.fromkeys(tag.strip().lstrip("#") for tag in hashtags if tag.strip().lstrip("#")))
        self.url = url
        self.client, self._account = None, None

    def check(self) -> str:
        return f"@{self._signed_in()['handle']}"

    def publish(self, job, on_remote_id=None) -> str:
        on_remote_id = on_remote_id or (lambda remote_id: None)
        if job.remote_id.startswith("at://"):
            return job.remote_id  # posted, and the post's address was kept, before the answer was lost
        repo = self._signed_in()["did"]
        rkey = record_key(job)
        if job.remote_id:  # the blob went up, so the post may have been sent: is it there?
            posted = self._posted(repo, rkey)
            if posted:
                on_remote_id(posted)
                return posted
        photo = fit_photo(job.photo, IMAGE_LIMITS)
        blob = self._call(self.client.com.atproto.repo.upload_blob, photo, headers={"Content-Type": "image/jpeg"}).blob
        on_remote_id(f"blob:{blob.cid}")
        with Image.open(io.BytesIO(photo)) as picture:
            width, height = picture.size
        text = self._rich_text(job)
        record = models.AppBskyFeedPost.Record(
            created_at=self.client.get_current_time_iso(),
            text=text.build_text(),
            facets=text.build_facets() or None,
            langs=[bcp47(job.language)] if job.language else None,
            embed=models.AppBskyEmbedImages.Main(
                images=[
                    models.AppBskyEmbedImages.Image(
                        alt=_cut(job.alt_text, ALT_TEXT_GRAPHEMES),
                        image=blob,
                        aspect_ratio=models.AppBskyEmbedDefs.AspectRatio(width=width, height=height),
                    )
                ]
            ),
        )
        try:
            created = self._call(
                self.client.com.atproto.repo.create_record,
                models.ComAtprotoRepoCreateRecord.Data(repo=repo, collection=COLLECTION, rkey=rkey, record=record),
            )
        except BlueskyRefused:
            # A PDS answers a key already taken with an error: the post went out on an earlier try.
            posted = self._posted(repo, rkey)
            if not posted:
                raise
            created_uri = posted
        else:
            created_uri = created.uri
        on_remote_id(created_uri)
        return created_uri

    def _rich_text(self, job) -> TextBuilder:
        """The post's text, its hashtags tagged and its link linked (facets count UTF-8 bytes: TextBuilder does)."""
        link = short_link(self.url) if self.url else ""
        tail = " ".join([*(f"#{tag}" for tag in self.tags), *([link] if link else [])])
        text = post_text(job, tail, limit=LIMIT, length=graphemes)
        builder = TextBuilder().text(text[: len(text) - len(tail)] if tail else text)
        parts = [(builder.tag, f"#{tag}", tag) for tag in self.tags] + (
            [(builder.link, link, self.url)] if link else []
        )
        for number, (add, shown, value) in enumerate(parts):
            if number:
                builder.text(" ")
            add(shown, value)
        return builder

    def _posted(self, repo, rkey):
        """The post's address if the repository has a record at this key, else None."""
        try:
            found = self._call(
                self.client.com.atproto.repo.get_record,
                models.ComAtprotoRepoGetRecord.Params(repo=repo, collection=COLLECTION, rkey=rkey),
            )
        except BlueskyRefused as error:
            if _error_name(error.__cause__) == "RecordNotFound":
                return None
            raise
        return found.uri

    def _signed_in(self) -> dict:
        """Log in once per booth run (the SDK refreshes the session as it nears its end)."""
        if self._account is None:
            self.client = Client(self.service, request=Request(timeout=TIMEOUT))
            session = {}
            self.client.on_session_change(lambda _event, new: session.update(did=new.did, handle=new.handle))
            try:
                self.client.login(self.handle, self.password, fetch_bsky_profile=False)
            except RequestErrorBase as error:
                if error.response is not None and refusal(error.response.status_code):
                    raise BlueskyRefused(
                        f"Bluesky refused the login of {self.handle} ({error}): check [bluesky] handle and its app "
                        "password"
                    ) from error
                raise self._error(error) from error
            except (AtProtocolError, httpx.HTTPError) as error:
                raise self._error(error) from error
            self._account = session
        return self._account

    def _call(self, method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except (AtProtocolError, httpx.HTTPError) as error:
            if _error_name(error) in SESSION_ERRORS:
                self._account = None  # the next try logs in again
            raise self._error(error) from error

    @staticmethod
    def _error(error) -> BlueskyError:
        if isinstance(error, RequestErrorBase) and error.response is not None:
            if refusal(error.response.status_code) and _error_name(error) not in SESSION_ERRORS:
                return BlueskyRefused(str(error))
            return BlueskyError(str(error))
        if isinstance(error, httpx.HTTPError | RequestErrorBase):  # no answer: the network, or a timeout
            return BlueskyUnreachable(f"{type(error).__name__}: {error}".rstrip(": "))
        return BlueskyError(str(error))


def _error_name(error):
    """The XRPC error's name ("RecordNotFound", "ExpiredToken"...), if the PDS gave one."""
    content = getattr(getattr(error, "response", None), "content", None)
    return getattr(content, "error", None)


def _cut(text: str, most: int) -> str:
    clusters = list(grapheme_clusters(text))
    return text if len(clusters) <= most else "".join(clusters[: most - 1]) + "…"


def bcp47(language: str) -> str:
    """A booth language as Bluesky's langs want it: "pt_BR" -> "pt-BR", "zh_hant" -> "zh-Hant"."""
    base, _, region = language.replace("_", "-").partition("-")
    if not region:
        return base.lower()
    return f"{base.lower()}-{region.upper() if len(region) == 2 else region.title()}"
