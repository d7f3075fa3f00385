"""A submitted Jam's email goes out through a real Redis broker and a real
Celery worker process, reading the same test database."""

import os
import subprocess
import sys
from email import message_from_binary_file, policy
from pathlib import Path

import kombu.pools
import pytest
from django.conf import settings

from conftest import database_url, wait_for
from jamportal import celery_app
from jamportal.jams import services
from jamportal.jams.models import JamEvent
from jamportal.jams.tests.factories import UserFactory, jam_data

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def use_broker(url, *, eager):
    celery_app.conf.update(broker_url=url, task_always_eager=eager)
    # Celery and kombu keep connections and producers per broker, even for eager
    # tasks: drop them all, or later tests would reach for closed ones.
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def celery_worker(redis_url, mail_dir, tmp_path):
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "CELERY_BROKER_URL": redis_url,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "JAMPORTAL_SITE_URL": settings.SITE_URL,
    }
    command = [sys.executable, "-m", "celery", "-A", "jamportal", "worker", "--pool=solo", "--loglevel=INFO"]
    with log.open("wb") as out:
        worker = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, stdout=out, stderr=subprocess.STDOUT)
    # This process only sends: point its Celery app at the same broker for the test.
    previous = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    use_broker(redis_url, eager=False)
    try:
        wait_for(lambda: b"ready." in log.read_bytes(), timeout=60, what=f"the Celery worker (log: {log})")
        yield log
    finally:
        use_broker(previous[0], eager=previous[1])
        worker.terminate()
        worker.wait(timeout=30)


def test_worker_sends_the_submission_email(celery_worker, mail_dir):
    organiser = UserFactory(email="ada@example.org")

    jam = services.jam_create(organiser=organiser, data=jam_data(title="Worker Jam"), submit=True)

    wait_for(lambda: any(mail_dir.iterdir()), timeout=60, what=f"the email (worker log: {celery_worker})")
    [path] = list(mail_dir.iterdir())
    with Path(path).open("rb") as handle:
        message = message_from_binary_file(handle, policy=policy.default)
    assert message["To"] == "ada@example.org"
    assert message["Subject"] == "We have received “Worker Jam”"
    assert f"https://jams.example/en/jams/{jam.slug}/" in message.get_body().get_content()
    event = JamEvent.objects.get(jam=jam, action="submitted")
    assert event.notified_at is not None
    assert b"task_send_jam_email" in celery_worker.read_bytes()
