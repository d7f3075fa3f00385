"""The booth API with real uploads, the gallery, the wall, reports and moderation."""

import importlib
import io
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone as django_timezone
from django.utils import translation
from PIL import Image

from jamportal.cldr import formats as cldr_formats
from jamportal.feed import services
from jamportal.feed.models import Booth, FeedSettings, Photo, PhotoReport
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = Photo.Status
API = "/api/booth"


def jpeg(size=(640, 480), color=(200, 30, 70), gps=False) -> bytes:
    image = Image.new("RGB", size, color)
    exif = Image.Exif()
    if gps:
        exif[0x010F] = "Raspberry Pi"  # Make
        exif[0x8825] = {1: "N", 2: (52.0, 12.0, 0.0), 3: "E", 4: (0.0, 7.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def png(size=(320, 240)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (20, 120, 60, 255)).save(buffer, "PNG")
    return buffer.getvalue()


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.fixture
def jam():
    """A Jam under way (its page shows the booth's photos from its start)."""
    start = django_timezone.now() - timedelta(hours=1)
    return JamFactory(title="Booth Jam", campaign=CampaignFactory(hashtag="#PiParty"), start=start,
                      end=start + timedelta(hours=6))  # fmt: skip


@pytest.fixture
def booth(jam):
    return services.booth_create(jam, by=jam.organiser, name="Front door")


def post(client, token, *, data=b"", name="photo.jpg", key="key-1", worker=True, **fields):
    """Post a photo as a booth; unless `worker` is false, the worker's task (eager
    here) runs as the upload commits."""
    payload = {
        "image": SimpleUploadedFile(name, data or jpeg(), content_type="image/jpeg"),
        "idempotency_key": key,
        "taken_at": "2031-03-01T10:00:00+00:00",
        "caption": "Birthday Jam, Booth Jam, 1 March",
        "language": "en",
        **fields,
    }
    with TestCase.captureOnCommitCallbacks(execute=worker):
        return client.post(f"{API}/photos", payload, headers={"authorization": f"Bearer {token}"})


# Pairing


def test_booth_token_is_shown_once_and_stored_hashed(client, jam):
    client.force_login(jam.organiser)

    page = client.post(en("feed:booths", jam.slug), {"action": "booth", "name": "Lobby"}).content.decode()

    booth = Booth.objects.get()
    token = page.split('<code class="token-text">')[1].split("</code>")[0]
    assert token.startswith("jpb_")
    assert token not in booth.token_hash
    assert "<svg" in page  # the QR code of the token
    assert token not in client.get(en("feed:booths", jam.slug)).content.decode()
    assert services.booth_authenticate(token) == booth


def test_only_the_organiser_pairs_and_revokes_booths(client, booth):
    booth_, _token = booth
    client.force_login(UserFactory())

    assert client.get(en("feed:booths", booth_.jam.slug)).status_code == 404
    assert client.post(en("feed:revoke", booth_.pk)).status_code == 404
    booth_.refresh_from_db()
    assert booth_.revoked_at is None


# The feed settings: the caption template

NOT_FILLED = "The caption cannot fill in “%s”: use only {campaign}, {jam} and {date}, with nothing else in the braces."
UNCLOSED = "A brace is not closed: write {campaign}, {jam} or {date}, and {{ or }} for a brace itself."


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{jam:>1500000000}", NOT_FILLED % "{jam:>1500000000}"),
        ("Hello {jam.nope}", NOT_FILLED % "{jam.nope}"),
        ("{jam[0]}", NOT_FILLED % "{jam[0]}"),
        ("{date!r}", NOT_FILLED % "{date!r}"),
        ("{jam:{date}}", NOT_FILLED % "{jam:{date}}"),
        ("{0} {}", NOT_FILLED % "{0}"),
        ("{venue}", NOT_FILLED % "{venue}"),
        ("{jam", UNCLOSED),
        ("jam}", UNCLOSED),
    ],
)
def test_caption_template_beyond_the_three_names_is_refused_and_kept(client, jam, template, message):
    client.force_login(jam.organiser)

    response = client.post(
        en("feed:booths", jam.slug), {"action": "settings", "hashtag": "#Mine", "caption_template": template}
    )

    assert response.status_code == 200
    assert response.context["settings_form"].errors == {"caption_template": [message]}
    assert response.context["settings_form"]["caption_template"].value() == template
    assert services.feed_settings_for(jam).caption_template == "{campaign}, {jam}, {date}"


@pytest.mark.parametrize("template", ["{jam} ❤ {campaign}, {date}", "{{PiParty}} {jam:}", "Just words"])
def test_caption_template_with_the_three_names_is_saved(client, jam, template):
    client.force_login(jam.organiser)

    client.post(en("feed:booths", jam.slug), {"action": "settings", "hashtag": "", "caption_template": template})

    assert services.feed_settings_for(jam).caption_template == template


def test_feed_settings_save_refuses_a_hostile_caption_template_from_any_caller(jam):
    data = {"approve_first": False, "hashtag": "", "caption_template": "{jam:>1500000000}"}

    with pytest.raises(ValidationError) as refused:
        services.feed_settings_save(jam, by=jam.organiser, data=data)

    assert refused.value.message_dict == {"caption_template": [NOT_FILLED % "{jam:>1500000000}"]}
    assert services.feed_settings_for(jam).caption_template == "{campaign}, {jam}, {date}"


def test_caption_templates_saved_before_the_rule_go_back_to_the_default(jam):
    other = JamFactory()
    FeedSettings.objects.create(jam=jam, caption_template="{jam:>1500000000}")
    FeedSettings.objects.create(jam=other, caption_template="{jam} ❤")
    migration = importlib.import_module("jamportal.feed.migrations.0004_caption_template_fields")

    migration.reset_unreadable_templates(django_apps, None)

    assert dict(FeedSettings.objects.values_list("jam__title", "caption_template")) == {
        "Booth Jam": "{campaign}, {jam}, {date}",
        other.title: "{jam} ❤",
    }


# The booth API


def test_config_tells_the_booth_about_its_jam(client, booth):
    booth_, token = booth

    response = client.get(f"{API}/config", headers={"authorization": f"Bearer {token}"})

    body = response.json()
    assert response.status_code == 200
    assert body["jam_title"] == "Booth Jam"
    assert body["hashtag"] == "#PiParty"
    assert body["caption_template"] == "{campaign}, {jam}, {date}"
    assert body["logo_svg_url"].endswith("/static/branding/birthday-jam.svg")
    assert (body["photo_max_bytes"], body["photo_max_pixels"]) == (25_000_000, 40_000_000)  # so the booth fits to them
    booth_.refresh_from_db()
    assert booth_.last_seen_at is not None


def test_upload_stores_a_clean_jpeg_and_makes_sizes(client, booth, django_capture_on_commit_callbacks):
    _booth, token = booth

    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, token, data=jpeg(size=(4608, 2592), gps=True))

    photo = Photo.objects.get()
    assert response.status_code == 201
    assert response.json() == {
        "id": photo.pk,
        "url": f"https://jams.example{photo.jam.get_absolute_url()}#photo-{photo.pk}",
        "status": "visible",
    }
    with photo.image.open("rb") as stored:
        image = Image.open(stored)
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
        assert image.size == (2304, 1296)  # the booth keeps the full frame; the portal a half-scale copy
    photo.refresh_from_db()
    assert (photo.width, photo.height) == (2304, 1296)
    assert photo.thumbnail
    assert photo.web
    with photo.thumbnail.open("rb") as thumbnail:
        assert max(Image.open(thumbnail).size) == 480


@pytest.mark.parametrize("size", [(1200, 1600), (2048, 1536), (640, 480)])
def test_smaller_and_upright_photos_keep_their_size(client, booth, size):
    _booth, token = booth

    post(client, token, data=jpeg(size=size))

    assert (Photo.objects.get().width, Photo.objects.get().height) == size


def test_png_is_accepted_and_re_encoded(client, booth):
    _booth, token = booth

    response = post(client, token, data=png(), name="photo.png")

    assert response.status_code == 201
    with Photo.objects.get().image.open("rb") as stored:
        assert Image.open(stored).format == "JPEG"


def test_same_idempotency_key_stores_one_photo_and_answers_the_same(client, booth):
    _booth, token = booth

    first = post(client, token, key="abc")
    again = post(client, token, key="abc", caption="a retry")

    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert Photo.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "name", "status", "code"),
    [
        (b"this is not a photo at all", "photo.jpg", 415, "not_an_image"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 100, "broken.jpg", 415, "not_an_image"),
        (None, "bomb.png", 413, "too_large"),
        (b"\x00" * 50_000_000, "huge.jpg", 413, "too_large"),
    ],
)
def test_bad_files_are_refused_with_a_clear_code(client, booth, data, name, status, code):
    _booth, token = booth
    if data is None:  # a decompression bomb: tiny file, 100 million pixels
        buffer = io.BytesIO()
        Image.new("1", (10_000, 10_000)).save(buffer, "PNG")
        data = buffer.getvalue()

    response = post(client, token, data=data, name=name)

    assert response.status_code == status
    assert response.json()["error"] == code
    assert response.json()["message"]
    assert not Photo.objects.exists()


@pytest.mark.parametrize("token", ["", "nonsense", "jpb_not-a-real-token"])
def test_unknown_tokens_get_401(client, booth, token):
    response = post(client, token)

    assert response.status_code == 401
    assert response.json() == {"error": "unauthorised", "message": "This booth token is unknown or has been revoked."}


def test_revoked_booth_gets_401(client, booth):
    booth_, token = booth
    services.booth_revoke(booth_, by=booth_.jam.organiser)

    assert post(client, token).status_code == 401
    assert not Photo.objects.exists()


def test_a_token_only_posts_to_its_own_jam(client, booth):
    _booth, _token = booth
    other = JamFactory(title="Other Jam")
    _other_booth, other_token = services.booth_create(other, by=other.organiser, name="Theirs")

    post(client, other_token, key="x")

    assert list(Photo.objects.values_list("jam__title", flat=True)) == ["Other Jam"]


def test_missing_or_bad_fields_get_422(client, booth):
    _booth, token = booth

    missing = client.post(
        f"{API}/photos",
        {"image": SimpleUploadedFile("a.jpg", jpeg(), content_type="image/jpeg")},
        headers={"authorization": f"Bearer {token}"},
    )
    naive = post(client, token, taken_at="2031-03-01T10:00:00")
    garbled = post(client, token, taken_at="yesterday")

    assert missing.status_code == 422
    assert missing.json()["error"] == "invalid"
    assert "idempotency_key" in missing.json()["message"]
    assert (naive.status_code, garbled.status_code) == (422, 422)


def test_too_many_uploads_get_429(client, booth, settings):
    settings.PHOTO_UPLOADS_PER_MINUTE = 2
    _booth, token = booth

    statuses = [post(client, token, key=f"k{i}").status_code for i in range(3)]

    assert statuses == [201, 201, 429]
    assert Photo.objects.count() == 2


def test_openapi_schema_documents_the_api(client):
    schema = client.get(f"{API}/openapi.json").json()

    assert set(schema["paths"]) == {"/api/booth/config", "/api/booth/heartbeat", "/api/booth/photos"}
    assert set(schema["paths"]["/api/booth/photos"]["post"]["responses"]) == {
        "201",
        "400",
        "401",
        "413",
        "415",
        "422",
        "429",
    }
    assert set(schema["paths"]["/api/booth/heartbeat"]["post"]["responses"]) == {"204", "400", "401", "422"}


@pytest.mark.parametrize("body", [{"backlog": -1}, {"backlog": "many"}, {}])
def test_a_heartbeat_with_a_wrong_backlog_is_refused_and_changes_nothing(client, booth, body):
    booth_, token = booth

    response = client.post(
        f"{API}/heartbeat", body, content_type="application/json", headers={"authorization": f"Bearer {token}"}
    )

    assert response.status_code == 422
    assert response.json()["error"] == "invalid"
    booth_.refresh_from_db()
    assert booth_.backlog is None


def test_a_heartbeat_needs_a_live_token(client):
    response = client.post(f"{API}/heartbeat", {"backlog": 1}, content_type="application/json")

    assert response.status_code == 401


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("get", "/photos", "POST"),
        ("put", "/heartbeat", "POST"),
        ("delete", "/config", "GET"),
        ("post", "/config", "GET"),
    ],
)
def test_wrong_methods_get_the_apis_json_405_with_allow(client, booth, method, path, allowed):
    _booth, token = booth

    response = getattr(client, method)(f"{API}{path}", headers={"authorization": f"Bearer {token}"})

    assert response.status_code == 405
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Allow"] == allowed
    assert response.json() == {
        "error": "method_not_allowed",
        "message": f"This address does not take {method.upper()}: use {allowed}.",
    }


@pytest.mark.parametrize("path", ["/nope", "/photos/", "/photos/1", "/", "/config/extra", "/openapi.json/x"])
@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_unknown_paths_get_the_apis_json_404(client, booth, method, path):
    _booth, token = booth

    response = getattr(client, method)(f"{API}{path}", headers={"authorization": f"Bearer {token}"})

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == {"error": "not_found", "message": "The booth API has nothing at this address."}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [("backlog=3", "application/x-www-form-urlencoded"), ('{"backlog": ', "application/json"), ("\xff", "text/plain")],
)
def test_a_heartbeat_body_that_is_not_json_gets_400_malformed(client, booth, body, content_type):
    booth_, token = booth

    response = client.post(
        f"{API}/heartbeat", body, content_type=content_type, headers={"authorization": f"Bearer {token}"}
    )

    assert response.status_code == 400
    assert response.json() == {"error": "malformed", "message": "The request body is not JSON we can read."}
    booth_.refresh_from_db()
    assert booth_.backlog is None


# The gallery, the wall, reports


def test_gallery_shows_visible_photos_newest_first(client, booth):
    booth_, token = booth
    post(client, token, key="1", caption="First")
    post(client, token, key="2", caption="Second", taken_at="2031-03-01T11:00:00+00:00")
    Photo.objects.create(jam=booth_.jam, idempotency_key="h", taken_at="2031-03-01T12:00:00Z", status=Status.HIDDEN)

    html = client.get(booth_.jam.get_absolute_url()).content.decode()
    feed = client.get(en("feed:photos-json", booth_.jam.slug)).json()["photos"]

    assert html.index("Second") < html.index("First")
    assert [photo["caption"] for photo in feed] == ["Second", "First"]
    assert feed[0]["report_url"] == f"/en/photos/{feed[0]['id']}/report/"
    newer = client.get(en("feed:photos-json", booth_.jam.slug), {"after": feed[1]["id"]}).json()["photos"]
    assert [photo["caption"] for photo in newer] == ["Second"]


def test_photos_wait_for_approval_when_the_organiser_asks(client, booth):
    booth_, token = booth
    services.feed_settings_save(
        booth_.jam,
        by=booth_.jam.organiser,
        data={"approve_first": True, "hashtag": "", "caption_template": "{jam}"},
    )

    post(client, token, caption="Waiting")
    photo = Photo.objects.get()
    hidden = client.get(booth_.jam.get_absolute_url()).content.decode()
    client.force_login(booth_.jam.organiser)
    client.post(en("feed:action", photo.pk), {"action": "approve"})

    assert "Waiting" not in hidden
    photo.refresh_from_db()
    assert photo.status == Status.VISIBLE


def test_report_hides_the_photo_until_a_moderator_decides(client, booth):
    booth_, token = booth
    post(client, token, caption="Me, unhappy")
    photo = Photo.objects.get()

    client.post(en("feed:report", photo.pk), {"reason": "I am in it and did not agree."})
    after_report = client.get(booth_.jam.get_absolute_url()).content.decode()
    moderator = UserFactory(is_staff=True)
    moderator.user_permissions.add(Permission.objects.get(codename="moderate_photo"))
    client.force_login(moderator)
    queue = client.get(en("feed:moderation")).content.decode()
    client.post(en("feed:action", photo.pk), {"action": "delete", "confirmed": "yes"})

    assert "Me, unhappy" not in after_report
    assert "I am in it and did not agree." in queue
    assert Photo.objects.get().status == Status.DELETED


def test_only_the_organiser_or_a_moderator_manages_photos(client, booth):
    booth_, token = booth
    post(client, token)
    photo = Photo.objects.get()

    client.force_login(UserFactory())
    other = client.post(en("feed:action", photo.pk), {"action": "hide"})
    client.force_login(UserFactory(is_staff=True))
    staff_without_permission = client.get(en("feed:moderation"))
    client.force_login(booth_.jam.organiser)
    client.post(en("feed:action", photo.pk), {"action": "hide"})

    assert other.status_code == 404
    assert staff_without_permission.status_code == 403
    photo.refresh_from_db()
    assert photo.status == Status.HIDDEN


def test_a_photos_time_is_in_its_jams_timezone_like_the_jams_own_times(client, booth):
    """Found by an outsider: the Paris Jam's photo said 4:15 p.m. (UTC) at 5:15 p.m. Paris time."""
    booth_, token = booth
    Jam.objects.filter(pk=booth_.jam.pk).update(timezone="Europe/Paris")
    taken = (django_timezone.now() - timedelta(hours=1)).replace(second=0, microsecond=0)
    post(client, token, caption="In Paris", taken_at=taken.isoformat())
    with translation.override("en"):
        in_paris = cldr_formats.format_datetime(taken.astimezone(ZoneInfo("Europe/Paris")))
        in_utc = cldr_formats.format_datetime(taken.astimezone(UTC))

    html = client.get(booth_.jam.get_absolute_url()).content.decode()
    gallery = client.get(en("feed:photos", booth_.jam.slug)).content.decode()
    [photo] = client.get(en("feed:photos-json", booth_.jam.slug)).json()["photos"]

    assert in_paris != in_utc
    assert f">{in_paris}</time>" in html
    assert f">{in_paris}</time>" in gallery
    assert photo["taken_at_text"] == in_paris
    assert f">{in_utc}</time>" not in html + gallery


def test_campaign_wall_shows_every_jams_photos(client, booth):
    booth_, token = booth
    other = JamFactory(title="Second Jam", campaign=booth_.jam.campaign)
    _b, other_token = services.booth_create(other, by=other.organiser, name="B")
    post(client, token, caption="From the first")
    post(client, other_token, caption="From the second")

    html = client.get(en("feed:wall", booth_.jam.campaign.slug)).content.decode()
    live = client.get(en("feed:wall-json", booth_.jam.campaign.slug)).json()["photos"]

    assert "From the first" in html
    assert "From the second" in html
    assert [photo["jam"] for photo in live] == ["Second Jam", "Booth Jam"]


@pytest.mark.parametrize("name", ["feed:photos", "feed:photos-json", "feed:wall", "feed:wall-json"])
def test_gallery_and_wall_query_counts_do_not_grow_with_photos(client, booth, name, assert_constant_queries):
    booth_, token = booth
    argument = booth_.jam.campaign.slug if "wall" in name else booth_.jam.slug
    post(client, token, key="a")

    assert_constant_queries(en(name, argument), lambda: [post(client, token, key=key) for key in "bc"])


@pytest.mark.parametrize(
    "taken_at",
    ["1970-01-01T00:00:10+00:00", "1635-06-02T23:33:52.8-18:20", "2999-01-01T00:00:00+00:00"],
)
def test_a_booth_clock_that_cannot_be_right_does_not_lose_the_photo(client, booth, taken_at):
    _booth, token = booth

    response = post(client, token, taken_at=taken_at)

    assert response.status_code == 201
    photo = Photo.objects.get()
    assert abs((photo.taken_at - photo.created_at).total_seconds()) < 60


def upload_by_service(booth_, *, taken_at, key="k"):
    """A photo stored as any caller of the service would, not through the booth API."""
    return services.photo_upload(
        booth_,
        upload=SimpleUploadedFile("a.jpg", jpeg(), content_type="image/jpeg"),
        caption="Cake",
        language="en",
        taken_at=taken_at,
        idempotency_key=key,
    )


@pytest.mark.parametrize(
    ("taken_at", "kept"),
    [
        (datetime(1970, 1, 1, 0, 0, 10, tzinfo=UTC), False),  # a Pi that has not found a time server
        (datetime(2012, 2, 28, 23, 59, tzinfo=UTC), False),  # before the first Raspberry Pi
        (datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=5))), False),  # before year 1 in UTC
        (datetime(2999, 1, 1, tzinfo=UTC), False),  # far ahead
        (datetime(2031, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=-3))), True),
    ],
)
def test_the_service_replaces_a_booth_time_that_cannot_be_right_for_every_caller(booth, taken_at, kept, settings):
    settings.PHOTO_UPLOADS_PER_MINUTE = 100
    booth_, _token = booth
    now = django_timezone.now()
    if kept:
        taken_at = now.astimezone(taken_at.tzinfo) - timedelta(minutes=5)  # a right clock, in the booth's zone

    photo, _created = upload_by_service(booth_, taken_at=taken_at)

    photo.refresh_from_db()
    assert photo.taken_at.tzinfo == UTC
    if kept:
        assert photo.taken_at == taken_at
    else:
        assert now <= photo.taken_at <= django_timezone.now()


def test_the_service_refuses_a_time_without_a_timezone(booth):
    booth_, _token = booth

    with pytest.raises(ValidationError) as refused:
        upload_by_service(booth_, taken_at=datetime(2031, 3, 1, 10, 0))

    assert list(refused.value.message_dict) == ["taken_at"]
    assert not Photo.objects.exists()


def test_the_service_limits_each_booths_uploads_a_minute_for_every_caller(booth, settings):
    settings.PHOTO_UPLOADS_PER_MINUTE = 2
    booth_, _token = booth
    when = django_timezone.now()

    upload_by_service(booth_, taken_at=when, key="a")
    upload_by_service(booth_, taken_at=when, key="b")
    with pytest.raises(services.PhotoRejected) as limited:
        upload_by_service(booth_, taken_at=when, key="c")

    assert limited.value.code == "rate_limited"
    assert sorted(Photo.objects.values_list("idempotency_key", flat=True)) == ["a", "b"]


def test_nul_characters_are_refused_not_crashed_on(client, booth):
    _booth, token = booth

    response = post(client, token, caption="a\x00b")

    assert response.status_code == 422
    assert response.json()["error"] == "invalid"


ONE_LINE_TEXT = "Write this on one line, without line breaks, tabs or other control characters."
NO_CONTROL = "Remove the control characters (invisible codes such as escape or bell); line breaks are fine."


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"caption": "Den\x07ver"}, "caption"),
        ({"alt_text": "Two\nlines"}, "alt_text"),
        ({"language": "en\x1b"}, "language"),
        ({"key": "key\u2028one"}, "idempotency_key"),
        ({"caption": "a\x00b", "alt_text": "\x85"}, "alt_text, caption"),
    ],
)
def test_control_characters_in_photo_fields_get_422_naming_them(client, booth, fields, named):
    _booth, token = booth

    response = post(client, token, **fields)

    assert response.status_code == 422
    assert response.json() == {
        "error": "invalid",
        "message": f"These fields hold line breaks or other control characters: {named}.",
    }
    assert not Photo.objects.exists()


def test_control_character_refusal_speaks_the_booths_language(client, booth):
    _booth, token = booth
    payload = {
        "image": SimpleUploadedFile("photo.jpg", jpeg(), content_type="image/jpeg"),
        "idempotency_key": "key-1",
        "taken_at": "2031-03-01T10:00:00+00:00",
        "caption": "Den\x07ver",
    }

    response = client.post(
        f"{API}/photos", payload, headers={"authorization": f"Bearer {token}", "accept-language": "de"}
    )

    assert response.json()["message"] == "Diese Felder enthalten Zeilenumbrüche oder andere Steuerzeichen: caption."


def test_booth_and_photo_services_refuse_control_characters_from_any_caller(jam):
    booth_, _token = services.booth_create(jam, by=jam.organiser, name="Front door")

    with pytest.raises(ValidationError) as named:
        services.booth_create(jam, by=jam.organiser, name="Front\x07door")
    with pytest.raises(ValidationError) as captioned:
        services.photo_upload(
            booth_,
            upload=SimpleUploadedFile("a.jpg", jpeg(), content_type="image/jpeg"),
            caption="Den\x07ver",
            language="en",
            taken_at=booth_.created_at,
            idempotency_key="k",
        )
    with pytest.raises(ValidationError) as tagged:
        services.feed_settings_save(
            jam, by=jam.organiser, data={"approve_first": False, "hashtag": "#Pi\x1b", "caption_template": "{jam}"}
        )

    assert named.value.message_dict == {"name": [ONE_LINE_TEXT]}
    assert captioned.value.message_dict == {"caption": [ONE_LINE_TEXT]}
    assert tagged.value.message_dict == {"hashtag": [ONE_LINE_TEXT]}
    assert list(Booth.objects.values_list("name", flat=True)) == ["Front door"]
    assert not Photo.objects.exists()


@pytest.mark.parametrize(
    ("form", "field", "value"),
    [
        ("booth", "name", "Front\x07door"),
        ("settings", "hashtag", "#Pi\tParty"),
        ("settings", "caption_template", "{jam}\r\n{date}"),
    ],
)
def test_booth_page_forms_refuse_control_characters_and_keep_them(client, jam, form, field, value):
    client.force_login(jam.organiser)
    data = {"action": form, "name": "Lobby", "hashtag": "#Mine", "caption_template": "{jam}", field: value}

    response = client.post(en("feed:booths", jam.slug), data)

    assert response.status_code == 200
    bound = response.context["booth_form" if form == "booth" else "settings_form"]
    assert bound.errors == {field: [ONE_LINE_TEXT]}
    assert bound[field].value() == value
    assert not Booth.objects.exists()
    assert services.feed_settings_for(jam).hashtag == "#PiParty"


def test_report_reasons_refuse_control_characters_but_keep_line_breaks(client, booth):
    _booth, token = booth
    post(client, token)
    photo = Photo.objects.get()

    with pytest.raises(ValidationError) as refused:
        services.photo_report(photo, reason="Not me\x07")
    services.photo_report(photo, reason="Not me.\r\n\tPlease remove it.")

    assert refused.value.message_dict == {"reason": [NO_CONTROL]}
    assert list(PhotoReport.objects.values_list("reason", flat=True)) == ["Not me.\r\n\tPlease remove it."]


def test_feed_text_saved_before_the_rule_loses_its_control_characters(client, booth):
    booth_, token = booth
    post(client, token, key="k1")
    post(client, token, key="k2")
    photo, second = Photo.objects.order_by("pk")
    Photo.objects.filter(pk=photo.pk).update(idempotency_key="k\x01")
    Photo.objects.filter(pk=second.pk).update(idempotency_key="k\x02")
    Booth.objects.filter(pk=booth_.pk).update(name="Front\x07door")
    FeedSettings.objects.filter(jam=booth_.jam).update(hashtag="#Pi\tParty", caption_template="{jam}\r\n{date}")
    Photo.objects.filter(pk=photo.pk).update(caption="Den\x07ver", alt_text="Two\nlines", language="en\x1b")
    PhotoReport.objects.create(photo=photo, reason="Not me\x07\nplease")
    migration = importlib.import_module("jamportal.feed.migrations.0006_typed_text_without_control_characters")

    migration.clean_typed_text(django_apps, None)

    booth_.refresh_from_db()
    photo.refresh_from_db()
    feed_settings = FeedSettings.objects.get()
    assert booth_.name == "Front door"
    assert (feed_settings.hashtag, feed_settings.caption_template) == ("#Pi Party", "{jam} {date}")
    assert (photo.caption, photo.alt_text, photo.language) == ("Den ver", "Two lines", "en")
    assert sorted(Photo.objects.values_list("idempotency_key", flat=True)) == ["k", f"k {second.pk}"]
    assert PhotoReport.objects.get().reason == "Not me\nplease"


@pytest.mark.parametrize("after", ["abc", "-1", "1e9999"])
def test_live_updates_explain_a_bad_after_parameter(client, booth, after):
    booth_, _token = booth

    gallery = client.get(en("feed:photos-json", booth_.jam.slug), {"after": after})
    wall = client.get(en("feed:wall-json", booth_.jam.campaign.slug), {"after": after})

    for response in (gallery, wall):
        assert response.status_code == 400
        assert list(response.json()["parameters"]) == ["after"]


def test_a_report_from_a_bot_is_thanked_and_ignored(client, booth):
    _booth, token = booth
    post(client, token, caption="Still here")
    photo = Photo.objects.get()

    response = client.post(en("feed:report", photo.pk), {"reason": "spam spam", "website": "http://spam.example"})

    photo.refresh_from_db()
    assert response.status_code == 302
    assert photo.status == Photo.Status.VISIBLE
    assert not photo.reports.exists()


def test_reports_from_one_address_are_limited_and_the_text_is_kept(client, booth, settings):
    settings.PHOTO_REPORTS_PER_HOUR = 1
    _booth, token = booth
    post(client, token, key="a")
    post(client, token, key="b")
    first, second = Photo.objects.order_by("pk")

    client.post(en("feed:report", first.pk), {"reason": "Not me."})
    response = client.post(en("feed:report", second.pk), {"reason": "Please remove this one too."})

    second.refresh_from_db()
    assert response.status_code == 429
    assert "You have sent many reports in the last hour. Please try again later." in response.content.decode()
    assert "Please remove this one too." in response.content.decode()
    assert second.status == Photo.Status.VISIBLE


def test_photo_actions_never_send_people_to_another_site(client, booth):
    booth_, token = booth
    post(client, token)
    photo = Photo.objects.get()
    client.force_login(booth_.jam.organiser)

    outside = client.post(en("feed:action", photo.pk), {"action": "hide", "next": "https://evil.example/phish"})
    inside = client.post(en("feed:action", photo.pk), {"action": "show", "next": en("feed:photos", booth_.jam.slug)})

    assert outside["Location"] == booth_.jam.get_absolute_url()
    assert inside["Location"] == en("feed:photos", booth_.jam.slug)


@pytest.mark.parametrize("path", ["", "/", "/nope"])
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_other_methods_anywhere_in_the_api_get_its_json_even_with_csrf_checks(booth, method, path):
    """A real client meets the CSRF middleware (Django's test client skips it by
    default) and Django's add-a-slash redirect: neither may answer for the API."""
    _booth, token = booth
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)(f"{API}{path}", headers={"authorization": f"Bearer {token}"})

    assert response.status_code in (404, 405)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["error"] in ("not_found", "method_not_allowed")


@pytest.mark.parametrize("path", ["/docs", "/openapi.json"])
def test_the_api_documentation_is_never_a_csrf_refusal(path):
    response = Client(enforce_csrf_checks=True).post(f"{API}{path}")

    assert response.status_code == 200  # the documentation, whatever the method: it changes nothing


@pytest.mark.parametrize("language", ["a\u202eb", "en gb", "<b>", "x"])
def test_a_language_that_is_not_a_language_code_is_refused(client, booth, language):
    _booth, token = booth

    response = post(client, token, language=language)

    assert response.status_code == 422
    assert response.json() == {"error": "invalid", "message": "Some fields are missing or not valid: language."}
    assert not Photo.objects.exists()


@pytest.mark.parametrize("language", ["en", "pt-br", "pt_BR", "zh-Hant", ""])
def test_language_codes_as_booths_send_them_are_taken(client, booth, language):
    _booth, token = booth

    assert post(client, token, language=language).status_code == 201
