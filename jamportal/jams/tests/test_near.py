"""Near-me search, the map's server-side clusters, the place endpoints and private venues."""

import datetime
import random

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from jamportal import pagecache
from jamportal.jams import selectors
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, ModeratorFactory, UserFactory, jam_form_data
from jamportal.places import distance_km

pytestmark = pytest.mark.django_db


def url(name, **query):
    with translation.override("en"):
        path = reverse(name)
    return path, query


def brute_force(jams, latitude, longitude, *, nearest, radius_km, limit):
    ranked = sorted((distance_km(latitude, longitude, j.latitude, j.longitude), j.pk) for j in jams)
    return [pk for rank, (d, pk) in enumerate(ranked) if d <= radius_km or rank < nearest][:limit]


@pytest.mark.parametrize(
    ("latitude", "longitude", "radius_km", "nearest", "limit"),
    [(52.2, 0.12, 500, 3, 100), (-18.1, 178.4, 2000, 5, 100), (89.0, 10.0, 50, 4, 100), (0.0, 0.0, 3000, 2, 7)],
)
def test_jams_near_agrees_with_a_brute_force_search(latitude, longitude, radius_km, nearest, limit):
    rng = random.Random(4)
    jams = [
        JamFactory(latitude=rng.uniform(-90, 90), longitude=rng.uniform(-180, 180), venue_name=str(i))
        for i in range(150)
    ]
    JamFactory(latitude=-17.8, longitude=-179.9)  # just across the antimeridian from Fiji
    jams = list(Jam.objects.all())

    found = selectors.jams_near(
        Jam.objects.all(), latitude=latitude, longitude=longitude, nearest=nearest, radius_km=radius_km, limit=limit
    )

    expected = brute_force(jams, latitude, longitude, nearest=nearest, radius_km=radius_km, limit=limit)
    assert [jam.pk for jam in found] == expected
    assert [round(j.distance_km, 6) for j in found] == sorted(round(j.distance_km, 6) for j in found)


@pytest.mark.parametrize(("radius_km", "nearest", "limit"), [(50, 5, 10), (50, 5, 100), (5, 3, 8), (300, 2, 20)])
def test_jams_near_in_a_crowded_city_agrees_with_a_brute_force_search(radius_km, nearest, limit):
    rng = random.Random(7)
    for i in range(300):  # a crowded city: more Jams in its box than CROWDED times the limit
        JamFactory(latitude=51.5 + rng.gauss(0, 0.1), longitude=-0.12 + rng.gauss(0, 0.15), venue_name=str(i))
    JamFactory(latitude=48.85, longitude=2.35)
    jams = list(Jam.objects.all())

    found = selectors.jams_near(
        Jam.objects.all(), latitude=51.52, longitude=-0.1, nearest=nearest, radius_km=radius_km, limit=limit
    )

    expected = brute_force(jams, 51.52, -0.1, nearest=nearest, radius_km=radius_km, limit=limit)
    assert [jam.pk for jam in found] == expected


def test_jams_near_in_a_sparse_region_still_finds_the_nearest():
    JamFactory(title="Far away", latitude=-33.9, longitude=18.4)  # Cape Town

    found = selectors.jams_near(Jam.objects.all(), latitude=3.848, longitude=11.5, nearest=1, radius_km=50)

    assert [jam.title for jam in found] == ["Far away"]
    assert 4200 < found[0].distance_km < 4300


def test_nearest_beyond_the_radius_are_found_in_the_box_eight_times_as_wide():
    far = [JamFactory(latitude=52.2 + i * 0.5, longitude=0.12).pk for i in range(1, 4)]  # 55 to 170 km north
    read = selectors.reader(Jam.objects.all())

    with CaptureQueriesContext(connection) as queries:
        found = selectors.nearest_keys(read, latitude=52.2, longitude=0.12, nearest=3, radius_km=50)

    assert [pk for _d, pk in found] == far
    assert len(queries) == 2  # the radius's box, then the one GROWTH times as wide


def test_a_search_with_enough_jams_within_the_radius_reads_once():
    near = [JamFactory(latitude=52.2 + i * 0.001, longitude=0.12).pk for i in range(6)]
    JamFactory(latitude=54.0, longitude=0.12)  # 200 km north: never read
    read = selectors.reader(Jam.objects.all())

    with CaptureQueriesContext(connection) as queries:
        found = selectors.nearest_keys(read, latitude=52.2, longitude=0.12, nearest=5, radius_km=50)

    assert [pk for _d, pk in found] == near
    assert len(queries) == 1


def test_a_box_full_of_jams_only_in_its_corners_still_finds_the_nearest():
    # The radius's box holds more Jams than `nearest`, but all of them are in its
    # corners, outside the radius: the search must count those within it, and grow.
    corners = [
        JamFactory(latitude=52.2 + dy * 0.42, longitude=0.12 + dx * 0.68).pk
        for dy in (-1, 1)
        for dx in (-1, 1)
        for _ in range(3)
    ]
    jams = list(Jam.objects.all())
    assert min(distance_km(52.2, 0.12, j.latitude, j.longitude) for j in jams) > 50

    found = selectors.nearest_keys(selectors.reader(Jam.objects.all()), latitude=52.2, longitude=0.12, nearest=5)

    assert [pk for _d, pk in found] == brute_force(jams, 52.2, 0.12, nearest=5, radius_km=50, limit=100)
    assert {pk for _d, pk in found} <= set(corners)


def test_map_items_cluster_crowded_cells_and_keep_lone_jams():
    for i in range(5):
        JamFactory(latitude=52.2 + i * 0.01, longitude=0.12)
    alone = JamFactory(title="Alone", latitude=-33.9, longitude=18.4)

    clusters, single = selectors.jam_map_cells(selectors.reader(Jam.objects.all()), bbox=(-180, -90, 180, 90), zoom=3)

    assert [c.count for c in clusters] == [5]
    assert clusters[0].bbox == [0.12, 52.2, 0.12, 52.24]
    assert single == [alone.pk]


def test_map_items_across_the_antimeridian():
    east = JamFactory(latitude=-18.1, longitude=178.4)
    west = JamFactory(latitude=-13.8, longitude=-171.8)
    JamFactory(latitude=0, longitude=0)

    clusters, single = selectors.jam_map_cells(selectors.reader(Jam.objects.all()), bbox=(170, -30, -160, 0), zoom=5)

    assert clusters == []
    assert sorted(single) == sorted([east.pk, west.pk])


# The endpoints


def test_geojson_near_a_point_is_sorted_by_distance(client):
    JamFactory(title="Far", latitude=48.85, longitude=2.35)
    JamFactory(title="Near", latitude=52.21, longitude=0.13)

    path, query = url("api:jams-geojson", around="52.2,0.12", radius="100", nearest="1")
    features = client.get(path, query).json()["features"]

    assert [f["properties"]["title"] for f in features] == ["Near"]
    assert features[0]["properties"]["distance_km"] == 1.3


def test_geojson_world_view_is_clustered_and_small(client):
    rng = random.Random(1)
    Jam.objects.bulk_create(
        [
            JamFactory.build(latitude=rng.uniform(-60, 70), longitude=rng.uniform(-180, 180), slug=f"jam-{i}")
            for i in range(400)
        ]
    )

    path, query = url("api:jams-geojson", bbox="-180,-90,180,90", zoom="2")
    response = client.get(path, query)

    features = response.json()["features"]
    assert sum(f["properties"].get("count", 1) for f in features) == 400
    assert len(features) < 200
    assert len(response.content) < 100_000


def test_geojson_clustered_query_count_does_not_grow_with_jams(client, django_assert_num_queries):
    path, query = url("api:jams-geojson", bbox="-180,-90,180,90", zoom="4")
    JamFactory(latitude=10, longitude=10)
    with django_assert_num_queries(3):
        client.get(path, query)
    JamFactory.create_batch(2, latitude=-10, longitude=-10)
    JamFactory(latitude=40, longitude=40)
    cache.clear()  # factories skip the services that drop the endpoint's cached answers
    pagecache.clear_local()

    with django_assert_num_queries(3):
        client.get(path, query)


def test_geojson_box_without_zoom_lists_its_jams_in_date_order(client):
    """What a cluster of Jams at one spot lists when clicked: its box, no zoom (was a 400)."""
    soon = timezone.now() + datetime.timedelta(days=3)
    JamFactory(title="Later", latitude=51.5072, longitude=-0.1276, start=soon + datetime.timedelta(days=2))
    JamFactory(title="Sooner", latitude=51.5072, longitude=-0.1276, start=soon)
    JamFactory(title="Elsewhere", latitude=48.85, longitude=2.35)

    path, query = url("api:jams-geojson", bbox="-0.1276,51.5072,-0.1276,51.5072")
    response = client.get(path, query)

    assert response.status_code == 200
    features = response.json()["features"]
    assert [f["properties"]["title"] for f in features] == ["Sooner", "Later"]
    assert all("cluster" not in f["properties"] for f in features)


def test_a_cluster_at_one_spot_stays_at_every_zoom_and_its_box_lists_each_jam(client):
    # Positions with more decimals than the answer gives: the box is rounded outwards.
    for title in ("One", "Two", "Three"):
        JamFactory(title=title, latitude=51.5000049, longitude=-0.1200049)

    for zoom in (2, 12, 20):
        path, query = url("api:jams-geojson", bbox="-1,51,1,52", zoom=str(zoom))
        [cluster] = client.get(path, query).json()["features"]
        assert cluster["properties"]["count"] == 3
    path, query = url("api:jams-geojson", bbox=",".join(map(str, cluster["properties"]["bbox"])))
    listed = client.get(path, query).json()["features"]

    assert sorted(f["properties"]["title"] for f in listed) == ["One", "Three", "Two"]


def test_geojson_box_without_zoom_query_count_does_not_grow_with_jams(assert_constant_queries):
    path, query = url("api:jams-geojson", bbox="0,0,1,1")
    JamFactory(latitude=0.5, longitude=0.5)

    assert_constant_queries(
        f"{path}?bbox={query['bbox']}", lambda: JamFactory.create_batch(2, latitude=0.5, longitude=0.5)
    )


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"around": "north,west"}, "around"),
        ({"around": "52.2"}, "around"),
        ({"around": "nan,0"}, "around"),
        ({"around": "91,0"}, "around"),
        ({"around": "0,181"}, "around"),
        ({"around": "1e999,0"}, "around"),
        ({"around": "52,0", "radius": "lots"}, "radius"),
        ({"around": "52,0", "radius": "0"}, "radius"),
        ({"around": "52,0", "radius": "1e9"}, "radius"),
        ({"around": "52,0", "radius": "nan"}, "radius"),
        ({"around": "52,0", "nearest": "-1"}, "nearest"),
        ({"bbox": "a,b,c,d", "zoom": "2"}, "bbox"),
        ({"bbox": "-180,-90,180", "zoom": "2"}, "bbox"),
        ({"bbox": "-180,10,180,-10", "zoom": "2"}, "bbox"),
        ({"bbox": "-190,-90,180,90", "zoom": "2"}, "bbox"),
        ({"bbox": "-180,-90,inf,90", "zoom": "2"}, "bbox"),
        ({"bbox": "-180,-90,180,90", "zoom": "99"}, "zoom"),
        ({"bbox": "-180,-90,180,90", "zoom": "two"}, "zoom"),
        ({"days": "forever"}, "days"),
    ],
)
def test_geojson_bad_parameters_get_400_naming_them(client, query, parameter):
    path, _ = url("api:jams-geojson")

    response = client.get(path, query)

    assert response.status_code == 400
    assert list(response.json()["parameters"]) == [parameter]


def test_place_suggestions_and_timezone_endpoints(client):
    suggest_path, _ = url("api:place-suggest")
    timezone_path, _ = url("api:place-timezone")

    places = client.get(suggest_path, {"q": "Yaou"}).json()["places"]
    zone = client.get(timezone_path, {"at": "35.68,139.69"}).json()
    bad = client.get(timezone_path, {"at": "here"})
    empty = client.get(suggest_path, {"q": ""})

    assert places[0] == {
        "label": "Yaoundé, Cameroon",
        "name": "Yaoundé",
        "country": "CM",
        "latitude": 3.86667,
        "longitude": 11.51667,
        "timezone": "Africa/Douala",
    }
    assert zone == {"timezone": "Asia/Tokyo"}
    assert (bad.status_code, list(bad.json()["parameters"])) == (400, ["at"])
    assert empty.status_code == 400


# The page


def test_searching_a_place_lists_the_nearest_jams_with_distances(client):
    JamFactory(title="Yaoundé Jam", latitude=3.87, longitude=11.52, country="CM", city="Yaoundé")
    JamFactory(title="Douala Jam", latitude=4.05, longitude=9.77, country="CM", city="Douala")
    JamFactory(title="Paris Jam", latitude=48.85, longitude=2.35, country="FR")

    html = client.get("/en/", {"q": "Yaounde", "radius": "300", "nearest": "2"}).content.decode()

    assert "Jams near <bdi>Yaoundé</bdi>" in html
    assert html.index("Yaoundé Jam") < html.index("Douala Jam")
    assert "Paris Jam" not in html
    assert '<span class="distance">' in html
    assert "195 km" in html
    assert "around=3.86667,11.51667" in html  # the map asks for the same Jams


def test_distances_are_in_miles_for_visitors_from_the_us(client):
    JamFactory(title="Boston Jam", latitude=42.36, longitude=-71.06, country="US")

    html = client.get("/en/", {"q": "Cambridge, MA"}, headers={"accept-language": "en-US"}).content.decode()

    assert "Jams near <bdi>Cambridge</bdi>" in html
    assert "2.6 mi" in html


def test_sparse_region_shows_the_nearest_with_a_note(client):
    JamFactory(title="Cape Town Jam", latitude=-33.9, longitude=18.4, country="ZA")

    html = client.get("/en/", {"q": "Yaoundé"}).content.decode()

    assert "No Jams within 50 km yet: here are the nearest." in html
    assert "Cape Town Jam" in html


def test_unknown_place_gets_did_you_mean(client):
    JamFactory(title="Any Jam")

    html = client.get("/en/", {"q": "Manchster"}).content.decode()

    assert "We do not know a place called “<bdi>Manchster</bdi>”." in html
    assert 'href="?q=Manchester%2C%20United%20Kingdom"' in html
    assert "Any Jam" in html  # never an empty page


def test_around_from_the_browser_lists_jams_near_you(client):
    JamFactory(title="Close Jam", latitude=51.51, longitude=-0.13)

    html = client.get("/en/", {"around": "51.5,-0.12"}).content.decode()

    assert "Jams near you" in html
    assert "Close Jam" in html


@pytest.mark.parametrize(("language", "query"), [("en", {}), ("fa", {"when": "all", "radius": "300"})])
def test_a_near_me_page_from_the_kept_page_is_the_page_drawn_whole(client, monkeypatch, language, query):
    JamFactory(title="London Jam", latitude=51.51, longitude=-0.13)
    JamFactory(title="Douala Jam", latitude=4.05, longitude=9.77, country="CM", city="Douala")
    client.get(f"/{language}/", {**query, "around": "51.5,-0.12"})  # keeps the page for this query

    kept = client.get(f"/{language}/", {**query, "around": "4.05,9.7"}).content.decode()
    monkeypatch.setattr(pagecache, "same_for_everyone", lambda request: False)  # nothing kept: drawn whole
    whole = client.get(f"/{language}/", {**query, "around": "4.05,9.7"}).content.decode()

    assert kept == whole.replace("%2C", ",")  # (the kept page writes the position's comma as it is)
    assert kept.index("Douala Jam") < kept.index("London Jam")  # this position's list
    assert "51.5" not in kept  # the first position is nowhere: not in the form, the map or the links
    assert 'name="around" value="4.05,9.7"' in kept
    filters = "when=all&amp;radius=300&amp;" if query else ""
    assert f'hreflang="ja" href="https://jams.example/ja/?{filters}around=4.05,9.7"' in kept


def test_a_search_from_a_new_position_draws_only_jams_not_drawn_before(client):
    JamFactory(title="London Jam", latitude=51.51, longitude=-0.13)
    JamFactory(title="Croydon Jam", latitude=51.37, longitude=-0.1)
    client.get("/en/", {"around": "51.5,-0.12"})  # draws both Jams' lines

    with CaptureQueriesContext(connection) as queries:
        html = client.get("/en/", {"around": "51.4,-0.1"}).content.decode()

    assert html.index("Croydon Jam") < html.index("London Jam")
    assert "3.3 km" in html  # each position's own distances, though the lines were drawn before
    assert "12 km" in html
    assert not [q["sql"] for q in queries.captured_queries if "jamtranslation" in q["sql"]]


def test_a_near_me_list_shows_a_changed_jam_at_once(client):
    jam = JamFactory(title="London Jam", latitude=51.51, longitude=-0.13)
    client.get("/fa/", {"around": "51.5,-0.12"})  # draws the Jam's line

    Jam.objects.filter(pk=jam.pk).update(title="Camden Jam")
    pagecache.bump(selectors.PUBLIC_VERSION_KEY)  # as every change to what the public sees does

    html = client.get("/fa/", {"around": "51.6,-0.12"}).content.decode()
    assert "Camden Jam" in html
    assert "London Jam" not in html


def test_a_new_map_view_reads_only_the_places_of_jams_drawn_before(client):
    jam = JamFactory(title="Cambridge Jam", latitude=52.2053, longitude=0.1218)
    client.get("/en/api/jams.geojson", {"bbox": "0.0,52.0,0.3,52.4", "zoom": "13"})

    with CaptureQueriesContext(connection) as queries:
        answer = client.get("/en/api/jams.geojson", {"bbox": "0.01,52.01,0.31,52.41", "zoom": "13"}).json()

    assert [(f["id"], f["properties"]["title"]) for f in answer["features"]] == [(jam.pk, "Cambridge Jam")]
    assert len(queries) == 1, [q["sql"] for q in queries.captured_queries]  # the cells; no Jam loaded again


def test_a_map_view_shows_a_changed_jam_at_once(client):
    jam = JamFactory(title="Cambridge Jam", latitude=52.2053, longitude=0.1218)
    client.get("/cy/api/jams.geojson", {"bbox": "0.0,52.0,0.3,52.4", "zoom": "13"})

    Jam.objects.filter(pk=jam.pk).update(title="Ely Jam")
    pagecache.bump(selectors.PUBLIC_VERSION_KEY)

    answer = client.get("/cy/api/jams.geojson", {"bbox": "0.01,52.01,0.31,52.41", "zoom": "13"}).json()
    assert [f["properties"]["title"] for f in answer["features"]] == ["Ely Jam"]


def test_a_jam_that_has_ended_leaves_the_map_and_near_me_within_seconds(client, monkeypatch):
    jam = JamFactory(title="Ending Jam", latitude=52.2053, longitude=0.1218)
    clock = [jam.end - datetime.timedelta(seconds=1)]
    monkeypatch.setattr(timezone, "now", lambda: clock[0])
    view = {"bbox": "0.0,52.0,0.3,52.4", "zoom": "13"}

    def shown():
        cache.clear()  # not the kept answers: what each is drawn from
        pagecache.clear_local()
        titles = [f["properties"]["title"] for f in client.get("/en/api/jams.geojson", view).json()["features"]]
        return titles, "Ending Jam" in client.get("/en/", {"around": "52.2,0.12"}).content.decode()

    before = shown()
    clock[0] = jam.end + datetime.timedelta(seconds=selectors.PUBLIC_READER_S + 1)
    after = shown()

    assert before == (["Ending Jam"], True)
    assert after == ([], False)


def test_a_signed_in_near_me_page_is_never_kept_for_visitors(client):
    JamFactory(title="London Jam", latitude=51.51, longitude=-0.13)
    client.force_login(UserFactory(email="organiser@example.org"))
    signed_in = client.get("/en/", {"around": "51.5,-0.12"}).content.decode()
    client.logout()

    visitor = client.get("/en/", {"around": "51.6,-0.11"}).content.decode()

    assert "Sign out" in signed_in
    assert "Sign out" not in visitor
    assert "Sign in" in visitor
    assert "London Jam" in visitor


# The submission form's timezone, and private venues


def test_timezone_is_worked_out_from_the_map_unless_corrected(client):
    client.force_login(UserFactory())

    client.post(reverse("jams:create"), jam_form_data(title="Auto"))
    client.post(reverse("jams:create"), jam_form_data(title="Fixed", timezone="Asia/Seoul"))

    assert Jam.objects.get(title="Auto").timezone == "Asia/Tokyo"
    assert Jam.objects.get(title="Fixed").timezone == "Asia/Seoul"


def test_private_venue_shows_only_the_area_to_the_public(client):
    jam = JamFactory(venue_private=True, latitude=52.204567, longitude=0.121876, address="12 Secret Lane")

    page = client.get(jam.get_absolute_url()).content.decode()
    feature = client.get(*url("api:jams-geojson")).json()["features"][0]
    client.force_login(ModeratorFactory())
    moderation = client.get(reverse("jams:moderate", args=[jam.slug])).content.decode()

    assert "12 Secret Lane" not in page
    assert "52.204567" not in page
    assert 'data-latitude="52.200000"' in page
    assert feature["geometry"]["coordinates"] == [0.12, 52.2]
    assert "12 Secret Lane" in moderation
    assert "52.204567" in moderation


def test_jams_near_with_conditions_nothing_can_meet_finds_nothing():
    JamFactory(latitude=51.51, longitude=-0.13)

    assert selectors.jams_near(Jam.objects.none(), latitude=51.5, longitude=-0.12) == []
    assert selectors.jams_near(Jam.objects.filter(pk__in=[]), latitude=51.5, longitude=-0.12) == []


def test_the_maps_own_request_answers_as_with_the_default_filters_spelt_out(client):
    JamFactory(title="Cambridge Jam", latitude=52.2053, longitude=0.1218)
    JamFactory(title="Past Jam", latitude=52.2, longitude=0.12, start=Jam.objects.first().start.replace(year=2020))
    view = {"bbox": "0.0,52.0,0.3,52.4", "zoom": "13"}

    bare = client.get("/en/api/jams.geojson", view).json()
    spelt_out = client.get("/en/api/jams.geojson", {**view, "when": "upcoming", "country": ""}).json()

    assert bare == spelt_out
    assert [feature["properties"]["title"] for feature in bare["features"]] == ["Cambridge Jam"]


def test_a_kept_near_me_page_shows_a_new_campaign_in_its_filters_at_once(client):
    JamFactory(latitude=51.51, longitude=-0.13)
    client.get("/en/", {"around": "51.5,-0.12"})  # keeps the page

    CampaignFactory(name="Autumn Jam Week", slug="autumn-jam-week")
    pagecache.bump(selectors.PUBLIC_VERSION_KEY)  # as every change to what the public sees does

    assert "Autumn Jam Week" in client.get("/en/", {"around": "51.6,-0.12"}).content.decode()
