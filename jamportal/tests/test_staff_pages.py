"""Every staff page in Chromium on a 360 px phone, in English and in Persian (right to
left): no sideways scrolling, every link and button inside the screen and not covered
by anything (what a thumb would hit at its centre is the control itself), and no serious
or critical axe finding. The staff journey is saved as screenshots in test-artifacts/
at 360, 390 and 1366 px (docs/screenshots/ comes from test_docs_screenshots.py)."""

import datetime
import json

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.utils import timezone

from jamportal.feed.models import Photo, PhotoReport
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import PASSWORD, CampaignFactory, JamFactory, UserFactory
from jamportal.kits import services as kit_services
from jamportal.kits.tests.factories import address, kit_with_shirts
from jamportal.tests.test_accessibility import ARTIFACTS, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Controls a finger can reach: inside the screen, and what is under their centre is them.
REACHABLE = """() => {
  const name = (el) => el ? el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "") +
    " “" + (el.textContent || el.value || "").trim().slice(0, 40) + "”" : "nothing";
  const width = document.documentElement.clientWidth;
  const problems = [];
  const controls = document.querySelectorAll("a[href], button, select, textarea, input:not([type=hidden])");
  for (const el of controls) {
    if (el.closest(".visually-hidden, .skip-link")) continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;  // not shown (a closed menu)
    const box = el.getBoundingClientRect();
    if (box.left < -0.5 || box.right > width + 0.5) {
      problems.push(name(el) + " is outside the screen: " + Math.round(box.left) + " to " + Math.round(box.right));
      continue;
    }
    el.scrollIntoView({block: "center", inline: "nearest"});
    const part = el.getClientRects()[0];  // a link over two lines: its first line
    const hit = document.elementFromPoint(part.left + part.width / 2, part.top + part.height / 2);
    if (!(hit === el || el.contains(hit) || (el.labels && [...el.labels].includes(hit)))) {
      problems.push(name(el) + " is covered by " + name(hit));
    }
  }
  window.scrollTo(0, 0);
  return problems;
}"""
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= document.documentElement.clientWidth"


@pytest.fixture
def staff_site():
    """One of everything staff see: a Jam to review, kits at each step (one abroad) and a reported photo."""
    start = timezone.now() + datetime.timedelta(days=20)
    campaign = CampaignFactory(name="Big Birthday Weekend", slug="birthday")
    kit, shirts = kit_with_shirts(campaign, received=50)
    staff = UserFactory(email="sam.staff-member@jamportal.example.org", first_name="Sam", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["moderate_jam", "fulfil_kits", "moderate_photo", "change_jam"])
    )
    waiting = JamFactory(title="Raspberry Jam at the Leeds Central Library Makerspace", status=Jam.Status.SUBMITTED,
                         campaign=campaign, start=start, end=start + datetime.timedelta(hours=5), city="Leeds",
                         latitude=53.8008, longitude=-1.5491)  # fmt: skip
    JamFactory(title="جم رزبری پای تهران", status=Jam.Status.SUBMITTED, campaign=campaign, city="تهران",
               country="IR", latitude=35.69, longitude=51.39)  # fmt: skip
    requests = []
    for title, country, postcode, moves in [
        ("Cambridge Birthday Jam", "GB", "CB1 2AB", ["approved"]),
        ("Lyon Birthday Jam", "FR", "69003", ["approved", "packed"]),
        ("Tokyo Jam", "JP", "150-0043", []),
    ]:
        jam = JamFactory(title=title, campaign=campaign, country=country)
        kit_request = kit_services.kit_request_create(
            jam, by=jam.organiser, data=address(country=country, postcode=postcode), lines={(shirts, "M"): 3}
        )
        for to in moves:
            kit_services.kit_request_move(kit_request, to, by=staff)
        requests.append(kit_request)
    photo = Photo.objects.create(jam=waiting, idempotency_key="k", taken_at=timezone.now(), caption="Cake!",
                                 alt_text="A birthday cake", status=Photo.Status.REPORTED)  # fmt: skip
    PhotoReport.objects.create(photo=photo, reason="I am in this photo and did not agree to it being posted.")
    return {"staff": staff, "jam": waiting, "kit": kit, "request": requests[1], "editable": requests[0]}


def staff_pages(site):
    return {
        "queue": "/{lang}/moderation/",
        "review": f"/{{lang}}/moderation/{site['jam'].slug}/",
        "kits": "/{lang}/kits/",
        "kit-dashboard": f"/{{lang}}/kits/{site['kit'].pk}/",
        "kit-stock": f"/{{lang}}/kits/{site['kit'].pk}/stock/",
        "kit-request": f"/{{lang}}/kits/requests/{site['request'].pk}/",
        "photos": "/{lang}/moderation/photos/",
        "photo-delete": "/{lang}/moderation/photos/",
        "kit-request-edit": f"/{{lang}}/kits/requests/{site['editable'].pk}/edit/",
    }


# Django's own admin (its address has no language: the language cookie chooses it):
# axe only, its layout is Django's, not ours.
ADMIN_PAGES = {
    "admin": "/admin/",
    "admin-jam": "/admin/jams/jam/{jam}/change/",
}


def show(page, name):
    """Bring the page to the state worth checking."""
    if name == "photo-delete":  # the question asked before a photo is deleted for good
        page.locator("button[value=delete]").click()
        page.wait_for_load_state("networkidle")
        assert page.locator("input[name=confirmed][value=yes]").count() == 1


def signed_in_page(browser, live_server, site, viewport):
    # axe is injected by the test: the page's own policy would refuse it.
    context = browser.new_context(viewport=viewport, base_url=live_server.url, bypass_csp=True)
    context.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort())
    page = context.new_page()
    page.goto("/en/accounts/login/")
    page.locator("#id_login").fill(site["staff"].email)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/moderation/")  # staff land on the queue, not the organisers' dashboard
    return context, page


@pytest.mark.parametrize("language", ["en", "fa"])
def test_staff_pages_fit_a_phone_and_pass_axe(browser, live_server, staff_site, language):
    context, page = signed_in_page(browser, live_server, staff_site, {"width": 360, "height": 780})
    found = {}
    try:
        for name, url in staff_pages(staff_site).items():
            page.goto(url.format(lang=language))
            page.wait_for_load_state("networkidle")
            show(page, name)
            problems = []
            if not page.evaluate(NO_SIDEWAYS_SCROLL):
                problems.append(f"scrolls sideways: {page.evaluate('document.documentElement.scrollWidth')} px wide")
            problems += page.evaluate(REACHABLE)
            problems += violations(page)
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=ARTIFACTS / f"staff-{name}-{language}-360.png", full_page=True)
            if problems:
                found[name] = problems
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
        for name, url in ADMIN_PAGES.items():
            response = page.goto(url.format(jam=staff_site["jam"].pk))
            assert response.status == 200, (name, response.status)
            assert page.locator("html").get_attribute("lang") == language
            page.wait_for_load_state("networkidle")
            page.screenshot(path=ARTIFACTS / f"staff-{name}-{language}-360.png", full_page=True)
            if problems := violations(page):
                found[name] = problems
    finally:
        context.close()

    assert not found, json.dumps(found, indent=1, ensure_ascii=False)


def test_the_reach_check_can_fail(browser, live_server, staff_site):
    """A button pushed off the screen and a link under another element are both found."""
    context, page = signed_in_page(browser, live_server, staff_site, {"width": 360, "height": 780})
    page.goto(f"/en/kits/requests/{staff_site['request'].pk}/")
    page.evaluate("""() => {
      document.querySelector("main button").style.marginInlineStart = "500px";
      const link = document.querySelector("main a");
      const cover = document.createElement("div");
      const box = link.getBoundingClientRect();
      Object.assign(cover.style, {position: "absolute", left: box.left + "px", top: box.top + window.scrollY + "px",
                                  width: box.width + "px", height: box.height + "px", background: "white"});
      document.body.append(cover);
    }""")

    problems = page.evaluate(REACHABLE)
    context.close()

    assert any("is outside the screen" in problem for problem in problems)
    assert any("is covered by div" in problem for problem in problems)


@pytest.mark.parametrize("width", [360, 390, 1366])
def test_the_staff_journey_in_screenshots(browser, live_server, staff_site, width):
    """Review a Jam and approve it from its page, reject nothing, pack a kit, ask before deleting a photo."""
    context, page = signed_in_page(browser, live_server, staff_site, {"width": width, "height": 800})
    shot = lambda step: page.screenshot(path=ARTIFACTS / f"staff-journey-{width}-{step}.png", full_page=True)  # noqa: E731
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        shot("1-queue")
        page.get_by_role("link", name="Review").first.click()
        page.wait_for_selector("#jam-location .leaflet-marker-icon")
        shot("2-review")
        page.get_by_role("button", name="Approve and publish").click()
        page.wait_for_url("**/moderation/")
        assert "is approved and now on the map" in page.content()
        page.goto(f"/en/kits/{staff_site['kit'].pk}/?country=FR")
        shot("3-kits")
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
        page.get_by_role("link", name="Lyon Birthday Jam").click()
        shot("4-kit-request")
        page.goto("/en/moderation/photos/")
        shot("5-photos")
        page.get_by_role("button", name="Delete it").click()
        page.wait_for_selector("h1:text('Delete this photo?')")
        shot("6-confirm-delete")
        assert Photo.objects.get().status == Photo.Status.REPORTED
        page.get_by_role("button", name="Delete it for good").click()
        page.wait_for_url("**/moderation/photos/")
        assert Photo.objects.get().status == Photo.Status.DELETED
        assert page.evaluate(NO_SIDEWAYS_SCROLL)
    finally:
        context.close()
