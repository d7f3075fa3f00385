"""The Redis cache backend (jamportal/cache.py) against a real redis-server."""

from jamportal.cache import RedisCache


def test_one_client_serves_every_call_and_the_cache_works(redis_url):
    cache = RedisCache(redis_url, {})

    cache.set("page", (1, b"<html>"), timeout=60)
    cache.set_many({"a": 1, "b": 2})

    assert cache.get("page") == (1, b"<html>")
    assert cache.get_many(["a", "b", "missing"]) == {"a": 1, "b": 2}
    assert cache._cache.get_client() is cache._cache.get_client(write=True)


def test_page_parts_are_kept_as_text_without_pickling_and_only_text():
    """settings.CACHES["fragments"]: the kept near-me page came back unpickled for each search."""
    import pytest
    from django.core.cache import caches

    fragments = caches["fragments"]
    page = "<main>" + "x" * 1000 + "</main>"

    fragments.set("page", page, 60)
    assert fragments.add("page", "other", 60) is False
    assert fragments.get("page") is page  # the same text, not a copy made by unpickling
    assert fragments.get_many(["page", "missing"]) == {"page": page}
    with pytest.raises(TypeError, match="keeps text only, not dict"):
        fragments.set("feature", {"type": "Feature"}, 60)
    fragments.set("short", "gone", timeout=-1)
    assert fragments.get("short") is None
    fragments.clear()


def test_a_counter_counts_in_one_round_trip_and_lives_from_its_first_use(redis_url):
    cache = RedisCache(redis_url, {})
    client = cache._cache.get_client(write=True)

    counts = [cache.count("uses", timeout=120) for _ in range(3)]
    key = cache.make_and_validate_key("uses")
    first_ttl = client.ttl(key)
    client.expire(key, 30)  # (as if 90 seconds had gone by)
    cache.count("uses", timeout=120)

    assert counts == [1, 2, 3]
    assert cache.get("uses") == 4  # an ordinary cache value, as incr leaves it
    assert 110 < first_ttl <= 120
    assert client.ttl(key) <= 30  # a later use does not make it live longer
