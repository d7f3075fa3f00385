"""The Celery application: tasks are found in each app's tasks.py.

Without CELERY_BROKER_URL, tasks run eagerly in the calling process (see settings).

Services never import a tasks module (tasks import services): they send a task by
its name through `enqueue`, which also waits for the transaction to commit, so a
task never looks for a row that is not there yet.
"""

import os
import threading

from celery import Celery
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jamportal.settings")

app = Celery("jamportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def enqueue(name: str, /, *, countdown: float | None = None, **kwargs) -> None:
    """Send the task registered as `name` (e.g. "jams.send_email") with these keyword
    arguments once the current transaction commits, or at once outside one. With
    `countdown`, a worker runs it no sooner than that many seconds later (eager
    tasks, without a broker, run at once all the same).

        enqueue("jams.send_email", event_id=event.pk)
    """
    transaction.on_commit(lambda: task(name).apply_async(kwargs=kwargs, countdown=countdown))


def task(name: str):
    """The task registered as `name`. The tasks modules are imported the first time
    (autodiscovery is lazy, and nothing else in the web process imports them)."""
    if name not in app.tasks:
        with _importing:  # (threads of one web process: each waits for the first's import)
            app.loader.import_default_modules()
    return app.tasks[name]


_importing = threading.Lock()
