"""The reports in Chromium: the organiser's form prefilled after a Jam and its highlight
photo chosen and shown from its served address; the campaign report's figures, charts
and tables in English and Persian, all inside a 390 px phone. Screenshots at 390 and
1366 px (English, Persian, Japanese) go to test-artifacts/report-shots/."""

import json

import pytest
from playwright.sync_api import expect

from jamportal.attendance.models import JamReport
from jamportal.attendance.tests.test_report import jam_that_happened, make_campaign_with_jams, make_reader
from jamportal.feed import services as feed_services
from jamportal.tests.test_accessibility import ARTIFACTS, photo_posted, sign_in, violations
from jamportal.tests.test_site_chrome_browser import new_context, outside

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = ARTIFACTS / "report-shots"


def shoot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def loaded(page, selector):
    """Whether every image matching `selector` was loaded by the browser (and decoded), once
    scrolled into view as the organiser would (the choices are lazy: a tall page or a slow
    machine leaves them below the fold or still on their way). Waits up to 10 s.
    (page.evaluate: the page's CSP forbids the eval that wait_for_function's polling uses)"""
    for image in page.locator(selector).all():
        image.scroll_into_view_if_needed()
    return page.evaluate(
        """async (s) => {
            const done = () => [...document.querySelectorAll(s)].every((img) => img.complete && img.naturalWidth > 0);
            for (let tries = 0; tries < 100 && !done(); tries++) await new Promise((r) => setTimeout(r, 100));
            return done();
        }""",
        selector,
    )


@pytest.mark.parametrize("width", [390, 1366])
def test_the_organiser_writes_the_prefilled_report_and_picks_a_highlight(browser, live_server, width):
    jam = jam_that_happened(title="Cambridge Birthday Jam")
    booth, _token = feed_services.booth_create(jam, by=jam.organiser, name="Front door")
    photo_posted(booth, key="cake")
    robot = photo_posted(booth, key="robot")
    robot.refresh_from_db()
    context = new_context(browser, live_server, width)
    page = context.new_page()
    try:
        sign_in(page, jam.organiser.email)
        shoot(page, f"dashboard-write-the-report-en-{width}")
        page.get_by_role("link", name="Write the report").click()
        page.wait_for_url(f"**/jams/{jam.slug}/report/")
        numbers = {name: page.locator(f"#id_{name}").input_value()
                   for name in ("signed_up", "checked_in", "walk_ins", "under_18s", "photos_taken")}  # fmt: skip
        assert numbers == {"signed_up": "7", "checked_in": "6", "walk_ins": "2", "under_18s": "2", "photos_taken": "2"}
        expect(page.locator("#id_under_18s_helptext")).to_have_text("Counted from those checked in at the door.")
        expect(page.locator(".photo-choice img")).to_have_count(2)
        assert loaded(page, ".photo-choice img")
        assert not page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert violations(page) == []
        shoot(page, f"jam-report-en-{width}")

        page.locator("#id_checked_in").fill("9")  # they counted a family the phone missed
        page.locator("#id_what_happened").fill("Robots raced round the hall.")
        page.locator(f".photo-choice:has(input[value='{robot.pk}']) img").click()
        page.get_by_role("button", name="Send the report").click()

        expect(page.locator(".messages")).to_contain_text("Thank you: your report is saved.")
        report = JamReport.objects.get(jam=jam)
        assert (report.checked_in, report.signed_up, report.highlight_id) == (9, 7, robot.pk)
        highlight = page.locator(".report-highlight img")
        expect(highlight).to_have_attribute("src", robot.display_url)
        assert robot.display_url.startswith("/media/photos/")
        assert loaded(page, ".report-highlight img")
        expect(page.locator(f"input[name=highlight][value='{robot.pk}']")).to_be_checked()
        expect(page.locator("#id_checked_in")).to_have_value("9")
        shoot(page, f"jam-report-saved-en-{width}")

        page.goto("/en/dashboard/")
        expect(page.get_by_role("link", name="Your report")).to_be_visible()
        for language in ("fa", "ja"):
            page.goto(f"/{language}/jams/{jam.slug}/report/")
            expect(page.locator("#id_checked_in")).to_have_value("9")
            assert loaded(page, ".report-highlight img")
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            shoot(page, f"jam-report-saved-{language}-{width}")
    finally:
        context.close()


@pytest.fixture
def reader():
    return make_reader()


@pytest.fixture
def campaign_with_jams():
    return make_campaign_with_jams()


TOTALS = {
    "en": {"Jams": "5", "Countries": "4", "Continents": "3", "Signed up": "47", "Came": "61", "First-time Jams": "4"},
    "fa": {"جم‌ها": "۵", "کشورها": "۴", "قاره‌ها": "۳", "ثبت‌نام‌شده": "۴۷", "آمدند": "۶۱", "جم‌های نخست": "۴"},
}


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_campaign_report_shows_the_right_figures_and_charts_on_a_phone(
    browser, live_server, campaign_with_jams, reader, language
):
    context = new_context(browser, live_server, 390)
    page = context.new_page()
    try:
        sign_in(page, reader.email)
        page.goto(f"/{language}/campaigns/birthday/report/")
        totals = dict(zip(page.locator(".report-totals dt").all_inner_texts(),
                          page.locator(".report-totals dd").all_inner_texts(), strict=True))  # fmt: skip
        assert {name: totals[name] for name in TOTALS[language]} == TOTALS[language]
        charts = page.locator("svg.bar-chart")
        expect(charts).to_have_count(4)
        for index in range(4):
            expect(charts.nth(index)).to_be_visible()
            box = charts.nth(index).bounding_box()
            assert box["width"] > 300
            assert box["height"] > 50
        # The bars start at the line's start: the left in English, the right in Persian.
        first_bar = charts.nth(0).locator("rect").first.bounding_box()
        chart_box = charts.nth(0).bounding_box()
        if language == "fa":
            assert abs(first_bar["x"] + first_bar["width"] - (chart_box["x"] + chart_box["width"])) < 1
        else:
            assert abs(first_bar["x"] - chart_box["x"]) < 1
        assert outside(page, "main *:not(thead, thead *)") == []  # (a phone's table hides its head)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert violations(page) == [], json.dumps(violations(page), ensure_ascii=False)
        rows = page.locator("#by-continent ~ table tbody th").all_inner_texts()
        assert rows == {"en": ["Europe", "Asia", "Africa"], "fa": ["اروپا", "آسیا", "افریقا"]}[language]
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1366])
def test_screenshots_of_the_campaign_report(browser, live_server, campaign_with_jams, reader, width):
    context = new_context(browser, live_server, width)
    page = context.new_page()
    try:
        sign_in(page, reader.email)
        for language in ("en", "fa", "ja"):
            page.goto(f"/{language}/campaigns/birthday/report/")
            expect(page.locator("svg.bar-chart")).to_have_count(4)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            shoot(page, f"campaign-report-{language}-{width}")
    finally:
        context.close()
