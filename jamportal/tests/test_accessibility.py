"""axe-core (from the npm registry, `make test` installs it) run in Chromium on
the key pages, in English and in Persian (right to left), at phone and desktop
width: no serious or critical violation. Each page is also saved as a
screenshot in test-artifacts/ (docs/screenshots/ comes from test_docs_screenshots.py)."""

import datetime
import json
from pathlib import Path

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jamportal.feed import services as feed_services
from jamportal.feed.tests.test_feed import jpeg
from jamportal.jams import posters
from jamportal.jams.models import CampaignPoster
from jamportal.jams.tests.factories import PASSWORD, CampaignFactory, JamFactory, UserFactory
from jamportal.kits.tests.factories import kit_with_shirts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
WIDTHS = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1280, "height": 900}}
BLOCKING = {"serious", "critical"}


def photo_posted(booth, *, key="cake"):
    """A booth's photo as the booth API stores it (its sizes made at once: no broker here)."""
    photo, _created = feed_services.photo_upload(
        booth, upload=SimpleUploadedFile("cake.jpg", jpeg(), content_type="image/jpeg"), caption="Birthday cake",
        language="en", taken_at=timezone.now(), idempotency_key=key, alt_text="A cake shaped like a Raspberry Pi",
    )  # fmt: skip
    return photo


@pytest.fixture
def site():
    """A campaign with Jams around the world, one organiser with a full dashboard, a
    photo from the booth, and the campaign's A3 poster still being drawn."""
    start = timezone.now() + datetime.timedelta(days=20)
    campaign = CampaignFactory(name="Big Birthday Weekend", slug="birthday")
    kit_with_shirts(campaign)
    organiser = UserFactory(email="ada@example.org")
    jam = JamFactory(title="Cambridge Birthday Jam", organiser=organiser, campaign=campaign, start=start,
                     end=start + datetime.timedelta(hours=5), latitude=52.2053, longitude=0.1218)  # fmt: skip
    for title, lat, lon, country in [("Tehran Jam", 35.69, 51.39, "IR"), ("Lagos Jam", 6.52, 3.38, "NG")]:
        JamFactory(title=title, city=title.split()[0], latitude=lat, longitude=lon, country=country, campaign=campaign)
    booth, _token = feed_services.booth_create(jam, by=organiser, name="Front door")
    photo = photo_posted(booth)
    # A build queued (or running) elsewhere: the poster's address answers with the 202 page.
    for language in ("en", "fa"):
        CampaignPoster.objects.create(campaign=campaign, size="a3", language=language, build_queued_at=timezone.now())
    return {"jam": jam, "campaign": campaign, "organiser": organiser, "photo": photo}


def pages(site):
    """Every page a visitor can open (and the two an organiser starts from): name: (address, signed in)."""
    jam, campaign, organiser = site["jam"], site["campaign"], site["organiser"]
    # The link of a password reset email (the new-password form): made after signing in,
    # which changes what the key is made from (the last login).
    organiser.refresh_from_db()
    reset_key = f"{user_pk_to_url_str(organiser)}-{default_token_generator.make_token(organiser)}"
    return {
        "home": ("/{lang}/", False),
        "list": ("/{lang}/?when=all&country=GB", False),
        "near-me": ("/{lang}/?around=52.2,0.12", False),
        "near-town": ("/{lang}/?q=Douala", False),
        "did-you-mean": ("/{lang}/?q=Cambrige", False),
        "jam": (f"/{{lang}}/jams/{jam.slug}/", False),
        "photos": (f"/{{lang}}/jams/{jam.slug}/photos/", False),
        "report": (f"/{{lang}}/photos/{site['photo'].pk}/report/", False),
        "campaigns": ("/{lang}/campaigns/", False),
        "campaign": (f"/{{lang}}/campaigns/{campaign.slug}/", False),
        "wall": (f"/{{lang}}/campaigns/{campaign.slug}/wall/", False),
        "poster-pending": (f"/{{lang}}/campaigns/{campaign.slug}/poster-a3.pdf", False),
        "resources": ("/{lang}/resources/", False),
        "404": ("/{lang}/jams/no-such-jam/", False),
        "password-reset": ("/{lang}/accounts/password/reset/", False),
        "password-reset-done": ("/{lang}/accounts/password/reset/done/", False),
        "password-reset-bad-key": ("/{lang}/accounts/password/reset/key/1-bad-key/", False),
        "password-reset-key": (f"/{{lang}}/accounts/password/reset/key/{reset_key}/", False),
        "password-reset-key-done": ("/{lang}/accounts/password/reset/key/done/", False),
        "email-sent": ("/{lang}/accounts/confirm-email/", False),
        "email-bad-key": ("/{lang}/accounts/confirm-email/bad-key/", False),
        "inactive": ("/{lang}/accounts/inactive/", False),
        "submit": ("/{lang}/jams/new/", True),
        "dashboard": ("/{lang}/dashboard/", True),
    }


# What a page must show for the check to be of the page meant (a search that found its
# place, a gallery with its photo...), not of an error or an empty state.
SHOWS = {
    "near-me": "ol.jams.near li",
    "near-town": "ol.jams.near li",
    "did-you-mean": ".did-you-mean li a",
    "photos": "main img[alt]",
    "report": "main form textarea",
    "wall": "main img[alt]",
    "poster-pending": "main progress",
    "404": "main h1",
    "password-reset-key": "input[type=password]",
}


def sign_in(page, email):
    page.goto("/en/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")


def violations(page):
    """axe's serious and critical findings on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {
            runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
        })).violations"""
    )
    return [
        {"rule": v["id"], "impact": v["impact"], "help": v["help"], "where": [n["target"] for n in v["nodes"]][:5]}
        for v in found
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("language", ["en", "fa"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_key_pages_have_no_serious_accessibility_violations(browser, live_server, site, language, width):
    # Scripts injected by the test (axe) are not ours: the page's own policy would refuse them.
    context = browser.new_context(viewport=WIDTHS[width], base_url=live_server.url, bypass_csp=True)
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    page = context.new_page()
    found = {}
    try:
        sign_in(page, site["organiser"].email)
        signed_in = page.context.cookies()
        for name, (url, needs_account) in pages(site).items():
            page.context.clear_cookies()
            if needs_account:
                page.context.add_cookies(signed_in)
            page.goto(url.format(lang=language))
            page.wait_for_load_state("networkidle")
            if name in SHOWS:
                assert page.locator(SHOWS[name]).count(), f"{name} does not show {SHOWS[name]}"
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
                f"{name} scrolls sideways at {WIDTHS[width]['width']} px"
            )
            if problems := violations(page):
                found[name] = problems
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=ARTIFACTS / f"{name}-{language}-{width}.png", full_page=width == "desktop")
    finally:
        context.close()

    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


def test_the_checks_can_fail(browser, live_server, site):
    """axe does find a serious problem when there is one (an image without alt text)."""
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.goto("/en/resources/")
    page.evaluate("document.querySelector('main img').removeAttribute('alt')")

    assert any(v["rule"] == "image-alt" for v in violations(page))
    context.close()


def test_the_poster_page_reloads_only_once_the_poster_is_drawn(browser, live_server, site):
    """No timed refresh while a reader reads (axe's meta-refresh, WCAG 2.2.1): the page
    asks the poster's address quietly and reloads, into the download, once it is drawn."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    asked = []
    page.on("request", lambda request: asked.append(request.method) if "poster-a3" in request.url else None)
    try:
        page.goto("/en/campaigns/birthday/poster-a3.pdf")
        page.wait_for_timeout(12_000)  # the old page reloaded itself after 10 s
        assert asked == ["GET"] + ["HEAD"] * (len(asked) - 1), asked  # the page, then quiet questions
        assert len(asked) > 1, asked

        posters.campaign_poster_build(site["campaign"], size="a3", language="en")
        with page.expect_response(lambda r: r.request.method == "GET" and r.status == 200, timeout=20_000) as got:
            pass

        assert got.value.headers["content-type"] == "application/pdf"
    finally:
        context.close()
