"""Reads of attendance: places left, a sign-up by its personal link, the organiser's lists."""

import datetime
import hashlib

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from jamportal.attendance.models import JamReport, Signup, SignupSheet
from jamportal.cldr import names as cldr_names
from jamportal.cldr import regions
from jamportal.feed import selectors as feed_selectors
from jamportal.jams.models import Jam

Status = Signup.Status


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def signup_for_token_or_404(token: str) -> Signup:
    """The sign-up whose personal link holds `token`; 404 for any other string (looked
    up by the token's hash: nothing to guess but the 256-bit secret itself)."""
    if not 20 <= len(token) <= 100:
        raise Http404
    signup = Signup.objects.select_related("jam", "jam__signup_sheet").filter(token_hash=token_hash(token)).first()
    if signup is None:
        raise Http404
    return signup


def sheet_for_jam(jam: Jam) -> SignupSheet | None:
    return SignupSheet.objects.filter(jam=jam).first()


def places_taken(jam: Jam) -> int:
    """People with a place (the parties' sizes added up)."""
    taken = Signup.objects.filter(jam=jam, status=Status.PLACE).aggregate(people=Sum("adults") + Sum("children"))
    return taken["people"] or 0


def takes_signups(jam: Jam, sheet: SignupSheet | None, *, now=None) -> bool:
    """Whether visitors may sign up now: the Jam is on the map, not over, its sheet open."""
    now = now or timezone.now()
    return bool(sheet and sheet.is_open and jam.status == Jam.Status.APPROVED and jam.end > now)


def attendance_figures(jam: Jam) -> dict:
    """The counts the organiser's list, the kit request and the report start from."""
    on = Q(status=Status.PLACE)
    # (Aggregates named after a field they sum, "adults", would clash with that field in
    # the other sums: Django refuses "Sum('adults'): 'adults' is an aggregate". Hence the
    # "_with_place" names, renamed below.)
    figures = Signup.objects.filter(jam=jam).aggregate(
        parties=Count("pk", filter=on),
        people=Sum("adults", filter=on) + Sum("children", filter=on),
        adults_with_place=Sum("adults", filter=on),
        children_with_place=Sum("children", filter=on),
        waiting_parties=Count("pk", filter=Q(status=Status.WAITING)),
        waiting=Sum("adults", filter=Q(status=Status.WAITING)) + Sum("children", filter=Q(status=Status.WAITING)),
        checked_in=Sum("adults", filter=Q(checked_in_at__isnull=False))
        + Sum("children", filter=Q(checked_in_at__isnull=False)),
        walk_ins=Sum("adults", filter=Q(walk_in=True)) + Sum("children", filter=Q(walk_in=True)),
        first_jam=Count("pk", filter=on & Q(first_jam=True)),
        with_needs=Count("pk", filter=on & ~Q(needs="")),
    )
    return {key.removesuffix("_with_place"): value or 0 for key, value in figures.items()}


def signups_for_organiser(jam: Jam):
    """Everyone on the Jam's lists, places first, each list in the order people signed up."""
    return Signup.objects.filter(jam=jam).exclude(status=Status.CANCELLED).order_by("status", "created_at", "pk")


def waiting_position(signup: Signup) -> int:
    """1 for the first party on the waiting list."""
    before = Signup.objects.filter(jam_id=signup.jam_id, status=Status.WAITING, created_at__lt=signup.created_at)
    return before.count() + 1


# The organiser's list and tools ------------------------------------------------------


def signup_for_organiser_or_404(jam: Jam, pk) -> Signup:
    """A sign-up of this Jam (already checked to be the organiser's); 404 for any other."""
    signup = Signup.objects.filter(jam=jam, pk=pk).exclude(status=Status.CANCELLED).first()
    if signup is None:
        raise Http404
    return signup


def attendee_lists(jam: Jam) -> tuple[list[Signup], list[Signup]]:
    """(those with a place, the waiting list), each in the order people signed up: one query."""
    places, waiting = [], []
    for signup in signups_for_organiser(jam):
        (places if signup.status == Status.PLACE else waiting).append(signup)
    return places, waiting


def message_recipient_signups(jam: Jam):
    """Whom an organiser's message goes to: every party with a place or waiting, with an email."""
    return Signup.objects.filter(jam=jam, status__in=[Status.PLACE, Status.WAITING]).exclude(email="")


def message_recipients(jam: Jam) -> int:
    return message_recipient_signups(jam).count()


def messages_sent_in_a_day(jam: Jam, *, now=None) -> int:
    """The organiser's messages of the last 24 hours (services.MESSAGES_PER_DAY's count)."""
    now = now or timezone.now()
    return jam.signup_messages.filter(sent_at__gt=now - datetime.timedelta(days=1)).count()


def messages_sent(jam: Jam):
    return jam.signup_messages.all()


def people_with_place(jam_ref):
    """A subquery: people with a place at the Jam `jam_ref` points to (an OuterRef), 0 if none.
    For lists of Jams or kit requests that show their sign-ups in one query."""
    people = (
        Signup.objects.filter(jam=jam_ref, status=Status.PLACE)
        .order_by()
        .values("jam")
        .annotate(people=Sum(F("adults") + F("children")))
        .values("people")
    )
    return Coalesce(Subquery(people, output_field=IntegerField()), 0)


# Check-in at the door ---------------------------------------------------------------


def checkin_list(jam: Jam) -> list[Signup]:
    """Everyone with a place (walk-ins too), by name: what the door phone keeps."""
    fields = ["checkin_code", "name", "adults", "children", "checked_in_at", "walk_in"]
    return list(Signup.objects.filter(jam=jam, status=Status.PLACE).only(*fields).order_by("name", "pk"))


def checkin_counts(people: list[Signup]) -> dict:
    """People checked in, expected (with a place) and walk-ins, among `people`."""
    return {
        "checked_in": sum(s.people for s in people if s.checked_in_at),
        "expected": sum(s.people for s in people),
        "walk_ins": sum(s.people for s in people if s.walk_in),
    }


def signups_with_place_by_code(jam: Jam, codes) -> dict[str, Signup]:
    found = Signup.objects.filter(jam=jam, status=Status.PLACE, checkin_code__in=list(codes))
    return {signup.checkin_code: signup for signup in found}


# The report ------------------------------------------------------------------------
# What a Jam's under-18s were counted from (the report form says which).
UNDER_18S_CHECKED_IN = "checked-in"
UNDER_18S_SIGNED_UP = "signed-up"


def jam_report_for(jam: Jam) -> JamReport | None:
    return JamReport.objects.select_related("highlight").filter(jam=jam).first()


def jam_report_photos(jam: Jam):
    """The photos a highlight may be chosen from: the Jam's public ones (visible, cleaned)."""
    return feed_selectors.photos_public(jam)


def _people(**conditions):
    return Sum(F("adults") + F("children"), filter=Q(**conditions))


def _signup_figures(jam_ids) -> dict[int, dict]:
    """{jam id: its figures from the sign-up rows}, in one query for any number of Jams.
    Signed up: people with a place who signed up (walk-ins apart); checked in: everyone
    who came, walk-ins included; under-18s: those checked in, or those with a place where
    nobody was checked in at a Jam that has ended (it did not use check-in). A Jam still to
    come counts only those checked in: its under-18s are among those who came, like its
    "came" (0 until the day)."""
    now = timezone.now()
    rows = (
        Signup.objects.filter(jam_id__in=jam_ids)
        .values("jam_id", "jam__end")
        .annotate(
            signed_up=_people(status=Status.PLACE, walk_in=False),
            checked_in=_people(checked_in_at__isnull=False),
            walk_ins=_people(walk_in=True),
            children_in=Sum("children", filter=Q(checked_in_at__isnull=False)),
            children_placed=Sum("children", filter=Q(status=Status.PLACE, walk_in=False)),
        )
        .order_by()
    )
    figures = {}
    for row in rows:
        ended = row.pop("jam__end") <= now
        row = {key: value or 0 for key, value in row.items()}
        counted = UNDER_18S_CHECKED_IN if row["checked_in"] or not ended else UNDER_18S_SIGNED_UP
        figures[row["jam_id"]] = {
            "signed_up": row["signed_up"],
            "checked_in": row["checked_in"],
            "walk_ins": row["walk_ins"],
            "under_18s": row["children_in"] if counted == UNDER_18S_CHECKED_IN else row["children_placed"],
            "under_18s_counted": counted,
        }
    return figures


NO_SIGNUPS = {"signed_up": 0, "checked_in": 0, "walk_ins": 0, "under_18s": 0, "under_18s_counted": UNDER_18S_SIGNED_UP}


def jam_report_prefill(jam: Jam) -> dict:
    """What the report form starts from: the sign-ups' figures and the booth photos the
    organiser has (those they deleted apart)."""
    figures = dict(_signup_figures([jam.pk]).get(jam.pk, NO_SIGNUPS))
    figures["photos_taken"] = feed_selectors.photos_for_organiser(jam).count()
    return figures


def campaign_stories(campaign, *, most=100):
    """What the organisers of the campaign's Jams wrote in their reports, newest Jams
    last, each with its highlight photo if it is still public: one query."""
    reports = (
        JamReport.objects.filter(jam__campaign=campaign, jam__status=Jam.Status.APPROVED)
        .exclude(what_happened="")
        .select_related("jam", "highlight")
        .order_by("jam__start", "pk")
    )
    return list(reports[:most])


def campaign_jams_for_report(campaign):
    """The campaign's approved Jams, each with `first_time`: its organiser had no approved
    Jam starting before it (on JamPortal, in any campaign). A Jam whose organiser deleted
    their account is not counted as a first."""
    earlier = Jam.objects.filter(
        organiser_id=OuterRef("organiser_id"), status=Jam.Status.APPROVED, start__lt=OuterRef("start")
    )
    return (
        Jam.objects.filter(campaign=campaign, status=Jam.Status.APPROVED)
        .annotate(has_earlier=Exists(earlier))
        .select_related("report")
        .order_by("country", "start", "pk")
    )


FIGURES = ("jams", "first_time", "signed_up", "checked_in", "under_18s")


def _totals():
    return dict.fromkeys(FIGURES, 0)


def campaign_report(campaign, *, language=None) -> dict:
    """The campaign's figures for staff and sponsors: totals, and by country and by
    continent (CLDR's, jamportal.cldr.regions), names in `language`. A Jam's people
    come from its organiser's report where there is one (they counted at the door,
    walk-ins and all), else from its sign-up rows. Two queries, however many Jams."""
    jams = list(campaign_jams_for_report(campaign))
    from_signups = _signup_figures([jam.pk for jam in jams])
    totals, by_country, by_continent = _totals(), {}, {}
    totals["reported"] = 0
    for jam in jams:
        report = getattr(jam, "report", None)
        if report is not None:
            people = {key: getattr(report, key) for key in ("signed_up", "checked_in", "under_18s")}
            totals["reported"] += 1
        else:
            people = from_signups.get(jam.pk, NO_SIGNUPS)
        figures = {
            "jams": 1,
            "first_time": int(jam.organiser_id is not None and not jam.has_earlier),
            **{key: people[key] for key in ("signed_up", "checked_in", "under_18s")},
        }
        country = str(jam.country.code)
        continent = regions.continent_of(country)
        for rows, key in ((by_country, country), (by_continent, continent)):
            row = rows.setdefault(key, _totals())
            for name, value in figures.items():
                row[name] += value
        by_continent[continent].setdefault("countries", set()).add(country)
        for name, value in figures.items():
            totals[name] += value
    sort_key = cldr_names.sort_key(language)

    def ordered(rows, name_of):
        named = [{"code": code, "name": name_of(code), **row} for code, row in rows.items()]
        return sorted(named, key=lambda row: (-row["jams"], -row["checked_in"], sort_key(row["name"])))

    countries = ordered(by_country, lambda code: cldr_names.country_name(code, language) or code)
    continents = ordered(by_continent, lambda code: regions.continent_name(code, language) if code else "?")
    for row in continents:
        row["countries"] = len(row["countries"])
    totals.update(countries=len(countries), continents=len([row for row in continents if row["code"]]))
    return {"totals": totals, "by_country": countries, "by_continent": continents}
