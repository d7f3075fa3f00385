"""The organiser's kit pages: limits and requirements said up front, the postcode
required where the country uses postcodes, a progress tracker, a quiet cancel."""

import re

import pytest
from django.urls import reverse

from jamportal.kits.models import KitRequest
from jamportal.kits.tests.test_kits import form_data, kit, make_request  # noqa: F401 (kit is a fixture)

pytestmark = pytest.mark.django_db


def field_html(page, name):
    return re.search(rf'<div class="field[^"]*">\s*<label for="id_{name}">.*?</div>\n', page, re.S).group(0)


def test_postcode_is_marked_required_where_the_country_uses_postcodes(client, kit):
    japan = make_request(kit, country="JP", postcode="100-0001")
    cameroon = make_request(kit, country="CM", postcode="")
    client.force_login(japan.jam.organiser)
    in_japan = client.get(reverse("kits:edit", args=[japan.pk])).content.decode()
    client.force_login(cameroon.jam.organiser)
    in_cameroon = client.get(reverse("kits:edit", args=[cameroon.pk])).content.decode()

    assert 'class="field required"' in field_html(in_japan, "postcode")
    assert " required" in re.search(r'<input[^>]*id="id_postcode"[^>]*>', in_japan).group(0)
    assert "JP" in re.search(r'data-required-in="([^"]*)"', in_japan).group(1).split()
    assert "CM" not in re.search(r'data-required-in="([^"]*)"', in_japan).group(1).split()
    assert 'class="field required"' not in field_html(in_cameroon, "postcode")


def test_a_missing_postcode_in_japan_is_refused_once_with_the_reason(client, kit):
    japan = make_request(kit, country="JP", postcode="100-0001")
    client.force_login(japan.jam.organiser)

    page = client.post(reverse("kits:edit", args=[japan.pk]), form_data(kit, country="JP", postcode="")).content.decode()

    assert page.count("This country uses postcodes: please give one.") == 2  # the summary and the field
    assert '<a href="#id_postcode">' in page


def test_quantities_say_their_limit_up_front(client, kit):
    jam = make_request(kit).jam
    client.force_login(jam.organiser)

    page = client.get(reverse("kits:edit", args=[jam.kit_request.pk])).content.decode()

    assert "Up to 5." in page
    assert "Up to 2." in page
    assert 'max="5"' in page


@pytest.mark.parametrize(
    ("status", "current"),
    [("requested", "Requested"), ("packed", "Packed"), ("delivered", "Arrived")],
)
def test_the_request_page_shows_where_the_kit_is(client, kit, status, current):
    kit_request = make_request(kit)
    KitRequest.objects.filter(pk=kit_request.pk).update(status=status)
    client.force_login(kit_request.jam.organiser)

    page = client.get(reverse("kits:request", args=[kit_request.pk])).content.decode()

    tracker = re.search(r'<ol class="kit-progress".*?</ol>', page, re.S).group(0)
    steps = re.findall(r"<li([^>]*)>([^<]+)", tracker)
    assert [label for _attrs, label in steps] == ["Requested", "Approved", "Packed", "Shipped", "Arrived"]
    assert [label for attrs, label in steps if 'aria-current="step"' in attrs] == [current]


def test_a_cancelled_request_has_no_tracker(client, kit):
    kit_request = make_request(kit)
    KitRequest.objects.filter(pk=kit_request.pk).update(status="cancelled")
    client.force_login(kit_request.jam.organiser)

    page = client.get(reverse("kits:request", args=[kit_request.pk])).content.decode()

    assert "kit-progress" not in page


def test_cancelling_is_a_quiet_link_that_asks_first(client, kit):
    kit_request = make_request(kit)
    client.force_login(kit_request.jam.organiser)

    page = client.get(reverse("kits:request", args=[kit_request.pk])).content.decode()

    cancel = re.search(r'<details class="confirm-cancel">.*?</details>', page, re.S).group(0)
    assert "<summary>Cancel the request</summary>" in cancel
    assert 'value="cancelled" class="danger">Yes, cancel the request</button>' in cancel
    assert page.count('value="cancelled"') == 1
