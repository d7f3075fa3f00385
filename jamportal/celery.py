"""The Celery application: tasks are found in each app's tasks.py.

Without CELERY_BROKER_URL, tasks run eagerly in the calling process (see settings).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jamportal.settings")

app = Celery("jamportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
