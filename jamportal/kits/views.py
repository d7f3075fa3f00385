import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from jamportal.attendance import selectors as attendance_selectors
from jamportal.jams import selectors as jam_selectors
from jamportal.kits import selectors, services
from jamportal.kits.forms import (
    ChosenRequestsForm,
    DashboardFilterForm,
    KitRequestForm,
    RejectKitForm,
    ShipForm,
    StockForm,
)
from jamportal.kits.models import KitRequest
from jamportal.pdf import pdf_response, render_pdf
from jamportal.text import spreadsheet_cell

Status = KitRequest.Status


def fulfilment_required(view):
    """Sign-in first (a redirect), then the explicit kits permission (403)."""
    return login_required(permission_required("kits.fulfil_kits", raise_exception=True)(view))


# Organisers


def _signups(jam) -> dict | None:
    """The Jam's sign-up figures if it takes sign-ups here (what kits are sized from)."""
    if attendance_selectors.sheet_for_jam(jam) is None:
        return None
    return attendance_selectors.attendance_figures(jam)


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request, slug):
    """Ask for the birthday kit of one's own approved Jam."""
    jam = jam_selectors.jam_for_organiser_or_404(request.user, slug)
    if problem := services.kit_request_eligibility(jam, request.user):
        messages.error(request, problem)
        return redirect(jam)
    kit = selectors.kit_open_for(jam)
    form = KitRequestForm(request.POST or None, kit=kit, initial={"country": jam.country, "city": jam.city})
    signups = _signups(jam)
    if signups and signups["people"] and not form.is_bound:
        lines = selectors.kit_suggestion(kit, adults=signups["adults"], children=signups["children"])
        form.suggest(lines, expected_attendees=max(signups["people"], jam.expected_attendees or 0))
    elif jam.expected_attendees and not form.is_bound:
        form.fields["expected_attendees"].initial = jam.expected_attendees
    if request.method == "POST" and form.is_valid():
        try:
            kit_request = services.kit_request_create(jam, by=request.user, data=form.cleaned_data, lines=form.lines())
        except services.KitError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your kit request is in. We will email you at each step."))
            return redirect("kits:request", pk=kit_request.pk)
    context = {
        "form": form,
        "jam": jam,
        "kit": kit,
        "signups": signups,
        "suggested": bool(signups and signups["people"]),
    }
    return render(request, "kits/request_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request, pk):
    kit_request = selectors.kit_request_for_viewer_or_404(request.user, pk)
    if kit_request.status not in services.EDITABLE:
        messages.error(request, _("This kit is already packed: it can no longer be changed."))
        return redirect("kits:request", pk=pk)
    form = KitRequestForm(request.POST or None, kit=kit_request.kit, instance=kit_request)
    if request.method == "POST" and form.is_valid():
        try:
            services.kit_request_update(kit_request, by=request.user, data=form.cleaned_data, lines=form.lines())
        except services.KitError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("kits:request", pk=pk)
    context = {
        "form": form,
        "jam": kit_request.jam,
        "kit": kit_request.kit,
        "kit_request": kit_request,
        "signups": _signups(kit_request.jam),
    }
    return render(request, "kits/request_form.html", context)


def request_detail(request, pk):
    """The request's status, address and items, for its organiser and kit staff."""
    if not request.user.is_authenticated:
        raise Http404
    kit_request = selectors.kit_request_for_viewer_or_404(request.user, pk)
    is_staff = request.user.has_perm("kits.fulfil_kits")
    context = {
        "kit_request": kit_request,
        "lines": selectors.kit_request_lines(kit_request),
        "progress": selectors.kit_request_progress(kit_request),
        "events": kit_request.events.select_related("actor")[:50],
        "tracking_url": services.tracking_url(kit_request.carrier, kit_request.tracking_number),
        "is_owner": kit_request.jam.organiser_id == request.user.pk,
        "is_staff": is_staff,
        "editable": kit_request.status in services.EDITABLE,
        "ship_form": ShipForm(),
        "reject_form": RejectKitForm(),
        "carriers": sorted(services.CARRIERS),
    }
    return render(request, "kits/request_detail.html", context)


@login_required
@require_POST
def request_move(request, pk):
    """One move of the workflow, by the organiser (cancel, received) or staff."""
    kit_request = selectors.kit_request_for_viewer_or_404(request.user, pk)
    to = request.POST.get("to", "")
    if to not in Status.values:
        raise Http404
    note = carrier = tracking = ""
    if to == Status.REJECTED:
        form = RejectKitForm(request.POST)
        note = form.cleaned_data["reason"] if form.is_valid() else ""
    if to == Status.SHIPPED:
        form = ShipForm(request.POST)
        if form.is_valid():
            carrier, tracking = form.cleaned_data["carrier"], form.cleaned_data["tracking_number"]
    try:
        services.kit_request_move(
            kit_request, to, by=request.user, note=note, carrier=carrier, tracking_number=tracking
        )
    except services.KitError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The kit is now “%(status)s”.") % {"status": Status(to).label})
    return redirect("kits:request", pk=pk)


# Staff


@fulfilment_required
def kit_list(request):
    return render(request, "kits/kit_list.html", {"kits": selectors.kit_list()})


@fulfilment_required
@require_http_methods(["GET", "POST"])
def dashboard(request, kit_pk):
    """Requests by status and country, with bulk approve and bulk mark packed."""
    kit = selectors.kit_get_or_404(kit_pk)
    if request.method == "POST":
        to = request.POST.get("to")
        if to not in (Status.APPROVED, Status.PACKED):
            raise Http404
        ids = ChosenRequestsForm(request.POST)
        if not ids.is_valid():
            for message in ids.errors.get("requests", []):
                messages.error(request, message)
            return redirect(request.get_full_path())
        chosen = selectors.kit_requests_by_ids(kit, ids.cleaned_data["requests"])
        moved, problems = services.kit_requests_move_bulk(chosen, to, by=request.user)
        if moved:
            messages.success(
                request, _("%(count)s kits are now “%(status)s”.") % {"count": len(moved), "status": Status(to).label}
            )
        for kit_request, problem in problems:
            messages.error(request, f"{kit_request.jam.title}: {problem}")
        return redirect(request.get_full_path())
    filters = DashboardFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    requests = selectors.kit_requests_for_dashboard(
        kit, status=data.get("status", ""), country=(data.get("country") or "").upper()
    )
    counts = selectors.kit_status_counts(kit)
    context = {
        "kit": kit,
        "filters": filters,
        "requests": requests,
        "statuses": [(value, label, counts.get(value, 0)) for value, label in Status.choices],
        "query": request.GET.urlencode(),
    }
    return render(request, "kits/dashboard.html", context)


@fulfilment_required
@require_http_methods(["GET", "POST"])
def stock(request, kit_pk):
    kit = selectors.kit_get_or_404(kit_pk)
    form = StockForm(request.POST or None, kit=kit)
    if request.method == "POST" and form.is_valid():
        try:
            services.stock_receive(
                form.cleaned_data["item"],
                size=form.cleaned_data["size"],
                quantity=form.cleaned_data["quantity"],
                by=request.user,
            )
        except services.KitError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Stock recorded."))
            return redirect("kits:stock", kit_pk=kit.pk)
    return render(request, "kits/stock.html", {"kit": kit, "rows": selectors.kit_stock_overview(kit), "form": form})


def _chosen_requests(kit, chosen):
    """The requests a valid ChosenRequestsForm names: by id, else by status."""
    if ids := chosen.cleaned_data["requests"]:
        return list(selectors.kit_requests_by_ids(kit, ids))
    return list(selectors.kit_requests_for_dashboard(kit, status=chosen.cleaned_data["status"]))


def _parcels(requests):
    """[(request, its shipment)]: the lines and totals every printout and the CSV share."""
    return [(kit_request, selectors.kit_shipment(kit_request)) for kit_request in requests]


def _bad_choice(chosen):
    return HttpResponseBadRequest(chosen.error_text(), content_type="text/plain; charset=utf-8")


@fulfilment_required
def packing_slips(request, kit_pk):
    kit = selectors.kit_get_or_404(kit_pk)
    chosen = ChosenRequestsForm(request.GET)
    if not chosen.is_valid():
        return _bad_choice(chosen)
    parcels = _parcels(_chosen_requests(kit, chosen))
    pdf = render_pdf("kits/packing_slips.html", {"kit": kit, "parcels": parcels, "sender": settings.KIT_SENDER_ADDRESS})
    return pdf_response(pdf, f"packing-slips-{kit.pk}.pdf")


@fulfilment_required
def labels(request, kit_pk):
    """Address labels, 3 x 8 to an A4 sheet."""
    kit = selectors.kit_get_or_404(kit_pk)
    chosen = ChosenRequestsForm(request.GET)
    if not chosen.is_valid():
        return _bad_choice(chosen)
    context = {"kit": kit, "requests": _chosen_requests(kit, chosen), "sender": settings.KIT_SENDER_ADDRESS}
    pdf = render_pdf("kits/labels.html", context)
    return pdf_response(pdf, f"labels-{kit.pk}.pdf")


@fulfilment_required
def customs(request, kit_pk):
    """CN22-style customs declarations for the kits that leave the dispatch country."""
    kit = selectors.kit_get_or_404(kit_pk)
    chosen = ChosenRequestsForm(request.GET)
    if not chosen.is_valid():
        return _bad_choice(chosen)
    abroad = selectors.kit_requests_abroad(kit, _chosen_requests(kit, chosen))
    context = {
        "kit": kit,
        "parcels": _parcels(abroad),
        "sender": settings.KIT_SENDER_ADDRESS,
        "today": timezone.localdate(),
    }
    pdf = render_pdf("kits/customs.html", context)
    return pdf_response(pdf, f"customs-{kit.pk}.pdf")


@fulfilment_required
def export_csv(request, kit_pk):
    """A batch for a courier's bulk upload: one row per kit, UTF-8 with a header."""
    kit = selectors.kit_get_or_404(kit_pk)
    chosen = ChosenRequestsForm(request.GET)
    if not chosen.is_valid():
        return _bad_choice(chosen)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"kits-{kit.pk}.csv")
    writer = csv.writer(response)
    writer.writerow(selectors.COURIER_COLUMNS)
    for row in selectors.kit_courier_rows(_chosen_requests(kit, chosen)):
        writer.writerow(spreadsheet_cell(value) for value in row)  # organisers typed these
    return response
