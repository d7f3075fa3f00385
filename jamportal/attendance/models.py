"""Who comes to a Jam: the places people sign up for, the waiting list, check-in at
the door, and the emails each of those calls for.

A Jam takes sign-ups on JamPortal when it has a SignupSheet (its capacity, in
people); otherwise its page links to the organiser's own booking page, if any.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jamportal.jams.models import Jam
from jamportal.text import validate_multiline, validate_single_line

MAX_PARTY = 10  # people on one sign-up (a family); a bigger group writes to the organiser
MAX_CAPACITY = 10_000
MAX_NEEDS = 1000


class SignupSheet(models.Model):
    """A Jam taking sign-ups here. Its row is also the lock every change to the Jam's
    places takes first (services._locked_sheet), so places are given one at a time."""

    jam = models.OneToOneField(Jam, on_delete=models.CASCADE, related_name="signup_sheet", verbose_name=_("Jam"))
    capacity = models.PositiveIntegerField(
        _("places (people)"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
        help_text=_(
            "How many people the venue holds, children included. When it is full, sign-ups join a waiting list."
        ),
    )
    is_open = models.BooleanField(_("taking sign-ups"), default=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("sign-up sheet")
        verbose_name_plural = _("sign-up sheets")

    def __str__(self):
        return str(self.jam)


class Signup(models.Model):
    """One party coming to a Jam: a place, a place on the waiting list, or one given up.
    A walk-in is added at the door. `token_hash` is the SHA-256 of the secret in the
    attendee's personal link (never stored itself); `checkin_code` is what their QR
    code says, known to the organiser's check-in page."""

    class Status(models.TextChoices):
        PLACE = "place", pgettext_lazy("sign-up status", "Has a place")
        WAITING = "waiting", pgettext_lazy("sign-up status", "On the waiting list")
        CANCELLED = "cancelled", pgettext_lazy("sign-up status", "Cancelled")

    jam = models.ForeignKey(Jam, on_delete=models.CASCADE, related_name="signups", verbose_name=_("Jam"))
    name = models.CharField(_("your name"), max_length=100, validators=[validate_single_line])
    email = models.EmailField(_("email address"), blank=True)
    adults = models.PositiveSmallIntegerField(_("adults"), default=1, validators=[MaxValueValidator(MAX_PARTY)])
    children = models.PositiveSmallIntegerField(_("under-18s"), default=0, validators=[MaxValueValidator(MAX_PARTY)])
    needs = models.TextField(
        _("anything the organiser should know"),
        blank=True,
        max_length=MAX_NEEDS,
        validators=[validate_multiline, MaxLengthValidator(MAX_NEEDS)],
        help_text=_("Access needs, for example. Only the organiser sees it."),
    )
    first_jam = models.BooleanField(_("this is my first Jam"), default=False)
    language = models.CharField(max_length=16, default="en")  # of the emails
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.PLACE)
    walk_in = models.BooleanField(_("walk-in"), default=False)
    # The personal link's secret is made from `token_salt` and the site's SECRET_KEY
    # (services.signup_token), so that reminders can carry it; the database keeps only
    # its SHA-256 (to find the sign-up by its link) and the salt, never the secret.
    token_salt = models.CharField(max_length=32, blank=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    checkin_code = models.CharField(max_length=16, unique=True, editable=False)
    created_at = models.DateTimeField(_("signed up"), auto_now_add=True)
    place_given_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in"), null=True, blank=True)
    # A walk-in added by the door's phone carries the id the phone gave it: sent twice
    # (the network came back, the page retried), it is added once.
    client_id = models.UUIDField(unique=True, null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        indexes = [models.Index(fields=["jam", "status", "created_at"], name="signup_jam_status_created")]
        constraints = [
            models.CheckConstraint(condition=Q(adults__gte=0, children__gte=0), name="signup_people_positive"),
            models.CheckConstraint(
                condition=Q(adults__gte=1) | Q(children__gte=1) | Q(anonymised_at__isnull=False),
                name="signup_someone_comes",
            ),
        ]

    def __str__(self):
        return self.name or f"#{self.pk}"

    @property
    def people(self) -> int:
        return self.adults + self.children


class SignupMessage(models.Model):
    """A message the organiser sent to everyone signed up, through the portal."""

    jam = models.ForeignKey(Jam, on_delete=models.CASCADE, related_name="signup_messages")
    subject = models.CharField(_("subject"), max_length=150, validators=[validate_single_line])
    body = models.TextField(_("message"), max_length=5000, validators=[validate_multiline, MaxLengthValidator(5000)])
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self):
        return self.subject


class SignupEvent(models.Model):
    """Something that happened to a sign-up that its attendee is emailed about; each
    email goes once (jamportal/mail.py)."""

    class Action(models.TextChoices):
        PLACE = "place", _("Place given")
        WAITING = "waiting", _("Joined the waiting list")
        PROMOTED = "promoted", _("Moved from the waiting list to a place")
        LINK = "link", _("Personal link sent again")
        CANCELLED = "cancelled", _("Cancelled")
        REMOVED = "removed", _("Taken off the list by the organiser")
        REMIND_WEEK = "remind-week", _("Reminded a week before")
        REMIND_DAY = "remind-day", _("Reminded a day before")
        MESSAGE = "message", _("Message from the organiser")
        JAM_CANCELLED = "jam-cancelled", _("The Jam was cancelled")

    signup = models.ForeignKey(Signup, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=Action)
    message = models.ForeignKey(SignupMessage, on_delete=models.CASCADE, null=True, blank=True)
    note = models.TextField(blank=True)  # the organiser's reason, when the Jam was cancelled
    created_at = models.DateTimeField(auto_now_add=True)
    notify_claimed_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.get_action_display()}: {self.signup}"


# The report ------------------------------------------------------------------------

MAX_REPORTED = 100_000  # people at one Jam, as typed: far above any venue


class JamReport(models.Model):
    """The organiser's account of a Jam once it is over: the numbers (prefilled from the
    sign-ups, check-ins and booth photos, corrected by them where they counted better)
    and what happened, with a highlight photo from the booth. One per Jam. Where a Jam
    has one, the campaign report counts its numbers rather than the sign-up rows."""

    jam = models.OneToOneField(Jam, on_delete=models.CASCADE, related_name="report", verbose_name=_("Jam"))
    signed_up = models.PositiveIntegerField(_("people signed up"), validators=[MaxValueValidator(MAX_REPORTED)])
    checked_in = models.PositiveIntegerField(_("people who came"), validators=[MaxValueValidator(MAX_REPORTED)])
    walk_ins = models.PositiveIntegerField(_("walk-ins"), validators=[MaxValueValidator(MAX_REPORTED)])
    under_18s = models.PositiveIntegerField(_("people under 18"), validators=[MaxValueValidator(MAX_REPORTED)])
    photos_taken = models.PositiveIntegerField(_("booth photos taken"), validators=[MaxValueValidator(MAX_REPORTED)])
    what_happened = models.TextField(
        _("what happened"),
        blank=True,
        max_length=5000,
        validators=[validate_multiline, MaxLengthValidator(5000)],
    )
    highlight = models.ForeignKey(
        "feed.Photo",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("highlight photo"),
    )
    submitted_at = models.DateTimeField(_("sent"), auto_now_add=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Jam report")
        verbose_name_plural = _("Jam reports")
        permissions = [("view_campaign_report", _("Can see campaign reports"))]

    def __str__(self):
        return str(self.jam)

    def clean(self):
        """The numbers must agree: walk-ins and under-18s are among those who came."""
        errors = {}
        if self.walk_ins is not None and self.checked_in is not None and self.walk_ins > self.checked_in:
            errors["walk_ins"] = _("Walk-ins are among those who came: at most as many as came.")
        if self.under_18s is not None and self.checked_in is not None and self.under_18s > self.checked_in:
            errors["under_18s"] = _("Under-18s are among those who came: at most as many as came.")
        if errors:
            raise ValidationError(errors)


class ReportRequest(models.Model):
    """The email asking a Jam's organiser for its report, the day after the Jam: one per
    Jam, sent at most once (jamportal/mail.py)."""

    jam = models.OneToOneField(Jam, on_delete=models.CASCADE, related_name="report_request")
    created_at = models.DateTimeField(auto_now_add=True)
    notify_claimed_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return str(self.jam)
