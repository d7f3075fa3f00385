"""Issue 22 (outsider findings) in Chromium, where the tester met them: a near-me list
says where its radius ends; an alert asked from it is for the radius searched, and
confirming it survives a reload."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from jamportal.alerts.models import Alert
from jamportal.jams import services
from jamportal.jams.models import JamInvitation, JamMember
from jamportal.jams.tests.factories import JamFactory, UserFactory
from jamportal.tests.test_accessibility import sign_in, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_page(browser, live_server, *, locale="en-GB"):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server.url, locale=locale, bypass_csp=True
    )
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    return context.new_page()


def british_jams():
    JamFactory(title="Bristol Jam", latitude=51.455, longitude=-2.59, country="GB", city="Bristol")
    JamFactory(title="Cardiff Jam", latitude=51.48, longitude=-3.18, country="GB", city="Cardiff")
    JamFactory(title="Birmingham Jam", latitude=52.48, longitude=-1.9, country="GB", city="Birmingham")
    JamFactory(title="London Jam", latitude=51.5, longitude=-0.12, country="GB", city="London")


def test_near_me_lists_jams_beyond_the_radius_under_further_away(browser, live_server):
    british_jams()
    page = open_page(browser, live_server)

    page.goto("/en/?q=Bristol&radius=60")

    within, further = page.locator("ol.jams.near").all()
    expect(within.locator("li > a")).to_have_text(["Bristol Jam", "Cardiff Jam"])
    expect(page.get_by_role("heading", name="Further away than 60 mi")).to_be_visible()
    expect(page.get_by_role("list", name="Further away than 60 mi").locator("li > a")).to_have_text(
        ["Birmingham Jam", "London Jam"]
    )
    expect(further.locator(".jam-number")).to_have_text(["3", "4"])  # one numbering, as the map's pins
    expect(page.get_by_text("No Jams within")).to_have_count(0)
    assert violations(page) == []


def test_near_me_with_none_within_the_radius_says_so_without_a_divider(browser, live_server):
    british_jams()
    page = open_page(browser, live_server)

    page.goto("/en/?q=Plymouth&radius=20")

    expect(page.get_by_text("No Jams within 20 mi yet: here are the nearest.")).to_be_visible()
    expect(page.get_by_role("heading", name="Further away than 20 mi")).to_have_count(0)
    expect(page.locator("ol.jams.near li > a").first).to_have_text("Cardiff Jam")


def test_an_alert_from_a_30_mile_search_is_for_30_miles_and_confirming_survives_a_reload(
    browser, live_server, settings
):
    settings.SITE_URL = live_server.url
    british_jams()
    page = open_page(browser, live_server)

    page.goto("/en/?q=Bristol&radius=30")
    page.get_by_role("link", name="Email me about new Jams near here").click()
    expect(page.get_by_label("Within")).to_have_value("48.281")
    expect(page.get_by_label("Within").locator("option:checked")).to_have_text("30 mi")
    page.get_by_label("Your email address").fill("visitor@example.org")
    page.locator("form button[type=submit]").click()
    link = re.search(r"https?://\S+/alerts/confirm/[\w-]+/", mail.outbox[0].body).group(0)

    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("h1")).to_have_text("Your alert is on")
    page.reload()  # no "resend the form?": the answer was a redirect
    expect(page.locator("h1")).to_have_text("Your alert is on")
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Your alert is already on")
    assert Alert.objects.get().radius_km == 48.281


# --- leaving a team and withdrawing an invitation ask first, without JavaScript ---


def test_leaving_a_team_from_the_dashboard_asks_first_with_javascript_off(browser, live_server):
    jam = JamFactory(title="Leeds Raspberry Jam")
    JamMember.objects.create(jam=jam, user=UserFactory(email="grace@example.org"), role="helper")
    page = browser.new_context(base_url=live_server.url, java_script_enabled=False).new_page()
    try:
        sign_in(page, "grace@example.org")

        page.get_by_role("link", name="Leave the team").click()

        expect(page.locator("h1")).to_have_text("Leave the team of “Leeds Raspberry Jam”?")
        assert JamMember.objects.count() == 1
        page.get_by_role("button", name="Yes, leave the team").click()
        expect(page.locator(".messages")).to_contain_text("You have left the team of “Leeds Raspberry Jam”.")
        assert JamMember.objects.count() == 0
    finally:
        page.context.close()


def test_withdrawing_an_invitation_asks_first_with_javascript_off(browser, live_server):
    jam = JamFactory(title="Leeds Raspberry Jam", organiser=UserFactory(email="ada@example.org"))
    services.team_invite(jam, by=jam.organiser, email="grace@example.org", role="helper", language="en")
    page = browser.new_context(base_url=live_server.url, java_script_enabled=False).new_page()
    try:
        sign_in(page, "ada@example.org")
        page.goto(f"/en/jams/{jam.slug}/team/")

        page.get_by_role("link", name="Withdraw").click()

        expect(page.locator("h1")).to_have_text("Withdraw the invitation to grace@example.org?")
        assert JamInvitation.objects.get().revoked_at is None
        page.get_by_role("button", name="Yes, withdraw it").click()
        expect(page.locator(".messages")).to_contain_text("The invitation to grace@example.org is withdrawn")
        assert JamInvitation.objects.get().revoked_at is not None
    finally:
        page.context.close()
