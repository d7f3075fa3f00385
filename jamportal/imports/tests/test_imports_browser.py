"""Import and sync in Chromium, in English and in Persian: the organiser gives the
address of a calendar served from this machine, and their Jams appear as drafts; they
change one Jam's title here, and say where the event whose place was not found is; the
calendar then moves that Jam's time and renames it, cancels one and drops another;
"Sync now" reports each change in the page's language, keeps the organiser's title, and
the Jams follow the calendar."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from playwright.sync_api import expect

from jamportal.cldr import formats
from jamportal.imports.tests.calendar_server import calendar, event
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import UserFactory
from jamportal.tests.test_accessibility import sign_in, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONDON = ZoneInfo("Europe/London")
DAY = (timezone.now() + datetime.timedelta(days=45)).date()


def _event(uid, summary, *, start=10, extra="", location="Central Library\\, 7 Lion Yard\\, Cambridge\\, UK"):
    return event(
        uid, f"DTSTART;TZID=Europe/London:{DAY:%Y%m%d}T{start:02}0000", f"DTEND;TZID=Europe/London:{DAY:%Y%m%d}T160000",
        summary=summary, location=location,
        extra="DESCRIPTION:Bring a Raspberry Pi if you have one." + (f"\r\n{extra}" if extra else ""),
    )  # fmt: skip


LOST = _event("d@jams", "Quiz Jam", location="Wolfson Hall\\, Nowheresville")


@pytest.fixture
def page(browser, live_server):
    # (CSP bypassed for axe's script only; the calendar server is reached by the site, not the browser)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url, bypass_csp=True)
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_an_organiser_imports_a_calendar_and_keeps_it_in_step(page, calendar_server, language):
    organiser = UserFactory(email="ada@example.org")
    calendar_server.serve(
        "/jams.ics",
        calendar(_event("a@jams", "Cambridge Jam"), _event("b@jams", "Ely Jam"), _event("c@jams", "Histon Jam"), LOST),
    )
    with translation.override(language):
        words = {
            text: _(text)
            for text in (
                "Import your Jams from a calendar",
                "Calendar address (iCal)",
                "Import",
                "Created (drafts for you to look over and submit)",
                "Save as draft",
                "Sync now",
                "Changed as the calendar says",
                "Kept as you edited them here",
                "Cancelled",
                "Cancelled in the calendar.",
                "Removed from the calendar.",
                "Not imported",
                "Town or city",
                "Import it there",
            )
        }
        not_found = _("We could not find the place “%(location)s”. Say where it is below, and it is imported.") % {
            "location": "Wolfson Hall, Nowheresville"
        }
        title_label = str(Jam._meta.get_field("title").verbose_name).capitalize()
        # Each change named, with the calendar's value in the page's language and digits.
        starts = formats.format_datetime(datetime.datetime.combine(DAY, datetime.time(11)).replace(tzinfo=LONDON))
        changed_line = f"Cambridge Birthday Jam: {capfirst(Jam._meta.get_field('start').verbose_name)}: {starts}"
        kept_line = (
            "Cambridge Birthday Jam: "
            + _("%(fields)s changed in the calendar; what you set here stays.")
            % {"fields": Jam._meta.get_field("title").verbose_name}
            + " "
            + _("%(field)s in the calendar: %(value)s")
            % {"field": capfirst(Jam._meta.get_field("title").verbose_name), "value": "Cambridge Raspberry Jam"}
        )
        cancelled_heading = f"{words['Cancelled']} ({formats.format_number(2)})"

    # The dashboard leads to the import; the calendar's three events become drafts.
    sign_in(page, organiser.email)
    page.goto(f"/{language}/dashboard/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "fa" else "ltr")
    page.get_by_role("link", name=words["Import your Jams from a calendar"]).click()
    page.get_by_label(words["Calendar address (iCal)"]).fill(calendar_server.url("/jams.ics"))
    page.get_by_role("button", name=words["Import"], exact=True).click()
    created = page.locator("ul.report-lines[data-kind=created]")
    expect(page.get_by_role("heading", name=words["Created (drafts for you to look over and submit)"])).to_be_visible()
    expect(created.get_by_role("link")).to_have_text(["Cambridge Jam", "Ely Jam", "Histon Jam"])
    skipped = page.locator("ul.report-lines[data-kind=skipped] li")
    expect(page.get_by_role("heading", name=words["Not imported"])).to_be_visible()
    expect(skipped).to_contain_text([f"Quiz Jam {not_found}"])
    assert violations(page) == []
    report_url = page.url

    # The organiser gives one Jam a title of their own, here.
    created.get_by_role("link", name="Cambridge Jam").click()
    page.get_by_label(title_label, exact=True).fill("Cambridge Birthday Jam")
    page.get_by_role("button", name=words["Save as draft"]).click()
    page.wait_for_url(lambda url: "/edit/" not in url)
    assert Jam.objects.get(title="Cambridge Birthday Jam").status == Jam.Status.DRAFT
    page.goto(report_url)

    # The event whose place was not found: the organiser says where it is.
    skipped.get_by_label(words["Town or city"]).fill("Oxford")
    skipped.get_by_role("button", name=words["Import it there"]).click()
    expect(created.get_by_role("link")).to_have_text(["Quiz Jam"])
    assert Jam.objects.get(title="Quiz Jam").city == "Oxford"

    # The calendar moves that Jam to 11:00 and renames it, cancels Ely, drops Histon.
    moved, cancelled = (
        _event("a@jams", "Cambridge Raspberry Jam", start=11),
        _event("b@jams", "Ely Jam", extra="STATUS:CANCELLED"),
    )
    calendar_server.serve("/jams.ics", calendar(moved, cancelled, LOST))
    page.goto(report_url)
    page.get_by_role("button", name=words["Sync now"]).click()

    changed = page.locator("ul.report-lines[data-kind=changed]")
    kept = page.locator("ul.report-lines[data-kind=kept]")
    cancelled_lines = page.locator("ul.report-lines[data-kind=cancelled] li")
    expect(page.get_by_role("heading", name=words["Changed as the calendar says"])).to_be_visible()
    expect(changed.locator(":scope > li")).to_have_text([changed_line])
    expect(page.get_by_role("heading", name=words["Kept as you edited them here"])).to_be_visible()
    expect(kept.locator(":scope > li")).to_have_text([kept_line])
    expect(page.get_by_role("heading", name=cancelled_heading, exact=True)).to_be_visible()
    expect(cancelled_lines.nth(0)).to_contain_text(f"Ely Jam {words['Cancelled in the calendar.']}")
    expect(cancelled_lines.nth(1)).to_contain_text(f"Histon Jam {words['Removed from the calendar.']}")
    assert violations(page) == []

    jams = {jam.title: jam for jam in Jam.objects.all()}
    start = datetime.datetime.combine(DAY, datetime.time(11)).replace(tzinfo=LONDON)
    assert (jams["Cambridge Birthday Jam"].start, jams["Cambridge Birthday Jam"].status) == (start, Jam.Status.DRAFT)
    assert (jams["Ely Jam"].status, jams["Histon Jam"].status) == (Jam.Status.CANCELLED, Jam.Status.CANCELLED)
