"""Attendees' pages: sign up for a Jam, and the personal page their link opens (see,
change, cancel or delete their sign-up; the QR code for the door). No account: the
link's secret is the key, so these pages are never cached and send their address to
no other site."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jamportal import ratelimit
from jamportal.attendance import selectors, services
from jamportal.attendance.forms import SignupChangeForm, SignupForm
from jamportal.attendance.models import Signup
from jamportal.jams import selectors as jam_selectors


def _private(response):
    """A page behind a personal link: kept by nobody, its address sent to no other site."""
    response["Referrer-Policy"] = "same-origin"  # (no-referrer would make the forms' Origin "null", refused as CSRF)
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def signup(request, slug):
    jam = jam_selectors.jam_for_viewer_or_404(request.user, slug, language=request.LANGUAGE_CODE)
    sheet = selectors.sheet_for_jam(jam)
    context = {"jam": jam, "sheet": sheet, "open": selectors.takes_signups(jam, sheet), "ended": jam.end <= now()}
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
    if request.method == "POST":
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
