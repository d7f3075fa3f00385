"""The site's chrome and front pages as a first-time visitor meets them (issue 19):
tab titles, the favicon, the home page's introduction, campaign pages and the
photo wall. The browser checks (menus inside the viewport) are in
test_site_chrome_browser.py."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image, PngImagePlugin

from jamportal import pagecache
from jamportal.jams import services
from jamportal.jams.models import Campaign
from jamportal.jams.tests.factories import PASSWORD, CampaignFactory, JamFactory, UserFactory

pytestmark = pytest.mark.django_db

TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def en(name, *args, **kwargs):
    with translation.override("en"):
        return reverse(name, args=args, kwargs=kwargs)


def title_of(response):
    return TITLE.search(response.content.decode()).group(1)


@pytest.fixture
def jam():
    return JamFactory(title="Cambridge Birthday Jam", campaign=CampaignFactory(name="Big Birthday Weekend"))


# Tab titles: "Page · JamPortal" on every kind of page


@pytest.mark.parametrize(
    ("name", "url", "signed_in", "expected"),
    [
        ("home", lambda jam: en("jams:home"), False, "Find a Raspberry Jam"),
        ("jam", lambda jam: jam.get_absolute_url(), False, "Cambridge Birthday Jam"),
        ("photos", lambda jam: en("feed:photos", jam.slug), False, "Photos of Cambridge Birthday Jam"),
        ("campaign", lambda jam: en("jams:campaign", jam.campaign.slug), False, "Big Birthday Weekend"),
        ("campaigns", lambda jam: en("jams:campaigns"), False, "Campaigns"),
        ("wall", lambda jam: en("feed:wall", jam.campaign.slug), False, "Photo wall: Big Birthday Weekend"),
        ("resources", lambda jam: en("jams:resources"), False, None),
        ("sign in", lambda jam: en("account_login"), False, "Sign in"),
        ("sign up", lambda jam: en("account_signup"), False, "Sign up"),
        ("not found", lambda jam: "/en/no-such-page/", False, None),
        ("dashboard", lambda jam: en("dashboard"), True, None),
        ("new jam", lambda jam: en("jams:create"), True, None),
        ("account", lambda jam: en("account"), True, None),
    ],
)
def test_every_page_type_is_titled_page_then_site(client, jam, name, url, signed_in, expected):
    if signed_in:
        client.login(email=jam.organiser.email, password=PASSWORD)

    title = title_of(client.get(url(jam)))

    page, separator, site = title.rpartition(" · ")
    assert (separator, site) == (" · ", "JamPortal"), title
    assert page.strip(), title
    assert "JamPortal" not in page, title
    if expected:
        assert page == expected


def test_a_page_without_a_title_of_its_own_is_just_the_site_name(rf):
    template = engines["django"].from_string(
        '{% extends "base.html" %}{% block content %}<p>No title here.</p>{% endblock %}'
    )
    html = template.render({}, rf.get("/en/"))

    assert "<title>JamPortal</title>" in html


# The favicon


def test_favicon_ico_is_our_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert "max-age" in response["Cache-Control"]
    icon = Image.open(io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content])))
    assert icon.format == "ICO"
    assert {(16, 16), (32, 32), (48, 48)} <= set(icon.info["sizes"])


def test_every_page_links_the_svg_icon_and_the_ico(client, jam):
    html = client.get(jam.get_absolute_url()).content.decode()

    assert re.search(r'<link rel="icon" href="/static/branding/favicon\.svg" type="image/svg\+xml">', html)
    assert '<link rel="icon" href="/favicon.ico" sizes="48x48">' in html
    # (the browser tests load the SVG from the served stack: test_site_chrome_browser.py)


# The photo wall


def test_an_empty_wall_says_what_will_appear_and_what_to_do(client, jam):
    html = client.get(en("feed:wall", jam.campaign.slug)).content.decode()

    empty = re.search(r'<div class="wall-empty no-photos">(.*?)</div>', html, re.S).group(1)
    assert "No photos yet" in empty
    assert "Keep this page open" in empty
    assert f'href="{en("jams:campaign", jam.campaign.slug)}"' in empty


# The home page's introduction and the current campaign


def test_home_introduces_jams_with_one_primary_action(client):
    html = client.get(en("jams:home")).content.decode()

    intro = re.search(r'<section class="intro"[^>]*>(.*?)</section>', html, re.S).group(1)
    assert "free" in intro
    assert "all ages" in intro
    assert re.search(r'<a class="button" href="#id_q"[^>]*>Find a Jam near you</a>', intro)
    assert re.search(rf'<a class="button secondary" href="{en("jams:create")}">Run a Jam</a>', intro)


def test_home_shows_the_current_campaign_with_its_dates_and_link(client):
    today = timezone.localdate()
    CampaignFactory(name="Last Year", starts_on=today - datetime.timedelta(days=300))
    current = CampaignFactory(name="Big Birthday Weekend", starts_on=today + datetime.timedelta(days=3))
    CampaignFactory(name="Next Year", starts_on=today + datetime.timedelta(days=360))

    html = client.get(en("jams:home")).content.decode()

    teaser = re.search(r'<aside class="campaign-teaser"[^>]*>(.*?)</aside>', html, re.S).group(1)
    assert "Big Birthday Weekend" in teaser
    assert f'href="{en("jams:campaign", current.slug)}"' in teaser
    assert current.starts_on.strftime("%Y") in teaser
    assert "Next Year" not in html.replace("Next Year</option>", "")  # (the filter lists every campaign)


def test_home_without_a_current_campaign_has_no_teaser(client):
    CampaignFactory(name="Last Year", starts_on=timezone.localdate() - datetime.timedelta(days=300))

    assert "campaign-teaser" not in client.get(en("jams:home")).content.decode()


def test_home_introduction_asks_the_database_nothing_once_drawn(client, jam):
    """Signed in (no whole-page cache), the second view of the home page reads no
    campaign for the introduction: the part is kept with the public version."""
    client.login(email=jam.organiser.email, password=PASSWORD)
    client.get(en("jams:home"))

    with CaptureQueriesContext(connection) as queries:
        html = client.get(en("jams:home")).content.decode()

    assert "campaign-teaser" in html
    assert not [q["sql"] for q in queries if '"jams_campaign"."ends_on" >=' in q["sql"]]


# Campaign pages


@pytest.mark.parametrize(
    ("days", "expected"),
    [(30, "30 days to go"), (1, "1 day to go"), (0, "Happening now"), (-1, "Happening now")],
)
def test_campaign_countdown_counts_days(client, days, expected):
    starts = timezone.localdate() + datetime.timedelta(days=days)
    campaign = CampaignFactory(starts_on=starts, ends_on=starts + datetime.timedelta(days=2))

    html = client.get(en("jams:campaign", campaign.slug)).content.decode()

    assert re.search(r'<p class="countdown">.*?' + expected + r".*?</p>", html, re.S), html


def test_campaign_countdown_in_another_language_is_pluralised(client):
    campaign = CampaignFactory(starts_on=timezone.localdate() + datetime.timedelta(days=2))

    html = client.get(f"/pl/campaigns/{campaign.slug}/").content.decode()

    assert re.search(r'<p class="countdown">.*?2 dni.*?</p>', html, re.S)


def test_campaign_page_has_a_hero_with_artwork_and_one_primary_action(client, jam):
    html = client.get(en("jams:campaign", jam.campaign.slug)).content.decode()

    hero = re.search(r'<header class="campaign-hero">(.*?)</header>', html, re.S).group(1)
    assert 'src="/static/branding/birthday-jam.svg"' in hero
    assert len(re.findall(r'class="button"', hero)) == 1
    assert re.search(rf'<a class="button" href="{en("jams:create")}\?campaign={jam.campaign.slug}">', hero)


def test_campaign_page_past_its_deadline_offers_to_find_a_jam(client, jam):
    campaign = jam.campaign
    campaign.submission_deadline = timezone.localdate() - datetime.timedelta(days=1)
    campaign.save()

    html = client.get(en("jams:campaign", campaign.slug)).content.decode()

    hero = re.search(r'<header class="campaign-hero">(.*?)</header>', html, re.S).group(1)
    assert re.search(r'<a class="button" href="#map">Find a Jam near you</a>', hero)
    assert en("jams:create") not in hero


def test_campaign_page_offers_subscriptions_in_plain_words(client, jam):
    html = client.get(en("jams:campaign", jam.campaign.slug)).content.decode()

    subscribe = re.search(r'<section class="subscribe"[^>]*>(.*?)</section>', html, re.S).group(1)
    assert "Add to your calendar app" in subscribe
    assert "Follow in a news reader" in subscribe
    plain = re.sub(r"<small.*?</small>", "", subscribe, flags=re.S)
    assert "iCalendar" not in plain
    assert "Atom" not in plain
    assert "iCalendar" in subscribe
    assert "Atom" in subscribe


def test_campaigns_index_shows_a_card_per_campaign_with_its_figures(client):
    campaign = CampaignFactory(name="Big Birthday Weekend")
    JamFactory(campaign=campaign, country="GB")
    JamFactory(campaign=campaign, country="GB")
    JamFactory(campaign=campaign, country="JP")
    CampaignFactory(name="Quiet Weekend")

    html = client.get(en("jams:campaigns")).content.decode()

    cards = re.findall(r'<article class="card campaign-card">(.*?)</article>', html, re.S)
    assert len(cards) == 2
    busy = next(card for card in cards if "Big Birthday Weekend" in card)
    assert "3 Jams in 2 countries" in busy
    assert f'href="{en("jams:campaign", campaign.slug)}#map"' in busy
    quiet = next(card for card in cards if "Quiet Weekend" in card)
    assert "0 Jams in 0 countries" in quiet


def test_campaigns_index_query_count_does_not_grow_with_campaigns(assert_constant_queries):
    JamFactory(campaign=CampaignFactory())

    assert_constant_queries(en("jams:campaigns"), lambda: JamFactory.create_batch(2, campaign=CampaignFactory()))


def test_pages_kept_whole_are_still_kept(client):
    """The introduction changes nothing about the whole-page cache for visitors."""
    CampaignFactory()
    client.get(en("jams:home"))
    kept = len(pagecache._local_pages)

    with CaptureQueriesContext(connection) as queries:
        client.get(en("jams:home"))

    assert kept == 1
    assert not queries.captured_queries


def test_register_from_a_campaign_page_starts_the_form_in_that_campaign(client, jam):
    client.login(email=jam.organiser.email, password=PASSWORD)

    html = client.get(en("jams:create") + f"?campaign={jam.campaign.slug}").content.decode()

    assert re.search(rf'<option value="{jam.campaign.pk}" selected>', html)


# A campaign's own artwork (staff upload it in the admin)


def png_with_metadata():
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "made at 12 Secret Street")
    out = io.BytesIO()
    Image.new("RGB", (1600, 1200), "#c51a4a").save(out, "PNG", pnginfo=info)
    return out.getvalue()


def campaign_admin_data(campaign, **files):
    return {
        "name": campaign.name,
        "slug": campaign.slug,
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "hashtag": campaign.hashtag,
        "description": "",
        # The translations inline (none here).
        "translations-TOTAL_FORMS": "0",
        "translations-INITIAL_FORMS": "0",
        "translations-MIN_NUM_FORMS": "0",
        "translations-MAX_NUM_FORMS": "1000",
        **files,
    }


def test_campaign_artwork_is_kept_small_without_metadata_and_shown_in_the_hero(client):
    campaign = CampaignFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    upload = SimpleUploadedFile("art.png", png_with_metadata(), content_type="image/png")

    response = client.post(
        reverse("admin:jams_campaign_change", args=[campaign.pk]), campaign_admin_data(campaign, artwork=upload)
    )

    assert response.status_code == 302
    campaign.refresh_from_db()
    kept = Image.open(campaign.artwork.path)
    assert kept.format == "PNG"
    assert max(kept.size) == 800
    assert "Comment" not in kept.info
    client.logout()
    html = client.get(en("jams:campaign", campaign.slug)).content.decode()
    hero = re.search(r'<header class="campaign-hero">(.*?)</header>', html, re.S).group(1)
    assert f'src="{campaign.artwork.url}"' in hero


def test_campaign_artwork_that_is_not_an_image_is_refused_and_nothing_is_lost(client):
    campaign = CampaignFactory(description="Kept")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    upload = SimpleUploadedFile("art.png", b"<svg onload=alert(1)>", content_type="image/png")

    response = client.post(
        reverse("admin:jams_campaign_change", args=[campaign.pk]), campaign_admin_data(campaign, artwork=upload)
    )

    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()
    campaign.refresh_from_db()
    assert not campaign.artwork
    assert campaign.description == "Kept"


def test_campaign_artwork_in_another_format_is_refused_with_the_formats_we_take(client):
    campaign = CampaignFactory()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    gif = io.BytesIO()
    Image.new("RGB", (40, 40), "#c51a4a").save(gif, "GIF")
    upload = SimpleUploadedFile("art.gif", gif.getvalue(), content_type="image/gif")

    response = client.post(
        reverse("admin:jams_campaign_change", args=[campaign.pk]), campaign_admin_data(campaign, artwork=upload)
    )

    assert response.status_code == 200
    assert "Please upload a PNG, JPEG or WebP image." in response.content.decode()
    campaign.refresh_from_db()
    assert not campaign.artwork


def test_a_deleted_campaign_takes_its_artwork_file_with_it(django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    campaign.artwork.save("art.png", services.campaign_artwork_prepare(io.BytesIO(png_with_metadata())))
    path = Path(campaign.artwork.path)
    assert path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        services.campaigns_delete(Campaign.objects.filter(pk=campaign.pk))

    assert not path.exists()
