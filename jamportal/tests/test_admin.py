"""Every admin list and add page opens for staff, in English and in a translated language."""

from pathlib import Path

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from jamportal.feed.models import Photo, PhotoReport
from jamportal.jams.models import Campaign, CampaignPoster
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, UserFactory

pytestmark = pytest.mark.django_db

MODELS = [model._meta for model in admin.site._registry]


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    photo = Photo.objects.create(jam=JamFactory(), idempotency_key="k", taken_at="2031-03-01T12:00:00Z")
    PhotoReport.objects.create(photo=photo, reason="Not from our Jam")
    return client


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("opts", MODELS, ids=lambda opts: opts.label_lower)
def test_admin_pages_open(staff_client, opts, language):
    for page in ("changelist", "add"):
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}")
        response = staff_client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code in (200, 403), (url, response.status_code)
        if page == "changelist":
            assert response.status_code == 200, url


def test_admin_reads_in_the_staff_members_language(staff_client):
    report = PhotoReport.objects.get()
    url = reverse("admin:feed_photoreport_change", args=[report.pk])

    french = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = staff_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert f"Signalement de la photo {report.photo_id}" in french
    assert "Traité le" in french
    assert "Niveaux de stock" in french
    assert f"Report on photo {report.photo_id}" in english
    assert "Resolved by" in english


def test_deleting_campaigns_in_the_admin_deletes_their_posters_and_cached_pages(
    staff_client, django_capture_on_commit_callbacks
):
    campaign = CampaignFactory(name="Gone Weekend")
    poster = CampaignPoster(campaign=campaign, size="a3", language="en", fingerprint="x", built_at=timezone.now())
    poster.file.save("gone.pdf", ContentFile(b"%PDF-1.7 poster"), save=True)
    path = Path(poster.file.path)
    page = f"/en/campaigns/{campaign.slug}/"
    staff_client.logout()
    cached = staff_client.get(page)  # kept in the page cache for visitors
    staff_client.force_login(UserFactory(is_staff=True, is_superuser=True))

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("admin:jams_campaign_changelist"),
            {"action": "delete_selected", "_selected_action": [campaign.pk], "post": "yes"},
        )
    staff_client.logout()

    assert "Gone Weekend" in cached.content.decode()
    assert not Campaign.objects.exists()
    assert not path.exists()
    assert staff_client.get(page).status_code == 404


def test_the_photo_admin_offers_no_way_to_replace_a_photos_files(staff_client):
    photo = Photo.objects.get()

    page = staff_client.get(reverse("admin:feed_photo_change", args=[photo.pk])).content.decode()

    assert 'type="file"' not in page  # the booth's upload (private until cleaned) and every size: read only
