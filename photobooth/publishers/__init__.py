"""Where the booth posts: one small interface, one module per target.

    class Publisher(Protocol):
        def publish(self, job, on_remote_id=None) -> str: ...   # the post's id on the target
        def check(self) -> str: ...                              # who we post as (raises if refused)

A publisher calls `on_remote_id` with whatever it needs to resume without
posting twice (the uploaded media's id, then the post's id) as soon as it
knows it, so the outbox keeps it before the job is marked done.

    >>> fit("Raspberry Jam Big Birthday Weekend, Cambridge Jam, 3 March", "#PiParty", limit=40)
    'Raspberry Jam Big Birthday… #PiParty'
"""

import requests
from requests.adapters import HTTPAdapter

URL_LENGTH = 23  # X and Mastodon both count any link as 23 characters
TIMEOUT_S = (5, 60)  # connect, read: a dead network must not hang the booth


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


def fit(caption: str, tail: str, *, limit: int, length=len) -> str:
    """`caption` then `tail` (hashtags, link), shortening the caption with an
    ellipsis at a word boundary so that the whole post is within `limit`."""
    tail = tail.strip()
    text = f"{caption} {tail}".strip()
    if length(text) <= limit:
        return text
    room = limit - length(tail) - length(" …")
    words, kept = caption.split(" ") if " " in caption else list(caption), ""
    joiner = " " if " " in caption else ""
    for word in words:
        candidate = f"{kept}{joiner}{word}" if kept else word
        if length(candidate) > room:
            break
        kept = candidate
    return f"{kept.rstrip(' ,;:')}… {tail}".strip()


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
        words = text.split(" ")
        links = [word for word in words if word.startswith(("http://", "https://"))]
        rest = " ".join(word for word in words if word not in links)
        return length(rest) + (len(" ") + URL_LENGTH) * len(links) - (len(" ") if links and not rest else 0)

    return measure
