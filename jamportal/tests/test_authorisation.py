"""Who may do what: for every organiser-owned thing and every action on it, an
anonymous visitor, another organiser and a staff member without the right
permission are all refused, and nothing changes. The owner, for contrast, may."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.urls import get_resolver, reverse

from jamportal.attendance import services as attendance_services
from jamportal.attendance.models import JamReport, Signup, SignupMessage, SignupSheet
from jamportal.attendance.tests.factories import sign_up
from jamportal.feed import services as feed_services
from jamportal.feed.models import Booth, FeedSettings, Photo
from jamportal.feed.tests.test_feed import post as upload
from jamportal.jams import services as jam_services
from jamportal.jams.models import Jam, JamInvitation, JamMember, JamTranslation
from jamportal.jams.models import JamSeries as Series  # (series)
from jamportal.jams.tests.factories import JamFactory, UserFactory
from jamportal.jams.tests.test_series import monthly_jam  # (series)
from jamportal.jams.tests.test_series_views import approved_series  # (series)
from jamportal.kits import services as kit_services
from jamportal.kits.models import KitRequest
from jamportal.kits.tests.factories import address, kit_with_shirts

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(client):
    """An organiser's approved Jam with a kit request, a booth and a photo, and a draft Jam."""
    kit, shirts = kit_with_shirts()
    campaign = kit.campaign
    jam = JamFactory(title="Owned Jam", campaign=campaign)
    owner = jam.organiser
    draft = JamFactory(title="Draft Jam", organiser=owner, status=Jam.Status.DRAFT, approved_at=None)
    kit_request = kit_services.kit_request_create(jam, by=owner, data=address(), lines={(shirts, "M"): 2})
    jam_services.jam_translation_save(jam, by=owner, language="de", title="Eigene Jam", description="Hallo")
    booth, token = feed_services.booth_create(jam, by=owner, name="Door")
    upload(client, token)
    photo = Photo.objects.get()
    upload(client, token, key="key-2")
    hidden = feed_services.photo_set_status(Photo.objects.exclude(pk=photo.pk).get(), Photo.Status.HIDDEN, by=owner)
    attendance_services.sheet_save(jam, capacity=1)
    signup, token = sign_up(jam, name="Attendee With Place")
    waiting, _token = sign_up(jam, name="Attendee Waiting")
    # --- teams ---
    co_organiser = JamMember.objects.create(jam=jam, user=UserFactory(), role=JamMember.Role.CO_ORGANISER)
    helper = JamMember.objects.create(jam=jam, user=UserFactory(), role=JamMember.Role.HELPER)
    invitation = jam_services.team_invite(jam, by=owner, email="invited@example.org", role="helper", language="en")
    return {
        "jam": jam,
        "draft": draft,
        "kit_request": kit_request,
        "booth": booth,
        "photo": photo,
        "hidden": hidden,
        "signup": signup,
        "token": token,
        "waiting": waiting,
        "co-organiser": co_organiser,
        "helper": helper,
        "invitation": invitation,
    }


def state(owned):
    """Everything an action could change, to compare before and after."""
    jam, draft = (Jam.objects.get(pk=owned[name].pk) for name in ("jam", "draft"))
    kit_request = KitRequest.objects.get(pk=owned["kit_request"].pk)
    return json.dumps(
        {
            "jams": [(j.title, j.status, j.description) for j in (jam, draft)],
            "translations": list(JamTranslation.objects.values_list("language", "title")),
            "kit": (kit_request.status, kit_request.city, kit_request.expected_attendees),
            "booths": list(Booth.objects.values_list("name", "revoked_at")),
            "feed": list(FeedSettings.objects.values_list("hashtag", "approve_first")),
            "photos": list(Photo.objects.values_list("pk", "status")),
            "sheets": list(SignupSheet.objects.values_list("capacity", "is_open")),
            "signups": list(Signup.objects.values_list("pk", "name", "status", "adults", "checked_in_at")),
            "messages": SignupMessage.objects.count(),
            "reports": JamReport.objects.count(),
            "team": list(JamMember.objects.values_list("user_id", "role")),
            "invitations": list(JamInvitation.objects.values_list("email", "role", "revoked_at", "accepted_at")),
        },
        default=str,
    )


# (name, method, url, data): every action on an organiser's things.
ACTIONS = [
    ("see the draft", "get", lambda o: reverse("jams:detail", args=[o["draft"].slug]), None),
    ("open the edit form", "get", lambda o: reverse("jams:edit", args=[o["jam"].slug]), None),
    ("edit the Jam", "post", lambda o: reverse("jams:edit", args=[o["jam"].slug]), {"title": "Taken over"}),
    ("cancel the Jam", "post", lambda o: reverse("jams:cancel", args=[o["jam"].slug]), {"reason": "gone"}),
    ("see translations", "get", lambda o: reverse("jams:translations", args=[o["jam"].slug]), None),
    (
        "add a translation",
        "post",
        lambda o: reverse("jams:translations", args=[o["jam"].slug]),
        {"language": "fr", "title": "Pris", "description": "x"},
    ),
    (
        "remove a translation",
        "post",
        lambda o: reverse("jams:translation-delete", args=[o["jam"].slug, "de"]),
        {},
    ),
    ("open the kit form", "get", lambda o: reverse("kits:new", args=[o["jam"].slug]), None),
    ("see the kit request", "get", lambda o: reverse("kits:request", args=[o["kit_request"].pk]), None),
    ("edit the kit request", "post", lambda o: reverse("kits:edit", args=[o["kit_request"].pk]), {"city": "Elsewhere"}),
    ("cancel the kit", "post", lambda o: reverse("kits:move", args=[o["kit_request"].pk]), {"to": "cancelled"}),
    ("see the booths", "get", lambda o: reverse("feed:booths", args=[o["jam"].slug]), None),
    (
        "pair a booth",
        "post",
        lambda o: reverse("feed:booths", args=[o["jam"].slug]),
        {"action": "booth", "name": "Mine"},
    ),
    (
        "change feed settings",
        "post",
        lambda o: reverse("feed:booths", args=[o["jam"].slug]),
        {"action": "settings", "hashtag": "#Mine", "approve_first": "on", "caption_template": "{jam}"},
    ),
    ("revoke the booth", "post", lambda o: reverse("feed:revoke", args=[o["booth"].pk]), {}),
    ("hide the photo", "post", lambda o: reverse("feed:action", args=[o["photo"].pk]), {"action": "hide"}),
    ("delete the photo", "post", lambda o: reverse("feed:action", args=[o["photo"].pk]), {"action": "delete"}),
    ("see a hidden photo", "get", lambda o: reverse("feed:photo-file", args=[o["hidden"].pk, "web"]), None),
    ("see the sign-ups", "get", lambda o: reverse("attendance:attendees", args=[o["jam"].slug]), None),
    (
        "change how people book",
        "post",
        lambda o: reverse("attendance:attendees", args=[o["jam"].slug]),
        {"action": "booking", "booking": "here", "capacity": "500"},
    ),
    ("close sign-ups", "post", lambda o: reverse("attendance:attendees", args=[o["jam"].slug]), {"action": "close"}),
    ("export the sign-ups", "get", lambda o: reverse("attendance:attendees-csv", args=[o["jam"].slug]), None),
    ("open the message form", "get", lambda o: reverse("attendance:message", args=[o["jam"].slug]), None),
    (
        "message the sign-ups",
        "post",
        lambda o: reverse("attendance:message", args=[o["jam"].slug]),
        {"subject": "Taken over", "body": "Come to my party instead"},
    ),
    ("open the report form", "get", lambda o: reverse("attendance:jam-report", args=[o["jam"].slug]), None),
    (
        "write the report",
        "post",
        lambda o: reverse("attendance:jam-report", args=[o["jam"].slug]),
        {"signed_up": "1", "checked_in": "1", "walk_ins": "0", "under_18s": "0", "photos_taken": "0"},
    ),
    ("open the check-in page", "get", lambda o: reverse("attendance:check-in", args=[o["jam"].slug]), None),
    ("download the door's list", "get", lambda o: reverse("attendance:check-in-list", args=[o["jam"].slug]), None),
    ("check people in", "post", lambda o: reverse("attendance:check-in-sync", args=[o["jam"].slug]), {}),
    *[
        (
            f"{verb} a sign-up",
            method,
            lambda o, action=action, who=who: reverse(
                "attendance:attendee-action", args=[o["jam"].slug, o[who].pk, action]
            ),
            {} if method == "post" else None,
        )
        for verb, action, who in [
            ("give a place to", "place", "waiting"),
            ("take off the list", "cancel", "signup"),
            ("delete", "delete", "signup"),
        ]
        for method in ("get", "post")
    ],
    # --- teams ---
    ("see the team", "get", lambda o: reverse("jams:team", args=[o["jam"].slug]), None),
    (
        "invite to the team",
        "post",
        lambda o: reverse("jams:team", args=[o["jam"].slug]),
        {"email": "friend@example.org", "role": "co-organiser", "language": "en"},
    ),
    (
        "withdraw an invitation",
        "post",
        lambda o: reverse("jams:team-revoke", args=[o["jam"].slug, o["invitation"].pk]),
        {},
    ),
    (
        "ask before removing a team member",
        "get",
        lambda o: reverse("jams:team-remove", args=[o["jam"].slug, o["helper"].pk]),
        None,
    ),
    (
        "remove a team member",
        "post",
        lambda o: reverse("jams:team-remove", args=[o["jam"].slug, o["helper"].pk]),
        {},
    ),
    ("leave the team", "post", lambda o: reverse("jams:team-leave", args=[o["jam"].slug]), {}),
]
# Staff pages that need a permission the staff member below does not have.
STAFF_PAGES = ["jams:moderation", "feed:moderation", "kits:kits", "attendance:campaign-reports"]


def as_actor(client, actor):
    if actor == "anonymous":
        return
    user = UserFactory(is_staff=actor == "staff without permission")
    client.force_login(user)


def refused(response):
    location = response.get("Location", "")
    return response.status_code in (403, 404) or (response.status_code == 302 and "/accounts/login/" in location)


@pytest.mark.parametrize("actor", ["anonymous", "another organiser", "staff without permission"])
@pytest.mark.parametrize(("action", "method", "url", "data"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_only_the_owner_may_act_on_their_things(client, owned, actor, action, method, url, data):
    before = state(owned)
    client.logout()
    as_actor(client, actor)

    response = getattr(client, method)(url(owned), data or {})

    assert refused(response), (actor, action, response.status_code, response.get("Location"))
    assert state(owned) == before
    assert owned["jam"].title.encode() not in response.content or action == "see the kit request"


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_staff_pages_need_their_permission(client, page):
    client.force_login(UserFactory(is_staff=True))

    assert refused(client.get(reverse(page)))


# --- teams ---
# A co-organiser may do everything to the Jam but what is its organiser's alone: its kit
# and its team (they may see the team, and leave it). They see none of the organiser's
# other Jams. A helper has the door's check-in and the photobooths only.
ORGANISER_ALONE = {
    "see the draft",
    "open the kit form",
    "see the kit request",
    "edit the kit request",
    "cancel the kit",
    "invite to the team",
    "withdraw an invitation",
    "ask before removing a team member",
    "remove a team member",
}
ROLE_MAY = {
    "co-organiser": {a[0] for a in ACTIONS} - ORGANISER_ALONE,
    "helper": {
        "see the booths",
        "pair a booth",
        "revoke the booth",
        "hide the photo",
        "see a hidden photo",
        "open the check-in page",
        "download the door's list",
        "check people in",
        "leave the team",
    },
}


@pytest.mark.parametrize("role", ["co-organiser", "helper"])
@pytest.mark.parametrize(("action", "method", "url", "data"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_a_team_member_may_what_their_role_allows(client, owned, role, action, method, url, data):
    before = state(owned)
    client.logout()
    client.force_login(owned[role].user)

    response = getattr(client, method)(url(owned), data or {})

    if action in ROLE_MAY[role]:
        assert not refused(response), (role, action, response.status_code)
        assert response.status_code in ((200,) if method == "get" else (200, 302, 400))
    else:
        assert refused(response), (role, action, response.status_code, response.get("Location"))
        assert state(owned) == before
        assert owned["jam"].title.encode() not in response.content or action == "see the kit request"


# (The owner's kit form redirects to the request they already made.)
OWNER_VIEWS = [a for a in ACTIONS if a[1] == "get" and a[0] != "open the kit form"]


@pytest.mark.parametrize(("action", "method", "url", "data"), OWNER_VIEWS, ids=[a[0] for a in OWNER_VIEWS])
def test_the_owner_may(client, owned, action, method, url, data):
    client.logout()
    client.force_login(owned["jam"].organiser)

    assert client.get(url(owned)).status_code == 200


# Every page of the three apps is either in ACTIONS (the owner's), public, or for staff.
OWNER_PAGES = {
    "jams:detail",
    "jams:edit",
    "jams:cancel",
    "jams:translations",
    "jams:translation-delete",
    "kits:new",
    "kits:request",
    "kits:edit",
    "kits:move",
    "feed:booths",
    "feed:revoke",
    "feed:action",
    "feed:photo-file",
    "attendance:attendees",
    "attendance:attendees-csv",
    "attendance:message",
    "attendance:attendee-action",
    "attendance:check-in",
    "attendance:check-in-list",
    "attendance:check-in-sync",
    "attendance:jam-report",
    # --- teams ---
    "jams:team",
    "jams:team-revoke",
    "jams:team-remove",
    "jams:team-leave",
    # --- series (tested in the series block below) ---
    "jams:series-create",
    "jams:series-move",
    "jams:series-skip",
    "jams:series-end",
    "jams:series-rule",
}
OTHER_PAGES = {
    # --- series: public once approved; the organiser's own before (the series block below) ---
    "jams:series",
    "jams:series-ics",
    # public (a draft's detail page is covered above)
    "jams:home",
    "jams:calendar",
    "jams:atom",
    "jams:campaigns",
    "jams:campaign",
    "jams:campaign-calendar",
    "jams:campaign-poster",
    "jams:resources",
    "jams:ics",
    "jams:flyer",
    "feed:photos",
    "feed:photos-json",
    "feed:report",
    "feed:wall",
    "feed:wall-json",
    # one's own lists and forms, nothing of anyone else's
    "jams:create",
    # staff, each with its permission (tested in the apps and above)
    "jams:moderation",
    "jams:moderate",
    "kits:kits",
    "kits:dashboard",
    "kits:stock",
    "kits:packing-slips",
    "kits:labels",
    "kits:customs",
    "kits:csv",
    "feed:moderation",
    "attendance:campaign-reports",
    "attendance:campaign-report",
    "attendance:campaign-report-csv",
    "attendance:campaign-report-pdf",
    # visitors sign up; an attendee's own pages open with their link's secret (tested below)
    "attendance:signup",
    "attendance:mine",
    "attendance:cancel",
    "attendance:delete",
    # the check-in page's service worker: our own script, the same for everyone
    "attendance:check-in-worker",
    # an invitation to a Jam's team opens with its link's secret (jams/tests/test_teams.py)
    "jams:team-join",
}


def test_every_page_is_classified():
    """A new page must join ACTIONS (if it acts on an organiser's things) or OTHER_PAGES."""
    names = set()
    for namespace in ("jams", "kits", "feed", "attendance"):
        resolver = get_resolver().namespace_dict
        _prefix, sub = next(value for key, value in resolver.items() if key.endswith(namespace) or key == namespace)
        names |= {f"{namespace}:{name}" for name in sub.reverse_dict if isinstance(name, str)}

    assert names == OWNER_PAGES | OTHER_PAGES


# Attendees' data is the organiser's to see: staff, even with every permission of the
# site (moderating Jams, fulfilling kits, moderating photos), are refused its pages.
ATTENDEE_DATA = [a for a in ACTIONS if "sign-up" in a[0] or "sign-ups" in a[0]]


@pytest.mark.parametrize(("action", "method", "url", "data"), ATTENDEE_DATA, ids=[a[0] for a in ATTENDEE_DATA])
def test_staff_with_every_permission_do_not_see_attendees(client, owned, action, method, url, data):
    before = state(owned)
    staff = UserFactory(is_staff=True)
    staff.user_permissions.set(
        Permission.objects.filter(codename__in=["moderate_jam", "fulfil_kits", "moderate_photo"])
    )
    client.force_login(staff)

    response = getattr(client, method)(url(owned), data or {})

    assert refused(response), (action, response.status_code)
    assert state(owned) == before
    assert b"Attendee With Place" not in response.content


# An attendee's link with a wrong secret: nothing is found, for anyone.
WRONG_TOKENS = [
    lambda o: o["token"][:-2] + ("AA" if not o["token"].endswith("AA") else "BB"),  # one guess away
    lambda o: "x" * 43,  # the right length
    lambda o: str(o["signup"].pk),  # the sign-up's number
    lambda o: o["signup"].checkin_code,  # what the door's QR code says
    lambda o: o["signup"].token_hash,  # what the database keeps
]


@pytest.mark.parametrize("actor", ["anonymous", "another organiser", "staff without permission", "owner"])
@pytest.mark.parametrize("page", ["attendance:mine", "attendance:cancel", "attendance:delete"])
@pytest.mark.parametrize("wrong", WRONG_TOKENS, ids=["near", "length", "pk", "checkin-code", "hash"])
def test_an_attendee_link_with_a_wrong_secret_finds_nothing(client, owned, actor, page, wrong):
    before = state(owned)
    client.logout()
    if actor == "owner":
        client.force_login(owned["jam"].organiser)
    else:
        as_actor(client, actor)
    url = reverse(page, args=[wrong(owned)])

    answers = [client.get(url), client.post(url, {"name": "Taken over", "adults": "9", "children": "0"})]

    assert [response.status_code for response in answers] == [404, 404]
    assert state(owned) == before


@pytest.mark.parametrize("page", ["attendance:mine", "attendance:cancel", "attendance:delete"])
def test_the_right_secret_opens_the_attendees_page_without_an_account(client, owned, page):
    client.logout()

    response = client.get(reverse(page, args=[owned["token"]]))

    assert response.status_code == 200
    assert b"Owned Jam" in response.content


# --- public read API (jamportal/public_api) ---
# Every address of /api/v1/ reads only what anyone may see, the same for everyone
# (it never looks at who is signed in), and changes nothing.
PUBLIC_API_PAGES = {
    "public-api:api-root",
    "public-api:unknown",
    "public-api:openapi-json",
    "public-api:openapi-view",
    "public-api:jam_list",
    "public-api:jam_detail",
    "public-api:campaign_list",
    "public-api:campaign_detail",
    "public-api:place_list",
    "public-api:series_detail",
    "public-api:jams_geojson",
    "public-api:index",  # issue 22: /api/v1/'s index
}


def test_every_public_api_address_is_classified():
    _prefix, sub = get_resolver().namespace_dict["public-api"]

    assert {f"public-api:{name}" for name in sub.reverse_dict if isinstance(name, str)} == PUBLIC_API_PAGES


@pytest.mark.parametrize("actor", ["anonymous", "another organiser", "staff without permission", "owner"])
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_public_api_changes_nothing_for_anyone(client, owned, actor, method):
    before = state(owned)
    client.logout()
    if actor == "owner":
        client.force_login(owned["jam"].organiser)
    else:
        as_actor(client, actor)

    answers = [
        getattr(client, method)(url, {"title": "Taken over"}, content_type="application/json")
        for url in ("/api/v1/jams", f"/api/v1/jams/{owned['jam'].slug}", f"/api/v1/jams/{owned['draft'].slug}")
    ]

    assert [response.status_code for response in answers] == [405, 405, 405]
    assert state(owned) == before


@pytest.mark.parametrize("actor", ["anonymous", "owner"])
def test_the_public_api_shows_even_the_owner_only_what_the_public_sees(client, owned, actor):
    jam = owned["jam"]
    Jam.objects.filter(pk=jam.pk).update(venue_private=True, address="12 Secret Street")
    if actor == "owner":
        client.force_login(jam.organiser)

    listed = client.get("/api/v1/jams").json()["results"]
    draft = client.get(f"/api/v1/jams/{owned['draft'].slug}")
    shown = client.get(f"/api/v1/jams/{jam.slug}").json()

    assert [item["title"] for item in listed] == ["Owned Jam"]
    assert draft.status_code == 404
    assert (shown["venue"]["address"], shown["venue"]["latitude"]) == ("", round(jam.latitude, 2))
    assert b"Attendee" not in client.get(f"/api/v1/jams/{jam.slug}").content


# --- embeds ---
# Every embed is public and the same for everyone: public Jams only, even to their owner.
EMBED_PAGES = {"embeds:jam-list", "embeds:jam", "embeds:organiser-jams", "embeds:campaign-map", "embeds:series"}
EMBED_PAGES |= {"embeds:missing"}  # issue 22: any other address under /embed/, the framed "not found"


def test_every_embed_page_is_classified():
    resolver = get_resolver().namespace_dict
    _prefix, sub = next(value for key, value in resolver.items() if key.endswith("embeds"))

    assert {f"embeds:{name}" for name in sub.reverse_dict if isinstance(name, str)} == EMBED_PAGES


@pytest.mark.parametrize("actor", ["anonymous", "another organiser", "staff without permission", "owner"])
@pytest.mark.parametrize("page", ["embeds:jam", "embeds:organiser-jams"])
def test_embeds_never_show_a_draft(client, owned, actor, page):
    client.logout()
    if actor == "owner":
        client.force_login(owned["jam"].organiser)
    else:
        as_actor(client, actor)

    response = client.get(reverse(page, args=[owned["draft"].slug]))

    assert response.status_code == 404
    assert b"Draft Jam" not in response.content


@pytest.mark.parametrize("actor", ["anonymous", "another organiser", "staff without permission", "owner"])
def test_the_series_embed_never_shows_a_draft_series(client, owned_series, actor):
    client.logout()
    if actor == "owner":
        client.force_login(owned_series["draft"].occurrences.first().organiser)
    else:
        as_actor(client, actor)

    response = client.get(reverse("embeds:series", args=[owned_series["draft"].pk]))
    public = client.get(reverse("embeds:series", args=[owned_series["series"].pk]))

    assert response.status_code == 404
    assert b"Draft Series" not in response.content
    assert public.status_code == 200


# --- contact ---
# Visitors write to a public Jam's organisers (contact:contact, contact:sent: a draft's
# answer 404, jamportal/contact/tests); the report link opens with its secret alone.
CONTACT_PAGES = {"contact:contact", "contact:sent", "contact:report"}


def test_every_contact_page_is_classified():
    _prefix, sub = next(value for key, value in get_resolver().namespace_dict.items() if key.endswith("contact"))

    assert {f"contact:{name}" for name in sub.reverse_dict if isinstance(name, str)} == CONTACT_PAGES


@pytest.mark.parametrize("actor", ["anonymous", "another organiser", "staff without permission"])
@pytest.mark.parametrize("page", ["contact:contact", "contact:sent"])
def test_a_drafts_contact_pages_are_for_its_organiser_only(client, actor, page):
    jam = JamFactory(status=Jam.Status.DRAFT, approved_at=None)
    as_actor(client, actor)

    assert client.get(reverse(page, args=[jam.slug])).status_code == 404


# --- alerts ---
# Alerts' pages: asking is public (and what happens next: it names only the address
# this visitor's own session gave); an alert's own pages open with its link's secret;
# the demand map is for every signed-in organiser and staff (counts only, none under
# the threshold: jamportal/alerts/tests).
ALERTS_PAGES = {"alerts:new", "alerts:sent", "alerts:confirm", "alerts:unsubscribe", "alerts:demand"}


def test_every_alerts_page_is_classified():
    _prefix, sub = get_resolver().namespace_dict["alerts"]
    assert {f"alerts:{name}" for name in sub.reverse_dict if isinstance(name, str)} == ALERTS_PAGES


@pytest.mark.parametrize("actor", ["anonymous", "another organiser", "staff without permission"])
@pytest.mark.parametrize("page", ["alerts:confirm", "alerts:unsubscribe"])
def test_an_alert_link_with_a_wrong_secret_finds_nothing(client, actor, page):
    from jamportal.alerts.models import Alert  # (alerts' own block: the imports above are the other apps')
    from jamportal.alerts.tests.factories import alert

    made, token = alert(confirmed=False)
    as_actor(client, actor)
    wrong = [token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "x" * 43, str(made.pk), made.token_hash]

    for secret in wrong:
        url = reverse(page, args=[secret])
        assert [client.get(url).status_code, client.post(url).status_code] == [404, 404]
    assert Alert.objects.filter(pk=made.pk, confirmed_at__isnull=True).count() == 1


# --- series ---


@pytest.fixture
def owned_series():
    """An organiser's approved Jam, their approved repeating Jam and their draft one."""
    series = approved_series(count=3)
    first = series.occurrences.order_by("occurrence_start").first()
    single = monthly_jam(title="Single Jam", organiser=first.organiser)
    draft_first = monthly_jam(
        title="Draft Series", organiser=first.organiser, status=Jam.Status.DRAFT, approved_at=None
    )
    draft = jam_services.series_create(draft_first, by=first.organiser, frequency="weekly", count=2)
    second = series.occurrences.order_by("occurrence_start")[1]
    return {"series": series, "second": second, "single": single, "draft": draft}


def series_state():
    jams = Jam.objects.order_by("pk").values_list("pk", "status", "start", "series_id")
    return json.dumps([list(jams), Series.objects.count()], default=str)


SERIES_ACTIONS = [
    ("open the repeat form", "get", lambda o: reverse("jams:series-create", args=[o["single"].slug]), None),
    (
        "make the Jam repeat",
        "post",
        lambda o: reverse("jams:series-create", args=[o["single"].slug]),
        {"frequency": "weekly", "ends": "never"},
    ),
    ("open the move form", "get", lambda o: reverse("jams:series-move", args=[o["second"].slug]), None),
    (
        "move a date",
        "post",
        lambda o: reverse("jams:series-move", args=[o["second"].slug]),
        {"day": "2031-01-04", "starts": "10:00", "ends": "12:00"},
    ),
    ("open the skip form", "get", lambda o: reverse("jams:series-skip", args=[o["second"].slug]), None),
    ("skip a date", "post", lambda o: reverse("jams:series-skip", args=[o["second"].slug]), {"reason": ""}),
    ("open the end form", "get", lambda o: reverse("jams:series-end", args=[o["series"].pk]), None),
    (
        "stop the series",
        "post",
        lambda o: reverse("jams:series-end", args=[o["series"].pk]),
        {"last_day": "2020-01-01", "reason": ""},
    ),
    ("open the rule form", "get", lambda o: reverse("jams:series-rule", args=[o["series"].pk]), None),
    (
        "change the rule",
        "post",
        lambda o: reverse("jams:series-rule", args=[o["series"].pk]),
        {"frequency": "weekly", "ends": "never", "save": "", "previewed": "weekly|False|None|None"},
    ),
    ("see a draft series", "get", lambda o: reverse("jams:series", args=[o["draft"].pk]), None),
    ("download a draft series", "get", lambda o: reverse("jams:series-ics", args=[o["draft"].pk]), None),
]


@pytest.mark.parametrize("actor", ["anonymous", "another organiser", "staff without permission"])
@pytest.mark.parametrize(("action", "method", "url", "data"), SERIES_ACTIONS, ids=[a[0] for a in SERIES_ACTIONS])
def test_only_the_owner_may_act_on_their_series(client, owned_series, actor, action, method, url, data):
    before = series_state()
    as_actor(client, actor)

    response = getattr(client, method)(url(owned_series), data or {})

    assert refused(response), (actor, action, response.status_code, response.get("Location"))
    assert series_state() == before
    assert b"Draft Series" not in response.content


SERIES_OWNER_VIEWS = [a for a in SERIES_ACTIONS if a[1] == "get"]


@pytest.mark.parametrize(
    ("action", "method", "url", "data"), SERIES_OWNER_VIEWS, ids=[a[0] for a in SERIES_OWNER_VIEWS]
)
def test_the_owner_may_see_their_series_pages(client, owned_series, action, method, url, data):
    client.force_login(owned_series["series"].organiser)

    assert client.get(url(owned_series)).status_code == 200


@pytest.mark.parametrize("role", ["co-organiser", "helper"])
@pytest.mark.parametrize(("action", "method", "url", "data"), SERIES_ACTIONS, ids=[a[0] for a in SERIES_ACTIONS])
def test_a_co_organiser_runs_the_series_and_a_helper_does_not(client, owned_series, role, action, method, url, data):
    """One person on the team of each of the organiser's Jams (a series' team is on all its dates)."""
    member = UserFactory()
    for jam in Jam.objects.filter(organiser=owned_series["single"].organiser):
        JamMember.objects.create(jam=jam, user=member, role=role)
    before = series_state()
    client.force_login(member)

    response = getattr(client, method)(url(owned_series), data or {})

    if role == "co-organiser":
        assert not refused(response), (role, action, response.status_code)
    else:
        assert refused(response), (role, action, response.status_code, response.get("Location"))
        assert series_state() == before


# --- imports ---
# An organiser's calendars (jamportal.imports): only their own to see, sync, place or remove.


@pytest.fixture
def owned_calendar():
    from jamportal.imports.models import CalendarSource, ImportedEvent

    source = CalendarSource.objects.create(organiser=UserFactory(), url="http://127.0.0.1:9/owned.ics")
    event = ImportedEvent.objects.create(source=source, uid="unplaced@example.org")
    return {"source": source, "event": event}


def calendar_state():
    from jamportal.imports.models import CalendarSource, ImportedEvent, SyncRun

    return json.dumps(
        {
            "sources": list(CalendarSource.objects.values_list("pk", "url", "state", "last_fetched_at")),
            "events": list(ImportedEvent.objects.values_list("pk", "place", "jam")),
            "runs": SyncRun.objects.count(),
        },
        default=str,
    )


CALENDAR_ACTIONS = [
    ("see a calendar's report", "get", lambda o: reverse("imports:source", args=[o["source"].pk]), None),
    ("sync a calendar", "post", lambda o: reverse("imports:sync", args=[o["source"].pk]), {}),
    (
        "place a calendar's event",
        "post",
        lambda o: reverse("imports:place", args=[o["source"].pk, o["event"].pk]),
        {"place": "Oxford"},
    ),
    ("ask before removing a calendar", "get", lambda o: reverse("imports:delete", args=[o["source"].pk]), None),
    ("remove a calendar", "post", lambda o: reverse("imports:delete", args=[o["source"].pk]), {}),
]
CALENDAR_OWNER_PAGES = {"imports:source", "imports:sync", "imports:place", "imports:delete"}  # the actions above
# One's own list of calendars and the form to add one: nothing of anyone else's.
CALENDAR_OTHER_PAGES = {"imports:sources"}


@pytest.mark.parametrize("actor", ["anonymous", "another organiser", "staff without permission"])
@pytest.mark.parametrize(("action", "method", "url", "data"), CALENDAR_ACTIONS, ids=[a[0] for a in CALENDAR_ACTIONS])
def test_only_the_owner_may_act_on_their_calendars(client, owned_calendar, actor, action, method, url, data):
    before = calendar_state()
    as_actor(client, actor)

    response = getattr(client, method)(url(owned_calendar), data or {})

    assert refused(response), (actor, action, response.status_code, response.get("Location"))
    assert calendar_state() == before
    assert b"owned.ics" not in response.content


def test_the_owner_may_see_their_calendar(client, owned_calendar):
    client.force_login(owned_calendar["source"].organiser)

    response = client.get(reverse("imports:source", args=[owned_calendar["source"].pk]))

    assert response.status_code == 200
    assert b"http://127.0.0.1:9/owned.ics" in response.content


def test_every_calendar_page_is_classified():
    _prefix, sub = get_resolver().namespace_dict["imports"]
    names = {f"imports:{name}" for name in sub.reverse_dict if isinstance(name, str)}

    assert names == CALENDAR_OWNER_PAGES | CALENDAR_OTHER_PAGES


# --- end imports ---


# --- take-home ---
# A photo's own page (the booth's QR code) opens with its token alone, for anyone, and
# shows only what the Jam's public gallery shows; a hidden photo's page says it was taken
# down, to its organiser too (they have the booths page); a token no photo has, nothing.
TAKEHOME_PAGES = {"feed:takehome", "feed:takehome-json", "feed:takehome-download"}
OTHER_PAGES |= TAKEHOME_PAGES


@pytest.mark.parametrize("actor", ["anonymous", "another organiser", "staff without permission", "owner"])
def test_a_hidden_photos_own_page_shows_it_to_nobody(client, owned, actor):
    from jamportal.feed.models import takehome_token  # (take-home's own block)

    before = state(owned)
    client.logout()
    if actor == "owner":
        client.force_login(owned["jam"].organiser)
    else:
        as_actor(client, actor)
    token = takehome_token(owned["hidden"].idempotency_key)
    wrong = token[:-2] + ("aa" if not token.endswith("aa") else "bb")

    answers = {name: client.get(reverse(name, args=[token])) for name in sorted(TAKEHOME_PAGES)}

    assert [answers[name].status_code for name in sorted(TAKEHOME_PAGES)] == [200, 404, 200]
    assert answers["feed:takehome-json"].json() == {"state": "removed"}
    assert b"/photos/" not in answers["feed:takehome"].content
    assert client.get(reverse("feed:takehome-json", args=[wrong])).json() == {"state": "coming"}
    assert client.get(reverse("feed:takehome-download", args=[wrong])).status_code == 404
    assert state(owned) == before
