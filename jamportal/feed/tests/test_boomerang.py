"""Boomerangs on the portal: an animated upload checked, kept animated without its
metadata, and shown playing (a still and a Play button for less motion)."""

import io
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from PIL import Image, ImageSequence

from jamportal.feed import services
from jamportal.feed.models import Photo
from jamportal.feed.tests import test_feed
from jamportal.feed.tests.test_feed import API, en, post

jam, booth = test_feed.jam, test_feed.booth  # the booth API's fixtures

pytestmark = pytest.mark.django_db


def boomerang_webp(size=(640, 360), frames=8, *, exif=True) -> bytes:
    """A booth's boomerang: a bar moving across, forward then back, with EXIF and XMP that must not be kept."""
    pictures = []
    for number in [*range(frames // 2 + 1), *range(frames // 2 - 1, 0, -1)][:frames]:
        picture = Image.new("RGB", size, (240, 240, 240))
        left = number * size[0] // (frames // 2 + 1)
        picture.paste((200, 30, 70), (left, size[1] // 3, left + size[0] // 8, size[1] * 2 // 3))
        pictures.append(picture)
    options = {}
    if exif:
        gps = Image.Exif()
        gps[0x8825] = {1: "N", 2: (52.0, 12.0, 0.0)}
        options = {"exif": gps.tobytes(), "xmp": b"<x:xmpmeta>secret place</x:xmpmeta>"}
    buffer = io.BytesIO()
    pictures[0].save(
        buffer, "WEBP", save_all=True, append_images=pictures[1:], duration=150, loop=0, quality=80, **options
    )
    return buffer.getvalue()


def post_boomerang(client, token, data, *, key="b-1"):
    payload = {
        "image": SimpleUploadedFile("boomerang.webp", data, content_type="image/webp"),
        "idempotency_key": key,
        "taken_at": "2031-03-01T10:00:00+00:00",
        "caption": "Birthday Jam, Booth Jam",
        "language": "en",
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(f"{API}/photos", payload, headers={"authorization": f"Bearer {token}"})


def opened(field) -> tuple[str, int, dict, list]:
    """(format, frames, info, the frames) of a stored file."""
    with field.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        frames = [frame.convert("RGB") for frame in ImageSequence.Iterator(image)]
        return image.format, getattr(image, "n_frames", 1), dict(image.info), frames


def test_boomerang_upload_is_kept_animated_at_every_size_without_its_metadata(client, booth):
    _booth, token = booth

    response = post_boomerang(client, token, boomerang_webp())

    photo = Photo.objects.get()
    assert response.status_code == 201
    assert (photo.animated, photo.width, photo.height) == (True, 640, 360)
    for field, longest in ((photo.image, 640), (photo.web, 640), (photo.thumbnail, 480)):
        kind, frames, info, pictures = opened(field)
        assert (field.name.endswith(".webp"), kind, frames) == (True, "WEBP", 8)
        assert max(pictures[0].size) == longest
        assert "exif" not in info
        assert "xmp" not in info
        assert pictures[1].tobytes() != pictures[0].tobytes()  # it still moves
    kind, frames, _info, _pictures = opened(photo.still)
    assert (photo.still.name.endswith(".jpg"), kind, frames) == (True, "JPEG", 1)
    assert not photo.upload


def test_a_still_photo_is_not_animated_and_has_no_still(client, booth):
    _booth, token = booth
    post(client, token)

    photo = Photo.objects.get()
    assert (photo.animated, photo.still.name) == (False, "")
    assert photo.still_url == photo.web.url


def test_boomerang_with_too_many_frames_is_refused_with_the_limit(client, booth, settings):
    _booth, token = booth
    settings.PHOTO_MAX_FRAMES = 6

    response = post_boomerang(client, token, boomerang_webp(frames=8))

    assert (response.status_code, response.json()) == (
        413,
        {"error": "too_large", "message": "The animation has more than 6 frames."},
    )
    assert not Photo.objects.exists()


def test_boomerang_with_too_many_pixels_in_all_its_frames_is_refused(client, booth, settings):
    _booth, token = booth
    settings.PHOTO_MAX_ANIMATION_PIXELS = 2_000_000  # 8 frames of 640 x 360 are 1.8 million: 2 times that are not

    response = post_boomerang(client, token, boomerang_webp(size=(960, 540)))

    assert (response.status_code, response.json()) == (
        413,
        {"error": "too_large", "message": "The animation has more than 2 million pixels in all its frames."},
    )


def test_boomerang_cut_short_is_refused_as_not_an_image(client, booth):
    _booth, token = booth
    data = boomerang_webp()

    response = post_boomerang(client, token, data[: len(data) * 2 // 3])

    assert (response.status_code, response.json()["error"]) == (415, "not_an_image")
    assert not Photo.objects.exists()


def test_config_tells_the_booth_how_many_frames_the_portal_takes(client, booth):
    _booth, token = booth

    body = client.get(f"{API}/config", headers={"authorization": f"Bearer {token}"}).json()

    assert (body["photo_max_frames"], body["photo_max_animation_pixels"]) == (60, 60_000_000)


def test_gallery_and_wall_show_a_boomerang_with_a_still_for_less_motion(client, booth):
    booth_, token = booth
    post_boomerang(client, token, boomerang_webp())
    photo = Photo.objects.get()

    gallery = client.get(booth_.jam.get_absolute_url()).content.decode()
    wall = client.get(en("feed:wall", booth_.jam.campaign.slug)).content.decode()
    live = client.get(en("feed:photos-json", booth_.jam.slug)).json()["photos"]

    still = f'<source media="(prefers-reduced-motion: reduce)" srcset="{photo.still.url}">'
    assert f'<picture class="boomerang">{still}<img src="{photo.thumbnail.url}"' in gallery
    assert f'<picture class="boomerang">{still}<img src="{photo.display_url}"' in wall
    play = '<button type="button" class="secondary boomerang-play" aria-pressed="false">Play</button>'
    assert play in gallery
    assert play in wall
    assert live[0]["still"] == f"http://testserver{photo.still.url}"


def test_a_hidden_boomerangs_files_leave_the_public_storage_and_its_still_is_served_to_the_organiser(client, booth):
    booth_, token = booth
    post_boomerang(client, token, boomerang_webp())
    photo = Photo.objects.get()
    public_still = photo.still.path

    with TestCase.captureOnCommitCallbacks(execute=True):
        photo = services.photo_set_status(photo, Photo.Status.HIDDEN, by=booth_.jam.organiser)
    client.force_login(booth_.jam.organiser)
    web = client.get(photo.file_url("web"))
    still = client.get(photo.file_url("still"))

    assert not os.path.exists(public_still)
    assert (web.status_code, web["Content-Type"]) == (200, "image/webp")
    assert (still.status_code, still["Content-Type"]) == (200, "image/jpeg")


@pytest.mark.parametrize("name", ["feed:photos", "feed:photos-json", "feed:wall", "feed:wall-json"])
def test_gallery_and_wall_query_counts_do_not_grow_with_boomerangs(client, booth, name, assert_constant_queries):
    booth_, token = booth
    argument = booth_.jam.campaign.slug if "wall" in name else booth_.jam.slug
    post_boomerang(client, token, boomerang_webp(), key="a")

    assert_constant_queries(
        en(name, argument), lambda: [post_boomerang(client, token, boomerang_webp(), key=key) for key in "bc"]
    )


def test_a_boomerangs_take_home_download_is_the_animated_webp_it_is(client, booth):
    from django.urls import reverse

    from jamportal.feed.models import takehome_token

    _booth, token = booth
    post_boomerang(client, token, boomerang_webp(), key="b-home-portal")

    response = client.get(reverse("feed:takehome-download", args=[takehome_token("b-home-portal")]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["Content-Disposition"].endswith('.webp"')
    picture = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert (picture.format, picture.n_frames) == ("WEBP", 8)
