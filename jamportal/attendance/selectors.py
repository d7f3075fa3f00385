"""Reads of attendance: places left, a sign-up by its personal link, the organiser's lists."""

import hashlib

from django.db.models import Count, F, IntegerField, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from jamportal.attendance.models import Signup, SignupSheet
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


def message_recipients(jam: Jam) -> int:
    """How many parties an organiser's message goes to (services.message_send's rule)."""
    return Signup.objects.filter(jam=jam, status__in=[Status.PLACE, Status.WAITING]).exclude(email="").count()


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
