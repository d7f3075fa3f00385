"""The organiser's sign-ups page, its actions, the CSV and the message to everyone."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from jamportal.attendance import services
from jamportal.attendance.models import Signup, SignupSheet
from jamportal.attendance.tests.factories import SignupSheetFactory, sign_up
from jamportal.jams.tests.factories import JamFactory

pytestmark = pytest.mark.django_db
Status = Signup.Status


def _url(jam, name="attendees", *args):
    return reverse(f"attendance:{name}", args=[jam.slug, *args])


@pytest.fixture
def organiser(client):
    jam = JamFactory(title="Cambridge Jam", website="")
    client.force_login(jam.organiser)
    return jam


def test_the_organiser_turns_sign_ups_on_with_a_capacity_and_sees_who_signed_up(client, organiser):
    response = client.post(_url(organiser), {"action": "booking", "booking": "here", "capacity": "5"}, follow=True)

    sheet = SignupSheet.objects.get(jam=organiser)
    assert (sheet.capacity, sheet.is_open) == (5, True)
    assert "Sign-ups are open." in response.text
    sign_up(organiser, name="Grace Hopper", adults=2, children=1, needs="Step-free access")

    page = client.get(_url(organiser)).text

    assert "Grace Hopper" in page
    assert "Step-free access" in page
    assert "3 of 5" in page
    assert "2 adults, 1 under-18" in page


@pytest.mark.parametrize(
    ("website", "data", "error"),
    [
        ("", {"booking": "here", "capacity": ""}, "How many people can come? Give the number of places."),
        ("", {"booking": "here", "capacity": "0"}, "Ensure this value is greater than or equal to 1."),
        ("", {"booking": "link"}, "Your Jam has no event webpage yet"),
        ("https://example.org/book", {"booking": "none"}, "To take no bookings, remove that address"),
    ],
)
def test_a_booking_choice_that_cannot_work_is_explained_and_changes_nothing(client, website, data, error):
    jam = JamFactory(website=website)
    client.force_login(jam.organiser)

    response = client.post(_url(jam), {"action": "booking", **data})

    assert response.status_code == 400
    assert error in response.text
    assert not SignupSheet.objects.exists()


def test_choosing_the_own_booking_page_is_refused_while_people_are_signed_up_here(client):
    sheet = SignupSheetFactory(jam__website="https://example.org/book")
    client.force_login(sheet.jam.organiser)
    _signup, _token = sign_up(sheet.jam)

    response = client.post(_url(sheet.jam), {"action": "booking", "booking": "link"})

    assert response.status_code == 400
    assert "1 sign-up is on your list: close sign-ups instead" in response.text
    sheet.refresh_from_db()
    assert sheet.is_open is True
    assert Signup.objects.get().status == Status.PLACE


def test_choosing_the_own_booking_page_sends_visitors_there(client):
    sheet = SignupSheetFactory(jam__website="https://example.org/book")
    client.force_login(sheet.jam.organiser)

    client.post(_url(sheet.jam), {"action": "booking", "booking": "link"})

    assert not SignupSheet.objects.exists()
    client.logout()
    assert "Book a place on the event's page" in client.get(sheet.jam.get_absolute_url()).text


def test_closed_sign_ups_send_nobody_to_another_booking_page(client):
    sheet = SignupSheetFactory(jam__website="https://example.org/book", is_open=False)

    page = client.get(sheet.jam.get_absolute_url()).text

    assert "Sign-ups for this Jam are closed." in page
    assert "https://example.org/book" not in page


def test_closing_and_opening_sign_ups(client):
    sheet = SignupSheetFactory()
    client.force_login(sheet.jam.organiser)

    client.post(_url(sheet.jam), {"action": "close"})
    sheet.refresh_from_db()
    assert sheet.is_open is False
    with pytest.raises(services.SignupsClosed):
        sign_up(sheet.jam)

    client.post(_url(sheet.jam), {"action": "open"})
    sheet.refresh_from_db()
    assert sheet.is_open is True


def test_the_waiting_list_is_in_order_and_the_organiser_gives_a_place(client, django_capture_on_commit_callbacks):
    sheet = SignupSheetFactory(capacity=1)
    client.force_login(sheet.jam.organiser)
    sign_up(sheet.jam, name="Ada")
    first, _ = sign_up(sheet.jam, name="Brian")
    sign_up(sheet.jam, name="Chioma")
    page = client.get(_url(sheet.jam)).text
    waiting = page[page.index("Waiting list") :]
    assert waiting.index("Brian") < waiting.index("Chioma")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(sheet.jam, "attendee-action", first.pk, "place"), follow=True)

    first.refresh_from_db()
    assert first.status == Status.PLACE
    assert "Brian has a place now." in response.text
    assert "2 of 1" in response.text  # the organiser's own decision, past the capacity
    assert [message.to for message in mail.outbox] == [["brian@example.org"]]


def test_taking_someone_off_the_list_asks_first_then_emails_them_and_moves_the_list(
    client, django_capture_on_commit_callbacks
):
    sheet = SignupSheetFactory(capacity=1)
    client.force_login(sheet.jam.organiser)
    ada, _ = sign_up(sheet.jam, name="Ada")
    brian, _ = sign_up(sheet.jam, name="Brian")
    url = _url(sheet.jam, "attendee-action", ada.pk, "cancel")

    question = client.get(url)
    ada.refresh_from_db()
    assert ada.status == Status.PLACE
    assert "Yes, take them off the list" in question.text
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)

    ada.refresh_from_db()
    brian.refresh_from_db()
    assert (ada.status, brian.status) == (Status.CANCELLED, Status.PLACE)
    assert sorted(message.to[0] for message in mail.outbox) == ["ada@example.org", "brian@example.org"]
    [told] = [message for message in mail.outbox if message.to == ["ada@example.org"]]
    assert told.subject == f"Your sign-up for “{sheet.jam.title}” is cancelled"
    assert "The organiser of this Jam has cancelled your sign-up" in told.body
    assert "Thank you for letting the organiser know" not in told.body  # (what an attendee who cancelled reads)


def test_deleting_a_fake_entry_forgets_it_without_an_email(client, django_capture_on_commit_callbacks):
    sheet = SignupSheetFactory(capacity=1)
    client.force_login(sheet.jam.organiser)
    fake, _ = sign_up(sheet.jam, name="asdf asdf")
    real, _ = sign_up(sheet.jam, name="Real Person")
    url = _url(sheet.jam, "attendee-action", fake.pk, "delete")
    assert "Yes, delete it for good" in client.get(url).text
    assert Signup.objects.filter(pk=fake.pk).exists()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)

    assert not Signup.objects.filter(pk=fake.pk).exists()
    real.refresh_from_db()
    assert real.status == Status.PLACE
    assert [message.to for message in mail.outbox] == [["real.person@example.org"]]


def test_a_sign_up_of_another_jam_or_an_unknown_action_is_not_found(client):
    sheet = SignupSheetFactory()
    client.force_login(sheet.jam.organiser)
    elsewhere, _ = sign_up(SignupSheetFactory().jam)
    mine, _ = sign_up(sheet.jam)

    assert client.post(_url(sheet.jam, "attendee-action", elsewhere.pk, "delete")).status_code == 404
    assert client.post(_url(sheet.jam, "attendee-action", mine.pk, "explode")).status_code == 404
    assert client.post(_url(sheet.jam, "attendee-action", mine.pk, "place")).status_code == 404  # has a place
    assert Signup.objects.count() == 2


def test_the_csv_holds_everyone_signed_up_and_no_formula(client):
    sheet = SignupSheetFactory(capacity=3, jam__timezone="Europe/London")
    client.force_login(sheet.jam.organiser)
    sign_up(sheet.jam, name='=HYPERLINK("http://evil")', email="evil@example.org", needs="@SUM(1)")
    sign_up(sheet.jam, name="مریم", email="maryam@example.org", children=1, first_jam=True)
    sign_up(sheet.jam, name="Late", adults=3)
    services.check_in(Signup.objects.get(name="مریم"))

    response = client.get(_url(sheet.jam, "attendees-csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="signups-{sheet.jam.slug}.csv"'
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Name", "Email", "Adults", "Under-18s", "Needs", "First Jam", "Status", "Signed up", "Checked in",
    ]  # fmt: skip
    assert [row[:7] for row in rows[1:]] == [
        ['\'=HYPERLINK("http://evil")', "evil@example.org", "1", "0", "'@SUM(1)", "no", "Has a place"],
        ["مریم", "maryam@example.org", "1", "1", "", "yes", "Has a place"],
        ["Late", "late@example.org", "3", "0", "", "no", "On the waiting list"],
    ]
    assert rows[2][8]
    assert not rows[1][8]
    assert rows[1][7][:2] == "20"


def test_a_message_goes_to_each_attendee_alone(client, django_capture_on_commit_callbacks):
    sheet = SignupSheetFactory(capacity=1)
    client.force_login(sheet.jam.organiser)
    sign_up(sheet.jam, name="Ada")
    sign_up(sheet.jam, name="Brian")  # waiting: told too
    cancelled, _ = sign_up(sheet.jam, name="Gone")
    services.signup_cancel(cancelled)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(sheet.jam, "message"), {"subject": "Parking", "body": "Park behind the hall."}, follow=True
        )

    assert "Your message is on its way to 2 sign-ups." in response.text
    assert sorted(message.to for message in mail.outbox) == [["ada@example.org"], ["brian@example.org"]]
    for message in mail.outbox:
        assert (message.cc, message.bcc) == ([], [])
        assert "Park behind the hall." in message.body
        others = {"ada@example.org", "brian@example.org", "gone@example.org", sheet.jam.organiser.email} - set(
            message.to
        )
        assert not [address for address in others if address in message.body or address in str(message.message())]


def test_a_message_past_the_days_limit_is_refused_and_keeps_what_was_typed(client, django_capture_on_commit_callbacks):
    sheet = SignupSheetFactory()
    client.force_login(sheet.jam.organiser)
    sign_up(sheet.jam)
    for number in range(services.MESSAGES_PER_DAY):
        services.message_send(sheet.jam, subject=f"Note {number}", body="x")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(sheet.jam, "message"), {"subject": "One more", "body": "Bring a laptop."})

    assert response.status_code == 400
    assert "You can send 3 messages a day. Please try again tomorrow." in response.text
    assert 'value="One more"' in response.text
    assert "Bring a laptop.</textarea>" in response.text
    assert mail.outbox == []


def test_the_attendee_list_costs_the_same_queries_for_more_sign_ups(client, assert_constant_queries):
    sheet = SignupSheetFactory(capacity=3)
    client.force_login(sheet.jam.organiser)
    sign_up(sheet.jam, name="Ada")

    def more():
        for name in ("Brian", "Chioma", "Dev", "Eun"):
            sign_up(sheet.jam, name=name, first_jam=True, needs="Quiet room")

    assert_constant_queries(_url(sheet.jam), more)


def test_the_dashboard_links_each_jam_to_its_sign_ups(client):
    sheet = SignupSheetFactory(capacity=4)
    client.force_login(sheet.jam.organiser)
    sign_up(sheet.jam, adults=2, children=1)
    sign_up(sheet.jam, name="Waits", adults=2)  # on the waiting list: not counted
    other = JamFactory(organiser=sheet.jam.organiser)

    page = client.get(reverse("dashboard")).text

    assert f'<a href="{_url(sheet.jam)}">Sign-ups: 3 of 4</a>' in page
    assert f'<a href="{_url(other)}">Take sign-ups</a>' in page


def test_the_jam_page_links_its_organiser_to_the_sign_ups(client):
    jam = JamFactory()
    assert _url(jam) not in client.get(jam.get_absolute_url()).text
    client.force_login(jam.organiser)

    assert _url(jam) in client.get(jam.get_absolute_url()).text


def test_a_post_without_a_known_action_changes_nothing_and_shows_the_page(client):
    sheet = SignupSheetFactory(capacity=5)
    client.force_login(sheet.jam.organiser)

    response = client.post(_url(sheet.jam), {"action": "explode", "capacity": "1"})

    assert response.status_code == 200
    assert "This field is required." not in response.text
    sheet.refresh_from_db()
    assert (sheet.capacity, sheet.is_open) == (5, True)


def test_the_message_page_says_up_front_when_todays_messages_are_used_up(client):
    sheet = SignupSheetFactory()
    sign_up(sheet.jam)
    for number in range(services.MESSAGES_PER_DAY):
        services.message_send(sheet.jam, subject=f"News {number}", body="Bring a laptop.")
    client.force_login(sheet.jam.organiser)

    page = client.get(reverse("attendance:message", args=[sheet.jam.slug])).text

    assert "You have sent today's messages." in page
    assert 'name="subject"' not in page
