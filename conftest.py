"""Settings shared by every test: fast hashing, a throwaway media folder; a real
redis-server for the tests that need one."""

import os
import re
import socket
import subprocess
import time
from pathlib import Path

import pytest
import redis
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from playwright.sync_api import sync_playwright

from jamportal import pagecache

# Helpers the served tests share get pytest's detailed assertion messages too.
pytest.register_assert_rewrite("jamportal.tests.served_photos")


# The longest tests by far start first, longest first (make serve's: 2 minutes, its two
# photo tests and the booth's crash soak: 30 to 40 s each), so that the other parallel
# workers run the rest meanwhile instead of waiting for them at the end.
LONGEST = (
    "jamportal/tests/test_serve.py::test_serve_runs_production_like",
    "photobooth/tests/test_crash.py",
    "jamportal/tests/test_serve.py",
)


def pytest_collection_modifyitems(items):
    """Browser and integration tests (Chromium, server processes, Redis and Celery) take
    seconds each: they count as slow, which `make check` leaves to `make test`. Other
    slow tests (soaks, fuzzing, big data) say so with @pytest.mark.slow themselves."""
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("integration"):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: next((i for i, start in enumerate(LONGEST) if item.nodeid.startswith(start)), 99))


# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make there are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# The SQLite test database is a file here (see settings), shared with the Celery worker.
(Path(__file__).parent / ".tmp").mkdir(exist_ok=True)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    private = {**settings.STORAGES["private"], "OPTIONS": {"location": settings.PRIVATE_MEDIA_ROOT}}
    settings.STORAGES = {**settings.STORAGES, "private": private}
    settings.SITE_URL = "https://jams.example"


@pytest.fixture(autouse=True)
def _empty_cache():
    """Counters (rate limits) and cached pages must not leak from one test to the next."""
    cache.clear()
    pagecache.clear_local()


@pytest.fixture(autouse=True)
def _fresh_language():
    """The test client leaves the last request's language active in the test's
    thread; start every test from the default language instead."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def wsgi_keeps_the_test_connection():
    """For tests that call the WSGI application directly (schemathesis): Django would close
    the test's database connection after each request, as its own test client avoids."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def assert_constant_queries(client):
    """check(url, add_more): GET `url`, call `add_more()`, GET it again; both
    answers must be 200 and cost the same number of queries (no N+1)."""

    def count(url):
        cache.clear()  # answers the server keeps (the map endpoint's) would hide the queries
        pagecache.clear_local()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert queries, "no query at all: is the answer coming from a cache?"
        return queries

    def check(url, add_more):
        before = count(url)
        add_more()
        after = count(url)
        assert len(before) == len(after), [query["sql"] for query in after.captured_queries]

    return check


def database_url():
    """The URL of the test database this process uses, for a process it starts to share."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, *, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


@pytest.fixture
def redis_url(tmp_path):
    """A real redis-server of our own on a free port, for as long as the test runs."""
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"

    def answers():
        try:
            return redis.Redis.from_url(url).ping()
        except redis.ConnectionError:
            return False

    try:
        wait_for(answers, timeout=10, what="redis-server")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


# The browser tests: Debian's Chromium driven by Playwright.
CHROMIUM = os.environ.get("JAMPORTAL_CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium keeps trying to reach Google's services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Only this machine resolves: tests stay on loopback, also where a page is loaded
    # without request routing (which turns the browser's cache off).
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Pages in separate browser contexts (separate people), offline but for our server."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
        # Map tiles and anything else off this machine are refused: tests stay on loopback.
        context.route(re.compile(r"^(?!" + re.escape(live_server.url) + ").*"), lambda route: route.abort())
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
