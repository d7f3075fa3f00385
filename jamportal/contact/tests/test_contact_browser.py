"""A message to a Jam's organisers in Debian's Chromium, in English and in Persian (right
to left): from the Jam's page to the form, a mistake explained with what was typed
kept, the message sent and relayed to the organiser in their own language (Japanese)
with Reply-To the sender; the organiser's address in no answer the browser ever got.
Then the organiser reports the Persian message by its link, and that sender's next
message reaches nobody. Screenshots go to test-artifacts/contact-<language>-<width>.png."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from jamportal.contact.models import ContactMessage
from jamportal.jams.tests.factories import JamFactory, UserFactory
from jamportal.tests.test_accessibility import violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
ORGANISER = "hidden.organiser@example.org"


def _in(language, text):
    with translation.override(language):
        return translation.gettext(text)


def _visitor(browser, live_server, *, language, width, **options):
    """A visitor's browser, offline but for our server, that keeps every answer's text."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 844}, locale=language, **options
    )
    context.route(re.compile(r"^(?!" + re.escape(live_server.url) + ").*"), lambda route: route.abort())
    page = context.new_page()
    page.answers = []
    page.on("requestfinished", lambda request: page.answers.append(request.response().body()))
    return page


def _write(page, jam, *, language, name, email, body, screenshot=None):
    page.goto(f"/{language}/jams/{jam.slug}/")
    if screenshot:
        page.screenshot(path=ARTIFACTS / screenshot)
    page.get_by_role("link", name=_in(language, "Contact the organisers")).click()
    expect(page.locator("h1")).to_have_text(_in(language, "Contact the organisers"))
    page.fill("#id_sender_name", name)
    page.fill("#id_sender_email", email)
    page.fill("#id_body", body)
    page.get_by_role("button", name=_in(language, "Send the message")).click()


def test_a_message_reaches_the_organiser_and_never_shows_their_address(browser, live_server, settings):
    settings.SITE_URL = live_server.url
    organiser = UserFactory(email=ORGANISER, language="ja")
    jam = JamFactory(title="Kyoto Raspberry Jam 京都", organiser=organiser)

    # Ada writes in English; her first try is too short, and is explained.
    ada = _visitor(browser, live_server, language="en", width=1366, bypass_csp=True)
    _write(ada, jam, language="en", name="Ada Lovelace", email="ada@example.org", body="Parking?")
    expect(ada.locator(".error-summary")).to_contain_text("at least 10 characters")
    expect(ada.locator("#id_sender_name")).to_have_value("Ada Lovelace")
    expect(ada.locator("#id_body")).to_have_value("Parking?")
    assert violations(ada) == []
    ada.screenshot(path=ARTIFACTS / "contact-form-en-1366.png", full_page=True)
    ada.fill("#id_body", "Is there parking near the venue?")
    ada.get_by_role("button", name="Send the message").click()
    expect(ada.locator("h1")).to_have_text("Message sent")
    expect(ada.locator(".contact-sent")).to_contain_text("Your message is on its way to the organisers.")
    ada.screenshot(path=ARTIFACTS / "contact-en-1366.png", full_page=True)

    # Sara writes in Persian on a phone: the page reads right to left and fits.
    sara = _visitor(browser, live_server, language="fa", width=390)
    _write(
        sara,
        jam,
        language="fa",
        name="سارا احمدی",
        email="sara@example.ir",
        body="سلام، آیا برای کودکان جا هست؟",
        screenshot="contact-jam-page-fa-390.png",
    )
    expect(sara.locator("h1")).to_have_text(_in("fa", "Message sent"))
    expect(sara.locator("html")).to_have_attribute("dir", "rtl")
    assert sara.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    sara.screenshot(path=ARTIFACTS / "contact-fa-390.png", full_page=True)

    # Nothing either browser received holds the organiser's address.
    for page in (ada, sara):
        assert page.answers
        assert not [answer for answer in page.answers if ORGANISER.encode() in answer]
        assert ORGANISER not in page.content()
    # Each message went to the organiser alone, in Japanese, answerable to its sender.
    assert [(m.to, m.reply_to, m.cc, m.bcc) for m in mail.outbox] == [
        ([ORGANISER], ["ada@example.org"], [], []),
        ([ORGANISER], ["sara@example.ir"], [], []),
    ]
    with translation.override("ja"):
        assert mail.outbox[1].subject == translation.gettext("Message from %(name)s about “%(title)s”") % {
            "name": "\u2068سارا احمدی\u2069",
            "title": "\u2068Kyoto Raspberry Jam 京都\u2069",
        }
    assert "\u2068سلام، آیا برای کودکان جا هست؟\u2069" in mail.outbox[1].body

    # The organiser reports Sara's message from the link in their email (in Japanese).
    report_url = re.search(r"https?://\S+/contact/report/[\w-]+/", mail.outbox[1].body).group(0)
    assert "/ja/contact/report/" in report_url
    organiser_page = _visitor(browser, live_server, language="ja", width=1280)
    organiser_page.goto(report_url)
    expect(organiser_page.locator("blockquote")).to_contain_text("سلام، آیا برای کودکان جا هست؟")
    organiser_page.get_by_role("button", name=_in("ja", "Report as abuse")).click()
    expect(organiser_page.locator("h1")).to_have_text(_in("ja", "Message reported"))
    assert ContactMessage.objects.get(sender_email="sara@example.ir").reported_at is not None

    # Sara's next message is thanked like any other, and reaches nobody.
    _write(sara, jam, language="fa", name="سارا احمدی", email="sara@example.ir", body="چرا پاسخ نمی‌دهید؟ لطفاً")
    expect(sara.locator("h1")).to_have_text(_in("fa", "Message sent"))
    assert len(mail.outbox) == 2
