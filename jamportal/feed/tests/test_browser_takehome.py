"""A photo's own page in a real browser (Debian's Chromium driven by Playwright):
opened from the booth's QR code before the photo is posted, it fills in by itself,
without a reload, when the photo arrives; its download is a file to keep."""

import re

import pytest
import requests
from playwright.sync_api import expect

from jamportal.feed import services
from jamportal.feed.models import Photo, takehome_token
from jamportal.feed.tests.test_feed import jpeg
from jamportal.jams.tests.factories import CampaignFactory, JamFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
KEY = "0123456789abcdef0123456789abcdef-portal"
WAIT_MS = 20_000  # the page asks every 4 seconds; the worker makes the sizes first


def test_takehome_page_fills_in_by_itself_when_the_photo_arrives(new_page, live_server):
    jam = JamFactory(title="Browser Booth Jam", campaign=CampaignFactory())
    _booth, booth_token = services.booth_create(jam, by=jam.organiser, name="Door")
    page = new_page()
    page.goto(f"/photo/{takehome_token(KEY)}/")
    expect(page.get_by_role("heading", name="Your photo is on its way")).to_be_visible()
    page.evaluate("window.openedOnce = true")  # gone if the page were loaded again

    answer = requests.post(
        f"{live_server.url}/api/booth/photos",
        data={"idempotency_key": KEY, "taken_at": "2031-03-01T10:00:00+00:00", "caption": "Cake!", "language": "en"},
        files={"image": ("photo.jpg", jpeg(size=(1600, 1200)), "image/jpeg")},
        headers={"Authorization": f"Bearer {booth_token}"},
        timeout=30,
    )
    assert answer.status_code == 201
    photo = Photo.objects.get()

    expect(page.get_by_role("heading", name="Your photo", exact=True)).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_role("heading", name="Your photo is on its way")).to_be_hidden()
    expect(page.get_by_role("img", name="Cake!")).to_have_attribute("src", re.compile(re.escape(photo.web.name) + "$"))
    expect(page.get_by_role("link", name="Browser Booth Jam")).to_have_attribute("href", jam.get_absolute_url())
    expect(page.get_by_role("link", name=re.compile("Ask for it to be taken down"))).to_have_attribute(
        "href", f"/en/photos/{photo.pk}/report/"
    )
    assert page.evaluate("window.openedOnce") is True
    # it loaded from the served URL (complete with no width would be a broken image)
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0",
        arg=page.locator("img[data-fill-src]").element_handle(),
        timeout=WAIT_MS,
    )
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the photo (full size)").click()
    assert download.value.suggested_filename == f"{jam.slug}-{photo.pk}.jpg"


def test_a_boomerang_on_its_take_home_page_is_still_for_less_motion_and_plays_by_hand(browser, live_server):
    from jamportal.feed.tests.test_boomerang import boomerang_webp

    jam = JamFactory(title="Boomerang Booth Jam", campaign=CampaignFactory())
    _booth, booth_token = services.booth_create(jam, by=jam.organiser, name="Door")
    context = browser.new_context(base_url=live_server.url, reduced_motion="reduce")
    try:
        waiting, later = context.new_page(), context.new_page()
        waiting.goto(f"/photo/{takehome_token(KEY)}/")
        expect(waiting.get_by_role("heading", name="Your photo is on its way")).to_be_visible()
        answer = requests.post(
            f"{live_server.url}/api/booth/photos",
            data={
                "idempotency_key": KEY,
                "taken_at": "2031-03-01T10:00:00+00:00",
                "caption": "Wave!",
                "language": "en",
            },
            files={"image": ("boomerang.webp", boomerang_webp(), "image/webp")},
            headers={"Authorization": f"Bearer {booth_token}"},
            timeout=30,
        )
        assert answer.status_code == 201
        photo = Photo.objects.get()
        expect(waiting.get_by_role("heading", name="Your photo", exact=True)).to_be_visible(timeout=WAIT_MS)
        later.goto(f"/photo/{takehome_token(KEY)}/")  # opened after it arrived: drawn by the server

        for page in (waiting, later):
            image = page.locator("figure.photo picture.boomerang img")
            page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())
            assert image.evaluate("(img) => img.currentSrc").endswith(photo.still.url)
            page.get_by_role("button", name="Play").click()
            page.wait_for_function(
                "(img) => img.currentSrc.endsWith('.webp')", arg=image.element_handle(), timeout=WAIT_MS
            )
            expect(page.get_by_role("button", name="Stop")).to_have_attribute("aria-pressed", "true")
    finally:
        context.close()
