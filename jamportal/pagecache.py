"""Whole public pages, kept in the cache for visitors who are not signed in.

On a birthday weekend most requests are the same few pages asked for by
visitors without an account: each is rendered once, then served from the
cache (Redis in production, shared by every web process) until something it
shows changes. It is kept with the version numbers it was made under (see
`bump`), which the services change on commit, so an approved, edited or
cancelled Jam, or a new photo, shows within a second (two behind nginx, which
keeps these pages a second more for requests without cookies: PROXY_KEEP_S); a
five-minute expiry bounds everything else (campaign figures, dates that pass).

The language is in the URL, so the URL is the key. Browsers and a CDN may keep
the anonymous page for a minute (`Cache-Control: public`); the page varies
with the session cookie (a signed-in organiser sees their own menu, never
stored: `private, no-store`, from jamportal.middleware.private_when_signed_in).
"""

import hashlib
import pickle
import threading
import time
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.core.cache import cache, caches
from django.utils.cache import patch_cache_control, patch_vary_headers

SERVER_TIMEOUT_S = 300
BROWSER_MAX_AGE_S = 60
# nginx keeps the pages kept here for this long as well, for requests without cookies
# (scripts/nginx.conf, docs/deployment.md): a burst of visitors to one page costs the
# web processes one request a second. It adds at most this to "within a second".
PROXY_KEEP_S = 1
PROCESS_CACHES = ("fragments", "jam_items")  # each web process's own parts of pages (settings.CACHES)
_now, _monotonic = time.time, time.monotonic  # (the tests move the clocks)


def bump(*version_keys: str) -> None:
    """Make every cached page that depends on these versions stale. Call it on
    commit: a page rendered before the commit must not be kept under the new version."""
    version = time.time_ns()
    cache.set_many(dict.fromkeys(version_keys, version), timeout=None)
    _local_versions.update(dict.fromkeys(version_keys, (version, _monotonic())))


def clear_local() -> None:
    """Forget this process's copies, parts of pages too (the tests do, with the shared cache)."""
    _local_versions.clear()
    _local_pages.clear()
    for alias in PROCESS_CACHES:
        caches[alias].clear()


# Each process also keeps the busiest pages itself, and the versions for up to
# VERSIONS_FRESH_S: the hottest answers then cost no round trip to Redis at all.
# Another process's change is seen within that second; this process's own at once.
VERSIONS_FRESH_S = 1.0
LOCAL_PAGES = 200
LOCAL_VERSIONS = 5000  # versions known, all read again together (past this, it starts afresh)
_local_versions: dict[str, tuple[int, float]] = {}  # key -> (version, when read)
_local_pages: OrderedDict[str, tuple] = OrderedDict()  # key -> (versions, pickled response, expires at)
_local_lock = threading.Lock()  # (runserver serves with threads)


def versions(*version_keys: str) -> tuple:
    """The current versions of these keys, as the cached pages are made under: for a
    part of a page kept on its own (a template's {% cache %}) to go stale with the page."""
    return _versions(version_keys)


def _versions(version_keys) -> tuple:
    now = _monotonic()
    if any(now - _local_versions.get(k, (0, -VERSIONS_FRESH_S))[1] >= VERSIONS_FRESH_S for k in version_keys):
        # Read again every version this process knows, in one round trip: a hundred Jam
        # pages, each under its own photos' version, then cost one read a second in all,
        # not one a second each (which was nearly every request to them under load).
        if len(_local_versions) > LOCAL_VERSIONS:
            _local_versions.clear()
        wanted = {*version_keys, *_local_versions}
        found = cache.get_many(wanted)
        _local_versions.update({k: (found.get(k, 0), now) for k in wanted})
    return tuple(_local_versions[k][0] for k in version_keys)


def _kept(key, current):
    """A fresh copy of the page kept under these versions, here or in the shared cache; or None."""
    kept = _local_pages.get(key)
    if not _fresh(kept, current):
        kept = cache.get(key)
        if not _fresh(kept, current):
            return None
    _remember(key, kept)
    return pickle.loads(kept[1])  # noqa: S301 (written by us, as Django's own cache does). A copy: middleware adds headers


def _keep(key, current, response):
    kept = (current, pickle.dumps(response, pickle.HIGHEST_PROTOCOL), _now() + SERVER_TIMEOUT_S)
    cache.set(key, kept, timeout=SERVER_TIMEOUT_S)
    _remember(key, kept)


def _fresh(kept, current) -> bool:
    """Made under the current versions, and not older than SERVER_TIMEOUT_S (in either copy)."""
    return kept is not None and kept[0] == current and _now() < kept[2]


def _remember(key, kept):
    """Keep it here as the most recently used; forget the least recently used beyond LOCAL_PAGES."""
    with _local_lock:
        _local_pages.pop(key, None)
        _local_pages[key] = kept
        while len(_local_pages) > LOCAL_PAGES:
            _local_pages.popitem(last=False)


def public_page(*, versions=(), variant=None, vary=(), keep=None):
    """Decorate a view whose page is the same for every visitor who is not signed in.

    versions: the version keys the page depends on, each a string or a
    function of the view's keyword arguments (e.g. the Jam's slug);
    variant(request): what else, beside the URL, changes the page (e.g. the
    visitor's country from Accept-Language), with the header named in `vary`;
    keep(request): whether the server keeps this page (default: always); pages
    it does not keep are still public for browsers and CDNs.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not same_for_everyone(request):
                return _private(view(request, *args, **kwargs), vary)
            kept_here = keep is None or keep(request)
            if kept_here:
                key = _key(request, variant)
                # Versions read before rendering: a change committed meanwhile makes this copy stale.
                current = _versions([v(**kwargs) if callable(v) else v for v in versions])
            response = _kept(key, current) if kept_here else None
            if response is None:
                response = view(request, *args, **kwargs)
                if not _storable(request, response):
                    return _private(response, vary)
                if kept_here:
                    _keep(key, current, response)
            patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE_S)
            patch_vary_headers(response, ("Cookie", *vary))
            if kept_here:
                response["X-Accel-Expires"] = str(PROXY_KEEP_S)  # nginx keeps it too (never passed on)
            return response

        return wrapper

    return decorator


def _private(response, vary):
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Cookie", *vary))
    return response


def same_for_everyone(request) -> bool:
    """A GET without a session or pending messages: the same page for everyone."""
    cookies = request.COOKIES
    return (
        request.method in ("GET", "HEAD") and settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies
    )


def _storable(request, response) -> bool:
    """Only a complete page that sets no cookie: a page holding a CSRF token
    belongs to one visitor (its token must match their cookie)."""
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def _key(request, variant) -> str:
    """The page's own key (the versions it was made under are kept with it)."""
    extra = variant(request) if variant else ""
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{request.LANGUAGE_CODE}:{extra}:{path}"


def secret_link_page(response):
    """A page behind a secret link (a sign-up's, an invitation's, an email's): indexed by
    no search engine, its address sent to no other site. ("same-origin", not
    "no-referrer": under "no-referrer" browsers send `Origin: null` with the page's own
    forms, and Django's CSRF check refuses every one of them.) Kept by nobody: the views
    are `never_cache`."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response
