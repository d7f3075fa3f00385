"""Attendees' pages: sign up for a Jam, and the personal page their link opens (see,
change, cancel or delete their sign-up; the QR code for the door). No account: the
link's secret is the key, so these pages are never cached and send their address to
no other site."""

import csv
import datetime
import functools
import json
import uuid
from functools import partial, wraps
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jamportal import ratelimit
from jamportal.attendance import charts, selectors, services
from jamportal.attendance.forms import BookingForm, JamReportForm, MessageForm, SignupChangeForm, SignupForm, WalkInForm
from jamportal.attendance.models import Signup
from jamportal.cldr import formats
from jamportal.cldr.formats import format_number
from jamportal.jams import selectors as jam_selectors
from jamportal.pagecache import secret_link_page as _private  # (a page behind a personal link)
from jamportal.pdf import pdf_response, render_pdf
from jamportal.text import spreadsheet_cell


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request, slug):
    jam = jam_selectors.jam_for_viewer_or_404(request.user, slug, language=request.LANGUAGE_CODE)
    sheet = selectors.sheet_for_jam(jam)
    context = {
        "jam": jam,
        "sheet": sheet,
        "open": selectors.takes_signups(jam, sheet),
        "ended": jam.end <= timezone.now(),
    }
    if sheet is not None:
        context["free"] = max(sheet.capacity - selectors.places_taken(jam), 0)
    form = SignupForm(request.POST or None)
    context["form"] = form
    if not context["open"]:
        return render(request, "attendance/signup.html", context, status=200 if request.method == "GET" else 409)
    if request.method == "POST" and form.is_valid():
        if form.from_a_bot():  # thanked all the same; nothing is kept
            return render(request, "attendance/signup_thanks.html", {"jam": jam})
        # (The email address is counted by its hash: the cache holds no one's address.)
        address, email = ratelimit.client_ip(request), selectors.token_hash(form.cleaned_data["email"].lower())
        if not (
            ratelimit.allow("signup", address, limit=settings.SIGNUPS_PER_ADDRESS_PER_HOUR, per=3600)
            and ratelimit.allow("signup-email", email, limit=settings.SIGNUPS_PER_EMAIL_PER_HOUR, per=3600)
        ):
            form.add_error(None, _("Many sign-ups came from your network in the last hour. Please try again later."))
            return render(request, "attendance/signup.html", context, status=429)
        try:
            signup, token = services.signup_create(jam, language=request.LANGUAGE_CODE, **form.answers())
        except services.SignupsClosed:
            context["open"] = False
            return render(request, "attendance/signup.html", context, status=409)
        except services.AlreadySignedUp:
            return render(request, "attendance/signup_thanks.html", {"jam": jam, "already": True})
        except ValidationError as error:
            form.add_error(None, error)
            return render(request, "attendance/signup.html", context)
        if signup.status == Signup.Status.PLACE:
            messages.success(request, _("You have a place. We have emailed you the details and this page's link."))
        else:
            messages.info(
                request, _("The Jam is full, so you are on the waiting list. We will email you if a place comes free.")
            )
        return redirect("attendance:mine", token=token)
    return render(request, "attendance/signup.html", context)


def personal_link(view):
    """A view behind a personal link: a link that no longer leads anywhere (deleted,
    anonymised after the Jam, mistyped) gets a page that says so, status 404."""

    @wraps(view)
    def wrapped(request, token):
        try:
            signup = selectors.signup_for_token_or_404(token)
        except Http404:
            return _private(render(request, "attendance/link_gone.html", status=404))
        return view(request, token, signup)

    return never_cache(require_http_methods(["GET", "POST"])(wrapped))


@personal_link
def mine(request, token, signup):
    form = SignupChangeForm(request.POST or None, instance=signup if request.method == "GET" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.signup_change(signup, **form.answers())
        except services.SignupsClosed:
            return redirect("attendance:mine", token=token)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("attendance:mine", token=token)
    context = {
        "signup": signup,
        "jam": signup.jam,
        "token": token,
        "form": form,
        "qr_svg": services.place_qr_svg(signup),
        "position": selectors.waiting_position(signup) if signup.status == Signup.Status.WAITING else None,
    }
    return _private(render(request, "attendance/mine.html", context))


@personal_link
def cancel(request, token, signup):
    """The "I can't come" of the reminders: one button (a GET changes nothing, so that
    mail scanners opening the link do not cancel anyone's place)."""
    if request.method == "POST" and not signup.checked_in_at:  # (at the Jam already: nothing to give up)
        services.signup_cancel(signup)
        messages.success(request, _("Your sign-up is cancelled. Thank you for letting the organiser know."))
        return redirect("attendance:mine", token=token)
    return _private(render(request, "attendance/cancel.html", {"signup": signup, "jam": signup.jam, "token": token}))


@personal_link
def delete(request, token, signup):
    if request.method == "POST":
        jam = signup.jam
        services.signup_delete(signup)
        return _private(render(request, "attendance/deleted.html", {"jam": jam}))
    return _private(render(request, "attendance/delete.html", {"signup": signup, "jam": signup.jam, "token": token}))


# The organiser's list and tools ------------------------------------------------------
# Only the Jam's organiser and co-organisers (jam_for_team_or_404): the list holds
# attendees' names, addresses and needs, which staff have no need to see.


def _attendees_url(jam):
    return reverse("attendance:attendees", args=[jam.slug])


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def attendees(request, slug):
    """How people book, the figures, who has a place and who waits, and what to do with them."""
    jam = jam_selectors.jam_for_team_or_404(request.user, slug, role=jam_selectors.CO_ORGANISER)
    sheet = selectors.sheet_for_jam(jam)
    action = request.POST.get("action", "")
    form = BookingForm(request.POST if action == "booking" else None, jam=jam, sheet=sheet)
    if request.method == "POST":
        if jam.status == jam.Status.CANCELLED and action in ("open", "booking"):  # (issue 22 fixes)
            messages.error(request, _("This Jam has been cancelled: nobody can sign up for it."))
            return redirect(_attendees_url(jam))
        if action in ("open", "close") and sheet is not None:
            services.sheet_save(jam, capacity=sheet.capacity, is_open=action == "open")
            if action == "open":
                messages.success(request, _("Sign-ups are open."))
            else:
                messages.success(request, _("Sign-ups are closed. Everyone signed up keeps their place."))
            return redirect(_attendees_url(jam))
        if action == "booking" and form.is_valid():
            booking = form.cleaned_data["booking"]
            try:
                if booking == BookingForm.HERE:
                    services.sheet_save(jam, capacity=form.cleaned_data["capacity"], is_open=True)
                else:
                    services.sheet_remove(jam)
            except ValidationError as error:
                form.add_error("capacity" if hasattr(error, "error_dict") else None, error)
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect(_attendees_url(jam))
    places, waiting = selectors.attendee_lists(jam)
    figures = selectors.attendance_figures(jam)
    context = {
        "jam": jam,
        "sheet": sheet,
        "form": form,
        "figures": figures,
        "over": sheet is not None and figures["people"] > sheet.capacity,
        "open": selectors.takes_signups(jam, sheet),
        "places": places,
        "waiting": waiting,
    }
    return _private(render(request, "attendance/attendees.html", context, status=400 if form.errors else 200))


ATTENDEE_ACTIONS = {
    "place": services.signup_give_place,
    "cancel": partial(services.signup_cancel, by_organiser=True),
    "delete": services.signup_delete,
}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def attendee_action(request, slug, pk, action):
    """Give someone waiting a place, take a party off the list (they are emailed), or
    remove a fake entry for good. A GET asks first; the POST does it."""
    jam = jam_selectors.jam_for_team_or_404(request.user, slug, role=jam_selectors.CO_ORGANISER)
    if action not in ATTENDEE_ACTIONS:
        raise Http404
    signup = selectors.signup_for_organiser_or_404(jam, pk)
    if action == "place" and signup.status != Signup.Status.WAITING:
        raise Http404
    if request.method == "POST":
        ATTENDEE_ACTIONS[action](signup)
        done = {
            "place": _("%(name)s has a place now. We have emailed them."),
            "cancel": _("%(name)s is off the list. We have emailed them."),
            "delete": _("%(name)s is deleted."),
        }[action]
        messages.success(request, done % {"name": signup.name})
        return redirect(_attendees_url(jam))
    context = {"jam": jam, "signup": signup, "action": action, "taken": selectors.places_taken(jam)}
    context["sheet"] = selectors.sheet_for_jam(jam)
    return _private(render(request, "attendance/attendee_action.html", context))


@never_cache
@login_required
@require_GET
def attendees_csv(request, slug):
    """Everyone with a place or waiting, for a spreadsheet: UTF-8 with a byte order mark
    (so that spreadsheet programs read names in every script), cells that cannot run as formulas."""
    jam = jam_selectors.jam_for_team_or_404(request.user, slug, role=jam_selectors.CO_ORGANISER)
    zone = ZoneInfo(jam.timezone)

    def when(moment):
        return timezone.localtime(moment, zone).strftime("%Y-%m-%d %H:%M") if moment else ""

    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"signups-{jam.slug}.csv")
    response["Cache-Control"] = "private, no-store"
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            _("Name"),
            _("Email"),
            _("Adults"),
            _("Under-18s"),
            _("Needs"),
            _("First Jam"),
            _("Status"),
            _("Signed up"),
            _("Checked in"),
        ]
    )
    yes, no = _("yes"), _("no")
    for signup in selectors.signups_for_organiser(jam):
        row = [
            signup.name,
            signup.email,
            signup.adults,
            signup.children,
            signup.needs,
            yes if signup.first_jam else no,
            _("Walk-in") if signup.walk_in else signup.get_status_display(),
            when(signup.created_at),
            when(signup.checked_in_at),
        ]
        writer.writerow(spreadsheet_cell(value) for value in row)
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def message(request, slug):
    """One email to everyone signed up here, sent one by one (nobody sees another's
    address), services.MESSAGES_PER_DAY a day."""
    jam = jam_selectors.jam_for_team_or_404(request.user, slug, role=jam_selectors.CO_ORGANISER)
    recipients = selectors.message_recipients(jam)
    form = MessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.message_send(jam, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext(
                    "Your message is on its way to %(count)s sign-up.",
                    "Your message is on its way to %(count)s sign-ups.",
                    sent.recipients,
                )
                % {"count": format_number(sent.recipients)},
            )
            return redirect(_attendees_url(jam))
    context = {"jam": jam, "form": form, "recipients": recipients, "sent": selectors.messages_sent(jam)[:20]}
    context["per_day"] = services.MESSAGES_PER_DAY
    context["used_up"] = selectors.messages_sent_in_a_day(jam) >= services.MESSAGES_PER_DAY
    return _private(render(request, "attendance/message.html", context, status=400 if form.errors else 200))


# Check-in at the door ------------------------------------------------------------------
# The organiser's page for the door (check_in), made to keep working on a phone whose
# network comes and goes: it downloads the Jam's list (check_in_list) and keeps it, and
# sends what it did (check-ins, walk-ins) to check_in_sync, at once or once back online.
# Every item carries an id the phone made, so a queue sent twice counts everyone once.

MAX_SYNC_ITEMS = 500  # a queue longer than this is sent in parts by the page


def _door_jam_or_404(user, slug):
    """A Jam the user is on the team of (a helper at least), if it takes sign-ups here
    (only then has it a list)."""
    jam = jam_selectors.jam_for_team_or_404(user, slug, role=jam_selectors.HELPER)
    if selectors.sheet_for_jam(jam) is None:
        raise Http404
    return jam


def _person(signup):
    return {
        "code": signup.checkin_code,
        "name": signup.name,
        "adults": signup.adults,
        "children": signup.children,
        "checked_in": signup.checked_in_at is not None,
        "walk_in": signup.walk_in,
    }


@never_cache
@login_required
@require_http_methods(["GET"])
def check_in(request, slug):
    jam = _door_jam_or_404(request.user, slug)
    context = {
        "jam": jam,
        "counts": selectors.checkin_counts(selectors.checkin_list(jam)),
        "form": WalkInForm(),
        "max_items": MAX_SYNC_ITEMS,
        # (Checking in days ahead, to try the page, counts those people as come: say so.)
        "early": jam.start - timezone.now() > datetime.timedelta(hours=12),
    }
    response = render(request, "attendance/check_in.html", context)
    # The scanner needs the camera, which every other page of the site may not use.
    response["Permissions-Policy"] = settings.PERMISSIONS_POLICY.replace("camera=()", "camera=(self)")
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@login_required
@require_http_methods(["GET"])
def check_in_list(request, slug):
    """The Jam's list for the door phone: names and party sizes, no addresses."""
    jam = _door_jam_or_404(request.user, slug)
    people = selectors.checkin_list(jam)
    return JsonResponse({"people": [_person(s) for s in people], "counts": selectors.checkin_counts(people)})


def _sync_error(message):
    return JsonResponse({"error": message}, status=400)


def _item_id(item):
    try:
        return uuid.UUID(str(item.get("id")))
    except ValueError:
        return None


def _walk_in(jam, item, item_id):
    answers = {name: item.get(name) for name in ("name", "adults", "children")}
    if any(value is not None and not isinstance(value, str | int) for value in answers.values()):
        return {"status": "invalid", "message": _("A walk-in is a name and two numbers.")}
    form = WalkInForm(answers)
    if not form.is_valid():
        problems = [
            f"{form.fields[field].label}: {error}" if field in form.fields else error
            for field, errors in form.errors.items()
            for error in errors
        ]
        return {"status": "invalid", "message": " ".join(problems)}
    try:
        signup = services.walk_in_add(jam, client_id=item_id, **form.cleaned_data)
    except ValidationError as error:
        return {"status": "invalid", "message": " ".join(error.messages)}
    except services.NotThisJams:
        return {"status": "invalid", "message": _("This walk-in's id belongs to another Jam. Please add them again.")}
    return {"status": "added", "person": _person(signup)}


@never_cache
@login_required
@require_http_methods(["POST"])
def check_in_sync(request, slug):
    """Check-ins and walk-ins from the door phone (JSON: {"items": [...]}), each answered
    in turn: checked-in, already (checked in before: nothing changes), added (a walk-in),
    unknown (no such place at this Jam) or invalid (with a message)."""
    jam = _door_jam_or_404(request.user, slug)
    try:
        body = json.loads(request.body)
    except (UnicodeDecodeError, ValueError, RecursionError):  # (RecursionError: arrays nested thousands deep)
        return _sync_error(_("The check-ins sent are not valid JSON."))
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        return _sync_error(_("Send the check-ins as a list named items."))
    if len(items) > MAX_SYNC_ITEMS:
        message = ngettext(
            "Send at most %(count)d check-in at a time.", "Send at most %(count)d check-ins at a time.", MAX_SYNC_ITEMS
        )
        return _sync_error(message % {"count": MAX_SYNC_ITEMS})
    codes = [item.get("code") for item in items if isinstance(item, dict) and isinstance(item.get("code"), str)]
    by_code = selectors.signups_with_place_by_code(jam, codes)
    results = []
    for item in items:
        item_id = _item_id(item) if isinstance(item, dict) else None
        if item_id is None:
            result = {"status": "invalid", "message": _("Each check-in needs the id the page gave it.")}
        elif item.get("kind") == "check-in":
            code = item.get("code")
            signup = by_code.get(code) if isinstance(code, str) else None
            if signup is None:
                result = {
                    "status": "unknown",
                    "message": _("This code is not on the list of people with a place at this Jam."),
                }
            else:
                first = services.check_in(signup)
                result = {"status": "checked-in" if first else "already", "person": _person(signup)}
        elif item.get("kind") == "walk-in":
            result = _walk_in(jam, item, item_id)
        else:
            result = {"status": "invalid", "message": _("A check-in is either a check-in or a walk-in.")}
        results.append({"id": str(item_id) if item_id else None, **result})
    counts = selectors.checkin_counts(selectors.checkin_list(jam))
    return JsonResponse({"results": results, "counts": counts})


@functools.cache
def _worker_script() -> bytes:
    return Path(finders.find("attendance/checkin_offline.js")).read_bytes()


@require_http_methods(["GET"])
def check_in_worker(request, slug):
    """The check-in page's service worker (static/attendance/checkin_offline.js), served
    beside the page so that its scope is the page: it keeps the page for a reload offline."""
    response = HttpResponse(_worker_script(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


# The report ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def jam_report(request, slug):
    """The organiser's report once the Jam is over: the numbers prefilled from the data
    (until they save their own), what happened, and a highlight photo."""
    jam = jam_selectors.jam_for_team_or_404(request.user, slug, role=jam_selectors.CO_ORGANISER)
    if not services.jam_report_due(jam):
        return render(request, "attendance/jam_report.html", {"jam": jam, "not_due": True})
    report = selectors.jam_report_for(jam)
    prefill = selectors.jam_report_prefill(jam)
    form = JamReportForm(
        request.POST or None,
        instance=report,
        initial=None if report else {**prefill, "highlight": None},
        photos=selectors.jam_report_photos(jam),
        under_18s_counted=None if report else prefill["under_18s_counted"],
    )
    if report is not None and request.method == "GET":
        form.initial["highlight"] = report.highlight_id
    if request.method == "POST" and form.is_valid():
        try:
            services.jam_report_save(jam, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        except services.ReportNotDue:
            return redirect("attendance:jam-report", slug=jam.slug)
        else:
            messages.success(request, _("Thank you: your report is saved. You can correct it at any time."))
            return redirect("attendance:jam-report", slug=jam.slug)
    chosen = str(form["highlight"].value() or "")
    context = {"jam": jam, "report": report, "form": form, "prefill": prefill, "chosen": chosen}
    return render(request, "attendance/jam_report.html", context)


def campaign_report_required(view):
    """Sign-in first (a redirect), then the explicit report permission (403): staff and
    sponsors are given it in the admin, directly or through a group."""
    return login_required(permission_required("attendance.view_campaign_report", raise_exception=True)(view))


def _campaign_report_context(request, slug):
    campaign = jam_selectors.campaign_get_or_404(slug)
    report = selectors.campaign_report(campaign, language=request.LANGUAGE_CODE)
    return {
        "campaign": campaign,
        "report": report,
        "generated": timezone.now(),
        "dates": formats.format_date_range(campaign.starts_on, campaign.ends_on),
    }


def _charts(report):
    """The report's four charts: [(title, svg, bars for the PDF)], continents first."""
    continents, countries = report["by_continent"], report["by_country"][:CHART_COUNTRIES]
    wanted = [
        (_("Jams by continent"), continents, "jams"),
        (_("People who came, by continent"), continents, "checked_in"),
        (_("Jams by country"), countries, "jams"),
        (_("People who came, by country"), countries, "checked_in"),
    ]
    drawn = []
    for title, rows, figure in wanted:
        bars = sorted(((row["name"], row[figure]) for row in rows), key=lambda bar: -bar[1])  # longest first
        drawn.append((title, charts.bar_chart(bars, title=title), charts.bar_rows(bars)))
    return drawn


CHART_COUNTRIES = 15  # the charts show the countries with the most Jams; the table has them all


@campaign_report_required
@require_GET
def campaign_report_list(request):
    """Every campaign, each with its report (the menu's "Reports")."""
    campaigns = jam_selectors.campaign_list_with_figures()
    return render(request, "attendance/campaign_report_list.html", {"campaigns": campaigns})


@campaign_report_required
@require_GET
def campaign_report(request, slug):
    """A campaign's figures for staff and sponsors, with charts, by country and continent."""
    context = _campaign_report_context(request, slug)
    context["charts"] = _charts(context["report"])
    context["chart_countries"] = CHART_COUNTRIES
    context["stories"] = selectors.campaign_stories(context["campaign"])
    return render(request, "attendance/campaign_report.html", context)


@campaign_report_required
@require_GET
def campaign_report_pdf(request, slug):
    context = _campaign_report_context(request, slug)
    context["charts"] = _charts(context["report"])
    context["chart_countries"] = CHART_COUNTRIES
    pdf = render_pdf("attendance/campaign_report_pdf.html", context)
    return pdf_response(pdf, f"{context['campaign'].slug}-report.pdf")


@campaign_report_required
@require_GET
def campaign_report_csv(request, slug):
    """The figures as a spreadsheet: one row per country, continent and the whole
    campaign, UTF-8 with a byte-order mark (spreadsheets then read every script, as in the
    attendee list's CSV); continents by CLDR's code ("002" is Africa)."""
    context = _campaign_report_context(request, slug)
    report = context["report"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{context['campaign'].slug}-report.csv")
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(["level", "code", "name", "jams", "first_time_jams", "signed_up", "came", "under_18s"])
    columns = ("jams", "first_time", "signed_up", "checked_in", "under_18s")
    name = context["campaign"].name_in(request.LANGUAGE_CODE)
    totals = [report["totals"][key] for key in columns]
    writer.writerow(["campaign", context["campaign"].slug, spreadsheet_cell(name), *totals])
    for level, rows in (("continent", report["by_continent"]), ("country", report["by_country"])):
        for row in rows:
            writer.writerow([level, row["code"], row["name"]] + [row[name] for name in columns])
    return response
