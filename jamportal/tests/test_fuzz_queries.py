"""Hypothesis sends generated query strings to the public pages and endpoints
that read parameters (the list, the map endpoint, place suggestions, calendar
feeds, photo feeds) and generated input to the Jam form: nothing may answer
with a server error. The cases are the same on every run (derandomized), so CI
cannot fail by chance; raise CASES locally for a wider search."""

import collections

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jamportal.feed import services as feed_services
from jamportal.feed.tests.test_feed import post as upload
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, UserFactory, jam_form_data

CASES = 150
ran = collections.Counter()

numbers = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["0", "-0", "1e309", "NaN", "-inf", "90.0000001", "-180", "0x10", "１２"]),
)
points = st.tuples(numbers, numbers).map(",".join)
boxes = st.lists(numbers, min_size=0, max_size=6).map(",".join)
dates = st.one_of(st.dates().map(str), st.sampled_from(["2031-02-30", "0000-01-01", "9999-12-31", "today"]))
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
queries = st.dictionaries(st.sampled_from(PARAMETERS), values, max_size=6)
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


form_values = st.one_of(texts, numbers, dates, st.sampled_from(["", "on", "Europe/London", "kids", "en", "GB"]))


@FUZZ
@given(overrides=st.dictionaries(st.sampled_from(list(jam_form_data())), form_values, max_size=8))
def test_generated_jam_forms_never_get_a_server_error(db, overrides):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory())

    response = client.post("/en/jams/new/", jam_form_data(**overrides))

    ran["jam form"] += 1
    assert response.status_code in (200, 302), (overrides, response.status_code)
