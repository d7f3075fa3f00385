"""Writes of contact: a visitor's message relayed to a Jam's organisers, its report as
abuse, and forgetting messages nobody reported.

The organisers' addresses never reach the sender: the message is emailed to each
organiser alone, with Reply-To the sender's address, so the organiser decides
whether to answer (and so show their address). The sender sees only a page thanking
them; no copy is emailed to the address they typed (anyone could type anyone's, and
a copy would carry their text to a stranger).
"""

import base64
import datetime
import logging
import secrets

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac

from jamportal import mail
from jamportal.celery import enqueue
from jamportal.cldr import names
from jamportal.contact import selectors
from jamportal.contact.models import ContactBlock, ContactMessage
from jamportal.jams.models import Jam

logger = logging.getLogger(__name__)


class ContactClosed(Exception):
    """The Jam takes no messages now (not public, long over, or nobody to send to)."""


class SenderBlocked(Exception):
    """The Jam's organisers reported a message from this address: nothing is relayed."""


def report_token(message: ContactMessage) -> str:
    """The secret in the message's "report" link, made again from its salt when the
    email is drawn (in the worker, after the request that made it)."""
    digest = salted_hmac("jamportal.contact.report", message.report_salt, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def message_send(jam: Jam, *, sender_name: str, sender_email: str, body: str, language: str) -> ContactMessage:
    """Keep the message and email it to the Jam's organisers once it commits.
    Raises ContactClosed, SenderBlocked, or ValidationError (the model's rules)."""
    if not selectors.takes_messages(jam) or not selectors.contact_recipients(jam):
        raise ContactClosed
    if selectors.sender_is_blocked(jam, sender_email):
        raise SenderBlocked
    message = ContactMessage(
        jam=jam,
        sender_name=sender_name.strip(),
        sender_email=sender_email.strip(),
        body=body.strip(),
        language=language,
        report_salt=secrets.token_hex(16),
    )
    message.report_hash = selectors.token_hash(report_token(message))
    message.full_clean(exclude=["jam"])
    with transaction.atomic():
        message.save()
        enqueue("contact.send_message", message_id=message.pk)
    return message


def message_report(message: ContactMessage) -> bool:
    """An organiser reports the message as abuse: staff see it (admin, "reported"), and
    its sender's address may no longer write to the Jam. Returns False if it was
    reported already (the link clicked twice)."""
    with transaction.atomic():
        marked = ContactMessage.objects.filter(pk=message.pk, reported_at__isnull=True).update(
            reported_at=timezone.now()
        )
        ContactBlock.objects.get_or_create(
            jam_id=message.jam_id,
            email_hash=selectors.email_hash(message.sender_email),
            defaults={"message": message},
        )
    if marked:
        logger.info("Contact message %s to Jam %s reported as abuse", message.pk, message.jam_id)
    return bool(marked)


def messages_forget(*, now=None) -> int:
    """Delete the messages nobody reported, CONTACT_MESSAGE_DAYS after they were sent.
    Returns how many."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=settings.CONTACT_MESSAGE_DAYS)
    deleted, _by_model = ContactMessage.objects.filter(reported_at__isnull=True, created_at__lt=cutoff).delete()
    return deleted


# Emails ----------------------------------------------------------------------------


def message_deliver(*, message_id: int) -> bool:
    """The message emailed to each organiser, at most once (jamportal/mail.py)."""
    return mail.event_deliver(ContactMessage.objects.select_related("jam__organiser"), message_id, send=_send)


def isolated_lines(text: str) -> str:
    """Each line of a sender's text in its own direction (Unicode's isolates, FSI ...
    PDI), so that an Arabic line in an English email, or the reverse, keeps its order."""
    return "\n".join(f"\u2068{line}\u2069" if line.strip() else line for line in text.splitlines())


def _send(message: ContactMessage) -> None:
    jam = message.jam
    token = report_token(message)
    for organiser in selectors.contact_recipients(jam):
        with translation.override(organiser.language):
            context = {
                "jam": jam,
                "message": message,
                "title": f"\u2068{jam.title}\u2069",
                "sender_name": f"\u2068{message.sender_name}\u2069",
                "sender_email": f"\u2068{message.sender_email}\u2069",
                "body": isolated_lines(message.body),
                "sender_language": names.language_name(message.language),
                "jam_url": settings.SITE_URL + jam.get_absolute_url(),
                "report_url": settings.SITE_URL + reverse("contact:report", args=[token]),
                "site_url": settings.SITE_URL,
            }
            subject = render_to_string("contact/emails/message_subject.txt", context)
            body = render_to_string("contact/emails/message.txt", context)
        email = mail.message(message, organiser, subject=subject, body=body)
        email.reply_to = [message.sender_email]
        email.send()
