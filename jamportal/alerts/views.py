"""Alerts' pages: asking from a near-me search, the links in the emails (confirm,
unsubscribe), and the demand map for staff and organisers."""

import datetime
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from jamportal import pagecache, places, ratelimit
from jamportal.alerts import selectors, services
from jamportal.alerts.forms import AlertForm, radius_choices, searched_radius
from jamportal.cldr import formats
from jamportal.places.checks import nearest_place


def _place_name(point):
    place = nearest_place(*point) if point else None
    return places.place_name(place) if place else ""


@never_cache
@require_http_methods(["GET", "POST"])
def alert_new(request):
    """Tell me when a Jam starts near here (the place from the near-me search)."""
    miles = places.uses_miles(places.visitor_country(request.headers.get("Accept-Language", ""), request.LANGUAGE_CODE))
    if request.method == "POST":
        form = AlertForm(request.POST, miles=miles)
    else:
        # The search's own radius, chosen (the form offers it); one an alert may not have: the nearest wider.
        radius = _radius(request.GET.get("radius", ""), miles=miles)
        initial = {"around": request.GET.get("around", ""), "radius_km": radius}
        form = AlertForm(initial=initial, miles=miles, searched=searched_radius(request.GET.get("radius", "")))
    point = _point(form, request)
    context = {"form": form, "place_name": _place_name(point), "has_place": point is not None}
    if point is None:
        return render(request, "alerts/alert_new.html", context, status=400 if request.method == "POST" else 200)
    if request.method == "POST" and form.is_valid():
        if form.from_a_bot():  # thanked all the same; nothing is kept or sent
            return _sent_redirect(request, form.cleaned_data["email"])
        email = form.cleaned_data["email"]
        if not (
            ratelimit.allow("alert", ratelimit.client_ip(request), limit=settings.ALERTS_PER_ADDRESS_PER_HOUR, per=3600)
            and ratelimit.allow(
                "alert-email", services.email_hash(email), limit=settings.ALERT_EMAILS_PER_ADDRESS_PER_DAY, per=86400
            )
        ):
            form.add_error(
                None, _("Many alerts were asked for from your network or this email address. Please try again later.")
            )
            return render(request, "alerts/alert_new.html", context, status=429)
        latitude, longitude = form.cleaned_data["around"]
        try:
            services.alert_request(
                email=email,
                latitude=latitude,
                longitude=longitude,
                radius_km=form.cleaned_data["radius_km"],
                language=request.LANGUAGE_CODE,
                would_help=form.cleaned_data["would_help"],
                miles=miles,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return render(request, "alerts/alert_new.html", context)
        return _sent_redirect(request, email)
    return render(request, "alerts/alert_new.html", context)


DEFAULT_RADIUS_KM = 50


def _radius(text, *, miles):
    """The first choice at least as wide as a radius no alert may have (the widest beyond them)."""
    try:
        searched = float(text) if text.isascii() else DEFAULT_RADIUS_KM
    except ValueError:
        searched = DEFAULT_RADIUS_KM
    choices = radius_choices(miles=miles)
    return f"{next((km for km in choices if km >= searched), choices[-1]):g}"


def _point(form, request):
    """The place asked about, from the form's hidden field (or the address's `around`)."""
    field = form.fields["around"]
    text = form.data.get("around") if form.is_bound else request.GET.get("around", "")
    try:
        return field.clean(text)
    except ValidationError:
        return None


def alert_link(view):
    """A view behind a link from an alert's email; a link that leads nowhere (deleted,
    expired, mistyped) gets `view` with no alert."""

    @wraps(view)
    def wrapped(request, token):
        try:
            alert = selectors.alert_for_token_or_404(token)
        except Http404:
            alert = None
        return pagecache.secret_link_page(view(request, token, alert))

    return never_cache(require_http_methods(["GET", "POST"])(wrapped))


@alert_link
def confirm(request, token, alert):
    """The double opt-in: a GET shows one button (mail scanners that open every link
    confirm nothing), the POST confirms."""
    if alert is None:
        return render(request, "alerts/link_gone.html", status=404)
    context = {"alert": alert, "token": token, "place_name": _place_name((alert.latitude, alert.longitude))}
    if request.method == "POST":
        try:
            services.alert_confirm(alert)
        except services.AlertExpired:
            return render(request, "alerts/link_gone.html", {"expired": True}, status=410)
        # Post/Redirect/Get: reloading the answer sends nothing again (issue 22).
        return redirect(f"{request.path}?{CONFIRMED}")
    if alert.confirmed_at is not None:  # just now (the redirect), or the link opened again later
        context.update(confirmed=True, already=CONFIRMED not in request.GET)
    return render(request, "alerts/confirm.html", context)


CONFIRMED = "confirmed"


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without a form; the secret is the check
@alert_link
def unsubscribe(request, token, alert):
    """One click: a GET shows the button, a POST (the button, or a mail client's
    one-click unsubscribe) deletes the alert. Gone already: the link says so (404)."""
    if alert is None:
        return render(request, "alerts/link_gone.html", status=404)
    if request.method == "POST":
        services.alert_unsubscribe(alert)
        return render(request, "alerts/unsubscribed.html")
    context = {"alert": alert, "token": token, "place_name": _place_name((alert.latitude, alert.longitude))}
    return render(request, "alerts/unsubscribe.html", context)


@never_cache
@login_required
@require_GET
def demand(request):
    """Where visitors wait for a first Jam: counts per cell, none under the threshold.
    Staff and every organiser see the whole world (an organiser may start a Jam
    anywhere, and the counts name nobody)."""
    threshold = settings.ALERTS_DEMAND_THRESHOLD
    cells = selectors.demand_cells(threshold=threshold)
    for cell in cells:
        cell["people_text"] = formats.format_number(cell["people"])
        cell["helpers_text"] = formats.format_number(cell["helpers"]) if cell["helpers"] is not None else ""
        cell["place_name"] = _place_name(((cell["south"] + cell["north"]) / 2, (cell["west"] + cell["east"]) / 2))
    map_cells = [
        {key: cell[key] for key in ("south", "west", "north", "east", "people_text", "helpers_text", "place_name")}
        for cell in cells
    ]
    context = {"cells": cells, "map_cells": map_cells, "threshold": formats.format_number(threshold)}
    return render(request, "alerts/demand.html", context)


# --- after asking (Post/Redirect/Get) ---
# The form's answer is a redirect to a page of its own, so that reloading it asks for
# nothing again. The address it names is this visitor's, in a signed cookie sent back to
# that page only for an hour: not a session, which would keep every later page of theirs
# out of the shared cache (pagecache.same_for_everyone).
SENT_COOKIE = "alert-sent"
SENT_COOKIE_SECONDS = 3600


def _sent_redirect(request, email):
    response = redirect("alerts:sent")  # (in the page's language: the address keeps its prefix)
    response.set_signed_cookie(
        SENT_COOKIE,
        email,
        salt=SENT_COOKIE,
        max_age=SENT_COOKIE_SECONDS,
        path=response["Location"],
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    return response


@never_cache
@require_GET
def alert_sent(request):
    """What happens next: the confirmation email, its link's lifetime, then the alerts."""
    email = request.get_signed_cookie(SENT_COOKIE, default="", salt=SENT_COOKIE, max_age=SENT_COOKIE_SECONDS)
    lifetime = formats.format_duration(datetime.timedelta(hours=settings.ALERT_CONFIRM_HOURS))
    return render(request, "alerts/alert_sent.html", {"email": email, "lifetime": lifetime})
