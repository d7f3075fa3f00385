"""The home page's map in a real browser (Debian's Chromium driven by Playwright), at
phone, tablet and desktop widths, left to right and right to left: every Jam can be
opened from the map by clicking, even Jams at the very same spot; the list and the
pins carry the same numbers; a near-me search marks its place; and the map is
readable with every tile request refused, from our own base layer."""

import datetime
import re
from pathlib import Path

import leaflet
import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from jamportal.cldr.formats import native_digits
from jamportal.jams.tests.factories import JamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
WIDTHS = [320, 390, 768, 1366]
LANGUAGES = ["en", "fa"]

# Two Jams placed by picking the same town (Leeds), three more at another one
# (Nairobi), and one alone (Cape Town): soonest first, so numbered 1 to 6 in the list.
LEEDS = (53.7997, -1.5492)
NAIROBI = (-1.2921, 36.8219)
CAPE_TOWN = (-33.9249, 18.4241)
SAME_SPOT = {
    "Leeds": ["Leeds Jam A", "Leeds Jam B"],
    "Nairobi": ["Nairobi Jam A", "Nairobi Jam B", "Nairobi Jam C"],
}


def place_jams():
    start = (timezone.now() + datetime.timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    jams = [
        ("Leeds Jam A", LEEDS, "GB", "Leeds"),
        ("Leeds Jam B", LEEDS, "GB", "Leeds"),
        ("Nairobi Jam A", NAIROBI, "KE", "Nairobi"),
        ("Nairobi Jam B", NAIROBI, "KE", "Nairobi"),
        ("Nairobi Jam C", NAIROBI, "KE", "Nairobi"),
        ("Cape Town Jam", CAPE_TOWN, "ZA", "Cape Town"),
    ]
    for day, (title, (latitude, longitude), country, city) in enumerate(jams):
        JamFactory(
            title=title,
            latitude=latitude,
            longitude=longitude,
            country=country,
            city=city,
            timezone="UTC",
            start=start + datetime.timedelta(days=day),
        )


@pytest.fixture
def open_page(browser, live_server):
    """open_page(width, path) -> (page, refused): a page of that width, offline but for
    our server; `refused` collects the tile requests (and any other off-host one) it made."""
    contexts = []

    def make(width, path):
        context = browser.new_context(viewport={"width": width, "height": 800}, base_url=live_server.url)
        refused = []

        def refuse(route):
            refused.append(route.request.url)
            route.abort()

        context.route(re.compile(r"^(?!" + re.escape(live_server.url) + ").*"), refuse)
        contexts.append(context)
        # The test may move the map itself: window.testMap (django-leaflet announces each map).
        context.add_init_script("addEventListener('map:init', (e) => { window.testMap = e.detail.map; })")
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        page.on("response", lambda response: response.status >= 400 and page.errors.append(response.url))
        page.goto(path)
        expect(page.locator("body[data-map-ready]")).to_be_attached()
        return page, refused

    yield make
    for context in contexts:
        context.close()


def list_numbers(page):
    """{title: number} as the list beside the map shows them."""
    items = page.locator(".jam-list li[data-jam]")
    return {
        items.nth(i).locator("a").inner_text(): items.nth(i).locator(".jam-number").inner_text()
        for i in range(items.count())
    }


def open_each_jam_from(page, marker, titles):
    """Click `marker`, then each Jam's link in its popup; each must open that Jam's page."""
    address = page.url
    for title in titles:
        marker().click()
        popup = page.locator(".leaflet-popup")
        expect(popup.locator(".jam-popup")).to_have_count(len(titles))
        # The map may be sliding to show the popup whole: a click on the link meanwhile
        # can land beside it, as a person's would.
        expect(page.locator(".leaflet-pan-anim")).to_have_count(0)
        with page.expect_navigation():
            popup.locator(".jam-popup", has_text=title).get_by_role("link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        page.goto(address)
        expect(page.locator("body[data-map-ready]")).to_be_attached()


def base_map_land_pixels(page):
    """How many pixels of the base layer's canvas are painted (countries drawn)."""
    expect(page.locator("#jam-map[data-base-map-drawn=true]")).to_be_attached()
    return page.evaluate(
        """() => {
            const canvas = document.querySelector('.leaflet-base-map-pane canvas');
            const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let painted = 0;
            for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
            return painted;
        }"""
    )


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_every_jam_opens_from_the_world_map_and_pins_match_the_list(open_page, width, language):
    place_jams()
    page, refused = open_page(width, f"/{language}/")

    # The pair and the triple are clusters (at every zoom: test_near.py); clicking one lists its Jams.
    for titles in SAME_SPOT.values():
        count = native_digits(str(len(titles)), language)  # "۲" on a Persian page
        open_each_jam_from(page, lambda count=count: page.locator(".jam-cluster", has_text=count), titles)

    # The Jam alone carries its number in the list on its pin.
    numbers = list_numbers(page)
    assert list(numbers) == [*SAME_SPOT["Leeds"], *SAME_SPOT["Nairobi"], "Cape Town Jam"]  # soonest first
    expect(page.get_by_role("button", name="Cape Town Jam")).to_have_text(numbers["Cape Town Jam"])

    # No tile came (each was refused), and the map is still drawn: countries on our base layer.
    assert any("tile" in url for url in refused)
    assert base_map_land_pixels(page) > 10_000
    assert page.errors == []
    if width in (390, 1366):
        ARTIFACTS.mkdir(exist_ok=True)
        page.locator("#jam-map").scroll_into_view_if_needed()
        page.screenshot(path=ARTIFACTS / f"home-base-map-{language}-{width}.png", full_page=True)

    # From the keyboard too: Enter on the pair's cluster lists them.
    page.locator(".jam-cluster", has_text=native_digits("2", language)).focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup .jam-popup")).to_have_count(2)
    expect(page.locator(".leaflet-popup").get_by_role("link").first).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator(".leaflet-popup")).to_have_count(0)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", WIDTHS)
def test_near_me_marks_the_place_and_opens_each_jam_at_one_spot(open_page, width, language):
    place_jams()
    page, _refused = open_page(width, f"/{language}/?around=53.81,-1.56")
    label = {"en": "Your location", "fa": "مکان شما"}[language]

    expect(page.locator(".searched-place")).to_have_count(1)
    expect(page.locator(".searched-place-label")).to_have_text(label)
    numbers = list_numbers(page)
    assert list(numbers)[:2] == SAME_SPOT["Leeds"]  # nearest first
    assert len(numbers) == 5  # the five nearest (none within 50 km but Leeds)

    # One pin for each spot, with the numbers of its Jams in the list.
    leeds = numbers["Leeds Jam A"] + "·" + numbers["Leeds Jam B"]
    nairobi = numbers["Nairobi Jam A"] + "–" + numbers["Nairobi Jam C"]
    pins = page.locator(".jam-pin")
    expect(pins).to_have_count(2)
    expect(pins.filter(has_text=leeds)).to_have_count(1)
    expect(pins.filter(has_text=nairobi)).to_have_count(1)
    open_each_jam_from(page, lambda: page.locator(".jam-pin", has_text=leeds), SAME_SPOT["Leeds"])
    open_each_jam_from(page, lambda: page.locator(".jam-pin", has_text=nairobi), SAME_SPOT["Nairobi"])
    assert page.errors == []
    if width in (390, 1366):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"home-near-me-{language}-{width}.png", full_page=True)


@pytest.mark.parametrize("language", ["en", "fa"])
@pytest.mark.parametrize("width", [320, 390, 768, 1366])
def test_a_searched_town_is_marked_with_its_name_and_the_address_has_only_filled_fields(open_page, width, language):
    JamFactory(title="Yaoundé Jam", latitude=3.87, longitude=11.52, country="CM", city="Yaoundé")
    page, _refused = open_page(width, f"/{language}/")

    page.locator("#id_q").fill("Yaoundé, Cameroon")
    page.locator("#id_q").press("Enter")

    label = page.locator(".searched-place-label")
    expect(label).to_have_text("Yaoundé" if language == "en" else "یاوندی")
    expect(page.locator("body[data-map-ready]")).to_be_attached()
    map_box, label_box = page.locator("#jam-map").bounding_box(), label.bounding_box()
    assert map_box["x"] <= label_box["x"]
    assert label_box["x"] + label_box["width"] <= map_box["x"] + map_box["width"]
    assert page.url.endswith(f"/{language}/?q=Yaound%C3%A9%2C+Cameroon&when=upcoming")
    expect(page.locator(".jam-pin")).to_have_text("1" if language == "en" else "۱")
    page.go_back()
    page.go_forward()  # the fields left out come back for the next search
    page.go_back()
    expect(page.locator("#id_country")).to_be_enabled()


def test_with_tiles_off_only_the_base_layer_draws(open_page, monkeypatch):
    """JAMPORTAL_TILES_URL= (empty) leaves no tile layer (settings: TILES = [])."""
    monkeypatch.setitem(leaflet.app_settings, "TILES", [])
    place_jams()

    page, refused = open_page(1366, "/en/")

    assert base_map_land_pixels(page) > 10_000
    expect(page.locator(".jam-cluster")).to_have_count(2)
    expect(page.locator(".leaflet-tile")).to_have_count(0)
    assert refused == []
    assert page.errors == []


def land_on_screen(page, start=0.0):
    """The share of the map's visible area, from `start` (a fraction of its width) to
    its right-hand edge, painted in the base layer's land colour."""
    return page.evaluate(
        """(start) => {
            const canvas = document.querySelector('.leaflet-base-map-pane canvas');
            const view = document.querySelector('#jam-map').getBoundingClientRect();
            const box = canvas.getBoundingClientRect();
            const scale = canvas.width / box.width;
            const x = Math.round((view.left + start * view.width - box.left) * scale);
            const y = Math.round((view.top - box.top) * scale);
            const w = Math.round((1 - start) * view.width * scale), h = Math.round(view.height * scale);
            const data = canvas.getContext('2d').getImageData(x, y, w, h).data;
            let land = 0;
            for (let i = 0; i < data.length; i += 4) {
                if (data[i] === 244 && data[i + 1] === 241 && data[i + 2] === 234) land++;  // #f4f1ea
            }
            return land / (w * h);
        }""",
        start,
    )


def test_the_base_map_repeats_sideways_once_the_view_is_wider_than_the_world(open_page):
    """A copy of the world either side is drawn once the view reaches it: zoomed out on a
    wide screen (the map is kept to one world's longitudes, so only then)."""
    page, _refused = open_page(1366, "/en/")
    expect(page.locator("#jam-map[data-base-map-drawn=true]")).to_be_attached()
    assert page.evaluate("() => testMap.getBounds().getEast()") < 180

    page.evaluate("() => { testMap.setView([20, 0], 1, {animate: false}); }")
    assert page.evaluate("() => testMap.getBounds().getEast()") > 240
    page.wait_for_timeout(500)  # the copies' batches, one task each
    page.screenshot(path=ARTIFACTS / "home-base-map-zoomed-out.png")

    # The view's right tenth lies east of 180°: only the copy to the east draws land there.
    assert land_on_screen(page, start=0.9) > 0.05


def test_the_keyboard_reaches_the_map_without_tabbing_through_the_list(open_page):
    """On a wide screen the list's "Show them on the map" link appears when it has the
    focus, first in the list (found by the outsider pass: 74 Tab presses to the map)."""
    place_jams()
    page, _refused = open_page(1366, "/en/")
    page.get_by_role("button", name="Show Jams").focus()

    page.keyboard.press("Tab")
    link = page.get_by_role("link", name="Show them on the map")
    expect(link).to_be_focused()
    expect(link).to_be_in_viewport()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")

    assert page.evaluate("document.querySelector('#map').contains(document.activeElement)")


@pytest.mark.parametrize(("language", "digits", "latin"), [("fa", "[۰-۹]", "[0-9]|km"), ("en", "[0-9]", "[0-9]{4}")])
def test_the_maps_scale_is_written_in_the_pages_digits_and_units(open_page, language, digits, latin):
    """Leaflet writes "500 m" and "3000 km" whatever the page (found by the outsider pass);
    Persian pages want "۳٬۰۰۰ کیلومتر", English ones "3,000 km"."""
    page, _refused = open_page(390, f"/{language}/")

    line = page.locator(".leaflet-control-scale-line").first
    scale = line.inner_text()

    assert line.evaluate("(e) => e.scrollWidth <= e.clientWidth"), f"{scale} is cut off"
    assert re.search(digits, scale), scale
    assert not re.search(latin, scale), scale
