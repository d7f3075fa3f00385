import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import translation

from jamportal.attendance import selectors, services
from jamportal.attendance.models import Signup
from jamportal.attendance.tests.factories import SignupSheetFactory, sign_up
from jamportal.jams import services as jam_services
from jamportal.jams.models import Jam

pytestmark = pytest.mark.django_db
Status = Signup.Status


def test_signup_gets_a_place_while_places_are_free_then_waits():
    sheet = SignupSheetFactory(capacity=3)
    first, _ = sign_up(sheet.jam, name="Ada", adults=1, children=1)
    second, _ = sign_up(sheet.jam, name="Brian", adults=2)
    third, _ = sign_up(sheet.jam, name="Chioma")

    assert [first.status, second.status, third.status] == [Status.PLACE, Status.WAITING, Status.PLACE]
    assert selectors.places_taken(sheet.jam) == 3
    assert selectors.waiting_position(second) == 1


def test_cancelling_gives_the_place_to_the_first_waiting_party_that_fits(django_capture_on_commit_callbacks):
    sheet = SignupSheetFactory(capacity=4)
    ada, _ = sign_up(sheet.jam, name="Ada", adults=2)
    sign_up(sheet.jam, name="Brian", adults=2)
    big, _ = sign_up(sheet.jam, name="Big family", adults=2, children=2)
    small, _ = sign_up(sheet.jam, name="Solo")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.signup_cancel(ada)

    big.refresh_from_db()
    small.refresh_from_db()
    assert (big.status, small.status) == (Status.WAITING, Status.PLACE)
    assert sorted(message.to[0] for message in mail.outbox) == ["ada@example.org", "solo@example.org"]


def test_the_personal_link_finds_the_signup_and_only_its_hash_is_stored():
    sheet = SignupSheetFactory()
    signup, token = sign_up(sheet.jam)

    assert selectors.signup_for_token_or_404(token) == signup
    stored = Signup.objects.filter(pk=signup.pk).values_list(named=True).get()
    assert token not in [str(value) for value in stored]
    with pytest.raises(Http404):
        selectors.signup_for_token_or_404(token[:-1] + ("A" if token[-1] != "A" else "B"))


def test_signing_up_to_a_closed_sheet_or_a_cancelled_jam_is_refused():
    sheet = SignupSheetFactory(is_open=False)
    with pytest.raises(services.SignupsClosed):
        sign_up(sheet.jam)
    open_sheet = SignupSheetFactory()
    Jam.objects.filter(pk=open_sheet.jam.pk).update(status=Jam.Status.CANCELLED)
    open_sheet.jam.refresh_from_db()
    with pytest.raises(services.SignupsClosed):
        sign_up(open_sheet.jam)
    assert not Signup.objects.exists()


def test_a_party_cannot_grow_past_the_places_left():
    sheet = SignupSheetFactory(capacity=3)
    signup, _ = sign_up(sheet.jam, adults=2)

    with pytest.raises(ValidationError) as refused:
        services.signup_change(signup, name="Ada", adults=2, children=2, needs="", first_jam=False)

    assert refused.value.messages == ["Only 3 people can come on this sign-up: the Jam has no more places."]
    signup.refresh_from_db()
    assert signup.people == 2


def test_the_email_of_a_place_carries_the_personal_link_the_calendar_and_the_qr_code(
    django_capture_on_commit_callbacks,
):
    sheet = SignupSheetFactory()
    with django_capture_on_commit_callbacks(execute=True):
        _signup, token = sign_up(sheet.jam, language="fr")

    (message,) = mail.outbox
    assert f"/fr/signup/{token}/" in message.body
    assert [name for name, _content, _type in message.attachments] == ["jam.ics", "place-qr.png"]


def test_cancelling_the_jam_tells_everyone_signed_up_with_the_organisers_words(django_capture_on_commit_callbacks):
    sheet = SignupSheetFactory(capacity=1)
    sign_up(sheet.jam, name="Ada")
    sign_up(sheet.jam, name="Brian")  # waiting
    gone, _ = sign_up(sheet.jam, name="Chioma")
    services.signup_cancel(gone)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        jam_services.jam_cancel(sheet.jam, by=sheet.jam.organiser, reason="The hall flooded.")

    assert sorted(message.to[0] for message in mail.outbox) == ["ada@example.org", "brian@example.org"]
    assert all("The hall flooded." in message.body for message in mail.outbox)
    assert mail.outbox[0].subject == f"Cancelled: “{sheet.jam.title}”"
    sheet.refresh_from_db()
    assert not sheet.is_open


def test_a_party_bigger_than_the_jam_or_the_limit_is_refused_with_the_numbers():
    sheet = SignupSheetFactory(capacity=3)

    with pytest.raises(ValidationError) as too_big:
        sign_up(sheet.jam, adults=2, children=2)
    with pytest.raises(ValidationError) as past_limit:
        sign_up(SignupSheetFactory(capacity=100).jam, adults=5, children=6)

    assert too_big.value.messages == ["This Jam has 3 places in all."]
    assert past_limit.value.messages == [
        "At most 10 people can come on one sign-up. For a bigger group, please ask the organiser."
    ]
    assert not Signup.objects.exists()


def test_signing_up_again_with_the_same_address_emails_the_link_again_and_adds_nobody(
    django_capture_on_commit_callbacks,
):
    sheet = SignupSheetFactory()
    first, token = sign_up(sheet.jam, email="Ada@Example.org")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(services.AlreadySignedUp):
        sign_up(sheet.jam, email="ada@example.org", adults=3)

    assert Signup.objects.get() == first
    (message,) = mail.outbox
    assert f"/signup/{token}/" in message.body


def test_a_message_with_nobody_signed_up_is_refused_and_nothing_is_kept():
    sheet = SignupSheetFactory()

    with pytest.raises(ValidationError) as refused:
        services.message_send(sheet.jam, subject="News", body="Bring a laptop.")

    assert refused.value.messages == ["Nobody has signed up yet, so there is nobody to send it to."]
    assert not sheet.jam.signup_messages.exists()


def test_the_days_message_limit_is_said_in_the_pages_digits():
    sheet = SignupSheetFactory()
    sign_up(sheet.jam)
    for number in range(services.MESSAGES_PER_DAY):
        services.message_send(sheet.jam, subject=f"News {number}", body="Bring a laptop.")

    with translation.override("fa"), pytest.raises(ValidationError) as refused:
        services.message_send(sheet.jam, subject="One more", body="Bring a laptop.")

    assert "۳" in refused.value.messages[0]
