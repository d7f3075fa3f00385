"""Every key page, in every language: it renders, says which language and
direction it is in, and shows none of the English interface."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from jamportal.jams.tests.factories import CampaignFactory, JamFactory, UserFactory
from jamportal.kits.models import Kit

pytestmark = pytest.mark.django_db

RTL = {"fa"}
# Interface text that must not be left in English on a translated page.
ENGLISH = [
    "Find a Jam",
    "Organise a Jam",
    "Sign in",
    "Sign up",
    "Skip to content",
    "Show Jams",
    "All countries",
    "Submit for review",
    "Save as draft",
    "Add to calendar",
    "Languages spoken",
    "Who is it for",
    "Password (again)",
    "Already have an account",
    "JamPortal brings Raspberry Jams together",
    "Use my location",
    "More filters",
    "Jams near",
    "Did you mean",
    "Participating Jams",
    "Add to your calendar app",
    "Find a Jam near you",
    "Resources for organisers",
    "Stay safe",
    "Ask for a birthday kit",
    "Where to send it",
    "Shipping address",
    "Photos from the photobooth",
    "See it on OpenStreetMap",
    "Open in your maps app",
    "Apple Calendar and others",
    "Organised by",
    "Add a photobooth",
    "Full screen",
    "Ask for a photo to be removed",
]
PAGES = {
    "home": lambda jam: reverse("jams:home"),
    "past": lambda jam: reverse("jams:home") + "?when=past",
    "near-me": lambda jam: reverse("jams:home") + "?q=Cambridge%2C+UK",
    "did-you-mean": lambda jam: reverse("jams:home") + "?q=Cambrige",
    "jam": lambda jam: jam.get_absolute_url(),
    "submit": lambda jam: reverse("jams:create"),
    "my-jams": lambda jam: reverse("dashboard"),
    "campaign": lambda jam: reverse("jams:campaign", args=[jam.campaign.slug]),
    "campaigns": lambda jam: reverse("jams:campaigns"),
    "resources": lambda jam: reverse("jams:resources"),
    "kit-form": lambda jam: reverse("kits:new", args=[jam.slug]),
    "booths": lambda jam: reverse("feed:booths", args=[jam.slug]),
    "wall": lambda jam: reverse("feed:wall", args=[jam.campaign.slug]),
    "sign-up": lambda jam: reverse("account_signup"),
    "sign-in": lambda jam: reverse("account_login"),
    "not-found": lambda jam: reverse("jams:detail", args=["no-such-jam"]),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_key_page_is_fully_in_its_language(client, language, page):
    jam = JamFactory(
        title="Robot Jam", languages=["en", "fr"], activities=["workshops"], campaign=CampaignFactory(), host_name="X"
    )
    if page in ("submit", "my-jams"):
        client.force_login(UserFactory())
    if page == "booths":
        client.force_login(jam.organiser)
    if page == "kit-form":
        Kit.objects.create(
            campaign=jam.campaign,
            request_deadline=timezone.localdate() + datetime.timedelta(days=5),
            dispatch_country="GB",
        )
        client.force_login(jam.organiser)
    with translation.override(language):
        url = PAGES[page](jam)

    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == (404 if page == "not-found" else 200)
    direction = "rtl" if language in RTL else "ltr"
    assert f'<html lang="{language}" dir="{direction}" ' in html
    if language != settings.LANGUAGE_CODE:
        assert [text for text in ENGLISH if text in html] == []
