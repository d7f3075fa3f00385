"""A photo the public may not see has no file in the public tree: hidden, reported,
waiting for approval or deleted, every size is gone from MEDIA_ROOT (which nginx or
the development server serves) the moment the change commits. Its organiser and
photo moderators still see it, through the portal."""

from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from jamportal.feed import files, images, services
from jamportal.feed.models import Photo
from jamportal.feed.tests.test_feed import jpeg, post
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = Photo.Status


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


@pytest.fixture
def uploaded(client, django_capture_on_commit_callbacks):
    """A visible photo posted by a booth, with its web size and thumbnail made."""
    jam = JamFactory(title="Takedown Jam", campaign=CampaignFactory())
    _booth, token = services.booth_create(jam, by=jam.organiser, name="Door")
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, token, data=jpeg(size=(2400, 1600))).status_code == 201
    return Photo.objects.get()


def public(name) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def private(name) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / name


def moderator():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="moderate_photo"))
    return user


def test_every_size_of_a_visible_photo_is_public_under_a_random_name(uploaded):
    names = files.names(uploaded)

    assert len(names) == 3
    assert all(public(name).is_file() for name in names)
    # 128 random bits each: one photo's address tells nothing of another's.
    stems = [Path(name).stem for name in names]
    assert all(len(stem) >= 22 and str(uploaded.pk) not in stem.split("-") for stem in stems)
    assert uploaded.thumbnail_url == f"/media/{uploaded.thumbnail.name}"


def test_hiding_moves_every_size_out_of_the_public_tree_at_commit(client, uploaded, django_capture_on_commit_callbacks):
    before = files.names(uploaded)
    client.force_login(uploaded.jam.organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(en("feed:action", uploaded.pk), {"action": "hide"})

    uploaded.refresh_from_db()
    assert uploaded.status == Status.HIDDEN
    assert [public(name).exists() for name in before] == [False, False, False]
    assert all(private(name).is_file() for name in files.names(uploaded))
    assert uploaded.thumbnail_url == f"/en/photos/{uploaded.pk}/thumbnail.jpg"


def test_a_hidden_photo_is_shown_to_its_organiser_and_moderators_only(client, uploaded):
    services.photo_set_status(uploaded, Status.HIDDEN, by=uploaded.jam.organiser)
    url = en("feed:photo-file", uploaded.pk, "web")
    stored = private(Photo.objects.get().web.name).read_bytes()

    anonymous = client.get(url)
    client.force_login(UserFactory())
    stranger = client.get(url)
    client.force_login(uploaded.jam.organiser)
    organiser = client.get(url)
    client.force_login(moderator())
    staff = client.get(url)

    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    assert stranger.status_code == 404
    assert organiser.status_code == staff.status_code == 200
    assert b"".join(staff.streaming_content) == stored
    assert staff["Content-Type"] == "image/jpeg"
    assert staff["Cache-Control"] == "private, no-store"


def test_showing_again_brings_the_files_back_to_the_public_tree(client, uploaded, django_capture_on_commit_callbacks):
    organiser = uploaded.jam.organiser
    with django_capture_on_commit_callbacks(execute=True):
        services.photo_set_status(uploaded, Status.HIDDEN, by=organiser)
    hidden = Photo.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        services.photo_set_status(hidden, Status.VISIBLE, by=organiser)

    shown = Photo.objects.get()
    assert all(public(name).is_file() for name in files.names(shown))
    assert [private(name).exists() for name in files.names(hidden)] == [False, False, False]
    client.force_login(organiser)
    assert client.get(en("feed:photo-file", shown.pk, "thumbnail"))["Location"] == shown.thumbnail_url


def test_a_report_takes_the_files_down_at_once(client, uploaded, django_capture_on_commit_callbacks):
    before = files.names(uploaded)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(en("feed:report", uploaded.pk), {"reason": "I did not agree to this."})

    assert Photo.objects.get().status == Status.REPORTED
    assert [public(name).exists() for name in before] == [False, False, False]
    client.force_login(moderator())
    queue = client.get(en("feed:moderation")).content.decode()
    assert f'src="/en/photos/{uploaded.pk}/thumbnail.jpg"' in queue


def test_a_photo_waiting_for_approval_is_never_public(client, django_capture_on_commit_callbacks):
    jam = JamFactory()
    services.feed_settings_save(
        jam, by=jam.organiser, data={"approve_first": True, "hashtag": "", "caption_template": "{jam}"}
    )
    _booth, token = services.booth_create(jam, by=jam.organiser, name="Door")

    with django_capture_on_commit_callbacks(execute=True):
        post(client, token)
    waiting = Photo.objects.get()
    names = files.names(waiting)
    while_waiting = [(public(name).exists(), private(name).is_file()) for name in names]
    with django_capture_on_commit_callbacks(execute=True):
        services.photo_set_status(waiting, Status.VISIBLE, by=jam.organiser)

    assert waiting.status == Status.PENDING
    assert while_waiting == [(False, True)] * 3
    assert [(public(name).is_file(), private(name).exists()) for name in names] == [(True, False)] * 3


def test_deleting_a_photo_deletes_every_file(client, uploaded, django_capture_on_commit_callbacks):
    names = files.names(uploaded)
    client.force_login(uploaded.jam.organiser)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(en("feed:action", uploaded.pk), {"action": "delete", "confirmed": "yes"})

    assert (Photo.objects.get().status, files.names(Photo.objects.get())) == (Status.DELETED, [])
    assert [public(name).exists() for name in names] == [False, False, False]


def test_a_booth_retrying_a_deleted_photos_key_does_not_post_it_again(client, django_capture_on_commit_callbacks):
    """The booth's first answer was lost; it sends the photo again with the same key
    after the organiser deleted it: the photo must not come back."""
    jam = JamFactory()
    _booth, token = services.booth_create(jam, by=jam.organiser, name="Door")
    with django_capture_on_commit_callbacks(execute=True):
        post(client, token)
    photo = Photo.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.photo_delete(photo, by=jam.organiser)

    with django_capture_on_commit_callbacks(execute=True):
        retried = post(client, token)

    assert retried.status_code == 201
    assert (retried.json()["id"], retried.json()["status"]) == (photo.pk, "deleted")
    assert list(Photo.objects.values_list("pk", "status")) == [(photo.pk, Status.DELETED)]
    assert [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()] == []
    assert client.get(en("feed:photos-json", jam.slug)).json()["photos"] == []


def test_the_campaign_wall_shows_no_photo_of_a_jam_that_is_not_public(client):
    campaign = CampaignFactory()
    draft = JamFactory(campaign=campaign, status="draft", approved_at=None, title="Secret draft")
    _booth, token = services.booth_create(draft, by=draft.organiser, name="Door")
    post(client, token, caption="Secret photo")

    wall = client.get(en("feed:wall", campaign.slug)).content.decode()
    live = client.get(en("feed:wall-json", campaign.slug)).json()

    assert Photo.objects.get().status == Status.VISIBLE  # the organiser may try their booth before approval
    assert "Secret photo" not in wall
    assert live["photos"] == []


def test_hiding_while_the_sizes_are_made_leaves_nothing_public(client, monkeypatch, django_capture_on_commit_callbacks):
    """The thumbnail task reads a visible photo; a moderator hides it before the task
    stores its sizes: the task must not leave public copies of a hidden photo."""
    jam = JamFactory()
    _booth, token = services.booth_create(jam, by=jam.organiser, name="Door")
    post(client, token, worker=False)
    photo = Photo.objects.get()
    real_jpeg = images.jpeg
    calls = []

    def hide_on_first_size(image, **options):
        if not calls:
            with django_capture_on_commit_callbacks(execute=True):
                services.photo_set_status(Photo.objects.get(), Status.HIDDEN, by=jam.organiser)
        calls.append(image.size)
        return real_jpeg(image, **options)

    monkeypatch.setattr(images, "jpeg", hide_on_first_size)
    services.photo_make_sizes(photo)

    photo.refresh_from_db()
    assert photo.status == Status.HIDDEN
    assert len(calls) == 6  # the kept copy and two sizes made in the public tree, dropped, then made again privately
    assert all(private(name).is_file() for name in files.names(photo))
    published = [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]
    assert published == []


def test_deleting_a_jam_in_the_admin_takes_its_photos_and_pages_down(
    client, uploaded, django_capture_on_commit_callbacks
):
    jam = uploaded.jam
    names = files.names(uploaded)
    cached = client.get(jam.get_absolute_url())  # now kept in the page cache
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/admin/jams/jam/{jam.pk}/delete/", {"post": "yes"})
    client.logout()

    assert "Takedown Jam" in cached.content.decode()
    assert answer.status_code == 302
    assert not Photo.objects.exists()  # the Jam's rows go with it: its booths cannot post again
    assert [public(name).exists() for name in names] == [False, False, False]
    assert client.get(jam.get_absolute_url()).status_code == 404


def test_open_galleries_are_told_which_photos_they_show_were_taken_down(client, django_capture_on_commit_callbacks):
    campaign = CampaignFactory()
    jam = JamFactory(campaign=campaign)
    _booth, token = services.booth_create(jam, by=jam.organiser, name="Door")
    for key in ("a", "b", "c"):
        post(client, token, key=key)
    first, second, third = Photo.objects.order_by("pk")
    shown = f"{first.pk},{second.pk},{third.pk}"
    before = client.get(en("feed:wall-json", campaign.slug), {"after": third.pk, "shown": shown}).json()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(en("feed:report", second.pk), {"reason": "Not me, please."})
        services.photo_delete(third, by=jam.organiser)

    wall = client.get(en("feed:wall-json", campaign.slug), {"after": third.pk, "shown": shown}).json()
    gallery = client.get(en("feed:photos-json", jam.slug), {"after": third.pk, "shown": shown}).json()
    refused = client.get(en("feed:photos-json", jam.slug), {"shown": "1,x"})

    assert before["gone"] == []
    assert wall == {"photos": [], "gone": [second.pk, third.pk]}
    assert gallery == {"photos": [], "gone": [second.pk, third.pk]}
    assert refused.status_code == 400
