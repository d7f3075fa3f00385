import csv
import datetime
import importlib
import io
import re
import subprocess
import threading
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from jamportal.cldr import names
from jamportal.jams.models import Jam
from jamportal.jams.tests.factories import CampaignFactory, JamFactory, UserFactory
from jamportal.kits import services
from jamportal.kits.models import Kit, KitItem, KitRequest, StockLevel
from jamportal.kits.tasks import task_anonymise_kit_addresses, task_nudge_kit_receipts
from jamportal.kits.tests.factories import address

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"

pytestmark = pytest.mark.django_db
Status = KitRequest.Status


def kit_staff(**kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.user_permissions.add(Permission.objects.get(codename="fulfil_kits"))
    return user


@pytest.fixture
def kit():
    campaign = CampaignFactory()
    kit = Kit.objects.create(
        campaign=campaign, request_deadline=timezone.localdate() + datetime.timedelta(days=10), dispatch_country="GB"
    )
    shirts = KitItem.objects.create(kit=kit, name="T-shirt", sizes=["S", "M", "L"], max_per_request=5, unit_value=8)
    stickers = KitItem.objects.create(kit=kit, name="Stickers", max_per_request=2, unit_value=1, unit_weight_grams=20)
    StockLevel.objects.create(item=shirts, size="M", received=10)
    StockLevel.objects.create(item=stickers, size="", received=100)
    return kit


def form_data(kit, **overrides):
    shirts, stickers = kit.items.all()
    data = {**address(), f"quantity_{shirts.pk}_M": "2", f"quantity_{stickers.pk}_": "1"}
    data.update(overrides)
    return data


def make_request(kit, *, shirts=2, country="GB", postcode="CB1 2AB", **jam_fields):
    jam = JamFactory(campaign=kit.campaign, **jam_fields)
    tshirt, stickers = kit.items.all()
    return services.kit_request_create(
        jam,
        by=jam.organiser,
        data=address(country=country, postcode=postcode),
        lines={(tshirt, "M"): shirts, (stickers, ""): 1},
    )


def level(kit, size="M"):
    return StockLevel.objects.get(item=kit.items.first(), size=size)


# Requesting a kit


def test_organiser_requests_a_kit_and_is_told(client, kit, django_capture_on_commit_callbacks):
    jam = JamFactory(campaign=kit.campaign, title="Cambridge Jam")
    client.force_login(jam.organiser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("kits:new", args=[jam.slug]), form_data(kit))

    kit_request = KitRequest.objects.get()
    assert response["Location"] == reverse("kits:request", args=[kit_request.pk])
    assert [(line.item.name, line.size, line.quantity) for line in kit_request.lines.all()] == [
        ("T-shirt", "M", 2),
        ("Stickers", "", 1),
    ]
    assert mail.outbox[-1].subject == "Your birthday kit for “Cambridge Jam”: Requested"
    page = client.get(reverse("kits:request", args=[kit_request.pk])).content.decode()
    assert "1 Station Road" in page
    assert "2 × <bdi>T-shirt (M)</bdi>" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"postcode": ""}, "postcode", "This country uses postcodes: please give one."),
        ({"postcode": "12345"}, "postcode", "This does not look like a postcode of that country."),
        ({"phone": ""}, "phone", "This field is required."),
        (
            {"phone": "abc"},
            "phone",
            "Give a phone number the courier can call: its digits, with + and the country code",
        ),
        ({"phone": "12"}, "phone", "Give a phone number the courier can call: its digits, with + and the country code"),
        ({"recipient_name": ""}, "recipient_name", "This field is required."),
        ({"country": "XX"}, "country", "Select a valid choice."),
    ],
)
def test_request_form_explains_bad_addresses_and_keeps_them(client, kit, overrides, field, message):
    jam = JamFactory(campaign=kit.campaign)
    client.force_login(jam.organiser)

    response = client.post(reverse("kits:new", args=[jam.slug]), form_data(kit, **overrides))

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert 'value="1 Station Road"' in response.content.decode()
    assert not KitRequest.objects.exists()


ONE_LINE_TEXT = "Write this on one line, without line breaks, tabs or other control characters."
NO_CONTROL = "Remove the control characters (invisible codes such as escape or bell); line breaks are fine."


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("recipient_name", "Ada\x07Lovelace", ONE_LINE_TEXT),
        ("address_line1", "1 Station Road\r\nBack door", ONE_LINE_TEXT),
        ("address_line2", "Flat\t2", ONE_LINE_TEXT),
        ("city", "Cam\x1bbridge", ONE_LINE_TEXT),
        ("region", "East\x85Anglia", ONE_LINE_TEXT),
        ("phone", "+44\x7f1223", ONE_LINE_TEXT),
        ("notes", "Ring\x07 twice\nplease", NO_CONTROL),
    ],
)
def test_request_form_refuses_control_characters_and_keeps_them(client, kit, field, value, message):
    jam = JamFactory(campaign=kit.campaign)
    client.force_login(jam.organiser)

    response = client.post(reverse("kits:new", args=[jam.slug]), form_data(kit, **{field: value}))

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [message]}
    assert response.context["form"][field].value() == value
    assert not KitRequest.objects.exists()


def test_kit_request_services_refuse_control_characters_from_any_caller(kit):
    jam = JamFactory(campaign=kit.campaign)
    kit_request = make_request(kit)
    lines = {(kit.items.first(), "M"): 1}

    with pytest.raises(ValidationError) as created:
        services.kit_request_create(jam, by=jam.organiser, data=address(city="Cam\x07bridge"), lines=lines)
    with pytest.raises(ValidationError) as updated:
        services.kit_request_update(
            kit_request, by=kit_request.jam.organiser, data=address(postcode="CB1\x1b2AB", notes="x\x07"), lines=lines
        )

    assert created.value.message_dict == {"city": [ONE_LINE_TEXT]}
    assert updated.value.message_dict == {"postcode": [ONE_LINE_TEXT], "notes": [NO_CONTROL]}
    assert list(KitRequest.objects.values_list("postcode", flat=True)) == ["CB1 2AB"]


def test_kit_addresses_saved_before_the_rule_lose_their_control_characters(kit):
    kit_request = make_request(kit)
    KitRequest.objects.filter(pk=kit_request.pk).update(
        address_line1="1 Station\x07Road", city="Cam\u2028bridge", notes="Ring\x07 twice\nplease"
    )
    migration = importlib.import_module("jamportal.kits.migrations.0004_typed_text_without_control_characters")

    migration.clean_typed_text(django_apps, None)

    kit_request.refresh_from_db()
    assert (kit_request.address_line1, kit_request.city) == ("1 Station Road", "Cam bridge")
    assert kit_request.notes == "Ring twice\nplease"


def test_countries_without_postcodes_need_none(client, kit):
    jam = JamFactory(campaign=kit.campaign)
    client.force_login(jam.organiser)

    client.post(reverse("kits:new", args=[jam.slug]), form_data(kit, country="CM", postcode="", city="Yaoundé"))

    assert KitRequest.objects.get().postcode == ""


def test_request_form_refuses_quantities_over_the_limit(client, kit):
    jam = JamFactory(campaign=kit.campaign)
    client.force_login(jam.organiser)
    shirts = kit.items.first()

    over = client.post(reverse("kits:new", args=[jam.slug]), form_data(kit, **{f"quantity_{shirts.pk}_M": "9"}))
    nothing = client.post(
        reverse("kits:new", args=[jam.slug]),
        form_data(kit, **{f"quantity_{shirts.pk}_M": "0", f"quantity_{kit.items.last().pk}_": "0"}),
    )

    assert "Ensure this value is less than or equal to 5." in over.content.decode()
    assert "Please ask for at least one thing." in nothing.content.decode()
    assert not KitRequest.objects.exists()


def test_sizes_not_in_the_kit_are_refused(kit):
    jam = JamFactory(campaign=kit.campaign)

    with pytest.raises(services.KitError, match="does not come in size “XXL”"):
        services.kit_request_create(jam, by=jam.organiser, data=address(), lines={(kit.items.first(), "XXL"): 1})


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda kit, jam: Jam.objects.filter(pk=jam.pk).update(status=Jam.Status.SUBMITTED), "not approved yet"),
        (lambda kit, jam: Kit.objects.filter(pk=kit.pk).update(request_deadline=datetime.date(2020, 1, 1)), "closed"),
        (lambda kit, jam: make_request(kit, title="Twin") and KitRequest.objects.update(jam=jam), "already has"),
    ],
)
def test_requests_only_for_approved_jams_before_the_deadline_once(client, kit, setup, message):
    jam = JamFactory(campaign=kit.campaign)
    setup(kit, jam)
    jam.refresh_from_db()
    client.force_login(jam.organiser)

    response = client.post(reverse("kits:new", args=[jam.slug]), form_data(kit), follow=True)

    assert message in response.content.decode()
    assert KitRequest.objects.filter(jam=jam).count() == (1 if message == "already has" else 0)


def test_address_is_only_for_the_organiser_and_kit_staff(client, kit):
    kit_request = make_request(kit)
    url = reverse("kits:request", args=[kit_request.pk])

    anonymous = client.get(url)
    client.force_login(UserFactory())
    other = client.get(url)
    client.force_login(UserFactory(is_staff=True))
    staff_without_permission = client.get(url)
    client.force_login(kit_staff())
    staff = client.get(url)

    assert (anonymous.status_code, other.status_code, staff_without_permission.status_code) == (404, 404, 404)
    assert "1 Station Road" in staff.content.decode()
    assert client.post(reverse("kits:move", args=[kit_request.pk]), {"to": "approved"}).status_code == 302


def test_organiser_changes_and_cancels_until_packed(client, kit):
    kit_request = make_request(kit)
    organiser = kit_request.jam.organiser
    client.force_login(organiser)
    shirts = kit.items.first()

    client.post(reverse("kits:edit", args=[kit_request.pk]), form_data(kit, **{f"quantity_{shirts.pk}_M": "4"}))
    services.kit_request_move(kit_request, Status.APPROVED, by=kit_staff())
    reserved_before = level(kit).reserved
    client.post(reverse("kits:move", args=[kit_request.pk]), {"to": "cancelled"})

    kit_request.refresh_from_db()
    assert reserved_before == 4
    assert kit_request.status == Status.CANCELLED
    assert level(kit).reserved == 0


# The workflow and stock


def test_stock_follows_the_workflow(kit, django_capture_on_commit_callbacks):
    staff = kit_staff()

    with django_capture_on_commit_callbacks(execute=True):
        kit_request = make_request(kit, shirts=3)
        services.kit_request_move(kit_request, Status.APPROVED, by=staff)
        reserved = (level(kit).reserved, level(kit).available)
        services.kit_request_move(kit_request, Status.PACKED, by=staff)
        packed = (level(kit).reserved, level(kit).taken, level(kit).available)
        services.kit_request_move(kit_request, Status.SHIPPED, by=staff, carrier="DHL", tracking_number="JD0123")
        services.kit_request_move(kit_request, Status.DELIVERED, by=kit_request.jam.organiser)

    assert reserved == (3, 7)
    assert packed == (0, 3, 7)
    assert [m.subject.split(": ")[-1] for m in mail.outbox] == [
        "Requested",
        "Approved",
        "Packed",
        "Shipped",
        "Delivered",
    ]
    assert (
        "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=JD0123"
        in mail.outbox[3].body
    )
    assert list(kit_request.events.values_list("to_status", flat=True)) == [
        "delivered",
        "shipped",
        "packed",
        "approved",
        "requested",
    ]
    assert kit_request.events.first().actor == kit_request.jam.organiser


def test_returned_kit_goes_back_into_stock(kit):
    staff = kit_staff()
    kit_request = make_request(kit, shirts=2)
    for to in (Status.APPROVED, Status.PACKED):
        services.kit_request_move(kit_request, to, by=staff)
    services.kit_request_move(kit_request, Status.SHIPPED, by=staff, carrier="UPS", tracking_number="1Z")

    services.kit_request_move(kit_request, Status.RETURNED, by=staff)

    assert (level(kit).taken, level(kit).available) == (0, 10)


@pytest.mark.parametrize(
    ("moves", "to", "message"),
    [
        ([], Status.SHIPPED, "cannot become"),
        ([], Status.PACKED, "cannot become"),
        ([Status.APPROVED], Status.APPROVED, "cannot become"),
        ([Status.APPROVED, Status.PACKED], Status.SHIPPED, "carrier and tracking number"),
        ([], Status.REJECTED, "why the kit is not approved"),
    ],
)
def test_illegal_moves_are_refused_with_a_message(client, kit, moves, to, message):
    staff = kit_staff()
    kit_request = make_request(kit)
    for move in moves:
        services.kit_request_move(kit_request, move, by=staff)
    client.force_login(staff)

    response = client.post(reverse("kits:move", args=[kit_request.pk]), {"to": to}, follow=True)

    assert response.status_code == 200
    assert message in response.content.decode()
    kit_request.refresh_from_db()
    assert kit_request.status == (moves[-1] if moves else Status.REQUESTED)


def test_organisers_cannot_approve_their_own_kit(client, kit):
    kit_request = make_request(kit)
    client.force_login(kit_request.jam.organiser)

    response = client.post(reverse("kits:move", args=[kit_request.pk]), {"to": "approved"})

    assert response.status_code == 403
    assert level(kit).reserved == 0


def test_approving_without_enough_stock_is_refused(kit):
    kit_request = make_request(kit, shirts=5)
    services.stock_receive(kit.items.first(), size="M", quantity=-6, by=kit_staff())

    with pytest.raises(services.KitError, match=r"Not enough in stock: T-shirt \(M\)"):
        services.kit_request_move(kit_request, Status.APPROVED, by=kit_staff())

    assert (level(kit).received, level(kit).reserved) == (4, 0)


def approve_at_once(pairs):
    """Approve each (request, staff) pair in its own thread and connection, all
    released at the same moment; returns "approved" or "refused" for each."""
    start = threading.Barrier(len(pairs))
    outcomes = []

    def approve(kit_request, user):
        try:
            start.wait()
            services.kit_request_move(kit_request, Status.APPROVED, by=user)
            outcomes.append("approved")
        except services.KitError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


POSTGRES_ONLY = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="row locks and real concurrency need PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
@POSTGRES_ONLY
def test_concurrent_approvals_never_oversell(kit):
    """Twenty staff approve twenty requests at once for ten T-shirts: ten win."""
    staff = kit_staff()
    requests = [make_request(kit, shirts=1, title=f"Jam {i}") for i in range(20)]

    outcomes = approve_at_once([(kit_request, staff) for kit_request in requests])

    assert outcomes.count("approved") == 10
    assert level(kit).reserved == 10
    assert level(kit).available == 0
    assert KitRequest.objects.filter(status=Status.APPROVED).count() == 10


@pytest.mark.django_db(transaction=True)
@POSTGRES_ONLY
def test_two_staff_approving_the_same_request_reserve_once(kit):
    kit_request = make_request(kit, shirts=3)

    outcomes = approve_at_once([(kit_request, kit_staff()), (kit_request, kit_staff())])

    assert outcomes == ["approved", "refused"]
    assert level(kit).reserved == 3


# Staff pages


def test_dashboard_needs_the_kits_permission(client, kit):
    url = reverse("kits:dashboard", args=[kit.pk])

    anonymous = client.get(url)
    client.force_login(UserFactory(is_staff=True))
    without = client.get(url)

    assert anonymous.status_code == 302
    assert without.status_code == 403


def test_dashboard_filters_and_bulk_moves(client, kit):
    staff = kit_staff()
    british = make_request(kit, title="British Jam")
    french = make_request(kit, title="French Jam", country="FR", postcode="75001")
    client.force_login(staff)
    url = reverse("kits:dashboard", args=[kit.pk])

    by_country = client.get(url, {"country": "fr"}).content.decode()
    client.post(url, {"to": "approved", "requests": [british.pk, french.pk]})
    client.post(url, {"to": "packed", "requests": [british.pk]})

    assert "French Jam" in by_country
    assert "British Jam" not in by_country
    british.refresh_from_db()
    french.refresh_from_db()
    assert (british.status, french.status) == (Status.PACKED, Status.APPROVED)
    assert (level(kit).reserved, level(kit).taken) == (2, 2)


def test_dashboard_query_count_does_not_grow_with_requests(client, kit, assert_constant_queries):
    client.force_login(kit_staff())
    make_request(kit, title="One")

    assert_constant_queries(
        reverse("kits:dashboard", args=[kit.pk]), lambda: [make_request(kit, title=t) for t in ("Two", "Three")]
    )


def test_stock_page_records_deliveries(client, kit):
    client.force_login(kit_staff())
    url = reverse("kits:stock", args=[kit.pk])

    client.post(url, {"item": kit.items.first().pk, "size": "L", "quantity": "25"})
    bad = client.post(url, {"item": kit.items.first().pk, "size": "XXL", "quantity": "5"})
    page = client.get(url).content.decode()

    assert StockLevel.objects.get(size="L").received == 25
    assert "does not come in size “XXL”" in bad.content.decode()
    assert (
        '<td data-label="Size">L</td><td data-label="Received">25</td><td data-label="Reserved">0</td>'
        '<td data-label="Packed">0</td><td data-label="Available"><strong>25</strong></td>'
        '<td data-label="Shipped">0</td>'
    ) in page


def pdf_text(response, tmp_path):
    path = tmp_path / "out.pdf"
    path.write_bytes(response.content)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_packing_slips_labels_and_customs_print_any_script(client, kit, tmp_path):
    staff = kit_staff()
    tokyo = make_request(kit, title="Tokyo Jam", country="JP", postcode="150-0043")
    KitRequest.objects.filter(pk=tokyo.pk).update(recipient_name="山田 花子", address_line1="道玄坂1-22-7")
    tehran = make_request(kit, title="Tehran Jam", country="IR", postcode="1234567890")
    KitRequest.objects.filter(pk=tehran.pk).update(recipient_name="سارا احمدی")
    home = make_request(kit, title="Home Jam")
    client.force_login(staff)
    chosen = {"requests": [tokyo.pk, tehran.pk, home.pk]}

    slips = pdf_text(client.get(reverse("kits:packing-slips", args=[kit.pk]), chosen), tmp_path)
    labels = pdf_text(client.get(reverse("kits:labels", args=[kit.pk]), chosen), tmp_path)
    customs = pdf_text(client.get(reverse("kits:customs", args=[kit.pk]), chosen), tmp_path)

    assert "山田 花子" in slips
    assert "道玄坂1-22-7" in slips
    assert "T-shirt" in slips
    assert "山田 花子" in labels
    assert "JAPAN" in labels
    assert {"سارا", "احمدی"} <= set(labels.replace("\u202b", " ").replace("\u202c", " ").split())
    assert f"KIT-{tokyo.pk}" in customs
    assert f"KIT-{tehran.pk}" in customs
    assert f"KIT-{home.pk}" not in customs  # sent within the dispatch country
    assert "Country of origin of goods: United Kingdom" in customs


def test_courier_csv_is_one_row_per_kit_and_safe_in_spreadsheets(client, kit):
    kit_request = make_request(kit)
    KitRequest.objects.filter(pk=kit_request.pk).update(recipient_name="=HYPERLINK(1)")
    client.force_login(kit_staff())

    response = client.get(reverse("kits:csv", args=[kit.pk]), {"requests": [kit_request.pk]})

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["reference", "recipient_name", "phone"]
    assert rows[1][0] == f"KIT-{kit_request.pk}"
    assert rows[1][1] == "'=HYPERLINK(1)"
    assert rows[1][9] == "2 x T-shirt M; 1 x Stickers"
    assert rows[0][10:] == ["weight_kg", "value", "currency"]
    assert rows[1][10:] == ["0.020", "17.00", "GBP"]


@pytest.mark.parametrize("name", ["kits:packing-slips", "kits:labels", "kits:customs", "kits:csv"])
@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        (
            {"requests": "abc"},
            "requests: “abc” is not a number above zero: give numbers separated by commas, e.g. 12,15.",
        ),
        (
            {"requests": ["1", "0"]},
            "requests: “0” is not a number above zero: give numbers separated by commas, e.g. 12,15.",
        ),
        (
            {"requests": "2,-3"},
            "requests: “-3” is not a number above zero: give numbers separated by commas, e.g. 12,15.",
        ),
        (
            {"requests": "１２"},
            "requests: “１２” is not a number above zero: give numbers separated by commas, e.g. 12,15.",
        ),
        (
            {"requests": "9" * 20},
            f"requests: “{'9' * 20}” is not a number above zero: give numbers separated by commas, e.g. 12,15.",
        ),
        ({"requests": ",".join(map(str, range(1, 502)))}, "requests: Choose at most 500 at once."),
        ({"status": "lost"}, "status: Select a valid choice. lost is not one of the available choices."),
    ],
)
def test_printouts_with_bad_request_ids_get_400_saying_what_is_wrong(client, kit, name, chosen, message):
    client.force_login(kit_staff())

    response = client.get(reverse(name, args=[kit.pk]), chosen)

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == f"Some parameters are not valid.\n{message}\n"


def test_courier_csv_takes_ids_separated_by_commas_or_repeated(client, kit):
    first, second, third = (make_request(kit, title=title) for title in ("One", "Two", "Three"))
    client.force_login(kit_staff())
    url = reverse("kits:csv", args=[kit.pk])

    commas = client.get(url, {"requests": f"{first.pk}, {third.pk}"})
    repeated = client.get(url, {"requests": [str(second.pk), f"{third.pk},{second.pk}"]})

    def references(response):
        return [row[0] for row in csv.reader(io.StringIO(response.content.decode()))][1:]

    assert references(commas) == [f"KIT-{first.pk}", f"KIT-{third.pk}"]
    assert references(repeated) == [f"KIT-{second.pk}", f"KIT-{third.pk}"]


def test_dashboard_bulk_move_with_bad_ids_explains_and_moves_nothing(client, kit):
    kit_request = make_request(kit)
    client.force_login(kit_staff())
    url = reverse("kits:dashboard", args=[kit.pk])

    response = client.post(url, {"to": "approved", "requests": [str(kit_request.pk), "abc"]}, follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "“abc” is not a number above zero: give numbers separated by commas, e.g. 12,15."
    ]
    kit_request.refresh_from_db()
    assert kit_request.status == Status.REQUESTED


def test_addresses_are_forgotten_after_the_retention_period(kit):
    kit_request = make_request(kit)
    kit.campaign.ends_on = timezone.localdate() - datetime.timedelta(days=91)
    kit.campaign.starts_on = kit.campaign.ends_on - datetime.timedelta(days=1)
    kit.campaign.save()

    count = task_anonymise_kit_addresses()

    kit_request.refresh_from_db()
    assert count == 1
    assert (kit_request.recipient_name, kit_request.phone, kit_request.address_line1, kit_request.postcode) == (
        "",
        "",
        "",
        "",
    )
    assert kit_request.country.code == "GB"
    assert kit_request.lines.count() == 2
    assert task_anonymise_kit_addresses() == 0


# Asking whether shipped kits arrived (Celery beat, daily)


def shipped(kit, **jam_fields):
    staff = kit_staff()
    kit_request = make_request(kit, **jam_fields)
    for status in (Status.APPROVED, Status.PACKED):
        services.kit_request_move(kit_request, status, by=staff)
    return services.kit_request_move(kit_request, Status.SHIPPED, by=staff, carrier="DHL", tracking_number="JD0123")


def test_organisers_are_asked_once_whether_a_shipped_kit_arrived(kit):
    waiting = shipped(kit, title="Waiting Jam")
    arrived = shipped(kit, title="Arrived Jam")
    services.kit_request_move(arrived, Status.DELIVERED, by=arrived.jam.organiser)
    later = timezone.now() + services.NUDGE_AFTER + datetime.timedelta(hours=1)
    mail.outbox.clear()

    too_soon = services.kit_requests_nudge(now=timezone.now() + datetime.timedelta(days=3))
    first = services.kit_requests_nudge(now=later)
    again = task_nudge_kit_receipts.apply(kwargs={}).get() + services.kit_requests_nudge(now=later)

    assert (too_soon, first, again) == (0, 1, 0)
    [message] = mail.outbox
    assert message.subject == "Has the kit for “Waiting Jam” arrived?"
    assert message.to == [waiting.jam.organiser.email]
    assert "with DHL (tracking number JD0123)" in message.body
    assert reverse("kits:request", args=[waiting.pk]) in message.body


def test_the_kit_question_speaks_the_organisers_language(kit):
    shipped(kit, title="Jam Caerdydd", organiser=UserFactory(language="cy"))
    mail.outbox.clear()

    services.kit_requests_nudge(now=timezone.now() + services.NUDGE_AFTER + datetime.timedelta(hours=1))

    assert mail.outbox[0].subject == "A yw'r pecyn ar gyfer “Jam Caerdydd” wedi cyrraedd?"


# The papers of a parcel: customs declaration, packing slip and courier file agree


def pdf_layout(response, tmp_path):
    """The PDF's text laid out as on the page (poppler's pdftotext -layout), line by line.
    The PDF is kept in test-artifacts/ to look at."""
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "layout.pdf"
    path.write_bytes(response.content)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / response["Content-Disposition"].split('filename="')[1].rstrip('"')).write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return [line.strip() for line in text.stdout.splitlines() if line.strip()]


@pytest.fixture
def parcel(settings):
    """A kit like the demo's, three kinds of things in one request going abroad (France)."""
    settings.KIT_SENDER_ADDRESS = ["Kit Team", "7 Hills Road", "Cambridge CB2 1NT", "United Kingdom"]
    kit = Kit.objects.create(
        campaign=CampaignFactory(), request_deadline=timezone.localdate() + datetime.timedelta(days=10),
        dispatch_country="GB", currency="GBP",
    )  # fmt: skip
    items = [
        KitItem.objects.create(kit=kit, name="T-shirt", sizes=["M"], max_per_request=6, unit_value="8.00",
                               unit_weight_grams=180, hs_code="6109.10", position=0),
        KitItem.objects.create(kit=kit, name="Sticker sheet", max_per_request=50, unit_value="0.20",
                               unit_weight_grams=5, hs_code="4911.99", position=1),
        KitItem.objects.create(kit=kit, name="Birthday poster", max_per_request=2, unit_value="1.50",
                               unit_weight_grams=60, position=2),
    ]  # fmt: skip
    for item in items:
        StockLevel.objects.create(item=item, size=item.size_choices()[0], received=100)
    jam = JamFactory(campaign=kit.campaign, title="Lyon Jam")
    kit_request = services.kit_request_create(
        jam,
        by=jam.organiser,
        data=address(recipient_name="Camille Martin", city="Lyon", postcode="69003", country="FR"),
        lines={(items[0], "M"): 3, (items[1], ""): 20, (items[2], ""): 1},
    )
    return kit, kit_request


def test_customs_declaration_packing_slip_and_courier_csv_add_up_to_the_same(client, parcel, tmp_path):
    kit, kit_request = parcel
    client.force_login(kit_staff())
    chosen = {"requests": [kit_request.pk]}

    rows = list(csv.DictReader(io.StringIO(client.get(reverse("kits:csv", args=[kit.pk]), chosen).content.decode())))
    customs = pdf_layout(client.get(reverse("kits:customs", args=[kit.pk]), chosen), tmp_path)
    slip = pdf_layout(client.get(reverse("kits:packing-slips", args=[kit.pk]), chosen), tmp_path)

    # Every line: quantity, description, HS code, net weight in kg to three decimals, quantity x unit value.
    expected = [
        ("3", "T-shirt (M)", "6109.10", "0.540", "24.00"),
        ("20", "Sticker sheet", "4911.99", "0.100", "4.00"),
        ("1", "Birthday poster", "—", "0.060", "1.50"),
    ]
    line = re.compile(r"^(\d+)\s+(.+?)\s{2,}(\d{4}(?:\.\d{2})*|—)\s+(\d+\.\d{3})\s+(\d+\.\d{2}) GBP$")
    assert [m.groups() for m in map(line.fullmatch, customs) if m] == expected
    assert "Quantity Detailed description of contents HS tariff number Net weight (kg) Value (GBP)" in [
        " ".join(text.split()) for text in customs
    ]
    assert [" ".join(text.split()) for text in customs if text.startswith("Total")] == ["Total 0.700 29.50 GBP"]
    # The courier's file: the same totals, the same contents.
    assert len(rows) == 1
    assert (rows[0]["weight_kg"], rows[0]["value"], rows[0]["currency"]) == ("0.700", "29.50", "GBP")
    assert rows[0]["contents"] == "3 x T-shirt M; 20 x Sticker sheet; 1 x Birthday poster"
    # Sender and recipient, side by side.
    assert re.match(r"^FROM \(SENDER\)\s+TO \(RECIPIENT\)$", customs[1])
    assert re.match(r"^Kit Team\s+Camille Martin$", customs[2])
    assert re.match(r"^7 Hills Road\s+1 Station Road$", customs[3])
    assert re.match(r"^Cambridge CB2 1NT\s+69003 Lyon$", customs[4])
    assert re.match(r"^United Kingdom\s+FRANCE$", customs[5])
    # The packing slip: the same lines and totals, for the packers.
    slip_line = re.compile(r"^(.+?)\s{2,}(M|—)\s+(\d+)\s+(\d+\.\d{3})\s+(\d+\.\d{2})$")
    assert [m.groups() for m in map(slip_line.fullmatch, slip) if m] == [
        ("T-shirt", "M", "3", "0.540", "24.00"),
        ("Sticker sheet", "—", "20", "0.100", "4.00"),
        ("Birthday poster", "—", "1", "0.060", "1.50"),
    ]
    assert [" ".join(text.split()) for text in slip if text.startswith("Total")] == ["Total 0.700 29.50"]
    assert "From: Kit Team, 7 Hills Road, Cambridge CB2 1NT, United Kingdom" in slip


def test_address_labels_carry_the_sender_and_fit_24_to_a_sheet(client, parcel, tmp_path):
    kit, kit_request = parcel
    requests = [kit_request]
    for n in range(23):
        jam = JamFactory(campaign=kit.campaign)
        requests.append(
            services.kit_request_create(
                jam, by=jam.organiser, data=address(address_line2=f"Flat {n}", region="Cambridgeshire"),
                lines={(kit.items.first(), "M"): 1},
            )
        )  # fmt: skip
    client.force_login(kit_staff())

    response = client.get(reverse("kits:labels", args=[kit.pk]), {"requests": [r.pk for r in requests]})

    text = pdf_layout(response, tmp_path)
    path = tmp_path / "labels.pdf"
    path.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, flags=re.MULTILINE)
    assert sum(t.count("From: Kit Team, 7 Hills Road,") for t in text) == 24
    assert sum(t.count("KIT-") for t in text) == 24
    assert sum(t.count("CAMBRIDGESHIRE") + t.count("Cambridgeshire") for t in text) == 23


def test_customs_declarations_name_countries_in_english_whatever_the_page_language(client, kit, tmp_path):
    tokyo = make_request(kit, title="Tokyo Jam", country="JP", postcode="150-0043")
    client.force_login(kit_staff())
    with translation.override("de"):
        url = reverse("kits:customs", args=[kit.pk])

    customs = pdf_text(client.get(url, {"requests": [tokyo.pk]}), tmp_path)

    # The CN 22 is filled in English for every destination (the Universal Postal Union's rule).
    assert "Country of origin of goods: United Kingdom · Destination: Japan" in customs


# The organiser's kit pages: limits and requirements said up front, the postcode
# required where the country uses postcodes, a progress tracker, a quiet cancel.


def field_html(page, name):
    return re.search(rf'<div class="field[^"]*">\s*<label for="id_{name}">.*?</div>\n', page, re.S).group(0)


def test_postcode_is_marked_required_where_the_country_uses_postcodes(client, kit):
    japan = make_request(kit, country="JP", postcode="100-0001")
    cameroon = make_request(kit, country="CM", postcode="")
    client.force_login(japan.jam.organiser)
    in_japan = client.get(reverse("kits:edit", args=[japan.pk])).content.decode()
    client.force_login(cameroon.jam.organiser)
    in_cameroon = client.get(reverse("kits:edit", args=[cameroon.pk])).content.decode()

    assert 'class="field required"' in field_html(in_japan, "postcode")
    assert " required" in re.search(r'<input[^>]*id="id_postcode"[^>]*>', in_japan).group(0)
    assert "JP" in re.search(r'data-required-in="([^"]*)"', in_japan).group(1).split()
    assert "CM" not in re.search(r'data-required-in="([^"]*)"', in_japan).group(1).split()
    assert 'class="field required"' not in field_html(in_cameroon, "postcode")


def test_a_missing_postcode_in_japan_is_refused_once_with_the_reason(client, kit):
    japan = make_request(kit, country="JP", postcode="100-0001")
    client.force_login(japan.jam.organiser)

    page = client.post(reverse("kits:edit", args=[japan.pk]), form_data(kit, country="JP", postcode=""))
    page = page.content.decode()

    assert page.count("This country uses postcodes: please give one.") == 2  # the summary and the field
    assert '<a href="#id_postcode">' in page


def test_quantities_say_their_limit_up_front(client, kit):
    jam = make_request(kit).jam
    client.force_login(jam.organiser)

    page = client.get(reverse("kits:edit", args=[jam.kit_request.pk])).content.decode()

    assert "Up to 5." in page
    assert "Up to 2." in page
    assert 'max="5"' in page


@pytest.mark.parametrize(
    ("status", "current"),
    [("requested", "Requested"), ("packed", "Packed"), ("delivered", "Arrived")],
)
def test_the_request_page_shows_where_the_kit_is(client, kit, status, current):
    kit_request = make_request(kit)
    KitRequest.objects.filter(pk=kit_request.pk).update(status=status)
    client.force_login(kit_request.jam.organiser)

    page = client.get(reverse("kits:request", args=[kit_request.pk])).content.decode()

    tracker = re.search(r'<ol class="kit-progress".*?</ol>', page, re.S).group(0)
    steps = re.findall(r"<li([^>]*)>([^<]+)", tracker)
    assert [label for _attrs, label in steps] == ["Requested", "Approved", "Packed", "Shipped", "Arrived"]
    assert [label for attrs, label in steps if 'aria-current="step"' in attrs] == [current]


def test_a_cancelled_request_has_no_tracker(client, kit):
    kit_request = make_request(kit)
    KitRequest.objects.filter(pk=kit_request.pk).update(status="cancelled")
    client.force_login(kit_request.jam.organiser)

    page = client.get(reverse("kits:request", args=[kit_request.pk])).content.decode()

    assert "kit-progress" not in page


def test_cancelling_is_a_quiet_link_that_asks_first(client, kit):
    kit_request = make_request(kit)
    client.force_login(kit_request.jam.organiser)

    page = client.get(reverse("kits:request", args=[kit_request.pk])).content.decode()

    cancel = re.search(r'<details class="confirm-cancel">.*?</details>', page, re.S).group(0)
    assert "<summary>Cancel the request</summary>" in cancel
    assert 'value="cancelled" class="danger">Yes, cancel the request</button>' in cancel
    assert page.count('value="cancelled"') == 1


def test_persian_pages_keep_each_kit_line_and_item_name_whole(client, kit):
    """In a right-to-left line an English item name and its size stay one unit, each line
    apart from the next (found by the outsider pass: "S, ۳ × T-shirt M, ۱۰ × Sticker")."""
    shirts, _stickers = kit.items.all()
    make_request(kit, title="Douala Jam")
    client.force_login(kit_staff())

    with translation.override("fa"):
        dashboard = client.get(reverse("kits:dashboard", args=[kit.pk])).content.decode()
        comma = names.list_comma()
    assert f"۲ × <bdi>T-shirt M</bdi>{comma}۱ × <bdi>Stickers</bdi>" in dashboard

    jam = JamFactory(campaign=kit.campaign)
    client.force_login(jam.organiser)
    with translation.override("fa"):
        url = reverse("kits:new", args=[jam.slug])
    form = client.post(url, form_data(kit, **{f"quantity_{shirts.pk}_M": "9"})).content.decode()
    assert f'<a href="#id_quantity_{shirts.pk}_M"><bdi>T-shirt (M)</bdi>:' in form


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("+237 6 99 12 34 56", "+237 6 99 12 34 56"),
        ("۰۹۱۲ ۳۴۵ ۶۷۸۹", "0912 345 6789"),
        ("(01223) 456-789", "(01223) 456-789"),
    ],
)
def test_a_phone_number_is_kept_in_digits_the_courier_reads(client, kit, typed, kept):
    jam = JamFactory(campaign=kit.campaign)
    client.force_login(jam.organiser)

    client.post(reverse("kits:new", args=[jam.slug]), form_data(kit, phone=typed))

    assert KitRequest.objects.get(jam=jam).phone == kept


def test_the_service_refuses_a_phone_no_courier_could_call(kit):
    """Callers other than the form (an import, the admin) get the same rule."""
    jam = JamFactory(campaign=kit.campaign)
    tshirt, _stickers = kit.items.all()

    with pytest.raises(services.KitError, match="phone number the courier can call"):
        services.kit_request_create(jam, by=jam.organiser, data=address(phone="abc"), lines={(tshirt, "M"): 1})
