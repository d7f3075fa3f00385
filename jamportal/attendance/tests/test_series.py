"""Those signed up for a date of a repeating Jam hear when it moves or is skipped, each in
their own language."""

import datetime

import pytest
from django.conf import settings
from django.core import mail

from jamportal.attendance import services
from jamportal.attendance.models import SignupSheet
from jamportal.attendance.tests.factories import sign_up
from jamportal.cldr import formats
from jamportal.jams import services as jam_services
from jamportal.jams.tests.test_series import monthly_jam
from jamportal.jams.tests.test_series_views import approved_series

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_date():
    """The second date of an approved monthly Jam, with one place taken, one waiting and one given up."""
    series = approved_series(count=3)
    jam = series.occurrences.order_by("occurrence_start")[1]
    services.sheet_save(jam, capacity=1)
    sign_up(jam, name="Ada")
    sign_up(jam, name="Reza", language="fa")  # waiting
    gone, _ = sign_up(jam, name="Kenji", language="ja")
    services.signup_cancel(gone)
    mail.outbox.clear()
    return jam


def test_a_moved_date_emails_everyone_signed_up_the_old_and_new_times_in_their_language(
    second_date, django_capture_on_commit_callbacks
):
    new_start = datetime.datetime.combine(
        second_date.local_start.date() + datetime.timedelta(days=1), datetime.time(11)
    )

    with django_capture_on_commit_callbacks(execute=True):
        jam_services.series_date_move(
            second_date, by=second_date.organiser, start=new_start, end=new_start + datetime.timedelta(hours=2)
        )

    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["ada@example.org", "reza@example.org"]
    english = by_address["ada@example.org"]
    assert english.subject == f"New day or time: “{second_date.title}”"
    old = f"{second_date.local_start:%B} {second_date.local_start.day}, {second_date.local_start.year}"
    assert f"Before: {old}, 10:00 AM\u2009–\u20091:00 PM\n" in english.body
    assert f"Now: {new_start:%B} {new_start.day}, {new_start.year}, 11:00 AM\u2009–\u20091:00 PM\n" in english.body
    assert "/signup/" in english.body
    persian = by_address["reza@example.org"]
    assert persian.subject == f"روز یا ساعت تازه: «{second_date.title}»"
    assert "۱۱:۰۰" in persian.body


def test_a_date_whose_words_change_but_not_its_times_emails_nobody(second_date, django_capture_on_commit_callbacks):
    data = {name: getattr(second_date, name) for name in jam_services.EDITABLE_FIELDS}

    with django_capture_on_commit_callbacks(execute=True):
        jam_services.jam_update(second_date, by=second_date.organiser, data={**data, "title": "Renamed"})

    assert mail.outbox == []


def test_a_skipped_date_emails_everyone_signed_up_that_it_is_cancelled(second_date, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        jam_services.series_date_skip(second_date, by=second_date.organiser, reason="The hall is closed that day.")

    assert sorted(message.to[0] for message in mail.outbox) == ["ada@example.org", "reza@example.org"]
    assert all("The hall is closed that day." in message.body for message in mail.outbox)


def test_new_dates_of_a_jam_taking_sign_ups_take_them_too_with_as_many_places():
    jam = monthly_jam()
    services.sheet_save(jam, capacity=25, is_open=False)

    series = jam_services.series_create(jam, by=jam.organiser, frequency="monthly-weekday", count=3)

    sheets = [
        (date.signup_sheet.capacity, date.signup_sheet.is_open)
        for date in series.occurrences.order_by("occurrence_start").select_related("signup_sheet")
    ]
    assert sheets == [(25, False), (25, True), (25, True)]


def test_new_dates_of_a_jam_booked_elsewhere_take_no_sign_ups_here():
    jam = monthly_jam()

    series = jam_services.series_create(jam, by=jam.organiser, frequency="monthly-weekday", count=3)

    assert SignupSheet.objects.filter(jam__series=series).count() == 0


# --- issue 22 fixes: a cancelled date is one date ---


def test_a_skipped_date_emails_that_date_is_cancelled_and_the_jam_goes_on_in_their_language(
    second_date, django_capture_on_commit_callbacks
):
    third = second_date.series.occurrences.order_by("occurrence_start")[2]

    with django_capture_on_commit_callbacks(execute=True):
        jam_services.series_date_skip(second_date, by=second_date.organiser)

    by_address = {message.to[0]: message for message in mail.outbox}
    english = by_address["ada@example.org"]
    day = second_date.local_start
    when = f"{day:%B} {day.day}, {day.year}"
    assert english.subject == f"Cancelled on {when}: “{second_date.title}”"
    assert f"“{second_date.title}” on {when} has been cancelled" in english.body
    assert "has been cancelled, so your sign-up is no longer needed" not in english.body
    nxt = third.local_start
    assert f"The Jam goes on: its next date is {nxt:%B} {nxt.day}, {nxt.year}, 10:00 AM" in english.body
    assert f"{settings.SITE_URL}/en/jams/{third.slug}/" in english.body
    assert f"Find another Jam near you:\n{settings.SITE_URL}/en/\n" in english.body
    persian = by_address["reza@example.org"]
    assert formats.format_date(day.date(), "fa") in persian.subject
    assert f"{settings.SITE_URL}/fa/jams/{third.slug}/" in persian.body
    assert f"{settings.SITE_URL}/fa/\n" in persian.body


def test_the_last_date_of_a_stopped_series_emails_a_link_to_the_series_page(
    second_date, django_capture_on_commit_callbacks
):
    first = second_date.series.occurrences.order_by("occurrence_start")[0]
    third = second_date.series.occurrences.order_by("occurrence_start")[2]
    services.sheet_save(third, capacity=5)
    sign_up(third, name="Grace")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        jam_services.series_end(second_date.series, by=first.organiser, last_day=second_date.local_start.date())

    (message,) = mail.outbox
    assert message.to == ["grace@example.org"]
    assert "The Jam goes on" not in message.body
    assert f"See the Jam's other dates:\n{settings.SITE_URL}/en/series/{third.series_id}/\n" in message.body


def test_opening_sign_ups_of_a_skipped_date_is_refused_with_the_reason(client):
    series = approved_series(count=3)
    date = series.occurrences.order_by("occurrence_start")[1]
    services.sheet_save(date, capacity=10)
    jam_services.series_date_skip(date, by=series.organiser)
    client.force_login(series.organiser)

    response = client.post(f"/en/jams/{date.slug}/attendees/", {"action": "open"}, follow=True)
    booking = client.post(
        f"/en/jams/{date.slug}/attendees/", {"action": "booking", "booking": "here", "capacity": "20"}
    )

    assert [str(message) for message in response.context["messages"]] == [
        "This Jam has been cancelled: nobody can sign up for it."
    ]
    assert booking.status_code == 302
    date.signup_sheet.refresh_from_db()
    assert (date.signup_sheet.is_open, date.signup_sheet.capacity) == (False, 10)


def test_a_sign_up_for_a_skipped_date_cannot_be_changed_by_a_form_posted_anyway(client):
    series = approved_series(count=3)
    date = series.occurrences.order_by("occurrence_start")[1]
    services.sheet_save(date, capacity=10)
    signup, token = sign_up(date, name="Ada", adults=2)
    jam_services.series_date_skip(date, by=series.organiser)

    response = client.post(f"/en/signup/{token}/", {"name": "Ada", "adults": "5", "children": "0", "needs": ""})

    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.adults == 2
