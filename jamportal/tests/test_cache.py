"""The Redis cache backend (jamportal/cache.py) against a real redis-server."""

from jamportal.cache import RedisCache


def test_one_client_serves_every_call_and_the_cache_works(redis_url):
    cache = RedisCache(redis_url, {})

    cache.set("page", (1, b"<html>"), timeout=60)
    cache.set_many({"a": 1, "b": 2})

    assert cache.get("page") == (1, b"<html>")
    assert cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": 2}
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
