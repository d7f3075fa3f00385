"""The PostgreSQL backend's health check: a kept connection is checked before each request
without a query while healthy, and replaced when the server has ended it (a restart)."""

import select
import time

import pytest
from django.db import connection
from django.db.backends.postgresql import base

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL backend"),
    pytest.mark.django_db,
]


@pytest.fixture
def kept():
    """A second connection, kept like a web process keeps its own between requests."""
    other = connection.copy()
    other.ensure_connection()
    yield other
    other.close()


def test_a_healthy_connection_is_checked_without_a_query(kept, monkeypatch):
    queries = []
    monkeypatch.setattr(base.DatabaseWrapper, "is_usable", lambda self: queries.append("SELECT 1") or True)
    assert kept.is_usable()
    assert queries == []


def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it(kept):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [kept.connection.info.backend_pid])
    deadline = time.monotonic() + 10
    while not select.select([kept.connection.fileno()], [], [], 0.1)[0]:
        assert time.monotonic() < deadline, "the server did not end the connection"
    assert not kept.is_usable()

    kept.close_if_unusable_or_obsolete()  # what Django does as each request starts
    with kept.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
