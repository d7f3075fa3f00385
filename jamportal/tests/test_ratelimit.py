"""Counting in the cache, and whose address is counted."""

from django.test import RequestFactory

from jamportal import ratelimit


def test_allow_counts_per_scope_and_person_within_the_window():
    results = [ratelimit.allow("test", "ada", limit=2, per=3600) for _ in range(3)]

    assert results == [True, True, False]
    assert ratelimit.allow("test", "grace", limit=2, per=3600)
    assert ratelimit.allow("other", "ada", limit=2, per=3600)


def test_client_ip_trusts_only_the_configured_proxies(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")

    settings.TRUSTED_PROXIES = 0
    direct = ratelimit.client_ip(request)
    settings.TRUSTED_PROXIES = 1
    behind_one = ratelimit.client_ip(request)

    assert (direct, behind_one) == ("10.0.0.1", "203.0.113.7")


def test_allow_counts_in_the_shared_redis_cache_each_use_once(settings, redis_url):
    from django.core.cache import caches

    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "jamportal.cache.RedisCache", "LOCATION": redis_url}}
    client = caches["default"]._cache.get_client()
    client.config_resetstat()

    results = [ratelimit.allow("test", "ada", limit=2, per=3600) for _ in range(3)]
    (key,) = client.keys("*ratelimit:test:ada:*")
    commands = {name.removeprefix("cmdstat_"): stat["calls"] for name, stat in client.info("commandstats").items()}

    assert results == [True, True, False]
    assert (commands.get("set"), commands.get("incrby"), commands.get("exists")) == (3, 3, None)  # no EXISTS first
    assert int(client.get(key)) == 3
    assert 0 < client.ttl(key) <= 7200
