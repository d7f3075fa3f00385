"""The organiser's sign-ups in Chromium: sign-ups turned on from the dashboard, a
visitor signing up, a place given from the waiting list, the CSV, a message to everyone,
the kit form sized from the sign-ups; the list in Persian on a 390 px phone with nothing
off screen. Screenshots at 390 and 1366 px in English, Persian and Japanese go to
test-artifacts/organiser-shots/."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from jamportal.attendance import services
from jamportal.attendance.models import Signup
from jamportal.attendance.tests.factories import sign_up
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, UserFactory
from jamportal.kits.models import KitItem
from jamportal.kits.tests.factories import kit_with_shirts
from jamportal.tests.test_accessibility import ARTIFACTS, sign_in, violations
from jamportal.tests.test_staff_pages import NO_SIDEWAYS_SCROLL, REACHABLE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = ARTIFACTS / "organiser-shots"


@pytest.fixture
def jam():
    start = timezone.now() + datetime.timedelta(days=20)
    campaign = CampaignFactory(name="Big Birthday Weekend", slug="birthday")
    kit, _shirts = kit_with_shirts(campaign)
    KitItem.objects.create(kit=kit, name="Sticker sheet", max_per_request=50, position=2)
    organiser = UserFactory(email="ada@example.org")
    return JamFactory(
        title="Cambridge Birthday Jam", organiser=organiser, campaign=campaign, start=start,
        end=start + datetime.timedelta(hours=5), website="",
    )  # fmt: skip


def _context(browser, live_server, width, **options):
    context = browser.new_context(
        viewport={"width": width, "height": 844}, base_url=live_server.url, bypass_csp=True, **options
    )
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    return context


def test_an_organiser_takes_sign_ups_gives_a_place_exports_and_messages(browser, live_server, jam):
    organiser = _context(browser, live_server, 1366, accept_downloads=True).new_page()
    visitor = _context(browser, live_server, 390).new_page()
    try:
        # Sign-ups on, from the dashboard, for two people.
        sign_in(organiser, jam.organiser.email)
        organiser.get_by_role("link", name="Take sign-ups").click()
        organiser.get_by_label("Here on JamPortal, with a number of places and a waiting list").check()
        organiser.get_by_label("Places (people)").fill("2")
        organiser.get_by_role("button", name="Save", exact=True).click()
        expect(organiser.locator(".sheet-state")).to_contain_text("Sign-ups are open.")

        # A visitor signs up on the Jam's page, for two; then another, who waits.
        for name, adults in (("Grace Hopper", "2"), ("Katherine Johnson", "1")):
            visitor.goto(jam.get_absolute_url())
            visitor.get_by_role("link", name="Book a place").click()
            visitor.get_by_label("Your name").fill(name)
            visitor.get_by_label("Email address").fill(f"{name.split()[0].lower()}@example.org")
            visitor.get_by_label("Adults").fill(adults)
            visitor.get_by_role("button", name="Book a place").or_(visitor.get_by_role("button", name="Join")).click()
            expect(visitor.get_by_role("heading", name="Your sign-up", exact=True)).to_be_visible()

        organiser.reload()
        expect(organiser.locator(".attendee-figures")).to_contain_text("2 of 2")
        places = organiser.locator("table.attendees").first
        expect(places).to_contain_text("Grace Hopper")
        waiting = organiser.locator("table.attendees").nth(1)
        expect(waiting).to_contain_text("Katherine Johnson")

        # A place given from the waiting list.
        mail.outbox.clear()
        waiting.get_by_role("button", name="Give a place").click()
        expect(organiser.locator(".messages")).to_contain_text("Katherine Johnson has a place now.")
        expect(organiser.locator(".attendee-figures")).to_contain_text("3 of 2")
        assert Signup.objects.get(name="Katherine Johnson").status == Signup.Status.PLACE
        assert [message.to for message in mail.outbox] == [["katherine@example.org"]]

        # The CSV, as the browser downloads it.
        with organiser.expect_download() as download:
            organiser.get_by_role("link", name="Download the list (CSV)").click()
        rows = list(csv.reader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))  # noqa: SIM115
        assert download.value.suggested_filename == f"signups-{jam.slug}.csv"
        assert [row[:4] + row[6:7] for row in rows] == [
            ["Name", "Email", "Adults", "Under-18s", "Status"],
            ["Grace Hopper", "grace@example.org", "2", "0", "Has a place"],
            ["Katherine Johnson", "katherine@example.org", "1", "0", "Has a place"],
        ]

        # A message to everyone: one email each, nobody else's address in it.
        mail.outbox.clear()
        organiser.get_by_role("link", name="Message everyone signed up").click()
        organiser.get_by_label("Subject").fill("Parking")
        organiser.get_by_label("Message").fill("Park behind the hall, by the bike racks.")
        organiser.get_by_role("button", name="Send the message").click()
        expect(organiser.locator(".messages")).to_contain_text("Your message is on its way to 2 sign-ups.")
        assert sorted(message.to for message in mail.outbox) == [["grace@example.org"], ["katherine@example.org"]]
        for message in mail.outbox:
            text = message.message().as_string()
            assert "Park behind the hall" in message.body
            others = {"grace@example.org", "katherine@example.org", "ada@example.org"} - set(message.to)
            assert [address for address in others if address in text] == []

        # The attendee's own page still takes their forms (its referrer policy once made
        # the browser send "Origin: null", which the CSRF check refused): Katherine cancels.
        visitor.get_by_role("link", name="I can't come").click()
        visitor.get_by_role("button", name="Cancel my place").click()
        expect(visitor.locator(".messages")).to_contain_text("Your sign-up is cancelled.")
        assert Signup.objects.get(name="Katherine Johnson").status == Signup.Status.CANCELLED
        organiser.goto(f"/en/jams/{jam.slug}/attendees/")
        expect(organiser.locator(".attendee-figures")).to_contain_text("2 of 2")

        # The kit form starts from the two people with a place.
        organiser.goto(jam.get_absolute_url())
        organiser.get_by_role("link", name="Ask for a birthday kit").click()
        expect(organiser.locator(".suggested")).to_contain_text("Suggested from the 2 people with a place")
        stickers = KitItem.objects.get(name="Sticker sheet")
        expect(organiser.locator(f"#id_quantity_{stickers.pk}_")).to_have_value("2")
        expect(organiser.locator("#id_expected_attendees")).to_have_value("2")
        SHOTS.mkdir(parents=True, exist_ok=True)
        organiser.screenshot(path=SHOTS / "kit-suggested-en-1366.png", full_page=True)
    finally:
        organiser.context.close()
        visitor.context.close()


def _full_list(jam):
    """A list worth looking at: places, a walk-in checked in, needs, a waiting list."""
    services.sheet_save(jam, capacity=6)
    sign_up(jam, name="مریم رضایی", email="maryam@example.org", adults=1, children=2, needs="دسترسی با ویلچر",
            first_jam=True)  # fmt: skip
    sign_up(jam, name="Grace Hopper", adults=2, needs="A very long note " * 12)
    walk_in = services.walk_in_add(jam, name="山田 花子")
    services.check_in(walk_in)
    sign_up(jam, name="Katherine Johnson-Goble-Coleman", adults=3, email="katherine.johnson.goble@example.org")
    sign_up(jam, name="Dorothy Vaughan", adults=1)


@pytest.mark.parametrize("language", ["en", "fa", "ja"])
@pytest.mark.parametrize("width", [390, 1366])
def test_the_list_fits_a_phone_and_a_desktop_in_each_direction(browser, live_server, jam, language, width):
    _full_list(jam)
    context = _context(browser, live_server, width)
    page = context.new_page()
    try:
        sign_in(page, jam.organiser.email)
        page.goto(f"/{language}/jams/{jam.slug}/attendees/")
        expect(page.locator("table.attendees")).to_have_count(2)
        assert page.locator("html").get_attribute("dir") == ("rtl" if language == "fa" else "ltr")

        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        assert page.evaluate(REACHABLE) == []
        assert violations(page) == []
        if width == 390:  # the tables are cards: every row's cells one under the other
            boxes = (
                page.locator("table.attendees tbody tr")
                .first.locator("td")
                .evaluate_all("(cells) => cells.map((cell) => cell.getBoundingClientRect().top)")
            )
            assert boxes == sorted(boxes)
            assert len(set(boxes)) == len(boxes)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / f"attendees-{language}-{width}.png", full_page=True)
        for name, url in (
            ("message", f"/{language}/jams/{jam.slug}/attendees/message/"),
            ("delete", f"/{language}/jams/{jam.slug}/attendees/{Signup.objects.first().pk}/delete/"),
            ("dashboard", f"/{language}/dashboard/"),
        ):
            page.goto(url)
            assert page.evaluate(NO_SIDEWAYS_SCROLL), name
            assert page.evaluate(REACHABLE) == [], name
            assert violations(page) == [], name
            page.screenshot(path=SHOTS / f"{name}-{language}-{width}.png", full_page=True)
    finally:
        context.close()
