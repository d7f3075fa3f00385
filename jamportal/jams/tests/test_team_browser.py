"""A Jam's team in Chromium: the organiser (in English) invites a co-organiser in Persian,
who opens the emailed link, signs in from it, comes back and accepts, and finds the Jam
on their dashboard; a second invitation (in Japanese) is withdrawn and its link then says
so. The team and invitation pages have no serious accessibility findings (axe)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from jamportal.jams.models import JamMember
from jamportal.jams.tests.factories import PASSWORD, JamFactory, UserFactory
from jamportal.tests.test_accessibility import ARTIFACTS, sign_in, violations
from jamportal.tests.test_staff_pages import NO_SIDEWAYS_SCROLL

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = ARTIFACTS / "team-shots"


def _context(browser, live_server, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, base_url=live_server.url, bypass_csp=True)
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    return context


def _link(message):
    return re.search(r"https://jams\.example(/\S+/team/join/\S+/)", message.body).group(1)


def test_an_invitation_accepted_in_persian_and_another_withdrawn_in_japanese(browser, live_server):
    jam = JamFactory(title="Leeds Raspberry Jam", organiser=UserFactory(email="ada@example.org", first_name="Ada"))
    maryam = UserFactory(email="maryam@example.org", language="fa")
    organiser = _context(browser, live_server).new_page()
    invitee = _context(browser, live_server, 390).new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    try:
        # The organiser invites Maryam as a co-organiser, in Persian.
        sign_in(organiser, jam.organiser.email)
        organiser.goto(jam.get_absolute_url())
        organiser.get_by_role("link", name="Team", exact=True).click()
        organiser.get_by_label("Their email address").fill("maryam@example.org")
        organiser.get_by_label("Co-organiser").check()
        organiser.get_by_label("Language of the invitation").select_option("fa")
        organiser.get_by_role("button", name="Send the invitation").click()
        expect(organiser.locator(".messages")).to_contain_text(
            "We have emailed an invitation to maryam@example.org. Its link works for 14 days."
        )
        expect(organiser.locator(".team-invitations")).to_contain_text("maryam@example.org")
        assert violations(organiser) == []
        [message] = mail.outbox
        assert message.to == ["maryam@example.org"]
        assert message.subject == "به تیم «Leeds Raspberry Jam» بپیوندید"

        # Maryam opens the link: a page in Persian, right to left; she signs in from it.
        invitee.goto(_link(message))
        expect(invitee.locator("html")).to_have_attribute("dir", "rtl")
        expect(invitee.locator("h1")).to_have_text("به تیم «Leeds Raspberry Jam» بپیوندید")
        assert violations(invitee) == []
        assert invitee.evaluate(NO_SIDEWAYS_SCROLL)
        invitee.screenshot(path=SHOTS / "join-fa-390.png", full_page=True)
        invitee.get_by_role("link", name="برای پذیرفتن وارد شوید").click()
        invitee.locator("#id_login").fill("maryam@example.org")
        invitee.locator("#id_password").fill(PASSWORD)
        invitee.locator("form button[type=submit]").last.click()
        invitee.get_by_role("button", name="پذیرفتن دعوت").click()
        expect(invitee.locator(".messages")).to_contain_text("شما اکنون هم‌برگزارکنندهٔ «Leeds Raspberry Jam» هستید.")
        expect(invitee.locator(".jam-card")).to_contain_text("شما در این جم هم‌برگزارکننده هستید.")
        assert JamMember.objects.get().user == maryam
        assert invitee.evaluate(NO_SIDEWAYS_SCROLL)
        invitee.screenshot(path=SHOTS / "dashboard-fa-390.png", full_page=True)

        # The team page lists her; a second invitation, in Japanese, is withdrawn.
        organiser.reload()
        expect(organiser.locator(".team-members")).to_contain_text("maryam@example.org")
        organiser.get_by_label("Their email address").fill("kenji@example.org")
        organiser.get_by_label("Helper").check()
        organiser.get_by_label("Language of the invitation").select_option("ja")
        organiser.get_by_role("button", name="Send the invitation").click()
        second = mail.outbox[1]
        assert second.subject == "「Leeds Raspberry Jam」のチームに参加しませんか"
        organiser.locator(".team-invitations li", has_text="kenji@example.org").get_by_role(
            "link", name="Withdraw"
        ).click()
        organiser.get_by_role("button", name="Yes, withdraw it").click()  # asked first (issue 22)
        expect(organiser.locator(".messages")).to_contain_text(
            "The invitation to kenji@example.org is withdrawn: its link no longer works."
        )
        expect(organiser.locator(".team-invitations")).to_have_count(0)
        expect(organiser.locator(".history")).to_contain_text("Invitation withdrawn")
        organiser.screenshot(path=SHOTS / "team-en-1280.png", full_page=True)

        kenji = _context(browser, live_server).new_page()
        response = kenji.goto(_link(second))
        assert response.status == 410
        expect(kenji.locator("html")).to_have_attribute("lang", "ja")
        expect(kenji.locator(".notice")).to_have_text(
            "この招待は取り消されました。必要な場合は、主催者に新しい招待を依頼してください。"
        )
        assert kenji.get_by_role("button").filter(has_text="招待を受ける").count() == 0
    finally:
        organiser.context.close()
        invitee.context.close()
