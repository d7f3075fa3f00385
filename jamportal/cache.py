"""Django's Redis cache, without its cost per call; and each process's own cache
of page parts, without pickling (ProcessMemoryCache, below).

Django builds a new redis-py client for every cache call, and each new client
fills a table of about 170 reply handlers: a third of the time of a page
served from the cache (measured with the load test, docs/benchmarks.md).
Here each connection pool keeps one client, which redis-py allows: a client
is safe to share between threads, and takes a connection from the pool per
command as before.
"""

from django.core.cache.backends import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class _Client(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _Client

    def count(self, key, timeout, version=None) -> int:
        """One more use of `key`, and how many there were: a counter made with `timeout`
        seconds to live by its first use, in one round trip. (Django's add and incr
        took three: SET NX, then EXISTS and INCR; every request to the public API counts
        one, ratelimit.allow.)"""
        key = self.make_and_validate_key(key, version=version)
        pipeline = self._cache.get_client(key, write=True).pipeline(transaction=False)
        pipeline.set(key, 0, ex=timeout, nx=True)
        pipeline.incr(key)
        return pipeline.execute()[1]


class ProcessMemoryCache(LocMemCache):
    """Each web process's own memory, for text: the HTML of page parts (settings.CACHES
    "fragments"). Kept as it is, where LocMemCache pickles each value in and out so that
    a caller may change what it got (text cannot be changed): a near-me search unpickled
    the whole kept page each time."""

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        _check_text(value)
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            self._cache.move_to_end(key, last=False)
            return self._cache[key]

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        _check_text(value)
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def incr(self, key, delta=1, version=None):
        raise NotImplementedError("page parts are not counters: use the default cache")


def _check_text(value) -> None:
    """Only text is kept unpickled: it cannot be changed by whoever reads it."""
    if not isinstance(value, str):
        raise TypeError(f"ProcessMemoryCache keeps text only, not {type(value).__name__}")
