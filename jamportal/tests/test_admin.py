"""Every admin list and add page opens for staff, in English and in a translated language."""

import pytest
from django.contrib import admin
from django.urls import reverse

from jamportal.feed.models import Photo, PhotoReport
from jamportal.jams.tests.factories import JamFactory, UserFactory

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
