"""A submitted Jam's email goes out, and a campaign's posters are built once
after a burst of edits, through a real Redis broker and a real Celery worker
process, reading the same test database."""

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
from jamportal.jams import posters, services
from jamportal.jams.models import CampaignPoster, JamEvent
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, UserFactory, jam_data

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
def start_celery_worker(redis_url, mail_dir, tmp_path):
    """start() starts a Celery worker process on a real Redis, sharing the test's
    database, media folder and mail folder, and returns its log; this process's
    Celery app sends to the same broker for the test. Start it after arranging
    what should wait for it in the queue."""
    env = {
        **os.environ,
        "CELERY_BROKER_URL": redis_url,
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "JAMPORTAL_SITE_URL": settings.SITE_URL,
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    command = [sys.executable, "-m", "celery", "-A", "jamportal", "worker", "--pool=solo", "--loglevel=INFO"]
    workers = []

    def start():
        log = tmp_path / f"worker-{len(workers)}.log"
        with log.open("wb") as out:
            workers.append(
                subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, stdout=out, stderr=subprocess.STDOUT)
            )
        wait_for(lambda: b"ready." in log.read_bytes(), timeout=60, what=f"the Celery worker (log: {log})")
        return log

    # This process only sends: point its Celery app at the same broker for the test.
    previous = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    use_broker(redis_url, eager=False)
    try:
        yield start
    finally:
        use_broker(previous[0], eager=previous[1])
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=30)


@pytest.fixture
def celery_worker(start_celery_worker):
    return start_celery_worker()


def written(mail_dir) -> bool:
    """Whether the file backend has finished writing a message into `mail_dir`."""
    return any(path.read_bytes().endswith(b"-" * 79 + b"\n") for path in mail_dir.iterdir())


def test_worker_sends_the_submission_email(celery_worker, mail_dir):
    organiser = UserFactory(email="ada@example.org")

    jam = services.jam_create(organiser=organiser, data=jam_data(title="Worker Jam"), submit=True)

    # Django's file backend creates the file, then writes the message and a line of dashes
    # after it: read it once that line is there (CI once read it half written).
    wait_for(lambda: written(mail_dir), timeout=60, what=f"the email (worker log: {celery_worker})")
    [path] = list(mail_dir.iterdir())
    with Path(path).open("rb") as handle:
        message = message_from_binary_file(handle, policy=policy.default)
    assert message["To"] == "ada@example.org"
    assert message["Subject"] == "We have received “Worker Jam”"
    assert f"https://jams.example/en/jams/{jam.slug}/" in message.get_body().get_content()
    # The worker marks the event sent just after the mail is written: wait for that too.
    sent = JamEvent.objects.filter(jam=jam, action="submitted", notified_at__isnull=False)
    wait_for(sent.exists, timeout=30, what=f"the event marked sent (worker log: {celery_worker})")
    assert b"Task jams.send_email[" in celery_worker.read_bytes()


def test_ten_quick_edits_build_each_poster_once_on_a_worker(start_celery_worker, settings):
    settings.POSTER_BUILD_DELAY = 1
    campaign = CampaignFactory()
    jams = JamFactory.create_batch(2, campaign=campaign)
    for size, language in [("a3", "en"), ("a2", "fr")]:
        posters.campaign_poster_build(campaign, size=size, language=language)

    # Quick: all ten before the queued builds run (here, before the worker starts).
    for n in range(10):
        jam = jams[n % 2]
        data = {name: getattr(jam, name) for name in services.EDITABLE_FIELDS}
        jams[n % 2] = services.jam_update(jam, by=jam.organiser, data={**data, "title": f"Edited Jam {n}"})
    log = start_celery_worker()

    def built():
        return all(
            poster.build_queued_at is None
            and poster.fingerprint == posters.poster_content(campaign, poster.language)[1]
            for poster in CampaignPoster.objects.all()
        )

    wait_for(built, timeout=120, what=f"the posters (worker log: {log})")
    wait_for(lambda: log.read_bytes().count(b"succeeded") >= 2, timeout=30, what=f"the tasks' ends (log: {log})")
    assert log.read_bytes().count(b"Task jams.build_poster[") == 4  # two received, two succeeded
    assert sorted(path.name.split("-")[2] for path in (settings.MEDIA_ROOT / "posters").iterdir()) == ["a2", "a3"]
