"""Hypothesis sends generated query strings to the public pages and endpoints
that read parameters (the list, the map endpoint, place suggestions, calendar
feeds, photo feeds) and generated input to the Jam form: nothing may answer
with a server error. The cases are the same on every run (derandomized), so CI
cannot fail by chance; raise CASES locally for a wider search. Beside them, a
sweep sends every numeric, date and position parameter at each value at its
type's limits (year 1 and 9999, integers past 64 bits, 1e308, -0, NaN, inf)."""

import collections

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jamportal.feed import services as feed_services
from jamportal.feed.tests.test_feed import post as upload
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, UserFactory, jam_form_data

pytestmark = pytest.mark.slow  # fuzzing: hundreds of generated requests

CASES = 150
ran = collections.Counter()

# Values at and just beyond the limits of their types: the first and last days of
# Python's calendar and days past them, integers past 32 and 64 bits, the largest
# and smallest floats and past them, negative zero, NaN and the infinities.
EDGE_NUMBERS = [
    "0",
    "-0",
    "-0.0",
    "-1",
    str(2**31),
    str(2**63),
    str(-(2**63) - 1),
    "9" * 40,
    "1e308",
    "-1e308",
    "1.7976931348623157e308",
    "1e309",
    "5e-324",
    "nan",
    "-nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "1_000",
]
EDGE_DATES = [
    "0001-01-01",
    "9999-12-31",
    "0000-01-01",
    "10000-01-01",
    "9999-12-32",
    "1-1-1",
    "-0001-01-01",
    "2031-02-29",
    "1999-12-31",
    "2100-01-01",
]
numbers = st.one_of(
    st.sampled_from(EDGE_NUMBERS),
    st.integers(-(10**12), 10**12).map(str),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["90.0000001", "-180", "0x10", "１２"]),
)
points = st.tuples(numbers, numbers).map(",".join)
boxes = st.lists(numbers, min_size=0, max_size=6).map(",".join)
dates = st.one_of(
    st.sampled_from(EDGE_DATES),
    st.dates().map(str),
    st.sampled_from(["2031-02-30", "today"]),
)
texts = st.text(max_size=60)
values = st.one_of(
    texts, numbers, points, boxes, dates, st.sampled_from(["", "fr", "GB", "XX", "upcoming", "past", "all"])
)
PARAMETERS = [
    "q",
    "around",
    "radius",
    "nearest",
    "bbox",
    "zoom",
    "campaign",
    "country",
    "spoken",
    "days",
    "date_from",
    "date_to",
    "when",
    "page",
    "after",
    "at",
    "limit",
    "lang",
]
# Each parameter gets a value of its own kind half the time (a date for date_to...),
# so that values at their types' limits reach the code behind a valid form.
KINDS = {
    **dict.fromkeys(["date_from", "date_to"], dates),
    **dict.fromkeys(["radius", "nearest", "zoom", "days", "page", "after", "limit"], numbers),
    **dict.fromkeys(["around", "at"], points),
    "bbox": boxes,
}
parameters = st.sampled_from(PARAMETERS).flatmap(
    lambda name: st.tuples(st.just(name), st.one_of(KINDS.get(name, values), values))
)
queries = st.lists(parameters, max_size=6).map(dict)
FUZZ = settings(
    max_examples=CASES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def places(db, client):
    """Something for every endpoint to find: a campaign, Jams, a photo."""
    campaign = CampaignFactory(slug="fuzz-weekend")
    jam = JamFactory(title="Fuzz Jam", campaign=campaign)
    JamFactory(campaign=campaign, latitude=-33.9, longitude=151.2, country="AU")
    _booth, token = feed_services.booth_create(jam, by=jam.organiser, name="Booth")
    upload(client, token)
    return {
        "/en/": "list and map page",
        "/en/api/jams.geojson": "map endpoint",
        "/en/api/places/suggest": "place suggestions",
        "/en/api/places/timezone": "timezone at a point",
        "/en/jams/calendar.ics": "calendar feed",
        "/en/jams/new.atom": "news feed",
        f"/fr/jams/{jam.slug}/photos.json": "photo feed",
        "/en/campaigns/fuzz-weekend/": "campaign page",
        "/en/campaigns/fuzz-weekend/wall.json": "photo wall feed",
    }


@pytest.mark.parametrize("index", range(9), ids=lambda i: f"endpoint-{i}")
def test_generated_queries_never_get_a_server_error(places, index):
    url = list(places)[index]
    client = Client(raise_request_exception=False)

    @FUZZ
    @given(query=queries)
    def check(query):
        response = client.get(url, query)
        ran[url] += 1
        assert response.status_code < 500, (url, query, response.status_code)
        assert response.status_code in (200, 400, 404), (url, query, response.status_code)

    check()
    assert ran[url] >= CASES // 2  # hypothesis really ran (it may stop early once every case is found)


# Every parameter alone (with what it needs beside it to be read at all) at each
# value at its type's limits: a sweep, so none of them is left to chance.
NEEDS = {"zoom": {"bbox": "-10,-10,10,10"}, "bbox": {"zoom": "2"}, "radius": {"around": "52.2,0.12"}}
NEEDS["nearest"] = NEEDS["radius"]
EDGE_QUERIES = [
    *({name: day} for name in ("date_from", "date_to") for day in EDGE_DATES),
    *(
        {**NEEDS.get(name, {}), name: number}
        for name in ("radius", "nearest", "zoom", "days", "page", "after", "limit")
        for number in EDGE_NUMBERS
    ),
    *({name: f"{number},{number}"} for name in ("around", "at") for number in EDGE_NUMBERS),
    *({**NEEDS["bbox"], "bbox": ",".join([number] * 4)} for number in EDGE_NUMBERS),
]


@pytest.mark.parametrize("index", range(9), ids=lambda i: f"endpoint-{i}")
def test_values_at_their_types_limits_never_get_a_server_error(places, index):
    url = list(places)[index]
    client = Client(raise_request_exception=False)

    answers = [(query, client.get(url, query).status_code) for query in EDGE_QUERIES]

    assert [(query, status) for query, status in answers if status not in (200, 400, 404)] == []


form_values = st.one_of(texts, numbers, dates, st.sampled_from(["", "on", "Europe/London", "kids", "en", "GB"]))


@FUZZ
@given(overrides=st.dictionaries(st.sampled_from(list(jam_form_data())), form_values, max_size=8))
def test_generated_jam_forms_never_get_a_server_error(db, overrides):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())

    response = client.post("/en/jams/new/", jam_form_data(**overrides))

    ran["jam form"] += 1
    assert response.status_code in (200, 302), (overrides, response.status_code)
