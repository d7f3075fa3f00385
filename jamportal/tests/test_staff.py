"""The staff's side, where staff meet it: they land on their work after signing in,
nothing is published or deleted by one click, and a kit's history reads as words."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from jamportal.feed.models import Photo
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import PASSWORD, JamFactory, ModeratorFactory, UserFactory
from jamportal.kits import services as kit_services
from jamportal.kits.tests.factories import address, kit_with_shirts

pytestmark = pytest.mark.django_db


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def staff_with(*codenames, **fields):
    user = UserFactory(is_staff=True, **fields)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def sign_in(client, user):
    return client.post(en("account_login"), {"login": user.email, "password": PASSWORD})


@pytest.mark.parametrize(
    ("codenames", "lands_on"),
    [
        (["moderate_jam", "fulfil_kits", "moderate_photo"], "jams:moderation"),
        (["fulfil_kits"], "kits:kits"),
        (["moderate_photo"], "feed:moderation"),
        ([], "dashboard"),
    ],
)
def test_staff_land_on_their_work_after_signing_in(client, codenames, lands_on):
    user = staff_with(*codenames)

    response = sign_in(client, user)

    assert response.status_code == 302
    assert response["Location"] == en(lands_on)


def test_a_next_page_still_wins_over_the_staff_landing(client):
    user = staff_with("moderate_jam")

    response = client.post(en("account_login") + "?next=/en/kits/", {"login": user.email, "password": PASSWORD})

    assert response["Location"] == "/en/kits/"


def test_the_queue_has_no_one_click_approve_and_the_review_page_maps_the_jam(client):
    jam = JamFactory(status=Jam.Status.SUBMITTED, title="Leeds Jam", latitude=53.8008, longitude=-1.5491)
    client.force_login(ModeratorFactory())

    queue = client.get(en("jams:moderation")).content.decode()
    review = client.get(en("jams:moderate", jam.slug)).content.decode()

    assert 'value="approve"' not in queue
    assert f'<a class="button" href="{en("jams:moderate", jam.slug)}">Review</a>' in queue
    assert 'data-latitude="53.800800" data-longitude="-1.549100"' in review
    assert 'id="jam-location"' in review
    assert "jams/jam_location" in review
    assert 'name="action" value="approve"' in review


def test_deleting_a_photo_asks_first_and_keeps_it_until_confirmed(client):
    photo = Photo.objects.create(jam=JamFactory(), idempotency_key="k", taken_at="2031-03-01T12:00:00Z",
                                 caption="Cake", status=Photo.Status.REPORTED)  # fmt: skip
    client.force_login(staff_with("moderate_photo"))
    queue = en("feed:moderation")

    asked = client.post(en("feed:action", photo.pk), {"action": "delete", "next": queue})
    still_there = Photo.objects.get().status
    confirmed = client.post(en("feed:action", photo.pk), {"action": "delete", "next": queue, "confirmed": "yes"})

    page = asked.content.decode()
    assert asked.status_code == 200
    assert "<h1>Delete this photo?</h1>" in page
    assert '<input type="hidden" name="confirmed" value="yes">' in page
    assert f'<input type="hidden" name="next" value="{queue}">' in page
    assert still_there == Photo.Status.REPORTED
    assert confirmed["Location"] == queue
    assert Photo.objects.get().status == Photo.Status.DELETED


def test_kit_history_reads_as_status_names_with_who_and_when(client):
    kit, shirts = kit_with_shirts()
    jam = JamFactory(campaign=kit.campaign, status=Jam.Status.APPROVED)
    kit_request = kit_services.kit_request_create(jam, by=jam.organiser, data=address(), lines={(shirts, "M"): 1})
    staff = staff_with("fulfil_kits", email="packer@example.org")
    kit_services.kit_request_move(kit_request, "approved", by=staff)
    client.force_login(staff)

    page = client.get(en("kits:request", kit_request.pk)).content.decode()

    history = page[page.index('<ol class="history">') :]
    assert "<strong>Requested → Approved</strong>" in history
    assert "<strong>New → Requested</strong>" in history
    assert "<bdi>packer@example.org</bdi>" in history
    assert "→ requested" not in history
    assert "— →" not in history


def test_the_kits_dashboard_filters_by_a_select_of_countries(client):
    kit, shirts = kit_with_shirts()
    for title, country, postcode in [("Lyon Jam", "FR", "69003"), ("Leeds Jam", "GB", "LS1 1AA")]:
        jam = JamFactory(campaign=kit.campaign, status=Jam.Status.APPROVED, title=title)
        kit_services.kit_request_create(
            jam, by=jam.organiser, data=address(country=country, postcode=postcode), lines={(shirts, "M"): 1}
        )
    client.force_login(staff_with("fulfil_kits"))

    page = client.get(en("kits:dashboard", kit.pk), {"country": "FR"}).content.decode()

    assert '<select name="country" id="id_country">' in page
    assert '<option value="">Any country</option>' in page
    assert '<option value="FR" selected>France</option>' in page
    assert "Lyon Jam" in page
    assert "Leeds Jam" not in page
    assert 'data-label="Country">France</td>' in page
