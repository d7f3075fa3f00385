"""Running it for real: the health check, security headers, structured logs,
Sentry by environment variable, and `check --deploy` with production settings."""

import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from jamportal.jams.tests.factories import JamFactory, UserFactory
from jamportal.logs import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def production_env(**extra):
    """This environment as production would have it (the tests' async escape hatch removed)."""
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **inherited,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "jams.example.org",
        **extra,
    }


def test_health_answers_ok_when_everything_answers(client):
    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "not used (tasks run in the web process)"},
    }
    assert "no-store" in response["Cache-Control"]


@pytest.mark.integration
def test_health_checks_a_real_redis_broker_and_cache(client, settings, redis_url):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = redis_url
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}

    response = client.get("/health")

    assert (response.status_code, response.json()["checks"]) == (200, {"database": "ok", "cache": "ok", "broker": "ok"})


@pytest.mark.slow  # waits for a broker that is not there
def test_health_names_the_part_that_is_down(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # nothing listens there

    response = client.get("/health")

    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["checks"]["broker"].startswith("error: ")
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.slow  # a process with production settings
def test_health_answers_plain_http_under_production_settings_and_pages_redirect(tmp_path):
    """A load balancer checks each node directly over HTTP, without X-Forwarded-Proto."""
    probe = (
        "import django, json; django.setup(); from django.test import Client; "
        "client = Client(HTTP_HOST='jams.example.org'); health, page = client.get('/health'), client.get('/en/'); "
        "status = json.loads(health.content or '{}').get('status'); "
        "print(health.status_code, status, page.status_code, page['Location'])"
    )

    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={
            **production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", DJANGO_STATIC_ROOT=str(tmp_path)),
            "DJANGO_SETTINGS_MODULE": "jamportal.settings",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.stdout.split() == ["200", "ok", "301", "https://jams.example.org/en/"], result.stderr


def test_pages_send_the_security_headers(client):
    response = client.get("/en/")

    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Permissions-Policy"] == "camera=(), microphone=(), payment=(), usb=(), geolocation=(self)"


@pytest.mark.parametrize(
    "path",
    [
        "/en/dashboard/",
        "/en/accounts/mine/",
        "/en/accounts/mine/data.json",
        "/en/jams/new/",
        "/en/",
        "/en/api/jams.geojson",
        "/api/v1/jams.geojson?lang=en",
        "/en/api/places/suggest?q=cam",
        "/en/jams/calendar.ics",
    ],
)
def test_signed_in_responses_are_never_stored(client, path):
    JamFactory()
    client.force_login(UserFactory())

    response = client.get(path)

    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"


def test_the_booth_page_showing_a_new_token_is_never_stored(client):
    jam = JamFactory()
    client.force_login(jam.organiser)

    paired = client.post(f"/en/jams/{jam.slug}/booths/", {"action": "booth", "name": "Lobby"})
    again = client.get(f"/en/jams/{jam.slug}/booths/")

    assert '<code class="token-text">jpb_' in paired.content.decode()
    assert (paired["Cache-Control"], again["Cache-Control"]) == ("private, no-store", "private, no-store")


def test_public_pages_stay_public_for_visitors_without_an_account(client):
    JamFactory()

    assert client.get("/en/")["Cache-Control"] == "public, max-age=60"
    assert client.get("/en/api/jams.geojson")["Cache-Control"] == "public, max-age=60"
    assert client.get("/api/v1/jams.geojson?lang=en")["Cache-Control"] == "public, max-age=60"


@pytest.mark.slow  # a process with production settings
def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    environment = production_env()
    del environment["DJANGO_SECRET_KEY"]

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )

    assert result.returncode != 0
    assert "Set the DJANGO_SECRET_KEY environment variable" in result.stderr


def test_settings_without_django_debug_have_debug_off():
    environment = production_env()
    del environment["DJANGO_DEBUG"]
    probe = "from django.conf import settings; print(settings.DEBUG, settings.SECURE_SSL_REDIRECT)"

    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "jamportal.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.stdout.split() == ["False", "True"], result.stderr


def test_settings_without_django_debug_refuse_to_start_without_a_secret_key():
    environment = production_env()
    del environment["DJANGO_DEBUG"], environment["DJANGO_SECRET_KEY"]

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )

    assert result.returncode != 0
    assert "Set the DJANGO_SECRET_KEY environment variable" in result.stderr


@pytest.mark.slow  # processes with production settings
def test_sentry_is_set_up_only_when_a_dsn_is_given():
    probe = "import django, sentry_sdk; django.setup(); print(sentry_sdk.get_client().is_active())"
    answers = [
        subprocess.run(
            [sys.executable, "-c", probe],
            cwd=ROOT,
            env={**production_env(**dsn), "DJANGO_SETTINGS_MODULE": "jamportal.settings"},
            capture_output=True,
            text=True,
            timeout=120,
        ).stdout.strip()
        for dsn in ({}, {"SENTRY_DSN": "https://public@sentry.example.org/1"})
    ]

    assert answers == ["False", "True"]


def test_json_logs_are_one_object_per_line_with_extras_and_tracebacks():
    try:
        raise ValueError("bad value")
    except ValueError:
        record = logging.getLogger("jamportal").makeRecord(
            "jamportal", logging.ERROR, __file__, 1, "Jam %s failed", ("42",), sys.exc_info(), extra={"jam": 42}
        )

    line = JsonFormatter().format(record)

    entry = json.loads(line)
    assert "\n" not in line
    assert (entry["level"], entry["logger"], entry["message"], entry["jam"]) == (
        "ERROR",
        "jamportal",
        "Jam 42 failed",
        42,
    )
    assert entry["exception"].endswith("ValueError: bad value")
    assert entry["time"].endswith("Z")


@pytest.mark.parametrize(
    ("value", "least", "expected"),
    [
        ("600", 0, 600),
        (" 0 ", 0, 0),
        ("abc", 0, None),
        ("-5", 0, None),
        ("0", 1, None),
        ("1.5", 0, None),
        ("٣", 0, None),
    ],
)
def test_a_whole_number_setting_says_which_and_what_it_must_be(monkeypatch, value, least, expected):
    from jamportal.settings import whole_number

    monkeypatch.setenv("JAMPORTAL_SOME_LIMIT", value)

    if expected is not None:
        assert whole_number("JAMPORTAL_SOME_LIMIT", default=7, least=least) == expected
    else:
        with pytest.raises(
            ImproperlyConfigured, match=rf"JAMPORTAL_SOME_LIMIT must be a whole number of at least {least}, not '"
        ):
            whole_number("JAMPORTAL_SOME_LIMIT", default=7, least=least)
    monkeypatch.delenv("JAMPORTAL_SOME_LIMIT")
    assert whole_number("JAMPORTAL_SOME_LIMIT", default=7, least=least) == 7


@pytest.mark.slow  # a process with production settings
def test_the_site_stops_on_a_setting_that_is_not_a_whole_number_and_says_which():
    environment = {**production_env(), "DATABASE_CONN_MAX_AGE": "ten minutes"}

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )

    assert result.returncode != 0
    assert "DATABASE_CONN_MAX_AGE must be a whole number of at least 0, not 'ten minutes'." in result.stderr


@pytest.mark.slow  # a process with production settings
@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("JAMPORTAL_TILES_URL", "tile.example.org/{z}/{x}/{y}.png", "JAMPORTAL_TILES_URL must be an http(s) address"),
        ("JAMPORTAL_TILES_URL", "https://tile.example.org/map.png", "with {z}, {x} and {y} in it"),
        ("JAMPORTAL_KIT_SENDER_ADDRESS", " | ", "JAMPORTAL_KIT_SENDER_ADDRESS must be the sender's name and address"),
    ],
)
def test_the_site_stops_on_a_map_or_sender_setting_it_cannot_use_and_says_why(name, value, message):
    environment = {**production_env(), name: value}

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )

    assert result.returncode != 0
    assert message in result.stderr
