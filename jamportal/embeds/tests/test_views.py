"""The embedded pages: what each shows, in which language, who may frame them."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from jamportal.jams import services as jam_services
from jamportal.jams.models import CampaignTranslation, Jam
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, UserFactory
from jamportal.jams.tests.test_series import monthly_jam
from jamportal.jams.tests.test_series_views import approved_series

pytestmark = pytest.mark.django_db


def embed_url(name, *args, language="en"):
    with translation.override(language):
        return reverse(f"embeds:{name}", args=args)


def frame_ancestors(response):
    policy = response["Content-Security-Policy"]
    return next(part.strip() for part in policy.split(";") if part.strip().startswith("frame-ancestors"))


# Framing: the embeds, and only they, may be framed by another site.


@pytest.fixture
def pages():
    campaign = CampaignFactory(slug="bbw")
    jam = JamFactory(slug="leeds-jam", title="Leeds Jam", campaign=campaign)
    return {"jam": jam, "campaign": campaign}


EMBED_PAGES = [
    lambda p: embed_url("jam", p["jam"].slug),
    lambda p: embed_url("organiser-jams", p["jam"].slug),
    lambda p: embed_url("jam-list") + "?q=Leeds",
    lambda p: embed_url("jam-list") + "?country=GB",
    lambda p: embed_url("campaign-map", p["campaign"].slug),
    lambda p: embed_url("jam", "no-such-jam"),
    lambda p: "/embed/jams/?lang=fr",
]
SITE_PAGES = [
    lambda p: reverse("jams:home"),
    lambda p: reverse("jams:home") + "?country=GB",
    lambda p: reverse("jams:detail", args=[p["jam"].slug]),
    lambda p: reverse("jams:campaign", args=[p["campaign"].slug]),
    lambda p: reverse("jams:detail", args=["no-such-jam"]),
]


@pytest.mark.parametrize("url", EMBED_PAGES, ids=["jam", "ours", "near", "country", "map", "missing", "neutral"])
def test_embed_pages_may_be_framed_by_any_site(client, pages, url):
    response = client.get(url(pages))

    assert response.status_code in (200, 302, 404)
    assert "X-Frame-Options" not in response
    assert frame_ancestors(response) == "frame-ancestors *"


@pytest.mark.parametrize("url", SITE_PAGES, ids=["home", "country", "jam", "campaign", "missing"])
def test_site_pages_still_refuse_framing(client, pages, url):
    response = client.get(url(pages))

    assert response["X-Frame-Options"] == "DENY"
    assert frame_ancestors(response) == "frame-ancestors 'none'"


@pytest.mark.parametrize("url", EMBED_PAGES[:5], ids=["jam", "ours", "near", "country", "map"])
def test_an_embed_asked_again_may_still_be_framed(client, pages, url):
    """A browser that kept the page asks again with its ETag: the 304 must allow the
    frame too, or the embed goes blank for everyone coming back (found by the outsider pass)."""
    first = client.get(url(pages))

    again = client.get(url(pages), headers={"If-None-Match": first["ETag"]})

    assert first.status_code == 200
    assert again.status_code == 304
    assert "X-Frame-Options" not in again
    assert frame_ancestors(again) == "frame-ancestors *"


def test_embed_frame_ancestors_follow_the_setting(client, pages, settings):
    settings.EMBED_FRAME_ANCESTORS = ["https://school.example"]

    response = client.get(embed_url("jam", "leeds-jam"))

    assert frame_ancestors(response) == "frame-ancestors https://school.example"


# The language: the snippet's `lang`, else the visitor's browser.


@pytest.mark.parametrize(
    ("query", "accept", "expected"),
    [
        ("?lang=fr", "de", "/fr/embed/jams/leeds-jam/"),
        ("?lang=pt_BR", "", "/pt-br/embed/jams/leeds-jam/"),
        ("?lang=zh-Hant", "", "/zh-hant/embed/jams/leeds-jam/"),
        ("", "fa-IR,fa;q=0.9", "/fa/embed/jams/leeds-jam/"),
        ("?lang=xx", "ja", "/ja/embed/jams/leeds-jam/"),
        ("", "", "/en/embed/jams/leeds-jam/"),
    ],
)
def test_embed_address_without_language_redirects_to_the_visitors(client, query, accept, expected):
    response = client.get(f"/embed/jams/leeds-jam/{query}", headers={"accept-language": accept})

    assert response.status_code == 302
    assert response["Location"] == expected
    assert "Accept-Language" in response["Vary"]


def test_embed_redirect_keeps_the_other_parameters(client):
    response = client.get("/embed/jams/?q=Douala&radius=30&lang=fr")

    assert response["Location"] == "/fr/embed/jams/?q=Douala&radius=30"


def test_embed_jam_is_in_the_language_of_its_address(client, pages):
    response = client.get(embed_url("jam", "leeds-jam", language="fa"))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fa" dir="rtl"' in html
    assert "<bdi>Leeds Jam</bdi>" in html
    assert "بیشتر در JamPortal" in html
    assert '<base target="_blank">' in html
    assert 'href="/fa/jams/leeds-jam/" rel="noopener"' in html
    assert "site-header" not in html
    assert "site-footer" not in html


def test_embed_jam_says_a_cancelled_jam_is_cancelled(client):
    JamFactory(slug="gone", status=Jam.Status.CANCELLED)

    response = client.get(embed_url("jam", "gone"))

    assert response.status_code == 200
    assert "This Jam has been cancelled." in response.content.decode()


@pytest.mark.parametrize("status", [Jam.Status.DRAFT, Jam.Status.SUBMITTED, Jam.Status.REJECTED])
def test_embed_of_a_jam_not_public_is_not_found_even_for_its_organiser(client, status):
    jam = JamFactory(slug="secret", title="Secret Jam", status=status, approved_at=None)
    client.force_login(jam.organiser)

    responses = [client.get(embed_url(name, "secret")) for name in ("jam", "organiser-jams")]

    assert [r.status_code for r in responses] == [404, 404]
    assert all(b"Secret Jam" not in r.content for r in responses)
    assert all(b"This Jam or campaign is not on JamPortal" in r.content for r in responses)


# "Our Jams": the organiser's upcoming public Jams.


def test_embed_organiser_jams_lists_only_their_upcoming_public_jams(client):
    organiser = UserFactory()
    now = timezone.now()
    JamFactory(slug="ours-1", title="Ours later", organiser=organiser, start=now + datetime.timedelta(days=20))
    JamFactory(title="Ours sooner", organiser=organiser, start=now + datetime.timedelta(days=3))
    JamFactory(title="Ours past", organiser=organiser, start=now - datetime.timedelta(days=3))
    JamFactory(title="Ours draft", organiser=organiser, status=Jam.Status.DRAFT, approved_at=None)
    JamFactory(title="Someone else's")

    html = client.get(embed_url("organiser-jams", "ours-1")).content.decode()

    shown = [
        title for title in ("Ours sooner", "Ours later", "Ours past", "Ours draft", "Someone else's") if title in html
    ]
    assert shown == ["Ours sooner", "Ours later"]
    assert html.index("Ours sooner") < html.index("Ours later")


def test_embed_organiser_jams_query_count_does_not_grow(assert_constant_queries):
    jam = JamFactory(slug="anchor")

    assert_constant_queries(
        embed_url("organiser-jams", "anchor"), lambda: JamFactory.create_batch(3, organiser=jam.organiser)
    )


# "Jams near us" and a country's Jams.


def test_embed_list_near_a_place_shows_the_nearest_with_distances(client):
    JamFactory(title="Leeds Jam", city="Leeds", latitude=53.7997, longitude=-1.5492)
    JamFactory(title="Tokyo Jam", city="Tokyo", country="JP", latitude=35.68, longitude=139.76)

    html = client.get(embed_url("jam-list", language="fr") + "?q=Leeds&radius=30&nearest=1").content.decode()

    assert "<h1>Jams près de \u2068Leeds\u2069</h1>" in html
    assert "Leeds Jam" in html
    assert "Tokyo Jam" not in html
    assert '<span class="distance">' in html


def test_embed_list_near_a_position(client):
    JamFactory(title="Leeds Jam", latitude=53.7997, longitude=-1.5492)

    html = client.get(embed_url("jam-list") + "?around=53.8,-1.55").content.decode()

    assert "<h1>Jams nearby</h1>" in html
    assert "Leeds Jam" in html


def test_embed_list_of_a_country(client):
    JamFactory(title="Douala Jam", country="CM", city="Douala")
    JamFactory(title="Leeds Jam")

    html = client.get(embed_url("jam-list", language="fr") + "?country=CM").content.decode()

    assert "<title>Jams – Cameroun · JamPortal</title>" in html
    assert "Douala Jam" in html
    assert "Leeds Jam" not in html


def test_embed_list_of_an_unknown_place_says_so(client):
    html = client.get(embed_url("jam-list") + "?q=Qqqqzzzzxx").content.decode()

    assert "We do not know a place called “<bdi>Qqqqzzzzxx</bdi>”" in html


@pytest.mark.parametrize("query", ["?radius=-4", "?around=999,999", "?country=ZZ", "?campaign=nope", "?when=later"])
def test_embed_list_with_wrong_settings_says_so(client, query):
    response = client.get(embed_url("jam-list") + query)

    assert response.status_code == 200
    assert "This embed’s settings are not valid" in response.content.decode().replace("'", "’").replace("&#x27;", "’")


def test_embed_list_links_to_the_rest_on_the_portal(client, monkeypatch):
    monkeypatch.setattr("jamportal.embeds.selectors.EMBED_LIST_LIMIT", 2)
    JamFactory.create_batch(3, country="CM")

    html = client.get(embed_url("jam-list") + "?country=CM").content.decode()

    assert html.count('<li class="embed-jam') == 2
    assert '<a href="/en/?country=CM" rel="noopener">See all 3 Jams</a>' in html


def test_embed_list_query_count_does_not_grow(assert_constant_queries):
    JamFactory(country="CM")

    assert_constant_queries(embed_url("jam-list") + "?country=CM", lambda: JamFactory.create_batch(3, country="CM"))


def test_embed_list_near_query_count_does_not_grow(assert_constant_queries):
    JamFactory(latitude=53.8, longitude=-1.55)

    assert_constant_queries(
        embed_url("jam-list") + "?q=Leeds", lambda: JamFactory.create_batch(3, latitude=53.81, longitude=-1.56)
    )


# A campaign's map.


def test_embed_campaign_map_has_the_campaigns_map(client, pages):
    html = client.get(embed_url("campaign-map", "bbw", language="ja")).content.decode()

    assert '<html lang="ja" dir="ltr"' in html
    assert 'data-geojson-url="/api/v1/jams.geojson?lang=ja&amp;v=' in html
    assert "campaign=bbw&amp;when=all" in html
    assert 'id="jam-map"' in html


def test_embed_campaign_map_query_count_does_not_grow(assert_constant_queries, pages):
    assert_constant_queries(
        embed_url("campaign-map", "bbw"), lambda: JamFactory.create_batch(3, campaign=pages["campaign"], country="FR")
    )


# Kept whole, like the site's pages.


def test_embed_pages_are_kept_whole_for_visitors(client, pages):
    url = embed_url("jam", "leeds-jam")
    first = client.get(url)

    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)

    assert len(queries) == 0
    assert second.content == first.content
    assert "public" in second["Cache-Control"]
    assert "X-Frame-Options" not in second
    assert frame_ancestors(second) == "frame-ancestors *"


# "Embed this" on the site's pages.


def test_jam_page_offers_embed_this_for_a_public_jam(client, pages):
    html = client.get(reverse("jams:detail", args=["leeds-jam"])).content.decode()

    assert "Embed this" in html
    assert 'data-path="jams/leeds-jam/ours/"' in html
    assert 'data-script="https://jams.example/static/embeds/jamportal-embed.js"' in html


def test_jam_page_of_a_draft_offers_no_embed(client):
    jam = JamFactory(slug="draft", status=Jam.Status.DRAFT, approved_at=None)
    client.force_login(jam.organiser)

    html = client.get(reverse("jams:detail", args=["draft"])).content.decode()

    assert "Embed this" not in html


def test_country_page_offers_embed_this_only_with_a_country(client, pages):
    with_country = client.get(reverse("jams:home") + "?country=CM").content.decode()
    without = client.get(reverse("jams:home")).content.decode()

    assert 'data-path="jams/?country=CM"' in with_country
    assert "Embed this" not in without


def test_campaign_page_offers_its_map_and_list(client, pages):
    html = client.get(reverse("jams:campaign", args=["bbw"])).content.decode()

    assert 'data-path="campaigns/bbw/map/"' in html
    assert 'data-path="jams/?campaign=bbw"' in html


@pytest.mark.slow  # collectstatic
def test_embed_snippet_names_the_scripts_lasting_address_in_production(client, pages, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = settings.MEDIA_ROOT.parent / "static-root"
    call_command("collectstatic", "--no-input", verbosity=0)

    html = client.get(reverse("jams:detail", args=["leeds-jam"])).content.decode()

    assert 'data-script="https://jams.example/static/embeds/jamportal-embed.js"' in html
    assert '<script src="/static/embeds/jamportal-embed.' in html  # the page's own copy: hashed


# --- series embed ---


def series_with_a_past_and_a_skipped_date():
    series = approved_series(count=4)
    first, _second, third, _fourth = series.occurrences.order_by("occurrence_start")
    jam_services.series_date_skip(third, by=third.organiser, reason="")
    past = timezone.now() - datetime.timedelta(days=30)
    Jam.objects.filter(pk=first.pk).update(start=past, end=past + datetime.timedelta(hours=3))
    return series


def test_embed_series_shows_its_rule_next_dates_and_past_ones_in_the_language_of_its_address(client):
    series = series_with_a_past_and_a_skipped_date()
    first, second, _third, _fourth = series.occurrences.order_by("occurrence_start")

    response = client.get(embed_url("series", series.pk, language="fr"))
    html = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="fr" dir="ltr"' in html
    assert "Cambridge Jam" in html
    assert "Chaque mois, le deuxième samedi" in html
    assert "4 dates en tout" in html
    with translation.override("fr"):
        second_url, first_url = second.get_absolute_url(), first.get_absolute_url()
    assert html.index("Prochaines dates") < html.index(second_url) < html.index("Dates passées") < html.index(first_url)
    assert html.count('class="embed-jam cancelled"') == 1
    assert f'href="/fr/series/{series.pk}/"' in html
    assert frame_ancestors(response) == "frame-ancestors *"


def test_embed_series_of_a_draft_series_is_not_found(client):
    jam = monthly_jam(title="Hidden Jam", status=Jam.Status.DRAFT, approved_at=None)
    series = jam_services.series_create(jam, by=jam.organiser, frequency="weekly", count=2)

    response = client.get(embed_url("series", series.pk))

    assert response.status_code == 404
    assert "Hidden Jam" not in response.content.decode()
    assert frame_ancestors(response) == "frame-ancestors *"


def test_embed_series_query_count_does_not_grow_with_its_dates(assert_constant_queries):
    series = approved_series(count=6)
    later = [jam.pk for jam in series.occurrences.order_by("occurrence_start")[2:]]
    Jam.objects.filter(pk__in=later).update(status=Jam.Status.DRAFT)
    campaign = CampaignFactory()
    CampaignTranslation.objects.create(campaign=campaign, language="en", name="Birthday")
    series.occurrences.update(campaign=campaign)

    def more():
        Jam.objects.filter(pk__in=later).update(status=Jam.Status.APPROVED, campaign=CampaignFactory())

    assert_constant_queries(embed_url("series", series.pk), more)


def test_series_page_offers_embed_this_with_the_series_element(client):
    series = approved_series(count=3)

    html = client.get(reverse("jams:series", args=[series.pk])).content.decode()

    assert "Embed this" in html
    assert f'data-path="series/{series.pk}/"' in html
    assert f'data-attributes="{{&quot;series&quot;: &quot;{series.pk}&quot;}}"' in html


def test_series_page_of_a_draft_series_offers_no_embed_even_to_its_organiser(client):
    jam = monthly_jam(status=Jam.Status.DRAFT, approved_at=None)
    series = jam_services.series_create(jam, by=jam.organiser, frequency="weekly", count=2)
    client.force_login(jam.organiser)

    response = client.get(reverse("jams:series", args=[series.pk]))

    assert response.status_code == 200
    assert "Embed this" not in response.content.decode()


# --- issue 22 (outsider): Jams beyond the radius are set apart ---


def test_embed_list_near_a_place_sets_jams_beyond_the_radius_under_further_away(client):
    JamFactory(title="Leeds Jam", city="Leeds", latitude=53.7997, longitude=-1.5492)
    JamFactory(title="York Jam", city="York", latitude=53.96, longitude=-1.08)
    JamFactory(title="London Jam", city="London", latitude=51.5, longitude=-0.12)

    html = client.get(embed_url("jam-list") + "?q=Leeds&radius=50&nearest=3").content.decode()

    divider = '<h2 class="near-further" id="near-further">Further away than 50 km</h2>'
    assert html.index("Leeds Jam") < html.index("York Jam") < html.index(divider) < html.index("London Jam")
    assert "No Jams within" not in html


# --- issue 22 (outsider): a jam attribute with "/" in it ---


@pytest.mark.parametrize("path", ["/en/embed/jams/a%2Fb/", "/en/embed/jams/a/b/c/", "/en/embed/nothing-here"])
def test_an_address_no_embed_has_answers_the_framed_not_found_page(client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert "X-Frame-Options" not in response
    assert frame_ancestors(response) == "frame-ancestors *"
    assert "This Jam or campaign is not on JamPortal, or no longer public." in response.content.decode()
