"""Reads for kits, and who may see a request's address."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils.translation import pgettext_lazy

from jamportal.kits.models import Kit, KitItem, KitRequest, KitRequestLine

Status = KitRequest.Status
SHIPPED_STATES = [Status.SHIPPED, Status.DELIVERED]


def kit_request_for_viewer_or_404(user, pk) -> KitRequest:
    """A request its Jam's organiser or kit staff may see; anyone else gets a 404."""
    request = KitRequest.objects.select_related("jam__organiser", "kit__campaign").filter(pk=pk).first()
    if request is None or not (request.jam.organiser_id == user.pk or user.has_perm("kits.fulfil_kits")):
        raise Http404
    return request


def kit_request_lines(request):
    return request.lines.select_related("item")


def kit_list():
    return Kit.objects.select_related("campaign").order_by("-campaign__starts_on")


def kit_get_or_404(pk) -> Kit:
    kit = Kit.objects.select_related("campaign").filter(pk=pk).first()
    if kit is None:
        raise Http404
    return kit


def kit_requests_for_dashboard(kit, *, status="", country=""):
    requests = (
        KitRequest.objects.filter(kit=kit)
        .select_related("jam", "jam__organiser", "kit")
        .prefetch_related("lines__item")
        .order_by("created_at", "pk")
    )
    if status:
        requests = requests.filter(status=status)
    if country:
        requests = requests.filter(country=country)
    return requests


def kit_status_counts(kit) -> dict:
    rows = KitRequest.objects.filter(kit=kit).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows}


def kit_stock_overview(kit):
    """[(item, size, level or None, shipped)] for every item and size of the kit."""
    items = list(KitItem.objects.filter(kit=kit).prefetch_related("stock"))
    shipped = {
        (row["item_id"], row["size"]): row["total"]
        for row in KitRequestLine.objects.filter(request__kit=kit, request__status__in=SHIPPED_STATES)
        .values("item_id", "size")
        .annotate(total=Sum("quantity"))
    }
    rows = []
    for item in items:
        levels = {level.size: level for level in item.stock.all()}
        for size in item.size_choices():
            rows.append((item, size, levels.get(size), shipped.get((item.pk, size), 0)))
    return rows


def kit_requests_by_ids(kit, ids):
    return kit_requests_for_dashboard(kit).filter(pk__in=ids)


def kit_requests_abroad(kit, requests):
    return [r for r in requests if r.country.code != kit.dispatch_country.code]


def kits_by_campaign(campaign_ids) -> dict:
    """{campaign id: its kit} for these campaigns, in one query."""
    return {kit.campaign_id: kit for kit in Kit.objects.filter(campaign_id__in=campaign_ids)}


def kit_open_for(jam):
    """The kit the Jam's campaign offers, if any."""
    if not jam.campaign_id:
        return None
    return Kit.objects.filter(campaign_id=jam.campaign_id).first()


def kit_requests_for_organiser(user):
    return KitRequest.objects.filter(jam__organiser=user).filter(~Q(status=Status.CANCELLED))


@dataclass(frozen=True)
class ShipmentLine:
    """One line of a parcel's contents, as the customs form, packing slip and courier file print it."""

    quantity: int
    description: str
    size: str
    hs_code: str
    net_weight_kg: Decimal  # three decimals
    unit_value: Decimal
    value: Decimal  # quantity x unit value, two decimals
    currency: str


@dataclass(frozen=True)
class Shipment:
    lines: list
    currency: str

    @property
    def weight_kg(self) -> Decimal:
        return sum((line.net_weight_kg for line in self.lines), Decimal("0.000"))

    @property
    def value(self) -> Decimal:
        return sum((line.value for line in self.lines), Decimal("0.00"))

    @property
    def contents(self) -> str:
        return "; ".join(f"{line.quantity} x {line.description} {line.size}".strip() for line in self.lines)


def kit_shipment(kit_request) -> Shipment:
    """What is in the request's parcel, line by line with weights and values: the one
    computation behind the CN 22, the packing slip and the courier's CSV, so that they
    always agree. Uses the request's prefetched lines and items when there are some."""
    currency = kit_request.kit.currency
    lines = []
    for line in kit_request.lines.all():
        item = line.item
        grams = Decimal(line.quantity * item.unit_weight_grams)
        lines.append(
            ShipmentLine(
                quantity=line.quantity,
                description=item.name,
                size=line.size,
                hs_code=item.hs_code,
                net_weight_kg=(grams / 1000).quantize(Decimal("0.001")),
                unit_value=Decimal(item.unit_value).quantize(Decimal("0.01")),
                value=(line.quantity * Decimal(item.unit_value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
                currency=currency,
            )
        )
    return Shipment(lines=lines, currency=currency)


COURIER_COLUMNS = ["reference", *KitRequest.SHIPPING_FIELDS, "contents", "weight_kg", "value", "currency"]


def kit_courier_rows(requests):
    """One row per kit for a courier's bulk upload, in COURIER_COLUMNS order."""
    for kit_request in requests:
        shipment = kit_shipment(kit_request)
        shipping = [str(getattr(kit_request, field)) for field in KitRequest.SHIPPING_FIELDS]
        yield [
            f"KIT-{kit_request.pk}",
            *shipping,
            shipment.contents,
            shipment.weight_kg,
            shipment.value,
            shipment.currency,
        ]


# The steps an organiser follows their kit through; the last one in their words.
PROGRESS = [
    (KitRequest.Status.REQUESTED, KitRequest.Status.REQUESTED.label),
    (KitRequest.Status.APPROVED, KitRequest.Status.APPROVED.label),
    (KitRequest.Status.PACKED, KitRequest.Status.PACKED.label),
    (KitRequest.Status.SHIPPED, KitRequest.Status.SHIPPED.label),
    (KitRequest.Status.DELIVERED, pgettext_lazy("kit progress", "Arrived")),
]


@dataclass
class ProgressStep:
    label: str
    done: bool
    current: bool


def kit_request_progress(kit_request) -> list[ProgressStep]:
    """Requested, approved, packed, shipped, arrived: each step done or not, and the
    current one; empty for a request off that road (cancelled, not approved, returned)."""
    statuses = [status for status, _label in PROGRESS]
    if kit_request.status not in statuses:
        return []
    reached = statuses.index(kit_request.status)
    return [
        ProgressStep(label=str(label), done=index <= reached, current=index == reached)
        for index, (_status, label) in enumerate(PROGRESS)
    ]
