"""Boomerang mode: the burst, the loop, its branding, and what each target is sent
(X and Mastodon mocked with `responses`, Bluesky through its stand-in PDS)."""

import io
import json
from email.parser import BytesParser
from urllib.parse import parse_qs

import pytest
import responses
from PIL import Image, ImageSequence

from photobooth import boomerang
from photobooth.app import make_booth
from photobooth.booth import CONSENT, IDLE, Booth
from photobooth.camera import FakeCamera, open_camera
from photobooth.config import ConfigError, parse
from photobooth.outbox import Outbox, publish_due
from photobooth.publishers.mastodon import MastodonPublisher
from photobooth.publishers.portal import PortalPublisher
from photobooth.publishers.x import XPublisher
from photobooth.tests import picamera2_standin
from photobooth.tests.bluesky_standin import StandInPDS, serve
from photobooth.tests.test_bluesky import bluesky
from photobooth.tests.test_social import MASTODON, X_KEYS, mastodon_instance

LOGO = Image.new("RGBA", (50, 60), (0, 200, 0, 255))
SETTINGS = {"language": "en", "jam_title": "Live Jam", "caption_template": "{jam}"}


def config(tmp_path, extra=""):
    return parse(
        f'[booth]\nfolder = "{tmp_path}"\ntargets = ["portal", "x", "mastodon", "bluesky"]\n'
        '[camera]\nkind = "fake"\n[gpio]\nenabled = false\n[mastodon]\ninstance = "https://mastodon.example"\n'
        f'[bluesky]\nhandle = "ourjam.bsky.social"\n[boomerang]\nenabled = true\nframes = 5\nseconds = 1\n{extra}'
    )


def press_and_wait(booth):
    booth.press("short", now=0)
    booth.tick(now=3)
    booth.tick(now=8)


def frames_of(path) -> list:
    with Image.open(path) as image:
        return [frame.convert("RGB") for frame in ImageSequence.Iterator(image)]


def bar_position(frame) -> int:
    """Where the fake camera's red bar is (its leftmost column), in the frame's middle row."""
    row = frame.height // 2
    return next(x for x in range(frame.width) if frame.getpixel((x, row))[0] > 180 > frame.getpixel((x, row))[1] + 60)


@pytest.fixture
def booth_with_one_boomerang(tmp_path):
    """A booth in boomerang mode that took one, released to every target."""
    camera = FakeCamera((1280, 720), preview_box=(640, 360))
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        booth = make_booth(config(tmp_path), SETTINGS, camera, outbox, LOGO)
        press_and_wait(booth)
        yield booth, outbox


# --- The burst and the loop ---


def test_boomerang_settings_are_read_and_checked():
    good = parse("[boomerang]\nenabled = true\nframes = 12\nseconds = 2.5")
    assert (good.boomerang, good.boomerang_frames, good.boomerang_seconds) == (True, 12, 2.5)
    assert parse("").boomerang is False
    with pytest.raises(ConfigError) as error:
        parse('[boomerang]\nenabled = "yes"\nframes = 100\nseconds = 9')
    assert error.value.problems == [
        '[boomerang] enabled: must be true or false, not "yes".',
        "[boomerang] frames: must be a whole number of frames from 4 to 30, not 100.",
        "[boomerang] seconds: must be a number from 0.5 to 4, not 9.",
    ]


def test_boomerang_loop_plays_forward_then_backward_without_repeating_the_ends():
    assert boomerang.loop([1, 2, 3, 4, 5]) == [1, 2, 3, 4, 5, 4, 3, 2]


def test_booth_in_boomerang_mode_saves_the_burst_branded_and_looped(booth_with_one_boomerang):
    booth, outbox = booth_with_one_boomerang

    [job] = outbox.due(now=1e12)[:1]
    frames = frames_of(job.photo)

    assert (booth.state, job.photo.suffix) == (IDLE, ".webp")
    assert len(frames) == 8  # 5 forward, 3 back
    assert frames[0].size == (640, 360)  # the live view's size
    positions = [bar_position(frame) for frame in frames]
    assert positions == sorted(positions[:5]) + sorted(positions[1:4], reverse=True)
    assert len(set(positions[:5])) == 5  # every frame of the burst is its own
    # The same logo (top right) and caption (a dark band at the bottom) on every frame.
    left, top, right, bottom = booth.last_photo[1].info["logo_box"]
    for frame in frames:
        green = frame.getpixel(((left + right) // 2, (top + bottom) // 2))
        assert green[1] > 150
        assert green[0] < 80
        assert max(frame.getpixel((x, 336))[0] for x in range(17, 20)) < 140  # the caption's shade on white


def test_booth_in_boomerang_mode_shows_its_first_frame_during_consent(tmp_path):
    saved = []
    booth = Booth(
        camera=FakeCamera((64, 36), preview_box=(64, 36)),
        brand=lambda image, caption, language: image,
        save=lambda frames, caption, language: saved.append(frames) or "boomerang.webp",
        enqueue=lambda path, caption, language: None,
        caption=lambda language: "Hi",
        languages=["en"],
        burst=lambda: FakeCamera((64, 36), preview_box=(64, 36)).burst(4, 1),
    )
    booth.press("short", now=0)
    booth.tick(now=3)

    assert booth.state == CONSENT
    assert len(saved[0]) == 6
    assert booth.last_photo == ("boomerang.webp", saved[0][0])


def test_booth_screen_plays_the_boomerang_during_consent(tmp_path):
    booth = Booth(
        camera=FakeCamera((64, 36), preview_box=(64, 36)),
        brand=lambda image, caption, language: image,
        save=lambda frames, caption, language: "boomerang.webp",
        enqueue=lambda path, caption, language: None,
        caption=lambda language: "Hi",
        languages=["en"],
        burst=lambda: ["a", "b", "c", "d"],
        loop_frame_s=0.25,
    )
    booth.press("short", now=0)
    booth.tick(now=3)

    shown = [booth.shown(now=3 + step * 0.25) for step in range(8)]

    assert shown == ["a", "b", "c", "d", "c", "b", "a", "b"]


def test_picamera2_burst_takes_frames_of_the_live_view_evenly_over_the_seconds():
    with picamera2_standin.installed(model="imx708") as rig:
        camera = open_camera("picamera2", preview_box=(1280, 800), rotation=90)
        now, slept = [0.0], []

        def sleep(seconds):
            slept.append(round(seconds, 3))
            now[0] += seconds

        before = rig.frames
        frames = camera.burst(4, 2.0, sleep=sleep, clock=lambda: now[0])
        camera.close()

    assert rig.frames - before == 4
    assert slept == [0.5, 0.5, 0.5]
    assert {frame.size for frame in frames} == {(450, 800)}  # the live view's size, turned upright
    assert not any(call[0] == "switch_mode_and_capture_image" for call in rig.calls)


# --- Each target gets what it takes ---


def sent_files(request) -> dict:
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = BytesParser().parsebytes(head + request.body)
    return {
        part.get_param("name", header="content-disposition"): (part.get_content_type(), part.get_payload(decode=True))
        for part in message.get_payload()
        if part.get_filename()
    }


def job_for(outbox, target):
    return next(job for job in outbox.due(now=1e12) if job.target == target)


def animated(data, kind):
    with Image.open(io.BytesIO(data)) as image:
        return image.format == kind and image.n_frames


@responses.activate
def test_portal_that_takes_boomerangs_gets_the_animated_webp(booth_with_one_boomerang):
    _booth, outbox = booth_with_one_boomerang
    post = responses.post("https://jams.example.org/api/booth/photos", json={"id": 7}, status=201)
    portal = PortalPublisher("https://jams.example.org", "jpb_token")
    portal.use_limits(
        {
            "photo_max_bytes": 25_000_000,
            "photo_max_pixels": 40_000_000,
            "photo_max_frames": 100,
            "photo_max_animation_pixels": 60_000_000,
        }
    )

    assert publish_due(outbox, {"portal": portal}, now=1e12) == (1, 0)

    kind, data = sent_files(post.calls[0].request)["image"]
    assert (kind, animated(data, "WEBP")) == ("image/webp", 8)


@responses.activate
def test_portal_that_does_not_say_it_takes_boomerangs_gets_the_first_frame(booth_with_one_boomerang):
    _booth, outbox = booth_with_one_boomerang
    post = responses.post("https://jams.example.org/api/booth/photos", json={"id": 7}, status=201)
    portal = PortalPublisher("https://jams.example.org", "jpb_token")
    portal.use_limits({"photo_max_bytes": 25_000_000, "photo_max_pixels": 40_000_000})

    publish_due(outbox, {"portal": portal}, now=1e12)

    kind, data = sent_files(post.calls[0].request)["image"]
    assert (kind, Image.open(io.BytesIO(data)).format) == ("image/jpeg", "JPEG")


@responses.activate
def test_x_gets_the_boomerang_as_an_animated_gif_through_the_chunked_upload(booth_with_one_boomerang):
    _booth, outbox = booth_with_one_boomerang
    upload = responses.post("https://api.x.com/2/media/upload", json={"data": {"id": "77"}})
    responses.post("https://api.x.com/2/media/metadata", json={"data": {"id": "77"}})
    post = responses.post("https://api.twitter.com/2/tweets", json={"data": {"id": "1900", "text": "..."}}, status=201)
    publisher = XPublisher(X_KEYS, sleep=lambda seconds: None)

    assert publish_due(outbox, {"x": publisher}, now=1e12) == (1, 0)

    init, append, finalize = (call.request for call in upload.calls)
    _kind, gif = sent_files(append)["media"]
    assert parse_qs(init.body) == {
        "command": ["INIT"],
        "media_type": ["image/gif"],
        "total_bytes": [str(len(gif))],
        "media_category": ["tweet_gif"],
    }
    assert animated(gif, "GIF") == 8
    assert max(Image.open(io.BytesIO(gif)).size) <= 1280
    assert parse_qs(finalize.body) == {"command": ["FINALIZE"], "media_id": ["77"]}
    assert json.loads(post.calls[0].request.body)["media"] == {"media_ids": ["77"]}


@responses.activate
def test_x_waits_for_the_gif_to_be_processed_before_posting(booth_with_one_boomerang):
    _booth, outbox = booth_with_one_boomerang
    responses.post("https://api.x.com/2/media/upload", json={"data": {"id": "77"}})
    responses.post("https://api.x.com/2/media/upload", json={"data": {"id": "77"}})
    responses.post(
        "https://api.x.com/2/media/upload",
        json={"data": {"id": "77", "processing_info": {"state": "pending", "check_after_secs": 2}}},
    )
    status = responses.get(
        "https://api.x.com/2/media/upload",
        json={"data": {"id": "77", "processing_info": {"state": "succeeded"}}},
    )
    responses.post("https://api.x.com/2/media/metadata", json={"data": {"id": "77"}})
    post = responses.post("https://api.twitter.com/2/tweets", json={"data": {"id": "1900", "text": "..."}}, status=201)
    slept = []

    assert publish_due(outbox, {"x": XPublisher(X_KEYS, sleep=slept.append)}, now=1e12) == (1, 0)

    assert slept == [2]
    assert parse_qs(status.calls[0].request.url.split("?")[1]) == {"command": ["STATUS"], "media_id": ["77"]}
    assert len(post.calls) == 1


@responses.activate
def test_mastodon_gets_the_boomerang_as_an_animated_gif(booth_with_one_boomerang):
    _booth, outbox = booth_with_one_boomerang
    mastodon_instance(responses)
    media = responses.post(
        "https://mastodon.example/api/v2/media",
        json={"id": "109", "type": "gifv", "url": "https://files.example/1.mp4"},
    )
    responses.post("https://mastodon.example/api/v1/statuses", json={"id": "1107", "media_attachments": []})

    assert publish_due(outbox, {"mastodon": MastodonPublisher(MASTODON)}, now=1e12) == (1, 0)

    kind, data = sent_files(media.calls[0].request)["file"]
    assert (kind, animated(data, "GIF")) == ("image/gif", 8)


def test_bluesky_gets_the_boomerangs_first_frame_as_a_still(booth_with_one_boomerang):
    _booth, outbox = booth_with_one_boomerang
    pds = StandInPDS()
    with serve(pds) as service:
        assert publish_due(outbox, {"bluesky": bluesky(service)}, now=1e12) == (1, 0)

    [post] = pds.posts
    [image] = post["embed"]["images"]
    still = Image.open(io.BytesIO(pds.blob(image["image"]["ref"]["$link"])))
    assert (image["image"]["mimeType"], still.format, still.size) == ("image/jpeg", "JPEG", (640, 360))
    first = frames_of(job_for_path(outbox, "bluesky"))[0]
    assert abs(bar_position(still.convert("RGB")) - bar_position(first)) <= 2


def job_for_path(outbox, target):
    return next(state.photo for state in outbox.jobs() if state.target == target)
