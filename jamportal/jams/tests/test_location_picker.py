"""Placing a Jam where people expect: by its town, in any script, with a warning
(shown to the organiser as they go, confirmed on submit, and shown to the
moderator) when the pin is far from the town or outside the country."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from jamportal.jams import selectors
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import PASSWORD, JamFactory, ModeratorFactory, UserFactory
from jamportal.jams.tests.test_browser import screenshot
from jamportal.places import distance_km
from jamportal.places.checks import location_check, town_in

# The pin's checks are a request each to the live server: on a busy shared
# machine they can take longer than expect()'s five seconds.
WAIT = {"timeout": 20_000}

TOWNS = [
    ("Douala", "CM", "Africa/Douala", "UTC+1"),
    ("東京", "JP", "Asia/Tokyo", "UTC+9"),
    ("تهران", "IR", "Asia/Tehran", "UTC+3:30"),
    ("São Paulo", "BR", "America/Sao_Paulo", "UTC−3"),
]


def sign_in(page, email):
    page.goto("/en/accounts/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)  # organisers to their dashboard, staff to their work


def fill_the_rest(page):
    page.get_by_label("Title").fill("Birthday Jam")
    page.get_by_label("Description").fill("Robots and cake.")
    page.get_by_label("Starts").fill("2031-03-01T10:00")
    page.get_by_label("Ends").fill("2031-03-01T16:00")
    page.get_by_label("Venue", exact=True).fill("Library")
    page.get_by_role("checkbox", name="English", exact=True).check()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_typing_the_town_and_country_puts_the_pin_in_the_town(new_page):
    UserFactory(email="ada@example.org")
    page = new_page()
    sign_in(page, "ada@example.org")

    for town, country, zone, offset in TOWNS:
        page.goto("/en/jams/new/")
        page.get_by_label("Town or city").fill(town)
        page.get_by_label("Country").select_option(country)
        expect(page.locator("#pin-timezone")).to_contain_text(offset, **WAIT)

        latitude = float(page.locator("#id_latitude").input_value())
        longitude = float(page.locator("#id_longitude").input_value())
        known = town_in(town, country)
        assert distance_km(latitude, longitude, known.latitude, known.longitude) < 30, town
        assert page.locator("#id_timezone").input_value() == zone
        expect(page.locator("#location-warnings")).to_be_hidden()
        assert page.evaluate("document.querySelector('.leaflet-marker-icon') !== null")
        if country == "CM":
            screenshot(page, "organiser-form-placed")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_pin_far_from_the_town_is_flagged_then_confirmed_and_shown_to_the_moderator(new_page):
    UserFactory(email="ada@example.org")
    ModeratorFactory(email="mod@example.org")
    page = new_page()
    sign_in(page, "ada@example.org")
    page.goto("/en/jams/new/")
    fill_the_rest(page)
    page.get_by_label("Town or city").fill("Douala")
    page.get_by_label("Country").select_option("CM")
    expect(page.locator("#pin-timezone")).to_contain_text("Douala time, UTC+1", **WAIT)

    # The one click that once put a Cameroonian Jam in Mali.
    page.get_by_text("Enter coordinates").click()
    page.get_by_label("Latitude").fill("20.29")
    page.get_by_label("Longitude").fill("0")
    page.get_by_label("Longitude").press("Tab")
    warnings = page.locator("#location-warnings")
    expect(warnings).to_contain_text("km from Douala", **WAIT)
    expect(warnings).to_contain_text("The pin is in Mali, not in Cameroon.")
    expect(page.locator("#pin-timezone")).to_contain_text("Bamako time, UTC", **WAIT)
    screenshot(page, "organiser-form-warning")

    page.get_by_role("button", name="Submit for review").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Yes, the pin is at the venue")
    assert not Jam.objects.exists()

    page.get_by_label("Yes, the pin is at the venue").check()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Your Jam is waiting for review")).to_be_visible()
    jam = Jam.objects.get()
    assert (jam.latitude, jam.longitude, jam.timezone) == (20.29, 0.0, "Africa/Bamako")

    moderator = new_page()
    sign_in(moderator, "mod@example.org")
    moderator.goto(f"/en/moderation/{jam.slug}/")
    expect(moderator.locator(".location-warnings")).to_contain_text("The pin is in Mali, not in Cameroon.")


@pytest.mark.django_db
def test_location_warnings_name_the_distance_and_the_country():
    start = timezone.now() + datetime.timedelta(days=9)
    in_mali = JamFactory(city="Douala", country="CM", latitude=20.29, longitude=0.0, start=start)
    in_douala = JamFactory(city="Douala", country="CM", latitude=4.05, longitude=9.70, start=start)

    assert selectors.location_warnings(in_douala) == []
    assert selectors.location_warnings(in_mali) == [
        "The pin is 2089 km from Douala (more than 30 km). Is the venue really there?",
        "The pin is in Mali, not in Cameroon.",
    ]


def test_a_pin_at_sea_is_outside_every_country():
    check = location_check(0.0, -30.0, city="Douala", country="CM")

    assert check.outside_country
    assert check.countries_at_pin == frozenset()


def test_a_venue_just_across_from_a_bigger_town_over_the_border_is_not_flagged():
    # Strasbourg, France: the nearest big town may be Kehl, Germany, but its timezone is France's.
    check = location_check(48.5734, 7.7521, city="Strasbourg", country="FR")

    assert not check.outside_country
    assert not check.far_from_town


@pytest.mark.django_db
def test_without_a_pin_the_server_puts_the_jam_in_its_town(client):
    client.force_login(UserFactory())
    data = {
        "title": "No-script Jam",
        "description": "Cake.",
        "content_language": "en",
        "start": "2031-03-01T10:00",
        "end": "2031-03-01T16:00",
        "venue_name": "Library",
        "city": "Douala",
        "country": "CM",
        "latitude": "",
        "longitude": "",
        "audience": "everyone",
        "languages": ["fr"],
        "action": "submit",
    }

    response = client.post(reverse("jams:create"), data)

    assert response.status_code == 302
    jam = Jam.objects.get()
    assert (round(jam.latitude, 2), round(jam.longitude, 2), jam.timezone) == (4.05, 9.7, "Africa/Douala")


@pytest.mark.django_db
def test_an_unknown_town_without_a_pin_asks_for_one(client):
    client.force_login(UserFactory())
    data = {"city": "Qqqxyzzy", "country": "CM", "latitude": "", "longitude": "", "title": "T"}

    response = client.post(reverse("jams:create"), data)

    assert "We do not know this town: put the pin on the map at the venue" in response.content.decode()
    assert not Jam.objects.exists()


@pytest.mark.django_db
def test_place_check_endpoint_says_the_timezone_in_words_and_the_warnings(client):
    response = client.get("/en/api/places/check", {"at": "20.29,0", "city": "Douala", "country": "cm"})

    assert response.json() == {
        "timezone": "Africa/Bamako",
        "timezone_words": "Bamako time, UTC",
        "warnings": [
            "The pin is 2089 km from Douala (more than 30 km). Is the venue really there?",
            "The pin is in Mali, not in Cameroon.",
        ],
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_languages_spoken_are_found_by_typing_on_a_persian_phone(new_page):
    """Tick boxes by name in the reader's language, narrowed as one types; the count in
    the page's digits; the box fits a phone."""
    UserFactory(email="ada@example.org")
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "ada@example.org")
    page.goto("/fa/jams/new/")

    finder = page.get_by_label("یافتن زبان")
    finder.fill("ژاپ")
    expect(page.locator("#id_languages > div:visible")).to_have_count(1)
    expect(page.locator(".checklist-status")).to_have_text("۱ زبان نشان داده شده")
    finder.press("Enter")
    finder.fill("")
    expect(page.get_by_role("checkbox", name="ژاپنی")).to_be_checked()
    expect(page.locator("#id_languages > div:visible")).not_to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    screenshot(page, "languages-spoken-fa-390")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_late_town_lookup_never_moves_coordinates_typed_meanwhile(new_page):
    """CI on a loaded machine once saw the town's answer arrive while the organiser was
    typing coordinates: it put the typed latitude back to the town's."""
    UserFactory(email="ada@example.org")
    page = new_page()
    sign_in(page, "ada@example.org")
    page.goto("/en/jams/new/")
    fill_the_rest(page)
    held = []
    page.route(re.compile(r"/api/places/suggest"), lambda route: held.append(route))  # the answers wait
    page.get_by_label("Town or city").fill("Douala")
    page.get_by_label("Country").select_option("CM")
    page.get_by_text("Enter coordinates").click()
    page.get_by_label("Latitude").fill("20.29")
    assert held, "no town lookup was held back"

    for route in held:  # the answers arrive while the latitude is typed, before the longitude
        route.continue_()
    page.wait_for_timeout(1000)
    page.get_by_label("Longitude").fill("0")
    page.get_by_label("Longitude").press("Tab")

    expect(page.locator("#location-warnings")).to_contain_text("The pin is in Mali, not in Cameroon.", **WAIT)
    assert (page.get_by_label("Latitude").input_value(), page.get_by_label("Longitude").input_value()) == ("20.29", "0")
