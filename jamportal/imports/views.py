"""The organiser's calendars: add one (its events imported as draft Jams), see what
each sync did, sync now, place an event whose place was not found, remove one."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from jamportal import ratelimit
from jamportal.cldr import formats
from jamportal.imports import selectors, services
from jamportal.imports.fetching import FetchError
from jamportal.imports.forms import PlaceForm, SourceForm
from jamportal.imports.models import PROBLEMS, describe


@login_required
@require_http_methods(["GET", "POST"])
def sources(request):
    form = SourceForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _may_fetch(request, form=form):
        try:
            source = services.source_add(
                organiser=request.user,
                url=form.cleaned_data["url"],
                campaign=form.cleaned_data["campaign"],
                language=request.LANGUAGE_CODE,
            )
        except FetchError as error:
            form.add_error("url", describe(PROBLEMS, error.code, error.values))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("imports:source", pk=source.pk)
    return render(request, "imports/sources.html", {"form": form, "sources": selectors.sources_of(request.user)})


@login_required
def source(request, pk):
    found = selectors.source_for_organiser_or_404(request.user, pk)
    run = found.runs.first()
    context = {"source": found, "run": run, "report": selectors.report(run), "place_form": PlaceForm()}
    return render(request, "imports/source.html", context)


@login_required
@require_POST
def sync(request, pk):
    found = selectors.source_for_organiser_or_404(request.user, pk)
    if _may_fetch(request):
        services.source_sync(found)
    return redirect("imports:source", pk=found.pk)


@login_required
@require_POST
def place(request, pk, event):
    found = selectors.source_for_organiser_or_404(request.user, pk)
    link = selectors.event_for_organiser_or_404(request.user, found, event)
    form = PlaceForm(request.POST)
    if form.is_valid() and _may_fetch(request, bucket="calendar-place"):  # (a step of an import, not another)
        try:
            services.event_place(link, place=form.cleaned_data["place"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    elif not form.is_valid():
        messages.error(request, _("Please say in which town or city it is."))
    return redirect("imports:source", pk=found.pk)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    """Asks first (a page, so that it needs no JavaScript), then removes the calendar."""
    found = selectors.source_for_organiser_or_404(request.user, pk)
    if request.method == "GET":
        return render(request, "imports/source_delete.html", {"source": found})
    services.source_delete(found)
    messages.success(request, _("The calendar is removed. The Jams imported from it stay, as your own."))
    return redirect("imports:sources")


def _may_fetch(request, *, form=None, bucket="calendar-fetch") -> bool:
    """Each read of a calendar may take a web process IMPORT_TIMEOUT seconds: a few an hour each.
    Placing the events an import could not place reads it again too, counted apart: finishing
    one import is not another."""
    if ratelimit.allow(bucket, request.user.pk, limit=settings.IMPORT_FETCHES_PER_HOUR, per=3600):
        return True
    most = settings.IMPORT_FETCHES_PER_HOUR
    text = ngettext(
        "Calendars can be read by hand %(count)s time an hour. Please wait a while before the next.",
        "Calendars can be read by hand %(count)s times an hour. Please wait a while before the next.",
        most,
    ) % {"count": formats.format_number(most)}
    if form is not None:
        form.add_error(None, text)
    else:
        messages.error(request, text)
    return False
