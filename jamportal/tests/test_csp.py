"""A Content-Security-Policy without 'unsafe-inline', and pages that need none:
no inline script, no style element or attribute (JSON data blocks are fine)."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from jamportal.feed import services as feed_services
from jamportal.jams.tests.factories import CampaignFactory, JamFactory

pytestmark = pytest.mark.django_db
# (JSON and JSON-LD data blocks are never run by the browser: the policy has nothing to allow.)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)


def inline_code(html):
    return INLINE_SCRIPT.findall(html) + INLINE_STYLE.findall(html)


def test_the_policy_allows_no_inline_code(client):
    policy = client.get("/en/")["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["img-src"] == "'self' data: https://tile.openstreetmap.org"
    assert "unsafe-inline" not in policy


def test_pages_carry_no_inline_scripts_or_styles(client):
    campaign = CampaignFactory(slug="birthday")
    jam = JamFactory(campaign=campaign)
    feed_services.booth_create(jam, by=jam.organiser, name="Door")
    public = [
        "/en/",
        "/fa/",
        f"/en/jams/{jam.slug}/",
        "/en/campaigns/birthday/",
        "/en/resources/",
        "/en/accounts/login/",
        "/en/accounts/signup/",
        "/en/accounts/password/reset/",
        "/en/no-such-page/",
    ]
    found = {url: inline_code(client.get(url).content.decode()) for url in public}
    client.force_login(jam.organiser)
    own = [
        reverse("jams:create"),
        reverse("dashboard"),
        reverse("jams:edit", args=[jam.slug]),
        reverse("feed:booths", args=[jam.slug]),
        reverse("account"),
        reverse("account-delete"),
    ]
    found |= {url: inline_code(client.get(url).content.decode()) for url in own}
    found["500.html"] = inline_code(render_to_string("500.html"))

    assert found == {url: [] for url in found}
    assert "data-leaflet-map=" in client.get(f"/en/jams/{jam.slug}/").content.decode()


def test_only_the_booth_apis_docs_are_exempt(client):
    assert "Content-Security-Policy" not in client.get("/api/booth/docs")  # Swagger UI's inline script
    assert "Content-Security-Policy" in client.get("/api/booth/config")
    assert "Content-Security-Policy" in client.get("/health")
