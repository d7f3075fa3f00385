"""Organisers hear of their Jam a week and a day before it, once each, in their language."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from jamportal import celery_app
from jamportal.jams import services
from jamportal.jams.models import Jam, JamEvent
from jamportal.jams.tests.factories import JamFactory, ModeratorFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2031, 2, 24, 9, 0, tzinfo=datetime.UTC)


def jam_starting_in(delta, **fields):
    start = NOW + delta
    return JamFactory(status=Jam.Status.APPROVED, start=start, end=start + datetime.timedelta(hours=4), **fields)


def test_a_week_and_a_day_before_each_once(django_capture_on_commit_callbacks):
    week = jam_starting_in(datetime.timedelta(days=6), title="Week Jam", timezone="Europe/London")
    day = jam_starting_in(datetime.timedelta(hours=20), title="Day Jam")
    jam_starting_in(datetime.timedelta(days=9))  # too early for either
    jam_starting_in(-datetime.timedelta(hours=1))  # already started
    JamFactory(status=Jam.Status.SUBMITTED, start=NOW + datetime.timedelta(days=2))  # not approved

    with django_capture_on_commit_callbacks(execute=True):
        first = services.jams_remind(now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        again = services.jams_remind(now=NOW + datetime.timedelta(hours=1))

    assert (first, again) == (2, 0)
    assert sorted(JamEvent.objects.filter(action__startswith="reminded").values_list("jam__title", "action")) == [
        ("Day Jam", "reminded_day"),
        ("Week Jam", "reminded_week"),
    ]
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects == ["“Day Jam” starts soon", "“Week Jam” is coming up"]
    week_mail = next(message for message in mail.outbox if "Week Jam" in message.subject)
    assert week_mail.to == [week.organiser.email]
    assert "Your Raspberry Jam is less than a week away." in week_mail.body
    assert "(United Kingdom Time)" in week_mail.body
    assert f"/jams/{week.slug}/" in week_mail.body
    assert "/resources/" in week_mail.body
    assert day.organiser.email in [message.to[0] for message in mail.outbox]


def test_the_week_reminder_is_followed_by_the_day_one(django_capture_on_commit_callbacks):
    jam_starting_in(datetime.timedelta(days=3))

    with django_capture_on_commit_callbacks(execute=True):
        services.jams_remind(now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        services.jams_remind(now=NOW + datetime.timedelta(days=2, hours=12))

    assert [message.subject.split("” ")[1] for message in mail.outbox] == ["is coming up", "starts soon"]


def test_reminders_speak_the_organisers_language(django_capture_on_commit_callbacks):
    jam_starting_in(datetime.timedelta(days=5), title="Jam Caerdydd", organiser=UserFactory(language="cy"))

    with django_capture_on_commit_callbacks(execute=True):
        services.jams_remind(now=NOW)

    [message] = mail.outbox
    assert message.subject == "Mae “Jam Caerdydd” yn dod yn fuan"
    assert "Llai nag wythnos i fynd tan eich Raspberry Jam." in message.body
    assert "(Amser Y Deyrnas Unedig)." in message.body  # the Jam's timezone, named by CLDR in Welsh
    assert "Hello" not in message.body


def test_beat_runs_the_reminder_task_hourly(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["remind-organisers"]

    assert schedule == {"task": "jams.remind_organisers", "schedule": 3600}
    assert schedule["task"] in celery_app.tasks


def test_moderators_see_reminders_as_sent_by_jamportal(client, django_capture_on_commit_callbacks):
    jam = jam_starting_in(datetime.timedelta(days=2), title="History Jam")
    with django_capture_on_commit_callbacks(execute=True):
        services.jams_remind(now=NOW)
    client.force_login(ModeratorFactory())

    page = client.get(reverse("jams:moderate", args=[jam.slug])).content.decode()

    assert "Reminder sent: a week to go" in page
    assert "JamPortal, automatically" in page
    assert "someone whose account was deleted" not in page
