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
from jamportal.jams.models import Jam, JamTranslation
from jamportal.jams.tests.factories import JamFactory, UserFactory
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
}
OTHER_PAGES = {
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
