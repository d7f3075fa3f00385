"""axe-core (from the npm registry, `make test` installs it) run in Chromium on
the key pages, in English and in Persian (right to left), at phone and desktop
width: no serious or critical violation. Each page is also saved as a
screenshot in test-artifacts/ (docs/screenshots/ comes from test_docs_screenshots.py)."""

import datetime
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from jamportal.feed import services as feed_services
from jamportal.jams.tests.factories import PASSWORD, CampaignFactory, JamFactory, UserFactory
from jamportal.kits.tests.factories import kit_with_shirts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
WIDTHS = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1280, "height": 900}}
BLOCKING = {"serious", "critical"}


@pytest.fixture
def site():
    """A campaign with Jams around the world, one organiser with a full dashboard."""
    start = timezone.now() + datetime.timedelta(days=20)
    campaign = CampaignFactory(name="Big Birthday Weekend", slug="birthday")
    kit_with_shirts(campaign)
    organiser = UserFactory(email="ada@example.org")
    jam = JamFactory(title="Cambridge Birthday Jam", organiser=organiser, campaign=campaign, start=start,
                     end=start + datetime.timedelta(hours=5), latitude=52.2053, longitude=0.1218)  # fmt: skip
    for title, lat, lon, country in [("Tehran Jam", 35.69, 51.39, "IR"), ("Lagos Jam", 6.52, 3.38, "NG")]:
        JamFactory(title=title, city=title.split()[0], latitude=lat, longitude=lon, country=country, campaign=campaign)
    feed_services.booth_create(jam, by=organiser, name="Front door")
    return {"jam": jam, "campaign": campaign, "organiser": organiser}


def pages(site):
    jam, campaign = site["jam"], site["campaign"]
    return {
        "home": ("/{lang}/", False),
        "list": ("/{lang}/?when=all&country=GB", False),
        "jam": (f"/{{lang}}/jams/{jam.slug}/", False),
        "campaign": (f"/{{lang}}/campaigns/{campaign.slug}/", False),
        "submit": ("/{lang}/jams/new/", True),
        "dashboard": ("/{lang}/dashboard/", True),
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
