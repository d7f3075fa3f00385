"""A Jam's page as visitors meet it (issue 19), in Debian's Chromium: it fits a phone and a
desktop in English, Persian and Japanese; its calendar links carry the right times; a
visitor in another timezone sees the hours in theirs; sharing works with and without
the Web Share API. Screenshots go to test-artifacts/jam-page-<language>-<width>.png."""

import datetime
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from playwright.sync_api import expect

from jamportal.jams.tests.factories import JamFactory
from jamportal.tests.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
WIDTHS = {390: 844, 1366: 900}
TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.fixture
def jam():
    """A Tokyo Jam with every field filled in, long words included."""
    start = datetime.datetime(2031, 3, 3, 10, 0, tzinfo=TOKYO)
    return JamFactory(
        title="東京ラズベリージャム: Raspberry Pi Birthday Extravaganza",
        start=start,
        end=start + datetime.timedelta(hours=6),
        timezone="Asia/Tokyo",
        venue_name="FabCafe Tokyo, Shibuya Community Makerspace",
        address="1-22-7 Dogenzaka, Shibuya-ku",
        city="Tokyo",
        country="JP",
        latitude=35.6762,
        longitude=139.6503,
        host_name="Tokyo Raspberry Pi User Group",
        website="https://example.org/tokyo",
        activities=["workshops", "talks", "show-and-tell", "beginners"],
        languages=["ja", "en"],
        expected_attendees=120,
        social_handle="@tokyojam",
    )


def open_page(browser, live_server, url, **options):
    context = browser.new_context(base_url=live_server.url, **options)
    # Map tiles and anything else off this machine are refused: tests stay on loopback.
    context.route(re.compile(r"^(?!" + re.escape(live_server.url) + ").*"), lambda route: route.abort())
    page = context.new_page()
    page.goto(url)
    return page


@pytest.mark.parametrize("language", ["en", "fa", "ja"])
@pytest.mark.parametrize("width", list(WIDTHS))
def test_jam_page_fits_without_sideways_scrolling_or_split_times(browser, live_server, jam, language, width):
    page = open_page(
        browser, live_server, f"/{language}/jams/{jam.slug}/",
        viewport={"width": width, "height": WIDTHS[width]}, timezone_id="Europe/Berlin",
        bypass_csp=True,  # for axe, injected by the test (the page's own scripts run under it in the tests below)
    )  # fmt: skip
    page.wait_for_load_state("networkidle")

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"jam-page-{language}-{width}.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Every label and value inside the window, and each time on one line ("10 a.m.", never "10 / a.m.").
    outside = page.evaluate(
        """() => [...document.querySelectorAll('.event-facts > *, .event-actions > *')]
            .map(e => [e.textContent.trim().slice(0, 30), e.getBoundingClientRect()])
            .filter(([, r]) => r.left < 0 || r.right > window.innerWidth)
            .map(([text]) => text)"""
    )
    assert outside == []
    split = page.evaluate(
        """() => [...document.querySelectorAll('.when time')]
            .filter(t => t.getClientRects().length !== 1
                || t.getBoundingClientRect().height > 1.6 * parseFloat(getComputedStyle(t).lineHeight))
            .map(t => t.textContent)"""
    )
    assert split == []
    assert page.locator(".visitor-time").count() == 1  # Berlin is not Tokyo
    labels = page.locator(".event-facts dt").evaluate_all("(dts) => dts.map(dt => dt.getBoundingClientRect().left)")
    values = page.locator(".event-facts dd").evaluate_all("(dds) => dds.map(dd => dd.getBoundingClientRect().left)")
    if width == 390:  # labels above their values: both start at the same edge
        assert len(set(map(round, labels + values))) == 1
    else:  # labels beside their values
        assert len(set(map(round, labels))) == 1
        assert all(round(value) != round(labels[0]) for value in values)
    # With the calendar choices open: still inside the window, and nothing axe calls serious.
    page.locator(".add-to-calendar summary").click()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    choices = page.locator(".add-to-calendar li a").evaluate_all(
        "(links) => links.map(a => [a.getBoundingClientRect().left, a.getBoundingClientRect().right])"
    )
    assert len(choices) == 3
    assert all(left >= 0 and right <= width for left, right in choices)
    page.screenshot(path=ARTIFACTS / f"jam-page-{language}-{width}-calendar.png")
    assert violations(page) == []


@pytest.mark.parametrize("language", ["en", "fa"])
def test_calendar_links_carry_start_and_end_in_utc(browser, live_server, jam, language):
    page = open_page(browser, live_server, f"/{language}/jams/{jam.slug}/", viewport={"width": 390, "height": 844})

    page.locator(".add-to-calendar summary").click()
    links = page.locator(".add-to-calendar li a")
    expect(links).to_have_count(3)
    google = parse_qs(urlsplit(links.nth(0).get_attribute("href")).query)
    outlook = parse_qs(urlsplit(links.nth(1).get_attribute("href")).query)
    with page.expect_download() as download:
        links.nth(2).click()

    # 10:00-16:00 in Tokyo (UTC+9) is 01:00-07:00 UTC.
    assert google["dates"] == ["20310303T010000Z/20310303T070000Z"]
    assert (outlook["startdt"], outlook["enddt"]) == (["2031-03-03T01:00:00Z"], ["2031-03-03T07:00:00Z"])
    assert google["text"] == outlook["subject"] == [jam.title]
    assert download.value.suggested_filename == "東京ラズベリージャム-raspberry-pi-birthday-extravaganza-2031-03-03.ics"
    page.context.close()


def test_visitor_in_another_timezone_sees_start_and_end_in_theirs(browser, live_server, jam):
    page = open_page(browser, live_server, f"/en/jams/{jam.slug}/", timezone_id="America/New_York")

    # 10:00-16:00 in Tokyo on Monday 3 March is 20:00 on Sunday to 02:00 on Monday in New York.
    expect(page.locator(".visitor-time")).to_have_text("Sun, Mar 2, 8:00 PM EST – Mon, Mar 3, 2:00 AM EST your time")
    page.context.close()


def test_visitor_in_the_jams_timezone_sees_no_second_time(browser, live_server, jam):
    page = open_page(browser, live_server, f"/en/jams/{jam.slug}/", timezone_id="Asia/Tokyo")

    page.wait_for_load_state("load")
    expect(page.locator(".when")).to_be_visible()
    expect(page.locator(".visitor-time")).to_have_count(0)
    page.context.close()


def test_share_button_falls_back_to_copying_the_link(browser, live_server, jam):
    page = open_page(browser, live_server, f"/en/jams/{jam.slug}/")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    assert page.evaluate("typeof navigator.share") == "undefined"  # Chromium on Linux has no Web Share

    page.get_by_role("button", name="Copy link").click()

    expect(page.locator(".share-status")).to_have_text("Link copied.")
    assert page.evaluate("navigator.clipboard.readText()") == f"https://jams.example/en/jams/{jam.slug}/"
    page.context.close()


def test_share_button_uses_the_web_share_api_where_there_is_one(browser, live_server, jam):
    context = browser.new_context(base_url=live_server.url)
    context.add_init_script("navigator.share = (data) => { window.shared = data; return Promise.resolve(); };")
    page = context.new_page()
    page.goto(f"/en/jams/{jam.slug}/")

    page.get_by_role("button", name="Share").click()

    assert page.evaluate("window.shared") == {
        "title": jam.title,
        "url": f"https://jams.example/en/jams/{jam.slug}/",
    }
    context.close()


def test_without_javascript_share_is_a_plain_link_to_the_page(browser, live_server, jam):
    page = open_page(browser, live_server, f"/en/jams/{jam.slug}/", java_script_enabled=False)

    link = page.get_by_role("link", name="Share")

    assert link.get_attribute("href") == f"https://jams.example/en/jams/{jam.slug}/"
    page.context.close()
