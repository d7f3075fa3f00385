"""The attendee's loop in Debian's Chromium, in English and Japanese: sign up from the
Jam's page, find the email with the personal link, the next visitor joins the waiting
list, the first cancels by the link, the second is emailed their place and sees it.
Screenshots go to test-artifacts/signup-<language>-<width>.png."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from jamportal.attendance.models import Signup
from jamportal.attendance.tests.factories import SignupSheetFactory
from jamportal.tests.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


def _visitor(browser, live_server, *, language, width=390, **options):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 844}, locale=language, **options
    )
    context.route(re.compile(r"^(?!" + re.escape(live_server.url) + ").*"), lambda route: route.abort())
    return context.new_page()


def _sign_up(page, jam, *, language, name, email, adults, children=0):
    page.goto(f"/{language}{jam.get_absolute_url()[3:]}")
    page.locator(f"a[href='/{language}/jams/{jam.slug}/signup/']").click()
    page.fill("#id_name", name)
    page.fill("#id_email", email)
    page.fill("#id_adults", str(adults))
    page.fill("#id_children", str(children))
    page.locator("form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text(_in(language, "Your sign-up"))


def _in(language, text):
    with translation.override(language):
        return translation.gettext(text)


def _link_in(message):
    return re.search(r"https?://\S+/signup/[\w-]+/", message.body).group(0)


def test_sign_up_wait_cancel_and_be_given_the_place(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    sheet = SignupSheetFactory(capacity=2, jam__title="Kyoto Raspberry Jam 京都")
    jam = sheet.jam

    # (axe is injected by the test: Ada's pages let it run; Hana's keep the site's CSP.)
    ada = _visitor(browser, live_server, language="en", width=1366, bypass_csp=True)
    _sign_up(ada, jam, language="en", name="Ada", email="ada@example.org", adults=1, children=1)
    expect(ada.locator(".signup-status.place")).to_contain_text("You have a place for 2 people.")
    expect(ada.locator(".place-qr svg")).to_be_visible()
    assert violations(ada) == []
    ada.screenshot(path=ARTIFACTS / "signup-en-1366.png", full_page=True)
    (ada_email,) = [m for m in mail.outbox if m.to == ["ada@example.org"]]
    assert ada_email.subject == "Your place at “Kyoto Raspberry Jam 京都”"

    hana = _visitor(browser, live_server, language="ja")
    _sign_up(hana, jam, language="ja", name="山田 花子", email="hana@example.jp", adults=1)
    expect(hana.locator(".signup-status.waiting")).to_be_visible()
    assert hana.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    hana.screenshot(path=ARTIFACTS / "signup-ja-390.png", full_page=True)
    assert Signup.objects.get(email="hana@example.jp").status == Signup.Status.WAITING

    # Ada opens her email's link, says she cannot come, and confirms.
    ada.goto(_link_in(ada_email))
    ada.locator("a[href$='/cancel/']").click()
    ada.locator("form button[type=submit]").click()
    expect(ada.locator(".signup-status.cancelled")).to_be_visible()

    _waiting, promoted = [m for m in mail.outbox if m.to == ["hana@example.jp"]]
    with translation.override("ja"):
        assert promoted.subject == translation.gettext("A place for you at “%(title)s”") % {
            "title": "Kyoto Raspberry Jam 京都"
        }
    hana.goto(_link_in(promoted))
    expect(hana.locator(".signup-status.place")).to_be_visible()
    expect(hana.locator("html")).to_have_attribute("lang", "ja")
    assert Signup.objects.get(email="hana@example.jp").status == Signup.Status.PLACE


def test_a_persian_keyboard_fills_in_how_many_are_coming(browser, live_server):
    """Chromium's type=number box drops digits typed in another script; ours takes them."""
    sheet = SignupSheetFactory(capacity=10)
    page = _visitor(browser, live_server, language="fa")
    page.goto(f"/fa/jams/{sheet.jam.slug}/signup/")
    page.fill("#id_name", "سارا احمدی")
    page.fill("#id_email", "sara@example.ir")
    page.locator("#id_adults").fill("")
    page.locator("#id_adults").press_sequentially("۲")
    page.locator("#id_children").fill("")
    page.locator("#id_children").press_sequentially("۳")
    page.locator("form button[type=submit]").click()

    expect(page.locator(".signup-status.place")).to_be_visible()
    assert Signup.objects.get().people == 5
