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
