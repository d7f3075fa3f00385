"""The site's map reads its Jams from the public API (/api/v1/jams.geojson) in
Chromium: the home page, left to right and right to left, asks v1 in its own
language, and draws its markers from what v1 answered."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from jamportal.jams.tests.test_browser_map import place_jams

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_home_pages_map_draws_its_markers_from_the_public_api(browser, live_server, language):
    place_jams()  # Leeds (two), Nairobi (three), Cape Town (one)
    context = browser.new_context(viewport={"width": 1366, "height": 800}, base_url=live_server.url)
    context.route(re.compile(r"^(?!" + re.escape(live_server.url) + ").*"), lambda route: route.abort())  # no tiles
    page = context.new_page()
    asked = []
    page.on("request", lambda request: "geojson" in request.url and asked.append(request.url))

    with page.expect_response(lambda response: "geojson" in response.url) as answered:
        page.goto(f"/{language}/")
    expect(page.locator("body[data-map-ready]")).to_be_attached()

    url = urlsplit(asked[0])
    assert url.path == "/api/v1/jams.geojson"
    assert parse_qs(url.query)["lang"] == [language]
    assert {"bbox", "zoom"} <= set(parse_qs(url.query))
    assert all(urlsplit(each).path == "/api/v1/jams.geojson" for each in asked)
    features = answered.value.json()["features"]
    assert sorted(f["properties"].get("count", 1) for f in features) == [1, 2, 3]
    assert page.locator("body").get_attribute("data-map-ready") == str(len(features))
    expect(page.locator(".leaflet-marker-pane .leaflet-marker-icon")).to_have_count(len(features))
    expect(page.get_by_role("button", name="Cape Town Jam")).to_be_visible()
    context.close()


def test_the_map_asks_again_when_the_public_api_says_wait(browser, live_server):
    """A classroom behind one address may reach the API's limit: the map waits as the
    429 says (Retry-After), asks once more, and draws its markers."""
    place_jams()
    context = browser.new_context(viewport={"width": 1366, "height": 800}, base_url=live_server.url)
    context.route(re.compile(r"^(?!" + re.escape(live_server.url) + ").*"), lambda route: route.abort())
    refused = []

    def refuse_once(route):
        if refused:
            route.continue_()
            return
        refused.append(route.request.url)
        route.fulfill(
            status=429,
            headers={"Retry-After": "1", "Access-Control-Allow-Origin": "*"},
            content_type="application/json",
            body='{"error": "rate_limited", "message": "Too many requests from this address."}',
        )

    context.route("**/api/v1/jams.geojson?*", refuse_once)
    page = context.new_page()
    page.goto("/en/")

    expect(page.locator("body[data-map-ready]")).to_be_attached()
    assert len(refused) == 1
    expect(page.get_by_role("button", name="Cape Town Jam")).to_be_visible()
    expect(page.locator("#jam-map-status")).to_have_text("")
    context.close()
