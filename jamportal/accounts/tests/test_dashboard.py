"""The organiser's dashboard answers "what do I need to do next?"."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from jamportal.cldr import formats as cldr_formats
from jamportal.feed import services as feed_services
from jamportal.feed.models import Photo
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import PASSWORD, CampaignFactory, JamFactory, UserFactory
from jamportal.kits.models import KitRequest
from jamportal.kits.tests.factories import address, kit_with_shirts

pytestmark = pytest.mark.django_db
Status = Jam.Status


def dashboard(client, user):
    client.force_login(user)
    return client.get(reverse("dashboard")).content.decode()


def test_each_jam_says_what_to_do_next(client):
    organiser = UserFactory()
    campaign = CampaignFactory(name="Birthday Weekend")
    kit, _shirt = kit_with_shirts(campaign)
    JamFactory(organiser=organiser, title="Draft Jam", status=Status.DRAFT, approved_at=None)
    JamFactory(organiser=organiser, title="Waiting Jam", status=Status.SUBMITTED, approved_at=None)
    JamFactory(organiser=organiser, title="Approved Jam", campaign=campaign)

    html = dashboard(client, organiser)

    assert "Finish it and send it for review" in html
    assert "Waiting for a moderator" in html
    assert f"Request a birthday kit before {cldr_formats.format_date(kit.request_deadline)}." in html
    assert "Pair a photobooth" in html
    assert "Birthday Weekend: last day to request a kit" in html
    assert f'href="{reverse("jams:campaign-poster", args=[campaign.slug, "a3"])}"' in html


def test_kit_tracking_booth_backlog_and_photos_are_shown(client):
    jam = JamFactory(title="Busy Jam", campaign=CampaignFactory())
    kit, _shirt = kit_with_shirts(jam.campaign)
    KitRequest.objects.create(
        jam=jam, kit=kit, status=KitRequest.Status.SHIPPED, carrier="Royal Mail", tracking_number="RM123", **address(),
    )  # fmt: skip
    booth, _token = feed_services.booth_create(jam, by=jam.organiser, name="Front door")
    booth.last_seen_at = timezone.now() - datetime.timedelta(minutes=3)
    booth.save()
    feed_services.booth_report(booth, backlog=2)
    Photo.objects.create(jam=jam, booth=booth, idempotency_key="k", alt_text="Cake and robots",
                         taken_at=timezone.now(), image="photos/x.jpg")  # fmt: skip

    html = dashboard(client, jam.organiser)

    assert "Birthday kit: Shipped" in html
    assert "Royal Mail tracking number RM123" in html
    assert "Tell us when your kit arrives" in html
    assert "<bdi>Front door</bdi>:" in html
    assert "last contact 3 minutes ago" in html
    assert "2 photos waiting to be posted" in html
    assert 'alt="Cake and robots"' in html
    assert "Pair a photobooth" not in html


def test_nothing_coming_up_invites_to_organise_one(client):
    start = timezone.now() - datetime.timedelta(days=30)
    past = JamFactory(start=start, end=start + datetime.timedelta(hours=4))

    html = dashboard(client, past.organiser)

    assert "You have no Jam coming up." in html
    assert "Past Jams" in html
    assert "Put the date of your next Jam on the map." in html


def test_the_dashboard_is_in_the_organisers_language(client):
    organiser = UserFactory()
    JamFactory(organiser=organiser, status=Status.DRAFT, approved_at=None)
    client.force_login(organiser)

    html = client.get(reverse("dashboard").replace("/en/", "/fr/")).content.decode()

    assert 'lang="fr"' in html
    assert "Finish it and send it for review" not in html


def test_signing_in_leads_to_the_dashboard(client):
    UserFactory(email="ada@example.org")

    response = client.post(reverse("account_login"), {"login": "ada@example.org", "password": PASSWORD})

    assert response["Location"] == reverse("dashboard")


def test_the_kit_deadline_is_not_a_worry_once_the_kit_is_requested(client):
    jam = JamFactory(campaign=CampaignFactory(name="Birthday Weekend"))
    kit, _shirt = kit_with_shirts(jam.campaign)
    KitRequest.objects.create(jam=jam, kit=kit, **address())

    html = dashboard(client, jam.organiser)

    assert "last day to request a kit" not in html
    assert "Request a birthday kit" not in html
    assert "Birthday kit: Requested" in html


def test_jams_come_in_the_order_of_what_needs_doing_each_with_one_main_action(client):
    organiser = UserFactory()
    soon = timezone.now() + datetime.timedelta(days=5)
    later = timezone.now() + datetime.timedelta(days=40)
    JamFactory(organiser=organiser, title="Waiting Jam", status=Status.SUBMITTED, approved_at=None, start=soon,
               end=soon + datetime.timedelta(hours=4))  # fmt: skip
    JamFactory(organiser=organiser, title="Draft Jam", status=Status.DRAFT, approved_at=None, start=later,
               end=later + datetime.timedelta(hours=4))  # fmt: skip
    JamFactory(organiser=organiser, title="Approved Jam", start=soon, end=soon + datetime.timedelta(hours=4))

    html = dashboard(client, organiser)

    titles = re.findall(r'<h3 id="jam-\d+"><a [^>]*><bdi>([^<]+)</bdi></a>', html)
    assert titles == ["Draft Jam", "Approved Jam", "Waiting Jam"]
    actions = re.findall(r'<p class="next-action"><a class="button[^"]*" href="[^"]+">([^<]+)</a>', html)
    assert actions == [
        "Finish it and send it for review: it is not public yet.",
        "Pair a photobooth, so that photos appear on the Jam&#x27;s page.",
    ]


def test_a_new_organiser_sees_one_invitation_and_the_open_campaigns_deadlines(client):
    campaign = CampaignFactory(name="Birthday Weekend")
    kit, _shirt = kit_with_shirts(campaign)

    html = dashboard(client, UserFactory())

    assert html.count(f'href="{reverse("jams:create")}"') == 2  # the site's menu and the one invitation
    deadline = cldr_formats.format_date(kit.request_deadline)
    assert f"{deadline}</time>: Birthday Weekend: last day to request a kit" in html
    assert "Birthday Weekend begins" in html
