"""Organisers download everything we hold about them, and close their account
with their Jams either left up anonymously or removed."""

import json
import re

import pytest
from django.urls import reverse

from jamportal.accounts.models import User
from jamportal.feed import services as feed_services
from jamportal.feed.models import Booth, Photo
from jamportal.feed.tests.test_feed import post as upload
from jamportal.jams import services as jam_services
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import PASSWORD, JamFactory, ModeratorFactory, UserFactory
from jamportal.kits import services as kit_services
from jamportal.kits.models import KitRequest, StockLevel
from jamportal.kits.tests.factories import address, kit_with_shirts

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser(client):
    """An organiser with an approved Jam (translated, with a kit request, a booth and a photo)."""
    kit, shirts = kit_with_shirts()
    campaign = kit.campaign
    jam = JamFactory(title="Ada's Jam", campaign=campaign, social_handle="@ada", host_name="Ada Lovelace")
    user = jam.organiser
    jam_services.jam_translation_save(jam, by=user, language="fr", title="La Jam d'Ada", description="Bonjour")
    kit_request = kit_services.kit_request_create(jam, by=user, data=address(), lines={(shirts, "M"): 2})
    kit_services.kit_request_move(kit_request, KitRequest.Status.APPROVED, by=UserFactory(is_superuser=True))
    _booth, token = feed_services.booth_create(jam, by=user, name="Door")
    upload(client, token, caption="Ada waving")
    client.force_login(user)
    return user


def stock():
    level = StockLevel.objects.get()
    return level.reserved, level.available


def test_download_holds_their_things_and_no_secrets(client, organiser):
    JamFactory(title="Someone else's Jam")

    response = client.get(reverse("account-data"))

    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith('attachment; filename="jamportal-')
    assert data["account"]["email"] == organiser.email
    [jam] = data["jams"]
    assert (jam["title"], jam["social_handle"], jam["status"]) == ("Ada's Jam", "@ada", "approved")
    assert jam["translations"] == [{"language": "fr", "title": "La Jam d'Ada", "description": "Bonjour"}]
    assert jam["kit_request"]["address_line1"] == "1 Station Road"
    assert jam["kit_request"]["items"] == [{"item": "T-shirt", "size": "M", "quantity": 2}]
    assert jam["booths"][0]["name"] == "Door"
    assert jam["photos"][0]["caption"] == "Ada waving"
    text = response.content.decode()
    assert organiser.password not in text
    assert Booth.objects.get().token_hash not in text
    assert "Someone else" not in text


def test_delete_keeping_the_jams_leaves_them_up_without_the_organiser(client, organiser):
    before = stock()

    response = client.post(reverse("account-delete"), {"jams": "keep", "password": PASSWORD})

    jam = Jam.objects.get()
    assert response.status_code == 302
    assert not User.objects.filter(pk=organiser.pk).exists()
    assert (jam.organiser, jam.status, jam.social_handle, jam.host_name) == (None, "approved", "", "")
    assert client.get(jam.get_absolute_url()).status_code == 200  # still on the map and its page
    kit_request = KitRequest.objects.get()
    assert (kit_request.status, kit_request.address_line1, kit_request.recipient_name) == ("cancelled", "", "")
    assert (before, stock()) == ((2, 8), (0, 10))  # the kit's T-shirts are back in stock
    assert Booth.objects.get().revoked_at is not None
    assert "_auth_user_id" not in client.session
    client.force_login(ModeratorFactory())
    assert "an account since deleted" in client.get(reverse("jams:moderate", args=[jam.slug])).content.decode()


def test_delete_keeping_the_jams_keeps_only_those_on_the_map(client, organiser):
    """A Jam nobody can finish or answer for any more (a draft, one waiting for review or
    sent back) goes with the account: found by the outsider pass in the moderation queue."""
    for status in ("draft", "submitted", "rejected", "cancelled"):
        JamFactory(title=f"A {status} Jam", organiser=organiser, status=status)

    client.post(reverse("account-delete"), {"jams": "keep", "password": PASSWORD})

    assert sorted(Jam.objects.values_list("title", flat=True)) == ["A cancelled Jam", "Ada's Jam"]
    client.force_login(ModeratorFactory())
    assert "A submitted Jam" not in client.get(reverse("jams:moderation")).content.decode()


def test_a_kit_address_deleted_with_the_account_says_so(client, organiser):
    kit_request, staff = KitRequest.objects.get(), UserFactory(is_superuser=True)
    kit_services.kit_request_move(kit_request, KitRequest.Status.PACKED, by=staff)
    kit_services.kit_request_move(kit_request, KitRequest.Status.SHIPPED, by=staff, carrier="DHL", tracking_number="1")

    client.post(reverse("account-delete"), {"jams": "keep", "password": PASSWORD})

    client.force_login(staff)
    page = client.get(reverse("kits:request", args=[kit_request.pk])).content.decode()
    assert "The address was deleted with the organiser's account." in page
    assert "after the campaign" not in page


def test_delete_removing_the_jams_removes_photos_booths_and_kits(client, organiser):
    response = client.post(reverse("account-delete"), {"jams": "remove", "password": PASSWORD})

    assert response.status_code == 302
    assert not User.objects.filter(pk=organiser.pk).exists()
    assert not Jam.objects.exists()
    assert not Photo.objects.exists()
    assert not Booth.objects.exists()
    assert not KitRequest.objects.exists()
    assert stock() == (0, 10)


def test_wrong_password_changes_nothing_and_keeps_the_choice(client, organiser):
    response = client.post(reverse("account-delete"), {"jams": "remove", "password": "not-it"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "That is not your password." in html
    assert re.search(r'<input[^>]*value="remove"[^>]*checked', html)  # the choice is kept
    assert User.objects.filter(pk=organiser.pk).exists()
    assert Jam.objects.count() == 1


def test_account_pages_need_a_signed_in_organiser(client):
    for name in ("account", "account-data", "account-delete"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
