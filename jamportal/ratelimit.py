"""Counting uses in the cache: how many times someone did something in the
current window. With a shared cache (CACHE_URL=redis://...) every web process
sees the same counts.

    if not ratelimit.allow("report-photo", ratelimit.client_ip(request), limit=10, per=3600):
        ...  # say so, keep what was typed, status 429
"""

import time

from django.conf import settings
from django.core.cache import caches

from jamportal.cache import RedisCache


def allow(scope: str, who, *, limit: int, per: int) -> bool:
    """Count one more use of `scope` by `who`; False once `limit` uses were
    counted in the current window of `per` seconds."""
    key = f"ratelimit:{scope}:{who}:{int(time.time() // per)}"
    counter = caches["default"]  # (the backend itself: django.core.cache.cache is a proxy)
    if isinstance(counter, RedisCache):  # one round trip
        return counter.count(key, per * 2) <= limit
    counter.add(key, 0, timeout=per * 2)
    try:
        return counter.incr(key) <= limit
    except ValueError:  # the count was evicted between add and incr: start again
        counter.set(key, 1, timeout=per * 2)
        return True


def client_ip(request) -> str:
    """The visitor's address. Behind JAMPORTAL_TRUSTED_PROXIES proxies (which
    append to X-Forwarded-For), the address the nearest of them saw."""
    proxies = settings.TRUSTED_PROXIES
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if proxies and len(forwarded) >= proxies:
        return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
