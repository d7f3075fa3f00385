"""Attendees' pages: sign up for a Jam, and the personal page their link opens (see,
change, cancel or delete their sign-up; the QR code for the door). No account: the
link's secret is the key, so these pages are never cached and send no Referer."""

import functools
import json
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jamportal import ratelimit
from jamportal.attendance import selectors, services
from jamportal.attendance.forms import SignupChangeForm, SignupForm, WalkInForm
from jamportal.attendance.models import Signup
from jamportal.jams import selectors as jam_selectors

# Sign-ups one address (a visitor's IP) may send in an hour, and one email address.
SIGNUPS_PER_ADDRESS_PER_HOUR = 20
SIGNUPS_PER_EMAIL_PER_HOUR = 5


def _private(response):
    """A page behind a personal link: kept by nobody, its address sent to nobody."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request, slug):
    jam = jam_selectors.jam_for_viewer_or_404(request.user, slug, language=request.LANGUAGE_CODE)
    sheet = selectors.sheet_for_jam(jam)
    context = {"jam": jam, "sheet": sheet, "open": selectors.takes_signups(jam, sheet)}
    if sheet is not None:
        context["free"] = max(sheet.capacity - selectors.places_taken(jam), 0)
    form = SignupForm(request.POST or None)
    context["form"] = form
    if not context["open"]:
        return render(request, "attendance/signup.html", context, status=200 if request.method == "GET" else 409)
    if request.method == "POST" and form.is_valid():
        if form.from_a_bot():  # thanked all the same; nothing is kept
            return render(request, "attendance/signup_thanks.html", {"jam": jam})
        email = form.cleaned_data["email"].lower()
        if not (
            ratelimit.allow("signup", ratelimit.client_ip(request), limit=SIGNUPS_PER_ADDRESS_PER_HOUR, per=3600)
            and ratelimit.allow("signup-email", email, limit=SIGNUPS_PER_EMAIL_PER_HOUR, per=3600)
        ):
            form.add_error(None, _("Many sign-ups came from you in the last hour. Please try again later."))
            return render(request, "attendance/signup.html", context, status=429)
        try:
            signup, token = services.signup_create(jam, language=request.LANGUAGE_CODE, **form.answers())
        except services.SignupsClosed:
            context["open"] = False
            return render(request, "attendance/signup.html", context, status=409)
        if signup.status == Signup.Status.PLACE:
            messages.success(request, _("You have a place. We have emailed you the details and this page's link."))
        else:
            messages.info(
                request, _("The Jam is full, so you are on the waiting list. We will email you if a place comes free.")
            )
        return redirect("attendance:mine", token=token)
    return render(request, "attendance/signup.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def mine(request, token):
    signup = selectors.signup_for_token_or_404(token)
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


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request, token):
    """The "I can't come" of the reminders: one button (a GET changes nothing, so that
    mail scanners opening the link do not cancel anyone's place)."""
    signup = selectors.signup_for_token_or_404(token)
    if request.method == "POST":
        services.signup_cancel(signup)
        messages.success(request, _("Your sign-up is cancelled. Thank you for letting the organiser know."))
        return redirect("attendance:mine", token=token)
    return _private(render(request, "attendance/cancel.html", {"signup": signup, "jam": signup.jam, "token": token}))


@never_cache
@require_http_methods(["GET", "POST"])
def delete(request, token):
    signup = selectors.signup_for_token_or_404(token)
    if request.method == "POST":
        jam = signup.jam
        services.signup_delete(signup)
        return _private(render(request, "attendance/deleted.html", {"jam": jam}))
    return _private(render(request, "attendance/delete.html", {"signup": signup, "jam": signup.jam, "token": token}))


# Check-in at the door ------------------------------------------------------------------
# The organiser's page for the door (check_in), made to keep working on a phone whose
# network comes and goes: it downloads the Jam's list (check_in_list) and keeps it, and
# sends what it did (check-ins, walk-ins) to check_in_sync, at once or once back online.
# Every item carries an id the phone made, so a queue sent twice counts everyone once.

MAX_SYNC_ITEMS = 500  # a queue longer than this is sent in parts by the page


def _door_jam_or_404(user, slug):
    """The organiser's own Jam, if it takes sign-ups here (only then has it a list)."""
    jam = jam_selectors.jam_for_organiser_or_404(user, slug)
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
    form = WalkInForm({name: item.get(name) for name in ("name", "adults", "children")})
    if not form.is_valid():
        problems = [
            f"{form.fields[field].label}: {error}" if field in form.fields else error
            for field, errors in form.errors.items()
            for error in errors
        ]
        return {"status": "invalid", "message": " ".join(problems)}
    try:
        signup = services.walk_in_add_from_door(jam, client_id=item_id, **form.cleaned_data)
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
    except (UnicodeDecodeError, ValueError):
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
            signup = by_code.get(item.get("code"))
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
