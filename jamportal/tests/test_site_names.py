"""Names the site gives itself and its parts, in the reader's language: the site in
allauth's emails, a booth that kept its default name, and the map's controls."""

import gettext as gettext_module
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import to_locale
from playwright.sync_api import expect

from jamportal.feed import services as feed_services
from jamportal.jams.tests.factories import JamFactory

LANGUAGES = [code for code, _name in settings.LANGUAGES]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_allauth_emails_greet_from_jamportal_not_the_host(client, language):
    with translation.override(language):
        url = reverse("account_signup")

    client.post(url, {"email": "grace@example.org", "password1": "b1rthday-cake-42", "password2": "b1rthday-cake-42"})

    greeting = mail.outbox[0].body.strip().splitlines()[0]
    assert "JamPortal" in greeting
    assert "testserver" not in greeting


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_booth_with_the_default_name_is_named_in_the_readers_language(client, language):
    jam = JamFactory()
    with translation.override("en"):
        feed_services.booth_create(jam, by=jam.organiser, name="Photobooth")
    feed_services.booth_create(jam, by=jam.organiser, name="Hall booth")
    client.force_login(jam.organiser)
    with translation.override(language):
        default = translation.gettext("Photobooth")
        urls = [reverse("dashboard"), reverse("feed:booths", args=[jam.slug])]

    for url in urls:
        html = client.get(url).content.decode()
        assert re.search(rf"(<li>|<td>)(<bdi>)?{re.escape(default)}(</bdi>)?[ :<]", html), url
        assert "Hall booth" in html
        if language != "en":
            assert not re.search(r"(<li>|<td>)(<bdi>)?Photobooth\b", html), url


def _js(language, text):
    catalogue = gettext_module.translation(
        "djangojs", localedir=settings.BASE_DIR / "locale", languages=[to_locale(language)], fallback=True
    )
    return catalogue.gettext(text)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", LANGUAGES)
def test_map_controls_speak_the_page_language(new_page, language):
    JamFactory(title="Map Jam", latitude=-1.2921, longitude=36.8219, country="KE")
    page = new_page()
    page.goto(f"/{language}/")
    with translation.override(language):
        contributors = translation.gettext("OpenStreetMap contributors")
        library = translation.gettext("A JavaScript library for interactive maps")
    expected = {"Zoom in": _js(language, "Zoom in"), "Zoom out": _js(language, "Zoom out")}
    if language != "en":  # every other catalogue has its own words for the controls
        assert [english for english, own in expected.items() if english == own] == []

    expect(page.locator(".leaflet-control-zoom-in")).to_have_attribute("title", expected["Zoom in"])
    expect(page.locator(".leaflet-control-zoom-out")).to_have_attribute("title", expected["Zoom out"])
    attribution = page.locator(".leaflet-control-attribution")
    expect(attribution.locator('a[href="https://leafletjs.com"]')).to_have_attribute("title", library)
    expect(attribution).to_contain_text(contributors)
    page.get_by_role("button", name="Map Jam").click()
    close = page.locator(".leaflet-popup-close-button")
    expect(close).to_have_attribute("aria-label", _js(language, "Close popup"))
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(".leaflet-container").first.screenshot(path=ARTIFACTS / f"map-controls-{language}.png")
    if language != "en":
        assert contributors != "OpenStreetMap contributors"
        assert library != "A JavaScript library for interactive maps"
