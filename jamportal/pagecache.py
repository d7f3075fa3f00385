"""Whole public pages, kept in the cache for visitors who are not signed in.

On a birthday weekend most requests are the same few pages asked for by
visitors without an account: each is rendered once, then served from the
cache (Redis in production, shared by every web process) until something it
shows changes. It is kept with the version numbers it was made under (see
`bump`), which the services change on commit, so an approved, edited or
cancelled Jam, or a new photo, shows at once; a five-minute expiry bounds everything else (campaign figures,
dates that pass).

The language is in the URL, so the URL is the key. Browsers and a CDN may keep
the anonymous page for a minute (`Cache-Control: public`); the page varies
with the session cookie (a signed-in organiser sees their own menu, never
cached: `private`).
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.utils.cache import patch_cache_control, patch_vary_headers

SERVER_TIMEOUT_S = 300
BROWSER_MAX_AGE_S = 60


def bump(*version_keys: str) -> None:
    """Make every cached page that depends on these versions stale. Call it on
    commit: a page rendered before the commit must not be kept under the new version."""
    cache.set_many(dict.fromkeys(version_keys, time.time_ns()), timeout=None)


def public_page(*, versions=(), variant=None, vary=()):
    """Decorate a view whose page is the same for every visitor who is not signed in.

    versions: the version keys the page depends on, each a string or a
    function of the view's keyword arguments (e.g. the Jam's slug);
    variant(request): what else, beside the URL, changes the page (e.g. the
    visitor's country from Accept-Language), with the header named in `vary`.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not _cacheable(request):
                return _private(view(request, *args, **kwargs), vary)
            version_keys = [v(**kwargs) if callable(v) else v for v in versions]
            key = _key(request, variant)
            found = cache.get_many([*version_keys, key])  # one round trip
            current = tuple(found.get(k, 0) for k in version_keys)
            kept = found.get(key)
            if kept and kept[0] == current:
                response = kept[1]
            else:
                # Versions read before rendering: a change committed meanwhile makes this copy stale at once.
                response = view(request, *args, **kwargs)
                if not _storable(request, response):
                    return _private(response, vary)
                cache.set(key, (current, response), timeout=SERVER_TIMEOUT_S)
            patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE_S)
            patch_vary_headers(response, ("Cookie", *vary))
            return response

        return wrapper

    return decorator


def _private(response, vary):
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ("Cookie", *vary))
    return response


def _cacheable(request) -> bool:
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
    """The page's own key; the versions it was made under are kept beside it, so
    that one round trip to the cache fetches both the page and the current versions."""
    extra = variant(request) if variant else ""
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{request.LANGUAGE_CODE}:{extra}:{path}"
