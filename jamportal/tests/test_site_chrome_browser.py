"""The site's chrome in Chromium (issue 19), at 320, 390, 768 and 1366 px, left to
right and right to left: every item of the header and of each menu, opened, lies
inside the viewport on every page (a near-me search and a typed town too); no page
scrolls sideways; the tab titles; the icons; axe finds
no serious problem on the pages the chrome and the front pages changed. Screenshots
in test-artifacts/chrome-*.png."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from jamportal.feed import services as feed_services
from jamportal.jams.tests.factories import PASSWORD, CampaignFactory, JamFactory, UserFactory
from jamportal.tests.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
WIDTHS = [320, 390, 768, 1366]
SHOTS = {390, 1366}  # widths whose pages are saved as screenshots
PHONE_HEADER_MAX_PX = 64  # one row: brand, Menu, language (it took ~290 px of 844 before)


@pytest.fixture
def site():
    start = timezone.now() + datetime.timedelta(days=20)
    campaign = CampaignFactory(
        name="Big Birthday Weekend",
        slug="birthday",
        starts_on=start.date(),
        ends_on=start.date() + datetime.timedelta(days=1),
    )
    organiser = UserFactory(email="ada@example.org")
    jam = JamFactory(title="Cambridge Birthday Jam", organiser=organiser, campaign=campaign, start=start,
                     end=start + datetime.timedelta(hours=5))  # fmt: skip
    for title, lat, lon, country in [("Tehran Jam", 35.69, 51.39, "IR"), ("Lagos Jam", 6.52, 3.38, "NG")]:
        JamFactory(title=title, city=title.split()[0], latitude=lat, longitude=lon, country=country, campaign=campaign)
    feed_services.booth_create(jam, by=organiser, name="Front door")
    return {"jam": jam, "campaign": campaign, "organiser": organiser}


def pages(site, language):
    slug = site["campaign"].slug
    return {
        "home": f"/{language}/",
        "jam": f"/{language}/jams/{site['jam'].slug}/",
        "campaign": f"/{language}/campaigns/{slug}/",
        "campaigns": f"/{language}/campaigns/",
        "wall": f"/{language}/campaigns/{slug}/wall/",
        "near-me": f"/{language}/?around=35.7,51.4",
        "typed-town": f"/{language}/?q=Lagos",
    }


def new_context(browser, live_server, width, **options):
    context = browser.new_context(
        viewport={"width": width, "height": 844}, base_url=live_server.url, bypass_csp=True, **options
    )
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    return context


def outside(page, selector):
    """The visible elements matching `selector` whose box is not inside [0, viewport width]."""
    return page.evaluate(
        """(selector) => {
            const width = document.documentElement.clientWidth;
            return [...document.querySelectorAll(selector)]
                .filter((el) => el.checkVisibility({visibilityProperty: true}))  // (a closed <details> too)
                .map((el) => ({text: el.textContent.trim().slice(0, 30), box: el.getBoundingClientRect().toJSON()}))
                .filter(({box}) => box.width > 1 && (box.left < 0 || box.right > width + 0.5))
                .map(({text, box}) => `${text}: ${Math.round(box.left)}..${Math.round(box.right)} of ${width}`);
        }""",
        selector,
    )


def low_contrast(page, selector, *, minimum=4.5):
    """Text in `selector` whose contrast with the background behind it is under `minimum`.
    (axe leaves text out when it is exactly the colour of its background: the empty wall's was.)"""
    return page.evaluate(
        """([selector, minimum]) => {
            const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
            const luminance = ([r, g, b]) => [r, g, b].map((v) => {
                v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
            }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
            const background = (el) => {
                for (; el; el = el.parentElement) {
                    const c = rgb(getComputedStyle(el).backgroundColor);
                    if (c.length < 4 || c[3] > 0) return c;
                }
                return [255, 255, 255];
            };
            return [...document.querySelectorAll(selector)].filter((el) => el.textContent.trim()).map((el) => {
                const [a, b] = [luminance(rgb(getComputedStyle(el).color)), luminance(background(el))];
                const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
                return ratio < minimum ? `${el.textContent.trim().slice(0, 30)}: ${ratio.toFixed(2)}` : null;
            }).filter(Boolean);
        }""",
        [selector, minimum],
    )


def visible_count(page, selector):
    return page.evaluate(
        "(s) => [...document.querySelectorAll(s)].filter((e) => e.checkVisibility({visibilityProperty: true})).length",
        selector,
    )


def check_header_and_menus(page, width, language, where):
    """Open every menu of the header and check that each of its items is inside the viewport."""
    problems = []
    header = page.locator(".site-header")
    problems += [f"{where} header: {p}" for p in outside(page, ".site-header :is(a, button, summary)")]
    if width <= 400 and (height := header.bounding_box()["height"]) > PHONE_HEADER_MAX_PX:
        problems.append(f"{where}: the header takes {height} px")
    toggle = page.locator(".menu-toggle")
    links = ".site-header nav :is(a, button)"
    if toggle.is_visible():
        assert toggle.get_attribute("aria-expanded") == "false"
        assert visible_count(page, links) == 0, f"{where}: the collapsed menu shows its links"
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        page.screenshot(path=ARTIFACTS / f"chrome-menu-{language}-{width}.png") if width in SHOTS else None
    if visible_count(page, links) < 4:
        problems.append(f"{where}: the menu's links are not all shown")
    problems += [f"{where} menu: {p}" for p in outside(page, links)]
    if toggle.is_visible():
        page.keyboard.press("Escape")
        assert toggle.get_attribute("aria-expanded") == "false"
        assert visible_count(page, links) == 0

    page.locator(".language-switch summary").click()
    items = ".language-switch li :is(a, button)"
    if visible_count(page, items) != 12:
        problems.append(f"{where}: the language menu does not show its 12 languages")
    problems += [f"{where} languages: {p}" for p in outside(page, items)]
    if width in SHOTS:
        page.screenshot(path=ARTIFACTS / f"chrome-languages-{language}-{width}.png")
    page.keyboard.press("Escape")
    if visible_count(page, items):
        problems.append(f"{where}: Escape does not close the language menu")
    return problems


@pytest.mark.parametrize("language", ["en", "fa"])
@pytest.mark.parametrize("width", WIDTHS)
def test_header_menus_and_pages_fit_the_screen(browser, live_server, site, width, language):
    ARTIFACTS.mkdir(exist_ok=True)
    context = new_context(browser, live_server, width)
    page = context.new_page()
    problems = []
    try:
        for name, url in pages(site, language).items():
            page.goto(url)
            page.wait_for_load_state("networkidle")
            title = page.title()
            if not re.fullmatch(r".+ · JamPortal", title) or "JamPortal" in title.removesuffix(" · JamPortal"):
                problems.append(f"{name} is titled {title!r}")
            if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
                problems.append(f"{name} scrolls sideways at {width} px")
            if name == "wall":
                empty_wall = low_contrast(page, ".no-photos :is(h2, p, a), p.no-photos")
                problems += [f"wall, low contrast: {text}" for text in empty_wall]
            problems += check_header_and_menus(page, width, language, f"{name} {language} {width}")
            if width in SHOTS:
                page.screenshot(path=ARTIFACTS / f"chrome-{name}-{language}-{width}.png", full_page=True)
                problems += [f"axe on {name}: {v['rule']} ({v['impact']}) at {v['where']}" for v in violations(page)]
    finally:
        context.close()

    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["en", "fa"])
@pytest.mark.parametrize("width", WIDTHS)
def test_signed_in_menu_fits_the_screen(browser, live_server, site, language, width):
    """Signed in, the menu has more items, and the language menu is a form of buttons."""
    context = new_context(browser, live_server, width)
    page = context.new_page()
    try:
        page.goto("/en/accounts/login/")
        page.locator("#id_login").fill(site["organiser"].email)
        page.locator("#id_password").fill(PASSWORD)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_url("**/dashboard/")
        page.goto(f"/{language}/dashboard/")

        problems = check_header_and_menus(page, width, language, f"dashboard {language} {width}")
    finally:
        context.close()

    assert not problems, "\n".join(problems)


def test_without_javascript_the_menu_links_are_in_view(browser, live_server, site):
    context = new_context(browser, live_server, 390, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/fa/")
        hidden_button = not page.locator(".menu-toggle").is_visible()
        shown = visible_count(page, ".site-header nav a")
        problems = outside(page, ".site-header :is(a, summary)")
        page.locator(".language-switch summary").click()  # a <details>: it opens without JavaScript
        problems += outside(page, ".language-switch li a")
        languages = visible_count(page, ".language-switch li a")
    finally:
        context.close()

    assert hidden_button
    assert shown == 6  # Find a Jam, Campaigns, Organise a Jam, Resources, Sign in, Sign up
    assert languages == 12
    assert not problems, problems


def test_the_icons_are_served_and_linked(browser, live_server, site):
    context = new_context(browser, live_server, 1366)
    page = context.new_page()
    try:
        page.goto("/en/")
        ico = page.request.get("/favicon.ico")
        svg_href = page.locator('link[rel="icon"][type="image/svg+xml"]').get_attribute("href")
        svg = page.request.get(svg_href)
        brand_loaded = page.evaluate("document.querySelector('.brand img').naturalWidth")
    finally:
        context.close()

    assert ico.status == 200
    assert ico.headers["content-type"] == "image/x-icon"
    assert svg.status == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert brand_loaded == 64


@pytest.mark.parametrize("width", [390, 1366])
def test_japanese_screenshots(browser, live_server, site, width):
    """Saved to look at (a third script, and CJK line breaking): and nothing scrolls sideways."""
    ARTIFACTS.mkdir(exist_ok=True)
    context = new_context(browser, live_server, width)
    page = context.new_page()
    sideways = []
    try:
        for name, url in pages(site, "ja").items():
            page.goto(url)
            page.wait_for_load_state("networkidle")
            if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
                sideways.append(name)
            page.screenshot(path=ARTIFACTS / f"chrome-{name}-ja-{width}.png", full_page=True)
    finally:
        context.close()

    assert not sideways


LONG_WORD = "Supercalifragilisticexpialidociousbirthdaycelebrationjam"


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_long_word_in_user_text_wraps_on_a_phone(browser, live_server, site, language):
    """An organiser's title or venue with a word longer than the screen is wide (found by the
    outsider pass: a phone's list, Jam page and campaign page scrolled sideways)."""
    jam = site["jam"]
    jam.title = f"جم رزبری دوالا Douala {LONG_WORD}"
    jam.venue_name = LONG_WORD
    jam.city = "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch"
    jam.save()
    context = new_context(browser, live_server, 320)
    page = context.new_page()
    problems = []
    try:
        for name, path in pages(site, language).items():
            page.goto(path)
            if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
                problems.append(f"{name}: {page.evaluate('document.documentElement.scrollWidth')} px wide")
        page.screenshot(path=ARTIFACTS / f"chrome-long-word-{language}.png", full_page=True)
    finally:
        context.close()

    assert problems == []
