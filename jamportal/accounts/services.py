"""Organiser accounts: their language, their data, closing them."""

from django.conf import settings
from django.db import transaction

from jamportal.accounts import selectors
from jamportal.attendance import services as attendance_services
from jamportal.attendance.models import SignupSheet
from jamportal.feed import services as feed_services
from jamportal.jams import services as jam_services
from jamportal.jams.models import Jam, JamMember
from jamportal.jams.services import EDITABLE_FIELDS
from jamportal.kits import services as kit_services
from jamportal.kits.models import KitRequest


def user_set_language(user, *, language) -> None:
    """Remember the user's language: the site and their emails use it."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unsupported language: {language!r}")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def account_export(user) -> dict:
    """Everything JamPortal holds about an organiser, for them to download.
    Secrets (the password hash, booth tokens) are not data about them and stay out."""
    jams = (
        Jam.objects.filter(organiser=user)
        .select_related("campaign", "kit_request", "signup_sheet")
        .prefetch_related(
            "translations", "events", "booths", "photos", "kit_request__lines__item", "signups", "signup_messages"
        )
        .order_by("pk")
    )
    return {
        "account": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
            "joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in user.emailaddress_set.all()
            ],
        },
        "jams": [_jam_export(jam) for jam in jams],
        # --- teams ---
        "teams": [
            {"jam": member.jam.title, "role": member.role, "joined": member.joined_at.isoformat()}
            for member in JamMember.objects.filter(user=user).select_related("jam").order_by("pk")
        ],
    }


def _jam_export(jam) -> dict:
    fields = {name: getattr(jam, name) for name in EDITABLE_FIELDS}
    fields["campaign"] = jam.campaign.name if jam.campaign else None
    fields["country"] = str(jam.country)
    kit = getattr(jam, "kit_request", None)
    return {
        **{name: _plain(value) for name, value in fields.items()},
        "status": jam.status,
        "created": jam.created_at.isoformat(),
        "translations": [
            {"language": t.language, "title": t.title, "description": t.description} for t in jam.translations.all()
        ],
        "history": [
            {"action": event.action, "when": event.created_at.isoformat(), "note": event.note}
            for event in jam.events.all()
        ],
        "kit_request": None
        if kit is None
        else {
            **{name: _plain(getattr(kit, name)) for name in (*kit.SHIPPING_FIELDS, "expected_attendees", "notes")},
            "status": kit.status,
            "carrier": kit.carrier,
            "tracking_number": kit.tracking_number,
            "items": [
                {"item": line.item.name, "size": line.size, "quantity": line.quantity} for line in kit.lines.all()
            ],
        },
        "booths": [
            {"name": booth.name, "created": booth.created_at.isoformat(), "revoked": _plain(booth.revoked_at)}
            for booth in jam.booths.all()
        ],
        "photos": [
            {
                "caption": photo.caption,
                "status": photo.status,
                "taken_at": _plain(photo.taken_at),
                "image": photo.image.name,
            }
            for photo in jam.photos.all()
        ],
        **_attendance_export(jam),
    }


def _attendance_export(jam) -> dict:
    """What the organiser holds about who comes: the sheet, each sign-up as the attendee gave
    it (their personal link's secret and door code are theirs, not the organiser's: left out),
    and the messages the organiser sent them."""
    sheet = getattr(jam, "signup_sheet", None)
    return {
        "signup_sheet": None if sheet is None else {"capacity": sheet.capacity, "open": sheet.is_open},
        "signups": [
            {
                "name": signup.name,
                "email": signup.email,
                "adults": signup.adults,
                "under_18s": signup.children,
                "needs": signup.needs,
                "first_jam": signup.first_jam,
                "language": signup.language,
                "status": signup.status,
                "walk_in": signup.walk_in,
                "signed_up": _plain(signup.created_at),
                "place_given": _plain(signup.place_given_at),
                "cancelled": _plain(signup.cancelled_at),
                "checked_in": _plain(signup.checked_in_at),
                "anonymised": _plain(signup.anonymised_at),
            }
            for signup in jam.signups.all()
        ],
        "messages_sent": [
            {
                "subject": message.subject,
                "body": message.body,
                "sent": _plain(message.sent_at),
                "recipients": message.recipients,
            }
            for message in jam.signup_messages.all()
        ],
    }


def _plain(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return str(value)


PUBLIC_STATUSES = [Jam.Status.APPROVED, Jam.Status.CANCELLED]


def account_delete(user, *, keep_jams: bool) -> None:
    """Close the organiser's account. Kits not yet packed are cancelled (their
    stock goes back). Either their Jams go too, with photos, booths and kit
    requests, or those on the map stay up without an organiser: booths
    disconnected, the social handle, the public organiser name and kit addresses
    forgotten; their drafts and Jams waiting for review go. A Jam kept up stops taking
    sign-ups (nobody is left to run its list or its door); those signed up keep their
    places and links until the usual anonymisation after the Jam. A Jam with a
    co-organiser is theirs from now on, whichever they chose (jams.services.jam_hand_over)."""
    with transaction.atomic():
        for jam in selectors.jams_handed_over_on_delete(user):
            jam_services.jam_hand_over(jam, by=user)
        jams = Jam.objects.filter(organiser=user)
        # Kept are the Jams visitors see; one still being written or reviewed has nobody
        # left to finish it or answer the moderators.
        jams_delete(jams if not keep_jams else jams.exclude(status__in=PUBLIC_STATUSES), by=user)
        kept = list(jams.select_for_update())
        for jam in kept:
            _cancel_open_kit(jam, by=user)
            for booth in jam.booths.filter(revoked_at__isnull=True):
                feed_services.booth_revoke(booth, by=user)
            if hasattr(jam, "kit_request"):
                kit_services.kit_request_anonymise(jam.kit_request)
            Jam.objects.filter(pk=jam.pk).update(social_handle="", host_name="")  # who they are goes with them
            if sheet := SignupSheet.objects.filter(jam=jam, is_open=True).first():
                attendance_services.sheet_save(jam, capacity=sheet.capacity, is_open=False)
        user.delete()
        if kept:
            jam_services.jams_public_changed()


def jams_delete(jams, *, by) -> None:
    """Delete these Jams for good with all that hangs on them: a kit not yet packed is
    cancelled (its stock goes back), photos go with their files, and cached pages are
    stale the moment it commits. The account deletion and the admin both come here,
    as this reaches into kits and photos, which the jams app does not know."""
    with transaction.atomic():
        jams = list(jams.select_for_update())
        for jam in jams:
            _cancel_open_kit(jam, by=by)
            feed_services.photos_delete(jam.photos.all())
            attendance_services.signups_jam_removed(jam)
            jam.delete()
        if jams:
            jam_services.jams_public_changed()


def _cancel_open_kit(jam, *, by):
    request = KitRequest.objects.filter(jam=jam, status__in=kit_services.EDITABLE).first()
    if request is not None:
        kit_services.kit_request_move(request, KitRequest.Status.CANCELLED, by=by)
