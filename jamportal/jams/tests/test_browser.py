"""The whole story in a real browser (Debian's Chromium driven by Playwright):
an organiser signs up and submits a Jam by clicking the map, a moderator
approves it, and a visitor finds its marker on the world map and opens it."""

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from jamportal.jams import services
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import PASSWORD, CampaignFactory, JamFactory, ModeratorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


def screenshot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)


def test_organiser_submits_moderator_approves_visitor_finds(new_page, live_server):
    # An organiser signs up and confirms their email address.
    organiser = new_page()
    organiser.goto("/accounts/signup/")
    organiser.locator("#id_email").fill("ada@example.org")
    organiser.locator("#id_password1").fill("b1rthday-cake-42")
    organiser.locator("#id_password2").fill("b1rthday-cake-42")
    organiser.get_by_role("button", name="Sign Up").click()
    expect(organiser.get_by_role("heading", name="Check your email")).to_be_visible()
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    organiser.goto(link)
    organiser.get_by_role("button", name="Confirm").click()
    expect(organiser.get_by_role("heading", name="Your dashboard")).to_be_visible()

    # They submit a Jam, placing it by clicking the map.
    organiser.get_by_role("link", name="Organise a Jam").first.click()
    organiser.get_by_label("Title").fill("Browser Birthday Jam")
    organiser.get_by_label("Description").fill("Robots and **cake**.")
    organiser.get_by_label("Starts").fill("2031-03-01T10:00")
    organiser.get_by_label("Ends").fill("2031-03-01T16:00")
    organiser.get_by_label("Venue", exact=True).fill("Town Library")
    organiser.get_by_label("Town or city").fill("Timbuktu")
    organiser.get_by_label("Country").select_option("ML")
    # The map goes to the town (its pin fills the coordinates), then a click puts the pin at the venue.
    expect(organiser.get_by_label("Latitude")).to_have_value(re.compile(r"^16\."), timeout=20_000)
    organiser.locator("#location-map").click(position={"x": 300, "y": 150})
    expect(organiser.get_by_label("Latitude")).not_to_have_value("")
    latitude = float(organiser.get_by_label("Latitude").input_value())
    longitude = float(organiser.get_by_label("Longitude").input_value())
    # The languages spoken: a list of checkboxes that the field above narrows down as one types.
    organiser.get_by_label("Find a language").fill("fren")
    expect(organiser.locator("#id_languages > div:visible")).to_have_count(1)
    organiser.get_by_label("Find a language").press("Enter")  # ticks the only one left, sends nothing
    organiser.get_by_label("Find a language").fill("")
    organiser.get_by_role("checkbox", name="English", exact=True).check()
    screenshot(organiser, "submit-form")
    organiser.get_by_role("button", name="Submit for review").click()
    expect(organiser.get_by_text("Your Jam is waiting for review")).to_be_visible()
    jam = Jam.objects.get(title="Browser Birthday Jam")
    assert (jam.status, jam.latitude, jam.longitude) == (Jam.Status.SUBMITTED, latitude, longitude)
    assert sorted(jam.languages) == ["en", "fr"]
    assert -90 <= latitude <= 90
    assert -180 <= longitude <= 180

    # A moderator signs in and approves it from the queue.
    ModeratorFactory(email="mod@example.org")
    moderator = new_page()
    moderator.goto("/accounts/login/")
    moderator.locator("#id_login").fill("mod@example.org")
    moderator.locator("#id_password").fill(PASSWORD)
    moderator.get_by_role("button", name="Sign In").click()
    moderator.get_by_role("link", name="Moderation").click()
    row = moderator.get_by_role("row").filter(has_text="Browser Birthday Jam")
    row.get_by_role("link", name="Review").click()  # approved from the page with its map
    moderator.get_by_role("button", name="Approve and publish").click()
    expect(moderator.get_by_text("“Browser Birthday Jam” is approved and now on the map.")).to_be_visible()
    assert "is on the map" in mail.outbox[-1].subject

    # A visitor finds its marker on the world map and opens the Jam's page.
    visitor = new_page()
    visitor.goto("/")
    marker = visitor.get_by_role("button", name="Browser Birthday Jam")
    expect(marker).to_be_visible()
    marker.click()
    popup = visitor.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("Browser Birthday Jam")
    expect(popup).to_contain_text("Timbuktu, Mali")
    expect(popup).to_contain_text("March 1, 2031, 10:00 AM")
    screenshot(visitor, "home-map-popup")
    popup.get_by_role("link", name="Open the Jam's page").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Browser Birthday Jam")
    expect(visitor.get_by_text("Robots and")).to_be_visible()
    assert visitor.url == live_server.url + jam.get_absolute_url()


def test_language_switcher_turns_the_page_right_to_left_and_back(new_page, live_server):
    JamFactory(title="Tehran Jam", latitude=35.6892, longitude=51.389, timezone="Asia/Tehran", country="IR")
    page = new_page()
    page.goto("/en/")

    page.locator(".language-switch summary").click()
    page.get_by_role("link", name="فارسی").click()

    expect(page).to_have_url(re.compile(r"/fa/$"))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", level=1)).to_have_text("یک Raspberry Jam پیدا کنید")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    brand, nav = page.locator(".brand").bounding_box(), page.locator(".site-header nav").bounding_box()
    assert brand["x"] > nav["x"], "the brand starts the header on the right"
    zoom = page.locator(".leaflet-control-zoom").bounding_box()
    map_box = page.locator("#jam-map").bounding_box()
    assert zoom["x"] > map_box["x"] + map_box["width"] / 2, "map zoom buttons sit in the top right"
    expect(page.get_by_role("button", name="Tehran Jam")).to_be_visible()
    screenshot(page, "home-fa")

    page.locator(".language-switch summary").click()
    page.get_by_role("link", name="日本語").click()

    expect(page).to_have_url(re.compile(r"/ja/$"))
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", level=1)).to_have_text("Raspberry Jam を探す")
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"
    screenshot(page, "home-ja")

    page.goto("/")  # the bare address remembers the visitor's choice
    expect(page).to_have_url(re.compile(r"/ja/$"))


def test_language_switcher_remembers_the_choice_in_the_cookie_the_settings_name(new_page, settings):
    settings.LANGUAGE_COOKIE_NAME = "chosen_language"
    page = new_page()
    page.goto("/en/")

    page.locator(".language-switch summary").click()
    page.get_by_role("link", name="Deutsch").click()
    expect(page).to_have_url(re.compile(r"/de/$"))
    page.goto("/")

    expect(page).to_have_url(re.compile(r"/de/$"))
    assert {cookie["name"]: cookie["value"] for cookie in page.context.cookies()} == {"chosen_language": "de"}


def test_jam_page_adds_the_visitors_own_time(browser, live_server):
    start = datetime.datetime(2031, 3, 1, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    jam = JamFactory(start=start, end=start + datetime.timedelta(hours=6), timezone="Europe/London")
    context = browser.new_context(timezone_id="Asia/Tokyo", base_url=live_server.url)
    context.route(re.compile(r"^(?!" + re.escape(live_server.url) + ").*"), lambda route: route.abort())
    page = context.new_page()

    page.goto(jam.get_absolute_url())

    # 10:00-16:00 in London on 1 March is 19:00 to 01:00 the next day in Tokyo.
    in_tokyo = "Sat, Mar 1, 7:00 PM GMT+9 – Sun, Mar 2, 1:00 AM GMT+9 your time"
    expect(page.locator(".visitor-time")).to_have_text(in_tokyo)
    context.close()


def test_visitor_finds_the_nearest_jam_by_typing_a_place(new_page):
    JamFactory(title="Yaoundé Jam", latitude=3.87, longitude=11.52, country="CM", city="Yaoundé")
    JamFactory(title="Nairobi Jam", latitude=-1.29, longitude=36.82, country="KE", city="Nairobi")
    page = new_page()
    page.goto("/en/")

    page.get_by_label("Near", exact=True).fill("Yaou")
    expect(page.locator("#place-suggestions option").first).to_have_attribute("value", "Yaoundé, Cameroon")
    page.get_by_label("Near", exact=True).fill("Yaoundé, Cameroon")
    page.get_by_label("Near", exact=True).press("Enter")

    expect(page.get_by_role("heading", name="Jams near Yaoundé")).to_be_visible()
    items = page.locator("ol.jams.near li")
    expect(items.first).to_contain_text("Yaoundé Jam")
    expect(items.first.locator(".distance")).to_have_text("0.3 mi")  # Chromium asks for en-US
    expect(page.get_by_label("Within (mi)")).to_have_attribute("placeholder", "30")  # the radius in the same unit
    expect(page.get_by_role("button", name="Yaoundé Jam")).to_be_visible()
    expect(page.get_by_role("button", name="Nairobi Jam")).to_be_visible()
    screenshot(page, "near-me")


def test_pages_run_under_the_content_security_policy(new_page):
    jam = JamFactory(title="Strict Jam", campaign=CampaignFactory(slug="strict"))
    page = new_page()
    refused = []
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))

    for url in ("/en/", f"/en/jams/{jam.slug}/", "/en/campaigns/strict/", "/fa/"):
        page.goto(url)
        page.wait_for_load_state("load")
        expect(page.locator(".leaflet-container").first).to_be_visible()  # the map started, from our script

    assert refused == []


def test_map_markers_and_popups_work_with_the_keyboard(new_page):
    JamFactory(title="Keyboard Jam", latitude=-1.2921, longitude=36.8219, country="KE")
    page = new_page()
    page.goto("/en/")
    marker = page.get_by_role("button", name="Keyboard Jam")
    expect(marker).to_be_visible()

    marker.focus()
    page.keyboard.press("Enter")
    link = page.locator(".leaflet-popup").get_by_role("link", name="Open the Jam's page")

    expect(link).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)
    expect(marker).to_be_focused()
    page.keyboard.press("Enter")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")  # follows the link
    expect(page.get_by_role("heading", level=1)).to_have_text("Keyboard Jam")


def test_after_a_change_a_reloaded_page_maps_what_it_lists(browser, live_server):
    """The map's answers may stay a minute in the browser; the page reloaded after a
    change asks for new ones (found by an outsider: the list said the new title while
    the map kept the old one for 58 s). The browser's cache stays on here: no request
    routing, which turns it off (other hosts do not resolve: CHROMIUM_ARGS)."""
    jam = JamFactory(title="Old Title Jam", latitude=-1.2921, longitude=36.8219, country="KE")
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto("/en/")
    expect(page.get_by_role("button", name="Old Title Jam")).to_be_visible()

    Jam.objects.filter(pk=jam.pk).update(title="New Title Jam")
    services.jams_public_changed()  # (the services call it on commit)
    page.reload()

    expect(page.get_by_role("link", name="New Title Jam")).to_be_visible()  # the list
    expect(page.get_by_role("button", name="New Title Jam")).to_be_visible()  # the map
    context.close()


def test_on_a_phone_the_list_comes_first_and_the_map_is_one_tap_away(browser, live_server):
    JamFactory(title="Phone Jam")
    context = browser.new_context(viewport={"width": 360, "height": 780}, base_url=live_server.url)
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    page = context.new_page()
    page.goto("/en/")

    list_top = page.get_by_role("link", name="Phone Jam").bounding_box()["y"]
    map_top = page.locator("#jam-map").bounding_box()["y"]
    page.get_by_role("link", name="Show them on the map").click()

    assert list_top < map_top
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.url.endswith("#map")
    assert 0 <= page.locator("#jam-map").bounding_box()["y"] < 390  # in view after one tap
    context.close()


def test_a_form_being_sent_says_so_and_is_not_sent_twice(new_page):
    organiser = JamFactory().organiser
    page = new_page()
    page.goto("/en/accounts/login/")
    page.locator("#id_login").fill(organiser.email)
    page.locator("#id_password").fill(PASSWORD)
    posts = []

    def answer_nothing(route):  # a 204 leaves the page where it is, as a slow answer would
        posts.append(route.request.url)
        route.fulfill(status=204)

    page.route(
        "**/accounts/login/",
        lambda route: answer_nothing(route) if route.request.method == "POST" else route.continue_(),
    )
    button = page.get_by_role("button", name="Sign In")

    button.click()
    expect(button).to_have_attribute("aria-busy", "true")
    button.click()  # an impatient second click
    page.wait_for_timeout(300)

    assert len(posts) == 1
