"""How the emails an event calls for are delivered: one policy for a Jam's
JamEvent and a kit's KitRequestEvent (any model with `notified_at` and
`notify_claimed_at`).

The guarantee, exactly:

- Two deliveries of one event never both send: a delivery first claims the event
  with one conditional UPDATE (not sent, and not claimed, or claimed longer than
  LEASE ago), and only the delivery that claimed it sends. A rerun of the task, a
  second worker or a redelivered message finds it sent or claimed, logs it and
  does nothing.
- Each email has a Message-ID made from the event and the recipient, the same on
  every attempt.
- Sending raises (the mail server refused, the soft time limit): the claim is
  given back and the task tries again later, and those emails have the same
  Message-IDs as any that went out before the error.
- A worker dies between handing the emails to the mail server and marking the
  event sent: its claim stays until LEASE has passed; the message, never
  acknowledged (CELERY_TASK_ACKS_LATE), is delivered again by the broker (Redis:
  after its visibility timeout, an hour by default), and that delivery sends
  again with the same Message-IDs, which mail clients that
  de-duplicate on Message-ID show once. This is the only way a recipient gets an
  email twice: at least once, and exactly once unless a worker dies in that gap.
"""

import datetime
import logging
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Q, QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)

# Longer than any email task may run (its time limit, TASK_OPTIONS below): a claim this
# old was left by a worker that died.
LEASE = datetime.timedelta(minutes=10)

# The Celery options of every task that sends an event's emails: rendering one
# message and handing it to the mail server takes seconds; retried while the mail
# server cannot be reached (smtplib's errors are OSErrors).
TASK_OPTIONS = {
    "time_limit": 120,
    "soft_time_limit": 90,
    "autoretry_for": (OSError,),
    "retry_backoff": 60,
    "max_retries": 5,
}


def event_deliver(events: QuerySet, event_id: int, *, send: Callable) -> bool:
    """Claim the event `event_id` of `events`, `send(event)` its emails, mark it
    sent. Returns whether this call sent them (see the module's guarantee)."""
    model = events.model
    claimed_at = timezone.now()
    claimable = Q(notify_claimed_at__isnull=True) | Q(notify_claimed_at__lt=claimed_at - LEASE)
    claimed = model.objects.filter(claimable, pk=event_id, notified_at__isnull=True).update(
        notify_claimed_at=claimed_at
    )
    if not claimed:
        _log_unclaimed(model, event_id)
        return False
    event = events.get(pk=event_id)
    try:
        send(event)
    except Exception:
        # Give the claim back, so that the task's retry (or another worker) may send.
        model.objects.filter(pk=event_id, notify_claimed_at=claimed_at).update(notify_claimed_at=None)
        raise
    model.objects.filter(pk=event_id).update(notified_at=timezone.now())
    return True


def _log_unclaimed(model, event_id):
    name = model._meta.label
    event = model.objects.filter(pk=event_id).values("notified_at", "notify_claimed_at").first()
    if event is None:
        logger.warning("%s %s is gone: no email sent", name, event_id)
    elif event["notified_at"] is not None:
        logger.info("%s %s: emails already sent at %s", name, event_id, event["notified_at"].isoformat())
    else:
        logger.info(
            "%s %s: emails being sent by another worker since %s",
            name,
            event_id,
            event["notify_claimed_at"].isoformat(),
        )


def message_id(event, recipient) -> str:
    """The Message-ID of the email about `event` to `recipient` (a user), the same
    on every attempt, e.g. <jams.jamevent-12.7@jams.example>."""
    host = urlsplit(settings.SITE_URL).hostname or "jamportal.localhost"
    return f"<{event._meta.label_lower}-{event.pk}.{recipient.pk}@{host}>"


def message(event, recipient, *, subject: str, body: str) -> EmailMessage:
    """One plain-text email to `recipient` about `event`, with its stable Message-ID."""
    return EmailMessage(
        " ".join(subject.split()), body, None, [recipient.email], headers={"Message-ID": message_id(event, recipient)}
    )
