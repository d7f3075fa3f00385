"""The door's check-in page in Chromium: a QR code shown to the camera (Chromium's fake
capture plays a video made from the code's PNG), a name found, the network gone and back."""

import datetime
import io
import json
import re

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from conftest import CHROMIUM, CHROMIUM_ARGS
from jamportal.attendance import services
from jamportal.attendance.models import Signup
from jamportal.attendance.tests.factories import SignupSheetFactory, sign_up
from jamportal.jams.tests.factories import JamFactory, UserFactory
from jamportal.tests.test_accessibility import ARTIFACTS, sign_in, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = ARTIFACTS / "checkin-shots"


@pytest.fixture
def door():
    start = timezone.now() + datetime.timedelta(hours=1)
    organiser = UserFactory(email="door@example.org")
    jam = JamFactory(title="Cambridge Birthday Jam", organiser=organiser, start=start,
                     end=start + datetime.timedelta(hours=5))  # fmt: skip
    SignupSheetFactory(jam=jam, capacity=30)
    ada, _ = sign_up(jam, name="Ada Lovelace", adults=1, children=2)
    grace, _ = sign_up(jam, name="Grace Hopper", adults=2)
    shirin, _ = sign_up(jam, name="شیرین رضایی", email="shirin@example.org", adults=1, children=1)
    return {"jam": jam, "organiser": organiser, "ada": ada, "grace": grace, "shirin": shirin}


def y4m_from_png(png: bytes, path, *, size=(640, 480)):
    """A one-frame YUV4MPEG2 video (4:2:0) of the image on white, for Chromium's fake camera."""
    frame = Image.new("RGB", size, "white")
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.thumbnail((size[1] - 40, size[1] - 40))
    frame.paste(image, ((size[0] - image.width) // 2, (size[1] - image.height) // 2))
    y, u, v = frame.convert("YCbCr").split()
    half = (size[0] // 2, size[1] // 2)
    header = f"YUV4MPEG2 W{size[0]} H{size[1]} F30:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + b"FRAME\n" + y.tobytes() + u.resize(half).tobytes() + v.resize(half).tobytes())
    return path


def page_at(browser, live_server, organiser, *, width=390, bypass_csp=False):
    """A signed-in organiser's page (bypass_csp: for axe, which the site's CSP keeps out)."""
    context = browser.new_context(
        viewport={"width": width, "height": 844}, base_url=live_server.url, bypass_csp=bypass_csp
    )
    page = context.new_page()
    sign_in(page, organiser.email)
    return context, page


def check_in_url(jam, language="en"):
    return f"/{language}/jams/{jam.slug}/check-in/"


def test_a_qr_code_shown_to_the_camera_checks_the_party_in(browser, live_server, door, tmp_path):
    video = y4m_from_png(services.place_qr_png(door["ada"]), tmp_path / "ada.y4m")
    camera_browser = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              f"--use-file-for-fake-video-capture={video}"],
    )  # fmt: skip
    try:
        context, page = page_at(camera_browser, live_server, door["organiser"])
        page.goto(check_in_url(door["jam"]))
        expect(page.locator("#checkin-counts")).to_have_text("0 of 7 people checked in")

        page.get_by_role("button", name="Start the camera").click()

        result = page.locator("#checkin-result")
        expect(result).to_contain_text("Checked in", timeout=15_000)
        expect(result).to_contain_text("Ada Lovelace · 3 people (1 adult and 2 under-18s)")
        expect(page.locator("#checkin-counts")).to_have_text("3 of 7 people checked in")
        expect(page.locator("#checkin-sync")).to_contain_text("Everything is saved.")
        assert Signup.objects.get(pk=door["ada"].pk).checked_in_at is not None
        assert not Signup.objects.exclude(pk=door["ada"].pk).filter(checked_in_at__isnull=False).exists()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / "scanned-en-390.png", full_page=True)
        page.get_by_role("button", name="Stop the camera").click()
        expect(page.locator("#checkin-video")).to_be_hidden()
        context.close()
    finally:
        camera_browser.close()


def test_a_code_already_used_is_said_so(browser, live_server, door, tmp_path):
    services.check_in(door["grace"])
    video = y4m_from_png(services.place_qr_png(door["grace"]), tmp_path / "grace.y4m")
    camera_browser = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
              f"--use-file-for-fake-video-capture={video}"],
    )  # fmt: skip
    try:
        context, page = page_at(camera_browser, live_server, door["organiser"])
        page.goto(check_in_url(door["jam"], "ja"))
        expect(page.locator("#checkin-sync")).to_contain_text(re.compile(r"\d"))
        page.locator("#checkin-scan-start").click()

        expect(page.locator("#checkin-result")).to_have_class(re.compile("already"), timeout=15_000)
        expect(page.locator("#checkin-result")).to_contain_text("Grace Hopper")
        assert Signup.objects.filter(checked_in_at__isnull=False).count() == 1
        context.close()
    finally:
        camera_browser.close()


def test_a_name_found_is_checked_in_in_persian(browser, live_server, door):
    context, page = page_at(browser, live_server, door["organiser"])
    try:
        page.goto(check_in_url(door["jam"], "fa"))
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        page.locator("#checkin-search").fill("شیرین")

        people = page.locator("#checkin-people li")
        expect(people).to_have_count(1)
        people.get_by_role("button").click()

        expect(page.locator("#checkin-result")).to_contain_text("شیرین رضایی")
        expect(people.locator(".done")).to_be_visible()
        expect(page.locator("#checkin-counts")).to_contain_text("۲")  # Persian digits: 2 of 7
        assert Signup.objects.get(pk=door["shirin"].pk).checked_in_at is not None
        page.locator("#checkin-search").fill("ada")  # Latin names found on a Persian page too
        expect(people).to_have_count(1)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()


def test_offline_check_ins_and_walk_ins_sync_once(browser, live_server, door):
    context, page = page_at(browser, live_server, door["organiser"])
    sent = []
    page.on("request", lambda r: sent.append(r.post_data) if r.url.endswith("/check-in/sync/") else None)
    try:
        page.goto(check_in_url(door["jam"]))
        expect(page.locator("#checkin-sync")).to_contain_text("Everything is saved.")
        expect(page.locator("#check-in")).to_have_attribute("data-kept-offline", "yes")
        # (page.evaluate: the page's CSP forbids the eval that wait_for_function's polling uses)
        assert page.evaluate(
            """async () => {
                for (let tries = 0; tries < 100 && !navigator.serviceWorker.controller; tries++) {
                    await new Promise(resolve => setTimeout(resolve, 100));
                }
                return navigator.serviceWorker.controller !== null;
            }"""
        )

        context.set_offline(True)
        page.reload()  # the service worker's copy of the page, the list kept on the phone
        expect(page.locator("#checkin-sync")).to_contain_text("Offline")
        page.locator("#checkin-search").fill("grace")
        page.locator("#checkin-people").get_by_role("button", name="Check in").click()
        page.locator("#id_name").fill("Lin Walker")
        page.locator("#id_adults").fill("2")
        page.locator("#id_children").fill("1")
        page.get_by_role("button", name="Add and check in").click()
        expect(page.locator("#checkin-sync")).to_contain_text("2 check-ins are waiting to be sent.")
        expect(page.locator("#checkin-counts")).to_have_text("5 of 10 people checked in\n3 walk-ins")
        assert not Signup.objects.filter(checked_in_at__isnull=False).exists()

        context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")

        expect(page.locator("#checkin-sync")).to_contain_text("Everything is saved.")
        queue = next(json.loads(body) for body in sent if body)
        assert [item["kind"] for item in queue["items"]] == ["check-in", "walk-in"]
        # The answer lost on the way: the phone sends the same queue again.
        again = page.evaluate(
            """async (body) => {
                const token = document.cookie.match(/csrftoken=([^;]+)/)[1];
                const response = await fetch(document.getElementById("check-in").dataset.syncUrl, {
                    method: "POST", headers: {"Content-Type": "application/json", "X-CSRFToken": token}, body});
                return response.json();
            }""",
            json.dumps(queue),
        )
        assert [r["status"] for r in again["results"]] == ["already", "added"]
        walk_ins = Signup.objects.filter(walk_in=True)
        assert [(w.name, w.adults, w.children) for w in walk_ins] == [("Lin Walker", 2, 1)]
        assert set(Signup.objects.filter(checked_in_at__isnull=False).values_list("name", flat=True)) == {
            "Grace Hopper",
            "Lin Walker",
        }
        page.reload()
        expect(page.locator("#checkin-counts")).to_have_text("5 of 10 people checked in\n3 walk-ins")
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "fa", "ja"])
@pytest.mark.parametrize("width", [390, 1366])
def test_the_page_fits_and_is_photographed(browser, live_server, door, language, width):
    services.check_in(door["grace"])
    context, page = page_at(browser, live_server, door["organiser"], width=width, bypass_csp=True)
    try:
        page.goto(check_in_url(door["jam"], language))
        expect(page.locator("#checkin-sync")).to_contain_text(re.compile(r"\S"))
        page.locator("#checkin-search").fill("a")
        page.locator("#id_name").fill("")
        page.locator("#checkin-walk-in button[type=submit]").click()  # the walk-in form's message
        expect(page.locator("#checkin-walk-in-error")).to_be_visible()
        page.evaluate("window.scrollTo(0, 0)")
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS / f"check-in-{language}-{width}.png", full_page=True)
        off_screen = page.evaluate(
            """() => [...document.querySelectorAll("main *")].filter(el => {
                const box = el.getBoundingClientRect();
                return box.width && (box.left < -1 || box.right > window.innerWidth + 1);
            }).map(el => el.tagName + "#" + el.id + "." + el.className)"""
        )
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert off_screen == []
        assert violations(page) == []
    finally:
        context.close()


def test_names_kept_for_another_jam_are_forgotten_after_a_week(browser, live_server, door):
    context, page = page_at(browser, live_server, door["organiser"])
    old = {"people": [{"name": "Old Name"}], "fetchedAt": (timezone.now() - datetime.timedelta(days=8)).isoformat()}
    recent = {**old, "fetchedAt": (timezone.now() - datetime.timedelta(days=2)).isoformat()}
    try:
        page.goto(check_in_url(door["jam"]))
        page.evaluate(
            """([old, recent]) => {
                localStorage.setItem("jamportal:check-in:old-jam:list", JSON.stringify(old));
                localStorage.setItem("jamportal:check-in:unsent-jam:list", JSON.stringify(old));
                localStorage.setItem("jamportal:check-in:unsent-jam:queue", JSON.stringify([{id: "x"}]));
                localStorage.setItem("jamportal:check-in:recent-jam:list", JSON.stringify(recent));
            }""",
            [old, recent],
        )

        page.reload()
        expect(page.locator("#checkin-sync")).to_contain_text("Everything is saved.")

        kept = page.evaluate("Object.keys(localStorage).filter(k => k.endsWith(':list')).sort()")
        assert kept == [
            f"jamportal:check-in:{door['jam'].slug}:list",
            "jamportal:check-in:recent-jam:list",
            "jamportal:check-in:unsent-jam:list",
        ]
    finally:
        context.close()


def test_a_walk_in_the_server_refuses_is_said_so_and_leaves_the_counts(browser, live_server, door):
    context, page = page_at(browser, live_server, door["organiser"])
    try:
        page.goto(check_in_url(door["jam"]))
        expect(page.locator("#checkin-sync")).to_contain_text("Everything is saved.")
        counts = page.locator("#checkin-counts").inner_text()
        page.locator("#id_name").fill("Class 7B")
        page.locator("#id_adults").fill("11")
        page.get_by_role("button", name="Add and check in").click()
        expect(page.locator("#checkin-walk-in-error")).to_contain_text("from 0 to 10 each")

        page.locator("#id_name").fill("Bell\u0007Ringer")  # a control character: the server's rule alone
        page.locator("#id_adults").fill("1")
        page.get_by_role("button", name="Add and check in").click()

        expect(page.locator("#checkin-result")).to_contain_text("Walk-in not saved")
        expect(page.locator("#checkin-result")).not_to_contain_text("undefined")
        expect(page.locator("#checkin-counts")).to_have_text(counts)
        assert not Signup.objects.filter(walk_in=True).exists()
    finally:
        context.close()


def test_the_walk_ins_count_stands_on_a_line_of_its_own_in_persian(browser, live_server, door):
    """A "·" beside Persian digits reads as a zero: ۲۱ · looked like ۲۱۰."""
    services.walk_in_add(door["jam"], name="Lin", adults=2, children=1)
    context, page = page_at(browser, live_server, door["organiser"])
    try:
        page.goto(check_in_url(door["jam"], language="fa"))
        expect(page.locator("#checkin-sync")).to_be_visible()
        # The counts are drawn again once the door's list has loaded (on CI's busy machine,
        # after the first look): wait for the walk-ins' line as the organiser would.
        page.wait_for_function("document.querySelector('#checkin-counts').innerText.trim().split('\\n').length > 1")
        text = page.locator("#checkin-counts").inner_text()
        assert "·" not in text
        assert len(text.splitlines()) == 2
    finally:
        context.close()
