"""Bluesky cannot run here: the publisher talks, through the AT Protocol SDK, to
a stand-in PDS served over loopback HTTP (bluesky_standin.py), which answers
as the lexicons and the reference PDS do and keeps what it was sent."""

import io

import pytest
from PIL import Image

from photobooth import app
from photobooth.outbox import Outbox, publish_due, save_photo
from photobooth.publishers.bluesky import BlueskyError, BlueskyPublisher, graphemes, record_key
from photobooth.tests.bluesky_standin import APP_PASSWORD, DID, HANDLE, StandInPDS, serve
from photobooth.tests.test_social import JPEG, TAKEN, noisy_12mp_jpeg

JAM_URL = "https://jams.example.org/en/jams/42/"


@pytest.fixture
def pds():
    return StandInPDS()


@pytest.fixture
def service(pds):
    with serve(pds) as url:
        yield url


@pytest.fixture
def outbox(tmp_path):
    with Outbox(tmp_path / "outbox.sqlite3") as box:
        yield box


def bluesky(service, *, password=APP_PASSWORD, hashtags=("#PiParty",), url=JAM_URL):
    credentials = {"handle": HANDLE, "app_password": password, "service": service}
    return BlueskyPublisher(credentials, hashtags=hashtags, url=url)


def queued_job(outbox, tmp_path, *, caption="Big Birthday Weekend, Cambridge Jam", language="en", photo=JPEG):
    path = save_photo(photo, tmp_path / "photos")
    outbox.enqueue(path, ["bluesky"], caption=caption, language=language, taken_at=TAKEN, alt_text="Two people waving")
    [job] = outbox.due(now=1e12)
    return job


def job_row(outbox):
    return outbox._db.execute("SELECT status, remote_id, last_error FROM jobs").fetchone()


def faceted(post) -> list:
    """Each facet as (the text it covers, cut out by its UTF-8 byte offsets, and what it is)."""
    text = post["text"].encode()
    return [
        (text[facet["index"]["byteStart"] : facet["index"]["byteEnd"]].decode(), feature)
        for facet in post["facets"]
        for feature in facet["features"]
    ]


def test_bluesky_posts_the_photo_with_alt_text_and_the_hashtag_and_link_as_facets(pds, service, outbox, tmp_path):
    caption = "جشن تولد بزرگ، جم تهران"  # Persian: two bytes a letter, so byte offsets are not character offsets
    job = queued_job(outbox, tmp_path, caption=caption, language="fa")

    assert publish_due(outbox, {"bluesky": bluesky(service)}, now=1e12) == (1, 0)

    [post] = pds.posts
    assert post["text"] == f"{caption} #PiParty jams.example.org/en/jams/42/"
    assert faceted(post) == [
        ("#PiParty", {"$type": "app.bsky.richtext.facet#tag", "tag": "PiParty"}),
        ("jams.example.org/en/jams/42/", {"$type": "app.bsky.richtext.facet#link", "uri": JAM_URL}),
    ]
    assert post["langs"] == ["fa"]
    [image] = post["embed"]["images"]
    assert image["alt"] == "Two people waving"
    assert (image["aspectRatio"]["width"], image["aspectRatio"]["height"]) == (64, 48)
    assert image["image"]["mimeType"] == "image/jpeg"
    assert pds.blob(image["image"]["ref"]["$link"]) == JPEG  # a photo within the limits goes as it is
    assert post["rkey"] == record_key(job)
    assert job_row(outbox) == ("done", f"at://{DID}/app.bsky.feed.post/{record_key(job)}", "")


def test_bluesky_retry_after_a_lost_answer_finds_the_post_by_its_record_key(pds, service, outbox, tmp_path):
    job = queued_job(outbox, tmp_path)
    kept = []

    def dies_with_the_answer(remote_id):  # the blob's id is kept; the booth dies before it keeps the post's
        if remote_id.startswith("at://"):
            raise SystemExit("killed")
        outbox.record_remote_id(job, remote_id)
        kept.append(remote_id)

    with pytest.raises(SystemExit):
        bluesky(service).publish(job, on_remote_id=dies_with_the_answer)
    pds.calls.clear()

    assert publish_due(outbox, {"bluesky": bluesky(service)}, now=1e12) == (1, 0)

    assert [remote_id.split(":")[0] for remote_id in kept] == ["blob"]
    assert dict(pds.calls) == {"com.atproto.server.createSession": 1, "com.atproto.repo.getRecord": 1}
    assert len(pds.posts) == 1
    assert job_row(outbox) == ("done", f"at://{DID}/app.bsky.feed.post/{record_key(job)}", "")


def test_bluesky_retry_posts_when_the_record_is_not_there_uploading_the_photo_again(pds, service, outbox, tmp_path):
    job = queued_job(outbox, tmp_path)
    outbox.record_remote_id(job, "blob:bafkreigone")  # uploaded on a try that died; the PDS forgot the blob since

    assert publish_due(outbox, {"bluesky": bluesky(service)}, now=1e12) == (1, 0)

    assert pds.calls["com.atproto.repo.getRecord"] == 1
    assert pds.calls["com.atproto.repo.uploadBlob"] == 1
    assert [post["rkey"] for post in pds.posts] == [record_key(job)]


@pytest.mark.parametrize(
    ("answer", "rounds"),
    [
        ((500, "InternalServerError"), ((0, 1), (1, 0))),  # the reference PDS today: tried again, it asks first
        ((400, "InvalidRequest"), ((1, 0), (0, 0))),  # a PDS that says no: asked at once
    ],
)
def test_bluesky_a_key_already_taken_is_never_a_second_post(pds, service, outbox, tmp_path, answer, rounds):
    pds.key_taken = answer
    job = queued_job(outbox, tmp_path)
    bluesky(service).publish(job)  # posted, and then every trace of it lost on the booth

    first = publish_due(outbox, {"bluesky": bluesky(service)}, now=1e12)
    second = publish_due(outbox, {"bluesky": bluesky(service)}, now=2e12)

    assert (first, second) == rounds
    assert len(pds.posts) == 1
    assert job_row(outbox) == ("done", f"at://{DID}/app.bsky.feed.post/{record_key(job)}", "")


def test_bluesky_receives_a_12_megapixel_photo_within_1_mb_and_2000_pixels(pds, service, outbox, tmp_path):
    queued_job(outbox, tmp_path, photo=noisy_12mp_jpeg())

    assert publish_due(outbox, {"bluesky": bluesky(service)}, now=1e12) == (1, 0)

    [image] = pds.posts[0]["embed"]["images"]
    sent = pds.blob(image["image"]["ref"]["$link"])
    photo = Image.open(io.BytesIO(sent))
    photo.load()
    assert len(sent) <= 1_000_000
    assert photo.size == (2000, 1125)  # shrunk, not cropped
    assert (image["aspectRatio"]["width"], image["aspectRatio"]["height"]) == (2000, 1125)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_bluesky_shortens_a_long_caption_within_300_graphemes_never_the_hashtags_or_link(
    pds, service, outbox, tmp_path, language
):
    caption = ("ラズベリージャム大誕生日週末 " if language == "ja" else "Raspberry Jam Big Birthday Weekend ") * 30
    queued_job(outbox, tmp_path, caption=caption.strip(), language=language)

    assert publish_due(outbox, {"bluesky": bluesky(service, hashtags=["#PiParty", "#RaspberryJam"])}, now=1e12) == (
        1,
        0,
    )

    [post] = pds.posts
    assert graphemes(post["text"]) <= 300
    assert post["text"].endswith("… #PiParty #RaspberryJam jams.example.org/en/jams/42/")
    assert [covered for covered, _feature in faceted(post)] == [
        "#PiParty",
        "#RaspberryJam",
        "jams.example.org/en/jams/42/",
    ]


def test_bluesky_refusing_the_login_fails_the_job_with_the_reason_and_never_the_password(service, outbox, tmp_path):
    queued_job(outbox, tmp_path)

    assert publish_due(outbox, {"bluesky": bluesky(service, password="wxyz-wxyz-wxyz-wxyz")}, now=1e12) == (0, 1)

    status, _remote_id, error = job_row(outbox)
    assert status == "failed"
    assert error == (
        "BlueskyRefused: Bluesky refused the login of ourjam.bsky.social (401 AuthenticationRequired: Invalid "
        "identifier or password): check [bluesky] handle and its app password"
    )


def test_bluesky_refuses_the_accounts_own_password():
    with pytest.raises(BlueskyError) as refused:
        BlueskyPublisher({"handle": HANDLE, "app_password": "correct horse battery staple"})

    assert "is not an app password" in str(refused.value)
    assert "horse" not in str(refused.value)


def test_bluesky_names_missing_settings():
    with pytest.raises(BlueskyError, match="Bluesky settings are missing: app_password"):
        BlueskyPublisher({"handle": HANDLE})


@pytest.mark.parametrize(
    ("status", "error", "outcome"),
    [
        (400, "InvalidRequest", "failed"),
        (413, "PayloadTooLarge", "failed"),
        (429, "RateLimitExceeded", "pending"),
        (502, "UpstreamFailure", "pending"),
        (400, "ExpiredToken", "pending"),  # the session ran out: log in again, later
    ],
)
def test_bluesky_answers_that_mean_no_fail_the_job_and_the_others_wait(
    pds, service, outbox, tmp_path, status, error, outcome
):
    pds.fail_next["com.atproto.repo.uploadBlob"] = (status, error)
    queued_job(outbox, tmp_path)
    publisher = bluesky(service)

    publish_due(outbox, {"bluesky": publisher}, now=1e12)
    if outcome == "pending":
        publish_due(outbox, {"bluesky": publisher}, now=2e12)

    assert job_row(outbox)[0] == ("failed" if outcome == "failed" else "done")
    assert len(pds.posts) == (0 if outcome == "failed" else 1)
    assert pds.calls["com.atproto.server.createSession"] == (2 if error == "ExpiredToken" else 1)


def test_bluesky_a_booth_running_all_day_refreshes_its_session_instead_of_logging_in_again(outbox, tmp_path):
    pds = StandInPDS(access_lifetime_s=10 * 60)  # within the SDK's 15 minutes of refreshing ahead: every call
    with serve(pds) as service:
        publisher = bluesky(service)
        for _photo in range(3):
            queued_job(outbox, tmp_path)
            assert publish_due(outbox, {"bluesky": publisher}, now=1e12) == (1, 0)

    assert len(pds.posts) == 3
    assert pds.calls["com.atproto.server.createSession"] == 1
    assert pds.calls["com.atproto.server.refreshSession"] >= 2


def test_bluesky_unreachable_is_the_network_being_down(outbox, tmp_path):
    with serve(StandInPDS()) as gone:
        pass  # its port no longer answers
    queued_job(outbox, tmp_path)
    errors = []

    assert publish_due(outbox, {"bluesky": bluesky(gone)}, now=1e12, errors=errors) == (0, 1)

    assert job_row(outbox)[0] == "pending"
    assert app.is_network_error(errors[0])


def test_bluesky_check_names_the_account(service):
    assert bluesky(service).check() == "@ourjam.bsky.social"
