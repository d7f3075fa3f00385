"""A boomerang from the booth to a visitor's screen: the booth in boomerang mode posts
to the real portal over HTTP, the worker keeps it animated, and Debian's Chromium
plays it on the Jam's page and the campaign's wall; a visitor who asks for less
motion sees its still first frame and a Play button."""

import datetime
from types import SimpleNamespace

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from jamportal.feed import services as feed_services
from jamportal.feed.models import Photo
from jamportal.jams.tests.factories import CampaignFactory, JamFactory
from photobooth.app import make_booth
from photobooth.camera import FakeCamera
from photobooth.config import parse
from photobooth.outbox import Outbox, publish_due
from photobooth.publishers.portal import PortalPublisher

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = 100  # a boomerang's frame shows for 1/4 s or less: far fewer screenshots than this see it change
# What the browser decodes of the <img>'s file (WebCodecs' ImageDecoder): its frames, and
# whether the middle one differs from the first. (A canvas draw of an <img> always shows
# an animation's first frame, by the HTML standard: screenshots show it play.)
DECODED = """async (img) => {
  const data = await (await fetch(img.currentSrc)).arrayBuffer();
  const decoder = new ImageDecoder({ data, type: "image/webp" });
  await decoder.tracks.ready;
  const count = decoder.tracks.selectedTrack.frameCount;
  const canvas = new OffscreenCanvas(img.naturalWidth, img.naturalHeight);
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const pixels = async (index) => {
    const { image } = await decoder.decode({ frameIndex: index });
    context.drawImage(image, 0, 0);
    image.close();
    return context.getImageData(0, 0, canvas.width, canvas.height).data;
  };
  const first = await pixels(0);
  const middle = await pixels(Math.floor(count / 2));
  return { count, differ: first.some((value, index) => value !== middle[index]) };
}"""


@pytest.fixture
def posted(live_server, tmp_path):
    """A Jam under way whose booth, in boomerang mode, took one and posted it to the portal."""
    start = timezone.now() - datetime.timedelta(hours=1)
    jam = JamFactory(title="Boomerang Jam", campaign=CampaignFactory(hashtag="#PiParty"), start=start,
                     end=start + datetime.timedelta(hours=6))  # fmt: skip
    _booth, token = feed_services.booth_create(jam, by=jam.organiser, name="Front door")
    portal = PortalPublisher(live_server.url, token)
    settings = portal.config()
    config = parse(f'[booth]\nfolder = "{tmp_path}"\n[camera]\nkind = "fake"\n[boomerang]\nenabled = true\nframes = 6')
    logo = Image.new("RGBA", (50, 60), (0, 200, 0, 255))
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        booth = make_booth(config, settings, FakeCamera((1280, 720), preview_box=(640, 360)), outbox, logo)
        booth.press("short", now=0)
        booth.tick(now=3)
        booth.tick(now=8)
        [job] = outbox.due(now=1e12)
        assert publish_due(outbox, {"portal": portal}, now=1e12) == (1, 0)
    return SimpleNamespace(jam=jam, photo=Photo.objects.get(), portal=portal, job=job)


def watch(page, selector):
    """The <img> shows a picture that changes on screen, and its file is an animation whose frames differ."""
    image = page.locator(selector)
    expect(image).to_be_visible()
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert image.evaluate(DECODED) == {"count": 10, "differ": True}  # 6 frames forward, 4 back
    first = image.screenshot()
    assert any(image.screenshot() != first for _ in range(SCREENSHOTS))


def test_boomerang_from_the_booth_plays_on_the_jams_page_and_the_wall(posted, new_page):
    jam, photo = posted.jam, posted.photo
    page = new_page()

    page.goto(jam.get_absolute_url())
    watch(page, f"#photo-{photo.pk} picture.boomerang img")
    shown = page.locator(f"#photo-{photo.pk} picture.boomerang img").evaluate("(img) => img.currentSrc")

    assert (photo.animated, shown.endswith(photo.thumbnail.url)) == (True, True)
    assert shown.endswith(".webp")
    assert page.locator(".boomerang-play").is_hidden()  # only for visitors who ask for less motion
    page.goto(f"/en/campaigns/{jam.campaign.slug}/wall/")
    watch(page, f'[data-photo-id="{photo.pk}"] picture.boomerang img')


def test_a_visitor_asking_for_less_motion_sees_the_still_and_plays_it_by_hand(posted, browser, live_server):
    jam, photo = posted.jam, posted.photo
    context = browser.new_context(base_url=live_server.url, reduced_motion="reduce")
    page = context.new_page()
    page.goto(jam.get_absolute_url())
    image = page.locator(f"#photo-{photo.pk} picture.boomerang img")
    play = page.locator(f"#photo-{photo.pk} .boomerang-play")
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())

    assert image.evaluate("(img) => img.currentSrc").endswith(photo.still.url)
    expect(play).to_have_text("Play")

    play.click()
    watch(page, f"#photo-{photo.pk} picture.boomerang img")
    assert image.evaluate("(img) => img.currentSrc").endswith(photo.thumbnail.url)
    expect(play).to_have_attribute("aria-pressed", "true")
    expect(play).to_have_text("Stop")

    play.click()
    page.wait_for_function("(img) => img.currentSrc.endsWith('.jpg')", arg=image.element_handle())
    expect(play).to_have_text("Play")
    context.close()


def test_a_boomerang_sent_again_after_a_lost_answer_is_one_photo(posted):
    again = posted.portal.publish(posted.job)

    assert again == str(posted.photo.pk)
    assert list(Photo.objects.values_list("animated", flat=True)) == [True]
