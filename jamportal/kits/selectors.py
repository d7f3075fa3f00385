"""Reads for kits, and who may see a request's address."""

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, OuterRef, Q, Sum
from django.http import Http404
from django.utils.translation import pgettext_lazy

from jamportal.attendance import selectors as attendance_selectors
from jamportal.kits.models import Kit, KitItem, KitRequest, KitRequestLine

Status = KitRequest.Status
SHIPPED_STATES = [Status.SHIPPED, Status.DELIVERED]


def kit_request_for_viewer_or_404(user, pk) -> KitRequest:
    """A request its Jam's organiser or kit staff may see; anyone else gets a 404."""
    request = (
        KitRequest.objects.select_related("jam__organiser", "jam__signup_sheet", "kit__campaign")
        .annotate(signed_up=attendance_selectors.people_with_place(OuterRef("jam")))
        .filter(pk=pk)
        .first()
    )
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
        .select_related("jam", "jam__organiser", "jam__signup_sheet", "kit")
        .annotate(signed_up=attendance_selectors.people_with_place(OuterRef("jam")))
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


# Kits sized by real numbers ------------------------------------------------------------
# A size meant for children, as kit staff name them: "Kids M", "Child 7-8", "Youth S",
# "5-6 years", "9-10y", "128 cm"... (sizes are free text in /admin/).
CHILD_SIZE = re.compile(r"(?i)\b(child|children|kids?|youth|junior)\b|\d+\s*[-–]\s*\d+|\d+\s*(y|yrs?|years?|cm)\b")


def is_child_size(size: str) -> bool:
    return bool(CHILD_SIZE.search(size))


def _spread(total: int, sizes: list[str]) -> dict[str, int]:
    """`total` over `sizes` (smallest first, as the catalogue lists them), one at a time from
    the middle size outwards: the middle sizes fit most people."""
    if not sizes:
        return {}
    middle = (len(sizes) - 1) // 2
    order = sorted(range(len(sizes)), key=lambda index: (abs(index - middle - 0.5), index))
    counts = dict.fromkeys(sizes, 0)
    for turn in range(total):
        counts[sizes[order[turn % len(order)]]] += 1
    return counts


def kit_suggestion(kit: Kit, *, adults: int, children: int) -> dict[tuple[KitItem, str], int]:
    """How many of each item and size to ask for, for this many people with a place: one
    of each item per person, up to the most a kit holds (stickers for everyone; T-shirts
    and posters reach their limit at once). A sized item's share for under-18s goes to its
    child sizes if it has any, the rest to the other sizes, each spread from the middle
    size outwards. {(item, size): quantity}, the same keys as the request form's lines."""
    suggestion = {}
    for item in KitItem.objects.filter(kit=kit):
        total = min(adults + children, item.max_per_request)
        if not item.sizes:
            suggestion[(item, "")] = total
            continue
        child_sizes = [size for size in item.sizes if is_child_size(size)]
        adult_sizes = [size for size in item.sizes if size not in child_sizes] or item.sizes
        for_children = round(total * children / (adults + children)) if child_sizes and total else 0
        for size, quantity in (_spread(total - for_children, adult_sizes) | _spread(for_children, child_sizes)).items():
            suggestion[(item, size)] = quantity
    return suggestion
