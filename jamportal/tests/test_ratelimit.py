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
