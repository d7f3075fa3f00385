"""`GET /health`: can this web process reach what it needs? For load balancers
and uptime checks: 200 when the database, the cache and the task broker all
answer, 503 (naming the part) when one does not. Never cached."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection

TIMEOUT_S = 2


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache():
    key = f"health:{time.monotonic_ns()}"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("a value written was not read back")
    cache.delete(key)


def check_broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "not used (tasks run in the web process)"
    with Connection(settings.CELERY_BROKER_URL, connect_timeout=TIMEOUT_S) as broker:
        broker.ensure_connection(max_retries=1, timeout=TIMEOUT_S)
    return None


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


@require_safe
@never_cache
def health(request):
    results, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            results[name] = check() or "ok"
        except Exception as error:  # any failure is the answer, never a 500
            healthy = False
            results[name] = f"error: {type(error).__name__}"
    return JsonResponse({"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503)
