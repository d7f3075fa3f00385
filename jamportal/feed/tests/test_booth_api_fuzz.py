"""Schemathesis generates requests from the booth API's OpenAPI schema (valid
and invalid) and sends them to the real application: none may get a 5xx."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from jamportal.feed import services
from jamportal.jams.tests.factories import JamFactory

schema = schemathesis.openapi.from_wsgi("/api/booth/openapi.json", get_wsgi_application())
CASES_PER_OPERATION = 40


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Schemathesis calls the WSGI app directly, which would close the database
    connection after each request (Django's own test client avoids that too)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(db):
    jam = JamFactory()
    return services.booth_create(jam, by=jam.organiser, name="Fuzzed")[1]


@schema.parametrize()
@settings(
    max_examples=CASES_PER_OPERATION,
    deadline=None,
    # The same cases on every run, so that CI cannot fail by chance; a wider,
    # random search is a matter of raising CASES_PER_OPERATION locally.
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_booth_api_never_answers_with_a_server_error(case, token):
    for authorization in (f"Bearer {token}", "Bearer jpb_wrong", None):
        headers = {"Authorization": authorization} if authorization else {}
        case.call_and_validate(headers=headers, checks=[not_a_server_error])
