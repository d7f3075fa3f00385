"""The visitor's loop in Debian's Chromium, in English and in Persian (right to left):
a near-me search finds no Jam within reach, the visitor asks to be told, confirms
by the emailed link; a Jam is approved nearby; the email arrives in their language
with the Jam's link, and its unsubscribe link works with one click.
Screenshots go to test-artifacts/alerts-<language>.png."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from jamportal.alerts.models import Alert
from jamportal.alerts.tests.factories import waiting
from jamportal.jams import services as jam_services
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import JamFactory, ModeratorFactory
from jamportal.tests.test_accessibility import sign_in, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


def _in(language, text):
    with translation.override(language):
        return translation.gettext(text)


def _link(message, kind):
    return re.search(rf"https?://\S+/alerts/{kind}/[\w-]+/", message.body).group(0)


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("en", "A Jam near Yaoundé: “Yaoundé Raspberry Jam”"),
        ("fa", "یک جم نزدیک یاوندی: «Yaoundé Raspberry Jam»"),
    ],
)
def test_visitor_asks_confirms_is_told_of_a_jam_nearby_and_unsubscribes(
    browser, live_server, settings, language, subject
):
    settings.SITE_URL = live_server.url
    JamFactory(title="Nairobi Jam", latitude=-1.29, longitude=36.82, country="KE", city="Nairobi")
    # (axe is injected by the test: the English page lets it run; the Persian one keeps the site's CSP.)
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 844},
        locale=language,
        bypass_csp=language == "en",
    )
    context.route(re.compile(r"^(?!" + re.escape(live_server.url) + ").*"), lambda route: route.abort())
    page = context.new_page()

    # The near-me search finds nothing within reach, and offers the alert.
    page.goto(f"/{language}/?q=Yaound%C3%A9%2C%20Cameroon")
    offer = page.locator(".alert-offer.none-nearby a")
    expect(offer).to_have_text(_in(language, "Email me when a Jam starts nearby"))
    offer.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / f"alerts-offer-{language}.png")
    offer.click()
    expect(page.locator("h1")).to_have_text(_in(language, "Email me when a Jam starts nearby"))
    if language == "en":
        assert violations(page) == []
    page.screenshot(path=ARTIFACTS / f"alerts-form-{language}.png", full_page=True)
    page.fill("#id_email", "visitor@example.org")
    page.check("#id_would_help")
    page.locator("form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(_in(language, "Please check your email"))
    # The form's answer was a redirect (Post/Redirect/Get): reloading asks for nothing again.
    expect(page).to_have_url(f"{live_server.url}/{language}/alerts/sent/")
    expect(page.locator("h2")).to_have_text(_in(language, "What happens next"))
    page.reload()
    expect(page.locator("[role=status] bdi")).to_have_text("visitor@example.org")
    if language == "en":
        assert violations(page) == []
    (confirmation,) = mail.outbox
    assert confirmation.to == ["visitor@example.org"]

    # Nothing more until the visitor confirms by the emailed link.
    page.goto(_link(confirmation, "confirm"))
    page.locator("form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(_in(language, "Your alert is on"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=ARTIFACTS / f"alerts-{language}.png", full_page=True)

    # A Jam is approved 4 km away: the visitor is emailed, in their language.
    jam = JamFactory(
        title="Yaoundé Raspberry Jam",
        latitude=3.9,
        longitude=11.5,
        city="Yaoundé",
        country="CM",
        status=Jam.Status.SUBMITTED,
        approved_at=None,
    )
    jam_services.jam_approve(jam, by=ModeratorFactory())
    (told,) = [m for m in mail.outbox if "List-Unsubscribe" in m.extra_headers]
    assert told.to == ["visitor@example.org"]
    assert told.subject == subject
    page.goto(re.search(rf"{re.escape(live_server.url)}/\S+/jams/{jam.slug}/", told.body).group(0))
    expect(page.locator("h1")).to_contain_text("Yaoundé Raspberry Jam")

    # One click on the email's unsubscribe link's button, and the alert is gone.
    unsubscribe = _link(told, "unsubscribe")
    assert told.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    page.goto(unsubscribe)
    page.locator("form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(_in(language, "You are unsubscribed"))
    assert not Alert.objects.exists()
    context.close()


def test_an_organiser_sees_the_demand_map_from_the_menu_with_no_area_under_the_threshold(
    browser, live_server, settings
):
    settings.ALERTS_DEMAND_THRESHOLD = 5
    waiting(6, latitude=3.87, longitude=11.52, would_help=5)
    waiting(4, latitude=52.21, longitude=0.12, would_help=4)
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}, bypass_csp=True)
    context.route(re.compile(r"^(?!" + re.escape(live_server.url) + ").*"), lambda route: route.abort())
    page = context.new_page()
    sign_in(page, JamFactory().organiser.email)

    page.get_by_role("link", name="Jams wanted").click()

    expect(page.locator("h1")).to_have_text("Where people wait for a Jam")
    counts = page.locator("#demand-map .demand-count")
    expect(counts).to_have_count(1)
    expect(counts).to_have_text("6")
    expect(page.locator("#demand-map path.leaflet-interactive")).to_have_count(1)
    expect(page.locator("table.demand tbody tr td:not(:first-child)")).to_have_text(["6", "5"])
    assert violations(page) == []
    page.screenshot(path=ARTIFACTS / "alerts-demand-en.png", full_page=True)
    context.close()
