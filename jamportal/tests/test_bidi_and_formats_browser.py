"""In a real browser (Debian's Chromium): on Persian pages every piece of user text
keeps its own direction ("#AccJam" stays "#AccJam", "Buenos Aires" stays before its
date), and server and scripts write the same instant with the same digits and clock."""

import datetime
import re
import unicodedata
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from jamportal.jams.tests.factories import CampaignFactory, JamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Robot Jam!"  # Latin, with the punctuation that jumps to the front in a right-to-left line
CITY = "Buenos Aires"
VENUE = "Biblioteca Nacional (Sala 2)"
HASHTAG = "#AccJam"
CAMPAIGN = "Big Birthday Weekend"

# Where a Latin text node stands on its own in a right-to-left page: in an element
# (inline, or the block that holds it) that is isolated and whose computed direction is
# left to right (<bdi> and dir="auto" resolve it from the text). Lists the ones that are not.
NOT_ISOLATED = """
([selector, needles]) => {
  const root = document.querySelector(selector);
  const problems = [], found = {};
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    for (const needle of needles) {
      if (!node.data.includes(needle)) continue;
      found[needle] = (found[needle] || 0) + 1;
      let element = node.parentElement, ok = false;
      while (element) {
        const style = getComputedStyle(element);
        const isolated = ["isolate", "isolate-override", "plaintext"].includes(style.unicodeBidi);
        if (isolated && style.direction === "ltr") { ok = true; break; }
        if (!style.display.startsWith("inline")) break;
        element = element.parentElement;
      }
      if (!ok) problems.push(needle + ": " + node.parentElement.outerHTML.slice(0, 120));
    }
  }
  for (const needle of needles) if (!found[needle]) problems.push(needle + ": not on the page");
  return problems;
}
"""

# The horizontal position (left edge) on screen of the character at `offset` in the first
# text node under `selector` containing `needle`.
CHAR_X = """
([selector, needle, offset]) => {
  const walker = document.createTreeWalker(document.querySelector(selector), NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, at = node.data.indexOf(needle);
    if (at < 0) continue;
    const range = document.createRange();
    range.setStart(node, at + offset);
    range.setEnd(node, at + offset + 1);
    const box = range.getClientRects()[0];
    return [box.left, box.right];
  }
  return null;
}
"""


def assert_isolated(page, selector, needles):
    assert page.evaluate(NOT_ISOLATED, [selector, needles]) == []


def char_x(page, selector, needle, offset):
    box = page.evaluate(CHAR_X, [selector, needle, offset])
    assert box, f"{needle!r} under {selector}"
    return box


def assert_reads_left_to_right(page, selector, text):
    """Each character of a Latin `text` stands right of the one before it."""
    lefts = [char_x(page, selector, text, i)[0] for i in range(len(text)) if text[i] != " "]
    assert lefts == sorted(lefts), f"{text!r} is drawn out of order under {selector}"


@pytest.fixture
def persian_jam():
    campaign = CampaignFactory(name=CAMPAIGN, hashtag=HASHTAG, slug="bbw")
    start = datetime.datetime(2031, 4, 10, 10, 0, tzinfo=ZoneInfo("America/Argentina/Buenos_Aires"))
    return JamFactory(
        title=TITLE,
        city=CITY,
        venue_name=VENUE,
        country="AR",
        latitude=-34.6037,
        longitude=-58.3816,
        timezone="America/Argentina/Buenos_Aires",
        start=start,
        end=start + datetime.timedelta(hours=6),
        campaign=campaign,
        description="Robots, cake and friends.",
        description_html="<p>Robots, cake and friends.</p>",
    )


def test_persian_jam_page_keeps_each_user_text_in_its_own_direction(new_page, persian_jam):
    page = new_page()
    page.goto(f"/fa/jams/{persian_jam.slug}/")

    assert_isolated(page, "main", [TITLE, CITY, VENUE, HASHTAG, CAMPAIGN, "Robots, cake and friends."])
    assert_reads_left_to_right(page, "main header", HASHTAG)  # "#" first, not "AccJam#"
    assert_reads_left_to_right(page, "main h1", TITLE)  # "!" last
    assert_reads_left_to_right(page, ".description", "Robots, cake and friends.")


def test_persian_lists_keep_the_city_before_its_date(new_page, persian_jam):
    page = new_page()
    for url in ("/fa/", "/fa/campaigns/bbw/", "/fa/?q=Buenos+Aires"):
        page.goto(url)

        assert_isolated(page, ".jam-list", [TITLE, CITY])
        assert_reads_left_to_right(page, ".jam-list", TITLE)
        # Right to left: the city, then " · ", then "۱۰ آوریل ۲۰۳۱..." with the day beside it.
        city_left = char_x(page, ".jam-list .meta", CITY, 0)[0]
        day_left, day_right = char_x(page, ".jam-list .meta", "۱۰ آوریل", 0)
        april_left = char_x(page, ".jam-list .meta", "۱۰ آوریل", 3)[0]
        assert day_right <= city_left, f"{url}: the day is drawn beside the city, on its left"
        assert april_left < day_left, f"{url}: the month follows the day, on its left"
    assert_isolated(page, "main", ["Buenos Aires"])  # "Jams near Buenos Aires"

    page.goto("/fa/campaigns/bbw/")
    assert_isolated(page, ".campaign-hero", [CAMPAIGN, HASHTAG])
    assert_reads_left_to_right(page, ".campaign-hero", HASHTAG)


def test_persian_map_popup_isolates_the_jams_words_and_writes_persian_digits(new_page, persian_jam):
    page = new_page()
    page.goto("/fa/")
    page.get_by_role("button", name=TITLE).click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text(TITLE)

    assert_isolated(page, ".leaflet-popup-content", [TITLE, CITY])
    assert_reads_left_to_right(page, ".leaflet-popup-content", TITLE)
    when = popup.locator(".jam-popup > div").nth(1).inner_text()
    assert "آوریل" in when, "Gregorian months, as the server writes them"
    assert "۱۰:۰۰" in when
    assert not re.search("[0-9]", when)


# The same instant (10:00 in London on 1 March 2031: 19:00 in Tokyo, the visitor's zone),
# as the server writes the Jam's time and as the browser writes "your time".
SAME_CLOCK = {
    "fa": ("۱۰:۰۰", "۱۹:۰۰"),
    "ja": ("10:00", "19:00"),
    "en": ("10:00 AM", "7:00 PM"),
    "de": ("10:00", "19:00"),
    "cy": ("10:00", "19:00"),  # CLDR's Welsh clock is 24-hour; Chromium's own would be 12-hour
}


def digits_of(text):
    """The scripts of the digits in `text`: {"ASCII"}, {"EXTENDED ARABIC-INDIC"}..."""
    return {unicodedata.name(c).partition("DIGIT")[0].strip() or "ASCII" for c in text if c.isdigit()}


@pytest.mark.parametrize("language", SAME_CLOCK)
def test_server_and_browser_write_times_with_the_same_digits_and_clock(browser, live_server, language):
    start = datetime.datetime(2031, 3, 1, 10, 0, tzinfo=ZoneInfo("Europe/London"))
    jam = JamFactory(start=start, end=start + datetime.timedelta(hours=6), timezone="Europe/London")
    context = browser.new_context(timezone_id="Asia/Tokyo", base_url=live_server.url)
    context.route(re.compile(r"^(?!" + re.escape(live_server.url) + ").*"), lambda route: route.abort())
    page = context.new_page()

    page.goto(f"/{language}/jams/{jam.slug}/")
    expect(page.locator(".visitor-time")).to_be_visible()
    server = " ".join(page.locator(".when .when-time").inner_text().split())
    browser_text = " ".join(page.locator(".visitor-time").inner_text().split())
    context.close()

    jam_time, visitor_time = SAME_CLOCK[language]
    assert jam_time in server.replace("\u202f", " ")
    assert visitor_time in browser_text.replace("\u202f", " ")
    assert digits_of(server) == digits_of(browser_text), (server, browser_text)
    assert "Sat" not in browser_text or language == "en"  # no English day name on a Welsh page
