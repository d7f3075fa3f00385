"""A photo's own page (issue 23): the address the booth shows as a QR code, from the
key it posts the photo with, works before the photo arrives (on its way), shows it
once it is there (with its full-size download, its Jam and a takedown request), says
so while the organisers check it, and after a takedown."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from PIL import Image

from jamportal.feed import services
from jamportal.feed.models import Photo, takehome_token
from jamportal.feed.tests.test_feed import jpeg, post
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import CampaignFactory, JamFactory

pytestmark = pytest.mark.django_db
Status = Photo.Status
KEY = "0123456789abcdef0123456789abcdef-portal"  # as the booth's outbox makes them: uuid4().hex + target
TOKEN = "01f19d3e0f44465fd0c6f0ec9613f0f0"  # photobooth/tests/test_takehome.py works out the same


def url(name, token=TOKEN, language="en"):
    with translation.override(language):
        return reverse(name, args=[token])


@pytest.fixture
def jam():
    return JamFactory(title="Caerdydd Jam", campaign=CampaignFactory())


@pytest.fixture
def booth_token(jam):
    return services.booth_create(jam, by=jam.organiser, name="Door")[1]


@pytest.fixture
def posted(client, booth_token, django_capture_on_commit_callbacks):
    """The booth's photo, posted with KEY and cleaned by the worker."""
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, booth_token, key=KEY, data=jpeg(size=(2400, 1600)), caption="Hello Jam").status_code == 201
    return Photo.objects.get()


def assert_private(response):
    assert response["Cache-Control"] == "private, no-cache"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex"


def shown_state(response) -> str:
    """The state the page shows (the others' words are there, hidden, for its script)."""
    page = response.content.decode()
    return next(
        state for state in ("coming", "pending", "removed", "visible") if f'data-takehome-state="{state}">' in page
    )


def test_takehome_token_is_the_hash_the_booth_works_out():
    assert takehome_token(KEY) == TOKEN
    assert KEY.split("-")[0] not in TOKEN


def test_takehome_page_before_the_upload_says_the_photo_is_on_its_way(client):
    page = client.get(url("feed:takehome"))
    state = client.get(url("feed:takehome-json"))

    assert page.status_code == 200
    assert shown_state(page) == "coming"
    assert "Your photo is on its way" in page.content.decode()
    assert '<meta name="robots" content="noindex">' in page.content.decode()
    assert_private(page)
    assert state.json() == {"state": "coming"}
    assert_private(state)
    assert client.get(url("feed:takehome-download")).status_code == 404


def test_takehome_page_before_the_upload_in_french(client):
    page = client.get(url("feed:takehome", language="fr"))

    assert page.status_code == 200
    assert "Votre photo est en route" in page.content.decode()


def test_takehome_address_without_a_language_goes_to_the_visitors(client):
    response = client.get(f"/photo/{TOKEN}/", headers={"accept-language": "fr"})

    assert (response.status_code, response["Location"]) == (302, f"/fr/photo/{TOKEN}/")


def test_takehome_page_after_the_upload_shows_the_photo_its_download_jam_and_takedown(client, posted, jam):
    page = client.get(url("feed:takehome"))
    state = client.get(url("feed:takehome-json"))
    download = client.get(url("feed:takehome-download"))

    assert posted.takehome_token == TOKEN
    assert shown_state(page) == "visible"
    html = page.content.decode()
    assert f'src="{posted.display_url}"' in html
    assert f'href="/en/photo/{TOKEN}/download/"' in html
    assert f'href="{jam.get_absolute_url()}"><bdi data-fill-text="jam">Caerdydd Jam</bdi>' in html
    assert f'href="/en/photos/{posted.pk}/report/"' in html
    assert_private(page)
    assert state.json() == {
        "state": "visible",
        "url": f"http://testserver{posted.display_url}",
        "alt": "Hello Jam",
        "caption": "Hello Jam",
        "download": f"/en/photo/{TOKEN}/download/",
        "jam_url": jam.get_absolute_url(),
        "jam": "Caerdydd Jam",
        "report_url": f"/en/photos/{posted.pk}/report/",
        "still": "",  # a boomerang's first frame (for less motion); none for a photo
    }
    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="{jam.slug}-{posted.pk}.jpg"'
    assert download["Content-Type"] == "image/jpeg"
    assert_private(download)
    full_size = Image.open(io.BytesIO(b"".join(download.streaming_content))).size
    assert full_size == (posted.width, posted.height)
    assert full_size[0] > Image.open(posted.web).size[0]  # the kept copy, not the web size


def test_takehome_page_in_french_after_the_upload(client, posted):
    page = client.get(url("feed:takehome", language="fr"))

    assert shown_state(page) == "visible"
    assert "Télécharger la photo (en taille réelle)" in page.content.decode()


def test_takehome_page_of_a_photo_not_cleaned_yet_says_it_is_on_its_way(client, booth_token):
    assert post(client, booth_token, key=KEY, worker=False).status_code == 201

    assert shown_state(client.get(url("feed:takehome"))) == "coming"
    assert client.get(url("feed:takehome-json")).json() == {"state": "coming"}


def test_takehome_page_of_a_photo_waiting_for_approval_does_not_show_it(
    client, jam, booth_token, django_capture_on_commit_callbacks
):
    services.feed_settings_save(
        jam, by=jam.organiser, data={"approve_first": True, "hashtag": "", "caption_template": "{jam}"}
    )
    with django_capture_on_commit_callbacks(execute=True):
        post(client, booth_token, key=KEY)
    photo = Photo.objects.get()

    page = client.get(url("feed:takehome"))

    assert shown_state(page) == "pending"
    assert photo.web.name not in page.content.decode()
    assert client.get(url("feed:takehome-json")).json() == {"state": "pending"}
    assert client.get(url("feed:takehome-download")).status_code == 404


def test_takehome_page_of_a_draft_jams_photo_does_not_show_it(client, posted, jam):
    Jam.objects.filter(pk=jam.pk).update(status=Jam.Status.DRAFT, approved_at=None)

    assert shown_state(client.get(url("feed:takehome"))) == "pending"
    assert client.get(url("feed:takehome-download")).status_code == 404


def hide(photo):
    services.photo_set_status(photo, Status.HIDDEN, by=photo.jam.organiser)


def report(photo):
    services.photo_report(photo, reason="I am in it")


def delete(photo):
    services.photo_delete(photo, by=photo.jam.organiser)


@pytest.mark.parametrize("takedown", [hide, report, delete])
@pytest.mark.parametrize(
    ("language", "words"), [("en", "This photo has been taken down"), ("fr", "Cette photo a été retirée")]
)
def test_takehome_page_after_a_takedown_says_so(
    client, posted, django_capture_on_commit_callbacks, takedown, language, words
):
    with django_capture_on_commit_callbacks(execute=True):
        takedown(posted)

    page = client.get(url("feed:takehome", language=language))

    assert shown_state(page) == "removed"
    assert words in page.content.decode()
    assert "/media/" not in page.content.decode()
    assert client.get(url("feed:takehome-json")).json() == {"state": "removed"}
    assert client.get(url("feed:takehome-download")).status_code == 404


def test_takehome_address_that_is_no_token_is_not_found(client):
    assert client.get(f"/en/photo/{TOKEN.upper()}/").status_code == 404
    assert client.get(f"/en/photo/{TOKEN[:-1]}/").status_code == 404


def test_takehome_token_another_booths_photo_holds_is_not_given_again(
    client, posted, jam, django_capture_on_commit_callbacks
):
    other_token = services.booth_create(jam, by=jam.organiser, name="Garden")[1]

    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, other_token, key=KEY).status_code == 201

    assert sorted(Photo.objects.values_list("pk", "takehome_token")) == [(posted.pk, TOKEN), (posted.pk + 1, None)]
    assert client.get(url("feed:takehome-json")).json()["url"] == f"http://testserver{posted.display_url}"


@pytest.mark.parametrize("name", ["feed:takehome", "feed:takehome-json"])
def test_takehome_pages_cost_the_same_queries_however_many_photos(
    assert_constant_queries, posted, booth_token, client, django_capture_on_commit_callbacks, name
):
    def add_more():
        with django_capture_on_commit_callbacks(execute=True):
            for number in range(3):
                post(client, booth_token, key=f"more-{number}")

    assert_constant_queries(url(name), add_more)


@pytest.mark.django_db(transaction=True)
def test_takehome_tokens_are_given_to_photos_posted_before_by_the_migration():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("feed", "0008_photo_upload_until_cleaned")], [("feed", "0009_photo_takehome_token")]
    jam = JamFactory()
    first, second = (services.booth_create(jam, by=jam.organiser, name=name)[0] for name in ("Door", "Garden"))
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_photo = executor.loader.project_state(before).apps.get_model("feed", "Photo")
    made = [
        old_photo.objects.create(jam_id=jam.pk, booth_id=booth.pk, idempotency_key=key, taken_at=jam.start).pk
        for booth, key in ((first, KEY), (second, KEY), (first, "other-key"))
    ]

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    try:
        executor.migrate(after)
        new_photo = executor.loader.project_state(after).apps.get_model("feed", "Photo")
        tokens = dict(new_photo.objects.filter(pk__in=made).values_list("pk", "takehome_token"))
    finally:  # the later migrations back, for the tests that run after this one
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert tokens == {made[0]: TOKEN, made[1]: None, made[2]: takehome_token("other-key")}


def test_takehome_page_answers_a_link_previews_head_request(client, posted):
    assert [client.head(url(name)).status_code for name in ("feed:takehome", "feed:takehome-json")] == [200, 200]
