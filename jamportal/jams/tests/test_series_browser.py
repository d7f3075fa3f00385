"""A repeating Jam in Chromium, in English and in Persian (right to left): the organiser
makes a Jam repeat every second Saturday, moves one date and skips another; the series
page, the map and three calendar libraries reading the feed then agree on the dates,
and those signed up for the moved and the skipped date are emailed in their language.
Screenshots go to test-artifacts/series-shots/."""

import datetime

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext, pgettext
from playwright.sync_api import expect

from jamportal.attendance import services as attendance_services
from jamportal.attendance.tests.factories import sign_up
from jamportal.cldr import formats
from jamportal.jams import recurrence, services
from jamportal.jams.models import Jam, JamSeries
from jamportal.jams.tests.factories import ModeratorFactory
from jamportal.jams.tests.test_series import monthly_jam
from jamportal.jams.tests.test_series_views import EXPANDERS
from jamportal.tests.test_accessibility import ARTIFACTS, sign_in, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = ARTIFACTS / "series-shots"


def words(language, text, context=None):
    with translation.override(language):
        return pgettext(context, text) if context else gettext(text)


def when(language, jam):
    """A date as the pages write it (jam_when), in `language`."""
    with translation.override(language):
        return formats.format_datetime_range(jam.local_start, jam.local_end)


def open_page(browser, live_server, width=1280):
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        base_url=live_server.url,
        bypass_csp=True,  # (axe, added to the page)
    )
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    return page


@pytest.mark.parametrize("language", ["en", "fa"])
def test_a_monthly_jam_with_a_moved_and_a_skipped_date_agrees_on_its_page_the_map_and_three_calendars(
    browser, live_server, language
):
    jam = monthly_jam(title="Cambridge Jam", website="")
    organiser = open_page(browser, live_server)
    visitor = open_page(browser, live_server, width=390)
    try:
        # The organiser makes their Jam repeat: every second Saturday, four times.
        sign_in(organiser, jam.organiser.email)
        organiser.goto(f"/{language}{jam.get_absolute_url()[3:]}")
        organiser.get_by_role("link", name=words(language, "Repeat this Jam")).click()
        with translation.override(language):
            rule = recurrence.describe(frequency="monthly-weekday", starts=jam.local_start.replace(tzinfo=None), week=2)
        organiser.get_by_label(rule).check()
        organiser.get_by_label(words(language, "Number of dates, this one included")).fill("4")
        SHOTS.mkdir(parents=True, exist_ok=True)
        organiser.screenshot(path=SHOTS / f"series-form-{language}-1280.png", full_page=True)
        assert violations(organiser) == []
        organiser.get_by_role("button", name=words(language, "Make it repeat")).click()
        expect(organiser.locator("li.series-date")).to_have_count(4)
        series = JamSeries.objects.get()
        dates = list(series.occurrences.order_by("occurrence_start"))

        # Approved once, for the series; people sign up for the second and third dates.
        services.jam_approve(dates[1], by=ModeratorFactory())
        dates = list(series.occurrences.order_by("occurrence_start"))
        for date, name, their_language in ((dates[1], "Reza", "fa"), (dates[2], "Ada", "en")):
            attendance_services.sheet_save(date, capacity=10)
            sign_up(date, name=name, language=their_language)
        mail.outbox.clear()

        # The second date moves a day later, to 11:00-14:00; the third is skipped.
        organiser.reload()
        organiser.locator(f"li[data-jam='{dates[1].pk}']").get_by_role(
            "link", name=words(language, "Move", "a date")
        ).click()
        moved_day = dates[1].local_start.date() + datetime.timedelta(days=1)
        organiser.get_by_role("textbox", name=words(language, "Day")).fill(moved_day.isoformat())
        organiser.get_by_label(words(language, "Starts")).fill("11:00")
        organiser.get_by_role("textbox", name=words(language, "Ends")).fill("14:00")
        organiser.get_by_role("button", name=words(language, "Move the date")).click()
        expect(
            organiser.get_by_text(words(language, "The date is moved. Everyone who signed up is emailed."))
        ).to_be_visible()
        organiser.locator(f"li[data-jam='{dates[2].pk}']").get_by_role(
            "link", name=words(language, "Skip", "a date")
        ).click()
        organiser.get_by_label(words(language, "Reason (optional)")).fill("The hall is closed that day.")
        organiser.get_by_role("button", name=words(language, "Yes, skip this date")).click()
        expect(
            organiser.get_by_text(words(language, "The date is skipped. Everyone who signed up is emailed."))
        ).to_be_visible()

        dates = list(series.occurrences.order_by("occurrence_start"))
        assert [date.status for date in dates] == ["approved", "approved", "cancelled", "approved"]
        assert (dates[1].local_start.date(), dates[1].local_start.time()) == (moved_day, datetime.time(11))
        on = [date for date in dates if date.status != Jam.Status.CANCELLED]

        # The series page, as a visitor reads it on a phone.
        visitor.goto(f"/{language}/series/{series.pk}/")
        expect(visitor.locator("html")).to_have_attribute("dir", "rtl" if language == "fa" else "ltr")
        expect(visitor.locator("li.series-date > a")).to_have_text([when(language, date) for date in dates])
        with translation.override(language):
            original = formats.format_datetime(dates[1].occurrence_start.astimezone(dates[1].tz))
        expect(visitor.locator(f"li[data-jam='{dates[1].pk}'] .badge")).to_have_text(
            words(language, "Moved from %(day)s") % {"day": original}
        )
        expect(visitor.locator(f"li[data-jam='{dates[2].pk}'] .badge")).to_have_text(words(language, "Skipped"))
        visitor.screenshot(path=SHOTS / f"series-{language}-390.png", full_page=True)
        assert violations(visitor) == []

        # The map: the three dates still on are one pin at the venue, each date in its popup.
        visitor.goto(f"/{language}/")
        expect(visitor.locator("body[data-map-ready]")).to_be_attached()
        visitor.locator(".jam-cluster", has_text=formats.native_digits("3", language)).click()
        popups = visitor.locator(".leaflet-popup .jam-popup")
        expect(popups).to_have_count(3)
        shown = sorted(popups.all_inner_texts())
        assert all(any(when(language, date) in text for text in shown) for date in on), shown

        # Three calendar libraries expand the feed, and the series' own file, to those dates.
        expected = sorted((date.start.timestamp(), date.end.timestamp()) for date in on)
        for address in (f"/{language}/jams/calendar.ics", f"/{language}/series/{series.pk}/calendar.ics"):
            data = visitor.request.get(address).body()
            assert {name: expand(data) for name, expand in EXPANDERS.items()} == dict.fromkeys(EXPANDERS, expected)

        # Those signed up were told, each in their language.
        subjects = {message.to[0]: message.subject for message in mail.outbox}
        assert subjects == {
            "reza@example.org": f"روز یا ساعت تازه: «{jam.title}»",
            "ada@example.org": f"Cancelled on {formats.format_date(dates[2].local_start.date(), 'en')}: “{jam.title}”",
        }
        assert organiser.errors == visitor.errors == []
    finally:
        organiser.context.close()
        visitor.context.close()
