"""Import and sync: an organiser's calendar becomes their Jams (drafts: they look
them over, place what could not be placed, and submit each for review the usual way),
and later syncs keep those Jams in step with the calendar: times, words and places
that changed there, dates cancelled or removed there.

A field the organiser changed here (its value differs from the one last imported,
ImportedEvent.imported) is never overwritten: the report says the calendar's new
value was not taken. Every write goes through jams.services (jam_create, jam_update,
jam_cancel, series_create), so an import obeys the same rules as the form.

A calendar that cannot be read (fetching.FetchError: too large, too slow, not a
calendar, a private address...) changes nothing: the sync's report says why."""

import datetime
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jamportal.celery import enqueue
from jamportal.cldr import regions as cldr_regions
from jamportal.imports import calendars
from jamportal.imports.calendars import aware, utc_key
from jamportal.imports.fetching import FetchError, fetch
from jamportal.imports.models import CalendarSource, ImportedEvent, SyncRun
from jamportal.jams import services as jam_services
from jamportal.jams.models import Jam

logger = logging.getLogger(__name__)

# The fields a calendar fills in, and a sync keeps in step.
FIELDS = [
    "title",
    "description",
    "start",
    "end",
    "timezone",
    "venue_name",
    "address",
    "city",
    "country",
    "latitude",
    "longitude",
    "website",
]
VENUE_FIELDS = ["venue_name", "address", "city", "country", "latitude", "longitude"]
# Calendars are synced this often (beat: imports.sync_sources, hourly).
SYNC_EVERY = datetime.timedelta(hours=6)
KEEP_RUNS = 20


def source_add(*, organiser, url, campaign=None, language="en") -> CalendarSource:
    """Read the calendar at `url` and import its events as `organiser`'s draft Jams.
    Raises FetchError (and keeps nothing) when it cannot be read, ValidationError when
    the organiser imports it already."""
    if CalendarSource.objects.filter(organiser=organiser, url=url).exists():
        raise ValidationError({"url": _("You import this calendar already.")})
    events = calendars.parse(fetch(url))
    with transaction.atomic():
        source = CalendarSource.objects.create(organiser=organiser, url=url, campaign=campaign, language=language)
        _sync(source, events)
    return source


def source_sync(source, *, now=None) -> SyncRun:
    """Read the calendar again and bring its Jams in step; the run's report. A calendar
    that cannot be read changes nothing, and the report says why."""
    now = now or timezone.now()
    with translation.override(source.language):
        try:
            events = calendars.parse(fetch(source.url))
            if not events and source.events.filter(jam__isnull=False).exists():
                # An empty answer where Jams came from is a calendar service's bad moment more
                # often than an organiser's choice: cancelling every Jam would be for good.
                raise FetchError("empty")
        except FetchError as error:
            with transaction.atomic():
                run = SyncRun.objects.create(source=source, problem=error.code, problem_values=error.values)
                _runs_prune(source)
                source.state, source.problem, source.problem_values = (
                    CalendarSource.State.FAILED,
                    error.code,
                    error.values,
                )
                source.last_fetched_at = now
                source.save(update_fields=["state", "problem", "problem_values", "last_fetched_at"])
            return run
        with transaction.atomic():
            return _sync(source, events, now=now)


def source_delete(source) -> None:
    """Stop reading the calendar; the Jams made from it stay, as the organiser's own."""
    source.delete()


def event_place(link, *, place) -> SyncRun:
    """The organiser says where an event whose place was not found is (a town's name,
    checked in the gazetteer), and it is imported at the next sync, run now."""
    if not calendars.geocode(place).place:
        raise ValidationError({"place": _("We do not know a place called “%(place)s”.") % {"place": place}})
    link.place = place
    link.save(update_fields=["place"])
    return source_sync(link.source)


def sources_due(*, now=None) -> list[int]:
    """Calendars not read for SYNC_EVERY (beat, hourly)."""
    now = now or timezone.now()
    due = CalendarSource.objects.exclude(last_fetched_at__gt=now - SYNC_EVERY).values_list("pk", flat=True)
    return list(due)


def sources_sync_due(*, now=None) -> int:
    """Queue a sync of each calendar due (one task each: one slow calendar holds up no other)."""
    due = sources_due(now=now)
    for pk in due:
        enqueue("imports.sync_source", source_id=pk)
    return len(due)


# --- the sync ---


def _sync(source, events, *, now=None) -> SyncRun:
    now = now or timezone.now()
    sync = _Sync(source, events, now)
    with translation.override(source.language):
        sync.run()
    run = SyncRun.objects.create(source=source, lines=sync.lines)
    _runs_prune(source)
    source.state, source.problem, source.problem_values = CalendarSource.State.OK, "", {}
    source.last_fetched_at = now
    source.save(update_fields=["state", "problem", "problem_values", "last_fetched_at"])
    return run


def _runs_prune(source):
    """Only the latest KEEP_RUNS reports of a calendar are kept (it is read every few hours)."""
    old = SyncRun.objects.filter(source=source).order_by("-started_at", "-pk").values_list("pk", flat=True)[KEEP_RUNS:]
    SyncRun.objects.filter(pk__in=list(old)).delete()


class _Sync:
    def __init__(self, source, events, now):
        self.source, self.events, self.now = source, events, now
        self.organiser = source.organiser
        self.links = {(link.uid, link.recurrence_id): link for link in source.events.select_related("jam", "series")}
        self.overrides = {(e.uid, e.recurrence_id): e for e in events if e.recurrence_id}
        self.seen = set()
        self.lines = []
        self.past = 0

    def run(self):
        for event in self.events:
            if event.recurrence_id:
                continue
            self.seen.add((event.uid, ""))
            link = self.links.get((event.uid, ""))
            if event.problem:
                if link is None or (link.jam is None and link.series is None):
                    self.line("skipped", title=event.title, reason=event.problem)
            elif event.rule:
                self.series(event, link)
            else:
                self.single(event, link)
        self.removed()
        if self.past:
            self.line("past", values={"count": self.past})

    def line(self, kind, *, title="", jam=None, **more):
        self.lines.append({"kind": kind, "title": jam.title if jam else title, "jam": jam.pk if jam else None, **more})

    # One event, one Jam.
    def single(self, event, link):
        if link is not None and link.jam is not None:
            self.follow(link.jam, link, event, self.values(event, link), cancelled=event.cancelled)
            return
        if link is not None and link.imported:
            return  # its Jam was deleted here: not made again
        if event.cancelled:
            return
        if event.end is not None and event.end.tzinfo is not None and event.end <= self.now:
            self.past += 1
            return
        values = self.values(event, link)
        if values is None:
            self.unplaced(event, link)
            return
        if values["start"] <= self.now:
            self.past += 1
            return
        jam = self.create(event, values)
        if jam is not None:
            self.link(event.uid, "", jam=jam, imported=_plain_values(values))
            self.line("created", jam=jam, **_zone_note(event, values))

    # A repeating event: a repeating Jam, each date followed on its own.
    def series(self, event, link):
        values = self.values(event, link)
        if values is None:
            if link is None or link.series is None:
                self.unplaced(event, link)
            return
        zone = values["timezone"]
        local_start = values["start"].astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        duration = values["end"] - values["start"]
        rule = calendars.series_rule(event, local_start, zone)
        if link is None or (link.series is None and link.jam is None and not link.imported):
            if event.cancelled:
                return
            if rule is None:
                self.line("skipped", title=event.title, reason="rule", values={"rule": event.rule_text})
                return
            starts = calendars.rule_starts(rule, local_start, zone)
            future = [start for start in starts if aware(start, zone) > self.now]
            if not future:
                self.past += 1
                return
            first = aware(future[0], zone)
            jam = self.create(event, {**values, "start": first, "end": first + duration})
            if jam is None:
                return
            count = rule["count"] - (len(starts) - len(future)) if rule["count"] else None
            if count is not None and count < 2:
                self.link(
                    event.uid, "", jam=jam, imported=_plain_values({**values, "start": first, "end": first + duration})
                )
                self.line("created", jam=jam, **_zone_note(event, values))
                return
            series = jam_services.series_create(
                jam, by=self.organiser, frequency=rule["frequency"], last_week=rule["last_week"],
                until=rule["until"], count=count, now=self.now,
            )  # fmt: skip
            link = self.link(event.uid, "", series=series, imported={"rule": event.rule_text})
            note = _zone_note(event, values)
            self.line(
                "created", jam=jam, series=True, reason=note.get("reason", ""),
                values={"count": series.occurrences.count(), **note.get("values", {})},
            )  # fmt: skip
        elif link.series is None:
            return
        elif event.rule_text != link.imported.get("rule"):
            self.line("skipped", title=event.title, reason="rule-changed", values={"rule": event.rule_text})
            link.imported["rule"] = event.rule_text
            link.save(update_fields=["imported"])
        self.dates(event, link.series, values, local_start.time(), duration)

    def dates(self, event, series, values, local_time, duration):
        zone = ZoneInfo(values["timezone"])
        dates = Jam.objects.filter(series=series, end__gt=self.now).exclude(occurrence_start=None)
        for jam in dates.order_by("occurrence_start"):
            key = utc_key(jam.occurrence_start)
            self.seen.add((event.uid, key))
            link = self.links.get((event.uid, key))
            if link is None:
                link = self.link(event.uid, key, jam=jam, imported=_plain_values(_current(jam)))
            elif link.jam_id != jam.pk:
                continue
            override = self.overrides.get((event.uid, key))
            cancelled = event.cancelled or key in event.exdates or bool(override and override.cancelled)
            if override is not None and not override.problem:
                # Its own times; its words stay the series' (a date's own words would reach
                # every later date, as an organiser's edit of a date's words does).
                moved = self.values(override, link)
                date_values = {**values, "start": moved["start"], "end": moved["end"]} if moved else values
            else:
                day = jam.occurrence_start.astimezone(zone).date()
                start = datetime.datetime.combine(day, local_time).replace(tzinfo=zone)
                date_values = {**values, "start": start, "end": start + duration}
            self.follow(jam, link, event, date_values, cancelled=cancelled)

    def removed(self):
        """Jams to come whose events the calendar no longer has are cancelled."""
        for key, link in self.links.items():
            jam = link.jam
            if key in self.seen or jam is None or jam.status == Jam.Status.CANCELLED or jam.end <= self.now:
                continue
            jam_services.jam_cancel(jam, by=self.organiser, reason=_("Removed from the calendar it was imported from."))
            self.line("cancelled", jam=jam, reason="removed")

    # The parts.
    def values(self, event, link):
        venue = calendars.locate(event, place_text=link.place if link else "")
        if venue is None:
            if link is None or not link.imported.get("city"):
                return None
            venue = {name: link.imported[name] for name in VENUE_FIELDS}  # the place it had: kept
        zone = calendars.zone_of(event, venue)
        return {
            "title": event.title or _("Raspberry Jam"),
            "description": event.description,
            "start": aware(event.start, zone),
            "end": aware(event.end, zone),
            "timezone": zone,
            **venue,
            "website": event.url,
        }

    def create(self, event, values):
        campaign = self.source.campaign
        local_day = values["start"].astimezone(ZoneInfo(values["timezone"])).date()
        if campaign and not campaign.starts_on <= local_day <= campaign.ends_on:
            campaign = None
        data = {
            **values,
            "campaign": campaign,
            "content_language": _language(event, values, self.source),
            "venue_private": False,
            "audience": Jam.Audience.EVERYONE,
            "activities": [],
            "languages": [_language(event, values, self.source)],
            "expected_attendees": None,
            "social_handle": "",
            "host_name": "",
        }
        try:
            with transaction.atomic():
                return jam_services.jam_create(organiser=self.organiser, data=data)
        except ValidationError as error:
            self.line("skipped", title=event.title, reason="invalid", values={"detail": " ".join(error.messages)})
            return None

    def unplaced(self, event, link):
        link = link or self.link(event.uid, "", imported={})
        reason = "no-place" if event.location or link.place else "no-location"
        location = link.place or event.location
        self.line("skipped", title=event.title, reason=reason, values={"location": location}, event=link.pk)

    def link(self, uid, recurrence_id, **fields):
        link, _created = ImportedEvent.objects.update_or_create(
            source=self.source, uid=uid, recurrence_id=recurrence_id, defaults=fields
        )
        self.links[(uid, recurrence_id)] = link
        return link

    def follow(self, jam, link, event, values, *, cancelled):
        """Bring one Jam in step with its event: cancelled, or each field the calendar
        changed that the organiser did not."""
        jam.refresh_from_db()
        if jam.status == Jam.Status.CANCELLED or jam.end <= self.now:
            return
        if cancelled:
            jam_services.jam_cancel(jam, by=self.organiser, reason=_("Cancelled in the calendar it was imported from."))
            self.line("cancelled", jam=jam, reason="cancelled")
            return
        if values is None:
            return
        feed, here = _plain_values(values), _plain_values(_current(jam))
        changed, kept = [], []
        for name in FIELDS:
            last = link.imported.get(name)
            if feed[name] == last:
                continue
            (kept if here[name] != last else changed).append(name)
        if changed:
            data = {name: getattr(jam, name) for name in jam_services.EDITABLE_FIELDS}
            data.update({name: values[name] for name in changed})
            try:
                with transaction.atomic():
                    jam = jam_services.jam_update(jam, by=self.organiser, data=data)
            except (ValidationError, jam_services.JamStateError) as error:
                detail = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                self.line("skipped", jam=jam, reason="invalid", values={"detail": detail})
                changed = []
            else:
                self.line("changed", jam=jam, fields=changed, now={name: feed[name] for name in changed})
        if kept:
            self.line("kept", jam=jam, fields=kept, now={name: feed[name] for name in kept})
        if changed or kept:
            link.imported.update({name: feed[name] for name in changed + kept})
            link.save(update_fields=["imported"])


def _current(jam) -> dict:
    return {name: getattr(jam, name) for name in FIELDS}


def _plain_values(values) -> dict:
    return {name: _plain(values[name]) for name in FIELDS}


def _plain(value):
    """A JSON-friendly form of a value, the same for the calendar's and the Jam's."""
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


# --- issue 22: the language imported Jams are written in, and times in an unknown zone ---


def _language(event, values, source) -> str:
    """The language of an imported Jam's words: the one the calendar marks them with
    (LANGUAGE, X-WR-LANGUAGE); else the main language of the Jam's country among the
    site's (a calendar of Lyon's Jams is in French whoever imports it); else, where none
    of the site's is official there, the language the organiser imported it in."""
    site = [code for code, _name in settings.LANGUAGES]
    return event.language or cldr_regions.main_language(values["country"], site) or source.language


def _zone_note(event, values) -> dict:
    """A created line's note when its TZID was unknown, so its times were read on the place's clock."""
    if not event.unknown_zone:
        return {}
    return {"reason": "unknown-zone", "values": {"zone": event.unknown_zone, "used": values["timezone"]}}
