"""The door's check-in page and its two endpoints: the Jam's list (JSON) and the sync
of what the door phone did, online or queued while offline."""

import io
import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from jamportal.attendance import services
from jamportal.attendance.models import Signup
from jamportal.attendance.tests.factories import SignupSheetFactory, sign_up
from jamportal.jams.tests.factories import JamFactory, UserFactory
from jamportal.tests.test_html_valid import validate

pytestmark = pytest.mark.django_db


@pytest.fixture
def door(client):
    """A Jam with two parties that have a place, one waiting, one cancelled; its organiser signed in."""
    sheet = SignupSheetFactory(capacity=5)
    jam = sheet.jam
    ada, _ = sign_up(jam, name="Ada Lovelace", adults=1, children=2)
    grace, _ = sign_up(jam, name="Grace Hopper", adults=2)
    waiting, _ = sign_up(jam, name="Wai Ting", adults=3)
    gone, _ = sign_up(jam, name="Gone Away", adults=1)
    services.signup_cancel(gone)
    client.force_login(jam.organiser)
    return {"jam": jam, "ada": ada, "grace": grace, "waiting": waiting, "gone": gone}


def urls(jam):
    return {
        "page": reverse("attendance:check-in", args=[jam.slug]),
        "list": reverse("attendance:check-in-list", args=[jam.slug]),
        "sync": reverse("attendance:check-in-sync", args=[jam.slug]),
    }


def sync(client, jam, items):
    body = json.dumps({"items": items})
    return client.post(urls(jam)["sync"], body, content_type="application/json")


def check_in_item(signup, item_id=None):
    return {"id": str(item_id or uuid.uuid4()), "kind": "check-in", "code": signup.checkin_code}


def walk_in_item(item_id=None, **fields):
    return {"id": str(item_id or uuid.uuid4()), "kind": "walk-in", "name": "Walk In", "adults": 1, "children": 1,
            **fields}  # fmt: skip


def test_the_page_lets_the_camera_in_and_is_kept_by_nobody(client, door):
    response = client.get(urls(door["jam"])["page"])

    assert response.status_code == 200
    assert response["Permissions-Policy"].startswith("camera=(self)")
    assert "microphone=()" in response["Permissions-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert door["jam"].title in response.text
    assert 'data-list-url="' + urls(door["jam"])["list"] in response.text
    assert "vendor/jsqr/dist/jsQR.js" in response.text
    assert "<script>" not in response.text  # no inline script: CSP forbids them


def test_other_pages_still_forbid_the_camera(client, door):
    response = client.get(reverse("attendance:signup", args=[door["jam"].slug]))

    assert "camera=()" in response["Permissions-Policy"]


def test_the_list_has_everyone_with_a_place_and_the_counts(client, door):
    services.check_in(door["grace"])

    response = client.get(urls(door["jam"])["list"])

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    data = response.json()
    people = {person["name"]: person for person in data["people"]}
    assert set(people) == {"Ada Lovelace", "Grace Hopper"}  # not the waiting list, not the cancelled
    assert people["Ada Lovelace"] == {
        "code": door["ada"].checkin_code,
        "name": "Ada Lovelace",
        "adults": 1,
        "children": 2,
        "checked_in": False,
        "walk_in": False,
    }
    assert people["Grace Hopper"]["checked_in"] is True
    assert data["counts"] == {"checked_in": 2, "expected": 5, "walk_ins": 0}
    assert "email" not in response.text
    assert "@example.org" not in response.text


def test_the_list_costs_the_same_queries_for_more_people(client, door, assert_constant_queries):
    assert_constant_queries(urls(door["jam"])["list"], lambda: sign_up(door["jam"], name="Third Party"))


@pytest.mark.parametrize("what", ["page", "list", "sync"])
def test_anonymous_visitors_are_sent_to_sign_in(door, what):
    response = Client().get(urls(door["jam"])[what])

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("what", ["page", "list", "sync"])
def test_another_organiser_finds_nothing(door, what):
    other = Client()
    other.force_login(UserFactory())

    if what == "sync":
        response = sync(other, door["jam"], [check_in_item(door["ada"]), walk_in_item()])
    else:
        response = other.get(urls(door["jam"])[what])

    assert response.status_code == 404
    assert "Ada Lovelace" not in response.text
    assert not Signup.objects.filter(checked_in_at__isnull=False).exists()
    assert not Signup.objects.filter(walk_in=True).exists()


def test_a_jam_without_a_sign_up_sheet_has_no_check_in(client):
    jam = JamFactory()
    client.force_login(jam.organiser)

    assert client.get(urls(jam)["page"]).status_code == 404
    assert client.get(urls(jam)["list"]).status_code == 404


def test_the_queue_sent_twice_counts_everyone_once(client, door):
    items = [check_in_item(door["ada"]), walk_in_item(name="Lin Walker", adults=2, children=1)]

    first = sync(client, door["jam"], items)
    second = sync(client, door["jam"], items)

    assert first.status_code == second.status_code == 200
    assert [r["status"] for r in first.json()["results"]] == ["checked-in", "added"]
    assert [r["status"] for r in second.json()["results"]] == ["already", "added"]
    assert [r["id"] for r in second.json()["results"]] == [item["id"] for item in items]
    assert first.json()["results"][0]["person"]["name"] == "Ada Lovelace"
    walk_ins = Signup.objects.filter(walk_in=True)
    assert [(w.name, w.adults, w.children) for w in walk_ins] == [("Lin Walker", 2, 1)]
    assert walk_ins[0].checked_in_at is not None
    assert Signup.objects.filter(checked_in_at__isnull=False).count() == 2
    assert second.json()["counts"] == {"checked_in": 6, "expected": 8, "walk_ins": 3}


def test_a_second_check_in_keeps_the_first_time(client, door):
    sync(client, door["jam"], [check_in_item(door["ada"])])
    first_time = Signup.objects.get(pk=door["ada"].pk).checked_in_at

    sync(client, door["jam"], [check_in_item(door["ada"])])

    assert Signup.objects.get(pk=door["ada"].pk).checked_in_at == first_time


def test_unknown_waiting_and_cancelled_codes_are_not_checked_in(client, door):
    other_jams = sign_up(SignupSheetFactory().jam, name="Elsewhere")[0]
    items = [check_in_item(s) for s in (door["waiting"], door["gone"], other_jams)]
    items.append({"id": str(uuid.uuid4()), "kind": "check-in", "code": "NOPE"})

    response = sync(client, door["jam"], items)

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["unknown"] * 4
    assert results[0]["message"] == "This code is not on the list of people with a place at this Jam."
    assert not Signup.objects.filter(checked_in_at__isnull=False).exists()


def test_a_bad_walk_in_is_explained_and_the_rest_is_kept(client, door):
    items = [
        walk_in_item(name="", adults=1),
        walk_in_item(name="Nobody", adults=0, children=0),
        walk_in_item(name="Too many", adults=99),
        walk_in_item(name="Text", adults="two"),
        check_in_item(door["ada"]),
    ]

    response = sync(client, door["jam"], items)

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["status"] for r in results] == ["invalid", "invalid", "invalid", "invalid", "checked-in"]
    assert "This field is required." in results[0]["message"]
    assert "Please say how many people are coming: at least one." in results[1]["message"]
    assert "less than or equal to 10" in results[2]["message"]
    assert "Enter a whole number." in results[3]["message"]
    assert not Signup.objects.filter(walk_in=True).exists()


def test_a_walk_in_id_used_by_another_jam_is_refused(client, door):
    other = SignupSheetFactory().jam
    taken = uuid.uuid4()
    services.walk_in_add(other, name="Theirs", client_id=taken)

    response = sync(client, door["jam"], [walk_in_item(item_id=taken)])

    assert response.json()["results"][0]["status"] == "invalid"
    assert "Theirs" not in response.text
    assert not Signup.objects.filter(jam=door["jam"], walk_in=True).exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{not json", "The check-ins sent are not valid JSON."),
        ('{"things": []}', "Send the check-ins as a list named items."),
        ('{"items": {}}', "Send the check-ins as a list named items."),
        ("[1, 2]", "Send the check-ins as a list named items."),
        (json.dumps({"items": [{"kind": "check-in", "code": "X"}] * 501}), "Send at most 500 check-ins at a time."),
        ('{"items": ' + "[" * 50_000, "The check-ins sent are not valid JSON."),
    ],
)
def test_a_malformed_sync_gets_400_and_a_message(client, door, body, message):
    response = client.post(urls(door["jam"])["sync"], body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"error": message}


def test_items_without_an_id_or_kind_are_explained_one_by_one(client, door):
    items = [{"kind": "check-in", "code": door["ada"].checkin_code}, {"id": str(uuid.uuid4()), "kind": "dance"}, 7]

    response = sync(client, door["jam"], items)

    results = response.json()["results"]
    assert [r["status"] for r in results] == ["invalid"] * 3
    assert results[0]["id"] is None
    assert all(r["message"] for r in results)
    assert not Signup.objects.filter(checked_in_at__isnull=False).exists()


def test_the_sync_needs_the_csrf_token(door):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(door["jam"].organiser)

    response = sync(strict, door["jam"], [check_in_item(door["ada"])])

    assert response.status_code == 403
    assert not Signup.objects.filter(checked_in_at__isnull=False).exists()


def test_the_sync_answers_in_the_pages_language(client, door):
    response = client.post(
        "/de" + urls(door["jam"])["sync"].removeprefix("/en"),
        json.dumps({"items": "x"}),
        content_type="application/json",
    )

    assert response.status_code == 400
    assert response.json()["error"] != "Send the check-ins as a list named items."


def test_the_jam_page_links_its_organiser_to_the_check_in(client, door):
    jam_url = door["jam"].get_absolute_url()

    assert urls(door["jam"])["page"] in client.get(jam_url).text
    assert urls(door["jam"])["page"] not in Client().get(jam_url).text
    no_sheet = JamFactory(organiser=door["jam"].organiser)
    assert reverse("attendance:check-in", args=[no_sheet.slug]) not in client.get(no_sheet.get_absolute_url()).text


def test_the_service_worker_is_served_under_the_page(client, door):
    response = client.get(urls(door["jam"])["page"] + "offline.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert 'addEventListener("fetch"' in response.text


def test_the_places_qr_code_is_a_full_qr_code_not_a_micro_one(door):
    """Phones and jsQR read only full QR codes (at least 21 modules a side); segno.make
    makes a Micro QR code (17 at most) of a 12-letter code."""
    png = Image.open(io.BytesIO(services.place_qr_png(door["ada"])))
    svg = services.place_qr_svg(door["ada"])

    assert png.size[0] >= (21 + 2 * 4) * 8  # modules and the quiet zone, 8 pixels each
    assert 'width="174"' in svg  # (21 + 2 * 4) * 6


@pytest.mark.slow  # the Nu HTML checker runs in Java
def test_the_page_is_valid_html_in_english_and_persian(client, door, tmp_path):
    files = []
    for language in ("en", "fa"):
        url = f"/{language}" + urls(door["jam"])["page"].removeprefix("/en")
        files.append(tmp_path / f"check-in-{language}.html")
        files[-1].write_bytes(client.get(url).content)

    assert [message["message"] for message in validate(files)] == []


def test_codes_and_names_that_are_not_text_are_explained_not_a_server_error(client, door):
    items = [
        {"id": str(uuid.uuid4()), "kind": "check-in", "code": ["a"]},
        {"id": str(uuid.uuid4()), "kind": "check-in", "code": {"a": 1}},
        walk_in_item(name=["x"]),
    ]

    response = sync(client, door["jam"], items)

    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["unknown", "unknown", "invalid"]
    assert not Signup.objects.filter(walk_in=True).exists()
