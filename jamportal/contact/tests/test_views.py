"""The contact form, the relayed email, the limits and the report link, through the
real views, SQLite and the locmem outbox."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from jamportal.contact import selectors, services
from jamportal.contact.models import ContactBlock, ContactMessage
from jamportal.jams import services as jam_services
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import JamFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db

BODY = "Is there parking near the venue?\nWe come with two children."


def _form(**overrides):
    return {"sender_name": "Ada Lovelace", "sender_email": "ada@example.org", "body": BODY, **overrides}


def _post(client, jam, capture, **overrides):
    with capture(execute=True):
        return client.post(reverse("contact:contact", args=[jam.slug]), _form(**overrides))


def _report_link(message):
    return re.search(r"https://jams\.example(/\w+/contact/report/[\w-]+/)", message.body).group(1)


def test_a_message_is_emailed_to_the_organiser_in_their_language_with_reply_to_the_sender(
    client, django_capture_on_commit_callbacks
):
    jam = JamFactory(title="Cambridge Jam", organiser=UserFactory(email="org@example.org", language="de"))

    response = _post(client, jam, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response["Location"] == f"/en/jams/{jam.slug}/contact/sent/"
    (email,) = mail.outbox
    assert email.to == ["org@example.org"]
    assert email.reply_to == ["ada@example.org"]
    assert email.cc == []
    assert email.bcc == []
    assert email.subject == "Nachricht von \u2068Ada Lovelace\u2069 zu „\u2068Cambridge Jam\u2069“"
    assert "\u2068Is there parking near the venue?\u2069\n\u2068We come with two children.\u2069" in email.body
    assert "Englisch" in email.body  # the language the sender wrote in, in the organiser's
    assert "https://jams.example/de/contact/report/" in email.body
    message = ContactMessage.objects.get()
    assert (message.sender_name, message.sender_email, message.language) == ("Ada Lovelace", "ada@example.org", "en")
    assert message.notified_at is not None


def test_the_sender_never_sees_the_organisers_address(client, django_capture_on_commit_callbacks):
    jam = JamFactory(organiser=UserFactory(email="secret-organiser@example.org"))

    form_page = client.get(reverse("contact:contact", args=[jam.slug]))
    response = _post(client, jam, django_capture_on_commit_callbacks)
    thanks = client.get(response["Location"])

    for page in (form_page, thanks):
        assert page.status_code == 200
        assert "secret-organiser" not in page.text
    assert "Your message is on its way to the organisers." in thanks.text
    assert [m.to for m in mail.outbox] == [["secret-organiser@example.org"]]  # no copy to anyone else


def test_a_persian_senders_name_and_text_are_isolated_in_an_english_email(client, django_capture_on_commit_callbacks):
    jam = JamFactory(title="Cambridge Jam", organiser=UserFactory(language="en"))

    _post(client, jam, django_capture_on_commit_callbacks, sender_name="سارا احمدی", body="سلام، پارکینگ دارید؟")

    (email,) = mail.outbox
    assert email.subject == "Message from \u2068سارا احمدی\u2069 about “\u2068Cambridge Jam\u2069”"
    assert "\u2068سارا احمدی\u2069 (\u2068ada@example.org\u2069) wrote to you" in email.body
    assert "\n\u2068سلام، پارکینگ دارید؟\u2069\n" in email.body


def test_the_form_page_is_in_the_senders_language_and_never_cached(client):
    jam = JamFactory()

    response = client.get(f"/ja/jams/{jam.slug}/contact/")

    assert response.status_code == 200
    with translation.override("ja"):
        assert translation.gettext("Contact the organisers") in response.text
        assert translation.gettext("Send the message") in response.text
    assert "no-store" in response["Cache-Control"]


def test_someone_signed_in_finds_their_name_and_address_filled_in(client):
    jam = JamFactory()
    client.force_login(UserFactory(email="grace@example.org", first_name="Grace", last_name="Hopper"))

    response = client.get(reverse("contact:contact", args=[jam.slug]))

    assert 'value="Grace Hopper"' in response.text
    assert 'value="grace@example.org"' in response.text


def test_a_short_message_is_explained_and_keeps_what_was_typed(client, django_capture_on_commit_callbacks):
    jam = JamFactory()

    response = _post(client, jam, django_capture_on_commit_callbacks, body="hi", sender_name="Grace Hopper")

    assert response.status_code == 200
    assert "Please write a little more, so that the organisers can answer: at least 10 characters." in response.text
    assert 'value="Grace Hopper"' in response.text
    assert 'value="ada@example.org"' in response.text
    assert ">\nhi</textarea>" in response.text
    assert not ContactMessage.objects.exists()
    assert mail.outbox == []


def test_a_short_message_in_persian_counts_in_persian_digits(client):
    jam = JamFactory()

    response = client.post(f"/fa/jams/{jam.slug}/contact/", _form(body="سلام"))

    with translation.override("fa"):
        expected = translation.gettext(
            "Please write a little more, so that the organisers can answer: at least %(least)s characters."
        ) % {"least": "۱۰"}
    assert expected in response.text


def test_a_bad_email_address_is_explained_and_keeps_the_message(client, django_capture_on_commit_callbacks):
    jam = JamFactory()

    response = _post(client, jam, django_capture_on_commit_callbacks, sender_email="ada@")

    assert response.status_code == 200
    assert "Enter a valid email address." in response.text
    assert "Is there parking near the venue?" in response.text
    assert mail.outbox == []


def test_the_honeypot_thanks_a_bot_and_keeps_nothing(client, django_capture_on_commit_callbacks):
    jam = JamFactory()

    response = _post(client, jam, django_capture_on_commit_callbacks, website="http://spam.example")

    assert response["Location"] == f"/en/jams/{jam.slug}/contact/sent/"
    assert not ContactMessage.objects.exists()
    assert mail.outbox == []


def test_one_sender_writing_too_often_is_told_to_wait_and_keeps_the_message(
    client, settings, django_capture_on_commit_callbacks
):
    settings.CONTACT_PER_EMAIL_PER_HOUR = 2
    jam = JamFactory()
    for _ in range(2):
        _post(client, jam, django_capture_on_commit_callbacks)

    response = _post(client, jam, django_capture_on_commit_callbacks, body="A third question, please.")

    assert response.status_code == 429
    assert "Many messages came from you in a short time. Please try again later." in response.text
    assert "A third question, please." in response.text
    assert ContactMessage.objects.count() == 2


def test_one_network_address_writing_too_often_in_a_day_is_told_to_wait(
    client, settings, django_capture_on_commit_callbacks
):
    settings.CONTACT_PER_ADDRESS_PER_DAY = 3
    jam = JamFactory()
    for number in range(3):
        _post(client, jam, django_capture_on_commit_callbacks, sender_email=f"person{number}@example.org")

    response = _post(client, jam, django_capture_on_commit_callbacks, sender_email="another@example.org")

    assert response.status_code == 429
    assert len(mail.outbox) == 3


@pytest.mark.parametrize(
    "status", [Jam.Status.DRAFT, Jam.Status.SUBMITTED, Jam.Status.REJECTED], ids=["draft", "submitted", "rejected"]
)
def test_an_unpublished_jam_has_no_form_for_the_public(client, status):
    jam = JamFactory(status=status, approved_at=None)

    assert client.get(reverse("contact:contact", args=[jam.slug])).status_code == 404
    assert client.post(reverse("contact:contact", args=[jam.slug]), _form()).status_code == 404


def test_the_organiser_previewing_a_draft_is_told_when_visitors_can_write(client):
    jam = JamFactory(status=Jam.Status.DRAFT, approved_at=None)
    client.force_login(jam.organiser)

    response = client.get(reverse("contact:contact", args=[jam.slug]))

    assert "Visitors can write to the organisers once this Jam is public." in response.text
    assert "<textarea" not in response.text


def test_a_cancelled_jam_still_takes_questions(client, django_capture_on_commit_callbacks):
    jam = JamFactory()
    jam_services.jam_cancel(jam, by=jam.organiser, reason="The venue flooded.")

    response = _post(client, jam, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert len([m for m in mail.outbox if m.reply_to == ["ada@example.org"]]) == 1


def test_a_jam_long_over_takes_no_messages(client, django_capture_on_commit_callbacks):
    start = timezone.now() - datetime.timedelta(days=selectors.DAYS_AFTER_END + 2)
    jam = JamFactory(start=start, end=start + datetime.timedelta(hours=6))

    page = client.get(reverse("contact:contact", args=[jam.slug]))
    response = _post(client, jam, django_capture_on_commit_callbacks)

    assert "This Jam no longer takes messages here." in page.text
    assert response.status_code == 409
    assert not ContactMessage.objects.exists()


def test_a_jam_whose_organiser_left_takes_no_messages(client, django_capture_on_commit_callbacks):
    jam = JamFactory(organiser=None)

    response = _post(client, jam, django_capture_on_commit_callbacks)

    assert response.status_code == 409
    assert mail.outbox == []


def test_the_jam_page_links_to_the_form_only_while_it_takes_messages(client):
    jam = JamFactory()
    over = timezone.now() - datetime.timedelta(days=selectors.DAYS_AFTER_END + 2)
    old = JamFactory(start=over, end=over + datetime.timedelta(hours=6))

    link = f'href="/en/jams/{jam.slug}/contact/"'
    assert link in client.get(jam.get_absolute_url()).text
    assert "/contact/" not in client.get(old.get_absolute_url()).text
    assert jam.organiser.email not in client.get(jam.get_absolute_url()).text


# --- the report link ---


def _sent(client, jam, capture, **overrides):
    _post(client, jam, capture, **overrides)
    return mail.outbox[-1]


def test_a_get_of_the_report_link_changes_nothing(client, django_capture_on_commit_callbacks):
    jam = JamFactory()
    email = _sent(client, jam, django_capture_on_commit_callbacks)

    response = client.get(_report_link(email))

    assert response.status_code == 200
    assert "Is there parking near the venue?" in response.text
    assert ContactMessage.objects.get().reported_at is None
    assert response["Referrer-Policy"] == "same-origin"


def test_a_reported_sender_is_shown_to_staff_and_can_no_longer_write_to_that_jam(
    client, django_capture_on_commit_callbacks
):
    jam, other = JamFactory(), JamFactory()
    email = _sent(client, jam, django_capture_on_commit_callbacks, sender_email="Troll@Example.org")

    response = client.post(_report_link(email))

    assert response.status_code == 200
    assert "JamPortal's staff will look at it" in response.text
    message = ContactMessage.objects.get()
    assert message.reported_at is not None
    assert ContactBlock.objects.get().message == message
    # The same address (in any case) is thanked, and nothing reaches the organiser.
    mail.outbox.clear()
    again = _post(client, jam, django_capture_on_commit_callbacks, sender_email="troll@example.org")
    assert again["Location"] == f"/en/jams/{jam.slug}/contact/sent/"
    assert mail.outbox == []
    assert ContactMessage.objects.count() == 1
    # Another Jam's organisers still hear from them.
    _post(client, other, django_capture_on_commit_callbacks, sender_email="troll@example.org")
    assert [m.to for m in mail.outbox] == [[other.organiser.email]]


def test_a_report_link_used_twice_says_it_was_reported(client, django_capture_on_commit_callbacks):
    jam = JamFactory()
    link = _report_link(_sent(client, jam, django_capture_on_commit_callbacks))
    client.post(link)

    assert client.post(link).status_code == 200
    assert "You reported this message." in client.get(link).text
    assert ContactBlock.objects.count() == 1


@pytest.mark.parametrize("token", ["x" * 43, "", "a" * 500], ids=["right-length", "empty", "long"])
def test_a_wrong_report_link_finds_nothing(client, django_capture_on_commit_callbacks, token):
    jam = JamFactory()
    _sent(client, jam, django_capture_on_commit_callbacks)

    response = client.post(f"/en/contact/report/{token}/") if token else client.post("/en/contact/report//")

    assert response.status_code == 404
    assert ContactMessage.objects.get().reported_at is None


def test_the_stored_hash_is_not_a_report_link(client, django_capture_on_commit_callbacks):
    jam = JamFactory()
    _sent(client, jam, django_capture_on_commit_callbacks)
    message = ContactMessage.objects.get()

    assert client.post(f"/en/contact/report/{message.report_hash}/").status_code == 404
    assert services.report_token(message) not in (message.report_hash, message.report_salt)


def test_moderators_see_reported_messages_with_the_senders_address_and_text(client, django_capture_on_commit_callbacks):
    jam = JamFactory()
    client.post(_report_link(_sent(client, jam, django_capture_on_commit_callbacks, sender_email="troll@example.org")))
    _post(client, jam, django_capture_on_commit_callbacks, sender_email="kind@example.org")
    reported = ContactMessage.objects.get(reported_at__isnull=False)
    client.force_login(ModeratorFactory())

    listing = client.get("/admin/contact/contactmessage/")
    detail = client.get(f"/admin/contact/contactmessage/{reported.pk}/change/")

    assert "troll@example.org" in listing.text
    assert "kind@example.org" not in listing.text  # between the sender and the organisers
    assert "troll@example.org" in detail.text
    assert "Is there parking near the venue?" in detail.text


def test_staff_without_permission_see_no_messages(client, django_capture_on_commit_callbacks):
    jam = JamFactory()
    client.post(_report_link(_sent(client, jam, django_capture_on_commit_callbacks, sender_email="troll@example.org")))
    client.force_login(UserFactory(is_staff=True))

    response = client.get("/admin/contact/contactmessage/")

    assert response.status_code == 403
    assert "troll@example.org" not in response.text


def test_the_reported_messages_list_costs_the_same_queries_for_more_rows(client, assert_constant_queries):
    jams = [JamFactory(), JamFactory(), JamFactory()]
    client.force_login(ModeratorFactory())

    def report(jam):
        message = services.message_send(jam, sender_name="T", sender_email="t@example.org", body=BODY, language="en")
        services.message_report(message)

    report(jams[0])
    assert_constant_queries("/admin/contact/contactmessage/", lambda: [report(jam) for jam in jams[1:]])
    assert_constant_queries("/admin/contact/contactblock/", lambda: report(JamFactory()))


# --- services ---


def test_messages_nobody_reported_are_forgotten_after_the_days_set(settings, django_capture_on_commit_callbacks):
    settings.CONTACT_MESSAGE_DAYS = 30
    jam = JamFactory()
    with django_capture_on_commit_callbacks(execute=True):
        kept = services.message_send(jam, sender_name="A", sender_email="a@example.org", body=BODY, language="en")
        old = services.message_send(jam, sender_name="B", sender_email="b@example.org", body=BODY, language="en")
        reported = services.message_send(jam, sender_name="C", sender_email="c@example.org", body=BODY, language="en")
    long_ago = timezone.now() - datetime.timedelta(days=31)
    ContactMessage.objects.filter(pk__in=[old.pk, reported.pk]).update(created_at=long_ago)
    services.message_report(reported)

    assert services.messages_forget() == 1
    assert set(ContactMessage.objects.values_list("pk", flat=True)) == {kept.pk, reported.pk}


def test_a_message_is_delivered_once_when_its_task_runs_twice(django_capture_on_commit_callbacks):
    jam = JamFactory()
    with django_capture_on_commit_callbacks(execute=True):
        message = services.message_send(jam, sender_name="A", sender_email="a@example.org", body=BODY, language="en")

    assert services.message_deliver(message_id=message.pk) is False
    assert len(mail.outbox) == 1


def test_a_message_with_control_characters_is_refused_by_the_service():
    jam = JamFactory()

    with pytest.raises(ValidationError):
        services.message_send(jam, sender_name="A\x1b[31m", sender_email="a@example.org", body=BODY, language="en")
    assert not ContactMessage.objects.exists()


def test_contact_recipients_is_the_organiser():
    organiser = UserFactory()
    jam = JamFactory(organiser=organiser)

    assert selectors.contact_recipients(jam) == [organiser]


def test_a_message_goes_to_the_organiser_and_each_co_organiser_never_to_a_helper(
    client, django_capture_on_commit_callbacks
):
    from jamportal.jams.models import JamMember

    jam = JamFactory(organiser=UserFactory(email="org@example.org", language="en"))
    JamMember.objects.create(jam=jam, user=UserFactory(email="co@example.org", language="ja"), role="co-organiser")
    JamMember.objects.create(jam=jam, user=UserFactory(email="door@example.org"), role="helper")

    _post(client, jam, django_capture_on_commit_callbacks)

    by_address = {m.to[0]: m.subject for m in mail.outbox}
    assert sorted(by_address) == ["co@example.org", "org@example.org"]
    assert "メッセージ" in by_address["co@example.org"]  # each in their own language
    assert by_address["org@example.org"].startswith("Message from")
    # Nobody sees another's address.
    assert all(m.reply_to == ["ada@example.org"] and len(m.to) == 1 for m in mail.outbox)


def test_invisible_characters_are_no_message_and_no_name(client, django_capture_on_commit_callbacks):
    """Twelve zero-width spaces passed the ten-character rule, and made an empty-looking
    email (found by the outsider pass)."""
    jam = JamFactory()

    response = _post(client, jam, django_capture_on_commit_callbacks, sender_name="\u200b\u200b", body="\u200b" * 12)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["sender_name"] == ["Please give your name."]
    assert errors["body"] == ["Please write a little more, so that the organisers can answer: at least 10 characters."]
    assert mail.outbox == []
