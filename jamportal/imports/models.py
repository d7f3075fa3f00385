"""An organiser's calendar (an iCalendar address: Eventbrite, Meetup, any calendar) that
JamPortal reads their Jams from and keeps in step (services.source_sync), each event's
link to its Jam with the values last imported, and each sync's report.

What a sync says is kept as codes and values, never as sentences: the report is written
when it is read, in the reader's language (PROBLEMS, REASONS)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jamportal.cldr import formats
from jamportal.jams.models import Campaign, Jam, JamSeries

# Why a calendar could not be read: nothing was changed.
PROBLEMS = {
    "scheme": _("The address must start with http:// or https://."),
    "no-host": _("This address has no host name."),
    "unknown-host": _("No computer answers to the name %(host)s. Please check the address."),
    "private-address": _(
        "%(host)s is an address inside a private network, which JamPortal does not read. "
        "Please give the calendar's public address."
    ),
    "too-many-redirects": _("The address sends us on to another one more than %(most)s times."),
    "http-status": _("The calendar's website answered with an error (HTTP %(status)s). Please check the address."),
    "connection": _("We could not connect to %(host)s. Please check the address, or try again later."),
    "too-large": _("The calendar is larger than %(megabytes)s MB: JamPortal reads calendars up to that size."),
    "too-slow": _("The calendar took longer than %(seconds)s seconds to arrive. Please try again later."),
    "not-a-calendar": _(
        "This address gives a web page, not a calendar. Look for an “iCal”, “.ics” or “subscribe” link "
        "on the calendar's page and give that address."
    ),
    "malformed": _("The calendar could not be read: it is not written as iCalendar requires."),
    "empty": _(
        "The calendar has no events now, so nothing was cancelled. If you took your Jams off "
        "it on purpose, cancel them here."
    ),
    "too-many-events": _(
        "The calendar has %(count)s events; JamPortal imports up to %(most)s. "
        "Please give a calendar with only your Jams."
    ),
}

# Why one event was not imported, or not all of it.
REASONS = {
    "no-place": _("We could not find the place “%(location)s”. Say where it is below, and it is imported."),
    "no-location": _("The event does not say where it is. Say where it is below, and it is imported."),
    "all-day": _("It lasts all day in the calendar: JamPortal needs a start and an end time. Add it by hand."),
    "no-end": _("It has no end time in the calendar. Add it by hand."),
    "end-before-start": _(
        "Its end in the calendar is not after its start. Correct its times there, or add it by hand."
    ),
    "unknown-zone": _(
        "The calendar's time zone “%(zone)s” is unknown, so its times were read as the local time "
        "at its place (%(used)s). Please check them."
    ),
    "rule": _(
        "It repeats in a way JamPortal's repeating Jams cannot (%(rule)s): every week, or every month "
        "on a date or a weekday. Add its dates by hand."
    ),
    "broken": _("The calendar writes its dates in a way that cannot be read."),
    "invalid": _("It could not be imported: %(detail)s"),
    "rule-changed": _(
        "The calendar changed how it repeats (now %(rule)s). JamPortal does not change a repeating Jam's "
        "rule: change its dates here, or remove the calendar and import it again."
    ),
}


def describe(texts, code, values) -> str:
    """The sentence for `code` in the active language, its numbers in the language's digits."""
    if code not in texts:
        return ""
    shown = {key: formats.format_number(value) if isinstance(value, int | float) else value
             for key, value in values.items()}  # fmt: skip
    return texts[code] % shown


class CalendarSource(models.Model):
    class State(models.TextChoices):
        NEW = "new", _("Not read yet")
        OK = "ok", _("Up to date")
        FAILED = "failed", _("Could not be read")

    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_sources")
    url = models.URLField(_("calendar address"), max_length=2000)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("campaign")
    )
    # The language the organiser added it in: imported Jams are written in it.
    language = models.CharField(max_length=16, default="en")
    state = models.CharField(max_length=10, choices=State, default=State.NEW)
    problem = models.CharField(max_length=40, blank=True)
    problem_values = models.JSONField(default=dict, blank=True)
    last_fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("calendar")
        verbose_name_plural = _("calendars")

    def __str__(self):
        return self.url

    @property
    def problem_text(self) -> str:
        return describe(PROBLEMS, self.problem, self.problem_values)


class ImportedEvent(models.Model):
    """One event of the calendar (its UID, and its RECURRENCE-ID for one date of a
    repeating event), the Jam made from it, and the values last imported into each
    field: a field that differs from those was changed here, and a sync leaves it be."""

    source = models.ForeignKey(CalendarSource, on_delete=models.CASCADE, related_name="events")
    uid = models.CharField(max_length=500)
    # The date's original start in UTC (ISO), for one date of a repeating event; "" otherwise.
    recurrence_id = models.CharField(max_length=40, blank=True)
    jam = models.ForeignKey(Jam, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    series = models.ForeignKey(JamSeries, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    imported = models.JSONField(default=dict, blank=True)
    # Where the organiser said it is, for an event whose place was not found.
    place = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "uid", "recurrence_id"], name="imported_event_once"),
        ]

    def __str__(self):
        return f"{self.uid} {self.recurrence_id}".strip()


class SyncRun(models.Model):
    """What one sync did: each line {"kind": created|changed|cancelled|kept|skipped,
    "title", "jam" (its id), "fields", "reason", "values", "event" (ImportedEvent id)}."""

    source = models.ForeignKey(CalendarSource, on_delete=models.CASCADE, related_name="runs")
    started_at = models.DateTimeField(auto_now_add=True)
    problem = models.CharField(max_length=40, blank=True)
    problem_values = models.JSONField(default=dict, blank=True)
    lines = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"sync {self.pk} of {self.source_id}"

    @property
    def problem_text(self) -> str:
        return describe(PROBLEMS, self.problem, self.problem_values)
