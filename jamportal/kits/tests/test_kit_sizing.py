"""Kits sized by real numbers: the request form suggests quantities from the Jam's
sign-ups, and kit staff see how many are coming beside each request."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from jamportal.attendance import services as attendance_services
from jamportal.attendance.tests.factories import sign_up
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, UserFactory
from jamportal.kits import selectors
from jamportal.kits import services as kit_services
from jamportal.kits.models import Kit, KitItem
from jamportal.kits.tests.factories import address, kit_with_shirts

pytestmark = pytest.mark.django_db


@pytest.fixture
def birthday_kit():
    kit = Kit.objects.create(
        campaign=CampaignFactory(),
        request_deadline=timezone.localdate() + datetime.timedelta(days=10),
        dispatch_country="GB",
    )
    sizes = ["Kids 7-8", "Kids 9-10", "S", "M", "L", "XL"]
    KitItem.objects.create(kit=kit, name="T-shirt", sizes=sizes, max_per_request=6, position=1)
    KitItem.objects.create(kit=kit, name="Sticker sheet", max_per_request=50, position=2)
    KitItem.objects.create(kit=kit, name="Poster", max_per_request=2, position=3)
    return kit


def _by_name(suggestion):
    return {f"{item.name} {size}".strip(): quantity for (item, size), quantity in suggestion.items()}


def test_the_suggestion_gives_one_per_person_up_to_the_limit_and_child_sizes_to_under_18s(birthday_kit):
    suggestion = selectors.kit_suggestion(birthday_kit, adults=20, children=14)

    # T-shirts: 6 at most; 14 of 34 are under 18, so 2 of the 6 in child sizes.
    assert _by_name(suggestion) == {
        "T-shirt Kids 7-8": 1,
        "T-shirt Kids 9-10": 1,
        "T-shirt S": 1,
        "T-shirt M": 1,
        "T-shirt L": 1,
        "T-shirt XL": 1,
        "Sticker sheet": 34,
        "Poster": 2,
    }


def test_a_small_jam_gets_what_its_people_need_from_the_middle_sizes():
    kit, _shirts = kit_with_shirts()
    KitItem.objects.filter(kit=kit).update(sizes=["S", "M", "L", "XL"])
    KitItem.objects.create(kit=kit, name="Sticker sheet", max_per_request=50)

    suggestion = selectors.kit_suggestion(kit, adults=2, children=1)

    # No child sizes: everyone in the adult sizes, the middle ones first.
    assert _by_name(suggestion) == {"T-shirt S": 1, "T-shirt M": 1, "T-shirt L": 1, "T-shirt XL": 0, "Sticker sheet": 3}


def test_the_kit_form_starts_from_the_sign_ups_and_says_so(client, birthday_kit):
    jam = JamFactory(campaign=birthday_kit.campaign, expected_attendees=30)
    attendance_services.sheet_save(jam, capacity=35)
    for number in range(10):
        sign_up(jam, name=f"Family {number}", adults=2, children=1)
    sign_up(jam, name="Too many", adults=6, children=4)  # waiting: not counted
    client.force_login(jam.organiser)
    stickers = birthday_kit.items.get(name="Sticker sheet")

    page = client.get(reverse("kits:new", args=[jam.slug])).text

    assert "Suggested from the 30 people with a place at your Jam (10 under 18)" in page
    assert f'name="quantity_{stickers.pk}_" value="30"' in page
    assert 'name="expected_attendees" value="30"' in page


def test_without_sign_ups_here_the_form_starts_from_nothing(client, birthday_kit):
    jam = JamFactory(campaign=birthday_kit.campaign, expected_attendees=25)
    client.force_login(jam.organiser)
    stickers = birthday_kit.items.get(name="Sticker sheet")

    page = client.get(reverse("kits:new", args=[jam.slug])).text

    assert "Suggested from" not in page
    assert f'name="quantity_{stickers.pk}_" value="0"' in page
    assert 'name="expected_attendees" value="25"' in page


def _staff():
    user = UserFactory(is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="fulfil_kits"))
    return user


def test_kit_staff_see_how_many_are_coming_beside_each_request(client):
    kit, shirts = kit_with_shirts()
    jam = JamFactory(campaign=kit.campaign, expected_attendees=60)
    attendance_services.sheet_save(jam, capacity=50)
    sign_up(jam, adults=3, children=2)
    kit_request = kit_services.kit_request_create(
        jam, by=jam.organiser, data=address(expected_attendees=45), lines={(shirts, "M"): 1}
    )
    other = JamFactory(campaign=kit.campaign)
    kit_services.kit_request_create(other, by=other.organiser, data=address(), lines={(shirts, "M"): 1})
    client.force_login(_staff())

    dashboard = client.get(reverse("kits:dashboard", args=[kit.pk])).text
    detail = client.get(reverse("kits:request", args=[kit_request.pk])).text

    for page in (dashboard, detail):
        assert "5 signed up (of 50 places)" in page
        assert "45 expected (this request)" in page
        assert "60 expected (the Jam's page)" in page
    assert "No sign-ups here" in dashboard
