import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from jamportal.jams import services
from jamportal.jams.models import Jam, JamEvent, JamTranslation
from jamportal.jams.tasks import task_send_jam_email
from jamportal.jams.tests.factories import JamFactory, ModeratorFactory, UserFactory, jam_data

pytestmark = pytest.mark.django_db
ONE_LINE = "Write the title on one line, without line breaks, tabs or other control characters."
ONE_LINE_TEXT = "Write this on one line, without line breaks, tabs or other control characters."
NO_CONTROL = "Remove the control characters (invisible codes such as escape or bell); line breaks are fine."
Status = Jam.Status


def test_jam_create_submitted_queues_jam_and_emails_organiser(django_capture_on_commit_callbacks):
    organiser = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        jam = services.jam_create(organiser=organiser, data=jam_data(), submit=True)

    jam.refresh_from_db()
    assert jam.status == Status.SUBMITTED
    assert jam.submitted_at is not None
    assert jam.slug == "yaoundé-raspberry-jam"
    assert [e.action for e in jam.events.order_by("pk")] == ["created", "submitted"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [organiser.email]
    assert mail.outbox[0].subject == "We have received “Yaoundé Raspberry Jam”"
    assert "https://jams.example/en/jams/yaound%C3%A9-raspberry-jam/" in mail.outbox[0].body


def test_jam_submit_tells_each_moderator_once(django_capture_on_commit_callbacks):
    moderators = Group.objects.create(name="Moderators")
    moderators.permissions.add(Permission.objects.get(codename="moderate_jam"))
    in_group = UserFactory(email="group@example.org")
    in_group.groups.add(moderators)
    direct = ModeratorFactory(email="direct@example.org")
    direct.groups.add(moderators)
    UserFactory(email="inactive@example.org", is_active=False).groups.add(moderators)
    UserFactory(email="staff-only@example.org", is_staff=True)

    with django_capture_on_commit_callbacks(execute=True):
        jam = services.jam_create(organiser=UserFactory(), data=jam_data(), submit=True)

    to_moderators = [m for m in mail.outbox if m.subject.startswith("New Jam to review")]
    assert sorted(m.to[0] for m in to_moderators) == ["direct@example.org", "group@example.org"]
    assert to_moderators[0].subject == "New Jam to review: “Yaoundé Raspberry Jam”"
    assert f"https://jams.example/en/moderation/{jam.slug}/".replace("é", "%C3%A9") in to_moderators[0].body


def test_jam_create_draft_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        jam = services.jam_create(organiser=UserFactory(), data=jam_data(), submit=False)

    assert jam.status == Status.DRAFT
    assert mail.outbox == []


def test_jam_create_sanitises_description():
    text = "[click](javascript:alert(1)) <img src=x onerror=alert(1)> <svg onload=alert(1)></svg> **ok**"

    jam = services.jam_create(organiser=UserFactory(), data=jam_data(description=text))

    assert "javascript:" not in jam.description_html
    assert "onerror" not in jam.description_html
    assert "<svg" not in jam.description_html
    assert "<script" not in services.render_description("<script>alert(1)</script>")
    assert "<strong>ok</strong>" in jam.description_html


def test_jam_create_and_update_refuse_control_characters_in_the_title_from_any_caller():
    organiser = UserFactory()
    jam = JamFactory(organiser=organiser, title="Good Jam")

    with pytest.raises(ValidationError) as created:
        services.jam_create(organiser=organiser, data=jam_data(title="Bad\r\nJam"))
    with pytest.raises(ValidationError) as updated:
        services.jam_update(jam, by=organiser, data=jam_data(title="Bad\x00Jam"))
    with pytest.raises(ValidationError) as translated:
        services.jam_translation_save(jam, by=organiser, language="fr", title="Mauvais\tJam", description="")

    assert [created.value.messages, updated.value.messages, translated.value.messages] == [[ONE_LINE]] * 3
    assert list(Jam.objects.values_list("title", flat=True)) == ["Good Jam"]
    assert not jam.translations.exists()


def test_titles_saved_before_the_rule_are_folded_onto_one_line():
    jam = JamFactory(title="Two\r\nLines\tJam")
    JamTranslation.objects.create(jam=jam, language="fr", title="Deux\u2028lignes", description="")
    kept = JamFactory(title="Plain  Jam")
    migration = importlib.import_module("jamportal.jams.migrations.0004_one_line_titles")

    migration.fold_titles_to_one_line(django_apps, None)

    jam.refresh_from_db()
    kept.refresh_from_db()
    assert (jam.title, jam.translations.get().title, kept.title) == ("Two Lines Jam", "Deux lignes", "Plain  Jam")


def test_jam_services_refuse_control_characters_in_every_typed_field_from_any_caller():
    organiser = UserFactory()
    jam = JamFactory(organiser=organiser, title="Good Jam", city="Denver")

    with pytest.raises(ValidationError) as created:
        services.jam_create(organiser=organiser, data=jam_data(city="Den\x07ver", social_handle="@jam\x1b"))
    with pytest.raises(ValidationError) as updated:
        services.jam_update(jam, by=organiser, data=jam_data(venue_name="Hall\x85", description="Cake\x07"))
    with pytest.raises(ValidationError) as translated:
        services.jam_translation_save(jam, by=organiser, language="fr", title="Jam", description="Gâteau\x1b[0m")

    assert created.value.message_dict == {"city": [ONE_LINE_TEXT], "social_handle": [ONE_LINE_TEXT]}
    assert updated.value.message_dict == {"venue_name": [ONE_LINE_TEXT], "description": [NO_CONTROL]}
    assert translated.value.message_dict == {"description": [NO_CONTROL]}
    assert list(Jam.objects.values_list("city", flat=True)) == ["Denver"]
    assert not jam.translations.exists()


def test_typed_text_saved_before_the_rule_loses_its_control_characters():
    jam = JamFactory(city="Denver")
    Jam.objects.filter(pk=jam.pk).update(
        city="Den\x07ver",
        address="1 Main Street\u2028Back door",
        social_handle="@jam\x1b",
        description="Cake\x07\r\n\tand games",
        description_html="<p>Cake\x07</p>",
    )
    JamTranslation.objects.create(jam=jam, language="fr", title="Jam", description="Gâteau\x1b\net jeux")
    kept = JamFactory(city="Saint  Louis", description="Line\none")
    migration = importlib.import_module("jamportal.jams.migrations.0005_typed_text_without_control_characters")

    migration.clean_typed_text(django_apps, None)

    jam.refresh_from_db()
    kept.refresh_from_db()
    assert (jam.city, jam.address, jam.social_handle) == ("Den ver", "1 Main Street Back door", "@jam")
    assert (jam.description, jam.description_html) == ("Cake\r\n\tand games", "<p>Cake</p>")
    assert jam.translations.get().description == "Gâteau\net jeux"
    assert (kept.city, kept.description) == ("Saint  Louis", "Line\none")


def test_jam_create_slugs_are_unique_and_avoid_reserved_words():
    organiser = UserFactory()

    first = services.jam_create(organiser=organiser, data=jam_data(title="New"))
    second = services.jam_create(organiser=organiser, data=jam_data(title="New"))
    third = services.jam_create(organiser=organiser, data=jam_data(title="東京ジャム"))

    assert (first.slug, second.slug, third.slug) == ("new-2", "new-3", "東京ジャム")


def test_jam_update_records_each_changed_field_and_keeps_approval():
    jam = JamFactory(status=Status.APPROVED)
    data = {name: getattr(jam, name) for name in services.EDITABLE_FIELDS}
    data.update(title="Cambridge Big Jam", expected_attendees=80)

    updated = services.jam_update(jam, by=jam.organiser, data=data)

    assert updated.status == Status.APPROVED
    event = JamEvent.objects.get(jam=jam, action="edited")
    assert event.changes == {"title": [jam.title, "Cambridge Big Jam"], "expected_attendees": [None, 80]}
    assert event.actor == jam.organiser


def test_jam_update_without_changes_records_nothing():
    jam = JamFactory()
    data = {name: getattr(jam, name) for name in services.EDITABLE_FIELDS}

    services.jam_update(jam, by=jam.organiser, data=data)

    assert not jam.events.exists()


def test_jam_update_refuses_cancelled_jam():
    jam = JamFactory(status=Status.CANCELLED)
    data = {name: getattr(jam, name) for name in services.EDITABLE_FIELDS}

    with pytest.raises(services.JamStateError, match="cancelled"):
        services.jam_update(jam, by=jam.organiser, data=data)


def test_jam_approve_publishes_and_emails_the_note(django_capture_on_commit_callbacks):
    jam = JamFactory(status=Status.SUBMITTED, approved_at=None)
    moderator = ModeratorFactory()

    with django_capture_on_commit_callbacks(execute=True):
        approved = services.jam_approve(jam, by=moderator, note="Lovely programme!")

    assert approved.status == Status.APPROVED
    assert approved.approved_at is not None
    assert approved.is_public
    event = jam.events.get(action="approved")
    assert (event.actor, event.changes, event.notified_at is not None) == (
        moderator,
        {"status": ["submitted", "approved"]},
        True,
    )
    assert mail.outbox[0].subject == f"“{jam.title}” is on the map"
    assert "Lovely programme!" in mail.outbox[0].body


def test_jam_approve_needs_the_moderation_permission():
    jam = JamFactory(status=Status.SUBMITTED)

    with pytest.raises(PermissionDenied):
        services.jam_approve(jam, by=UserFactory(is_staff=True))

    jam.refresh_from_db()
    assert jam.status == Status.SUBMITTED


def test_jam_reject_needs_a_reason_and_emails_it(django_capture_on_commit_callbacks):
    jam = JamFactory(status=Status.SUBMITTED, approved_at=None)
    moderator = ModeratorFactory()

    with pytest.raises(services.JamStateError):
        services.jam_reject(jam, by=moderator, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        rejected = services.jam_reject(jam, by=moderator, reason="Please add the venue address.")

    assert rejected.status == Status.REJECTED
    assert rejected.moderation_note == "Please add the venue address."
    assert "Please add the venue address." in mail.outbox[0].body


@pytest.mark.parametrize(
    ("status", "service"),
    [
        (Status.APPROVED, "jam_approve"),
        (Status.DRAFT, "jam_approve"),
        (Status.CANCELLED, "jam_submit"),
        (Status.CANCELLED, "jam_cancel"),
        (Status.APPROVED, "jam_submit"),
    ],
)
def test_illegal_moves_are_refused_with_a_message(status, service):
    jam = JamFactory(status=status)

    with pytest.raises(services.JamStateError, match="cannot become"):
        getattr(services, service)(jam, by=ModeratorFactory())

    jam.refresh_from_db()
    assert jam.status == status
    assert not jam.events.exists()


def test_jam_cancel_keeps_an_approved_jam_public():
    jam = JamFactory(status=Status.APPROVED)

    cancelled = services.jam_cancel(jam, by=jam.organiser, reason="Venue flooded")

    assert cancelled.status == Status.CANCELLED
    assert cancelled.is_public
    assert jam.events.get(action="cancelled").note == "Venue flooded"


def test_task_send_jam_email_rerun_sends_once():
    jam = JamFactory(status=Status.SUBMITTED)
    event = JamEvent.objects.create(jam=jam, actor=jam.organiser, action="submitted")

    task_send_jam_email(event_id=event.pk)
    task_send_jam_email(event_id=event.pk)
    task_send_jam_email(event_id=event.pk + 1000)

    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](  javascript:alert(1))",
        "<a href='&#106;avascript:alert(1)'>x</a>",
        "<a href='data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='>x</a>",
        "<img src=x onerror=alert(1)>",
        "<p onclick=alert(1) onmouseover='alert(2)'>x</p>",
        "<svg><script>alert(1)</script></svg>",
        "<svg onload=alert(1)><circle r=5 /></svg>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<iframe src=//evil.example></iframe>",
        "<p style='background:url(javascript:alert(1))'>x</p>",
        "<object data=//evil.example/x.swf></object>",
        "<form action=//evil.example><input name=p></form>",
    ],
)
def test_descriptions_never_carry_scripts_handlers_or_foreign_content(payload):
    html = services.render_description(f"Welcome! **Bring a Pi.** {payload}").lower()

    for danger in (
        "<script",
        "javascript:",
        "onerror",
        "onclick",
        "onload",
        "onmouseover",
        "<svg",
        "<iframe",
        "<object",
        "<form",
        "<style",
        "style=",
        "data:text",
        "<img",
        "<math",
    ):
        assert danger not in html, (payload, html)
    assert "<strong>bring a pi.</strong>" in html
