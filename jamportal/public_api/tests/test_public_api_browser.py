"""A club's own page on another site reads the public API from Chromium: the
browser lets its script read the Jams (CORS), ask again with the ETag it kept,
and never lets it write."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from jamportal.jams.tests.factories import CampaignFactory, JamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLUB_PAGE = "<!doctype html><html lang='en'><title>Our club</title><ul id='jams'></ul></html>"


class ClubSite(BaseHTTPRequestHandler):
    """Another site: a club's page, on a server of its own."""

    def do_GET(self):
        body = CLUB_PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def club_page(browser, live_server):
    """The club's page (127.0.0.1, another port: another origin) open in Chromium."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), ClubSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{server.server_port}/")
    yield page
    context.close()
    server.shutdown()
    server.server_close()


def test_another_sites_script_reads_the_jams_in_its_language(club_page, live_server):
    JamFactory(title="Kagoshima Jam", city="Kagoshima", country="JP", campaign=CampaignFactory(slug="bbw"))

    answer = club_page.evaluate(
        """async (api) => {
            const response = await fetch(api + "/api/v1/jams?campaign=bbw", {headers: {"Accept-Language": "ja"}});
            const body = await response.json();
            for (const jam of body.results) {
                const item = document.createElement("li");
                item.dir = "auto";
                item.textContent = `${jam.title} (${jam.venue.country_name})`;
                document.querySelector("#jams").append(item);
            }
            return {status: response.status, language: response.headers.get("Content-Language"),
                    etag: response.headers.get("ETag"), count: body.count};
        }""",
        live_server.url,
    )

    assert answer["status"] == 200
    assert answer["language"] == "ja"
    assert answer["count"] == 1
    assert answer["etag"]
    assert club_page.locator("#jams li").all_inner_texts() == ["Kagoshima Jam (日本)"]


def test_another_sites_script_asks_again_with_the_etag_and_gets_a_304(club_page, live_server):
    JamFactory()

    statuses = club_page.evaluate(
        """async (api) => {
            const url = api + "/api/v1/jams";
            const first = await fetch(url, {cache: "no-store"});
            const again = await fetch(url, {cache: "no-store", headers: {"If-None-Match": first.headers.get("ETag")}});
            return [first.status, again.status];
        }""",
        live_server.url,
    )

    assert statuses == [200, 304]


def test_another_sites_script_cannot_write(club_page, live_server):
    jam = JamFactory(slug="cambridge", title="Cambridge Jam")

    outcome = club_page.evaluate(
        """async (api) => {
            try {
                await fetch(api + "/api/v1/jams/cambridge", {
                    method: "DELETE", headers: {"Content-Type": "application/json"}, body: "{}"});
                return "answered";
            } catch (error) {
                return error.name;
            }
        }""",
        live_server.url,
    )

    assert outcome == "TypeError"  # the preflight allows only reads: the browser never sends it
    jam.refresh_from_db()
    assert jam.title == "Cambridge Jam"
