"""Django's Redis cache, without its cost per call.

Django builds a new redis-py client for every cache call, and each new client
fills a table of about 170 reply handlers: a third of the time of a page
served from the cache (measured with the load test, docs/benchmarks.md).
Here each connection pool keeps one client, which redis-py allows: a client
is safe to share between threads, and takes a connection from the pool per
command as before.
"""

from django.core.cache.backends import redis


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
