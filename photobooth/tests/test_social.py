"""X and Mastodon cannot run here: the exact HTTP requests our publishers send
are asserted with `responses`, and their answers are the APIs' documented shapes."""

import datetime
import email.policy
import functools
import io
import json
import time
from email.parser import BytesParser
from urllib.parse import parse_qs

import pytest
import responses
from babel.numbers import format_decimal
from PIL import Image
from responses import matchers

from photobooth import app, i18n
from photobooth.camera import FakeCamera
from photobooth.config import parse
from photobooth.outbox import Outbox, publish_due, save_photo
from photobooth.publishers import fit, post_tail
from photobooth.publishers.mastodon import MastodonPublisher, MastodonPublisherError
from photobooth.publishers.x import LIMIT, XError, XPublisher, x_length

DAY = datetime.date(2031, 3, 1)
LANGUAGES = ["en", *sorted(path.parent.parent.name for path in i18n.LOCALE_DIR.glob("*/LC_MESSAGES/photobooth.po"))]


def jpeg(size=(64, 48), **options) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (197, 26, 74)).save(buffer, "JPEG", **options)
    return buffer.getvalue()


@functools.cache
def noisy_12mp_jpeg() -> bytes:
    """A Camera Module 3 photo of a busy scene, as hard to compress: 12 MP, quality 90, about 8 MB."""
    size = (4608, 2592)
    noise = Image.merge("RGB", [Image.effect_noise(size, sigma) for sigma in (40, 50, 60)])
    picture = Image.blend(Image.linear_gradient("L").resize(size).convert("RGB"), noise, 0.75)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def uploaded_files(request) -> dict:
    """The files of a multipart/form-data request, by field name, as the server would read them."""
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = BytesParser(policy=email.policy.default).parsebytes(head + request.body)
    return {
        part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
        for part in message.iter_parts()
        if part.get_filename()
    }


JPEG = jpeg()
TAKEN = "2031-03-01T10:00:00+00:00"
X_KEYS = {"consumer_key": "ck", "consumer_secret": "cs", "access_token": "at", "access_token_secret": "ats"}
MASTODON = {"instance": "https://mastodon.example", "access_token": "secret-token"}
JAM_URL = "https://jams.example.org/en/jams/42/"


@pytest.fixture
def outbox(tmp_path):
    with Outbox(tmp_path / "outbox.sqlite3") as box:
        yield box


def queued_job(outbox, tmp_path, target, caption="Big Birthday Weekend, Cambridge Jam, 3 March", language="en"):
    path = save_photo(JPEG, tmp_path / "photos")
    outbox.enqueue(path, [target], caption=caption, language=language, taken_at=TAKEN, alt_text="Two people waving")
    [job] = outbox.due(now=1e12)
    return job


def test_post_tail_writes_each_hashtag_once_with_its_hash():
    assert post_tail(["#PiParty", "PiParty", " ", "RaspberryJam"], JAM_URL) == f"#PiParty #RaspberryJam {JAM_URL}"


def test_fit_shortens_the_caption_never_the_hashtags_or_link():
    caption = "Raspberry Jam Big Birthday Weekend " * 20
    text = fit(caption.strip(), post_tail(["#PiParty"], JAM_URL), limit=LIMIT, length=x_length)

    assert text.endswith(f"… #PiParty {JAM_URL}")
    assert x_length(text) <= LIMIT
    assert text.startswith("Raspberry Jam Big Birthday Weekend Raspberry")


def test_x_length_counts_links_as_23_and_japanese_as_two_but_persian_as_one():
    assert x_length("abc") == 3
    assert x_length("ラズベリー") == 10
    assert x_length(f"Hi {JAM_URL}") == 3 + 23
    assert x_length("سلام") == 4


# --- X ---------------------------------------------------------------------------------------


def x_api(rsps, *, post_id="1900000000000000001"):
    upload = rsps.post(
        "https://api.x.com/2/media/upload",
        json={"data": {"id": "710511363345354753", "media_key": "3_710511363345354753", "size": len(JPEG)}},
    )
    metadata = rsps.post(
        "https://api.x.com/2/media/metadata",
        json={"data": {"id": "710511363345354753", "associated_metadata": {"alt_text": {"text": "Two people waving"}}}},
        match=[
            matchers.json_params_matcher(
                {"id": "710511363345354753", "metadata": {"alt_text": {"text": "Two people waving"}}}
            )
        ],
    )
    post = rsps.post("https://api.twitter.com/2/tweets", json={"data": {"id": post_id, "text": "..."}}, status=201)
    return upload, metadata, post


@responses.activate
def test_x_uploads_through_v2_adds_alt_text_then_posts_once(outbox, tmp_path):
    upload, metadata, post = x_api(responses)
    publisher = XPublisher(X_KEYS, hashtags=["#PiParty"], url=JAM_URL)
    queued_job(outbox, tmp_path, "x")

    assert publish_due(outbox, {"x": publisher}, now=1e12) == (1, 0)

    assert [call.request.url for call in responses.calls] == [
        "https://api.x.com/2/media/upload",
        "https://api.x.com/2/media/metadata",
        "https://api.twitter.com/2/tweets",
    ]
    upload_request = upload.calls[0].request
    assert upload_request.headers["Authorization"].startswith("OAuth ")
    assert 'oauth_consumer_key="ck"' in upload_request.headers["Authorization"]
    assert 'oauth_token="at"' in upload_request.headers["Authorization"]
    assert b'name="media_category"\r\n\r\ntweet_image' in upload_request.body
    assert JPEG in upload_request.body
    assert metadata.call_count == 1
    assert json.loads(post.calls[0].request.body) == {
        "text": f"Big Birthday Weekend, Cambridge Jam, 3 March #PiParty {JAM_URL}",
        "media": {"media_ids": ["710511363345354753"]},
    }
    assert post.calls[0].request.headers["Authorization"].startswith("OAuth ")
    [done] = outbox._db.execute("SELECT status, remote_id FROM jobs").fetchall()
    assert done == ("done", "1900000000000000001")


@responses.activate
def test_x_retry_after_a_lost_answer_finds_the_post_instead_of_posting_again(outbox, tmp_path):
    publisher = XPublisher(X_KEYS, hashtags=["#PiParty"])
    job = queued_job(outbox, tmp_path, "x")
    uploaded = 1_900_000_000  # 2030-03-17T17:46:40Z
    outbox.record_remote_id(job, f"media:710511363345354753:{uploaded}")  # uploaded, then the line dropped
    responses.get(
        "https://api.twitter.com/2/users/me", json={"data": {"id": "42", "name": "Jam", "username": "ourjam"}}
    )
    first_page = responses.get(
        "https://api.twitter.com/2/users/42/tweets",
        json={"data": [x_post("1900000000000000009", "3_1")], "meta": {"result_count": 1, "next_token": "page2"}},
    )
    second_page = responses.get(
        "https://api.twitter.com/2/users/42/tweets",
        json={"data": [x_post("1900000000000000008", "3_710511363345354753")], "meta": {"result_count": 1}},
        match=[matchers.query_param_matcher({"pagination_token": "page2"}, strict_match=False)],
    )

    assert publish_due(outbox, {"x": publisher}, now=1e12) == (1, 0)

    query = parse_qs(first_page.calls[0].request.url.split("?", 1)[1])
    assert query["start_time"] == ["2030-03-17T17:45:40Z"]  # a minute before the upload
    assert query["expansions"] == ["attachments.media_keys"]
    assert second_page.call_count == 1
    assert [call.request.method for call in responses.calls] == ["GET", "GET", "GET"]  # nothing posted again
    assert outbox._db.execute("SELECT remote_id FROM jobs").fetchone() == ("1900000000000000008",)


def x_post(post_id, media_key):
    return {
        "id": post_id,
        "text": "...",
        "edit_history_tweet_ids": [post_id],
        "attachments": {"media_keys": [media_key]},
    }


@responses.activate
def test_x_retry_posts_with_the_media_already_uploaded_when_the_post_never_went_out(outbox, tmp_path):
    publisher = XPublisher(X_KEYS)
    job = queued_job(outbox, tmp_path, "x")
    outbox.record_remote_id(job, f"media:710511363345354753:{time.time():.0f}")
    responses.get(
        "https://api.twitter.com/2/users/me", json={"data": {"id": "42", "name": "Jam", "username": "ourjam"}}
    )
    responses.get("https://api.twitter.com/2/users/42/tweets", json={"meta": {"result_count": 0}})
    post = responses.post("https://api.twitter.com/2/tweets", json={"data": {"id": "5", "text": "..."}}, status=201)

    assert publish_due(outbox, {"x": publisher}, now=1e12) == (1, 0)

    assert json.loads(post.calls[0].request.body)["media"] == {"media_ids": ["710511363345354753"]}
    assert not any("media/upload" in call.request.url for call in responses.calls)


@responses.activate
def test_x_refusal_fails_the_job_with_the_reason(outbox, tmp_path):
    responses.post(
        "https://api.x.com/2/media/upload",
        status=401,
        json={"title": "Unauthorized", "detail": "Unauthorized", "status": 401},
    )
    queued_job(outbox, tmp_path, "x")

    assert publish_due(outbox, {"x": XPublisher(X_KEYS)}, now=1e12) == (0, 1)

    row = outbox._db.execute("SELECT status, attempts, last_error FROM jobs").fetchone()
    assert row == ("failed", 1, "XRefused: 401: Unauthorized")  # not tried again until someone retries it


def test_x_names_missing_credentials():
    with pytest.raises(XError, match="X credentials are missing: consumer_secret, access_token_secret"):
        XPublisher({"consumer_key": "ck", "access_token": "at"})


@responses.activate
def test_x_check_names_the_account():
    responses.get(
        "https://api.twitter.com/2/users/me", json={"data": {"id": "42", "name": "Jam", "username": "ourjam"}}
    )

    assert XPublisher(X_KEYS).check() == "@ourjam"


# --- Mastodon --------------------------------------------------------------------------------


def mastodon_instance(rsps, *, max_characters=500, media_attachments=None):
    """Mastodon.py asks the instance's version before choosing an endpoint; the
    instance publishes its limits (`media_attachments`: none, as older ones)."""
    configuration = {"statuses": {"max_characters": max_characters}}
    if media_attachments:
        configuration["media_attachments"] = media_attachments
    rsps.get("https://mastodon.example/api/v1/instance/", json={"uri": "mastodon.example", "version": "4.3.2"})
    rsps.get(
        "https://mastodon.example/api/v2/instance/",
        json={
            "domain": "mastodon.example",
            "version": "4.3.2",
            "api_versions": {"mastodon": 2},
            "configuration": configuration,
        },
    )


def mastodon_api(rsps, *, max_characters=500):
    mastodon_instance(rsps, max_characters=max_characters)
    media = rsps.post(
        "https://mastodon.example/api/v2/media",
        json={"id": "109", "type": "image", "url": "https://files.example/109.jpg", "description": "Two people waving"},
    )
    status = rsps.post(
        "https://mastodon.example/api/v1/statuses",
        json={"id": "1107", "content": "<p>...</p>", "media_attachments": [{"id": "109", "type": "image"}]},
    )
    return media, status


@responses.activate
def test_mastodon_posts_media_with_description_and_an_idempotency_key(outbox, tmp_path):
    media, status = mastodon_api(responses)
    job = queued_job(outbox, tmp_path, "mastodon", language="cy", caption="Penwythnos Pen-blwydd Mawr, Jam Caerdydd")

    assert publish_due(outbox, {"mastodon": MastodonPublisher(MASTODON, hashtags=["PiParty"], url=JAM_URL)}) == (1, 0)

    upload = media.calls[0].request
    assert upload.headers["Authorization"] == "Bearer secret-token"
    assert b'name="description"\r\n\r\nTwo people waving' in upload.body
    assert JPEG in upload.body
    sent = status.calls[0].request
    assert sent.headers["Idempotency-Key"] == job.idempotency_key
    assert sent.headers["Authorization"] == "Bearer secret-token"
    assert parse_qs(sent.body) == {
        "status": [f"Penwythnos Pen-blwydd Mawr, Jam Caerdydd #PiParty {JAM_URL}"],
        "sensitive": ["0"],
        "language": ["cy"],
        "media_ids[]": ["109"],
    }
    assert outbox._db.execute("SELECT status, remote_id FROM jobs").fetchone() == ("done", "1107")


@responses.activate
def test_mastodon_keeps_posts_within_the_instances_own_limit(outbox, tmp_path):
    _media, status = mastodon_api(responses, max_characters=60)
    queued_job(outbox, tmp_path, "mastodon", caption="Raspberry Jam Big Birthday Weekend, Cambridge Jam, 3 March 2031")

    publish_due(outbox, {"mastodon": MastodonPublisher(MASTODON, hashtags=["#PiParty"], url=JAM_URL)})

    text = parse_qs(status.calls[0].request.body)["status"][0]
    assert text == f"Raspberry Jam Big Birthday… #PiParty {JAM_URL}"
    assert len(text) - len(JAM_URL) + 23 <= 60


@responses.activate
def test_mastodon_retry_after_a_lost_answer_finds_the_post(outbox, tmp_path):
    job = queued_job(outbox, tmp_path, "mastodon")
    outbox.record_remote_id(job, "media:109")
    responses.get(
        "https://mastodon.example/api/v1/accounts/verify_credentials",
        json={"id": "7", "username": "ourjam", "acct": "ourjam"},
    )
    responses.get(
        "https://mastodon.example/api/v1/accounts/7/statuses",
        json=[{"id": "1107", "media_attachments": [{"id": "109", "type": "image"}]}],
    )

    assert publish_due(outbox, {"mastodon": MastodonPublisher(MASTODON)}) == (1, 0)

    assert [call.request.method for call in responses.calls] == ["GET", "GET"]
    assert "only_media=" in responses.calls[1].request.url
    assert outbox._db.execute("SELECT remote_id FROM jobs").fetchone() == ("1107",)


@responses.activate
def test_mastodon_refusal_is_kept_as_the_jobs_last_error(outbox, tmp_path):
    mastodon_instance(responses)
    responses.post("https://mastodon.example/api/v2/media", status=422, json={"error": "File type not supported"})
    queued_job(outbox, tmp_path, "mastodon")

    assert publish_due(outbox, {"mastodon": MastodonPublisher(MASTODON)}) == (0, 1)

    [(status, error)] = outbox._db.execute("SELECT status, last_error FROM jobs").fetchall()
    assert status == "failed"
    assert error.startswith("MastodonRefused:")
    assert "File type not supported" in error


def test_mastodon_names_missing_settings():
    with pytest.raises(MastodonPublisherError, match="Mastodon settings are missing: access_token"):
        MastodonPublisher({"instance": "https://mastodon.example"})


# Photos made to fit each target's limits --------------------------------------------------------


def x_enforcing_5_mb(rsps, received):
    """X's upload as documented: images of at most 5 MB, 8192 px a side; anything else is refused."""

    def upload(request):
        media = uploaded_files(request)["media"]
        received.append(media)
        width, height = Image.open(io.BytesIO(media)).size
        if len(media) > 5_000_000 or max(width, height) > 8192:
            return 400, {}, json.dumps({"title": "Invalid Request", "detail": "File size exceeds 5 MB."})
        return 200, {}, json.dumps({"data": {"id": "710511363345354753", "media_key": "3_710511363345354753"}})

    rsps.add_callback(responses.POST, "https://api.x.com/2/media/upload", callback=upload)
    rsps.post("https://api.x.com/2/media/metadata", json={"data": {"id": "710511363345354753"}})
    return rsps.post("https://api.twitter.com/2/tweets", json={"data": {"id": "1", "text": "..."}}, status=201)


@responses.activate
def test_x_receives_a_12_megapixel_photo_made_to_fit_its_5_mb(outbox, tmp_path):
    received = []
    post = x_enforcing_5_mb(responses, received)
    path = save_photo(noisy_12mp_jpeg(), tmp_path / "photos")
    outbox.enqueue(path, ["x"], caption="Cambridge Jam", language="en", taken_at=TAKEN)

    result = publish_due(outbox, {"x": XPublisher(X_KEYS)}, now=1e12)

    assert len(noisy_12mp_jpeg()) > 7_000_000  # what the camera makes of a busy scene
    [media] = received
    photo = Image.open(io.BytesIO(media))
    photo.load()  # the whole file decodes
    assert (photo.format, photo.size) == ("JPEG", (4608, 2592))  # as many pixels as X takes: all of them
    assert len(media) <= 5_000_000
    assert result == (1, 0)
    assert post.call_count == 1
    assert path.read_bytes() == noisy_12mp_jpeg()  # the booth keeps its own photo as it was


@responses.activate
def test_a_small_photo_goes_to_x_as_it_is(outbox, tmp_path):
    received = []
    x_enforcing_5_mb(responses, received)
    queued_job(outbox, tmp_path, "x")

    assert publish_due(outbox, {"x": XPublisher(X_KEYS)}, now=1e12) == (1, 0)

    assert received == [JPEG]  # not decoded and encoded again


def mastodon_with_media_limits(rsps, media_attachments):
    mastodon_instance(rsps, media_attachments=media_attachments)
    received = []

    def upload(request):
        received.append(uploaded_files(request)["file"])
        return 200, {}, json.dumps({"id": "109", "type": "image", "url": "https://files.example/109.jpg"})

    rsps.add_callback(responses.POST, "https://mastodon.example/api/v2/media", callback=upload)
    rsps.post("https://mastodon.example/api/v1/statuses", json={"id": "1107", "media_attachments": [{"id": "109"}]})
    return received


@pytest.mark.parametrize(
    ("published", "max_bytes", "max_pixels"),
    [
        ({"image_size_limit": 2_000_000, "image_matrix_limit": 1920 * 1080}, 2_000_000, 1920 * 1080),
        (None, 8 * 1024 * 1024, 3840 * 2160),  # an instance too old to say: Mastodon's smallest defaults
    ],
    ids=["the instance's own limits", "documented defaults"],
)
@responses.activate
def test_mastodon_receives_the_photo_within_the_instances_limits(outbox, tmp_path, published, max_bytes, max_pixels):
    received = mastodon_with_media_limits(responses, published)
    path = save_photo(noisy_12mp_jpeg(), tmp_path / "photos")
    outbox.enqueue(path, ["mastodon"], caption="Cambridge Jam", language="en", taken_at=TAKEN)

    result = publish_due(outbox, {"mastodon": MastodonPublisher(MASTODON)}, now=1e12)

    [media] = received
    photo = Image.open(io.BytesIO(media))
    photo.load()
    assert result == (1, 0)
    assert len(media) <= max_bytes
    assert photo.width * photo.height <= max_pixels
    assert photo.width / photo.height == pytest.approx(4608 / 2592, rel=0.01)  # shrunk, not cropped


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(400, "failed"), (403, "failed"), (404, "failed"), (408, "pending"), (429, "pending"), (503, "pending")],
)
@responses.activate
def test_x_answers_that_mean_no_fail_the_job_and_the_others_wait(outbox, tmp_path, status, outcome):
    responses.post("https://api.x.com/2/media/upload", status=status, json={"title": "No", "detail": "Refused"})
    queued_job(outbox, tmp_path, "x")

    publish_due(outbox, {"x": XPublisher(X_KEYS)}, now=1e12)

    assert outbox._db.execute("SELECT status, last_error FROM jobs").fetchone() == (
        outcome,
        f"{'XRefused' if outcome == 'failed' else 'XError'}: {status}: Refused",
    )


@pytest.mark.parametrize(("status", "outcome"), [(401, "failed"), (422, "failed"), (429, "pending"), (502, "pending")])
@responses.activate
def test_mastodon_answers_that_mean_no_fail_the_job_and_the_others_wait(outbox, tmp_path, status, outcome):
    mastodon_instance(responses)
    responses.post("https://mastodon.example/api/v2/media", status=status, json={"error": "Refused"})
    queued_job(outbox, tmp_path, "mastodon")

    publish_due(outbox, {"mastodon": MastodonPublisher(MASTODON)}, now=1e12)

    assert outbox._db.execute("SELECT status FROM jobs").fetchone() == (outcome,)


@responses.activate
def test_mastodon_waits_for_a_large_upload_to_be_processed_before_posting(outbox, tmp_path):
    mastodon_instance(responses)
    responses.post(
        "https://mastodon.example/api/v2/media", status=202, json={"id": "109", "type": "image", "url": None}
    )
    processing = responses.get(
        "https://mastodon.example/api/v1/media/109", status=206, json={"id": "109", "type": "image", "url": None}
    )
    responses.get("https://mastodon.example/api/v1/media/109", json={"id": "109", "url": "https://files.example/109"})
    status = responses.post("https://mastodon.example/api/v1/statuses", json={"id": "1107", "media_attachments": []})
    queued_job(outbox, tmp_path, "mastodon")
    naps = []

    result = publish_due(outbox, {"mastodon": MastodonPublisher(MASTODON, sleep=naps.append)}, now=1e12)

    assert result == (1, 0)
    assert (processing.call_count, naps, status.call_count) == (1, [1], 1)


# Each post's text its own ---------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fa"])
@responses.activate
def test_two_photos_of_the_same_day_are_posted_with_different_text(tmp_path, language):
    posts = []
    responses.post("https://api.x.com/2/media/upload", json={"data": {"id": "7", "media_key": "3_7"}}, status=200)
    responses.post("https://api.x.com/2/media/metadata", json={"data": {"id": "7"}})
    responses.add_callback(
        responses.POST,
        "https://api.twitter.com/2/tweets",
        callback=lambda request: (
            posts.append(json.loads(request.body)["text"])
            or (201, {}, json.dumps({"data": {"id": str(len(posts)), "text": "..."}}))
        ),
    )
    config = parse(f'[booth]\nfolder = "{tmp_path}"\ntargets = ["x"]\n[camera]\nkind = "fake"', base=tmp_path)
    settings = {"jam_title": "Caerdydd Jam", "language": language, "timezone": "Europe/London", "campaign": None}
    with Outbox(tmp_path / "outbox.sqlite3") as outbox:
        booth = app.make_booth(
            config, settings, FakeCamera((320, 180)), outbox, Image.new("RGBA", (10, 10)), today=lambda: DAY
        )
        for start in (0, 10):  # two photos, one after the other, nobody declining
            booth.press("short", now=start)
            booth.tick(now=start + 3)
            booth.tick(now=start + 9)
        publish_due(outbox, {"x": XPublisher(X_KEYS, hashtags=["#PiParty"], url=JAM_URL)}, now=1e12)

    first, second = posts
    assert first != second
    caption = i18n.caption(settings, language, DAY)
    words_before_the_number = i18n.translation(language).gettext("Photo %(number)s of the day, taken at %(time)s")
    words_before_the_number = words_before_the_number.split("%(number)s")[0]
    for number, text in ((1, first), (2, second)):
        lines = text.split("\n")
        assert lines[0] == caption
        assert lines[1].startswith(f"{words_before_the_number}{format_decimal(number, locale=language)}")
        assert lines[2] == f"#PiParty {JAM_URL}"


def test_the_photo_label_is_written_in_every_booth_language():
    taken = datetime.datetime(2031, 3, 1, 10, 42, tzinfo=datetime.UTC)

    labels = {language: i18n.photo_label(12, taken, language, "Europe/London") for language in LANGUAGES}

    assert len(LANGUAGES) == 12
    assert labels["en"] == "Photo 12 of the day, taken at 10:42\u202fAM"
    assert labels["fa"] == "عکس شمارهٔ 12 این روز، گرفته‌شده در ساعت 10:42"  # digits as the caption's date has them
    assert len(set(labels.values())) == 12  # each its own words, none left in English
    for language, label in labels.items():
        assert "12" in label or "۱۲" in label, language
        assert i18n.photo_label(13, taken, language, "Europe/London") != label
