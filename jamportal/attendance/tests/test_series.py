"""Those signed up for a date of a repeating Jam hear when it moves or is skipped, each in
their own language."""

import datetime

import pytest
from django.core import mail

from jamportal.attendance import services
from jamportal.attendance.models import SignupSheet
from jamportal.attendance.tests.factories import sign_up
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
