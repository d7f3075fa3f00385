"""Settings shared by every test: fast hashing, a throwaway media folder."""

import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make there are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The SQLite test database is a file here (see settings), shared with the Celery worker.
(Path(__file__).parent / ".tmp").mkdir(exist_ok=True)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://jams.example"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Counters (rate limits) and cached pages must not leak from one test to the next."""
    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_language():
    """The test client leaves the last request's language active in the test's
    thread; start every test from the default language instead."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def assert_constant_queries(client):
    """check(url, add_more): GET `url`, call `add_more()`, GET it again; both
    answers must be 200 and cost the same number of queries (no N+1)."""

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return queries

    def check(url, add_more):
        before = count(url)
        add_more()
        after = count(url)
        assert len(before) == len(after), [query["sql"] for query in after.captured_queries]

    return check
