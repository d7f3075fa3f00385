"""What a visitor meets of the booth's photos on a served site (`make run`'s
development server or `make serve`'s nginx): a booth posts photos over HTTP, a
visitor's Chromium loads every one of them from its served address, someone asks
for one to be taken down, and every stored size of it stops answering at once,
while the moderator still sees it. Used by test_serve.py for both setups."""

import io
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import requests
from PIL import Image

from conftest import wait_for

PHOTOS = 3


def jpeg(color) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1800, 1200), color).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def post_photos(base, token) -> tuple[str, list[int]]:
    """The booth posts PHOTOS photos; (the Jam's page, their ids)."""
    headers = {"Authorization": f"Bearer {token}"}
    config = requests.get(f"{base}/api/booth/config", headers=headers, timeout=30)
    assert config.status_code == 200, config.text
    ids = []
    for number in range(PHOTOS):
        answer = requests.post(
            f"{base}/api/booth/photos",
            headers=headers,
            files={"image": ("photo.jpg", jpeg((40 * number, 120, 200)), "image/jpeg")},
            data={
                "idempotency_key": f"served-{time.time_ns()}-{number}",
                "taken_at": "2031-03-01T10:00:00+00:00",
                "caption": f"Served photo {number}",
                "language": "en",
            },
            timeout=60,
        )
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])
    return config.json()["jam_url"].removeprefix(base), ids


def sizes_made(base, jam_path, ids):
    """Wait for the worker to make every photo's web size and thumbnail."""

    def made():
        photos = requests.get(f"{base}{jam_path}photos.json", timeout=10).json()["photos"]
        ours = [photo for photo in photos if photo["id"] in ids]
        return len(ours) == len(ids) and all("/thumbnails/" in photo["thumbnail"] for photo in ours)

    wait_for(made, timeout=120, what="the photos' sizes")


# Every image but the map's tiles, which tests never fetch from the internet.
IMAGES = "[...document.querySelectorAll('img:not(.leaflet-tile)')]"


def every_image_loaded(page) -> list[str]:
    """Scroll through the page (gallery images load lazily), wait until each <img>
    has finished loading, and return the addresses of any that failed."""
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function(f"{IMAGES}.every(img => img.complete)", timeout=30_000)
    return page.evaluate(f"{IMAGES}.filter(img => img.naturalWidth === 0).map(img => img.src)")


@dataclass
class PublicMedia:
    """Where a setup keeps the photos anyone may see: the address they are served
    at (ending in /), and a listing of the photo files stored there."""

    url: str
    listing: Callable[[], set[str]]

    def get(self, name):
        return requests.get(self.url + name, timeout=10).status_code

    def cache_control(self, name):
        return requests.get(self.url + name, timeout=10).headers.get("Cache-Control")


def media_folder(base, media_root: Path) -> PublicMedia:
    """MEDIA_ROOT on disk, served at /media/ (runserver, nginx)."""

    def listing():
        return {str(path.relative_to(media_root)) for path in (media_root / "photos").rglob("*.jpg")}

    return PublicMedia(url=f"{base}/media/", listing=listing)


def check_photos_served_and_taken_down(*, browser, base, token, media: PublicMedia, staff_password):
    """The whole story, against a server at `base` that keeps its public photos in `media`."""
    jam_path, ids = post_photos(base, token)
    sizes_made(base, jam_path, ids)
    # (bypass_csp: the page's policy forbids the eval that Playwright's waiting uses; test_csp.py checks it)
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=base, bypass_csp=True)
    ours = "|".join(re.escape(origin) for origin in {base, media.url})
    context.route(re.compile(rf"^(?!{ours}).*"), lambda route: route.abort())  # no internet
    visitor = context.new_page()

    # A visitor sees every photo, each loaded by the browser from its served address.
    visitor.goto(jam_path)
    shown = visitor.eval_on_selector_all("figure.photo img", "imgs => imgs.map(img => img.src)")
    failed = every_image_loaded(visitor)
    assert failed == []
    assert len([src for src in shown if src.startswith(f"{media.url}photos/thumbnails/")]) >= PHOTOS
    files_before = media.listing()
    assert {media.get(name) for name in files_before} == {200}
    # Caches (the browser's, a CDN's) must ask again each time, or a takedown would not hold for them.
    assert {media.cache_control(name) for name in files_before} == {"public, no-cache"}

    # Someone else has the page open (a projector, another phone) while ...
    taken_down = ids[0]
    open_elsewhere = context.new_page()
    open_elsewhere.goto(jam_path)
    assert open_elsewhere.locator(f'[data-photo-id="{taken_down}"]').count() == 1

    # ... the visitor asks for the first photo to be taken down: it is hidden at once.
    visitor.goto(f"/en/photos/{taken_down}/report/")
    visitor.fill("textarea[name=reason]", "I am in this photo and did not agree to it.")
    visitor.get_by_role("button", name="Send").click()
    visitor.wait_for_url(re.compile(re.escape(jam_path) + "$"))
    # Checked at once, not polled: the files left the public tree as the report committed.
    gone = sorted(files_before - media.listing())
    answers = {name: media.get(name) for name in gone}
    assert len(gone) == 3  # the kept original, the web size and the thumbnail
    assert answers == dict.fromkeys(gone, 404)
    assert {media.get(name) for name in files_before - set(gone)} == {200}
    # The page left open drops it at its next look for new photos (every 15 s).
    open_elsewhere.locator(f'[data-photo-id="{taken_down}"]').wait_for(state="detached", timeout=45_000)
    visitor.goto(jam_path)
    assert f'id="photo-{taken_down}"' not in visitor.content()
    assert every_image_loaded(visitor) == []

    # The moderator still sees it, in the queue, through the portal.
    staff = context.new_page()
    context.clear_cookies()
    staff.goto("/en/accounts/login/")
    staff.locator("#id_login").fill("staff@jamportal.localhost")
    staff.locator("#id_password").fill(staff_password)
    staff.get_by_role("button", name="Sign In").click()
    staff.wait_for_url(lambda url: "/accounts/login/" not in url)  # staff land on their work
    staff.goto("/en/moderation/photos/")
    queued = staff.locator(f"img[src$='/photos/{taken_down}/thumbnail.jpg']")
    assert queued.count() == 1
    assert every_image_loaded(staff) == []
    context.close()
