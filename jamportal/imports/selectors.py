"""Reads of imports: an organiser's calendars, and a sync's report drawn in the
reader's language."""

import datetime
from zoneinfo import ZoneInfo

from django.http import Http404
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from jamportal.cldr import formats, names
from jamportal.imports.models import REASONS, CalendarSource, ImportedEvent, describe
from jamportal.jams.models import Jam

# The report's sections, in the order the page shows them.
KINDS = ("created", "changed", "cancelled", "kept", "skipped", "past")


def sources_of(user):
    return CalendarSource.objects.filter(organiser=user).select_related("campaign").order_by("created_at")


def source_for_organiser_or_404(user, pk) -> CalendarSource:
    """A calendar the user may see and sync: only their own."""
    source = sources_of(user).filter(pk=pk).first()
    if source is None:
        raise Http404
    return source


def event_for_organiser_or_404(user, source, pk) -> ImportedEvent:
    link = ImportedEvent.objects.filter(source=source, pk=pk, jam=None, series=None).first()
    if link is None or source.organiser_id != user.pk:
        raise Http404
    return link


def report(run) -> dict:
    """{kind: [line, ...]} for the page: each line with its Jam (for a link), the
    names of the fields it is about, and why, in the active language."""
    if run is None:
        return {}
    ids = {line["jam"] for line in run.lines if line.get("jam")}
    jams = {jam.pk: jam for jam in Jam.objects.filter(pk__in=ids).only("pk", "slug", "title", "status", "timezone")}
    grouped = {kind: [] for kind in KINDS}
    for line in run.lines:
        kind = line.get("kind")
        if kind not in grouped:
            continue
        grouped[kind].append(
            {
                "title": line.get("title", ""),
                "jam": jams.get(line.get("jam")),
                "fields": [str(Jam._meta.get_field(name).verbose_name) for name in line.get("fields", [])],
                "why": _why(line),
                "count": line.get("values", {}).get("count"),
                "series": line.get("series", False),
                "event": line.get("event"),
                "changes": _changes(line, jams.get(line.get("jam"))),
            }
        )
    return {kind: lines for kind, lines in grouped.items() if lines}


def _why(line) -> str:
    reason = line.get("reason", "")
    if reason == "removed":
        return _("Removed from the calendar.")
    if reason == "cancelled":
        return _("Cancelled in the calendar.")
    return describe(REASONS, reason, line.get("values", {}))


# --- each change named, with the calendar's value (issue 22) ---
DESCRIPTION_SHOWN = 80  # characters of a changed description the report shows


def _changes(line, jam) -> list[tuple[str, str]]:
    """(field's name, the calendar's value as the reader reads it) of each field a line
    is about: times on the Jam's clock in the reader's language and digits, the country
    by name. Reports from before values were kept name the fields only (empty)."""
    now = line.get("now") or {}
    return [
        (capfirst(str(Jam._meta.get_field(name).verbose_name)), _shown(name, now[name], jam))
        for name in line.get("fields", [])
        if name in now
    ]


def _shown(name, value, jam) -> str:
    if value in (None, ""):
        return "—"
    if name in ("start", "end"):
        moment = datetime.datetime.fromisoformat(value)
        if jam is not None:
            moment = moment.astimezone(ZoneInfo(jam.timezone))
        return formats.format_datetime(moment)
    if name == "country":
        return names.country_name(value) or value
    if name in ("latitude", "longitude"):
        return formats.format_number(value, places=4)
    if name == "description":
        return Truncator(value).chars(DESCRIPTION_SHOWN)
    return str(value)
