"""Messages from visitors to a Jam's organisers, relayed by email without showing the
organisers' addresses; and the senders an organiser reported, who may no longer write
to that Jam.

A message is kept only as long as the organiser might report it (CONTACT_MESSAGE_DAYS):
the organiser has it in their inbox. A reported one stays for staff to look at.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jamportal.cldr import formats
from jamportal.jams.models import Jam
from jamportal.text import validate_multiline, validate_single_line, visible_length

MAX_BODY = 3000
MIN_BODY = 10  # "hi" tells the organiser nothing they could answer


def validate_body_length(text: str) -> None:
    """Between MIN_BODY and MAX_BODY characters, said with the language's digits; only
    what a reader sees counts towards the least (twelve zero-width spaces are no message)."""
    length = len(text.strip())
    if visible_length(text) < MIN_BODY:
        raise ValidationError(
            gettext("Please write a little more, so that the organisers can answer: at least %(least)s characters.")
            % {"least": formats.format_number(MIN_BODY)},
            code="too_short",
        )
    if length > MAX_BODY:
        raise ValidationError(
            gettext("Please shorten your message to at most %(most)s characters (it has %(length)s).")
            % {"most": formats.format_number(MAX_BODY), "length": formats.format_number(length)},
            code="too_long",
        )


class ContactMessage(models.Model):
    """One message to a Jam's organisers. `report_hash` is the SHA-256 of the secret in
    the organisers' "report this message" link, made again from `report_salt` whenever
    the email is sent (services.report_token); the secret itself is never stored."""

    jam = models.ForeignKey(Jam, on_delete=models.CASCADE, related_name="contact_messages", verbose_name=_("Jam"))
    sender_name = models.CharField(_("your name"), max_length=100, validators=[validate_single_line])
    sender_email = models.EmailField(_("your email address"))
    body = models.TextField(
        _("your message"),
        validators=[validate_body_length, validate_multiline],
    )
    language = models.CharField(_("language"), max_length=16)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    report_salt = models.CharField(max_length=32, editable=False)
    report_hash = models.CharField(max_length=64, unique=True, editable=False)
    reported_at = models.DateTimeField(_("reported as abuse"), null=True, blank=True)
    # The email's delivery (jamportal/mail.py).
    notified_at = models.DateTimeField(null=True, blank=True)
    notify_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message to organisers")
        verbose_name_plural = _("messages to organisers")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["reported_at", "created_at"], name="contact_reported_created")]

    def __str__(self):
        return f"{self.sender_name} → {self.jam}"


class ContactBlock(models.Model):
    """A sender an organiser reported: messages from this email address (kept as the
    SHA-256 of its lower-case form) to this Jam are no longer relayed."""

    jam = models.ForeignKey(Jam, on_delete=models.CASCADE, related_name="contact_blocks", verbose_name=_("Jam"))
    email_hash = models.CharField(max_length=64)
    message = models.ForeignKey(
        ContactMessage, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("reported message")
    )
    created_at = models.DateTimeField(_("blocked"), auto_now_add=True)

    class Meta:
        verbose_name = _("blocked sender")
        verbose_name_plural = _("blocked senders")
        constraints = [models.UniqueConstraint(fields=["jam", "email_hash"], name="contact_block_once")]

    def __str__(self):
        return str(self.message) if self.message else str(self.jam)
