"""Issue 22 (part B) in Chromium, where outsiders met it: removing someone from a Jam's
team and removing a calendar ask first, and work so with JavaScript off; the team's
history reads the right way in Persian; the organiser changes how a series repeats
after a preview (axe finds nothing serious on the new pages)."""

import re

import pytest
from playwright.sync_api import expect

from jamportal.imports.models import CalendarSource
from jamportal.jams import services
from jamportal.jams.models import Jam, JamMember
from jamportal.jams.tests.factories import JamFactory, UserFactory
from jamportal.jams.tests.test_series import monthly_jam
from jamportal.tests.test_accessibility import sign_in, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_page(browser, live_server, *, javascript=True):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        base_url=live_server.url,
        bypass_csp=True,
        java_script_enabled=javascript,
    )
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    return context.new_page()


def test_removing_a_team_member_asks_first_with_javascript_off(browser, live_server):
    jam = JamFactory(title="Leeds Raspberry Jam", organiser=UserFactory(email="ada@example.org", first_name="Ada"))
    JamMember.objects.create(jam=jam, user=UserFactory(first_name="Grace", last_name="Hopper"), role="helper")
    page = open_page(browser, live_server, javascript=False)
    try:
        sign_in(page, "ada@example.org")
        page.goto(f"/en/jams/{jam.slug}/team/")

        page.get_by_role("link", name="Remove from the team").click()

        expect(page.locator("h1")).to_have_text("Remove Grace Hopper from the team of “Leeds Raspberry Jam”?")
        assert JamMember.objects.count() == 1
        page.get_by_role("button", name="Yes, remove them").click()
        expect(page.locator(".messages")).to_contain_text("Grace Hopper is no longer on the team.")
        assert JamMember.objects.count() == 0
    finally:
        page.context.close()


def test_removing_a_calendar_asks_first_with_javascript_off(browser, live_server):
    organiser = UserFactory(email="ada@example.org")
    source = CalendarSource.objects.create(organiser=organiser, url="https://calendar.example/jams.ics")
    page = open_page(browser, live_server, javascript=False)
    try:
        sign_in(page, "ada@example.org")
        page.goto(f"/en/calendars/{source.pk}/")

        page.get_by_role("link", name="Remove this calendar").click()

        expect(page.locator("h1")).to_have_text("Remove this calendar?")
        page.get_by_role("link", name="Keep this calendar").click()
        expect(page).to_have_url(re.compile(rf"/en/calendars/{source.pk}/$"))
        assert CalendarSource.objects.count() == 1
        page.get_by_role("link", name="Remove this calendar").click()
        page.get_by_role("button", name="Yes, remove it").click()
        expect(page.locator(".messages")).to_contain_text("The calendar is removed.")
        assert CalendarSource.objects.count() == 0
    finally:
        page.context.close()


def test_the_team_history_arrow_points_to_the_invitee_in_persian(browser, live_server):
    jam = JamFactory(title="Leeds Raspberry Jam", organiser=UserFactory(email="ada@example.org", first_name="Ada"))
    services.team_invite(jam, by=jam.organiser, email="grace@example.org", role="helper", language="fa")
    page = open_page(browser, live_server)
    try:
        sign_in(page, "ada@example.org")
        page.goto(f"/fa/jams/{jam.slug}/team/")

        line = page.locator(".history li", has_text="grace@example.org")

        expect(line).to_contain_text("Ada ← grace@example.org")
        assert violations(page) == []
    finally:
        page.context.close()


def test_the_organiser_changes_a_weekly_jam_to_four_dates_after_a_preview(browser, live_server):
    jam = monthly_jam(title="Cambridge Jam", organiser=UserFactory(email="ada@example.org"))
    series = services.series_create(jam, by=jam.organiser, frequency="weekly", count=6)
    page = open_page(browser, live_server)
    try:
        sign_in(page, "ada@example.org")
        page.goto(f"/en/series/{series.pk}/")
        page.get_by_role("link", name="Change how it repeats").click()
        page.get_by_label("Number of dates, this one included").fill("4")

        page.get_by_role("button", name="Preview the change").click()

        expect(page.locator(".rule-cancel li")).to_have_count(2)
        assert series.occurrences.filter(status=Jam.Status.CANCELLED).count() == 0
        assert violations(page) == []
        page.get_by_role("button", name="Save the change").click()
        expect(page.locator(".messages")).to_contain_text("The Jam repeats in its new way; 2 dates are cancelled.")
        assert series.occurrences.filter(status=Jam.Status.CANCELLED).count() == 2
    finally:
        page.context.close()
