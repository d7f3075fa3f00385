import pytest
from django.core import mail
from django.urls import reverse

from jamportal.attendance import services
from jamportal.attendance.models import Signup
from jamportal.attendance.tests.factories import SignupSheetFactory, sign_up
from jamportal.jams import services as jam_services

pytestmark = pytest.mark.django_db


def _form(**overrides):
    return {"name": "Ada Lovelace", "email": "ada@example.org", "adults": "1", "children": "2", **overrides}


def test_a_visitor_signs_up_and_lands_on_their_personal_page(client, django_capture_on_commit_callbacks):
    sheet = SignupSheetFactory(capacity=5)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("attendance:signup", args=[sheet.jam.slug]), _form(), follow=True)

    signup = Signup.objects.get()
    assert (signup.adults, signup.children, signup.status) == (1, 2, Signup.Status.PLACE)
    assert response.redirect_chain[0][0].startswith("/en/signup/")
    assert response["Referrer-Policy"] == "same-origin"
    assert "You have a place for 3 people." in response.text
    assert signup.checkin_code in response.text
    assert mail.outbox[0].to == ["ada@example.org"]


def test_a_form_with_nobody_coming_is_explained_and_keeps_what_was_typed(client):
    sheet = SignupSheetFactory()

    response = client.post(reverse("attendance:signup", args=[sheet.jam.slug]), _form(adults="0", children="0"))

    assert response.status_code == 200
    assert "Please say how many people are coming: at least one." in response.text
    assert 'value="Ada Lovelace"' in response.text
    assert not Signup.objects.exists()


def test_the_honeypot_thanks_a_bot_and_keeps_nothing(client):
    sheet = SignupSheetFactory()

    response = client.post(reverse("attendance:signup", args=[sheet.jam.slug]), _form(website="http://spam"))

    assert "We have emailed you the details." in response.text
    assert not Signup.objects.exists()


def test_one_address_signing_up_too_often_is_told_to_wait(client, settings):
    sheet = SignupSheetFactory(capacity=100)
    url = reverse("attendance:signup", args=[sheet.jam.slug])
    for number in range(5):
        client.post(url, _form(email="same@example.org", name=f"Person {number}"))

    response = client.post(url, _form(email="same@example.org"))

    assert response.status_code == 429
    assert "Many sign-ups came from your network in the last hour." in response.text
    assert Signup.objects.count() == 1  # (the second to fifth were told they had signed up already)


def test_the_cancel_link_changes_nothing_until_its_button_is_pressed(client):
    sheet = SignupSheetFactory()
    signup, token = sign_up(sheet.jam)

    client.get(reverse("attendance:cancel", args=[token]))
    signup.refresh_from_db()
    assert signup.status == Signup.Status.PLACE

    client.post(reverse("attendance:cancel", args=[token]))
    signup.refresh_from_db()
    assert signup.status == Signup.Status.CANCELLED


def test_deleting_by_the_link_forgets_the_signup_and_the_link(client):
    sheet = SignupSheetFactory()
    _signup, token = sign_up(sheet.jam)

    client.post(reverse("attendance:delete", args=[token]))

    assert not Signup.objects.exists()
    assert client.get(reverse("attendance:mine", args=[token])).status_code == 404


def test_the_jam_page_offers_sign_up_only_while_the_sheet_is_open(client):
    sheet = SignupSheetFactory()
    url = sheet.jam.get_absolute_url()
    assert reverse("attendance:signup", args=[sheet.jam.slug]) in client.get(url).text

    sheet.is_open = False
    sheet.save()
    from jamportal import pagecache

    pagecache.clear_local()
    from django.core.cache import cache

    cache.clear()
    assert reverse("attendance:signup", args=[sheet.jam.slug]) not in client.get(url).text


def test_a_personal_link_that_no_longer_works_says_so(client):
    response = client.get(reverse("attendance:mine", args=["x" * 43]))

    assert response.status_code == 404
    assert "This link no longer works" in response.text


def test_a_cancelled_jams_sign_up_page_says_it_is_cancelled(client):
    sheet = SignupSheetFactory()
    jam_services.jam_cancel(sheet.jam, by=sheet.jam.organiser)

    response = client.get(reverse("attendance:signup", args=[sheet.jam.slug]))

    assert "This Jam has been cancelled." in response.text
    assert "<form" not in response.text.split("<main")[1]


def test_someone_checked_in_cannot_give_up_their_place_by_the_link(client):
    sheet = SignupSheetFactory()
    signup, token = sign_up(sheet.jam)
    services.check_in(signup)

    response = client.post(reverse("attendance:cancel", args=[token]))

    signup.refresh_from_db()
    assert signup.status == Signup.Status.PLACE
    assert "Checked in. Enjoy the Jam!" in response.text


def test_the_check_in_page_warns_before_the_jam_has_started(client):
    sheet = SignupSheetFactory()  # a week ahead
    client.force_login(sheet.jam.organiser)

    page = client.get(reverse("attendance:check-in", args=[sheet.jam.slug])).text

    assert "Your Jam has not started yet" in page


def test_the_venue_and_town_are_joined_as_the_pages_language_joins_them(client):
    """A Persian page joins them with the Persian comma, each isolated (found by the outsider pass)."""
    from jamportal.cldr import names

    sheet = SignupSheetFactory(jam__venue_name="Metalab", jam__city="Wien")

    html = client.get(f"/fa/jams/{sheet.jam.slug}/signup/").text

    assert f"<bdi>Metalab</bdi>{names.list_comma('fa')}<bdi>Wien</bdi>" in html
    assert names.list_comma("fa") != ", "
