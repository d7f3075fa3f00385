"""Schemathesis generates requests from the booth API's OpenAPI schema (valid
and invalid) and sends them to the real application: none may get a 5xx.
Hypothesis then breaks the multipart form of a photo post in every way a
schema cannot describe: each gets the API's JSON 4xx, never a 5xx or HTML."""

from urllib.parse import quote

import pytest
import schemathesis
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from jamportal.feed import services
from jamportal.feed.tests import multipart
from jamportal.jams.tests.factories import JamFactory

# Fuzzing: hundreds of generated requests, sent to the WSGI application directly.
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("wsgi_keeps_the_test_connection")]

schema = schemathesis.openapi.from_wsgi("/api/booth/openapi.json", multipart.application)
CASES_PER_OPERATION = 40
CASES_PER_MALFORMATION = 8


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


MALFORMED = [
    "no boundary",
    "wrong boundary",
    "odd boundary",
    "truncated body",
    "body shorter than its length",
    "sender goes away",
    "odd length",
    "many fields",
    "many files",
    "huge header line",
    "non-UTF-8 names",
]


@st.composite
def malformed_forms(draw, what):
    """(Content-Type, body, Content-Length or None, where the sender goes away or None)."""
    form = multipart.photo_form()
    good = f"multipart/form-data; boundary={multipart.BOUNDARY.decode()}"
    if what == "no boundary":
        return draw(st.sampled_from(["multipart/form-data", "multipart/form-data; boundary="])), form, None, None
    if what == "wrong boundary":
        boundary = draw(st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=70))
        return f'multipart/form-data; boundary="{boundary}x"', form, None, None
    if what == "odd boundary":  # not ASCII (a server hands on header bytes as Latin-1), or over 70 characters
        latin_1 = st.text(st.characters(min_codepoint=128, max_codepoint=255), min_size=1, max_size=5)
        boundary = draw(st.one_of(latin_1, st.just("b" * 500)))
        return f"multipart/form-data; boundary={boundary}", form, None, None
    if what in ("truncated body", "body shorter than its length"):
        # Cut anywhere before the image's last bytes, the image coming last: what arrives
        # lacks a field or holds a truncated image (cut after its end, it would be whole).
        fields = form.index(b"--" + multipart.BOUNDARY + b"\r\n", 1)
        image_last = form[fields : -len(multipart.end())] + form[:fields] + multipart.end()
        body = image_last[: draw(st.integers(0, image_last.rindex(b"\xff\xd9")))]
        return good, body, (str(len(image_last)) if what == "body shorter than its length" else None), None
    if what == "sender goes away":
        return good, form, None, draw(st.integers(0, len(form) - 1))
    if what == "odd length":
        return good, form, draw(st.sampled_from(["-1", "abc", "", "1e3", str(10**20)])), None
    if what == "many fields":
        count = draw(st.integers(1_001, 5_000))
        fields = b"".join(multipart.part(b"f%d" % n, b"1") for n in range(count))
        return good, fields + form, None, None
    if what == "many files":
        count = draw(st.integers(101, 150))
        files = b"".join(multipart.part(b"image", b"x", filename=b"%d.jpg" % n) for n in range(count))
        return good, files + form, None, None
    if what == "huge header line":
        length = draw(st.integers(1_000, 200_000))
        line = b"--" + multipart.BOUNDARY + b"\r\nX-Note: " + b"n" * length + b"\r\n"
        return good, line + form[len(b"--" + multipart.BOUNDARY + b"\r\n") :], None, None
    # Non-UTF-8 names: every field and file name is bytes that are not ASCII (but for the
    # quote and line ends, which would end the header), so no field the photo needs arrives.
    odd_names = st.binary(min_size=1, max_size=40).filter(lambda raw: max(raw) > 127 and not set(raw) & set(b'"\r\n'))
    body = multipart.part(draw(odd_names), multipart.small_jpeg(), filename=draw(odd_names))
    body += multipart.part(draw(odd_names), b"multipart-1") + multipart.part(draw(odd_names), b"2031-03-01T10:00Z")
    return good, body + multipart.end(), None, None


@pytest.mark.parametrize("what", MALFORMED)
@given(data=st.data(), debug=st.booleans())
@settings(
    max_examples=CASES_PER_MALFORMATION,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_malformed_multipart_gets_a_json_4xx_never_a_5xx_or_html(what, data, debug, token):
    content_type, body, length, goes_away_after = data.draw(malformed_forms(what))
    stream = multipart.BreakingInput(body, after=goes_away_after) if goes_away_after is not None else None

    with override_settings(DEBUG=debug):
        status, headers, content = multipart.send(
            body, token=token, content_type=content_type, content_length=length, stream=stream
        )

    assert 400 <= status < 500, (what, status, content[:300])
    answer = multipart.json_error(headers, content)
    assert answer["error"] in {"malformed", "too_large", "invalid", "not_an_image"}, (what, answer)


@given(
    method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]),
    path=st.one_of(
        st.sampled_from(["config", "heartbeat", "photos", "photos/", "config/1", "", "nope", "openapi.json/x"]),
        st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFF), max_size=30),
    ),
    debug=st.booleans(),
)
@settings(
    max_examples=80,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_any_method_on_any_path_under_the_api_gets_its_json_errors(method, path, debug, token):
    with override_settings(DEBUG=debug):
        response = Client().generic(
            method, "/api/booth/" + quote(path, safe="/"), headers={"authorization": f"Bearer {token}"}
        )

    assert response.status_code < 500, (method, path, response.status_code)
    if response.status_code >= 400:
        assert response["Content-Type"] == "application/json; charset=utf-8", (method, path, response.status_code)
        if method != "HEAD":
            assert set(response.json()) == {"error", "message"}, (method, path, response.content[:200])
