"""A Jam's team: invitations by email (in the invitee's language, expiring, revocable,
their link's secret kept only as a hash), acceptance after signing in or up, the
roles on the dashboard and the Jam's page, the history naming who did what, and the
Jam handed to a co-organiser when its organiser closes their account."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from jamportal.accounts import services as account_services
from jamportal.accounts.tests.test_accounts import confirmation_link
from jamportal.jams import selectors, services
from jamportal.jams.models import Jam, JamEvent, JamInvitation, JamMember
from jamportal.jams.tests.factories import PASSWORD, JamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def jam():
    return JamFactory(title="Leeds Raspberry Jam", organiser=UserFactory(email="ada@example.org", first_name="Ada"))


def invite(client, jam, *, email="grace@example.org", role="co-organiser", language="en", capture):
    client.force_login(jam.organiser)
    with capture(execute=True):
        response = client.post(
            reverse("jams:team", args=[jam.slug]), {"email": email, "role": role, "language": language}
        )
    return response


def join_path(message):
    return re.search(r"https://jams.example(/\S+/team/join/\S+/)", message.body).group(1)


def test_an_invitation_is_emailed_in_the_language_the_organiser_chose(client, jam, django_capture_on_commit_callbacks):
    response = invite(client, jam, language="fa", capture=django_capture_on_commit_callbacks)

    assert response.status_code == 302
    [message] = mail.outbox
    assert message.to == ["grace@example.org"]
    assert message.subject == "به تیم «Leeds Raspberry Jam» بپیوندید"
    path = join_path(message)
    assert path.startswith("/fa/team/join/")
    token = path.rstrip("/").rsplit("/", 1)[1]
    invitation = JamInvitation.objects.get()
    # Only the secret's hash is kept.
    assert token not in str(list(JamInvitation.objects.values_list()))
    assert invitation.token_hash == selectors.team_invitation_token_hash(token)
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=14)
    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    invites = "<bdi>Ada</bdi> شما را دعوت می‌کند که این جم را همراه او و به‌عنوان هم‌برگزارکننده برگزار کنید"
    assert invites in page.content.decode()


def test_the_invitation_form_starts_in_the_organisers_language(client, jam):
    jam.organiser.language = "ja"
    jam.organiser.save()
    client.force_login(jam.organiser)

    response = client.get(reverse("jams:team", args=[jam.slug]))

    assert re.search(r'<option value="ja" selected>', response.content.decode())


def test_a_visitor_signs_in_from_the_invitation_and_comes_back_to_accept(
    client, jam, django_capture_on_commit_callbacks
):
    grace = UserFactory(email="grace@example.org")
    invite(client, jam, capture=django_capture_on_commit_callbacks)
    path = join_path(mail.outbox[0])
    client.logout()

    page = client.get(path)
    login_url = re.search(r'href="(/en/accounts/login/\?next=[^"]+)"', page.content.decode()).group(1)
    signed_in = client.post(login_url.replace("&amp;", "&"), {"login": grace.email, "password": PASSWORD})
    assert signed_in["Location"] == path
    accepted = client.post(path)

    assert accepted["Location"] == reverse("dashboard")
    member = JamMember.objects.get()
    assert (member.user, member.role) == (grace, "co-organiser")
    event = JamEvent.objects.get(action=JamEvent.Action.JOINED)
    assert event.actor == grace
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "You are now a co-organiser of “Leeds Raspberry Jam”." in dashboard
    assert "You are a co-organiser here." in dashboard


def test_someone_new_signs_up_from_the_invitation_and_comes_back_to_accept(
    client, jam, django_capture_on_commit_callbacks
):
    invite(client, jam, role="helper", capture=django_capture_on_commit_callbacks)
    path = join_path(mail.outbox[0])
    client.logout()
    mail.outbox.clear()

    signup_url = reverse("account_signup") + "?next=" + path
    client.post(
        signup_url, {"email": "grace@example.org", "password1": "b1rthday-cake-42", "password2": "b1rthday-cake-42"}
    )
    confirm = client.post(confirmation_link(mail.outbox[0]).split("testserver", 1)[1])
    assert confirm["Location"] == path
    client.post(path)

    assert JamMember.objects.get().role == "helper"
    assert JamMember.objects.get().user.email == "grace@example.org"


def test_a_withdrawn_invitation_no_longer_works(client, jam, django_capture_on_commit_callbacks):
    invite(client, jam, capture=django_capture_on_commit_callbacks)
    path = join_path(mail.outbox[0])
    invitation = JamInvitation.objects.get()

    withdrawn = client.post(reverse("jams:team-revoke", args=[jam.slug, invitation.pk]))
    client.force_login(UserFactory(email="grace@example.org"))
    page = client.get(path)
    accepted = client.post(path)

    assert withdrawn.status_code == 302
    assert page.status_code == 410
    assert "This invitation has been withdrawn." in page.content.decode()
    assert accepted.status_code == 410
    assert not JamMember.objects.exists()
    event = JamEvent.objects.get(action=JamEvent.Action.INVITATION_REVOKED)
    assert (event.actor, event.changes["email"]) == (jam.organiser, "grace@example.org")


def test_an_expired_invitation_no_longer_works(client, jam, django_capture_on_commit_callbacks):
    invite(client, jam, capture=django_capture_on_commit_callbacks)
    path = join_path(mail.outbox[0])
    JamInvitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.force_login(UserFactory(email="grace@example.org"))

    page = client.get(path)
    accepted = client.post(path)

    assert page.status_code == 410
    assert "This invitation has expired. Ask the organiser for a new one." in page.content.decode()
    assert accepted.status_code == 410
    assert not JamMember.objects.exists()


def test_a_link_with_a_wrong_secret_finds_nothing(client, jam, django_capture_on_commit_callbacks):
    invite(client, jam, capture=django_capture_on_commit_callbacks)
    path = join_path(mail.outbox[0])
    client.force_login(UserFactory())

    for wrong in (
        path[:-3] + "AA/",
        path.replace(path.rstrip("/").rsplit("/", 1)[1], JamInvitation.objects.get().token_hash),
    ):
        assert client.get(wrong).status_code == 404
        assert client.post(wrong).status_code == 404

    assert not JamMember.objects.exists()


def test_a_new_invitation_to_the_same_address_replaces_the_one_waiting(client, jam, django_capture_on_commit_callbacks):
    invite(client, jam, capture=django_capture_on_commit_callbacks)
    invite(client, jam, email="Grace@Example.org", role="helper", capture=django_capture_on_commit_callbacks)
    first, second = join_path(mail.outbox[0]), join_path(mail.outbox[1])
    client.force_login(UserFactory(email="grace@example.org"))

    assert client.post(first).status_code == 410
    assert client.post(second).status_code == 302
    assert JamMember.objects.get().role == "helper"


def test_inviting_someone_on_the_team_already_says_so(client, jam, django_capture_on_commit_callbacks):
    JamMember.objects.create(jam=jam, user=UserFactory(email="grace@example.org"), role="helper")

    response = invite(client, jam, email="grace@example.org", capture=django_capture_on_commit_callbacks)

    assert response.status_code == 400
    assert "grace@example.org is on the team already." in response.content.decode()
    assert mail.outbox == []


def test_an_invitation_withdrawn_before_its_email_went_is_not_sent(jam, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = services.team_invite(jam, by=jam.organiser, email="g@example.org", role="helper", language="en")
    services.team_invitation_revoke(invitation, by=jam.organiser)

    for callback in callbacks:
        callback()

    assert mail.outbox == []


def test_the_history_names_who_made_each_change(client, jam):
    co_organiser = UserFactory(email="grace@example.org", first_name="Grace", last_name="Hopper")
    JamMember.objects.create(jam=jam, user=co_organiser, role="co-organiser")
    client.force_login(co_organiser)
    form = client.get(reverse("jams:edit", args=[jam.slug])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        title="Leeds Raspberry Jam 2",
        start=jam.local_start.strftime("%Y-%m-%dT%H:%M"),
        end=jam.local_end.strftime("%Y-%m-%dT%H:%M"),
        country=jam.country.code,
        campaign="",
    )
    data = {name: value for name, value in data.items() if not isinstance(value, list)}
    client.post(reverse("jams:edit", args=[jam.slug]), {**data, "languages": jam.languages})

    page = client.get(reverse("jams:team", args=[jam.slug])).content.decode()

    assert Jam.objects.get(pk=jam.pk).title == "Leeds Raspberry Jam 2"
    assert re.search(r"<strong>Edited</strong>\s*· <bdi>Grace Hopper</bdi>", page)
    assert "Send the invitation" not in page  # (a co-organiser sees the team, the organiser changes it)


def test_a_helper_sees_the_jam_on_their_dashboard_with_the_door_and_the_booths_only(client, jam):
    from jamportal.attendance import services as attendance_services

    attendance_services.sheet_save(jam, capacity=10)
    helper = UserFactory()
    JamMember.objects.create(jam=jam, user=helper, role="helper")
    client.force_login(helper)

    page = client.get(reverse("dashboard")).content.decode()

    assert "Leeds Raspberry Jam" in page
    assert "You are a helper here." in page
    assert reverse("attendance:check-in", args=[jam.slug]) in page
    assert reverse("feed:booths", args=[jam.slug]) in page
    assert reverse("jams:edit", args=[jam.slug]) not in page
    assert reverse("attendance:attendees", args=[jam.slug]) not in page
    assert f'href="{reverse("jams:team-leave", args=[jam.slug])}"' in page  # asks first (issue 22)


def test_a_member_leaves_the_team(client, jam):
    helper = UserFactory()
    JamMember.objects.create(jam=jam, user=helper, role="helper")
    client.force_login(helper)

    response = client.post(reverse("jams:team-leave", args=[jam.slug]))

    assert response["Location"] == reverse("dashboard")
    assert not JamMember.objects.exists()
    assert JamEvent.objects.get(action=JamEvent.Action.LEFT).actor == helper


def test_when_the_only_organiser_deletes_their_account_a_co_organiser_keeps_the_jam(
    jam, django_capture_on_commit_callbacks
):
    organiser = jam.organiser
    helped_only = JamFactory(organiser=organiser)
    JamMember.objects.create(jam=helped_only, user=UserFactory(), role="helper")
    first = UserFactory(email="grace@example.org", language="de")
    JamMember.objects.create(jam=jam, user=first, role="co-organiser")
    JamMember.objects.create(jam=jam, user=UserFactory(), role="co-organiser")

    with django_capture_on_commit_callbacks(execute=True):
        account_services.account_delete(organiser, keep_jams=False)

    jam.refresh_from_db()
    assert jam.organiser == first
    assert JamMember.objects.filter(jam=jam).count() == 1
    assert not JamMember.objects.filter(user=first).exists()
    assert not Jam.objects.filter(pk=helped_only.pk).exists()
    assert JamEvent.objects.get(action=JamEvent.Action.HANDED_OVER).changes == {"email": "grace@example.org"}
    [message] = mail.outbox
    assert message.to == ["grace@example.org"]
    assert message.subject == "Du organisierst jetzt „Leeds Raspberry Jam“"


def test_the_team_page_costs_the_same_queries_however_big_the_team(client, jam, assert_constant_queries):
    client.force_login(jam.organiser)

    def add_more():
        for _ in range(3):
            JamMember.objects.create(jam=jam, user=UserFactory(), role="helper")
            services.team_invite(
                jam,
                by=jam.organiser,
                email=f"{_}{timezone.now().timestamp()}@example.org",
                role="helper",
                language="en",
            )

    assert_constant_queries(reverse("jams:team", args=[jam.slug]), add_more)


def test_the_delete_account_page_names_the_jams_a_co_organiser_will_keep(client, jam):
    JamMember.objects.create(jam=jam, user=UserFactory(), role="co-organiser")
    helped = JamFactory(title="Helped Jam", organiser=jam.organiser)
    JamMember.objects.create(jam=helped, user=UserFactory(), role="helper")
    client.force_login(jam.organiser)

    page = client.get(reverse("account-delete")).content.decode()

    notice = re.search(r'<p class="notice handed-over">(.*?)</p>', page).group(1)
    assert notice == (
        "Whichever you choose, these Jams go to their co-organiser, who runs them from then on: "
        "<bdi>Leeds Raspberry Jam</bdi>"
    )


def test_the_account_data_lists_the_teams_one_is_on(client, jam):
    helper = UserFactory()
    JamMember.objects.create(jam=jam, user=helper, role="helper")

    data = account_services.account_export(helper)

    assert [(team["jam"], team["role"]) for team in data["teams"]] == [("Leeds Raspberry Jam", "helper")]


def test_co_organisers_hear_of_the_approval_each_in_their_language(jam, django_capture_on_commit_callbacks):
    from jamportal.jams.tests.factories import ModeratorFactory

    JamMember.objects.create(jam=jam, user=UserFactory(email="grace@example.org", language="ja"), role="co-organiser")
    JamMember.objects.create(jam=jam, user=UserFactory(email="helper@example.org"), role="helper")
    Jam.objects.filter(pk=jam.pk).update(status=Jam.Status.SUBMITTED, approved_at=None)
    jam.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        services.jam_approve(jam, by=ModeratorFactory())

    assert sorted((message.to[0], message.subject) for message in mail.outbox) == [
        ("ada@example.org", "“Leeds Raspberry Jam” is on the map"),
        ("grace@example.org", "「Leeds Raspberry Jam」が地図に掲載されました"),
    ]


def test_too_many_invitations_in_a_day_are_refused_with_what_was_typed_kept(
    client, jam, monkeypatch, django_capture_on_commit_callbacks
):
    from jamportal.jams import views

    monkeypatch.setattr(views, "TEAM_INVITATIONS_PER_DAY", 1)
    invite(client, jam, email="first@example.org", capture=django_capture_on_commit_callbacks)

    response = invite(client, jam, email="second@example.org", capture=django_capture_on_commit_callbacks)

    assert response.status_code == 429
    page = response.content.decode()
    assert "You have sent many invitations today. Please try again tomorrow." in page
    assert 'value="second@example.org"' in page
    assert [message.to for message in mail.outbox] == [["first@example.org"]]


def test_staff_see_a_jams_team_in_the_admin_but_cannot_change_it(admin_client, jam):
    member = JamMember.objects.create(jam=jam, user=UserFactory(email="grace@example.org"), role="helper")
    invitation = services.team_invite(jam, by=jam.organiser, email="kenji@example.org", role="helper", language="ja")

    members = admin_client.get("/admin/jams/jammember/").content.decode()
    invitations = admin_client.get("/admin/jams/jaminvitation/").content.decode()
    one = admin_client.get(f"/admin/jams/jaminvitation/{invitation.pk}/change/").content.decode()
    removed = admin_client.post(f"/admin/jams/jammember/{member.pk}/delete/", {"post": "yes"})

    assert "grace@example.org" in members
    assert "kenji@example.org" in invitations
    assert invitation.token_hash not in one
    assert removed.status_code == 403
    assert JamMember.objects.filter(pk=member.pk).exists()


# --- teams and series ---


def test_a_repeating_jams_team_runs_every_date_even_those_made_later():
    """Joining the team at any date of a repeating Jam puts you on every date, those
    made later too; leaving takes you off them all."""
    from jamportal.jams.tests.test_series import monthly_jam

    first = monthly_jam(title="Monthly Jam")
    series = services.series_create(first, by=first.organiser, frequency="monthly-weekday")
    dates = list(series.occurrences.order_by("occurrence_start"))
    friend = UserFactory(email="friend@example.org")
    invitation = services.team_invite(
        dates[1], by=first.organiser, email=friend.email, role="co-organiser", language="en"
    )

    services.team_invitation_accept(invitation, user=friend)

    for date in dates:
        assert selectors.jam_for_team_or_404(friend, date.slug, role=selectors.CO_ORGANISER) == date
    made = services.series_extend(series, now=timezone.now() + datetime.timedelta(days=70))  # two months on
    assert made
    for date in made:
        assert selectors.jam_for_team_or_404(friend, date.slug, role=selectors.CO_ORGANISER) == date

    services.team_member_remove(selectors.team_member_or_404_for_user(dates[0], friend), by=friend)

    assert JamMember.objects.filter(user=friend).count() == 0


def test_an_invitation_is_for_the_address_it_was_sent_to():
    """A forwarded or leaked link does not make whoever holds it a co-organiser (found by
    the outsider pass); an address the invitee confirmed on their account will do."""
    from allauth.account.models import EmailAddress

    jam = JamFactory(title="Leeds Raspberry Jam")
    invitation = services.team_invite(
        jam, by=jam.organiser, email="kenji@example.org", role="co-organiser", language="en"
    )
    stranger = UserFactory(email="stranger@example.org")
    kenji = UserFactory(email="kenji.work@example.org")
    EmailAddress.objects.create(user=kenji, email="Kenji@example.org", verified=True, primary=False)

    with pytest.raises(services.TeamError) as refused:
        services.team_invitation_accept(invitation, user=stranger)
    member = services.team_invitation_accept(invitation, user=kenji)

    assert str(refused.value) == (
        "This invitation was sent to k•••@example.org. Sign in with that address, or add it to your account "
        "(My account) and open the link again."
    )
    assert member.user == kenji
    assert not JamMember.objects.filter(user=stranger).exists()
