"""Whole public pages, kept in the cache for visitors who are not signed in.

On a birthday weekend most requests are the same few pages asked for by
visitors without an account: each is rendered once, then served from the
cache (Redis in production, shared by every web process) until something it
shows changes. Its key holds version numbers (see `bump`) that the services
change on commit, so an approved, edited or cancelled Jam, or a new photo,
shows at once; a five-minute expiry bounds everything else (campaign figures,
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
            key = (
                _key(request, [v(**kwargs) if callable(v) else v for v in versions], variant)
                if _cacheable(request)
                else None
            )
            response = cache.get(key) if key else None
            if response is None:
                response = view(request, *args, **kwargs)
                if key and _storable(request, response):
                    cache.set(key, response, timeout=SERVER_TIMEOUT_S)
                else:
                    key = None
            if key:
                patch_cache_control(response, public=True, max_age=BROWSER_MAX_AGE_S)
            else:
                patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ("Cookie", *vary))
            return response

        return wrapper

    return decorator


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


def _key(request, version_keys, variant) -> str:
    found = cache.get_many(version_keys) if version_keys else {}
    versions = ",".join(str(found.get(k, 0)) for k in version_keys)
    extra = variant(request) if variant else ""
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"page:{request.LANGUAGE_CODE}:{versions}:{extra}:{path}"
