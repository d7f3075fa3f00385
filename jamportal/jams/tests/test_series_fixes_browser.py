"""Issue 22 outsider findings on repeating Jams, where the organiser met them in Chromium:
stopping a series is previewed (which dates, how many people) before anything is saved,
and skipping a date says how many people signed up for it."""

import datetime

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import ngettext
from playwright.sync_api import expect

from jamportal.attendance import services as attendance_services
from jamportal.attendance.tests.factories import sign_up
from jamportal.cldr import formats
from jamportal.jams import services
from jamportal.jams.models import Jam
from jamportal.jams.tests.test_series_browser import SHOTS, open_page, when, words
from jamportal.jams.tests.test_series_views import approved_series
from jamportal.tests.test_accessibility import sign_in, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def people(language, count):
    """How many people signed up for a date, as the previews say it."""
    if not count:
        return words(language, "Nobody signed up")
    with translation.override(language):
        text = ngettext("%(shown)s person signed up", "%(shown)s people signed up", count)
    return text % {"shown": formats.native_digits(str(count), language)}


@pytest.mark.parametrize("language", ["en", "fa"])
def test_stopping_a_series_previews_the_dates_and_people_before_it_cancels_them(browser, live_server, language):
    series = approved_series(count=4)
    dates = list(series.occurrences.order_by("occurrence_start"))
    attendance_services.sheet_save(dates[2], capacity=10)
    sign_up(dates[2], name="Ada", adults=2, children=1)
    mail.outbox.clear()
    organiser = open_page(browser, live_server, width=390)
    try:
        sign_in(organiser, series.organiser.email)
        organiser.goto(f"/{language}/series/{series.pk}/end/")
        last_day = organiser.get_by_label(words(language, "Last day"))
        expect(last_day).to_have_value("")  # no day chosen for the organiser: one click cancels nothing
        last_day.fill(dates[1].local_start.date().isoformat())
        organiser.get_by_role("button", name=words(language, "Preview which dates stop")).click()

        preview = organiser.locator(".series-end-preview")
        expect(preview.locator("li")).to_have_text(
            [
                f"{when(language, dates[2])} · {people(language, 3)}",
                f"{when(language, dates[3])} · {people(language, 0)}",
            ]
        )
        SHOTS.mkdir(parents=True, exist_ok=True)
        organiser.screenshot(path=SHOTS / f"series-end-preview-{language}-390.png", full_page=True)
        assert violations(organiser) == []
        assert set(series.occurrences.values_list("status", flat=True)) == {Jam.Status.APPROVED}
        assert mail.outbox == []

        organiser.get_by_role("button", name=words(language, "Stop repeating")).click()
        expect(organiser.locator(".series-rule")).to_contain_text(
            formats.format_date(dates[1].local_start.date(), language)
        )
        statuses = list(series.occurrences.order_by("occurrence_start").values_list("status", flat=True))
        assert statuses == ["approved", "approved", "cancelled", "cancelled"]
        assert [message.to for message in mail.outbox] == [["ada@example.org"]]
        assert organiser.errors == []
    finally:
        organiser.context.close()


def test_skipping_a_date_and_changing_the_rule_say_how_many_signed_up_in_the_languages_digits(browser, live_server):
    series = approved_series(count=3)
    dates = list(series.occurrences.order_by("occurrence_start"))
    attendance_services.sheet_save(dates[1], capacity=10)
    sign_up(dates[1], name="Reza", adults=1, children=1, language="fa")
    attendance_services.sheet_save(dates[2], capacity=10)
    sign_up(dates[2], name="Ada", adults=3)
    organiser = open_page(browser, live_server, width=390)
    try:
        sign_in(organiser, series.organiser.email)
        organiser.goto(f"/fa/jams/{dates[1].slug}/skip/")
        expect(organiser.locator(".signed-up")).to_have_text(people("fa", 2))
        assert "۲" in people("fa", 2)
        assert violations(organiser) == []

        organiser.goto(f"/fa/series/{series.pk}/rule/")
        organiser.get_by_label(words("fa", "Number of dates, this one included")).fill("2")
        organiser.get_by_role("button", name=words("fa", "Preview the change")).click()
        expect(organiser.locator(".rule-cancel li")).to_have_text([f"{when('fa', dates[2])} · {people('fa', 3)}"])
        organiser.screenshot(path=SHOTS / "series-rule-preview-fa-390.png", full_page=True)
        assert organiser.errors == []
    finally:
        organiser.context.close()


def test_a_skipped_date_looks_cancelled_to_its_attendee_and_organiser_and_takes_no_sign_ups(browser, live_server):
    series = approved_series(count=3)
    dates = list(series.occurrences.order_by("occurrence_start"))
    attendance_services.sheet_save(dates[1], capacity=10)
    _signup, token = sign_up(dates[1], name="Ada", adults=2)
    services.series_date_skip(dates[1], by=series.organiser)
    attendee = open_page(browser, live_server, width=390)
    organiser = open_page(browser, live_server, width=390)
    try:
        attendee.goto(f"/en/signup/{token}/")
        expect(attendee.locator(".notice.cancelled")).to_contain_text("This date of the Jam has been cancelled")
        expect(attendee.get_by_text("You have a place")).to_have_count(0)
        expect(attendee.locator(".place-qr")).to_have_count(0)
        expect(attendee.get_by_role("button", name="Save changes")).to_have_count(0)
        expect(attendee.get_by_role("link", name="I can't come")).to_have_count(0)
        expect(attendee.get_by_role("link", name="See the Jam's other dates")).to_have_attribute(
            "href", f"/en/series/{series.pk}/"
        )
        assert violations(attendee) == []

        sign_in(organiser, series.organiser.email)
        organiser.goto(f"/en/jams/{dates[1].slug}/attendees/")
        expect(organiser.get_by_role("heading", name="With a place")).to_have_count(0)
        expect(organiser.get_by_role("heading", name="Signed up, told of the cancellation")).to_be_visible()
        expect(organiser.locator(".attendee-figures")).to_have_count(0)
        expect(organiser.get_by_role("button", name="Open sign-ups")).to_have_count(0)
        expect(organiser.locator(".sheet-state")).to_have_text(
            "This Jam has been cancelled: nobody can sign up for it. Everyone signed up was emailed."
        )
        organiser.screenshot(path=SHOTS / "attendees-skipped-en-390.png", full_page=True)
        assert violations(organiser) == []

        assert attendee.errors == organiser.errors == []
    finally:
        attendee.context.close()
        organiser.context.close()


def test_moving_a_date_to_end_before_it_starts_asks_whether_it_ends_the_next_day(browser, live_server):
    series = approved_series(count=3)
    dates = list(series.occurrences.order_by("occurrence_start"))
    organiser = open_page(browser, live_server, width=390)
    try:
        sign_in(organiser, series.organiser.email)
        organiser.goto(f"/fa/jams/{dates[1].slug}/move/")
        organiser.get_by_role("textbox", name=words("fa", "Starts")).fill("18:00")
        organiser.get_by_role("textbox", name=words("fa", "Ends")).fill("01:00")
        organiser.get_by_role("button", name=words("fa", "Move the date")).click()
        expect(organiser.locator("#id_ends_error, .field-error, .error").first).to_contain_text(
            words("fa", "The Jam ends before it starts. If it goes on past midnight, tick “Ends the next day”.")
        )
        organiser.screenshot(path=SHOTS / "series-move-overnight-fa-390.png", full_page=True)
        assert violations(organiser) == []
        assert Jam.objects.get(pk=dates[1].pk).start == dates[1].start

        organiser.get_by_label(words("fa", "Ends the next day")).check()
        organiser.get_by_role("button", name=words("fa", "Move the date")).click()
        expect(
            organiser.get_by_text(words("fa", "The date is moved. Everyone who signed up is emailed."))
        ).to_be_visible()
        moved = Jam.objects.get(pk=dates[1].pk)
        assert (moved.local_start.hour, moved.local_end.hour) == (18, 1)
        assert moved.local_end.date() == moved.local_start.date() + datetime.timedelta(days=1)
        assert organiser.errors == []
    finally:
        organiser.context.close()
