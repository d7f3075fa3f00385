"""The map's Jams in the public API (/api/v1/jams.geojson): the answers of the site's
own map endpoint (jams.api.map_features, one code for both), with the API's manners:
the language of ?lang=, CORS, ETag and 304, the rate limit, errors in JSON."""

import pytest

from jamportal.jams.models import CampaignTranslation
from jamportal.jams.tests.factories import CampaignFactory, JamFactory

pytestmark = pytest.mark.django_db

MAP = "/api/v1/jams.geojson"


def some_jams():
    campaign = CampaignFactory(slug="bbw")
    CampaignTranslation.objects.create(campaign=campaign, language="fr", name="Anniversaire")
    JamFactory(title="Cambridge Jam", campaign=campaign, latitude=52.2053, longitude=0.1218, country="GB")
    JamFactory(title="Ely Jam", latitude=52.3995, longitude=0.2624, country="GB")
    JamFactory(title="Paris Jam", venue_private=True, latitude=48.8566, longitude=2.3522, country="FR")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "when=all&campaign=bbw",
        "country=FR",
        "around=52.2,0.12&radius=30&nearest=1",
        "bbox=-180,-85,180,85&zoom=2",
        "bbox=-1,51,1,53&zoom=12",
        "bbox=-1,51,1,53",
        "v=123&bbox=-11,35,30,60&zoom=4",
    ],
)
def test_map_answers_as_the_sites_map_endpoint_in_the_language_asked_for(client, query):
    some_jams()

    ours = client.get(f"{MAP}?lang=fr&{query}")
    sites = client.get(f"/fr/api/jams.geojson?{query}")

    assert ours.status_code == 200
    assert ours["Content-Type"] == "application/json"
    assert ours["Content-Language"] == "fr"
    assert ours.json()["type"] == "FeatureCollection"
    assert ours.json()["features"]
    assert ours.json() == sites.json()


def test_map_features_are_points_longitude_first_with_the_jams_page_in_the_language(client):
    JamFactory(title="Cambridge Jam", slug="cambridge", latitude=52.2053, longitude=0.1218, country="GB")

    feature = client.get(MAP, headers={"Accept-Language": "de"}).json()["features"][0]

    assert feature["geometry"] == {"type": "Point", "coordinates": [0.1218, 52.2053]}
    assert feature["properties"]["url"] == "/de/jams/cambridge/"
    assert feature["properties"]["country_name"] == "Vereinigtes Königreich"


def test_map_clusters_a_crowded_view(client):
    for n in range(6):
        JamFactory(latitude=52.2 + n / 1000, longitude=0.12)

    features = client.get(f"{MAP}?bbox=-180,-85,180,85&zoom=2").json()["features"]

    assert len(features) == 1
    assert features[0]["properties"]["cluster"] is True
    assert features[0]["properties"]["count"] == 6


def test_map_refuses_bad_parameters_in_json_naming_them_in_the_language_asked_for(client):
    response = client.get(f"{MAP}?lang=fr&bbox=1,2,3&zoom=99&when=someday")

    assert response.status_code == 400
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["error"] == "invalid"
    assert body["message"] == "Certains paramètres ne sont pas valides."
    assert sorted(body["parameters"]) == ["bbox", "when", "zoom"]


def test_map_is_open_to_other_sites_kept_a_minute_and_answered_304_with_its_etag(client):
    JamFactory()

    first = client.get(MAP, headers={"Origin": "https://club.example"})
    again = client.get(MAP, headers={"Origin": "https://club.example", "If-None-Match": first["ETag"]})

    assert first["Access-Control-Allow-Origin"] == "*"
    assert first["Cache-Control"] == "public, max-age=60"
    assert again.status_code == 304
    assert again["Access-Control-Allow-Origin"] == "*"


def test_map_counts_against_the_addresss_rate_limit(client, settings):
    settings.PUBLIC_API_REQUESTS_PER_MINUTE = 2
    assert client.get(MAP).status_code == 200
    assert client.get("/api/v1/jams").status_code == 200

    refused = client.get(MAP)

    assert refused.status_code == 429
    assert refused.json()["error"] == "rate_limited"


def test_the_schema_documents_the_map_and_its_parameters(client):
    operation = client.get("/api/v1/openapi.json").json()["paths"][MAP]["get"]

    names = [parameter["name"] for parameter in operation["parameters"]]
    assert names == [
        "campaign", "country", "spoken", "around", "radius", "nearest", "days", "date_from", "date_to", "when",
        "bbox", "zoom", "v", "lang",
    ]  # fmt: skip
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/FeatureCollection"
    }


@pytest.mark.parametrize(
    "query",
    ["?lang=fr", "?bbox=-180,-85,180,85&zoom=2", "?bbox=-1,51,1,53", "?around=52.2,0.12&radius=500&lang=de"],
)
def test_map_costs_the_same_queries_for_more_jams(assert_constant_queries, query):
    campaign = CampaignFactory()
    CampaignTranslation.objects.create(campaign=campaign, language="fr", name="Anniversaire")
    JamFactory(campaign=campaign, latitude=52.2, longitude=0.12)

    def more():  # one beside the first (a cluster of two in the world's view), one far away (alone in every view)
        JamFactory(campaign=CampaignFactory(), latitude=52.3, longitude=0.2)
        JamFactory(campaign=CampaignFactory(), latitude=-30, longitude=100)

    assert_constant_queries(MAP + query, more)
