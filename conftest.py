"""Settings shared by every test: fast hashing, a throwaway media folder."""

import os
from pathlib import Path

import pytest
from django.core.cache import cache
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
