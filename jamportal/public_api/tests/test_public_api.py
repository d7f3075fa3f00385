"""The public read API as a client meets it: Jams, campaigns and places in JSON,
filtered as on the site, a page at a time, in the language asked for, cacheable,
open to other sites and limited per address."""

import datetime

import pytest
from django.utils import timezone, translation

from jamportal.jams import services as jam_services
from jamportal.jams.models import CampaignTranslation, Jam
from jamportal.jams.tests.factories import CampaignFactory, JamFactory

pytestmark = pytest.mark.django_db

JAMS = "/api/v1/jams"


def get(client, url, **headers):
    return client.get(url, headers=headers)


# --- Jams ---


def test_jam_list_shows_public_jams_only_in_date_order(client):
    later = JamFactory(title="Later Jam", start=timezone.now() + datetime.timedelta(days=9))
    sooner = JamFactory(title="Sooner Jam")
    JamFactory(title="Draft Jam", status=Jam.Status.DRAFT, approved_at=None)
    JamFactory(title="Waiting Jam", status=Jam.Status.SUBMITTED, approved_at=None)
    JamFactory(title="Cancelled Jam", status=Jam.Status.CANCELLED)

    answer = get(client, JAMS).json()

    assert [jam["title"] for jam in answer["results"]] == ["Sooner Jam", "Later Jam"]
    assert [jam["id"] for jam in answer["results"]] == [sooner.pk, later.pk]
    assert answer["count"] == 2
    assert (answer["page"], answer["pages"], answer["next"], answer["previous"]) == (1, 1, None, None)


def test_jam_list_item_holds_what_the_jam_page_shows(client):
    campaign = CampaignFactory(name="Big Birthday Weekend 2031", slug="bbw-2031")
    jam = JamFactory(
        title="Yaoundé Jam",
        slug="yaounde-jam",
        campaign=campaign,
        start=datetime.datetime(2099, 3, 1, 9, 0, tzinfo=datetime.UTC),
        end=datetime.datetime(2099, 3, 1, 15, 0, tzinfo=datetime.UTC),
        timezone="Africa/Douala",
        venue_name="Lycée Bilingue",
        address="Rue 1.234",
        city="Yaoundé",
        country="CM",
        latitude=3.848,
        longitude=11.5021,
        languages=["fr", "en"],
        activities=["workshops"],
        website="https://example.org/jam",
        host_name="Club Raspberry",
        expected_attendees=40,
        content_language="fr",
    )

    (item,) = get(client, JAMS).json()["results"]

    assert item == {
        "id": jam.pk,
        "slug": "yaounde-jam",
        "url": "https://jams.example/en/jams/yaounde-jam/",
        "title": "Yaoundé Jam",
        "language": "fr",
        "status": "approved",
        "start": "2099-03-01T10:00:00+01:00",
        "end": "2099-03-01T16:00:00+01:00",
        "timezone": "Africa/Douala",
        "when": "March 1, 2099, 10:00 AM\u2009\u2013\u20094:00 PM",  # (CLDR's thin spaces)
        "venue": {
            "name": "Lycée Bilingue",
            "address": "Rue 1.234",
            "city": "Yaoundé",
            "country": "CM",
            "country_name": "Cameroon",
            "latitude": 3.848,
            "longitude": 11.5021,
            "private": False,
        },
        "campaign": {
            "slug": "bbw-2031",
            "name": "Big Birthday Weekend 2031",
            "url": "https://jams.example/en/campaigns/bbw-2031/",
        },
        "languages": ["fr", "en"],
        "activities": ["workshops"],
        "audience": "everyone",
        "website": "https://example.org/jam",
        "host_name": "Club Raspberry",
        "social_handle": "",
        "expected_attendees": 40,
        "series": None,
        "distance_km": None,
        "within_radius": None,
    }


def test_private_venue_is_shown_to_about_a_kilometre_without_its_address(client):
    JamFactory(venue_private=True, address="12 Secret Street", latitude=52.205337, longitude=0.121817)

    (item,) = get(client, JAMS).json()["results"]

    assert item["venue"] == {
        "name": "Cambridge Junction",
        "address": "",
        "city": "Cambridge",
        "country": "GB",
        "country_name": "United Kingdom",
        "latitude": 52.21,
        "longitude": 0.12,
        "private": True,
    }


def test_jam_list_filters_as_the_site_does(client):
    campaign = CampaignFactory(slug="bbw")
    JamFactory(title="Campaign Jam in France", campaign=campaign, country="FR", languages=["fr"])
    JamFactory(title="Jam in France", country="FR", languages=["fr"])
    JamFactory(title="Jam in Britain")
    JamFactory(
        title="Past Jam",
        start=timezone.now() - datetime.timedelta(days=30),
        end=timezone.now() - datetime.timedelta(days=30, hours=-6),
    )

    def titles(query):
        return [jam["title"] for jam in get(client, f"{JAMS}?{query}").json()["results"]]

    assert titles("campaign=bbw") == ["Campaign Jam in France"]
    assert titles("country=FR") == ["Campaign Jam in France", "Jam in France"]
    assert titles("spoken=en") == ["Jam in Britain"]
    assert titles("when=past") == ["Past Jam"]
    assert titles("when=all&country=GB") == ["Past Jam", "Jam in Britain"]
    assert titles(f"date_to={(timezone.now() - datetime.timedelta(days=1)).date()}") == ["Past Jam"]


def test_jam_list_near_a_place_by_name_is_nearest_first_with_distances(client):
    JamFactory(title="Cambridge Jam")  # at 52.2053,0.1218
    JamFactory(title="London Jam", city="London", latitude=51.5072, longitude=-0.1276)
    JamFactory(title="Manchester Jam", city="Manchester", latitude=53.4808, longitude=-2.2426)

    answer = get(client, f"{JAMS}?q=Cambridge,UK&radius=100&nearest=1").json()

    assert [(jam["title"], jam["distance_km"]) for jam in answer["results"]] == [
        ("Cambridge Jam", 0.7),
        ("London Jam", 78.8),
    ]
    assert answer["near"]["place"]["name"] == "Cambridge"
    assert answer["near"]["place"]["country"] == "GB"
    assert (answer["near"]["radius_km"], answer["near"]["nearest"]) == (100, 1)
    assert answer["alternatives"] == []


def test_jam_list_near_a_point(client):
    JamFactory(title="Cambridge Jam")
    JamFactory(title="Manchester Jam", city="Manchester", latitude=53.4808, longitude=-2.2426)

    answer = get(client, f"{JAMS}?around=53.48,-2.24&radius=10&nearest=1").json()

    assert [jam["title"] for jam in answer["results"]] == ["Manchester Jam"]
    assert answer["near"] == {"latitude": 53.48, "longitude": -2.24, "radius_km": 10, "nearest": 1, "place": None}


def test_jam_list_near_an_unknown_town_finds_nothing_and_offers_alternatives(client):
    JamFactory()

    answer = get(client, f"{JAMS}?q=Cambrige").json()

    assert (answer["count"], answer["results"], answer["near"]) == (0, [], None)
    assert "Cambridge" in [place["name"] for place in answer["alternatives"]]


def test_jam_list_refuses_bad_filters_in_the_language_asked_for(client):
    response = get(client, f"{JAMS}?around=north&days=0&page_size=1000&lang=fr")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json; charset=utf-8"
    answer = response.json()
    assert answer["error"] == "invalid"
    assert answer["message"] == "Certains paramètres ne sont pas valides."
    assert sorted(answer["parameters"]) == ["around", "days", "page_size"]
    assert answer["parameters"]["days"] == ["Assurez-vous que cette valeur est supérieure ou égale à 1."]


# --- Pagination ---


def test_jam_list_pages_link_to_each_other(client):
    for day in range(5):
        JamFactory(title=f"Jam {day}", start=timezone.now() + datetime.timedelta(days=day + 1))

    first = get(client, f"{JAMS}?page_size=2&country=GB")
    middle = get(client, f"{JAMS}?page_size=2&country=GB&page=2")
    second = middle.json()
    last = get(client, f"{JAMS}?page_size=2&country=GB&page=3").json()

    answer = first.json()
    assert [jam["title"] for jam in answer["results"]] == ["Jam 0", "Jam 1"]
    assert (answer["count"], answer["page"], answer["pages"]) == (5, 1, 3)
    assert answer["next"] == "https://jams.example/api/v1/jams?country=GB&page=2&page_size=2"
    assert answer["previous"] is None
    assert first["Link"] == '<https://jams.example/api/v1/jams?country=GB&page=2&page_size=2>; rel="next"'
    assert [jam["title"] for jam in second["results"]] == ["Jam 2", "Jam 3"]
    assert second["previous"] == "https://jams.example/api/v1/jams?country=GB&page=1&page_size=2"
    assert second["next"] == "https://jams.example/api/v1/jams?country=GB&page=3&page_size=2"
    assert middle["Link"] == (
        '<https://jams.example/api/v1/jams?country=GB&page=3&page_size=2>; rel="next", '
        '<https://jams.example/api/v1/jams?country=GB&page=1&page_size=2>; rel="prev"'
    )
    assert [jam["title"] for jam in last["results"]] == ["Jam 4"]
    assert last["next"] is None


def test_jam_list_near_a_place_pages_too(client):
    for n in range(3):
        JamFactory(title=f"Jam {n}", latitude=52.2053 + n / 100)

    answer = get(client, f"{JAMS}?around=52.2053,0.1218&page_size=2&page=2").json()

    assert [jam["title"] for jam in answer["results"]] == ["Jam 2"]
    assert (answer["count"], answer["pages"]) == (3, 2)


def test_a_page_past_the_last_is_a_json_404(client):
    JamFactory()

    response = get(client, f"{JAMS}?page=3&lang=de")

    assert response.status_code == 404
    assert response.json() == {"error": "no_such_page", "message": "Diese Seite gibt es nicht: Die letzte ist Seite 1."}


# --- One Jam ---


def test_jam_detail_has_its_description_in_the_language_asked_for(client):
    jam = JamFactory(slug="cambridge", title="Cambridge Jam", description="Come and *make* things.")
    jam_services.jam_translation_save(
        jam, by=jam.organiser, language="de", title="Cambridge-Jam", description="Bastelt mit."
    )

    german = get(client, "/api/v1/jams/cambridge?lang=de").json()
    english = get(client, "/api/v1/jams/cambridge").json()

    assert (german["title"], german["description"], german["language"]) == ("Cambridge-Jam", "Bastelt mit.", "de")
    assert german["description_html"] == "<p>Bastelt mit.</p>"
    assert german["venue"]["country_name"] == "Vereinigtes Königreich"
    assert (english["title"], english["description"], english["language"]) == (
        "Cambridge Jam",
        "Come and *make* things.",
        "en",
    )


@pytest.mark.parametrize("status", [Jam.Status.DRAFT, Jam.Status.SUBMITTED, Jam.Status.REJECTED])
def test_jam_detail_of_a_jam_the_public_cannot_see_is_a_json_404(client, status):
    JamFactory(slug="hidden", status=status, approved_at=None)

    response = get(client, "/api/v1/jams/hidden")

    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "The public API has nothing at this address."}


def test_jam_detail_of_a_jam_cancelled_after_approval_says_so(client):
    JamFactory(slug="off", status=Jam.Status.CANCELLED)

    assert get(client, "/api/v1/jams/off").json()["status"] == "cancelled"


# --- Campaigns ---


def test_campaigns_have_their_names_in_the_language_asked_for_and_their_figures(client):
    campaign = CampaignFactory(
        name="Big Birthday Weekend", slug="bbw", starts_on=datetime.date(2099, 3, 1), ends_on=datetime.date(2099, 3, 2)
    )
    CampaignTranslation.objects.create(campaign=campaign, language="ja", name="ビッグ・バースデー・ウィークエンド")
    JamFactory(campaign=campaign)
    JamFactory(campaign=campaign, country="FR")
    JamFactory(campaign=campaign, status=Jam.Status.DRAFT, approved_at=None, country="DE")

    (japanese,) = get(client, "/api/v1/campaigns", **{"Accept-Language": "ja,en;q=0.5"}).json()["results"]
    detail = get(client, "/api/v1/campaigns/bbw").json()

    assert japanese["name"] == "ビッグ・バースデー・ウィークエンド"
    assert (japanese["jams"], japanese["countries"]) == (2, 2)
    assert detail == {
        "slug": "bbw",
        "name": "Big Birthday Weekend",
        "description": "",
        "url": "https://jams.example/en/campaigns/bbw/",
        "starts_on": "2099-03-01",
        "ends_on": "2099-03-02",
        "submission_deadline": None,
        "hashtag": "#PiParty",
        "artwork_url": None,
        "jams": 2,
        "countries": 2,
    }


# --- Places ---


def test_places_are_named_in_the_language_asked_for(client):
    answer = get(client, "/api/v1/places?q=Tehran&lang=fa").json()

    assert answer["language"] == "fa"
    assert answer["results"][0]["name"] == "تهران"
    assert answer["results"][0]["country"] == "IR"
    assert answer["results"][0]["country_name"] == "ایران"


def test_places_without_a_query_are_refused(client):
    response = get(client, "/api/v1/places")

    assert response.status_code == 400
    assert response.json()["parameters"] == {"q": ["This field is required."]}


# --- Language ---


def test_an_unknown_language_is_refused_naming_the_ones_there_are(client):
    response = get(client, f"{JAMS}?lang=xx")

    assert response.status_code == 400
    assert response.json()["parameters"]["lang"] == [
        "Unknown language: use one of en, cy, de, es, fr, it, nl, pl, pt-br, fa, ja, zh-hant."
    ]


def test_an_unknown_language_is_refused_in_the_language_of_accept_language(client):
    response = get(client, f"{JAMS}?lang=xx", **{"Accept-Language": "nl"})

    assert response.status_code == 400
    assert response["Content-Language"] == "nl"
    assert response.json()["parameters"]["lang"] == [
        "Onbekende taal: gebruik een van en, cy, de, es, fr, it, nl, pl, pt-br, fa, ja, zh-hant."
    ]


def test_the_schema_documents_every_address_and_the_docs_page_shows_it(client):
    schema = get(client, "/api/v1/openapi.json").json()
    docs = get(client, "/api/v1/docs")

    assert sorted(schema["paths"]) == [
        "/api/v1/",
        "/api/v1/campaigns",
        "/api/v1/campaigns/{slug}",
        "/api/v1/jams",
        "/api/v1/jams.geojson",
        "/api/v1/jams/{slug}",
        "/api/v1/places",
        "/api/v1/series/{series_id}",
    ]
    jam_parameters = [parameter["name"] for parameter in schema["paths"]["/api/v1/jams"]["get"]["parameters"]]
    assert jam_parameters == [
        "campaign", "country", "spoken", "q", "around", "radius", "nearest", "bbox",
        "days", "date_from", "date_to", "when", "page", "page_size", "lang",
    ]  # fmt: skip
    assert sorted(schema["paths"]["/api/v1/jams"]["get"]["responses"]) == ["200", "400", "404", "429"]
    assert docs.status_code == 200
    assert b"/api/v1/openapi.json" in docs.content


def test_accept_language_picks_the_first_language_the_site_speaks(client):
    JamFactory(country="JP")

    response = get(client, JAMS, **{"Accept-Language": "sv, pt-BR;q=0.9, en;q=0.8"})

    assert response.json()["language"] == "pt-br"
    assert response.json()["results"][0]["venue"]["country_name"] == "Japão"
    assert response["Content-Language"] == "pt-br"


# --- Open to other sites, cacheable, limited ---


def test_any_site_may_read_the_api_without_credentials(client):
    JamFactory()

    response = get(client, JAMS, Origin="https://club.example")

    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    assert response["Access-Control-Expose-Headers"] == "ETag, Link, Retry-After, Content-Language"


def test_a_preflight_is_answered_for_reads_only(client):
    response = client.options(JAMS, headers={"Origin": "https://club.example", "Access-Control-Request-Method": "GET"})

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert response["Access-Control-Allow-Headers"] == "Accept-Language, If-None-Match"
    assert response["Access-Control-Max-Age"] == "86400"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_a_write_is_refused_in_json(client, method):
    JamFactory(slug="cambridge")

    response = getattr(client, method)("/api/v1/jams/cambridge", headers={"Origin": "https://club.example"})

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {
        "error": "method_not_allowed",
        "message": f"This address does not take {method.upper()}: use GET, HEAD, OPTIONS.",
    }
    assert Jam.objects.filter(slug="cambridge").exists()


@pytest.mark.parametrize("path", ["/api/v1/nope", "/api/v1/jams/", "/api/v1/campaigns/nope"])
def test_an_address_the_api_does_not_have_is_a_json_404(client, path):
    response = get(client, path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"error": "not_found", "message": "The public API has nothing at this address."}


def test_answers_may_be_kept_a_minute_and_asked_again_with_their_etag(client):
    JamFactory()

    first = get(client, JAMS)
    again = get(client, JAMS, **{"If-None-Match": first["ETag"]})

    assert first["Cache-Control"] == "public, max-age=60"
    assert sorted(part.strip() for part in first["Vary"].split(",")) == ["Accept-Language", "Cookie"]
    assert first["ETag"]
    assert again.status_code == 304
    assert again.content == b""
    assert again["Access-Control-Allow-Origin"] == "*"


def test_a_cancelled_jam_leaves_the_kept_answer_at_once(client, django_capture_on_commit_callbacks):
    JamFactory(title="Staying Jam")
    leaving = JamFactory(title="Leaving Jam")
    first = get(client, JAMS)

    with django_capture_on_commit_callbacks(execute=True):
        jam_services.jam_cancel(leaving, by=leaving.organiser, reason="Ill")
    again = get(client, JAMS, **{"If-None-Match": first["ETag"]})

    assert [jam["title"] for jam in first.json()["results"]] == ["Staying Jam", "Leaving Jam"]
    assert again.status_code == 200
    assert [jam["title"] for jam in again.json()["results"]] == ["Staying Jam"]
    assert again["ETag"] != first["ETag"]


def test_each_address_is_limited_and_told_when_to_ask_again_in_json(client, settings):
    settings.PUBLIC_API_REQUESTS_PER_MINUTE = 3
    for _ in range(3):
        assert get(client, JAMS, **{"X-Forwarded-For": "ignored"}).status_code == 200

    refused = get(client, f"{JAMS}?lang=ja")
    other_address = client.get(JAMS, REMOTE_ADDR="192.0.2.7")

    assert refused.status_code == 429
    assert refused.json() == {
        "error": "rate_limited",
        "message": refused.json()["message"],
    }
    assert refused["Content-Language"] == "ja"
    assert 1 <= int(refused["Retry-After"]) <= 60
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert other_address.status_code == 200


def test_head_is_answered_as_get_without_a_body(client):
    JamFactory()

    response = client.head(JAMS)

    assert response.status_code == 200
    assert response.content == b""
    assert response["Content-Type"] == "application/json; charset=utf-8"


# --- Query counts: the same for one Jam as for three ---


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?when=all",
        "?country=GB&lang=de",
        "?around=52.2,0.12&radius=500",
        "?q=Cambridge,UK&lang=fr",
        "?bbox=-11,35,30,60",
        "?bbox=-11,35,30,60&around=52.2,0.12&radius=500",
    ],
)
def test_jam_list_costs_the_same_queries_for_more_jams(assert_constant_queries, query):
    campaign = CampaignFactory()
    CampaignTranslation.objects.create(campaign=campaign, language="de", name="Geburtstag")
    JamFactory(campaign=campaign)

    def more():
        for n in range(2):
            jam = JamFactory(campaign=CampaignFactory(), latitude=52.2 + n / 10)
            jam_services.jam_translation_save(jam, by=jam.organiser, language="de", title="Jam", description="Hallo")

    assert_constant_queries(JAMS + query, more)


def test_campaign_list_costs_the_same_queries_for_more_campaigns(assert_constant_queries):
    CampaignTranslation.objects.create(campaign=CampaignFactory(), language="fr", name="Anniversaire")
    JamFactory(campaign=CampaignFactory())

    def more():
        for _ in range(2):
            campaign = CampaignFactory()
            CampaignTranslation.objects.create(campaign=campaign, language="fr", name="Anniversaire")
            JamFactory(campaign=campaign)

    assert_constant_queries("/api/v1/campaigns?lang=fr", more)


def test_jam_list_in_a_box_as_the_map_asks_for_it(client):
    JamFactory(title="Cambridge Jam")
    JamFactory(title="Fiji Jam", city="Suva", country="FJ", latitude=-18.14, longitude=178.44, timezone="Pacific/Fiji")
    JamFactory(
        title="Samoa Jam", city="Apia", country="WS", latitude=-13.83, longitude=-171.76, timezone="Pacific/Apia"
    )

    def titles(query):
        return sorted(jam["title"] for jam in get(client, f"{JAMS}?{query}").json()["results"])

    assert titles("bbox=-11,35,30,60") == ["Cambridge Jam"]
    assert titles("bbox=170,-25,-165,-5") == ["Fiji Jam", "Samoa Jam"]  # across the antimeridian
    assert titles("bbox=170,-25,-165,-5&around=-18,178&nearest=1&radius=1") == ["Fiji Jam"]
    assert titles("bbox=170,-25,179,-5&around=-14,-171&nearest=1&radius=1") == ["Fiji Jam"]


def test_jam_list_refuses_a_box_upside_down(client):
    response = get(client, f"{JAMS}?bbox=0,60,10,50")

    assert response.status_code == 400
    assert response.json()["parameters"] == {
        "bbox": ["Longitudes must be between -180 and 180, latitudes between -90 and 90, south below north."]
    }


def test_only_the_docs_are_outside_the_content_security_policy(client):
    assert "Content-Security-Policy" not in get(client, "/api/v1/docs")  # Swagger UI's inline script
    assert "Content-Security-Policy" in get(client, JAMS)


# --- Series ---


def test_a_repeating_jam_is_one_series_with_its_rule_and_public_dates(client):
    from jamportal.jams.tests.test_series_views import approved_series

    series = approved_series(count=3)
    dates = list(series.occurrences.order_by("occurrence_start"))
    jam_services.series_date_skip(dates[1], by=dates[1].organiser)

    answer = get(client, f"/api/v1/series/{series.pk}?lang=de").json()
    one = get(client, f"/api/v1/jams/{dates[0].slug}").json()

    assert answer["id"] == series.pk
    assert answer["url"] == f"https://jams.example/de/series/{series.pk}/"
    assert answer["rrule"] == "FREQ=MONTHLY;BYDAY=2SA;COUNT=3"
    with translation.override("de"):
        assert answer["rule"] == series.rule_in_words  # "Jeden Monat am zweiten Samstag"...
    assert answer["timezone"] == "Europe/London"
    assert [(d["slug"], d["status"]) for d in answer["dates"]] == [
        (dates[0].slug, "approved"),
        (dates[1].slug, "cancelled"),
        (dates[2].slug, "approved"),
    ]
    assert one["series"] == series.pk


def test_a_draft_series_is_nobodys_business(client):
    from jamportal.jams.tests.test_series import monthly_jam

    draft = monthly_jam(status=Jam.Status.DRAFT, approved_at=None)
    series = jam_services.series_create(draft, by=draft.organiser, frequency="weekly", count=2)

    response = get(client, f"/api/v1/series/{series.pk}")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_a_series_costs_the_same_queries_for_more_dates(assert_constant_queries):
    from jamportal.jams.tests.test_series_views import approved_series

    series = approved_series()

    def more():
        jam_services.series_extend(series, now=timezone.now() + datetime.timedelta(days=70))

    assert_constant_queries(f"/api/v1/series/{series.pk}?lang=fr", more)


# --- issue 22 (outsider): results beyond the radius are marked ---


def test_jam_list_near_a_place_marks_which_jams_are_within_the_radius(client):
    JamFactory(title="Cambridge Jam")  # at 52.2053,0.1218
    JamFactory(title="London Jam", city="London", latitude=51.5072, longitude=-0.1276)
    JamFactory(title="Manchester Jam", city="Manchester", latitude=53.4808, longitude=-2.2426)

    answer = get(client, f"{JAMS}?q=Cambridge,UK&radius=50&nearest=3").json()

    assert [(jam["title"], jam["within_radius"]) for jam in answer["results"]] == [
        ("Cambridge Jam", True),
        ("London Jam", False),
        ("Manchester Jam", False),
    ]


# --- issue 22 (outsider): /api/v1/ and a path's wrong number ---


def test_the_api_root_is_a_small_json_index_pointing_to_the_docs(client):
    response = get(client, "/api/v1/")

    assert response.status_code == 200
    assert response.json() == {
        "docs": "https://jams.example/api/v1/docs",
        "openapi": "https://jams.example/api/v1/openapi.json",
        "jams": "https://jams.example/api/v1/jams",
        "campaigns": "https://jams.example/api/v1/campaigns",
        "map": "https://jams.example/api/v1/jams.geojson",
        "places": "https://jams.example/api/v1/places",
    }
    assert (get(client, "/api/v1").status_code, get(client, "/api/v1")["Location"]) == (301, "/api/v1/")


@pytest.mark.parametrize(
    ("language", "message"), [("en", "Enter a whole number."), ("fr", "Saisissez un nombre entier.")]
)
def test_a_series_number_that_is_not_one_is_refused_saying_why_in_the_asked_language(client, language, message):
    response = get(client, "/api/v1/series/abc", **{"Accept-Language": language})

    assert response.status_code == 400
    assert response.json()["parameters"] == {"series_id": [message]}
