"""Every change to booths and photos.

Booth tokens are random, shown once, and stored as SHA-256 hashes. Uploads are
checked and re-encoded as JPEG by images.py before anything is stored.
Thumbnails and web sizes are made afterwards by a task.
"""

import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from jamportal import pagecache
from jamportal.feed import images, tasks
from jamportal.feed.models import Booth, FeedSettings, Photo, PhotoReport
from jamportal.jams import selectors as jam_selectors

TOKEN_PREFIX = "jpb_"  # noqa: S105 (a public marker, not a secret)
SIZES = {"web": 1600, "thumbnail": 480}
Status = Photo.Status
# Checking and re-encoding uploads live in images.py; these names stay for this
# module's callers (the API catches services.PhotoRejected) and photo_make_sizes.
PhotoRejected = images.PhotoRejected
_jpeg = images.jpeg


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def booth_create(jam, *, by, name) -> tuple[Booth, str]:
    """Pair a new booth with the Jam; returns it and its token, which is never stored."""
    _require_owner(jam, by)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    booth = Booth.objects.create(jam=jam, name=name, token_hash=_hash(token), token_hint=token[:10])
    return booth, token


def booth_revoke(booth, *, by) -> None:
    _require_owner(booth.jam, by)
    if booth.revoked_at is None:
        booth.revoked_at = timezone.now()
        booth.save(update_fields=["revoked_at"])


def booth_authenticate(token: str) -> Booth | None:
    """The live booth holding this token, its last contact noted; None otherwise."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 100:
        return None
    booth = Booth.objects.select_related("jam__campaign").filter(token_hash=_hash(token)).first()
    if booth is None or booth.revoked_at is not None:
        return None
    booth.last_seen_at = timezone.now()
    booth.save(update_fields=["last_seen_at"])
    return booth


def booth_report(booth, *, backlog: int) -> None:
    """What the booth says of itself (it was just seen: booth_authenticate)."""
    booth.backlog = backlog
    booth.save(update_fields=["backlog"])


def feed_settings_for(jam) -> FeedSettings:
    settings_, _created = FeedSettings.objects.get_or_create(
        jam=jam, defaults={"hashtag": jam.campaign.hashtag if jam.campaign_id else ""}
    )
    return settings_


def feed_settings_save(jam, *, by, data) -> FeedSettings:
    _require_owner(jam, by)
    feed_settings = feed_settings_for(jam)
    for field in ("approve_first", "hashtag", "caption_template"):
        setattr(feed_settings, field, data[field])
    feed_settings.save()
    return feed_settings


def photo_upload(booth, *, upload, caption, language, taken_at, idempotency_key, alt_text="") -> tuple[Photo, bool]:
    """Store one booth photo; (photo, created). Sending the same key again returns
    the first photo unchanged, so a booth may retry after a lost answer."""
    existing = Photo.objects.filter(booth=booth, idempotency_key=idempotency_key).first()
    if existing:
        return existing, False
    content, (width, height) = images.upload_clean(upload)
    status = Status.PENDING if feed_settings_for(booth.jam).approve_first else Status.VISIBLE
    photo = Photo(
        jam=booth.jam,
        booth=booth,
        idempotency_key=idempotency_key,
        caption=caption,
        alt_text=alt_text or caption,
        language=language,
        taken_at=taken_at,
        status=status,
        width=width,
        height=height,
    )
    photo.image.save(f"{booth.jam.slug}-{secrets.token_hex(6)}.jpg", content, save=False)
    try:
        with transaction.atomic():
            photo.save()
    except IntegrityError:
        # The same key, sent twice at once: the other request stored it first.
        photo.image.delete(save=False)
        first = Photo.objects.filter(booth=booth, idempotency_key=idempotency_key).first()
        if first is None:
            raise
        return first, False
    transaction.on_commit(lambda: tasks.task_make_photo_sizes.delay(photo_id=photo.pk))
    photo_gallery_changed(photo)
    return photo, True


def photo_make_sizes(photo) -> None:
    """Make the web and thumbnail copies (a task calls this after an upload)."""
    with photo.image.open("rb") as source:
        original = Image.open(source)
        original.load()
    for field, longest in SIZES.items():
        copy = original.copy()
        copy.thumbnail((longest, longest))
        getattr(photo, field).save(f"{photo.pk}-{field}.jpg", _jpeg(copy), save=False)
    photo.save(update_fields=list(SIZES))
    photo_gallery_changed(photo)


def photo_set_status(photo, status, *, by) -> Photo:
    """Show, hide or approve a photo: its Jam's organiser or a photo moderator."""
    _require_owner_or_moderator(photo.jam, by)
    photo.status = status
    photo.save(update_fields=["status"])
    if status == Status.VISIBLE:
        photo.reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now(), resolved_by=by)
    photo_gallery_changed(photo)
    return photo


def photo_delete(photo, *, by) -> None:
    _require_owner_or_moderator(photo.jam, by)
    for field in ("image", "web", "thumbnail"):
        getattr(photo, field).delete(save=False)
    photo_gallery_changed(photo)
    photo.delete()


def photo_report(photo, *, reason, contact="") -> PhotoReport:
    """Anyone may ask for a photo to be taken down: it is hidden until someone decides."""
    with transaction.atomic():
        report = PhotoReport.objects.create(photo=photo, reason=reason, contact=contact)
        if photo.status == Status.VISIBLE:
            photo.status = Status.REPORTED
            photo.save(update_fields=["status"])
            photo_gallery_changed(photo)
    return report


def photo_gallery_changed(photo) -> None:
    """Pages showing the Jam's photos are rendered again once this change is committed."""
    key = jam_selectors.jam_photos_version_key(photo.jam.slug)
    transaction.on_commit(lambda: pagecache.bump(key))


def _require_owner(jam, user):
    if not (user.is_authenticated and jam.organiser_id == user.pk):
        raise PermissionDenied


def _require_owner_or_moderator(jam, user):
    if not (user.is_authenticated and (jam.organiser_id == user.pk or user.has_perm("feed.moderate_photo"))):
        raise PermissionDenied
