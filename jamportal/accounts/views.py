import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.i18n import set_language

from jamportal.accounts import selectors, services
from jamportal.accounts.forms import DeleteAccountForm
from jamportal.jams.models import CampaignPoster


@require_POST
def language_switch(request):
    """Django's set_language (cookie, then back to the same page in the new
    language), which also remembers a signed-in organiser's choice."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and response.cookies.get(settings.LANGUAGE_COOKIE_NAME):
        services.user_set_language(request.user, language=language)
    return response


@login_required
def dashboard(request):
    """The organiser's home: each Jam and what to do next, kits, booths, photos, deadlines."""
    board = selectors.dashboard_for(request.user)
    return render(request, "account/dashboard.html", {"board": board, "poster_sizes": CampaignPoster.Size.choices})


@login_required
def account(request):
    """The organiser's account: their data to download, and closing it."""
    return render(request, "account/data.html")


@login_required
@require_GET
def account_data(request):
    """Everything we hold about the organiser, as one JSON file."""
    data = json.dumps(services.account_export(request.user), ensure_ascii=False, indent=2)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    filename = f"jamportal-{timezone.localdate().isoformat()}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        services.account_delete(request.user, keep_jams=form.cleaned_data["jams"] == form.KEEP)
        logout(request)
        messages.success(request, _("Your account is deleted. Thank you for running Jams!"))
        return redirect("jams:home")
    handed_over = selectors.jams_handed_over_on_delete(request.user)
    return render(request, "account/delete.html", {"form": form, "handed_over": handed_over})
