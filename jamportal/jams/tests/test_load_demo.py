import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from jamportal.accounts.models import User
from jamportal.jams.models import Campaign, Jam
from jamportal.kits import services as kit_services
from jamportal.kits.models import KitItem, KitRequest

pytestmark = pytest.mark.django_db
Status = Jam.Status


@pytest.mark.slow  # big data: the demo's 200 Jams, twice
def test_load_demo_fills_the_map_and_can_run_twice(settings, capsys):
    settings.DEBUG = True

    call_command("load_demo")
    first = Jam.objects.count()
    call_command("load_demo")

    past = Campaign.objects.get(slug="big-birthday-weekend-2018")
    approved_2018 = Jam.objects.filter(campaign=past, status=Status.APPROVED)
    assert Jam.objects.count() == first
    assert approved_2018.count() >= 100
    assert approved_2018.values("country").distinct().count() >= 35
    assert Jam.objects.filter(status=Status.APPROVED, start__gt=timezone.now()).count() >= 50
    assert Jam.objects.filter(status=Status.SUBMITTED).exists()
    assert Jam.objects.filter(status=Status.REJECTED).exists()
    # The far south-east and south-west are there too (Oceania, South America).
    assert approved_2018.filter(latitude__lt=-30, longitude__gt=110).exists()  # Oceania
    assert approved_2018.filter(latitude__lt=0, longitude__lt=-30).exists()  # South America
    staff = User.objects.get(email="staff@jamportal.localhost")
    assert staff.has_perm("jams.moderate_jam")
    assert staff.has_perm("feed.moderate_photo")
    assert staff.has_perm("kits.fulfil_kits")
    assert not staff.is_superuser
    assert "Staff login:     staff@jamportal.localhost / raspberry-jam" in capsys.readouterr().out
    # The organiser's next Jam takes sign-ups here: nearly full, one party waiting (loaded once).
    organiser = User.objects.get(email="organiser@jamportal.localhost")
    next_jam = Jam.objects.filter(organiser=organiser, status=Status.APPROVED, start__gt=timezone.now()).first()
    assert next_jam.signup_sheet.capacity == 8
    assert sorted(next_jam.signups.values_list("status", flat=True)) == ["place"] * 4 + ["waiting"]
    # The past campaign's Jams have their figures (people who came, names long forgotten), once.
    came = approved_2018.filter(signups__checked_in_at__isnull=False).distinct().count()
    assert came == approved_2018.count()
    assert not approved_2018.filter(signups__anonymised_at__isnull=True).exists()


def test_load_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="Refusing"):
        call_command("load_demo")

    assert not Jam.objects.exists()


@pytest.mark.slow  # big data: the demo's 200 Jams
def test_load_demo_sends_each_kit_to_its_own_jam(settings):
    settings.DEBUG = True

    call_command("load_demo")

    requests = KitRequest.objects.select_related("jam").order_by("pk")
    assert requests.count() == 4
    for kit_request in requests:
        jam = kit_request.jam
        assert (kit_request.country, kit_request.city) == (jam.country, jam.city)
        assert kit_request.address_line1 == jam.venue_name
        assert kit_request.address_line2 == jam.address != ""
        assert kit_services.postcode_problem(kit_request.country, kit_request.postcode) == ""
    assert [str(r.country) for r in requests] == ["GB", "FR", "JP", "CM"]
    assert dict(KitItem.objects.values_list("name", "hs_code")) == {
        "T-shirt": "6109.10",
        "Sticker sheet": "4911.99",
        "Birthday poster": "4911.91",
    }
