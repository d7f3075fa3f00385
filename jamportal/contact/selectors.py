"""Reads of contact: who a Jam's messages go to, whether it takes messages now, and
the message a report link names."""

import datetime
import hashlib

from django.http import Http404
from django.utils import timezone

from jamportal.contact.models import ContactBlock, ContactMessage
from jamportal.jams import selectors as jam_selectors
from jamportal.jams.models import Jam, JamMember

# After its end a Jam takes messages for this long: a question about something left
# behind, the photos, the next Jam.
DAYS_AFTER_END = 30


def contact_recipients(jam: Jam) -> list:
    """The accounts a message to the Jam's organisers is emailed to, each in its own
    language (`user.email`, `user.language`): its organiser and co-organisers (helpers
    run the door and the booth, not the questions); none once the organiser deleted
    their account. The one place that says who the organisers are for contact."""
    if not (jam.organiser_id and jam.organiser.email):
        return []
    co_organisers = jam_selectors.team_members(jam).filter(role=JamMember.Role.CO_ORGANISER)
    return [jam.organiser, *(member.user for member in co_organisers if member.user.email)]


def takes_messages(jam: Jam, *, now=None) -> bool:
    """Public Jams take messages (a cancelled one too: "when is the next one?") until
    DAYS_AFTER_END days after their end. Drafts and Jams waiting for review take none."""
    now = now or timezone.now()
    return jam.is_public and now <= jam.end + datetime.timedelta(days=DAYS_AFTER_END)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def email_hash(email: str) -> str:
    """A sender's address as the block list and the rate limits keep it."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def sender_is_blocked(jam: Jam, email: str) -> bool:
    return ContactBlock.objects.filter(jam=jam, email_hash=email_hash(email)).exists()


def message_for_report_token_or_404(token: str) -> ContactMessage:
    """The message whose report link holds `token` (looked up by the token's hash)."""
    if not token or len(token) > 100:
        raise Http404
    message = ContactMessage.objects.select_related("jam").filter(report_hash=token_hash(token)).first()
    if message is None:
        raise Http404
    return message
