"""Public pages are kept whole for visitors who are not signed in, with headers a
CDN can follow, and are rendered again the moment what they show changes."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory, TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from jamportal import pagecache
from jamportal.feed import services as feed_services
from jamportal.feed.models import Photo
from jamportal.feed.tests.test_feed import jpeg
from jamportal.jams import selectors, services
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, UserFactory
from jamportal.pagecache import public_page

pytestmark = pytest.mark.django_db(transaction=True)  # pages go stale on commit


def get_without_queries(client, url, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **kwargs)
    return response, len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/fa/?when=all",
        "/en/jams/{jam}/",
        "/en/jams/{jam}/calendar.ics",
        "/en/campaigns/",
        "/en/campaigns/{campaign}/",
        "/en/resources/",
        "/en/jams/calendar.ics",
        "/en/jams/new.atom",
    ],
)
def test_a_visitors_second_request_costs_no_query(client, url):
    campaign = CampaignFactory()
    jam = JamFactory(campaign=campaign)
    url = url.format(jam=jam.slug, campaign=campaign.slug)

    first = client.get(url)
    second, queries = get_without_queries(client, url)

    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert queries == 0
    assert second["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in second["Vary"]
    assert not second.cookies
    assert first["X-Accel-Expires"] == second["X-Accel-Expires"] == "1"  # nginx keeps it a second too


def test_a_page_for_a_position_from_the_browser_is_public_but_not_kept_by_the_server(client):
    JamFactory(latitude=51.51, longitude=-0.13)
    url = "/en/?around=51.5123,-0.1234"

    first = client.get(url)
    second, queries = get_without_queries(client, url)

    assert second.content == first.content
    assert queries > 0  # drawn again: positions are seldom asked twice, keeping each would crowd the cache
    assert second["Cache-Control"] == "public, max-age=60"  # the browser may keep it
    assert not [key for key in cache._cache if ":page:" in key]  # (the local-memory cache of the tests)
    assert "X-Accel-Expires" not in second  # nor nginx


def test_the_page_follows_the_visitors_country_and_says_so(client):
    JamFactory(title="Boston Jam", latitude=42.36, longitude=-71.06, country="US")
    url = "/en/?q=Cambridge%2C+MA"

    us = client.get(url, headers={"accept-language": "en-US"})
    germany = client.get(url, headers={"accept-language": "en-DE"})

    assert "2.6 mi" in us.content.decode()
    assert "4.1 km" in germany.content.decode()
    assert {v.strip() for v in us["Vary"].split(",")} == {"Accept-Language", "Cookie"}


def test_a_jam_change_shows_at_once(client):
    jam = JamFactory(title="Before Jam")
    before = client.get(jam.get_absolute_url()).content.decode()
    listed = client.get("/en/?when=all").content.decode()

    services.jam_cancel(jam, by=jam.organiser, reason="The hall flooded.")

    assert "Before Jam" in before
    assert "cancelled" not in before.lower()
    assert "cancelled" in client.get(jam.get_absolute_url()).content.decode().lower()
    assert "Before Jam" in listed
    assert "Before Jam" not in client.get("/en/?when=all").content.decode()  # cancelled Jams leave the list


def test_a_new_or_hidden_photo_shows_on_the_jam_page_at_once(client):
    jam = JamFactory(start=timezone.now() - timedelta(hours=1))  # under way: its photos are shown
    booth, _token = feed_services.booth_create(jam, by=jam.organiser, name="Door")
    before = client.get(jam.get_absolute_url()).content.decode()

    with TestCase.captureOnCommitCallbacks(execute=True):  # the upload, then the worker cleaning it
        photo, _created = feed_services.photo_upload(
            booth,
            upload=SimpleUploadedFile("cake.jpg", jpeg(), content_type="image/jpeg"),
            caption="Cake!",
            language="en",
            taken_at=timezone.now(),
            idempotency_key="k",
        )
    shown = client.get(jam.get_absolute_url()).content.decode()
    feed_services.photo_set_status(photo, Photo.Status.HIDDEN, by=jam.organiser)
    hidden = client.get(jam.get_absolute_url()).content.decode()

    assert ("Cake!" in before, "Cake!" in shown, "Cake!" in hidden) == (False, True, False)


def test_a_campaign_edited_in_the_admin_shows_at_once(admin_client, client):
    campaign = CampaignFactory(name="Birthday")
    client.get("/en/campaigns/")

    admin_client.post(
        f"/admin/jams/campaign/{campaign.pk}/change/",
        {
            "name": "Big Birthday Weekend",
            "slug": campaign.slug,
            "starts_on": campaign.starts_on,
            "ends_on": campaign.ends_on,
            "hashtag": "",
            # The form's translations, none (the admin's inline always sends these four).
            "translations-TOTAL_FORMS": "0",
            "translations-INITIAL_FORMS": "0",
            "translations-MIN_NUM_FORMS": "0",
            "translations-MAX_NUM_FORMS": "1000",
        },
    )

    assert "Big Birthday Weekend" in client.get("/en/campaigns/").content.decode()


def test_signed_in_pages_are_their_own_and_never_shared(client):
    organiser = UserFactory()
    anonymous = client.get("/en/resources/")
    client.force_login(organiser)

    mine = client.get("/en/resources/")
    client.logout()
    again = client.get("/en/resources/").content.decode()

    assert "Dashboard" in mine.content.decode()
    assert mine["Cache-Control"] == "private, no-store"
    assert "X-Accel-Expires" not in mine
    assert "Dashboard" not in anonymous.content.decode()
    assert "Dashboard" not in again


def test_a_visitor_with_a_message_waiting_gets_a_fresh_page(client):
    client.get("/en/resources/")
    client.cookies["messages"] = "anything"

    response = client.get("/en/resources/")

    assert response["Cache-Control"] == "private, no-cache"


def test_a_page_holding_a_csrf_token_is_never_shared():
    renders = []

    @public_page()
    def form_page(request):
        renders.append(1)
        return HttpResponse(f"<input value='{get_token(request)}'>")

    with translation.override("en"):
        for _ in range(2):
            request = RequestFactory().get("/en/form/")
            request.LANGUAGE_CODE = "en"
            response = form_page(request)

    assert len(renders) == 2
    assert response["Cache-Control"] == "private, no-cache"


def test_an_unchanged_page_is_not_sent_again(client):
    first = client.get("/en/resources/")

    again = client.get("/en/resources/", headers={"if-none-match": first["ETag"]})

    assert first["ETag"]
    assert again.status_code == 304


def test_a_change_made_by_another_process_shows_once_the_versions_are_read_again(client, monkeypatch):
    jam = JamFactory(title="Old title")
    monkeypatch.setattr(pagecache, "VERSIONS_FRESH_S", 3600)
    client.get(jam.get_absolute_url())
    Jam.objects.filter(pk=jam.pk).update(title="New title")
    cache.set(selectors.PUBLIC_VERSION_KEY, 123)  # what another process's bump() writes

    meanwhile = client.get(jam.get_absolute_url()).content.decode()
    monkeypatch.setattr(pagecache, "VERSIONS_FRESH_S", 0)  # (a second is 1.0)
    later = client.get(jam.get_absolute_url()).content.decode()

    assert "Old title" in meanwhile
    assert "New title" in later


def test_the_versions_a_process_knows_are_read_again_together(client, monkeypatch):
    clock = [1_000.0]
    monkeypatch.setattr(pagecache, "_monotonic", lambda: clock[0])
    jams = [JamFactory(), JamFactory(), JamFactory()]
    for jam in jams:
        client.get(jam.get_absolute_url())  # each page under its own photos' version
    clock[0] += pagecache.VERSIONS_FRESH_S  # every version this process read is stale now
    client.get(jams[0].get_absolute_url())  # reads them all again
    reads = []
    monkeypatch.setattr(cache, "get_many", lambda keys: reads.append(keys) or {})

    for jam in jams[1:]:
        client.get(jam.get_absolute_url())

    assert reads == []  # the other Jams' versions came with the first one's


def test_each_process_keeps_only_the_busiest_pages(client, monkeypatch):
    monkeypatch.setattr(pagecache, "LOCAL_PAGES", 2)
    for url in ["/en/resources/", "/en/campaigns/", "/fr/resources/", "/en/resources/"]:
        client.get(url)

    assert len(pagecache._local_pages) == 2


def test_every_copy_expires_even_when_nothing_changed(client, monkeypatch):
    jam = JamFactory(title="Old title")
    clock = [1_000_000.0]
    monkeypatch.setattr(pagecache, "_now", lambda: clock[0])
    client.get(jam.get_absolute_url())
    Jam.objects.filter(pk=jam.pk).update(title="New title")  # past the services: no version changes

    clock[0] += pagecache.SERVER_TIMEOUT_S - 1
    meanwhile = client.get(jam.get_absolute_url()).content.decode()
    clock[0] += 2
    later = client.get(jam.get_absolute_url()).content.decode()

    assert "Old title" in meanwhile
    assert "New title" in later  # e.g. a date that has passed, a countdown
