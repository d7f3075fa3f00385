"""Attendees' pages: sign up for a Jam, and the personal page their link opens (see,
change, cancel or delete their sign-up; the QR code for the door). No account: the
link's secret is the key, so these pages are never cached and send no Referer."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from jamportal import ratelimit
from jamportal.attendance import charts, selectors, services
from jamportal.attendance.forms import JamReportForm, SignupChangeForm, SignupForm
from jamportal.attendance.models import Signup
from jamportal.cldr import formats
from jamportal.jams import selectors as jam_selectors
from jamportal.pdf import pdf_response, render_pdf

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


# The report ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def jam_report(request, slug):
    """The organiser's report once the Jam is over: the numbers prefilled from the data
    (until they save their own), what happened, and a highlight photo."""
    jam = jam_selectors.jam_for_organiser_or_404(request.user, slug)
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
    return render(request, "attendance/campaign_report.html", context)


@campaign_report_required
@require_GET
def campaign_report_pdf(request, slug):
    context = _campaign_report_context(request, slug)
    context["charts"] = _charts(context["report"])
    context["chart_countries"] = CHART_COUNTRIES
    pdf = render_pdf("attendance/campaign_report_pdf.html", context)
    return pdf_response(pdf, f"{context['campaign'].slug}-report.pdf")


def _inert(text):
    """A cell a spreadsheet cannot run as a formula (a campaign's name was typed by staff)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@campaign_report_required
@require_GET
def campaign_report_csv(request, slug):
    """The figures as a spreadsheet: one row per country, continent and the whole
    campaign, UTF-8 without a BOM like the project's other CSV files."""
    context = _campaign_report_context(request, slug)
    report = context["report"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{context['campaign'].slug}-report.csv")
    writer = csv.writer(response)
    writer.writerow(["level", "code", "name", "jams", "first_time_jams", "signed_up", "came", "under_18s"])
    columns = ("jams", "first_time", "signed_up", "checked_in", "under_18s")
    name = context["campaign"].name_in(request.LANGUAGE_CODE)
    writer.writerow(["campaign", context["campaign"].slug, _inert(name)] + [report["totals"][key] for key in columns])
    for level, rows in (("continent", report["by_continent"]), ("country", report["by_country"])):
        for row in rows:
            writer.writerow([level, row["code"], row["name"]] + [row[name] for name in columns])
    return response
