"""Everything that changes a Jam. Views and tasks call these; nothing else writes.

Every change is recorded as a JamEvent (the audit trail). Status changes go
through `_move`, which holds the one table of allowed moves.
"""

import base64
import datetime
import io
import secrets
from zoneinfo import ZoneInfo

import markdown
import nh3
from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from jamportal import mail, pagecache
from jamportal.celery import enqueue
from jamportal.cldr import formats as cldr_formats
from jamportal.jams import posters, recurrence, selectors, signals
from jamportal.jams.models import CampaignPoster, Jam, JamEvent, JamInvitation, JamMember, JamSeries, JamTranslation
from jamportal.places import timezone_at
from jamportal.text import validate_fields

Status = Jam.Status
Action = JamEvent.Action

# The fields an organiser fills in; everything else is derived or set by a move.
EDITABLE_FIELDS = [
    "title",
    "campaign",
    "description",
    "content_language",
    "start",
    "end",
    "timezone",
    "venue_name",
    "address",
    "city",
    "country",
    "latitude",
    "longitude",
    "venue_private",
    "website",
    "audience",
    "activities",
    "languages",
    "expected_attendees",
    "social_handle",
    "host_name",
]

# The words visitors read as the Jam's own: changed on an approved Jam, they wait for
# a moderator's look (the Jam stays up meanwhile; a time or a count does not).
REVIEWED_FIELDS = {"title", "description", "website", "social_handle", "host_name", "venue_name", "address"}

# (from, to) -> the audit action recorded for it.
MOVES = {
    (Status.DRAFT, Status.SUBMITTED): Action.SUBMITTED,
    (Status.REJECTED, Status.SUBMITTED): Action.SUBMITTED,
    (Status.SUBMITTED, Status.APPROVED): Action.APPROVED,
    (Status.SUBMITTED, Status.REJECTED): Action.REJECTED,
    (Status.APPROVED, Status.REJECTED): Action.REJECTED,  # taken off the map
    (Status.DRAFT, Status.CANCELLED): Action.CANCELLED,
    (Status.SUBMITTED, Status.CANCELLED): Action.CANCELLED,
    (Status.REJECTED, Status.CANCELLED): Action.CANCELLED,
    (Status.APPROVED, Status.CANCELLED): Action.CANCELLED,
}

# The organiser gets an email when one of these is recorded.
NOTIFIED_ACTIONS = {Action.SUBMITTED, Action.APPROVED, Action.REJECTED}

# Slugs that would take the address of another page: jams/new/, moderation/photos/
# (jamportal/tests/test_urls.py finds them).
RESERVED_SLUGS = {"new", "mine", "photos"}

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "blockquote", "code", "pre", "h3", "h4", "hr"}


class JamStateError(Exception):
    """A status change that is not allowed from the Jam's current status."""


def jam_schedule(data, *, jam=None) -> dict:
    """`data` with the venue's timezone worked out and the times made aware in it,
    for a new Jam or an edit of `jam`; every caller (the form, the admin, an import)
    gets the same. Raises ValidationError ({field: message}) for times that cannot be.

    `start` and `end` are the local wall-clock time at the venue (naive; an aware
    time is an instant and kept as it is). The timezone comes from the venue's
    latitude and longitude when it is blank, or when the venue moved and the
    timezone was left as it was; otherwise the one given is kept.

        jam_schedule({"latitude": 35.68, "longitude": 139.65, "timezone": "",
                      "start": datetime.datetime(2031, 3, 1, 10), ...})
        # {"timezone": "Asia/Tokyo", "start": 2031-03-01 10:00+09:00, ...}
    """
    data = dict(data)
    latitude, longitude = data.get("latitude"), data.get("longitude")
    if latitude is None or longitude is None:
        return data
    moved = jam is not None and (latitude, longitude) != (jam.latitude, jam.longitude)
    if not data.get("timezone") or (moved and data["timezone"] == jam.timezone):
        data["timezone"] = timezone_at(latitude, longitude)
    tz = ZoneInfo(data["timezone"])
    problems = {}
    for name in ("start", "end"):
        if data.get(name) and timezone.is_naive(data[name]):
            typed, data[name] = data[name], timezone.make_aware(data[name], tz)
            if data[name].astimezone(datetime.UTC).astimezone(tz).replace(tzinfo=None) != typed:
                problems[name] = _(
                    "There is no %(time)s on that day at the venue: the clocks go forward then. "
                    "Please choose another time."
                ) % {"time": cldr_formats.format_time(typed)}
    if problems:
        raise ValidationError(problems)
    start, end, campaign = data.get("start"), data.get("end"), data.get("campaign")
    # Compared as instants: two times of one zone compare by their wall clocks in Python.
    if start and end and end.astimezone(datetime.UTC) <= start.astimezone(datetime.UTC):
        problems["end"] = _("The Jam must end after it starts.")
    start_changed = start and (jam is None or start != jam.start)
    if start_changed and start < timezone.now():
        problems["start"] = _("This time has already passed. Please choose a date in the future.")
    campaign_changed = jam is None or start_changed or (campaign and campaign.pk) != jam.campaign_id
    if (
        campaign
        and start
        and campaign_changed
        and not campaign.starts_on <= start.astimezone(tz).date() <= campaign.ends_on
    ):
        problems["campaign"] = _("%(campaign)s runs from %(first)s to %(last)s; please choose a date within it.") % {
            "campaign": campaign.display_name,
            "first": cldr_formats.format_date(campaign.starts_on),
            "last": cldr_formats.format_date(campaign.ends_on),
        }
    if problems:
        raise ValidationError(problems)
    return data


def jam_create(*, organiser, data, submit=False) -> Jam:
    """Create a Jam owned by `organiser` from the submission form's data (times as
    jam_schedule takes them).

    With `submit`, it goes straight to the moderation queue; otherwise it is a draft.
    """
    _check_typed_text(Jam, data)
    data = jam_schedule(data)
    with transaction.atomic():
        jam = Jam(organiser=organiser, **{name: data[name] for name in EDITABLE_FIELDS})
        jam.slug = _unique_slug(jam.title)
        jam.description_html = render_description(jam.description)
        jam.save()
        _record(jam, by=organiser, action=Action.CREATED)
        if submit:
            jam = jam_submit(jam, by=organiser)
    return jam


def jam_update(jam, *, by, data, submit=False) -> Jam:
    """Apply the organiser's edits, recording each changed field in the audit trail.

    An approved Jam stays approved (and on the map) after an edit; new words on it
    (REVIEWED_FIELDS) put it in the moderation queue until a moderator accepts them
    or takes it off the map. A draft or rejected Jam is (re)submitted with `submit`.
    """
    _check_typed_text(Jam, data)
    data = jam_schedule(data, jam=jam)
    with transaction.atomic():
        jam = Jam.objects.select_for_update().get(pk=jam.pk)
        if jam.status == Status.CANCELLED:
            raise JamStateError(_("This Jam has been cancelled and can no longer be changed."))
        changes = {}
        old_times = (jam.start, jam.end)  # (series: jam_moved)
        for name in EDITABLE_FIELDS:
            old, new = getattr(jam, name), data[name]
            if _plain(old) != _plain(new):
                changes[name] = [_plain(old), _plain(new)]
                setattr(jam, name, new)
        if changes:
            jam.description_html = render_description(jam.description)
            if jam.status == Status.APPROVED and REVIEWED_FIELDS & changes.keys():
                jam.changes_to_review_since = jam.changes_to_review_since or timezone.now()
            jam.save()
            _record(jam, by=by, action=Action.EDITED, changes=changes)
            # --- series ---
            if old_times != (jam.start, jam.end):
                signals.jam_moved.send(sender=Jam, jam=jam, old_start=old_times[0], old_end=old_times[1])
            if jam.series_id:
                _series_edit_later_dates(jam, by=by, changes=changes)
            # --- end series ---
        if submit and jam.status in (Status.DRAFT, Status.REJECTED):
            jam = jam_submit(jam, by=by)
    return jam


def jam_submit(jam, *, by) -> Jam:
    """Send a draft or rejected Jam to the moderation queue."""
    return _move(jam, Status.SUBMITTED, by=by, submitted_at=timezone.now())


def jam_approve(jam, *, by, note="") -> Jam:
    """Publish a submitted Jam: it appears on the map and in the lists; the apps above
    jams hear of it (jams.signals.jam_approved)."""
    _require_moderator(by)
    with transaction.atomic():
        approved = _move(jam, Status.APPROVED, by=by, note=note, approved_at=timezone.now(), moderation_note=note)
        signals.jam_approved.send(sender=Jam, jam=approved)
    return approved


def jam_reject(jam, *, by, reason) -> Jam:
    """Turn a submitted Jam down, or take an approved one off the map; the organiser is
    told why and may edit and resubmit."""
    _require_moderator(by)
    if not reason.strip():
        raise JamStateError(_("Please tell the organiser why the Jam is not approved."))
    return _move(jam, Status.REJECTED, by=by, note=reason, moderation_note=reason, changes_to_review_since=None)


def jam_changes_accept(jam, *, by, note="") -> Jam:
    """A moderator has read the new words of an approved Jam: it leaves the queue."""
    _require_moderator(by)
    with transaction.atomic():
        jam = Jam.objects.select_for_update().get(pk=jam.pk)
        if jam.status != Status.APPROVED or jam.changes_to_review_since is None:
            raise JamStateError(_("This Jam has no changes waiting for review."))
        jam.changes_to_review_since = None
        jam.save(update_fields=["changes_to_review_since", "updated_at"])
        _record(jam, by=by, action=Action.CHANGES_ACCEPTED, note=note)
    return jam


def jam_cancel(jam, *, by, reason="") -> Jam:
    """Cancel a Jam. An approved one keeps its page, marked as cancelled; whoever signed
    up for it is told (jams.signals.jam_cancelled)."""
    with transaction.atomic():
        cancelled = _move(jam, Status.CANCELLED, by=by, note=reason)
        signals.jam_cancelled.send(sender=Jam, jam=cancelled, reason=reason)
    return cancelled


def jam_translation_save(jam, *, by, language, title, description) -> JamTranslation:
    """Add or replace the Jam's title and description in one of the site's languages."""
    if jam.status == Status.CANCELLED:
        raise JamStateError(_("This Jam has been cancelled and can no longer be changed."))
    _check_typed_text(JamTranslation, {"title": title, "description": description})
    with transaction.atomic():
        translation_, created = JamTranslation.objects.update_or_create(
            jam=jam,
            language=language,
            defaults={"title": title, "description": description, "description_html": render_description(description)},
        )
        if jam.status == Status.APPROVED and jam.changes_to_review_since is None:
            jam.changes_to_review_since = timezone.now()
            jam.save(update_fields=["changes_to_review_since", "updated_at"])
        _record(jam, by=by, action=Action.TRANSLATED, changes={"language": language, "added": created})
        if jam.series_id:  # (series)
            _series_translate_later_dates(jam, by=by, language=language, title=title, description=description)
    return translation_


def jam_translation_delete(translation_, *, by) -> None:
    with transaction.atomic():
        translation_.delete()
        _record(
            translation_.jam,
            by=by,
            action=Action.TRANSLATED,
            changes={"language": translation_.language, "removed": True},
        )


def jam_event_deliver(*, event_id) -> bool:
    """Send the emails of the audit event `event_id` unless they are sent or being
    sent (the task calls this; the guarantee is jamportal/mail.py's). Whether this call sent them."""
    return mail.event_deliver(JamEvent.objects.select_related("jam__organiser"), event_id, send=jam_event_notify)


def jam_event_notify(event) -> None:
    """Email the people an audit event concerns, each in their own language.

    The organiser hears of submission, approval and rejection; moderators hear
    of every Jam (re)submitted for review. Only through jam_event_deliver, which
    makes it at most once.
    """
    jam = event.jam
    if event.action == Action.INVITED:  # (to the invitee, not the organiser)
        _invitation_email(event)
        return
    if jam.organiser is not None:  # None once the account is deleted
        _email(jam.organiser, f"jams/emails/jam_{event.action}", jam=jam, event=event)
    if event.action in CO_ORGANISERS_HEAR:
        for member in selectors.team_members(jam).filter(role=JamMember.Role.CO_ORGANISER):
            _email(member.user, f"jams/emails/jam_{event.action}", jam=jam, event=event)
    if event.action == Action.SUBMITTED:
        for moderator in selectors.user_list_moderators().exclude(pk=jam.organiser_id):
            _email(moderator, "jams/emails/moderators_jam_submitted", jam=jam, event=event)


# (reminder, for Jams starting within, but not within): a week ahead, then the day before.
REMINDERS = (
    (Action.REMINDED_WEEK, datetime.timedelta(days=7), datetime.timedelta(days=1)),
    (Action.REMINDED_DAY, datetime.timedelta(days=1), datetime.timedelta(0)),
)


def jams_remind(*, now=None) -> int:
    """Remind organisers of their approved Jams a week and a day before they
    start (periodic, Celery beat). Each reminder goes once; a Jam approved less
    than a day ahead gets only the day's. Returns how many were queued."""
    now = now or timezone.now()
    queued = 0
    for action, within, beyond in REMINDERS:
        due = Jam.objects.filter(
            status=Status.APPROVED, organiser__isnull=False, start__gt=now + beyond, start__lte=now + within
        )
        for jam in due.exclude(events__action=action).order_by("start"):
            with transaction.atomic():
                event = JamEvent.objects.create(jam=jam, action=action)
                enqueue("jams.send_email", event_id=event.pk)
            queued += 1
    return queued


def _email(user, template, *, jam, event):
    """Render <template>_subject.txt and <template>.txt in the user's language
    (links included) and send them, with the Message-ID of (event, user)."""
    with translation.override(user.language):
        context = {
            "jam": jam,
            "event": event,
            "jam_url": settings.SITE_URL + jam.get_absolute_url(),
            "campaign_url": jam.campaign and settings.SITE_URL + reverse("jams:campaign", args=[jam.campaign.slug]),
            "review_url": settings.SITE_URL + reverse("jams:moderate", args=[jam.slug]),
            "site_url": settings.SITE_URL,
            "resources_url": settings.SITE_URL + reverse("jams:resources"),
        }
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}.txt", context)
    mail.message(event, user, subject=subject, body=body).send()


# A campaign's artwork: staff upload it; pages show it at most 150 px wide (300 on a
# sharp screen), so 800 px is plenty, and a 40 MP upload cannot be decoded at all.
ARTWORK_LONGEST = 800
ARTWORK_MAX_PIXELS = 40_000_000
ARTWORK_FORMATS = ("PNG", "JPEG", "WEBP")


def campaign_artwork_prepare(upload) -> ContentFile:
    """The artwork to keep: a PNG drawn from the upload's pixels alone (no metadata:
    EXIF with GPS, comments, ICC), turned upright, at most ARTWORK_LONGEST pixels.
    Raises ValidationError for anything that is not a whole PNG, JPEG or WebP image."""
    refused = ValidationError(_("Please upload a PNG, JPEG or WebP image."), code="artwork")
    try:
        image = Image.open(upload, formats=ARTWORK_FORMATS)
        if image.width * image.height > ARTWORK_MAX_PIXELS:
            raise refused
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, SyntaxError) as error:
        raise refused from error
    image = ImageOps.exif_transpose(image).convert("RGBA")
    image.thumbnail((ARTWORK_LONGEST, ARTWORK_LONGEST))
    clean = Image.new("RGBA", image.size)
    clean.paste(image)
    out = io.BytesIO()
    clean.save(out, "PNG", optimize=True)
    return ContentFile(out.getvalue(), name="artwork.png")


def campaign_artwork_replaced(old_name: str, storage) -> None:
    """The artwork a campaign no longer shows goes once the change commits."""
    if old_name:
        transaction.on_commit(lambda: storage.delete(old_name))


def campaigns_delete(campaigns) -> None:
    """Delete these campaigns (the admin does): their Jams stay, without a campaign;
    their posters go, files too, once it commits; cached pages are stale at once."""
    with transaction.atomic():
        for poster in CampaignPoster.objects.filter(campaign__in=campaigns):
            name, storage = poster.file.name, poster.file.storage
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
        for campaign in campaigns.exclude(artwork=""):
            campaign_artwork_replaced(campaign.artwork.name, campaign.artwork.storage)
        campaigns.delete()
        jams_public_changed()


def jams_public_changed() -> None:
    """Make every cached page and answer built from public Jams stale (see jamportal.pagecache)."""
    transaction.on_commit(lambda: pagecache.bump(selectors.PUBLIC_VERSION_KEY))


def render_description(text: str) -> str:
    """Markdown to HTML that is safe to show: no scripts, styles, images or handlers."""
    html = markdown.markdown(text, extensions=["sane_lists"])
    return nh3.clean(html, tags=ALLOWED_TAGS, url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener")


def _move(jam, to, *, by, note="", **fields) -> Jam:
    with transaction.atomic():
        locked = Jam.objects.select_for_update().get(pk=jam.pk)
        old = locked.status
        action = MOVES.get((old, to))
        if action is None:
            raise JamStateError(
                _("A Jam that is “%(current)s” cannot become “%(new)s”.")
                % {"current": locked.get_status_display(), "new": Status(to).label}
            )
        locked.status = to
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=["status", "updated_at", *fields])
        _record(locked, by=by, action=action, changes={"status": [old, to]}, note=note)
        if locked.series_id and to in SERIES_FOLLOWS:  # (series: approval is per series)
            _series_follow(locked, old, to, by=by, note=note, fields=fields)
    return locked


def _record(jam, *, by, action, changes=None, note="") -> JamEvent:
    event = JamEvent.objects.create(jam=jam, actor=by, action=action, changes=changes or {}, note=note)
    if action in NOTIFIED_ACTIONS:
        enqueue("jams.send_email", event_id=event.pk)
    if jam.approved_at is not None:
        jams_public_changed()
        # The Jam is (or was) on the campaign's posters: refresh those, and the
        # old campaign's too when it moved.
        campaigns = {jam.campaign_id, *(changes or {}).get("campaign", [])} - {None}
        for campaign_id in campaigns:
            transaction.on_commit(lambda pk=campaign_id: posters.campaign_posters_changed(pk))
    return event


# What people type, checked for callers that do not come through a model form:
# the fields' validators refuse control characters (jamportal.text).
TYPED_TEXT_FIELDS = ("title", "description", "venue_name", "address", "city", "social_handle", "host_name")


def _check_typed_text(model, data):
    validate_fields(model, {name: data[name] for name in TYPED_TEXT_FIELDS if name in data})


def _require_moderator(user):
    if not user.has_perm("jams.moderate_jam"):
        raise PermissionDenied


def _unique_slug(title: str) -> str:
    base = slugify(title, allow_unicode=True)[:170].strip("-") or "jam"
    taken = RESERVED_SLUGS | set(Jam.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _plain(value):
    """A JSON-friendly form of a field value, for comparing and for the audit trail."""
    if value is None or isinstance(value, bool | int | float | str | list):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return str(value)


# --- teams ---
# The organiser invites co-organisers and helpers by email (selectors.ROLE_RANK says
# what each may do); every change is in the Jam's history under who made it.


# Co-organisers run the Jam too: they hear what its organiser hears of it.
CO_ORGANISERS_HEAR = {Action.SUBMITTED, Action.APPROVED, Action.REJECTED, Action.REMINDED_WEEK, Action.REMINDED_DAY}


class TeamError(Exception):
    """A change to the team that cannot be made, in words for the person who tried."""


def team_invitation_token(invitation) -> str:
    """The secret in the invitation's link, made again from its salt when the email is written."""
    digest = salted_hmac("jamportal.jams.invitation", invitation.token_salt, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def team_invite(jam, *, by, email, role, language, now=None) -> JamInvitation:
    """Invite `email` to the Jam's team as `role`, by an email in `language` whose link
    works for selectors.INVITATION_DAYS days. A pending invitation to the same address
    is replaced (its link stops working): the new one's `replaced` is True then, for the
    organiser to be told. Raises TeamError for someone on the team already."""
    now = now or timezone.now()
    email = get_user_model().objects.normalize_email(email.strip())
    if jam.status == Status.CANCELLED:
        raise TeamError(_("This Jam has been cancelled and can no longer be changed."))
    if jam.organiser is not None and jam.organiser.email.lower() == email.lower():
        raise TeamError(_("%(email)s is the Jam’s organiser.") % {"email": email})
    if JamMember.objects.filter(jam=jam, user__email__iexact=email).exists():
        raise TeamError(_("%(email)s is on the team already.") % {"email": email})
    with transaction.atomic():
        earlier = selectors.team_invitations_pending(jam, now=now).filter(email__iexact=email)
        earlier_roles = set(earlier.values_list("role", flat=True))  # (issue 22 fixes)
        replaced = earlier.update(revoked_at=now)
        invitation = JamInvitation(
            jam=jam,
            email=email,
            role=role,
            language=language,
            invited_by=by,
            created_at=now,
            expires_at=now + datetime.timedelta(days=selectors.INVITATION_DAYS),
            token_salt=secrets.token_hex(16),
        )
        invitation.token_hash = selectors.team_invitation_token_hash(team_invitation_token(invitation))
        invitation.save()
        _team_record(jam, by=by, action=Action.INVITED, invitation=invitation, notify=True)
    invitation.replaced = bool(replaced)
    # The role the earlier invitation offered, when this one offers another (for the organiser to be told).
    invitation.replaced_role = next(iter(earlier_roles - {role}), None) if replaced else None
    return invitation


def team_invitation_revoke(invitation, *, by, now=None) -> None:
    """Withdraw a pending invitation: its link stops working at once."""
    now = now or timezone.now()
    with transaction.atomic():
        withdrawn = JamInvitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        if not withdrawn:
            raise TeamError(_("This invitation has been accepted or withdrawn already."))
        _team_record(invitation.jam, by=by, action=Action.INVITATION_REVOKED, invitation=invitation)


def team_invitation_accept(invitation, *, user, now=None) -> JamMember:
    """`user` joins the team in the invitation's role (someone on it already takes the
    new role). Raises TeamError for an invitation that no longer works, or the organiser."""
    now = now or timezone.now()
    with transaction.atomic():
        invitation = JamInvitation.objects.select_for_update().select_related("jam").get(pk=invitation.pk)
        jam = invitation.jam
        problem = team_invitation_problem(invitation, user=user, now=now)
        if problem:
            raise TeamError(problem)
        # A repeating Jam has one team: every date of its series (services.series_extend copies it to new ones).
        for date in _team_jams(jam):
            JamMember.objects.update_or_create(jam=date, user=user, defaults={"role": invitation.role})
        member = JamMember.objects.get(jam=jam, user=user)
        invitation.accepted_at, invitation.accepted_by = now, user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        _team_record(jam, by=user, action=Action.JOINED, invitation=invitation)
    return member


def team_invitation_problem(invitation, *, user, now=None) -> str:
    """Why `user` cannot accept the invitation, in words for them; empty if they can."""
    now = now or timezone.now()
    if invitation.revoked_at is not None:
        return _("This invitation has been withdrawn. Ask the organiser for a new one if you need it.")
    if invitation.accepted_at is not None:
        return _("This invitation has been accepted already.")
    if invitation.expires_at <= now:
        return _("This invitation has expired. Ask the organiser for a new one.")
    if invitation.jam.status == Status.CANCELLED:
        return _("This Jam has been cancelled and can no longer be changed.")
    if user.is_authenticated and invitation.jam.organiser_id == user.pk:
        return _("You are this Jam’s organiser already.")
    if user.is_authenticated and not _has_address(user, invitation.email):
        # The link alone could have been forwarded or leaked: it is for the address it was sent to.
        return _(
            "This invitation was sent to %(email)s. Sign in with that address, or add it to your account "
            "(My account) and open the link again."
        ) % {"email": _masked(invitation.email)}
    return ""


def _has_address(user, email) -> bool:
    """The account's own address, or one it has confirmed (allauth's list of addresses)."""
    if user.email.lower() == email.lower():
        return True
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def _masked(email) -> str:
    """ "a•••@example.org": enough to know which address, not to learn it."""
    name, _at, domain = email.partition("@")
    return f"{name[:1]}•••@{domain}"


def team_member_remove(member, *, by) -> None:
    """Take someone off the team (the organiser does), or leave it (they do)."""
    action = Action.LEFT if member.user_id == by.pk else Action.MEMBER_REMOVED
    with transaction.atomic():
        if not JamMember.objects.filter(jam__in=_team_jams(member.jam), user=member.user_id).delete()[0]:
            return
        changes = {"email": member.user.email, "role": member.role}
        JamEvent.objects.create(jam=member.jam, actor=by, action=action, changes=changes)


def _team_jams(jam):
    """The Jams one team runs: this one, or every date of its series."""
    return Jam.objects.filter(series=jam.series_id) if jam.series_id else Jam.objects.filter(pk=jam.pk)


def jam_hand_over(jam, *, by):
    """The organiser is leaving (their account is being deleted): the Jam goes to its
    longest-serving co-organiser, who is emailed. Returns the new organiser, or None
    when the Jam has no co-organiser."""
    with transaction.atomic():
        member = (
            JamMember.objects.select_for_update()
            .select_related("user")
            .filter(jam=jam, role=JamMember.Role.CO_ORGANISER)
            .order_by("joined_at", "pk")
            .first()
        )
        if member is None:
            return None
        Jam.objects.filter(pk=jam.pk).update(organiser=member.user, updated_at=timezone.now())
        member.delete()
        jam.organiser = member.user
        event = JamEvent.objects.create(
            jam=jam, actor=by, action=Action.HANDED_OVER, changes={"email": member.user.email}
        )
        enqueue("jams.send_email", event_id=event.pk)
    return member.user


def _team_record(jam, *, by, action, invitation, notify=False) -> JamEvent:
    changes = {"invitation": invitation.pk, "email": invitation.email, "role": invitation.role}
    event = JamEvent.objects.create(jam=jam, actor=by, action=action, changes=changes)
    if notify:
        enqueue("jams.send_email", event_id=event.pk)
    return event


def team_inviter(invitation) -> str:
    """Who invites, as the invitee reads it: the inviter's name (or email), or once their
    account is gone the Jam's organiser or the name it shows."""
    person = invitation.invited_by or invitation.jam.organiser
    return str(person) if person else invitation.jam.host_name or "JamPortal"


def _invitation_email(event) -> None:
    """The invitation's email, in the language the inviter chose, unless it was
    withdrawn or accepted before the email went."""
    invitation = (
        JamInvitation.objects.select_related("jam", "invited_by").filter(pk=event.changes["invitation"]).first()
    )
    if invitation is None or not invitation.is_pending(timezone.now()):
        return
    jam = invitation.jam
    with translation.override(invitation.language):
        token = team_invitation_token(invitation)
        context = {
            "jam": jam,
            "invitation": invitation,
            "inviter": team_inviter(invitation),
            "role": invitation.get_role_display(),
            "expires": cldr_formats.format_datetime_zone(invitation.expires_at.astimezone(jam.tz)),
            "accept_url": settings.SITE_URL + reverse("jams:team-join", args=[token]),
            "jam_url": settings.SITE_URL + jam.get_absolute_url(),
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string("jams/emails/team_invited_subject.txt", context)
        body = render_to_string("jams/emails/team_invited.txt", context)
    mail.message(event, invitation, subject=subject, body=body).send()


# --- series ---

# Dates of a repeating Jam are made this far ahead (and again daily: series_extend_all).
SERIES_HORIZON = datetime.timedelta(days=365)
# A moderator's decision on one date of a series is the series' (the queue shows it once):
# the other dates in the same status follow it, quietly (the organiser hears it once).
SERIES_FOLLOWS = {Status.SUBMITTED, Status.APPROVED, Status.REJECTED}


def series_create(jam, *, by, frequency, last_week=False, until=None, count=None, now=None) -> JamSeries:
    """Make `jam` the first date of a Jam that repeats `frequency` (weekly, monthly on
    its date, monthly on its weekday: its week of the month, or the last such weekday
    with `last_week`), until a day or for `count` dates in all (or with no end), and
    make its dates for the coming year, each a Jam of its own.

    The dates wait for the moderator as one: with a draft or a rejected first date, they
    are drafts until it is submitted; otherwise they are submitted for review (an
    approved first date stays up meanwhile)."""
    now = now or timezone.now()
    local = jam.local_start.replace(tzinfo=None)
    week = _series_rule_check(local, frequency=frequency, last_week=last_week, until=until, count=count)
    with transaction.atomic():
        jam = Jam.objects.select_for_update().get(pk=jam.pk)
        if jam.series_id is not None:
            raise JamStateError(_("This Jam repeats already."))
        if jam.status == Status.CANCELLED or jam.start <= now:
            raise JamStateError(_("Only a Jam still to come can repeat."))
        status = Status.DRAFT if jam.status in (Status.DRAFT, Status.REJECTED) else Status.SUBMITTED
        series = JamSeries.objects.create(
            organiser=jam.organiser,
            frequency=frequency,
            week_of_month=week,
            starts=jam.start,
            duration=jam.end - jam.start,
            timezone=jam.timezone,
            until=None if count else until,
            count=count,
            status=status,
        )
        jam.series, jam.occurrence_start = series, jam.start
        jam.save(update_fields=["series", "occurrence_start", "updated_at"])
        _record(jam, by=by, action=Action.EDITED, changes={"series": [None, series.pk]})
        created = series_extend(series, now=now)
        if status == Status.SUBMITTED and jam.status != Status.SUBMITTED and created:
            # The first date is up already: the new dates go to the moderators, who hear of them.
            _record(created[0], by=by, action=Action.SUBMITTED, changes={"status": [Status.DRAFT, Status.SUBMITTED]})
    return series


def series_extend(series, *, now=None) -> list[Jam]:
    """Make the series' dates up to SERIES_HORIZON from now that are not made yet, each
    a copy of its latest date (its words, venue and translations; the campaign only for
    a date within it), in the series' status. Harmless to run twice. The new Jams."""
    now = now or timezone.now()
    if series.status in (Status.REJECTED, Status.CANCELLED):
        return []
    # The latest date holds the series' words as they are now (an edit reaches the dates after it).
    dates = series.occurrences.order_by("-occurrence_start").prefetch_related("translations", "team")
    first = dates.exclude(status=Status.CANCELLED).first() or dates.first()
    if first is None:
        return []
    tz = ZoneInfo(series.timezone)
    horizon = (now + SERIES_HORIZON).astimezone(tz).replace(tzinfo=None)
    made = set(series.occurrences.values_list("occurrence_start", flat=True))
    done = series.generated_until
    created = []
    for local in recurrence.local_starts(**series.rule(), before=horizon):
        start = local.replace(tzinfo=tz)
        if start in made or (done is not None and start <= done):
            continue
        jam = Jam(**{name: getattr(first, name) for name in EDITABLE_FIELDS})
        jam.start, jam.end, jam.timezone = start, start + series.duration, series.timezone
        campaign = first.campaign
        if campaign and not campaign.starts_on <= local.date() <= campaign.ends_on:
            jam.campaign = None
        jam.organiser, jam.series, jam.occurrence_start = first.organiser, series, start
        jam.description_html = first.description_html
        jam.slug = _unique_slug(f"{first.title} {local.date().isoformat()}")
        jam.status = series.status
        jam.submitted_at = first.submitted_at if series.status != Status.DRAFT else None
        jam.approved_at = now if series.status == Status.APPROVED else None
        jam.save()
        JamTranslation.objects.bulk_create(
            JamTranslation(jam=jam, language=found.language, title=found.title, description=found.description,
                           description_html=found.description_html)
            for found in first.translations.all()
        )  # fmt: skip
        JamMember.objects.bulk_create(
            JamMember(jam=jam, user_id=member.user_id, role=member.role) for member in first.team.all()
        )  # the series' team runs each date
        _record(jam, by=first.organiser, action=Action.CREATED, changes={"series": [None, series.pk]})
        created.append(jam)
    series.generated_until = max([now + SERIES_HORIZON, *([done] if done else [])])
    series.save(update_fields=["generated_until"])
    if created:
        signals.series_dates_made.send(sender=JamSeries, series=series, dates=created)
    return created


def series_extend_all(*, now=None) -> int:
    """Make the dates of every repeating Jam that came within the horizon (daily, beat)."""
    now = now or timezone.now()
    due = JamSeries.objects.exclude(status__in=[Status.REJECTED, Status.CANCELLED]).filter(
        generated_until__lt=now + SERIES_HORIZON - datetime.timedelta(hours=12)
    )
    made = 0
    for series in due:
        with transaction.atomic():
            made += len(series_extend(series, now=now))
    return made


def series_date_move(jam, *, by, start, end) -> Jam:
    """Move one date of a repeating Jam to another day or time (naive local times, as
    jam_schedule takes them); those signed up are told (jams.signals.jam_moved)."""
    _series_date_move_check(jam, start)  # (issue 22 fixes)
    data = {name: getattr(jam, name) for name in EDITABLE_FIELDS}
    data.update(start=start, end=end)
    return jam_update(jam, by=by, data=data)


def series_date_skip(jam, *, by, reason="") -> Jam:
    """Skip one date of a repeating Jam: it is cancelled (those signed up are told), and
    calendars leave it out (EXDATE)."""
    return jam_cancel(jam, by=by, reason=reason)


def _series_follow(jam, old, to, *, by, note, fields) -> None:
    """The series' other dates that were where `jam` was move with it, each with its
    entry in the history but no email (the organiser's came with `jam`)."""
    series = JamSeries.objects.select_for_update().get(pk=jam.series_id)
    series.status = to
    series.save(update_fields=["status"])
    others = Jam.objects.filter(series=series, status=old).exclude(pk=jam.pk)
    moved = list(others.values_list("pk", flat=True))
    others.update(status=to, updated_at=timezone.now(), **fields)
    action = MOVES[(old, to)]
    JamEvent.objects.bulk_create(
        JamEvent(jam_id=pk, actor=by, action=action, changes={"status": [old, to]}, note=note) for pk in moved
    )
    jams_public_changed()


# What an edit of one date of a series changes on the dates after it: its words and
# venue, not its own day, hours, zone or campaign (moving a date moves that date only).
SERIES_SHARED_FIELDS = [name for name in EDITABLE_FIELDS if name not in ("start", "end", "timezone", "campaign")]


def _series_edit_later_dates(jam, *, by, changes) -> None:
    """The organiser changed a date's words or venue: the dates after it (not skipped,
    not over) change alike, each with its entry in the history. A venue moved into
    another timezone stays on this date only (the later dates' hours would shift)."""
    shared = [name for name in SERIES_SHARED_FIELDS if name in changes]
    if "timezone" in changes:
        shared = [name for name in shared if name not in ("latitude", "longitude", "city", "country")]
    if not shared:
        return
    for date in _series_later_dates(jam).select_for_update():
        for name in shared:
            setattr(date, name, getattr(jam, name))
        date.description_html = jam.description_html
        if date.status == Status.APPROVED and REVIEWED_FIELDS & set(shared):
            date.changes_to_review_since = date.changes_to_review_since or timezone.now()
        date.save()
        _record(date, by=by, action=Action.EDITED, changes={name: changes[name] for name in shared})


def series_end(series, *, by, last_day, reason="", now=None) -> list[Jam]:
    """Stop a repeating Jam after `last_day` (on the venue's calendar): its dates after
    that day are cancelled, those signed up told (jams.signals.jam_cancelled), and the
    rule ends there (UNTIL). The dates cancelled."""
    now = now or timezone.now()
    ended = []
    with transaction.atomic():
        series = JamSeries.objects.select_for_update().get(pk=series.pk)
        dates = series_end_plan(series, last_day=last_day, now=now)
        series.until, series.count = last_day, None
        series.save(update_fields=["until", "count"])
        for date in dates:
            ended.append(jam_cancel(date, by=by, reason=reason))
        jams_public_changed()
    return ended


def _series_later_dates(jam):
    """The dates of `jam`'s series after it, still to come and not skipped."""
    later = Jam.objects.filter(series_id=jam.series_id, occurrence_start__gt=jam.occurrence_start)
    return later.filter(end__gt=timezone.now()).exclude(status=Status.CANCELLED)


def _series_translate_later_dates(jam, *, by, language, title, description) -> None:
    """A date's new translation reaches the dates after it, as its words do."""
    html = render_description(description)
    for date in _series_later_dates(jam).select_for_update():
        _translation, created = JamTranslation.objects.update_or_create(
            jam=date, language=language, defaults={"title": title, "description": description, "description_html": html}
        )
        if date.status == Status.APPROVED and date.changes_to_review_since is None:
            date.changes_to_review_since = timezone.now()
            date.save(update_fields=["changes_to_review_since", "updated_at"])
        _record(date, by=by, action=Action.TRANSLATED, changes={"language": language, "added": created})


# --- series: changing the rule (issue 22) ---


def _series_rule_check(starts, *, frequency, last_week=False, until=None, count=None):
    """The week of the month a rule from `starts` (naive local) repeats on (None but for
    monthly by weekday), or ValidationError for a rule that cannot be (series_create's checks)."""
    week = None
    if frequency == recurrence.MONTHLY_WEEKDAY:
        week = -1 if last_week else recurrence.week_of_month(starts.date())
        if week > 4 or (last_week and not recurrence.is_last_of_month(starts.date())):
            raise ValidationError({"frequency": _("Please choose how the Jam repeats.")})
    if until is not None and until <= starts.date():
        raise ValidationError({"until": _("Please choose a last day after the first date.")})
    if count is not None and not 2 <= count <= JamSeries.MAX_COUNT:
        raise ValidationError(
            {"count": _("Choose between %(least)s and %(most)s dates.")
             % {"least": cldr_formats.format_number(2), "most": cldr_formats.format_number(JamSeries.MAX_COUNT)}}
        )  # fmt: skip
    return week


def series_rule_plan(series, *, frequency, last_week=False, until=None, count=None, now=None) -> dict:
    """What changing the series' rule would do, for the organiser to read before saving:
    {"rule": the new rule's fields, "cancel": the dates to come that the new rule has not
    (cancelled, those signed up told), "keep": such dates kept for their own edits (moved
    by the organiser: an edit of words reaches every later date, so is no date's own),
    "make": the new dates' local starts (naive), "same": whether the rule stays as it is}.
    Past dates stay as they are. Raises ValidationError for a rule that cannot be."""
    now = now or timezone.now()
    tz = ZoneInfo(series.timezone)
    starts = series.rule()["starts"]
    week = _series_rule_check(starts, frequency=frequency, last_week=last_week, until=until, count=count)
    rule = {"frequency": frequency, "week_of_month": week, "until": None if count else until, "count": count}
    dates = list(series.occurrences.order_by("occurrence_start", "pk"))
    # The new rule's dates as far as series_extend makes them, and as far as dates are made already.
    horizon = max([now + SERIES_HORIZON, *(date.occurrence_start for date in dates)]) + datetime.timedelta(seconds=1)
    horizon = horizon.astimezone(tz).replace(tzinfo=None)
    options = {"frequency": frequency, "starts": starts, "week": week, "until": rule["until"], "count": count}
    wanted = {local.replace(tzinfo=tz) for local in recurrence.local_starts(**options, before=horizon)}
    cancel, keep = [], []
    for date in dates:
        if date.status == Status.CANCELLED or date.start <= now or date.occurrence_start in wanted:
            continue
        (keep if date.start != date.occurrence_start else cancel).append(date)
    made = {date.occurrence_start for date in dates}
    limit = now + SERIES_HORIZON  # (as series_extend: later dates come as the horizon moves on)
    make = sorted(
        start.astimezone(tz).replace(tzinfo=None) for start in wanted if now < start <= limit and start not in made
    )
    same = all(getattr(series, name) == value for name, value in rule.items())
    return {"rule": rule, "cancel": cancel, "keep": keep, "make": make, "same": same}


def series_rule_change(series, *, by, frequency, last_week=False, until=None, count=None, reason="", now=None):
    """Change how the series repeats (series_rule_plan says what it does): the dates to come
    the new rule has not are cancelled (those signed up told: jams.signals.jam_cancelled),
    unless they have edits of their own; the new rule's dates are made, in the series'
    status; past dates stay. The plan that was carried out."""
    now = now or timezone.now()
    options = {"frequency": frequency, "last_week": last_week, "until": until, "count": count}
    with transaction.atomic():
        series = JamSeries.objects.select_for_update().get(pk=series.pk)
        if series.status in (Status.REJECTED, Status.CANCELLED):
            raise JamStateError(_("This Jam has been cancelled and can no longer be changed."))
        plan = series_rule_plan(series, **options, now=now)
        if plan["same"]:
            return plan
        old = recurrence.rule_text(**series.rule(), zone=series.timezone)
        for name, value in plan["rule"].items():
            setattr(series, name, value)
        # Dates to come are made afresh from the new rule (series_extend makes those after this).
        series.generated_until = now
        series.save(update_fields=[*plan["rule"], "generated_until"])
        for date in plan["cancel"]:
            jam_cancel(date, by=by, reason=reason)
        series_extend(series, now=now)
        new = recurrence.rule_text(**series.rule(), zone=series.timezone)
        first = series.occurrences.order_by("occurrence_start").first()
        _record(first, by=by, action=Action.EDITED, changes={"rule": [old, new]})
        jams_public_changed()
    return plan


# --- issue 22 fixes: stopping a series, previewed ---


def series_end_plan(series, *, last_day, now=None) -> list[Jam]:
    """The dates series_end would cancel to stop the series after `last_day` (those still
    to come, not skipped), for the organiser to read before stopping it; ValidationError
    for a last day it refuses (before the first date, or not before the rule's own end)."""
    now = now or timezone.now()
    first = series.occurrences.order_by("occurrence_start").first()
    if first is None or last_day < first.occurrence_start.astimezone(first.tz).date():
        raise ValidationError({"last_day": _("Please choose a last day after the first date.")})
    if series.count or series.until:  # a rule with an end: stopping later would lengthen it
        ends = recurrence.local_starts(**series.rule())[-1].date()
        if last_day >= ends:
            message = _("This Jam already stops repeating after %(day)s: choose an earlier last day.")
            raise ValidationError({"last_day": message % {"day": cldr_formats.format_date(ends)}})
    after = datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time(), ZoneInfo(series.timezone))
    dates = series.occurrences.filter(occurrence_start__gte=after, start__gt=now).exclude(status=Status.CANCELLED)
    return list(dates.order_by("occurrence_start", "pk"))


def series_can_stop(series, dates, *, now=None) -> bool:
    """Whether stopping the series (`dates`: its dates) would still cancel a date: one to
    come, not skipped, after its first date."""
    now = now or timezone.now()
    first = min((date.occurrence_start for date in dates), default=None)
    return any(
        date.start > now and date.status != Status.CANCELLED and date.occurrence_start != first for date in dates
    )


# --- issue 22 fixes: moving a date onto another ---


def _series_date_move_check(jam, start) -> None:
    """ValidationError when `start` (naive, the venue's clock) falls on the day of another
    date of the series that is not skipped: two dates on one day would be one Jam twice."""
    day = start.date()
    others = Jam.objects.filter(series_id=jam.series_id).exclude(pk=jam.pk).exclude(status=Status.CANCELLED)
    if any(other.local_start.date() == day for other in others):
        message = _("This Jam has another date on %(day)s already: choose another day, or skip one of them.")
        raise ValidationError({"start": message % {"day": cldr_formats.format_date(day)}})
