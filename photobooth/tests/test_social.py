"""X and Mastodon cannot run here: the exact HTTP requests our publishers send
are asserted with `responses`, and their answers are the APIs' documented shapes."""

import json
import time
from urllib.parse import parse_qs

import pytest
import responses
from responses import matchers

from photobooth.outbox import Outbox, publish_due, save_photo
from photobooth.publishers import fit, post_tail
from photobooth.publishers.mastodon import MastodonPublisher, MastodonPublisherError
from photobooth.publishers.x import LIMIT, XError, XPublisher, x_length

JPEG = b"\xff\xd8\xff\xe0 branded photo \xff\xd9"
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
def test_x_refusal_keeps_the_job_with_the_reason(outbox, tmp_path):
    responses.post(
        "https://api.x.com/2/media/upload",
        status=401,
        json={"title": "Unauthorized", "detail": "Unauthorized", "status": 401},
    )
    queued_job(outbox, tmp_path, "x")

    assert publish_due(outbox, {"x": XPublisher(X_KEYS)}, now=1e12) == (0, 1)

    row = outbox._db.execute("SELECT status, attempts, last_error FROM jobs").fetchone()
    assert row == ("pending", 1, "XError: 401: Unauthorized")


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


def mastodon_instance(rsps, *, max_characters=500):
    """Mastodon.py asks the instance's version before choosing an endpoint."""
    rsps.get("https://mastodon.example/api/v1/instance/", json={"uri": "mastodon.example", "version": "4.3.2"})
    rsps.get(
        "https://mastodon.example/api/v2/instance/",
        json={
            "domain": "mastodon.example",
            "version": "4.3.2",
            "api_versions": {"mastodon": 2},
            "configuration": {"statuses": {"max_characters": max_characters}},
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

    [(error,)] = outbox._db.execute("SELECT last_error FROM jobs").fetchall()
    assert error.startswith("MastodonPublisherError:")
    assert "File type not supported" in error


def test_mastodon_names_missing_settings():
    with pytest.raises(MastodonPublisherError, match="Mastodon settings are missing: access_token"):
        MastodonPublisher({"instance": "https://mastodon.example"})
