"""The embeds as a school's site shows them, in Debian's Chromium: the snippet copied
from a Jam's "Embed this" dialog, pasted into a page on another origin (a second
loopback server), shows the Jams in the language asked for or the visitor's, sized
to its content; the portal's other pages still refuse to be framed there.
Screenshots go to test-artifacts/embed-*.png."""

import datetime
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from conftest import wait_for
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, UserFactory
from jamportal.jams.tests.test_series_views import approved_series
from jamportal.tests.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


@pytest.fixture
def host_site():
    """A school's web server on another origin (127.0.0.1, where the portal is localhost,
    on a port of its own): `pages[path] = html` serves that page."""
    pages = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path, "").encode()
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", pages
    server.shutdown()
    server.server_close()


@pytest.fixture
def jams(settings, live_server):
    settings.SITE_URL = live_server.url  # the snippets name the portal's address
    organiser = UserFactory()
    campaign = CampaignFactory(slug="bbw", name="Big Birthday Weekend")
    start = timezone.now() + datetime.timedelta(days=5)
    douala = JamFactory(
        slug="douala-jam",
        title="Douala Jam",
        organiser=organiser,
        city="Douala",
        country="CM",
        latitude=4.0511,
        longitude=9.7679,
        timezone="Africa/Douala",
        start=start,
        campaign=campaign,
    )
    JamFactory(
        title="Yaoundé Jam",
        organiser=organiser,
        city="Yaoundé",
        country="CM",
        latitude=3.848,
        longitude=11.502,
        timezone="Africa/Douala",
        start=start + datetime.timedelta(days=7),
        campaign=campaign,
    )
    return douala


def browser_page(browser, live_server, host, **options):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, **options)
    # Only the portal and the host site: tests stay on loopback.
    context.route(
        lambda url: not (url.startswith(live_server.url) or url.startswith(host)), lambda route: route.abort()
    )
    return context.new_page()


def test_snippet_from_the_dialog_shows_the_jams_on_another_site(browser, live_server, host_site, jams):
    host, pages = host_site
    page = browser_page(browser, live_server, host)
    page.goto(f"{live_server.url}/en/jams/douala-jam/")

    page.get_by_role("button", name="Embed this").click()
    dialog = page.get_by_role("dialog", name="Embed this on your site")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Our Jams: this organiser's upcoming Jams").check()
    dialog.get_by_label("Language").select_option("fr")
    snippet = dialog.get_by_label("Our element (sizes itself to what it shows)").input_value()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    dialog.get_by_role("button", name="Copy").first.click()
    expect(dialog.get_by_role("status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == snippet
    assert snippet == (
        f'<script src="{live_server.url}/static/embeds/jamportal-embed.js" defer></script>\n'
        '<jamportal-jams jam="douala-jam" ours lang="fr"></jamportal-jams>'
    )
    # The live preview is the same element, in French.
    preview = dialog.frame_locator("jamportal-jams iframe")
    expect(preview.locator("h1")).to_have_text("Nos Raspberry Jams")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "embed-dialog-en.png")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Embed this")).to_be_focused()

    pages["/school.html"] = f'<!DOCTYPE html><html lang="en"><title>Our school</title><h1>Our school</h1>{snippet}'
    page.goto(f"{host}/school.html")

    frame = page.frame_locator("jamportal-jams iframe")
    expect(frame.locator("h1")).to_have_text("Nos Raspberry Jams")
    expect(frame.locator("html")).to_have_attribute("lang", "fr")
    expect(frame.locator(".embed-jam a")).to_have_text(["Douala Jam", "Yaoundé Jam"])
    # Sized to its content by the page's message, and named by its title.
    iframe = page.locator("jamportal-jams iframe")
    content_height = frame.locator("html").evaluate("html => Math.ceil(html.getBoundingClientRect().height)")
    expect(iframe).to_have_js_property("clientHeight", content_height)
    expect(iframe).to_have_attribute("title", "Nos Raspberry Jams" + " · JamPortal")
    page.screenshot(path=ARTIFACTS / "embed-host-fr.png")
    # Its links open the portal in a new tab.
    with page.context.expect_page() as opened:
        frame.get_by_role("link", name="Douala Jam").click()
    assert opened.value.url == f"{live_server.url}/fr/jams/douala-jam/"
    assert page.url == f"{host}/school.html"


def test_embeds_follow_the_visitors_language_and_other_pages_refuse_framing(browser, live_server, host_site, jams):
    host, pages = host_site
    portal = live_server.url
    pages["/library.html"] = f"""<!DOCTYPE html><html lang="fa" dir="rtl"><title>کتابخانه</title>
<script src="{portal}/static/embeds/jamportal-embed.js" defer></script>
<jamportal-jams near="Douala" radius="30" nearest="1"></jamportal-jams>
<jamportal-map campaign="bbw"></jamportal-map>
<iframe id="country" src="{portal}/embed/jams/?country=CM" title="Jams" width="100%" height="300"></iframe>
<iframe id="site-page" src="{portal}/fa/jams/douala-jam/"></iframe>
<iframe id="site-home" src="{portal}/fa/"></iframe>"""
    # A visitor whose browser asks for Persian.
    page = browser_page(browser, live_server, host, locale="fa-IR")
    page.goto(f"{host}/library.html")

    near = page.frame_locator("jamportal-jams iframe")
    expect(near.locator("html")).to_have_attribute("lang", "fa")
    expect(near.locator("html")).to_have_attribute("dir", "rtl")
    # The place in Persian too (the gazetteer's names), isolated in the line.
    expect(near.locator("h1")).to_have_text("جم‌های نزدیک \u2068دوآلا\u2069")
    expect(near.locator(".embed-jam a")).to_have_text(["Douala Jam"])
    # The frame of fixed height, without our script: in Persian too.
    country = page.frame_locator("#country")
    expect(country.locator("h1")).to_have_text("جم‌ها در کامرون")
    expect(country.locator(".embed-jam a")).to_have_text(["Douala Jam", "Yaoundé Jam"])
    # The campaign's map, drawn by Leaflet inside the frame.
    map_frame = page.frame_locator("jamportal-map iframe")
    # (Both Jams in one cluster at the world's zoom, counted in Persian digits.)
    expect(map_frame.locator("body")).to_have_attribute("data-map-ready", "1")
    expect(map_frame.locator(".jam-cluster")).to_have_text("۲")
    expect(map_frame.locator("h1")).to_have_text("Big Birthday Weekend")
    page.screenshot(path=ARTIFACTS / "embed-host-fa.png", full_page=True)
    # The portal's own pages are refused in frames on another site: the browser shows
    # its error page in their place.
    for frame_id in ("site-page", "site-home"):
        frame = page.locator(f"#{frame_id}").element_handle().content_frame()
        wait_for(lambda frame=frame: frame.url.startswith("chrome-error://"), timeout=20, what=f"{frame_id} refused")
    # (The same server answered the embeds above: it is the framing that is refused.)
    expect(page.frame_locator("#site-page").locator("body")).not_to_contain_text("Douala Jam")


def test_embed_pages_and_dialog_have_no_serious_accessibility_violations(browser, live_server, host_site, jams):
    host, _pages = host_site
    page = browser_page(browser, live_server, host, bypass_csp=True)
    for url in ("/fa/embed/jams/?country=CM", "/en/embed/jams/douala-jam/", "/ja/embed/campaigns/bbw/map/"):
        page.goto(live_server.url + url)
        assert violations(page) == [], url
    # The dialog, open, on a Persian page.
    page.goto(live_server.url + "/fa/jams/douala-jam/")
    page.locator(".embed-open").click()
    expect(page.locator("jamportal-jams iframe")).to_be_visible()
    assert violations(page) == []


def test_embed_this_stays_hidden_without_javascript(browser, live_server, host_site, jams):
    host, _pages = host_site
    page = browser_page(browser, live_server, host, java_script_enabled=False)
    page.goto(f"{live_server.url}/en/jams/douala-jam/")

    expect(page.locator("a.share")).to_be_visible()  # (the buttons beside it are there)
    expect(page.locator(".embed-open")).to_be_hidden()


def test_dialog_preview_follows_the_choice_on_campaign_and_country_pages(browser, live_server, host_site, jams):
    host, _pages = host_site
    page = browser_page(browser, live_server, host)
    page.goto(f"{live_server.url}/en/campaigns/bbw/")

    page.get_by_role("button", name="Embed this").click()
    dialog = page.get_by_role("dialog")
    preview = dialog.frame_locator("jamportal-map iframe")
    expect(preview.locator("h1")).to_have_text("Big Birthday Weekend")
    expect(preview.locator("body")).to_have_attribute("data-map-ready", "1")
    dialog.get_by_label("The campaign's upcoming Jams").check()
    expect(dialog.frame_locator("jamportal-jams iframe").locator("h1")).to_have_text(
        "\u2068Big Birthday Weekend\u2069: Jams"
    )
    expect(dialog.get_by_label("Or a frame of fixed height (no script)")).to_have_value(
        f'<iframe src="{live_server.url}/embed/jams/?campaign=bbw" title="The campaign\'s upcoming Jams" '
        'width="100%" height="400" style="border:0" loading="lazy"></iframe>'
    )

    page.goto(f"{live_server.url}/en/?country=CM")
    page.get_by_role("button", name="Embed this").click()
    dialog.get_by_label("Language").select_option("ja")
    expect(dialog.frame_locator("jamportal-jams iframe").locator("h1")).to_have_text("カメルーン の Jam")


# --- series embed ---


def test_series_snippet_from_its_page_shows_its_dates_on_another_site(browser, live_server, host_site, settings):
    settings.SITE_URL = live_server.url
    series = approved_series(count=3)
    dates = list(series.occurrences.order_by("occurrence_start"))
    host, pages = host_site
    page = browser_page(browser, live_server, host)
    page.goto(f"{live_server.url}/en/series/{series.pk}/")

    page.get_by_role("button", name="Embed this").click()
    dialog = page.get_by_role("dialog", name="Embed this on your site")
    expect(dialog.get_by_label("This repeating Jam's dates")).to_be_checked()
    dialog.get_by_label("Language").select_option("fr")
    snippet = dialog.get_by_label("Our element (sizes itself to what it shows)").input_value()
    assert snippet == (
        f'<script src="{live_server.url}/static/embeds/jamportal-embed.js" defer></script>\n'
        f'<jamportal-jams series="{series.pk}" lang="fr"></jamportal-jams>'
    )
    expect(dialog.frame_locator("jamportal-jams iframe").locator("h2").first).to_have_text("Prochaines dates")
    page.keyboard.press("Escape")

    pages["/club.html"] = f'<!DOCTYPE html><html lang="en"><title>Our club</title><h1>Our club</h1>{snippet}'
    page.goto(f"{host}/club.html")

    frame = page.frame_locator("jamportal-jams iframe")
    expect(frame.locator("html")).to_have_attribute("lang", "fr")
    expect(frame.locator("h1")).to_have_text("Cambridge Jam")
    expect(frame.locator(".next-dates .embed-jam")).to_have_count(3)
    iframe = page.locator("jamportal-jams iframe")
    content_height = frame.locator("html").evaluate("html => Math.ceil(html.getBoundingClientRect().height)")
    expect(iframe).to_have_js_property("clientHeight", content_height)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "embed-series-fr.png")
    with page.context.expect_page() as opened:
        frame.locator(".next-dates .embed-jam a").first.click()
    assert opened.value.url == f"{live_server.url}/fr/jams/{dates[0].slug}/"
    assert page.url == f"{host}/club.html"


def test_series_embed_has_no_serious_accessibility_violations(browser, live_server, host_site):
    series = approved_series(count=2)
    host, _pages = host_site
    page = browser_page(browser, live_server, host, bypass_csp=True)
    for language in ("en", "fa"):
        page.goto(f"{live_server.url}/{language}/embed/series/{series.pk}/")
        assert violations(page) == [], language


# --- issue 22 (outsider): the preview takes no keyboard focus ---


def test_tab_goes_past_the_dialogs_preview_to_close_and_escape_closes(browser, live_server, host_site, jams):
    host, _pages = host_site
    page = browser_page(browser, live_server, host)
    page.goto(f"{live_server.url}/en/jams/douala-jam/")
    page.get_by_role("button", name="Embed this").click()
    dialog = page.get_by_role("dialog", name="Embed this on your site")
    expect(dialog.frame_locator("jamportal-jams iframe").locator("h1")).to_be_visible()

    dialog.get_by_role("button", name="Copy").last.focus()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Close")).to_be_focused()
    box = dialog.locator(".embed-preview").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + 20)  # a click in the preview: the dialog keeps the keys
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("button", name="Embed this")).to_be_focused()
