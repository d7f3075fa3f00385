"""The booth's local gallery and phone panel over real HTTP on 127.0.0.1 (requests), the
idle screen's QR code, the [gallery] settings, and <name>.local (mDNS) inside a network
namespace of the test's own: nothing here reaches the machine's real network."""

import datetime
import html
import io
import json
import re
import shutil
import subprocess
import sys
import textwrap
import types
from dataclasses import replace
from pathlib import Path

import pytest
import requests
import zxingcpp
from PIL import Image

from photobooth import app, gallery, printing
from photobooth.booth import CONSENT, COUNTDOWN, COUNTDOWN_S, IDLE, Booth
from photobooth.camera import FakeCamera
from photobooth.config import ConfigError, parse
from photobooth.display import render
from photobooth.outbox import Outbox, photos_shown
from photobooth.typeset import set_text

DAY = datetime.date(2031, 3, 1)
TAKEN = "2031-03-01T10:00:00+00:00"
YESTERDAY = "2031-02-28T10:00:00+00:00"
PANEL_GETS = ["/panel/", "/panel/outbox", "/panel/photos", "/panel/settings", "/panel/pin"]
PANEL_POSTS = [
    "/panel/outbox/retry",
    "/panel/outbox/purge",
    "/panel/photos/hide",
    "/panel/settings",
    "/panel/shutter",
    "/panel/pin",
    "/panel/logout",
]


def jpeg(colour) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 36), colour).save(buffer, "JPEG")
    return buffer.getvalue()


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "booth"


@pytest.fixture
def booth(folder):
    """Everything the panel acts on: the outbox, a Booth and the Session's queues."""
    camera = FakeCamera((64, 36))
    the_booth = Booth(
        camera=camera,
        brand=lambda image, caption, language: image,
        save=lambda image, caption, language: "x.jpg",
        enqueue=lambda path, caption, language: None,
        caption=lambda language: "Hi",
        languages=["en", "fa", "cy"],
    )
    screen = types.SimpleNamespace(presses=lambda now: [], show=lambda view: None)
    session = app.Session(booth=the_booth, screen=screen, camera=camera, outlook=app.Outlook())
    return session


@pytest.fixture
def served(folder, booth):
    clock = Clock()
    live = gallery.LiveSettings.load(
        folder / "panel-settings.json", languages=["en", "fa", "cy"], targets=("portal", "x"), countdown=3, shots=1
    )
    the_gallery = gallery.Gallery(
        folder,
        ["en", "fa", "cy"],
        folder / "outbox.sqlite3",
        live=live,
        commands=booth.commands,
        presses=booth.presses,
        standing=booth.outlook,
        camera="fake",
        name="jam-booth",
        today=lambda: DAY,
        clock=clock,
    )
    the_gallery.pin.start()
    Outbox(folder / "outbox.sqlite3").close()
    with gallery.serve(the_gallery, host="127.0.0.1", port=0) as server:
        the_gallery.url = f"http://127.0.0.1:{server.server_address[1]}"
        the_gallery.test_clock = clock
        yield the_gallery


def browser_like():
    session = requests.Session()
    session.trust_env = False  # no proxy: loopback only
    return session


def sign_in(the_gallery, pin=None, client=None):
    client = client or browser_like()
    answer = client.post(
        the_gallery.url + "/panel/login", data={"pin": pin or the_gallery.pin.shown}, allow_redirects=False
    )
    assert (answer.status_code, answer.headers["Location"]) == (303, "/panel/")
    return client


def form_token(client, the_gallery, page="/panel/"):
    return re.search(r'name="token" value="([^"]+)"', client.get(the_gallery.url + page).text).group(1)


def post(client, the_gallery, path, **data):
    token = form_token(client, the_gallery)
    return client.post(the_gallery.url + path, data={"token": token, **data}, allow_redirects=False)


def keep(outbox, folder, colour, *, taken_at=TAKEN, targets=("portal", "x")):
    return outbox.hold(jpeg(colour), folder / "photos", list(targets), caption="Hi", language="en", taken_at=taken_at)


def photo_ids(outbox):
    return {shown.photo.name: shown.id for shown in photos_shown(outbox)}


def test_gallery_shows_only_todays_photos_nobody_declined_held_or_hid(served, folder):
    with Outbox(folder / "outbox.sqlite3") as outbox:
        released = keep(outbox, folder, "red")
        outbox.release(released)
        posted = keep(outbox, folder, "green")
        outbox.release(posted)
        for job in outbox.due(now=1e12):
            if job.photo == posted:
                outbox.mark_done(job, "remote-1")
        held = keep(outbox, folder, "blue")
        declined = keep(outbox, folder, "black")
        outbox.decline(declined)
        hidden = keep(outbox, folder, "white")
        outbox.release(hidden)
        yesterday = keep(outbox, folder, "yellow", taken_at=YESTERDAY)
        outbox.release(yesterday)
        ids = {path: job.id for job in outbox.jobs() for path in [job.photo] if job.target == "portal"}
        gallery.photo_hide(outbox, ids[hidden])
    client = browser_like()

    page = client.get(served.url + "/")
    listed = re.findall(r'href="/photo/(\d+)\.jpg" download="photobooth-\1\.jpg"', page.text)
    answers = {
        path.stem: client.get(f"{served.url}/photo/{ids[path]}.jpg").status_code
        for path in (released, posted, held, declined, hidden, yesterday)
    }

    assert listed == [str(ids[posted]), str(ids[released])]
    assert answers == {
        released.stem: 200,
        posted.stem: 200,
        held.stem: 404,
        declined.stem: 404,
        hidden.stem: 404,
        yesterday.stem: 404,
    }
    assert client.get(f"{served.url}/photo/{ids[released]}.jpg").content == released.read_bytes()
    assert Image.open(io.BytesIO(client.get(f"{served.url}/thumb/{ids[released]}.jpg").content)).size == (64, 36)


def test_a_declined_photo_is_never_served_by_its_file_name_or_any_other_path(served, folder):
    with Outbox(folder / "outbox.sqlite3") as outbox:
        declined = keep(outbox, folder, "black")
        outbox.decline(declined)
    client = browser_like()
    guesses = [
        f"/photos/{declined.name}",
        f"/{declined.name}",
        f"/photo/{declined.name}",
        f"/photo/../photos/{declined.name}",
        "/photos/",
        "/thumbnails/",
        "/outbox.sqlite3",
        "/panel-pin.json",
        "/photo/1.jpg",
        "/thumb/1.jpg",
    ]

    answers = {guess: client.get(served.url + guess).status_code for guess in guesses}

    assert answers == dict.fromkeys(guesses, 404)
    assert all(declined.read_bytes() not in client.get(served.url + guess).content for guess in guesses)


def test_every_panel_address_needs_the_pin(served, folder, booth):
    client = browser_like()

    gets = {path: client.get(served.url + path, allow_redirects=False) for path in PANEL_GETS}
    posts = {path: client.post(served.url + path, data={"job": "all"}, allow_redirects=False) for path in PANEL_POSTS}

    assert {path: (answer.status_code, answer.headers["Location"]) for path, answer in gets.items()} == dict.fromkeys(
        PANEL_GETS, (303, "/panel/login")
    )
    assert {path: answer.status_code for path, answer in posts.items()} == dict.fromkeys(PANEL_POSTS, 403)
    assert (booth.presses.empty(), booth.commands.empty()) == (True, True)


def test_a_signed_in_phone_gets_a_strict_httponly_cookie_and_every_page(served):
    client = browser_like()
    answer = client.post(served.url + "/panel/login", data={"pin": served.pin.shown}, allow_redirects=False)

    cookie = answer.headers["Set-Cookie"]
    pages = {path: client.get(served.url + path).status_code for path in PANEL_GETS}

    assert re.fullmatch(r"booth_panel=[\w-]{43}; Path=/panel; Max-Age=43200; HttpOnly; SameSite=Strict", cookie)
    assert pages == dict.fromkeys(PANEL_GETS, 200)


def test_wrong_pins_are_limited_per_client(served):
    client = browser_like()
    wrong = [
        client.post(served.url + "/panel/login", data={"pin": "000000x"}, allow_redirects=False).status_code
        for _ in range(gallery.CLIENT_TRIES)
    ]

    locked = client.post(served.url + "/panel/login", data={"pin": served.pin.shown}, allow_redirects=False)
    served.test_clock.now += gallery.LOCKOUT_S
    later = client.post(served.url + "/panel/login", data={"pin": served.pin.shown}, allow_redirects=False)

    assert wrong == [401] * gallery.CLIENT_TRIES
    assert locked.status_code == 429
    assert "Too many wrong PINs: try again in 15 min." in locked.text
    assert later.status_code == 303


def test_wrong_pins_from_many_addresses_lock_everyone_out_and_the_screen_says_so(served):
    guard, words = served.guard, app.i18n.translation("en")
    now = served.test_clock.now
    for number in range(gallery.OVERALL_TRIES):
        assert guard.wait(f"10.0.0.{number}", now) == 0
        guard.failed(f"10.0.0.{number}", now)

    client = browser_like()
    locked = client.post(served.url + "/panel/login", data={"pin": served.pin.shown}, allow_redirects=False)

    assert guard.wait("10.9.9.9", now) == gallery.LOCKOUT_S
    assert locked.status_code == 429
    assert served.screen_note(words) == "Panel locked for 15 min: too many wrong PINs"


def test_the_screen_shows_the_pin_the_booth_made_until_the_organiser_chooses_one(served, folder):
    words = app.i18n.translation("en")
    made = served.pin.shown
    client = sign_in(served)

    before = served.screen_note(words)
    changed = post(client, served, "/panel/pin", current=made, new="24680", again="24680")
    restarted = gallery.Pin(folder / "panel-pin.json")

    assert before == f"Panel PIN: {made}"
    assert re.fullmatch(r"\d{6}", made)
    assert changed.status_code == 303
    assert served.screen_note(words) == ""
    assert (restarted.start(), restarted.check("24680")) == ("", True)
    assert "24680" not in (folder / "panel-pin.json").read_text()
    assert oct((folder / "panel-pin.json").stat().st_mode & 0o777) == "0o600"


def test_pin_change_needs_the_current_pin_and_two_equal_new_ones(served):
    made = served.pin.shown
    client = sign_in(served)
    other_phone = sign_in(served)

    wrong = post(client, served, "/panel/pin", current="999999", new="1357", again="1357")
    short = post(client, served, "/panel/pin", current=made, new="12", again="12")
    differ = post(client, served, "/panel/pin", current=made, new="1357", again="1358")
    changed = post(client, served, "/panel/pin", current=made, new="1357", again="1357")

    assert (wrong.status_code, short.status_code, differ.status_code) == (401, 400, 400)
    assert "A PIN is 4 to 12 digits." in short.text
    assert "The two new PINs differ." in differ.text
    assert changed.status_code == 303
    assert client.get(served.url + "/panel/", allow_redirects=False).status_code == 200
    assert other_phone.get(served.url + "/panel/", allow_redirects=False).status_code == 303
    assert browser_like().post(served.url + "/panel/login", data={"pin": made}).status_code == 401
    sign_in(served, pin="1357")


def test_a_pin_typed_in_persian_digits_signs_in_and_changes_the_pin(served):
    persian = served.pin.shown.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    client = sign_in(served, pin=persian)

    changed = post(client, served, "/panel/pin", current=persian, new="۲۴۶۸", again="2468")

    assert changed.status_code == 303
    sign_in(served, pin="2468")


def test_the_gallery_answers_only_under_the_booths_own_names(served, folder):
    with Outbox(folder / "outbox.sqlite3") as outbox:
        photo = keep(outbox, folder, "red")
        outbox.release(photo)
        shown = photo_ids(outbox)[photo.name]
    client = browser_like()

    rebound = [
        client.get(served.url + path, headers={"Host": "evil.example"}).status_code
        for path in ("/", f"/photo/{shown}.jpg", f"/thumb/{shown}.jpg")
    ]
    own = [
        client.get(served.url + "/", headers={"Host": host}).status_code
        for host in ("jam-booth.local:8080", "127.0.0.1:8080", "192.0.2.7", "localhost")
    ]

    assert (rebound, own) == ([421, 421, 421], [200, 200, 200, 200])


def test_a_post_without_the_sessions_token_or_from_another_origin_is_refused(served, booth):
    client = sign_in(served)
    token = form_token(client, served)

    no_token = client.post(served.url + "/panel/shutter", allow_redirects=False)
    other = client.post(
        served.url + "/panel/shutter",
        data={"token": token},
        headers={"Origin": "http://evil.example"},
        allow_redirects=False,
    )
    rebound = client.get(served.url + "/panel/", headers={"Host": "evil.example"}, allow_redirects=False)
    same = client.post(
        served.url + "/panel/shutter", data={"token": token}, headers={"Origin": served.url}, allow_redirects=False
    )

    assert (no_token.status_code, other.status_code, rebound.status_code, same.status_code) == (403, 403, 421, 303)
    assert no_token.text == "This form has expired: go back, reload and try again."
    assert [booth.presses.get_nowait(), booth.presses.empty()] == ["shutter", True]


def test_the_remote_shutter_starts_the_countdown(served, booth):
    client = sign_in(served)

    post(client, served, "/panel/shutter")
    booth.step(5.0)

    assert (booth.booth.state, booth.booth.countdown(now=5.0)) == (COUNTDOWN, 3)


def test_the_remote_shutter_never_declines_the_photo_in_its_consent_window(served, booth):
    client = sign_in(served)
    booth.presses.put("short")
    booth.step(1.0)
    booth.step(1.0 + COUNTDOWN_S + 0.1)  # the photo is taken: its five seconds begin
    assert booth.booth.state == CONSENT

    post(client, served, "/panel/shutter")
    booth.step(2.0 + COUNTDOWN_S)

    assert (booth.booth.state, booth.booth.vetoed) == (CONSENT, False)


def test_retry_and_give_up_act_on_the_outbox(served, folder):
    with Outbox(folder / "outbox.sqlite3") as outbox:
        photo = keep(outbox, folder, "red")
        outbox.release(photo)
        portal, x = sorted(outbox.due(now=1e12), key=lambda job: job.target)
        outbox.mark_refused(portal, "Refused: 400")
        outbox.mark_refused(x, "Refused: 401")
    client = sign_in(served)

    page = client.get(served.url + "/panel/outbox").text
    retried = post(client, served, "/panel/outbox/retry", job=str(portal.id))
    purged = post(client, served, "/panel/outbox/purge", job=str(x.id))

    assert "Failed: Refused: 401" in page
    assert (retried.headers["Location"], purged.headers["Location"]) == ("/panel/outbox", "/panel/outbox")
    with Outbox(folder / "outbox.sqlite3") as outbox:
        assert [(job.id, job.status) for job in outbox.jobs()] == [(portal.id, "pending")]


def test_hiding_a_photo_declines_what_was_not_posted_and_takes_it_off_the_gallery(served, folder):
    with Outbox(folder / "outbox.sqlite3") as outbox:
        photo = keep(outbox, folder, "red")
        outbox.release(photo)
        portal = next(job for job in outbox.due(now=1e12) if job.target == "portal")
        outbox.mark_done(portal, "on-the-portal")
        everywhere = keep(outbox, folder, "blue", targets=["portal"])
        outbox.release(everywhere)
        outbox.mark_done(next(job for job in outbox.due(now=1e12) if job.photo == everywhere), "also-on-the-portal")
        shown, posted = photo_ids(outbox)[photo.name], photo_ids(outbox)[everywhere.name]
    client = sign_in(served)

    listed_before = re.findall(r"/thumb/(\d+)\.jpg", client.get(served.url + "/panel/photos").text)
    post(client, served, "/panel/photos/hide", photo=str(shown))
    post(client, served, "/panel/photos/hide", photo=str(posted))

    assert listed_before == [str(posted), str(shown)]
    with Outbox(folder / "outbox.sqlite3") as outbox:
        assert sorted((job.photo.name, job.target, job.status) for job in outbox.jobs()) == sorted(
            [(photo.name, "portal", "done"), (photo.name, "x", "declined"), (everywhere.name, "portal", "done")]
        )
    assert client.get(f"{served.url}/photo/{shown}.jpg").status_code == 404
    assert client.get(f"{served.url}/photo/{posted}.jpg").status_code == 404
    assert re.findall(r"/thumb/(\d+)\.jpg", client.get(served.url + "/").text) == []


def test_a_photo_is_printed_again_from_the_panel_and_the_printers_problem_shown(served, folder, booth):
    config = types.SimpleNamespace(printing=True, folder=folder)
    served.print_again = lambda photo: printing.print_again(photo, config)
    booth.outlook.update_printer({"printer": "Selphy", "state": "stopped", "problems": ["media-empty"]})
    with Outbox(folder / "outbox.sqlite3") as outbox:
        photo = keep(outbox, folder, "red")
        outbox.release(photo)
        declined = keep(outbox, folder, "blue")
        outbox.decline(declined)
        shown = photo_ids(outbox)[photo.name]
        declined_job = next(job.id for job in outbox.jobs() if job.photo == declined)
    client = sign_in(served)

    page = client.get(served.url + "/panel/photos").text
    post(client, served, "/panel/photos/print", photo=str(shown))
    post(client, served, "/panel/photos/print", photo=str(declined_job))
    status = client.get(served.url + "/panel/").text

    assert re.findall(r'action="/panel/photos/print">.*?name="photo" value="(\d+)"', page) == [str(shown)]
    with Outbox(folder / "outbox.sqlite3") as outbox:
        assert [(job.photo.name, job.target) for job in outbox.jobs() if job.target.startswith("print")] == [
            (photo.name, "print")
        ]
    assert dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", status))["Printer"] == "The printer is out of paper."


def test_a_booth_without_a_printer_offers_no_print_in_its_panel(served, folder):
    with Outbox(folder / "outbox.sqlite3") as outbox:
        outbox.release(keep(outbox, folder, "red"))
    client = sign_in(served)

    assert "/panel/photos/print" not in client.get(served.url + "/panel/photos").text
    assert "Printer" not in client.get(served.url + "/panel/").text


def test_a_boomerang_is_served_as_the_animated_webp_it_is_and_its_thumbnail_as_a_still(served, folder):
    frames = [Image.new("RGB", (64, 36), colour) for colour in ("red", "blue", "red")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:], duration=150, loop=0)
    with Outbox(folder / "outbox.sqlite3") as outbox:
        photo = outbox.hold(
            buffer.getvalue(),
            folder / "photos",
            ["portal"],
            caption="Hi",
            language="en",
            taken_at=TAKEN,
            suffix=".webp",
        )
        outbox.release(photo)
        shown = photo_ids(outbox)[photo.name]
    client = browser_like()

    full = client.get(f"{served.url}/photo/{shown}.jpg")
    thumbnail = client.get(f"{served.url}/thumb/{shown}.jpg")

    assert (full.headers["Content-Type"], full.headers["Content-Disposition"]) == (
        "image/webp",
        f'inline; filename="photobooth-{shown}.webp"',
    )
    assert Image.open(io.BytesIO(full.content)).n_frames == 3
    assert (thumbnail.headers["Content-Type"], Image.open(io.BytesIO(thumbnail.content)).format) == (
        "image/jpeg",
        "JPEG",
    )


def test_live_settings_reach_the_running_booth_and_outlast_a_restart(served, folder, booth):
    client = sign_in(served)

    answer = post(client, served, "/panel/settings", language="fa", countdown="7", target="portal", shots="4")
    booth.step(1.0)
    reloaded = gallery.LiveSettings.load(
        folder / "panel-settings.json", languages=["en", "fa", "cy"], targets=("portal", "x"), countdown=3, shots=1
    )

    assert answer.status_code == 303
    assert (booth.booth.language, booth.booth.countdown_s, booth.booth.shots) == ("fa", 7, 4)
    assert served.live.current_targets() == ("portal",)
    assert (reloaded.language, reloaded.countdown, reloaded.targets, reloaded.shots) == ("fa", 7, ("portal",), 4)


def test_a_target_added_to_the_settings_file_after_the_panel_saved_is_on(served, folder):
    client = sign_in(served)
    post(client, served, "/panel/settings", language="en", countdown="3", target="portal", shots="1")

    with_printing = gallery.LiveSettings.load(
        folder / "panel-settings.json", languages=["en"], targets=("portal", "x", "print"), countdown=3, shots=1
    )

    assert with_printing.targets == ("portal", "print")  # x stays off, as the panel left it


def test_a_photo_taken_after_a_target_is_turned_off_is_not_sent_there(tmp_path):
    live = gallery.LiveSettings(
        "en", 3, ("portal", "x"), 1, tmp_path / "live.json", every_target=("portal", "x"), languages=("en",)
    )
    config = parse(f'[booth]\nfolder = "{tmp_path}"\ntargets = ["portal", "x"]\n[camera]\nkind = "fake"', base=tmp_path)
    live.update(language="en", countdown=3, targets=["portal"], shots=1)
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        the_booth = app.make_booth(
            config,
            {"jam_title": "Jam"},
            FakeCamera((64, 36)),
            outbox,
            Image.new("RGBA", (8, 8)),
            today=lambda: DAY,
            targets=live.current_targets,
        )
        the_booth.press("short", now=0)
        the_booth.tick(now=3)

        assert [job.target for job in outbox.jobs()] == ["portal"]


def test_bad_settings_are_refused_with_a_message_in_the_phones_language(served, booth):
    client = sign_in(served)
    token = form_token(client, served)

    countdown = client.post(
        served.url + "/panel/settings",
        data={"token": token, "language": "en", "countdown": "99", "shots": "1"},
        headers={"Accept-Language": "cy"},
    )
    language = client.post(
        served.url + "/panel/settings", data={"token": token, "language": "de", "countdown": "3", "shots": "1"}
    )
    huge = client.post(served.url + "/panel/settings", data={"token": token, "language": "x" * 5000})
    nowhere = client.post(
        served.url + "/panel/settings",
        data={"token": token, "language": "en", "countdown": "3", "shots": "1"},
        headers={"Accept-Language": "fa"},
    )

    assert countdown.status_code == 400
    assert "1 i 10" in countdown.text
    assert '<html lang="cy" dir="ltr">' in countdown.text
    assert (language.status_code, huge.status_code) == (400, 413)
    assert "Choose one of the booth's languages." in html.unescape(language.text)
    assert nowhere.status_code == 400
    assert "دست‌کم یک جا را برای ارسال انتخاب کنید." in nowhere.text
    assert booth.commands.empty()


def test_pages_speak_the_phones_language_among_the_booths(served):
    client = browser_like()

    persian = client.get(served.url + "/", headers={"Accept-Language": "fa-IR,fa;q=0.9,en;q=0.5"})
    german = client.get(served.url + "/", headers={"Accept-Language": "de-DE,de;q=0.9"})

    assert '<html lang="fa" dir="rtl">' in persian.text
    assert "هنوز" in persian.text
    assert '<html lang="en" dir="ltr">' in german.text
    assert gallery.language_for("pt-BR, cy;q=0.8", ["en", "cy"]) == "cy"
    assert gallery.language_for("de;q=0.5, pt-BR", ["en", "de", "pt-br"]) == "pt-br"
    assert gallery.language_for("zh-Hant-TW", ["en", "zh-hant"]) == "zh-hant"


def test_every_answer_has_security_headers(served):
    client = browser_like()
    answers = [client.get(served.url + "/"), client.get(served.url + "/nothing"), client.get(served.url + "/panel/")]

    for answer in answers:
        for name, value in gallery.SECURITY_HEADERS.items():
            assert answer.headers[name] == value
    assert answers[1].status_code == 404


def test_the_idle_screen_shows_the_gallerys_address_as_a_qr_code_and_the_pin(served, booth):
    booth.gallery = gallery.GalleryNote("http://192.0.2.7:8080/", served.screen_note)
    booth.camera = FakeCamera((640, 360))

    view = booth.view(0.0)
    codes = zxingcpp.read_barcodes(render(replace(view, image=None), (1280, 720)))

    assert booth.booth.state == IDLE
    assert [code.text for code in codes] == ["http://192.0.2.7:8080/"]
    assert view.corner == f"Panel PIN: {served.pin.shown}"


def test_the_idle_screens_address_reads_left_to_right_on_a_persian_screen(booth):
    booth.gallery = gallery.GalleryNote("http://192.0.2.7:8080/", lambda words: "")  # a PIN of their own: none shown
    booth.camera = FakeCamera((640, 360))
    booth.booth.language = "fa"

    view = booth.view(0.0)
    (line,) = set_text(view.corner, "fa", width=100_000, size=40).lines

    assert "".join(run.text for run in line.runs) == "http://192.0.2.7:8080/"


def test_gallery_settings_are_checked_with_clear_messages():
    good = parse('[gallery]\nenabled = true\nport = 8081\nname = "jam-booth"')
    with pytest.raises(ConfigError) as error:
        parse('[gallery]\nenabled = "yes"\nport = 80\nname = "Jam Booth!"')

    assert (good.gallery, good.gallery_port, good.gallery_name) == (True, 8081, "jam-booth")
    assert error.value.problems == [
        '[gallery] enabled: must be true or false, not "yes".',
        "[gallery] port: must be a port number from 1024 to 65535, not 80.",
        '[gallery] name: must be letters a-z, digits and hyphens, such as "jam-booth" (for jam-booth.local), '
        'not "Jam Booth!".',
    ]


MDNS_SCRIPT = textwrap.dedent(
    """
    import json, queue, sys, types
    from pathlib import Path
    import requests
    from zeroconf import AddressResolverIPv4, Zeroconf
    from photobooth import gallery
    from photobooth.config import Config

    folder = Path(sys.argv[1])
    config = Config(folder=folder, gallery=True, gallery_port=8080, gallery_name="jam-booth")
    live = gallery.LiveSettings.load(folder / "live.json", languages=["en"], targets=("portal",), countdown=3, shots=1)
    session = types.SimpleNamespace(booth=types.SimpleNamespace(), commands=queue.SimpleQueue(),
                                    presses=queue.SimpleQueue())
    with gallery.open_gallery(config, live=live, session=session, outlook=None) as note:
        asker = Zeroconf(interfaces=["127.0.0.1"])
        resolver = AddressResolverIPv4("jam-booth.local.")
        addresses = resolver.parsed_scoped_addresses() if resolver.request(asker, 5000) else []
        info = asker.get_service_info("_http._tcp.local.", "jam-booth._http._tcp.local.", timeout=5000)
        web = requests.Session()
        web.trust_env = False
        page = web.get(f"http://{addresses[0]}:{info.port}/", timeout=5) if addresses and info else None
        asker.close()
    print(json.dumps({"addresses": addresses, "service": [info.server, info.port] if info else None,
                      "page": page.status_code if page is not None else None, "qr": note.address}))
    """
)


@pytest.mark.slow  # seconds: zeroconf probes and announces before the name is its own
def test_the_booth_is_name_dot_local_inside_a_network_namespace_of_its_own(tmp_path):
    """The booth's own open_gallery in a new network namespace (only its loopback, with
    multicast): it finds no LAN, so it serves and advertises there; another zeroconf
    resolves jam-booth.local and the service, and the gallery answers at that address."""
    if shutil.which("unshare") is None or subprocess.run(["unshare", "--net", "true"]).returncode != 0:
        pytest.skip("unshare --net is refused here (needs root or user namespaces): no namespace to keep mDNS in")
    script = tmp_path / "mdns.py"
    script.write_text(MDNS_SCRIPT)
    setup = "ip link set lo up && ip link set lo multicast on && ip route add 224.0.0.0/4 dev lo"
    root = Path(gallery.__file__).resolve().parent.parent
    done = subprocess.run(
        ["unshare", "--net", "sh", "-c", f'{setup} && exec "$0" "$@"', sys.executable, str(script), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=root,
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "PYTHONPATH": str(root)},
    )

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == {
        "addresses": ["127.0.0.1"],
        "service": ["jam-booth.local.", 8080],
        "page": 200,
        "qr": "http://127.0.0.1:8080/",
    }


OUTSIDE_THE_VIEWPORT = """() => {
    const outside = [];
    for (const element of document.body.querySelectorAll("*")) {
        const box = element.getBoundingClientRect();
        if (box.width && (box.left < -0.5 || box.right > window.innerWidth + 0.5)) {
            outside.push(`${element.tagName} ${element.textContent.slice(0, 40)} ${box.left}..${box.right}`);
        }
    }
    return {scrollWidth: document.documentElement.scrollWidth, outside};
}"""


@pytest.mark.browser
@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("fa", "rtl")])
def test_the_panel_fits_a_phone_360_pixels_wide(browser, served, folder, language, direction):
    with Outbox(folder / "outbox.sqlite3") as outbox:
        for colour in ("red", "green", "blue"):
            outbox.release(keep(outbox, folder, colour))
        failed = outbox.due(now=1e12)[0]
        outbox.mark_refused(failed, "Refused: 422: " + "Unprocessable" * 20)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale=language, base_url=served.url)
    context.route(re.compile(r"^(?!" + re.escape(served.url) + ").*"), lambda route: route.abort())
    page = context.new_page()
    seen = {}
    try:
        page.goto("/panel/")
        page.fill("#pin", served.pin.shown)
        page.locator("button[type=submit]").click()
        page.wait_for_url("**/panel/")
        for path in ["/", "/panel/login", *PANEL_GETS]:
            page.goto(path)
            seen[path] = (page.get_attribute("html", "dir"), page.evaluate(OUTSIDE_THE_VIEWPORT))
    finally:
        context.close()

    fits = {"scrollWidth": 360, "outside": []}
    assert seen == dict.fromkeys(["/", "/panel/login", *PANEL_GETS], (direction, fits))


def test_the_status_page_says_how_the_booth_stands(served, folder, booth):
    booth.outlook.update(pending=2, offline=True, failed=1, failure="x: Refused")
    booth.outlook.last_contact = datetime.datetime(2031, 3, 1, 9, 5, tzinfo=datetime.UTC)
    served.timezone = "Asia/Tehran"
    with Outbox(folder / "outbox.sqlite3") as outbox:
        outbox.release(keep(outbox, folder, "red"))
    client = sign_in(served)

    english = client.get(served.url + "/panel/").text
    persian = client.get(served.url + "/panel/", headers={"Accept-Language": "fa"}).text
    facts = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", english))

    assert {name: value for name, value in facts.items() if name != "Disk free"} == {
        "Camera": "fake",
        "Network": "Offline",
        "Backlog": "2 jobs waiting",
        "Last contact with the portal": "12:35\u202fPM",
    }
    assert re.fullmatch(r"[\d,]+(\.\d)? GB", facts["Disk free"])  # one decimal, none when it is 0
    assert "<dd>۲ کار در انتظار</dd>" in persian


@pytest.mark.slow  # the booth's whole run: seconds of countdown and consent window
@pytest.mark.django_db(transaction=True)
def test_run_serves_the_gallery_and_takes_a_photo_from_the_phone(live_server, settings, tmp_path, monkeypatch):
    """The booth's real main loop with [gallery] on: the PIN read off its screen, the
    panel's shutter, the consent window, then the photo in the gallery; on loopback only."""
    import contextlib
    import socket
    import threading
    import time

    import pygame

    from jamportal.feed import services as feed_services
    from jamportal.jams.tests.factories import JamFactory

    settings.SITE_URL = live_server.url
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setattr(gallery, "LISTEN_ON", "127.0.0.1")
    monkeypatch.setattr(gallery, "lan_address", lambda: "127.0.0.1")
    monkeypatch.setattr(gallery, "advertise", lambda *args: contextlib.nullcontext())  # mDNS: the namespace test
    jam = JamFactory(title="Gallery Jam")
    _booth, token = feed_services.booth_create(jam, by=jam.organiser, name="Booth")
    monkeypatch.setenv("PHOTOBOOTH_PORTAL_TOKEN", token)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = parse(
        f'[portal]\nurl = "{live_server.url}"\n[booth]\nfolder = "{tmp_path}"\nsecrets = "{tmp_path / "none.toml"}"\n'
        '[camera]\nkind = "fake"\nresolution = [640, 360]\n[screen]\nfullscreen = false\nsize = [320, 180]\n'
        f'[gpio]\nenabled = false\n[gallery]\nenabled = true\nport = {port}\nname = "jam-booth"',
        base=tmp_path,
    )
    shown, found = [], {}
    real_show = app.Screen.show

    def show(screen, view):
        shown.append((view.qr, view.corner))
        real_show(screen, view)

    monkeypatch.setattr(app.Screen, "show", show)
    url = f"http://127.0.0.1:{port}"

    def organiser():
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline and not any(corner.startswith("Panel PIN: ") for _qr, corner in shown):
                time.sleep(0.2)
            pin = next(corner for _qr, corner in shown if corner.startswith("Panel PIN: ")).removeprefix("Panel PIN: ")
            phone = sign_in(types.SimpleNamespace(url=url, pin=None), pin=pin)
            token = re.search(r'name="token" value="([^"]+)"', phone.get(url + "/panel/").text).group(1)
            found["shutter"] = phone.post(
                url + "/panel/shutter", data={"token": token}, allow_redirects=False
            ).status_code
            while time.monotonic() < deadline and not re.search(r"/photo/\d+\.jpg", phone.get(url + "/").text):
                time.sleep(0.3)
            found["gallery"] = re.findall(r"/photo/(\d+)\.jpg", phone.get(url + "/").text)
        finally:
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_ESCAPE))

    threading.Thread(target=organiser, daemon=True).start()
    status = app.run(config)

    assert status == 0
    assert f"{url}/" in {qr for qr, _corner in shown}  # the idle screen's (after the photo: its take-home code)
    assert found["shutter"] == 303
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        assert found["gallery"] == [str(shown_photo.id) for shown_photo in photos_shown(outbox)]
    assert len(found["gallery"]) == 1


def test_a_damaged_photo_is_not_found_and_the_gallery_carries_on(served, folder):
    with Outbox(folder / "outbox.sqlite3") as outbox:
        photo = keep(outbox, folder, "red")
        outbox.release(photo)
        shown = photo_ids(outbox)[photo.name]
    photo.write_bytes(b"not a jpeg")
    client = browser_like()

    thumbnail = client.get(f"{served.url}/thumb/{shown}.jpg")
    page = client.get(served.url + "/")

    assert (thumbnail.status_code, thumbnail.text) == (404, "Not found.")
    assert page.status_code == 200


def test_saved_settings_the_booth_no_longer_has_give_way_to_its_own(tmp_path):
    saved = tmp_path / "panel-settings.json"
    saved.write_text(json.dumps({"language": "de", "countdown": 99, "targets": ["mastodon"], "shots": 3}))

    live = gallery.LiveSettings.load(saved, languages=["en", "fa"], targets=("portal", "x"), countdown=3, shots=1)

    assert (live.language, live.countdown, live.targets, live.shots) == ("en", 3, ("portal", "x"), 1)


@pytest.mark.slow  # the Nu HTML checker runs in Java
def test_gallery_and_panel_pages_are_valid_html(served, folder, tmp_path):
    from jamportal.tests.test_html_valid import validate

    with Outbox(folder / "outbox.sqlite3") as outbox:
        outbox.release(keep(outbox, folder, "red"))
        outbox.mark_refused(outbox.due(now=1e12)[0], "Refused: 422")
    client = sign_in(served)
    files = []
    for language in ("en", "fa"):
        for path in ["/", "/panel/login", *PANEL_GETS]:
            page = tmp_path / f"{language}{path.replace('/', '-')}.html"
            page.write_text(client.get(served.url + path, headers={"Accept-Language": language}).text)
            files.append(page)

    assert validate(files) == []


def test_idle_connections_beyond_the_limit_are_closed_and_their_slots_come_back(served):
    import socket
    import time

    port = int(served.url.rsplit(":", 1)[1])
    idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(gallery.CONNECTIONS)]
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:  # the server accepts them one by one
            extra = socket.create_connection(("127.0.0.1", port))
            extra.settimeout(5)
            extra.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            try:
                answer = extra.recv(100)
            except ConnectionResetError:
                answer = b""
            extra.close()
            if not answer:
                break
        refused = answer
    finally:
        for connection in idle:
            connection.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            later = browser_like().get(served.url + "/", timeout=5).status_code
            break
        except requests.ConnectionError:
            time.sleep(0.1)

    assert refused == b""
    assert later == 200


def test_a_chunked_post_is_refused_and_the_connection_closed(served):
    answer = browser_like().post(served.url + "/panel/login", data=iter([b"pin=1"]))

    assert (answer.status_code, answer.headers["Connection"]) == (411, "close")
