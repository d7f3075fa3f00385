"""Writes of alerts: asking (double opt-in), confirming, unsubscribing, forgetting
unconfirmed requests, and telling the waiting visitors of a Jam approved near them.

An alert is asked for with an email address; nothing more is sent to it until its
owner opens the link in the one confirmation email (double opt-in). A request left
unconfirmed is deleted after ALERT_CONFIRM_HOURS, address and all. Each email
about a Jam carries a one-click unsubscribe (RFC 8058 headers, and the link in
the text), which deletes the alert.
"""

import base64
import datetime
import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from jamportal import mail
from jamportal.alerts import selectors
from jamportal.alerts.models import PLACE_DIGITS, Alert, AlertNotice
from jamportal.celery import enqueue
from jamportal.jams.models import Jam
from jamportal.places.checks import nearest_place
from jamportal.places.geocoding import place_name

logger = logging.getLogger(__name__)


class AlertExpired(Exception):
    """The confirmation link came after ALERT_CONFIRM_HOURS: the request is gone."""


def email_hash(email: str) -> str:
    """The address as the abuse limits count it: a keyed hash (SECRET_KEY), so that a
    copy of the database or the cache does not tell whose address it is."""
    return salted_hmac("jamportal.alerts.email", email.strip().lower(), algorithm="sha256").hexdigest()


def alert_token(alert: Alert) -> str:
    """The secret in the alert's links (confirm, unsubscribe), made again from its salt
    whenever an email needs it."""
    digest = salted_hmac("jamportal.alerts.alert", alert.token_salt, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def alert_request(*, email, latitude, longitude, radius_km, language, would_help=False, miles=False, now=None) -> Alert:
    """Ask to be told of Jams within `radius_km` of a point: a pending alert, and the
    email that confirms it (sent once the transaction commits). The point is kept
    rounded to PLACE_DIGITS decimals. A request for a place with no Jam within reach
    counts as demand (Kind.NONE_NEARBY); elsewhere it follows the area (Kind.AREA).

    The same address asking again for the same place gets the confirmation again
    (a lost email) or, confirmed already, nothing new. ValidationError past
    ALERTS_PER_EMAIL alerts for one address."""
    now = now or timezone.now()
    hashed = email_hash(email)
    latitude, longitude = round(latitude, PLACE_DIGITS), round(longitude, PLACE_DIGITS)
    same = Alert.objects.filter(email_hash=hashed, latitude=latitude, longitude=longitude, radius_km=radius_km)
    if existing := same.first():
        if existing.confirmed_at is None:
            enqueue("alerts.send_confirmation", alert_id=existing.pk)
        return existing
    if Alert.objects.filter(email_hash=hashed).count() >= settings.ALERTS_PER_EMAIL:
        raise ValidationError(
            _("This email address already has as many alerts as it can. Unsubscribe from one first."), code="too-many"
        )
    none_nearby = not selectors.jam_within_reach(latitude=latitude, longitude=longitude, radius_km=radius_km)
    alert = Alert(
        kind=Alert.Kind.NONE_NEARBY if none_nearby else Alert.Kind.AREA,
        email=email.strip(),
        email_hash=hashed,
        latitude=latitude,
        longitude=longitude,
        radius_km=radius_km,
        language=language,
        miles=miles,
        would_help=would_help,
        token_salt=secrets.token_hex(16),
    )
    alert.token_hash = selectors.token_hash(alert_token(alert))
    alert.full_clean(exclude=["token_hash", "token_salt", "email_hash"])
    with transaction.atomic():
        alert.save()
        enqueue("alerts.send_confirmation", alert_id=alert.pk)
    return alert


def alert_confirm(alert: Alert, *, now=None) -> Alert:
    """The owner opened the confirmation link: the alert is live. Past
    ALERT_CONFIRM_HOURS the request is deleted instead (AlertExpired)."""
    now = now or timezone.now()
    if alert.confirmed_at is not None:
        return alert
    if alert.created_at < now - _confirm_within():
        alert.delete()
        raise AlertExpired
    Alert.objects.filter(pk=alert.pk, confirmed_at__isnull=True).update(confirmed_at=now)
    alert.confirmed_at = now
    return alert


def alert_unsubscribe(alert: Alert) -> None:
    """Stop the alert: it is deleted, address, place and all."""
    alert.delete()


def alerts_expire(*, now=None) -> int:
    """Delete the requests never confirmed within ALERT_CONFIRM_HOURS (periodic)."""
    now = now or timezone.now()
    deleted, _by_model = Alert.objects.filter(
        confirmed_at__isnull=True, created_at__lt=now - _confirm_within()
    ).delete()
    return deleted


def _confirm_within() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.ALERT_CONFIRM_HOURS)


def alerts_jam_approved(sender=None, *, jam: Jam, **_signal) -> None:
    """A Jam was approved (jams.signals.jam_approved, in its transaction): look for the
    visitors waiting near it once that commits."""
    enqueue("alerts.match_jam", jam_id=jam.pk)


def alerts_match_jam(*, jam_id: int, now=None) -> int:
    """Tell everyone whose alert's circle holds the Jam (confirmed, and not told of it
    before): one notice each, emailed by its own task. Nothing for a Jam no longer
    public or already over. Returns how many notices were made."""
    now = now or timezone.now()
    jam = Jam.objects.filter(pk=jam_id).first()
    if jam is None or jam.status != Jam.Status.APPROVED or jam.end <= now:
        logger.info("Jam %s is gone, not public or over: no alerts", jam_id)
        return 0
    made = 0
    for distance, alert in selectors.alerts_near(latitude=jam.latitude, longitude=jam.longitude):
        try:
            with transaction.atomic():
                notice = AlertNotice.objects.create(alert=alert, jam=jam, distance_km=distance)
        except IntegrityError:  # told of this Jam already (approved again after a rejection, a rerun)
            continue
        enqueue("alerts.send_notice", notice_id=notice.pk)
        made += 1
    return made


def notice_deliver(*, notice_id: int) -> bool:
    """The email of a notice, at most once (jamportal/mail.py)."""
    return mail.event_deliver(AlertNotice.objects.select_related("alert", "jam"), notice_id, send=_send_notice)


def confirmation_send(*, alert_id: int) -> bool:
    """The email with the confirmation link, for a request still waiting for it."""
    alert = Alert.objects.filter(pk=alert_id, confirmed_at__isnull=True).first()
    if alert is None:
        logger.info("Alert %s is gone or confirmed: no confirmation sent", alert_id)
        return False
    with translation.override(alert.language):
        context = _context(alert)
        context["confirm_url"] = settings.SITE_URL + reverse("alerts:confirm", args=[alert_token(alert)])
        context["hours"] = settings.ALERT_CONFIRM_HOURS
        subject = render_to_string("alerts/emails/confirm_subject.txt", context)
        body = render_to_string("alerts/emails/confirm.txt", context)
    EmailMessage(" ".join(subject.split()), body, None, [alert.email]).send()
    return True


def _send_notice(notice: AlertNotice) -> None:
    alert, jam = notice.alert, notice.jam
    if not alert.email or alert.confirmed_at is None:
        return
    with translation.override(alert.language):
        context = {
            **_context(alert),
            "jam": jam,
            "title": _jam_title(jam, alert.language),
            "distance_km": notice.distance_km,
            "jam_url": settings.SITE_URL + jam.get_absolute_url(),
        }
        subject = render_to_string("alerts/emails/jam_subject.txt", context)
        body = render_to_string("alerts/emails/jam.txt", context)
    email = mail.message(notice, alert, subject=subject, body=body)
    # RFC 2369 and RFC 8058: mail clients offer "unsubscribe", which POSTs to the link.
    email.extra_headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
    email.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email.send()


def _context(alert: Alert) -> dict:
    """What every alert email shows: the place (named in the email's language), the
    radius, and the link to stop."""
    place = nearest_place(alert.latitude, alert.longitude)
    return {
        "alert": alert,
        "place": place_name(place) if place else f"{alert.latitude}, {alert.longitude}",
        "unsubscribe_url": settings.SITE_URL + reverse("alerts:unsubscribe", args=[alert_token(alert)]),
        "site_url": settings.SITE_URL,
    }


def _jam_title(jam: Jam, language: str) -> str:
    translated = jam.translations.filter(language=language).values_list("title", flat=True).first()
    return translated or jam.title
