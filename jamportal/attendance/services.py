"""Writes of attendance: signing up, the waiting list, check-in, messages, reminders,
and forgetting who came once the Jam is long over.

Every change to a Jam's places first locks its SignupSheet (`_locked_sheet`), then
reads the places taken, then writes: two people taking the last place at once are
served one after the other, and exactly one of them gets it, on PostgreSQL (the
sheet's row lock) and on SQLite (the database's write lock) alike.

The waiting list has one rule, `_fill_places`: whenever places may have come free,
those waiting get them in the order they signed up, each party that fits in what is
left. A new sign-up joins the end of the list and the rule runs, so it takes a
place only if nobody before it fits.
"""

import base64
import datetime
import io
import secrets

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _

from jamportal import mail, pagecache
from jamportal.attendance import selectors
from jamportal.attendance.models import (
    MAX_PARTY,
    JamReport,
    ReportRequest,
    Signup,
    SignupEvent,
    SignupMessage,
    SignupSheet,
)
from jamportal.celery import enqueue
from jamportal.cldr import formats
from jamportal.jams.feeds import calendar_ical
from jamportal.jams.models import Jam
from jamportal.jams.selectors import PUBLIC_VERSION_KEY
from jamportal.text import validate_fields

Status = Signup.Status
Action = SignupEvent.Action

# The organiser's messages to everyone signed up: this many a day, per Jam.
MESSAGES_PER_DAY = 3
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out at the door
CODE_LENGTH = 12
# Reminders: (what, sent once the Jam starts within this, but not within this).
REMINDERS = (
    (Action.REMIND_WEEK, datetime.timedelta(days=7), datetime.timedelta(days=1)),
    (Action.REMIND_DAY, datetime.timedelta(days=1), datetime.timedelta(0)),
)


class SignupsClosed(Exception):
    """The Jam takes no sign-ups now (closed, over, cancelled, or never took any here)."""


class AlreadySignedUp(Exception):
    """This email address has a place or a place on the waiting list for the Jam already:
    its personal link was emailed again (a lost link is found this way too)."""


def signup_token(signup: Signup) -> str:
    """The secret in the sign-up's personal link, made again from its salt whenever an
    email needs it (a reminder a week later). Empty once the sign-up is anonymised."""
    if not signup.token_salt:
        return ""
    digest = salted_hmac("jamportal.attendance.signup", signup.token_salt, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _new_secret(signup: Signup) -> None:
    signup.token_salt = secrets.token_hex(16)
    signup.token_hash = selectors.token_hash(signup_token(signup))


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _check_party(people: int) -> None:
    if people > MAX_PARTY:
        raise ValidationError(
            _("At most %(most)s people can come on one sign-up. For a bigger group, please ask the organiser.")
            % {"most": formats.format_number(MAX_PARTY)},
            code="party",
        )


def _locked_sheet(jam: Jam) -> SignupSheet | None:
    """The Jam's sheet, locked until the transaction ends. The first statement of the
    transaction must be this write: on SQLite it takes the database's write lock before
    anything is read (a read first, then a write, would let two transactions read the
    same free places), on PostgreSQL the row's lock."""
    if not SignupSheet.objects.filter(jam=jam).update(changed_at=timezone.now()):
        return None
    return SignupSheet.objects.get(jam=jam)


def _event(signup: Signup, action: str, *, message=None, note="") -> None:
    event = SignupEvent.objects.create(signup=signup, action=action, message=message, note=note)
    if signup.email:
        enqueue("attendance.send_email", event_id=event.pk)


def _fill_places(sheet: SignupSheet, *, now, quiet=()) -> list[int]:
    """Give the free places to those waiting, in order, each party that fits. Emails
    each (but those in `quiet`, whose caller says it). Returns the ids given a place."""
    free = sheet.capacity - selectors.places_taken(sheet.jam)
    given = []
    if free <= 0:
        return given
    for signup in Signup.objects.filter(jam=sheet.jam, status=Status.WAITING).order_by("created_at", "pk"):
        if signup.people <= free:
            free -= signup.people
            given.append(signup.pk)
            Signup.objects.filter(pk=signup.pk).update(status=Status.PLACE, place_given_at=now)
            if signup.pk not in quiet:
                _event(signup, Action.PROMOTED)
        if free <= 0:
            break
    return given


def sheet_save(jam: Jam, *, capacity: int, is_open: bool = True) -> SignupSheet:
    """Take sign-ups here (or change the capacity, close or open them). More places give
    the waiting list its turn; fewer take no place from anyone who has one."""
    now = timezone.now()
    with transaction.atomic():
        sheet = _locked_sheet(jam)
        if sheet is None:
            sheet = SignupSheet(jam=jam)
        sheet.capacity, sheet.is_open = capacity, is_open
        sheet.full_clean(exclude=["jam"])
        sheet.save()
        _fill_places(sheet, now=now)
        transaction.on_commit(lambda: pagecache.bump(PUBLIC_VERSION_KEY))
    return sheet


def sheet_remove(jam: Jam) -> None:
    """Stop taking sign-ups here altogether (the organiser books elsewhere, or not at
    all). Refused while anyone has a place or waits for one: close sign-ups instead."""
    with transaction.atomic():
        sheet = _locked_sheet(jam)
        if sheet is None:
            return
        active = Signup.objects.filter(jam=jam, status__in=[Status.PLACE, Status.WAITING]).count()
        if active:
            raise ValidationError(
                ngettext(
                    "%(count)s sign-up is on your list: close sign-ups instead, or take it off the list first.",
                    "%(count)s sign-ups are on your list: close sign-ups instead, or take them off the list first.",
                    active,
                )
                % {"count": formats.format_number(active)},
                code="signed-up",
            )
        sheet.delete()
        transaction.on_commit(lambda: pagecache.bump(PUBLIC_VERSION_KEY))


def signup_create(jam: Jam, *, name, email, adults=1, children=0, needs="", first_jam=False, language="en"):
    """A new sign-up: a place if one is free and nobody waiting before fits, else the
    waiting list. Returns (signup, token of its personal link). Raises SignupsClosed,
    AlreadySignedUp (the address's link emailed again) or ValidationError."""
    now = timezone.now()
    signup = Signup(
        jam=jam,
        name=name,
        email=email,
        adults=adults,
        children=children,
        needs=needs,
        first_jam=first_jam,
        language=language,
        status=Status.WAITING,
        checkin_code=_new_code(),
    )
    _new_secret(signup)
    signup.full_clean(exclude=["jam", "token_hash", "checkin_code"])
    _check_party(signup.people)
    with transaction.atomic():
        sheet = _locked_sheet(jam)
        if not selectors.takes_signups(jam, sheet, now=now):
            raise SignupsClosed
        if signup.people > sheet.capacity:
            raise ValidationError(
                ngettext(
                    "This Jam has %(capacity)s place in all.",
                    "This Jam has %(capacity)s places in all.",
                    sheet.capacity,
                )
                % {"capacity": formats.format_number(sheet.capacity)},
                code="capacity",
            )
        same = Signup.objects.filter(jam=jam, email__iexact=email, status__in=[Status.PLACE, Status.WAITING]).first()
        if same is not None:
            _event(same, Action.LINK)
        else:
            signup.save()
            got_place = signup.pk in _fill_places(sheet, now=now, quiet={signup.pk})
            if got_place:
                signup.status, signup.place_given_at = Status.PLACE, now
            _event(signup, Action.PLACE if got_place else Action.WAITING)
    if same is not None:  # (raised once the email's event is committed)
        raise AlreadySignedUp
    return signup, signup_token(signup)


class PlacesShort(ValidationError):
    pass


def signup_change(signup: Signup, *, name, adults, children, needs, first_jam) -> Signup:
    """The attendee changes their sign-up. More people than the places left: refused
    (PlacesShort says how many may come); fewer: the places go to those waiting."""
    now = timezone.now()
    validate_fields(Signup, {"name": name, "adults": adults, "children": children, "needs": needs})
    _check_party(adults + children)
    with transaction.atomic():
        sheet = _locked_sheet(signup.jam)
        signup.refresh_from_db()
        # (issue 22 fixes: a sign-up for a cancelled Jam, or a cancelled date, stays as it was too)
        if signup.status == Status.CANCELLED or signup.jam.status == Jam.Status.CANCELLED:
            raise SignupsClosed
        grows_by = adults + children - signup.people
        if signup.status == Status.PLACE and grows_by > 0 and sheet is not None:
            free = sheet.capacity - selectors.places_taken(signup.jam)
            if grows_by > free:
                most = signup.people + max(free, 0)
                raise PlacesShort(
                    ngettext(
                        "Only %(most)s person can come on this sign-up: the Jam has no more places.",
                        "Only %(most)s people can come on this sign-up: the Jam has no more places.",
                        most,
                    )
                    % {"most": formats.format_number(most)},
                    code="places",
                )
        signup.name, signup.adults, signup.children = name, adults, children
        signup.needs, signup.first_jam = needs, first_jam
        signup.full_clean(exclude=["jam", "token_hash", "checkin_code"])
        signup.save()
        if sheet is not None:
            _fill_places(sheet, now=now)
    return signup


def signup_cancel(signup: Signup, *, by_organiser=False) -> None:
    """Give up the place (or the place in the waiting list); the next who fit get it.
    The attendee is emailed: "cancelled" when they did it, "removed" when the organiser did."""
    now = timezone.now()
    with transaction.atomic():
        sheet = _locked_sheet(signup.jam)
        if (
            not Signup.objects.filter(pk=signup.pk)
            .exclude(status=Status.CANCELLED)
            .update(status=Status.CANCELLED, cancelled_at=now)
        ):
            return
        signup.status, signup.cancelled_at = Status.CANCELLED, now
        _event(signup, Action.REMOVED if by_organiser else Action.CANCELLED)
        if sheet is not None:
            _fill_places(sheet, now=now)


def signup_delete(signup: Signup) -> None:
    """Forget the sign-up entirely (the attendee asked, or the organiser removes a fake
    entry): nobody is emailed about it; its place goes to those waiting."""
    now = timezone.now()
    with transaction.atomic():
        sheet = _locked_sheet(signup.jam)
        Signup.objects.filter(pk=signup.pk).delete()
        if sheet is not None:
            _fill_places(sheet, now=now)


def signup_give_place(signup: Signup) -> None:
    """The organiser gives someone waiting a place, even past the capacity (a helper,
    a family they know): their decision, shown as such in the list's figures."""
    now = timezone.now()
    with transaction.atomic():
        _locked_sheet(signup.jam)
        if Signup.objects.filter(pk=signup.pk, status=Status.WAITING).update(status=Status.PLACE, place_given_at=now):
            signup.status = Status.PLACE
            _event(signup, Action.PROMOTED)


class NotThisJams(Exception):
    """The door phone's id for a walk-in belongs to another Jam's walk-in."""


def walk_in_add(jam: Jam, *, name, adults=1, children=0, client_id=None, at=None) -> Signup:
    """Someone who came without signing up, checked in at the door. With the door
    phone's `client_id`, added once however many times the phone sends it; an id that
    another Jam's walk-in has (a forged or broken phone) raises NotThisJams."""
    at = at or timezone.now()
    signup = Signup(
        jam=jam,
        name=name,
        adults=adults,
        children=children,
        status=Status.PLACE,
        walk_in=True,
        place_given_at=at,
        checked_in_at=at,
        client_id=client_id,
        checkin_code=_new_code(),
    )
    signup.full_clean(exclude=["jam", "token_hash", "checkin_code", "client_id"])
    with transaction.atomic():
        _locked_sheet(jam)
        found = client_id is not None and Signup.objects.filter(client_id=client_id).first()
        if found:
            if found.jam_id != jam.pk:
                raise NotThisJams
            return found
        signup.save()
    return signup


def check_in(signup: Signup, *, at=None) -> bool:
    """Mark the party as arrived. The first check-in counts; the same person scanned
    again (or sent again by a phone that was offline) changes nothing. Returns whether
    this call checked them in."""
    at = at or timezone.now()
    return bool(Signup.objects.filter(pk=signup.pk, checked_in_at__isnull=True).update(checked_in_at=at))


def message_send(jam: Jam, *, subject: str, body: str, now=None) -> SignupMessage:
    """Email everyone with a place or waiting, through the portal (nobody sees another's
    address). ValidationError with nobody to send it to, or past MESSAGES_PER_DAY a day."""
    now = now or timezone.now()
    validate_fields(SignupMessage, {"subject": subject, "body": body})
    with transaction.atomic():
        _locked_sheet(jam)
        recipients = list(selectors.message_recipient_signups(jam))
        if not recipients:
            raise ValidationError(_("Nobody has signed up yet, so there is nobody to send it to."), code="nobody")
        if selectors.messages_sent_in_a_day(jam, now=now) >= MESSAGES_PER_DAY:
            raise ValidationError(
                ngettext(
                    "You can send %(count)s message a day. Please try again tomorrow.",
                    "You can send %(count)s messages a day. Please try again tomorrow.",
                    MESSAGES_PER_DAY,
                )
                % {"count": formats.format_number(MESSAGES_PER_DAY)},
                code="messages-per-day",
            )
        message = SignupMessage.objects.create(jam=jam, subject=subject, body=body, recipients=len(recipients))
        for signup in recipients:
            _event(signup, Action.MESSAGE, message=message)
    return message


def signups_jam_cancelled(sender=None, *, jam: Jam, reason: str = "", **_signal) -> int:
    """The Jam is cancelled (in its transaction, from jams.signals): sign-ups close and
    everyone with a place or waiting is told, with the organiser's reason."""
    SignupSheet.objects.filter(jam=jam).update(is_open=False, changed_at=timezone.now())
    told = 0
    for signup in Signup.objects.filter(jam=jam, status__in=[Status.PLACE, Status.WAITING]).exclude(email=""):
        _event(signup, Action.JAM_CANCELLED, note=reason)
        told += 1
    return told


def signups_jam_removed(jam: Jam) -> int:
    """The Jam is about to be deleted, its sign-ups with it (its organiser closed their
    account and took it down): everyone with a place or waiting for one at a Jam still
    to come is told it is cancelled. The emails are drawn now, while the sign-ups still
    exist, and sent once the deletion commits."""
    if jam.end <= timezone.now():
        return 0
    messages = []
    for signup in Signup.objects.filter(jam=jam, status__in=[Status.PLACE, Status.WAITING]).exclude(email=""):
        with translation.override(signup.language):
            context = {"signup": signup, "jam": jam, "event": None, "site_url": settings.SITE_URL}
            subject = render_to_string("attendance/emails/jam-cancelled_subject.txt", context)
            body = render_to_string("attendance/emails/jam-cancelled.txt", context)
        messages.append({"to": signup.email, "subject": " ".join(subject.split()), "body": body})
    if messages:
        enqueue("attendance.send_jam_removed", messages=messages)
    return len(messages)


def send_drawn(messages: list[dict]) -> None:
    for message in messages:
        EmailMessage(message["subject"], message["body"], None, [message["to"]]).send()


def signups_remind(*, now=None) -> int:
    """A week and a day before the Jam, remind everyone with a place, with a link to give
    it up (periodic). Each reminder goes once. Returns how many were queued."""
    now = now or timezone.now()
    queued = 0
    for action, within, beyond in REMINDERS:
        due = Signup.objects.filter(
            status=Status.PLACE,
            jam__status=Jam.Status.APPROVED,
            jam__start__gt=now + beyond,
            jam__start__lte=now + within,
        ).exclude(email="")
        for signup in due.exclude(events__action=action).select_related("jam"):
            with transaction.atomic():
                _event(signup, action)
            queued += 1
    return queued


def signups_anonymise(*, now=None) -> int:
    """Forget who came to Jams that ended ATTENDEE_DATA_DAYS ago: names, addresses, needs
    and personal links go; the figures (how many, under-18s, checked in) stay."""
    now = now or timezone.now()
    ended_before = now - datetime.timedelta(days=settings.ATTENDEE_DATA_DAYS)
    old = Signup.objects.filter(jam__end__lt=ended_before, anonymised_at__isnull=True)
    SignupEvent.objects.filter(signup__in=old).delete()
    return old.update(name="", email="", needs="", token_salt="", token_hash=None, anonymised_at=now)


# The report ------------------------------------------------------------------------

REPORT_NUMBERS = ("signed_up", "checked_in", "walk_ins", "under_18s", "photos_taken")


class ReportNotDue(Exception):
    """The Jam has not ended (or never took place: not approved, cancelled)."""


def jam_report_due(jam: Jam, *, now=None) -> bool:
    return jam.status == Jam.Status.APPROVED and jam.end <= (now or timezone.now())


def jam_report_save(jam: Jam, *, what_happened="", highlight=None, now=None, **numbers) -> JamReport:
    """Write (or correct) the Jam's report. The highlight must be one of the Jam's public
    photos (ValidationError otherwise, as for numbers out of range); ReportNotDue before
    the Jam has ended."""
    if not jam_report_due(jam, now=now):
        raise ReportNotDue
    if highlight is not None and not selectors.jam_report_photos(jam).filter(pk=highlight.pk).exists():
        raise ValidationError({"highlight": gettext("Please choose one of this Jam's photos.")}, code="highlight")
    report = JamReport.objects.filter(jam=jam).first() or JamReport(jam=jam)
    for name in REPORT_NUMBERS:
        setattr(report, name, numbers[name])
    report.what_happened, report.highlight = what_happened, highlight
    report.full_clean(exclude=["jam"])
    report.save()
    return report


# The organiser is asked for the report once the Jam has been over this long (the day
# after), and no more once it has been over REPORT_ASK_UNTIL (a beat that was down for
# days does not send a week-old Jam's request).
REPORT_ASK_AFTER = datetime.timedelta(hours=12)
REPORT_ASK_UNTIL = datetime.timedelta(days=4)


def reports_request(*, now=None) -> int:
    """Ask the organisers of Jams that ended yesterday for their report (periodic): once
    per Jam, only where there is none yet. Returns how many were queued."""
    now = now or timezone.now()
    due = Jam.objects.filter(
        status=Jam.Status.APPROVED,
        organiser__isnull=False,
        end__lte=now - REPORT_ASK_AFTER,
        end__gt=now - REPORT_ASK_UNTIL,
        report__isnull=True,
        report_request__isnull=True,
    )
    queued = 0
    for jam in due.order_by("end"):
        with transaction.atomic():
            request, created = ReportRequest.objects.get_or_create(jam=jam)
            if created:
                enqueue("attendance.send_report_request", request_id=request.pk)
                queued += 1
    return queued


def report_request_deliver(*, request_id: int) -> bool:
    return mail.event_deliver(ReportRequest.objects.select_related("jam__organiser"), request_id, send=_send_request)


def _send_request(request: ReportRequest) -> None:
    jam, organiser = request.jam, request.jam.organiser
    if organiser is None or JamReport.objects.filter(jam=jam).exists():  # written meanwhile
        return
    with translation.override(organiser.language):
        context = {
            "jam": jam,
            "report_url": settings.SITE_URL + reverse("attendance:jam-report", args=[jam.slug]),
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string("attendance/emails/report_request_subject.txt", context)
        body = render_to_string("attendance/emails/report_request.txt", context)
    mail.message(request, organiser, subject=subject, body=body).send()


# Emails ----------------------------------------------------------------------------


def signup_event_deliver(*, event_id: int) -> bool:
    events = SignupEvent.objects.select_related("signup__jam", "message")
    return mail.event_deliver(events, event_id, send=_send)


def place_qr_svg(signup: Signup) -> str:
    """The place's QR code as an inline SVG (black on white: scanners want contrast). A
    full QR code, never a Micro QR (which segno.make picks for short data): phones'
    cameras and the check-in page's decoder read only full ones."""
    return segno.make_qr(signup.checkin_code, error="m").svg_inline(scale=6, border=4, dark="#000", light="#fff")


def place_qr_png(signup: Signup) -> bytes:
    buffer = io.BytesIO()
    segno.make_qr(signup.checkin_code, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def _send(event: SignupEvent) -> None:
    signup, jam = event.signup, event.signup.jam
    if not signup.email:
        return
    with translation.override(signup.language):
        token = signup_token(signup)
        context = {
            "signup": signup,
            "jam": jam,
            "event": event,
            "message": event.message,
            "jam_url": settings.SITE_URL + jam.get_absolute_url(),
            "mine_url": token and settings.SITE_URL + reverse("attendance:mine", args=[token]),
            "cancel_url": token and settings.SITE_URL + reverse("attendance:cancel", args=[token]),
            "site_url": settings.SITE_URL,
        }
        if event.action == Action.JAM_CANCELLED:
            context.update(_cancelled_date_context(jam))
        subject = render_to_string(f"attendance/emails/{event.action}_subject.txt", context)
        body = render_to_string(f"attendance/emails/{event.action}.txt", context)
    email = mail.message(event, signup, subject=subject, body=body)
    if event.action in (Action.PLACE, Action.PROMOTED, Action.REMIND_WEEK, Action.REMIND_DAY):
        email.attach("jam.ics", calendar_ical([jam], name=jam.title), "text/calendar")
        email.attach("place-qr.png", place_qr_png(signup), "image/png")
    email.send()


# --- series ---


def signups_jam_moved(sender=None, *, jam: Jam, old_start, old_end, **_signal) -> int:
    """The Jam moved to another day or time (in its transaction, from jams.signals: a date
    of a repeating Jam moved, or any Jam's times changed): everyone with a place or
    waiting is emailed the new and the old times, in their language, with their link to
    give up their place. The emails are drawn now and sent once the change commits."""
    messages = []
    signups = Signup.objects.filter(jam=jam, status__in=[Status.PLACE, Status.WAITING]).exclude(email="")
    for signup in signups:
        with translation.override(signup.language):
            token = signup_token(signup)
            context = {
                "signup": signup,
                "jam": jam,
                "old_when": formats.format_datetime_range(old_start.astimezone(jam.tz), old_end.astimezone(jam.tz)),
                "new_when": formats.format_datetime_range(jam.local_start, jam.local_end),
                "jam_url": settings.SITE_URL + jam.get_absolute_url(),
                "mine_url": token and settings.SITE_URL + reverse("attendance:mine", args=[token]),
                "cancel_url": token and settings.SITE_URL + reverse("attendance:cancel", args=[token]),
                "site_url": settings.SITE_URL,
            }
            subject = render_to_string("attendance/emails/jam-moved_subject.txt", context)
            body = render_to_string("attendance/emails/jam-moved.txt", context)
        messages.append({"to": signup.email, "subject": " ".join(subject.split()), "body": body})
    if messages:
        enqueue("attendance.send_jam_moved", messages=messages)
    return len(messages)


def sheets_series_dates_made(sender=None, *, series, dates, **_signal) -> int:
    """New dates of a repeating Jam take sign-ups here, open, with as many places as its
    latest date that took them (in their transaction, from jams.signals); none where no
    date of the series took sign-ups here. How many sheets were made."""
    model = SignupSheet.objects.filter(jam__series=series).exclude(jam__in=dates).order_by("-jam__occurrence_start")
    latest = model.first()
    if latest is None:
        return 0
    SignupSheet.objects.bulk_create(SignupSheet(jam=date, capacity=latest.capacity, is_open=True) for date in dates)
    transaction.on_commit(lambda: pagecache.bump(PUBLIC_VERSION_KEY))
    return len(dates)


# --- issue 22 fixes: a cancelled date is one date ---


def _cancelled_date_context(jam: Jam) -> dict:
    """For the email that a Jam is cancelled, in the recipient's language (translation is
    overridden): the link to find another Jam in their language and, for one date of a
    repeating Jam, that date (on the venue's clock) and the date that comes next, or the
    series' page when none is left."""
    context = {"find_url": settings.SITE_URL + reverse("jams:home")}
    if jam.series_id is None or jam.series.status == Jam.Status.CANCELLED:
        return context  # (a whole repeating Jam cancelled: as any Jam)
    later = Jam.objects.filter(
        series_id=jam.series_id, status=Jam.Status.APPROVED, start__gt=max(jam.start, timezone.now())
    ).order_by("start")
    following = later.first()
    context.update(
        date_when=formats.format_date(jam.local_start.date()),
        next_date=following,
        next_when=following and formats.format_datetime_range(following.local_start, following.local_end),
        next_url=following and settings.SITE_URL + following.get_absolute_url(),
        series_url=settings.SITE_URL + reverse("jams:series", kwargs={"pk": jam.series_id}),
    )
    return context
