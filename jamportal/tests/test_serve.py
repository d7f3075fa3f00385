"""`make serve` really runs: PostgreSQL, Redis, nginx in front of gunicorn, a Celery
worker and beat, with production settings; and it stops everything it started.
`make run`'s development server and `make serve` both serve the booth's photos to
a browser and stop serving one the moment it is taken down (served_photos.py)."""

import contextlib
import http.client
import json
import os
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import boto3
import pytest
import requests

from conftest import free_port, wait_for
from jamportal.tests.served_photos import PublicMedia, check_photos_served_and_taken_down, media_folder

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DEMO_PASSWORD = "raspberry-jam"  # load_demo's, unless JAMPORTAL_DEMO_PASSWORD says otherwise

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs once, in the SQLite pass"),
]


@pytest.fixture
def state():
    """A folder for the servers' state that PostgreSQL's own user can reach when
    the tests run as root (pytest's temporary folders are private to root)."""
    path = ROOT / ".tmp" / f"serve-{uuid.uuid4().hex[:8]}"
    path.mkdir(parents=True)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def outside_environment(**extra):
    """The environment a developer's shell would have: nothing the tests set."""
    ours = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "JAMPORTAL_DEMO_PASSWORD"}
    return {**{name: value for name, value in os.environ.items() if name not in ours}, **extra}


def answers(url):
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:  # not listening yet, or still starting its workers
        return False


def declare_a_body_of(size, *, port, path) -> tuple[int, bytes]:
    """Send only the headers of a POST whose body would be `size` bytes, and read the
    answer (a server that refuses it by its length answers before the body comes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.putrequest("POST", path)
    connection.putheader("Content-Type", "multipart/form-data; boundary=x")
    connection.putheader("Content-Length", str(size))
    connection.endheaders()
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    return answer.status, body


@contextlib.contextmanager
def development_server(state, **settings):
    """`make run`'s server (its database migrated, the demo data loaded) on a free
    port with these settings; yields its address and a demo booth's token."""
    port = free_port()
    environment = outside_environment(
        DJANGO_DEBUG="true",
        DATABASE_URL=f"sqlite:///{state / 'db.sqlite3'}",
        DJANGO_MEDIA_ROOT=str(state / "media"),
        JAMPORTAL_PRIVATE_MEDIA_ROOT=str(state / "private-media"),
        JAMPORTAL_SITE_URL=f"http://127.0.0.1:{port}",
        **settings,
    )

    def manage(*command):
        return subprocess.run(
            [PYTHON, "manage.py", *command], cwd=ROOT, env=environment, check=True, capture_output=True, text=True
        ).stdout

    manage("migrate", "--no-input", "-v0")
    manage("load_demo")
    token = manage("booth_demo_token").strip()
    log = state / "runserver.log"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: answers(f"{base}/health"), timeout=60, what="runserver")
        yield base, token
    except AssertionError as error:
        raise AssertionError(f"{error}\n{log.read_text()[-3000:]}") from error
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.browser
def test_run_serves_booth_photos_and_takes_them_down(state, browser):
    """`make run`'s development server: photos served from MEDIA_ROOT, hidden ones not."""
    with development_server(state) as (base, token):
        media = media_folder(base, state / "media")
        check_photos_served_and_taken_down(
            browser=browser, base=base, token=token, media=media, staff_password=DEMO_PASSWORD
        )


BUCKET = "jamportal-media"


@pytest.fixture
def bucket(state):
    """A real S3-compatible server (moto's) on loopback, with a bucket whose policy is
    the one docs/deployment.md gives: anonymous reads of photos/ and posters/ only."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with open(state / "moto.log", "w") as log:
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log
        )
    client = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="jam", aws_secret_access_key="portal", region_name="us-east-1"
    )
    documented = (ROOT / "docs" / "deployment.md").read_text().split("```json", 1)[1].split("```", 1)[0]
    try:
        wait_for(lambda: answers(f"{endpoint}/moto-api/"), timeout=30, what="moto_server")
        client.create_bucket(Bucket=BUCKET)
        client.put_bucket_policy(Bucket=BUCKET, Policy=documented.replace("BUCKET", BUCKET))
        yield endpoint, client
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.browser
def test_run_serves_booth_photos_from_a_bucket_and_takes_them_down(state, browser, bucket):
    """Photos in an S3-compatible bucket: the browser loads them from the bucket; a
    taken-down photo's public objects are gone, its private copies unreadable to the public."""
    endpoint, client = bucket

    def listing(prefix="photos/"):
        pages = client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    s3 = {"JAMPORTAL_S3_BUCKET": BUCKET, "JAMPORTAL_S3_ENDPOINT_URL": endpoint, "JAMPORTAL_S3_REGION": "us-east-1"}
    keys = {"JAMPORTAL_S3_ACCESS_KEY": "jam", "JAMPORTAL_S3_SECRET_KEY": "portal"}
    with development_server(state, **s3, **keys) as (base, token):
        media = PublicMedia(url=f"{endpoint}/{BUCKET}/", listing=listing)
        check_photos_served_and_taken_down(
            browser=browser, base=base, token=token, media=media, staff_password=DEMO_PASSWORD
        )
        private = listing("private/")

    assert len(private) == 3  # the taken-down photo's three files, only there
    assert {media.get(key) for key in private} == {403}
    assert not (state / "media").exists()
    public_key = sorted(listing())[0]
    assert client.head_object(Bucket=BUCKET, Key=public_key)["CacheControl"] == "public, no-cache"


def sign_up_through(browser, url) -> str:
    """A visitor signs up for a Jam on the served site; what their personal page says."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(url)
        page.fill("#id_name", "Ada")
        page.fill("#id_email", "ada@example.org")
        page.fill("#id_adults", "1")
        page.fill("#id_children", "1")
        page.locator("form button[type=submit]").click()
        return page.locator(".signup-status").inner_text()
    finally:
        context.close()


@pytest.mark.browser
def test_serve_runs_production_like_and_stops_cleanly(state, browser):
    port = free_port()
    environment = {
        **outside_environment(JAMPORTAL_SERVE_SETUP="bench/load_setup.py"),
        "JAMPORTAL_SERVE_STATE": str(state),
        "JAMPORTAL_SERVE_PORT": str(port),
        "JAMPORTAL_SERVE_REDIS_PORT": str(free_port()),
        "JAMPORTAL_SERVE_PG_PORT": str(free_port()),
    }
    log = state / "serve.log"
    with open(log, "w") as out:
        server = subprocess.Popen(["scripts/serve.sh"], cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"

    def up():
        return answers(f"{base}/health")

    try:
        try:
            wait_for(up, timeout=300, what="make serve")
        except AssertionError as error:
            raise AssertionError(f"{error}\n{log.read_text()[-3000:]}") from None
        health = requests.get(f"{base}/health", timeout=5).json()
        page = requests.get(f"{base}/fr/", timeout=10)
        requests.get(f"{base}/fr/", timeout=10)  # asked for twice: nginx keeps it (proxy_cache_min_uses)
        kept = requests.get(f"{base}/fr/", timeout=10)  # within nginx's second
        with_cookie = requests.get(f"{base}/fr/", cookies={"sessionid": "someone"}, timeout=10)
        missing = requests.get(f"{base}/fr/no-such-page/", timeout=10)
        stylesheet = page.text.split('href="/static/css/site.', 1)[1].split('"', 1)[0]
        static = requests.get(f"{base}/static/css/site.{stylesheet}", headers={"Accept-Encoding": "br"}, timeout=10)
        oversized = declare_a_body_of(40_000_000, port=port, path="/api/booth/photos")
        token = json.loads((state / "load.json").read_text())["tokens"][0]
        check_photos_served_and_taken_down(
            browser=browser,
            base=base,
            token=token,
            media=media_folder(base, state / "media"),
            staff_password=DEMO_PASSWORD,
        )
        signed_up = sign_up_through(browser, base + json.loads((state / "load.json").read_text())["signup_path"])
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        output = log.read_text()

    assert health == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "ok"}}
    assert signed_up == "You have a place for 2 people."  # the form's CSRF holds behind nginx
    assert page.status_code == 200
    assert 'lang="fr"' in page.text
    assert page.headers["Server"] == "nginx"  # in front of gunicorn
    assert kept.headers["X-Cache"] == "HIT"  # nginx answered the crowd itself
    assert kept.text == page.text
    assert with_cookie.headers["X-Cache"] == "BYPASS"  # anyone with a cookie goes to Django
    assert "X-Accel-Expires" not in page.headers  # between nginx and gunicorn only
    assert oversized[0] == 413  # more than nginx lets through (client_max_body_size): still the API's JSON
    assert json.loads(oversized[1])["error"] == "too_large"
    assert missing.status_code == 404  # DEBUG is off: no technical page
    assert "Traceback" not in missing.text
    assert static.headers["Content-Encoding"] == "br"
    assert "immutable" in static.headers["Cache-Control"]

    def leftovers():  # processes started for this run (their command lines name its folder)
        return subprocess.run(["pgrep", "-f", str(state)], capture_output=True, text=True).stdout.split()

    deadline = time.monotonic() + 30  # worker pool children and PostgreSQL take a moment to go
    while leftovers() and time.monotonic() < deadline:
        time.sleep(0.5)
    remaining = leftovers()
    assert not up()  # gunicorn is gone too
    assert remaining == [], (
        subprocess.run(["ps", "-o", "pid,args", "-p", ",".join(remaining)], capture_output=True, text=True).stdout,
        output[-3000:],
    )
