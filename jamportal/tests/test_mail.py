"""One delivery policy for the emails of Jam and kit events (jamportal/mail.py):
claimed before sending, a stable Message-ID, marked sent after."""

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db.models import F

from jamportal import mail as delivery
from jamportal.jams import tasks as jam_tasks
from jamportal.jams.models import JamEvent
from jamportal.jams.tests.factories import JamFactory, UserFactory
from jamportal.kits import services as kit_services
from jamportal.kits import tasks as kit_tasks
from jamportal.kits.models import KitRequestEvent
from jamportal.kits.tests.factories import address, kit_with_shirts

pytestmark = pytest.mark.django_db


class WorkerDied(BaseException):
    """The worker process is gone: nothing after this runs, no handler either."""


@pytest.fixture(params=["jam", "kit"])
def event(request):
    """(the task that sends an event's emails, the event): a Jam's approval or a kit's request."""
    organiser = UserFactory(email="ada@example.org")
    if request.param == "jam":
        jam = JamFactory(organiser=organiser)
        return jam_tasks.task_send_jam_email, JamEvent.objects.create(jam=jam, action=JamEvent.Action.APPROVED)
    kit, shirts = kit_with_shirts()
    jam = JamFactory(organiser=organiser, campaign=kit.campaign)
    kit_request = kit_services.kit_request_create(jam, by=organiser, data=address(), lines={(shirts, "M"): 2})
    return kit_tasks.task_send_kit_email, KitRequestEvent.objects.get(request=kit_request)


def on_the_next_send(monkeypatch, then):
    """The next sending of emails calls `then(send, backend, messages)` instead; the
    ones after it send as usual (`send` sends, for `then` to call when it wants)."""
    send = locmem.EmailBackend.send_messages

    def once(backend, messages):
        monkeypatch.setattr(locmem.EmailBackend, "send_messages", send)
        return then(send, backend, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", once)


def test_two_deliveries_of_one_event_at_once_send_one_email(event, monkeypatch):
    task, event = event

    def send_while_another_worker_delivers(send, backend, messages):
        task(event_id=event.pk)  # another worker, or the broker delivering the message twice
        return send(backend, messages)

    on_the_next_send(monkeypatch, send_while_another_worker_delivers)

    task(event_id=event.pk)

    assert [message.to for message in mail.outbox] == [["ada@example.org"]]
    event.refresh_from_db()
    assert event.notified_at is not None


def test_a_worker_dying_between_sending_and_marking_resends_with_the_same_message_id(event, monkeypatch):
    task, event = event

    def send_then_die(send, backend, messages):
        raise WorkerDied(send(backend, messages))

    on_the_next_send(monkeypatch, send_then_die)
    with pytest.raises(WorkerDied):
        task(event_id=event.pk)

    task(event_id=event.pk)  # delivered again within the lease: the dead worker's claim holds
    sent_within_lease = len(mail.outbox)
    type(event).objects.filter(pk=event.pk).update(notify_claimed_at=F("notify_claimed_at") - delivery.LEASE)
    task(event_id=event.pk)  # delivered again after it: sent again, the same email to a mail client
    task(event_id=event.pk)  # and once marked sent, never again

    assert sent_within_lease == 1
    assert [message.to for message in mail.outbox] == [["ada@example.org"], ["ada@example.org"]]
    first, second = (message.message()["Message-ID"] for message in mail.outbox)
    assert first == second == f"<{event._meta.label_lower}-{event.pk}.{event_organiser(event).pk}@jams.example>"
    event.refresh_from_db()
    assert event.notified_at is not None


def test_a_failed_send_gives_the_claim_back_for_the_retry(event, monkeypatch):
    task, event = event

    def refuse(send, backend, messages):
        raise ConnectionRefusedError("the mail server is down")

    on_the_next_send(monkeypatch, refuse)

    with pytest.raises(ConnectionRefusedError):
        task(event_id=event.pk)
    task(event_id=event.pk)  # the retry (the task retries on OSError by itself)

    assert [message.to for message in mail.outbox] == [["ada@example.org"]]
    organiser = event_organiser(event)
    assert (
        mail.outbox[0].message()["Message-ID"] == f"<{event._meta.label_lower}-{event.pk}.{organiser.pk}@jams.example>"
    )
    event.refresh_from_db()
    assert event.notified_at is not None


def event_organiser(event):
    return event.jam.organiser if isinstance(event, JamEvent) else event.request.jam.organiser
