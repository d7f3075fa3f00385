"""What becomes of attendees' data: in the organiser's data export, forgotten after the
Jam (figures kept), reminded once each with a one-tap cancel, and when the organiser
closes their account."""

import datetime
import json
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from jamportal.accounts.models import User
from jamportal.attendance import selectors, services
from jamportal.attendance.models import Signup, SignupEvent, SignupSheet
from jamportal.attendance.tests.factories import SignupSheetFactory, sign_up
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import PASSWORD, JamFactory

pytestmark = pytest.mark.django_db
Status = Signup.Status


def test_the_organisers_data_holds_their_attendees_and_messages_but_no_secrets(client):
    sheet = SignupSheetFactory(capacity=2)
    signup, token = sign_up(sheet.jam, name="Grace", children=1, needs="Wheelchair", first_jam=True)
    sign_up(sheet.jam, name="Waiting Wendy")
    services.message_send(sheet.jam, subject="Parking", body="Behind the hall")
    sign_up(SignupSheetFactory().jam, name="Someone Elses Attendee")
    client.force_login(sheet.jam.organiser)

    response = client.get(reverse("account-data"))

    [jam] = json.loads(response.content)["jams"]
    assert jam["signup_sheet"] == {"capacity": 2, "open": True}
    assert [
        (s["name"], s["email"], s["under_18s"], s["needs"], s["first_jam"], s["status"]) for s in jam["signups"]
    ] == [
        ("Grace", "grace@example.org", 1, "Wheelchair", True, "place"),
        ("Waiting Wendy", "waiting.wendy@example.org", 0, "", False, "waiting"),
    ]
    assert [(m["subject"], m["body"], m["recipients"]) for m in jam["messages_sent"]] == [
        ("Parking", "Behind the hall", 2)
    ]
    text = response.content.decode()
    for secret in (token, signup.token_hash, signup.token_salt, signup.checkin_code):
        assert secret not in text
    assert "Someone Elses Attendee" not in text


def test_anonymising_forgets_who_came_and_keeps_the_figures(client, settings):
    now = timezone.now()
    old = SignupSheetFactory(capacity=3)
    recent = SignupSheetFactory()
    ada, ada_token = sign_up(old.jam, name="Ada", children=2, needs="Quiet", first_jam=True)
    sign_up(old.jam, name="Bea", adults=2)  # waiting
    services.check_in(ada)
    kept, _token = sign_up(recent.jam, name="Carol")
    ended = now - datetime.timedelta(days=settings.ATTENDEE_DATA_DAYS + 1)
    Jam.objects.filter(pk=old.jam.pk).update(start=ended - datetime.timedelta(hours=5), end=ended)
    Jam.objects.filter(pk=recent.jam.pk).update(
        start=now - datetime.timedelta(days=settings.ATTENDEE_DATA_DAYS - 1, hours=5),
        end=now - datetime.timedelta(days=settings.ATTENDEE_DATA_DAYS - 1),
    )
    figures = selectors.attendance_figures(old.jam)

    assert services.signups_anonymise(now=now) == 2

    assert list(Signup.objects.filter(jam=old.jam).values_list("name", "email", "needs", "token_hash")) == [
        ("", "", "", None),
        ("", "", "", None),
    ]
    # Every figure stays but "with needs": the needs themselves are gone (what they were
    # about is personal), and with them that count.
    assert selectors.attendance_figures(old.jam) == {**figures, "with_needs": 0}
    assert figures["with_needs"] == 1
    assert figures["checked_in"] == 3
    assert not SignupEvent.objects.filter(signup__jam=old.jam).exists()
    assert client.get(reverse("attendance:mine", args=[ada_token])).status_code == 404
    kept.refresh_from_db()
    assert (kept.name, kept.anonymised_at) == ("Carol", None)
    assert services.signups_anonymise(now=now) == 0  # once is enough


def test_the_organisers_list_after_anonymising_shows_numbers_without_names(client, settings):
    sheet = SignupSheetFactory()
    sign_up(sheet.jam, name="Ada Lovelace", adults=2)
    ended = timezone.now() - datetime.timedelta(days=settings.ATTENDEE_DATA_DAYS + 1)
    Jam.objects.filter(pk=sheet.jam.pk).update(start=ended - datetime.timedelta(hours=5), end=ended)
    services.signups_anonymise()
    client.force_login(sheet.jam.organiser)

    page = client.get(reverse("attendance:attendees", args=[sheet.jam.slug])).text

    assert "Ada Lovelace" not in page
    assert "Details deleted after the Jam" in page
    assert "2 adults" in page


def _jam_in(sheet, delta):
    start = timezone.now() + delta
    Jam.objects.filter(pk=sheet.jam.pk).update(start=start, end=start + datetime.timedelta(hours=5))
    sheet.jam.refresh_from_db()


def test_each_reminder_goes_once_and_its_one_tap_link_frees_the_place(client, django_capture_on_commit_callbacks):
    sheet = SignupSheetFactory(capacity=1)
    ada, _ = sign_up(sheet.jam, name="Ada")
    bea, _ = sign_up(sheet.jam, name="Bea")  # waiting: no reminder
    _jam_in(sheet, datetime.timedelta(days=5))
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.signups_remind() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.signups_remind() == 0  # the week's reminder went already

    [week] = mail.outbox
    assert week.to == ["ada@example.org"]
    assert week.subject.startswith("In a week")
    cancel_path = re.search(r"https?://[^/\s]+(/en/signup/[^/\s]+/cancel/)", week.body)[1]

    _jam_in(sheet, datetime.timedelta(hours=20))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.signups_remind() == 1
        assert services.signups_remind() == 0
    assert [message.subject.split(":")[0] for message in mail.outbox] == ["In a week", "Tomorrow"]
    assert cancel_path in mail.outbox[1].body

    assert "Cancel my place" in client.get(cancel_path).text  # a mail scanner's GET changes nothing
    ada.refresh_from_db()
    assert ada.status == Status.PLACE
    with django_capture_on_commit_callbacks(execute=True):
        client.post(cancel_path)
    ada.refresh_from_db()
    bea.refresh_from_db()
    assert (ada.status, bea.status) == (Status.CANCELLED, Status.PLACE)


def test_an_organiser_leaving_keeps_the_jam_and_its_sign_ups_but_closes_the_sheet(client):
    sheet = SignupSheetFactory(capacity=1)
    _ada, ada_token = sign_up(sheet.jam, name="Ada")
    bea, _ = sign_up(sheet.jam, name="Bea")
    organiser = sheet.jam.organiser
    client.force_login(organiser)

    client.post(reverse("account-delete"), {"jams": "keep", "password": PASSWORD})

    assert not User.objects.filter(pk=organiser.pk).exists()
    sheet.refresh_from_db()
    assert sheet.is_open is False
    assert list(Signup.objects.values_list("name", "status")) == [("Ada", Status.PLACE), ("Bea", Status.WAITING)]
    with pytest.raises(services.SignupsClosed):
        sign_up(sheet.jam, name="Newcomer")
    # Those signed up still see, and can give up, their place; the list still moves.
    assert "You have a place" in client.get(reverse("attendance:mine", args=[ada_token])).text
    client.post(reverse("attendance:cancel", args=[ada_token]))
    bea.refresh_from_db()
    assert bea.status == Status.PLACE


def test_an_organiser_leaving_with_their_jams_removed_takes_the_sign_ups_too(client):
    sheet = SignupSheetFactory()
    sign_up(sheet.jam)
    client.force_login(sheet.jam.organiser)

    client.post(reverse("account-delete"), {"jams": "remove", "password": PASSWORD})

    assert not Signup.objects.exists()
    assert not SignupSheet.objects.exists()
    assert not JamFactory._meta.model.objects.exists()


def test_those_signed_up_for_a_jam_removed_with_its_organiser_are_told_it_is_cancelled(
    client, django_capture_on_commit_callbacks
):
    sheet = SignupSheetFactory(jam__title="Pi Party Douala")
    sign_up(sheet.jam, name="Ada", language="fr")
    client.force_login(sheet.jam.organiser)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account-delete"), {"jams": "remove", "password": PASSWORD})

    (message,) = mail.outbox
    assert message.to == ["ada@example.org"]
    assert message.subject == "Annulée : « Pi Party Douala »"
    assert not Signup.objects.exists()
