"""Schemathesis generates requests from the public API's OpenAPI schema (valid
and invalid) and sends them to the real application: none may get a 5xx, and
every answer must be what the schema says (its status, its JSON)."""

from urllib.parse import quote, urlencode

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance

from jamportal.jams.models import CampaignTranslation, Jam
from jamportal.jams.tests.factories import CampaignFactory, JamFactory

# Fuzzing: hundreds of generated requests, sent to the WSGI application directly.
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("wsgi_keeps_the_test_connection")]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CASES_PER_OPERATION = 60


@pytest.fixture
def jams(db, settings):
    """Jams of every public kind (and some not public), and no rate limit in the way."""
    settings.PUBLIC_API_REQUESTS_PER_MINUTE = 1_000_000
    campaign = CampaignFactory(slug="bbw")
    CampaignTranslation.objects.create(campaign=campaign, language="fa", name="جشن تولد")
    JamFactory(slug="cambridge", campaign=campaign)
    JamFactory(slug="private", venue_private=True, country="FR", latitude=48.85, longitude=2.35)
    JamFactory(slug="cancelled", status=Jam.Status.CANCELLED)
    JamFactory(slug="draft", status=Jam.Status.DRAFT, approved_at=None)


@schema.parametrize()
@settings(
    max_examples=CASES_PER_OPERATION,
    deadline=None,
    # The same cases on every run, so that CI cannot fail by chance; a wider,
    # random search is a matter of raising CASES_PER_OPERATION locally.
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_public_api_never_answers_with_a_server_error(case, jams):
    for language in ("fa", "ja", None):
        headers = {"Accept-Language": language} if language else {}
        case.call_and_validate(
            headers=headers, checks=[not_a_server_error, status_code_conformance, response_schema_conformance]
        )


@given(
    method=st.sampled_from(["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"]),
    path=st.one_of(
        st.sampled_from(
            ["jams", "jams/", "jams/cambridge", "jams/draft", "campaigns/bbw", "places", "jams.geojson", "", "nope"]
        ),
        st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFF), max_size=30),
    ),
    query=st.lists(
        st.tuples(
            st.sampled_from(
                ["lang", "q", "around", "page", "page_size", "days", "when", "campaign", "country", "bbox", "zoom", "x"]
            ),
            st.text(st.characters(min_codepoint=0, max_codepoint=0x2FFF), max_size=20),
        ),
        max_size=4,
    ),
    debug=st.booleans(),
)
@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_any_method_path_and_query_under_the_api_gets_json_never_a_5xx(method, path, query, debug, jams):
    with override_settings(DEBUG=debug):
        response = Client().generic(method, "/api/v1/" + quote(path, safe="/") + "?" + urlencode(query))

    assert response.status_code < 500, (method, path, query, response.status_code)
    assert response["Access-Control-Allow-Origin"] == "*"
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/json; charset=utf-8", (method, path, response.status_code)
        if method != "HEAD":
            assert {"error", "message"} <= set(response.json()), (method, path, response.content[:200])
