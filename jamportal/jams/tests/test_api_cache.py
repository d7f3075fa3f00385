"""The map endpoint keeps its answers in the cache, per language and query, and
drops them the moment a public Jam changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jamportal.jams import services
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import JamFactory, ModeratorFactory

pytestmark = pytest.mark.django_db(transaction=True)  # invalidation happens on commit
URL = "/en/api/jams.geojson?when=all"


def titles(response):
    return sorted(feature["properties"]["title"] for feature in response.json()["features"])


def test_a_repeated_query_is_answered_from_the_cache_without_the_database(client):
    JamFactory(title="Cached Jam")
    first = client.get(URL)

    with CaptureQueriesContext(connection) as queries:
        second = client.get(URL)

    assert second.content == first.content
    assert len(queries) == 0
    assert second["Cache-Control"] == "public, max-age=60"


def test_a_change_to_a_public_jam_drops_the_cached_answers(client):
    JamFactory(title="Old Jam")
    waiting = JamFactory(title="New Jam", status=Jam.Status.SUBMITTED, approved_at=None)
    before = titles(client.get(URL))

    services.jam_approve(waiting, by=ModeratorFactory())
    after = titles(client.get(URL))

    assert (before, after) == (["Old Jam"], ["New Jam", "Old Jam"])


def test_each_language_and_query_has_its_own_answer(client):
    JamFactory(title="Any Jam", country="FR")

    english = client.get(URL).content
    french = client.get(URL.replace("/en/", "/fr/")).content
    filtered = client.get(URL + "&country=GB").json()["features"]

    assert english != french  # links and labels in each language
    assert filtered == []
