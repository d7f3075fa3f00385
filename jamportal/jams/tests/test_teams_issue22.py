"""Issue 22, what outsiders found on a Jam's team: a second invitation to one address
says that the first one's link no longer works; an invitation's expiry names its zone;
removing someone asks first (without JavaScript); the history's arrow follows the
direction of the page's language."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from jamportal.jams import services
from jamportal.jams.models import JamEvent, JamInvitation, JamMember
from jamportal.jams.tests.factories import JamFactory, ModeratorFactory, UserFactory
from jamportal.jams.tests.test_teams import invite, join_path

pytestmark = pytest.mark.django_db

# Two weeks after this, the invitation's link stops working: 12:00 in London, in winter.
INVITED = datetime.datetime(2031, 1, 10, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def jam():
    return JamFactory(title="Leeds Raspberry Jam", organiser=UserFactory(email="ada@example.org", first_name="Ada"))


def test_inviting_an_address_again_says_the_earlier_link_no_longer_works(
    client, jam, django_capture_on_commit_callbacks
):
    client.get(invite(client, jam, capture=django_capture_on_commit_callbacks)["Location"])  # (its message read)

    again = invite(client, jam, email="Grace@Example.org", role="helper", capture=django_capture_on_commit_callbacks)

    page = client.get(again["Location"]).content.decode()
    assert (
        "We have emailed a new invitation to Grace@example.org, now as “Helper” instead of “Co-organiser”."
        " The link in the earlier one no longer works." in page
    )
    assert "Its link works for 14 days." not in page
    assert JamInvitation.objects.filter(revoked_at__isnull=True).count() == 1


def test_a_first_invitation_does_not_speak_of_an_earlier_one(client, jam, django_capture_on_commit_callbacks):
    response = invite(client, jam, capture=django_capture_on_commit_callbacks)

    page = client.get(response["Location"]).content.decode()
    assert "We have emailed an invitation to grace@example.org. Its link works for 14 days." in page
    assert "earlier one" not in page


def test_an_invitations_expiry_names_its_zone_on_the_team_page_in_the_email_and_on_its_page(
    client, jam, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.team_invite(
            jam, by=jam.organiser, email="grace@example.org", role="helper", language="de", now=INVITED
        )
    client.force_login(jam.organiser)

    team_page = client.get(reverse("jams:team", args=[jam.slug])).content.decode()
    [message] = mail.outbox
    client.logout()
    join_page = client.get(join_path(message)).content.decode()

    assert re.search(r"link works until\s+January 24, 2031, 12:00 PM Greenwich Mean Time", team_page)
    assert "Der Link funktioniert bis 24. Januar 2031, 12:00 Mittlere Greenwich-Zeit." in " ".join(message.body.split())
    assert "Diese Einladung gilt bis 24. Januar 2031, 12:00 Mittlere Greenwich-Zeit." in join_page


def test_an_invitations_expiry_in_persian_names_its_zone_in_persian(client, jam):
    services.team_invite(jam, by=jam.organiser, email="grace@example.org", role="helper", language="fa", now=INVITED)
    client.force_login(jam.organiser)

    with translation.override("fa"):
        page = client.get(reverse("jams:team", args=[jam.slug])).content.decode()

    assert "۲۴ ژانویه ۲۰۳۱،\u200f ۱۲:۰۰ وقت گرینویچ" in page


def test_removing_a_team_member_asks_first_on_a_page_that_needs_no_javascript(client, jam):
    helper = JamMember.objects.create(jam=jam, user=UserFactory(first_name="Grace", last_name="Hopper"), role="helper")
    client.force_login(jam.organiser)
    remove_url = reverse("jams:team-remove", args=[jam.slug, helper.pk])

    team_page = client.get(reverse("jams:team", args=[jam.slug])).content.decode()
    asked = client.get(remove_url)

    # The team page links to the question; nothing on it removes anyone in one click.
    assert f'<a class="link danger-link" href="{remove_url}">Remove from the team</a>' in team_page
    assert f'action="{remove_url}"' not in team_page
    assert asked.status_code == 200
    question = asked.content.decode()
    assert "Remove <bdi>Grace Hopper</bdi> from the team of “<bdi>Leeds Raspberry Jam</bdi>”?" in question
    assert re.search(
        rf'<form method="post" action="{remove_url}">\s*<input type="hidden" name="csrfmiddlewaretoken"', question
    )
    assert JamMember.objects.filter(pk=helper.pk).exists()

    removed = client.post(remove_url)

    assert removed["Location"] == reverse("jams:team", args=[jam.slug])
    assert not JamMember.objects.exists()


def test_removing_a_team_member_is_asked_in_the_organisers_language(client, jam):
    helper = JamMember.objects.create(jam=jam, user=UserFactory(first_name="Grace", last_name="Hopper"), role="helper")
    client.force_login(jam.organiser)

    with translation.override("fa"):
        question = client.get(reverse("jams:team-remove", args=[jam.slug, helper.pk])).content.decode()

    assert "<bdi>Grace Hopper</bdi> از تیم «<bdi>Leeds Raspberry Jam</bdi>» برداشته شود؟" in question
    assert JamMember.objects.filter(pk=helper.pk).exists()


def history_line(page, action):
    return " ".join(re.search(rf"<strong>{action}</strong>(.*?)</li>", page, re.S).group(1).split())


def test_the_history_arrow_points_from_who_acted_to_whom_in_english_and_in_persian(client, jam):
    services.team_invite(jam, by=jam.organiser, email="grace@example.org", role="helper", language="en")
    client.force_login(jam.organiser)

    english = client.get(reverse("jams:team", args=[jam.slug])).content.decode()
    with translation.override("fa"):
        persian = client.get(reverse("jams:team", args=[jam.slug])).content.decode()

    # Left to right, the arrow points right, at the invitee; right to left, it points left.
    assert history_line(english, "Invited to the team") == "· <bdi>Ada</bdi> → <bdi>grace@example.org</bdi> (Helper)"
    assert history_line(persian, "دعوت به تیم") == "· <bdi>Ada</bdi> ← <bdi>grace@example.org</bdi> (کمک‌کننده)"
    assert JamEvent.objects.get().action == JamEvent.Action.INVITED


def test_the_moderators_history_arrow_points_from_old_to_new_in_english_and_in_persian(client, jam):
    JamEvent.objects.create(jam=jam, actor=jam.organiser, action="edited", changes={"title": ["Old Jam", "New Jam"]})
    client.force_login(ModeratorFactory())

    english = client.get(reverse("jams:moderate", args=[jam.slug])).content.decode()
    with translation.override("fa"):
        persian = client.get(reverse("jams:moderate", args=[jam.slug])).content.decode()

    assert "<code>title</code>: <bdi>Old Jam</bdi> → <bdi>New Jam</bdi>" in english
    assert "<code>title</code>: <bdi>Old Jam</bdi> ← <bdi>New Jam</bdi>" in persian


# --- issue 22 fixes: inviting again in another role ---


def test_inviting_an_address_again_in_another_role_says_the_role_changes(
    client, jam, django_capture_on_commit_callbacks
):
    client.get(invite(client, jam, role="co-organiser", capture=django_capture_on_commit_callbacks)["Location"])

    again = invite(client, jam, email="grace@example.org", role="helper", capture=django_capture_on_commit_callbacks)

    page = client.get(again["Location"]).content.decode()
    assert (
        "We have emailed a new invitation to grace@example.org, now as “Helper” instead of “Co-organiser”."
        " The link in the earlier one no longer works." in page
    )
    assert JamInvitation.objects.get(revoked_at__isnull=True).role == "helper"


def test_inviting_an_address_again_in_the_same_role_says_nothing_of_roles(
    client, jam, django_capture_on_commit_callbacks
):
    client.get(invite(client, jam, role="helper", capture=django_capture_on_commit_callbacks)["Location"])

    again = invite(client, jam, email="grace@example.org", role="helper", capture=django_capture_on_commit_callbacks)

    page = client.get(again["Location"]).content.decode()
    assert "We have emailed a new invitation to grace@example.org. The link in the earlier one no longer works." in page
    assert "instead of" not in page
