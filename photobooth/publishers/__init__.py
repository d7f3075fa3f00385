"""Where the booth posts: one small interface, one module per target.

    class Publisher(Protocol):
        def publish(self, job, on_remote_id=None) -> str: ...   # the post's id on the target
        def check(self) -> str: ...                              # who we post as (raises if refused)

A publisher calls `on_remote_id` with whatever it needs to resume without
posting twice (the uploaded media's id, then the post's id) as soon as it
knows it, so the outbox keeps it before the job is marked done. It raises
`Refused` when the target says no for good (a 4xx answer that is not rate
limiting): the outbox then fails the job instead of retrying it for ever.
It sends each target a photo within that target's limits (`fit_photo`).

    >>> fit("Raspberry Jam Big Birthday Weekend, Cambridge Jam, 3 March", "#PiParty", limit=40)
    'Raspberry Jam Big Birthday… #PiParty'
"""

import io
import math
import re
from dataclasses import dataclass
from pathlib import Path

import requests
from PIL import Image
from requests.adapters import HTTPAdapter

URL_LENGTH = 23  # X and Mastodon both count any link as 23 characters
LINK = re.compile(r"https?://\S+")
TIMEOUT_S = (5, 60)  # connect, read: a dead network must not hang the booth
# Answers in the 4xx range that say "not now" rather than "no": a request that timed out,
# one still in progress under the same idempotency key, and rate limiting.
TRY_AGAIN = {408, 409, 425, 429}
JPEG_QUALITY = 90  # as the booth saves its photos
SMALLEST_QUALITY = 80  # below this, fewer pixels look better than more JPEG blocks


class Refused(Exception):
    """The target refused this post for good: trying again cannot help until a
    person changes something (a credential, a setting, the photo)."""


class NotAPicture(Refused):
    """The photo's file cannot be read as a picture (a damaged file)."""


def refusal(status: int) -> bool:
    """Is this HTTP status a "no" for good? 4xx, except those that mean "later"."""
    return 400 <= status < 500 and status not in TRY_AGAIN


class _Timeouts(HTTPAdapter):
    def send(self, request, **kwargs):
        kwargs["timeout"] = kwargs.get("timeout") or TIMEOUT_S
        return super().send(request, **kwargs)


def http_session(session=None) -> requests.Session:
    """A requests session whose every request has a timeout (tweepy's has none)."""
    session = session or requests.Session()
    for prefix in ("http://", "https://"):
        session.mount(prefix, _Timeouts())
    return session


@dataclass(frozen=True)
class Limits:
    """What a target takes: bytes in the file, pixels in the picture, pixels on its longer side."""

    max_bytes: int
    max_pixels: int | None = None
    max_side: int | None = None

    def allow(self, size, length) -> bool:
        width, height = size
        return (
            length <= self.max_bytes
            and (self.max_pixels is None or width * height <= self.max_pixels)
            and (self.max_side is None or max(width, height) <= self.max_side)
        )


def fit_photo(path, limits: Limits) -> bytes:
    """The photo's JPEG as it is if `limits` allow it, else made to fit: fewer
    pixels if there are too many, then a lower quality, then fewer pixels again
    until the file is small enough. Raises NotAPicture for a file Pillow cannot
    read (no target would take it either).

    >>> import tempfile
    >>> photo = Path(tempfile.mkdtemp()) / "big.jpg"
    >>> Image.effect_noise((1200, 800), 90).convert("RGB").save(photo, quality=95)
    >>> fitted = fit_photo(photo, Limits(max_bytes=200_000, max_side=1000))
    >>> len(fitted) <= 200_000, max(Image.open(io.BytesIO(fitted)).size) <= 1000
    (True, True)
    """
    data = Path(path).read_bytes()
    try:
        with Image.open(io.BytesIO(data)) as image:
            # A boomerang (animated) is never sent as it is: a target given a still gets its first frame, a JPEG.
            if limits.allow(image.size, len(data)) and image.format == "JPEG":
                return data
            image.load()
            picture = image.convert("RGB")
    except (OSError, Image.DecompressionBombError) as error:  # UnidentifiedImageError is an OSError
        raise NotAPicture(f"{Path(path).name} is not a picture the booth can read ({error})") from None
    width, height = picture.size
    scale = 1.0
    if limits.max_pixels:
        scale = min(scale, math.sqrt(limits.max_pixels / (width * height)))
    if limits.max_side:
        scale = min(scale, limits.max_side / max(width, height))
    quality = JPEG_QUALITY
    while True:
        size = (max(1, math.floor(width * scale)), max(1, math.floor(height * scale)))
        resized = picture if size == picture.size else picture.resize(size, Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        resized.save(buffer, "JPEG", quality=quality, optimize=True)
        if buffer.tell() <= limits.max_bytes or size == (1, 1):
            return buffer.getvalue()
        if quality > SMALLEST_QUALITY:
            quality = SMALLEST_QUALITY
        else:  # a JPEG's size goes roughly with its pixels: shrink by the excess, with a margin
            scale *= min(0.9, math.sqrt(limits.max_bytes / buffer.tell()) * 0.95)


def fit(caption: str, tail: str, *, limit: int, length=len, joiner=" ") -> str:
    """`caption`, `joiner`, then `tail` (hashtags, link), shortening the caption
    with an ellipsis at a word boundary so that the whole post is within `limit`."""
    tail = tail.strip()
    text = f"{caption}{joiner}{tail}".strip()
    if length(text) <= limit:
        return text
    room = limit - length(tail) - length(f"…{joiner}")
    words, kept = caption.split(" ") if " " in caption else list(caption), ""
    space = " " if " " in caption else ""
    for word in words:
        candidate = f"{kept}{space}{word}" if kept else word
        if length(candidate) > room:
            break
        kept = candidate
    return f"{kept.rstrip(' ,;:')}…{joiner}{tail}".strip()


def post_text(job, tail: str, *, limit: int, length=len) -> str:
    """The post: the caption; on a line of its own the job's label ("Photo 12 of
    the day, taken at 10:42"), which makes each post's text its own; then the
    hashtags and the link. Only the caption is ever shortened."""
    if not job.label:
        return fit(job.caption, tail, limit=limit, length=length)
    return fit(job.caption, f"{job.label}\n{tail}".strip(), limit=limit, length=length, joiner="\n")


def post_tail(hashtags, url="") -> str:
    """The hashtags (each once, with its #) and the Jam's link, for the end of a post."""
    tags = []
    for tag in hashtags:
        tag = tag.strip()
        if tag and f"#{tag.lstrip('#')}" not in tags:
            tags.append(f"#{tag.lstrip('#')}")
    return " ".join([*tags, url] if url else tags)


def url_aware(length):
    """A length function that counts each link as a fixed 23 characters."""

    def measure(text):
        return length(LINK.sub("", text)) + URL_LENGTH * len(LINK.findall(text))

    return measure
