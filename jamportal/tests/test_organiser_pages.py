"""The organiser's pages in Chromium: axe finds nothing serious and nothing scrolls
sideways at 360 px, in English and Persian; the error summary's links put the focus
in their field; the booth's token is copied with one click. Screenshots of the
organiser's journey at 390 and 1366 px go to test-artifacts/ (organiser-*.png)."""

import datetime
import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from jamportal.feed import services as feed_services
from jamportal.jams import services as jam_services
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, UserFactory
from jamportal.kits import services as kit_services
from jamportal.kits.tests.factories import address, kit_with_shirts
from jamportal.tests.test_accessibility import ARTIFACTS, photo_posted, sign_in, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def organiser_site():
    """An organiser with four Jams: one approved, translated into Persian, with a kit
    approved and a booth that sent a photo; one approved that has no kit yet; one
    draft; one waiting for review."""
    start = timezone.now() + datetime.timedelta(days=20)
    campaign = CampaignFactory(name="Big Birthday Weekend", slug="birthday")
    _kit, shirts = kit_with_shirts(campaign)
    organiser = UserFactory(email="ada@example.org")
    jam = JamFactory(title="Cambridge Birthday Jam", organiser=organiser, campaign=campaign, start=start,
                     end=start + datetime.timedelta(hours=5), languages=["en", "fa"])  # fmt: skip
    JamFactory(title="Tehran Robot Afternoon", organiser=organiser, status="draft", approved_at=None,
               city="Tehran", country="IR", latitude=35.69, longitude=51.39)  # fmt: skip
    JamFactory(title="Lagos Code Club Jam", organiser=organiser, status="submitted", approved_at=None,
               city="Lagos", country="NG", latitude=6.52, longitude=3.38)  # fmt: skip
    no_kit = JamFactory(title="Douala Pi Day", organiser=organiser, campaign=campaign, start=start, city="Douala",
                        country="CM", latitude=4.05, longitude=9.7)  # fmt: skip
    kit_request = kit_services.kit_request_create(jam, by=organiser, data=address(), lines={(shirts, "M"): 2})
    kit_request.status = "approved"  # on its way, still changeable
    kit_request.save()
    booth, _token = feed_services.booth_create(jam, by=organiser, name="Front door")
    photo_posted(booth)
    jam_services.jam_translation_save(
        jam, by=organiser, language="fa", title="جشن تولد کمبریج", description="ربات و کیک."
    )
    return {"organiser": organiser, "jam": jam, "kit_request": kit_request, "no_kit": no_kit}


def organiser_pages(site):
    jam, kit_request = site["jam"], site["kit_request"]
    return {
        "form": "/{lang}/jams/new/",
        "form-errors": "/{lang}/jams/new/",
        "edit": f"/{{lang}}/jams/{jam.slug}/edit/",
        "dashboard": "/{lang}/dashboard/",
        "kit-request": f"/{{lang}}/kits/requests/{kit_request.pk}/",
        "kit-form": f"/{{lang}}/kits/requests/{kit_request.pk}/edit/",
        "translations": f"/{{lang}}/jams/{jam.slug}/translations/",
        "booths": f"/{{lang}}/jams/{jam.slug}/booths/",
        "photo-delete": f"/{{lang}}/jams/{jam.slug}/booths/",
        "kit-new": f"/{{lang}}/jams/{site['no_kit'].slug}/kit/",
        "cancel": f"/{{lang}}/jams/{jam.slug}/cancel/",
        "account": "/{lang}/accounts/mine/",
        "account-delete": "/{lang}/accounts/mine/delete/",
        "emails": "/{lang}/accounts/email/",
        "password-change": "/{lang}/accounts/password/change/",
        "sign-out": "/{lang}/accounts/logout/",
        "reauthenticate": "/{lang}/accounts/reauthenticate/",
        "sign-in": "/{lang}/accounts/login/",
        "sign-up": "/{lang}/accounts/signup/",
    }


def show(page, name):
    """Bring the page to the state worth checking: a Jam placed by its town, errors
    shown, a new token."""
    if name == "form":
        page.locator("#id_city").fill("Douala")
        page.locator("#id_country").select_option("CM")
        expect(page.locator("#pin-timezone")).to_contain_text("UTC+1", timeout=20_000)
    if name == "form-errors":
        page.locator("form.jam-form button[value=submit]").click()
        page.wait_for_load_state("networkidle")
    if name == "booths":
        page.locator("#id_name").fill("Side door")
        page.locator("button[value=booth]").click()
        page.wait_for_load_state("networkidle")
    if name == "photo-delete":  # the question asked before a photo is deleted for good
        page.locator(".photo-grid button[value=delete]").click()
        page.wait_for_load_state("networkidle")
        expect(page.locator("button[value=delete]")).to_have_attribute("name", "action")
        expect(page.locator("input[name=confirmed]")).to_have_value("yes")


@pytest.mark.parametrize("language", ["en", "fa"])
def test_organiser_pages_pass_axe_and_fit_a_phone(browser, live_server, organiser_site, language):
    context = browser.new_context(viewport={"width": 360, "height": 780}, base_url=live_server.url, bypass_csp=True)
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    page = context.new_page()
    found, sideways = {}, []
    try:
        sign_in(page, organiser_site["organiser"].email)
        signed_in = page.context.cookies()
        for name, url in organiser_pages(organiser_site).items():
            page.context.clear_cookies()
            if name not in ("sign-in", "sign-up"):
                page.context.add_cookies(signed_in)
            page.goto(url.format(lang=language))
            page.wait_for_load_state("networkidle")
            show(page, name)
            if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
                sideways.append(name)
            if problems := violations(page):
                found[name] = problems
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=ARTIFACTS / f"organiser-{name}-{language}-360.png", full_page=True)
    finally:
        context.close()

    assert not sideways, f"scroll sideways at 360 px: {sideways}"
    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


@pytest.mark.parametrize("width", [390, 1366])
def test_screenshots_of_the_organisers_journey(browser, live_server, organiser_site, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url)
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    page = context.new_page()
    try:
        sign_in(page, organiser_site["organiser"].email)
        for name in ["dashboard", "form", "form-errors", "kit-request", "kit-form", "booths", "translations"]:
            page.goto(organiser_pages(organiser_site)[name].format(lang="en"))
            page.wait_for_load_state("networkidle")
            show(page, name)
            page.screenshot(path=ARTIFACTS / f"organiser-{name}-{width}.png", full_page=True)
    finally:
        context.close()


def test_error_summary_links_put_the_focus_in_their_field(new_page, organiser_site):
    page = new_page()
    sign_in(page, organiser_site["organiser"].email)
    page.goto("/en/jams/new/")
    page.get_by_label("Expected attendees").fill("-3")
    page.get_by_role("button", name="Submit for review").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Title").click()
    expect(page.locator("#id_title")).to_be_focused()
    summary.get_by_role("link", name="Expected attendees").click()
    expect(page.locator("#id_expected_attendees")).to_be_focused()
    expect(page.get_by_label("Expected attendees")).to_have_value("-3")


def test_postcode_marker_follows_the_chosen_country(new_page, organiser_site):
    page = new_page()
    sign_in(page, organiser_site["organiser"].email)
    page.goto(f"/en/kits/requests/{organiser_site['kit_request'].pk}/edit/")
    postcode = page.locator(".field").filter(has=page.locator("#id_postcode"))

    expect(postcode).to_have_class("field required")
    page.locator("#id_country").select_option("CM")
    expect(postcode).to_have_class("field")
    expect(page.locator("#id_postcode")).not_to_have_attribute("required", "")
    page.locator("#id_country").select_option("JP")
    expect(postcode).to_have_class("field required")


def test_the_new_booths_token_is_copied_with_one_click(browser, live_server, organiser_site):
    context = browser.new_context(base_url=live_server.url, permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    try:
        sign_in(page, organiser_site["organiser"].email)
        page.goto(f"/en/jams/{organiser_site['jam'].slug}/booths/")
        expect(page.get_by_role("row").filter(has_text="Front door").get_by_role("button")).to_have_text("Remove")
        page.locator("#id_name").fill("Side door")
        page.get_by_role("button", name="Add the booth").click()
        token = page.locator("#booth-token").inner_text()
        page.bring_to_front()  # the clipboard answers a focused page only

        page.get_by_role("button", name="Copy the token").click()

        # (On a busy machine Chromium's clipboard has taken over five seconds to answer.)
        expect(page.locator(".token .copied")).to_have_text("Copied.", timeout=20_000)
        assert page.evaluate("navigator.clipboard.readText()") == token
        assert token.startswith("jpb_")
        expect(page.locator("#pair-command")).to_contain_text(f"python -m photobooth pair {token}")
    finally:
        context.close()
