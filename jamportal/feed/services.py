"""Every change to booths and photos.

Booth tokens are random, shown once, and stored as SHA-256 hashes. An upload is
checked by images.py as far as a request can afford and kept, as it came, in the
private storage; a task then has images.py re-encode it as JPEG from its pixels,
makes the web size and thumbnail, and deletes it. The rules on a booth's post (its
clock, its limits) are here, so that every caller keeps them.
"""

import hashlib
import logging
import secrets
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jamportal import pagecache, ratelimit
from jamportal.celery import enqueue
from jamportal.feed import files, images
from jamportal.feed.models import Booth, FeedSettings, Photo, PhotoReport, takehome_token
from jamportal.jams import selectors as jam_selectors
from jamportal.text import validate_fields

logger = logging.getLogger(__name__)
TOKEN_PREFIX = "jpb_"  # noqa: S105 (a public marker, not a secret)
SIZES = {"web": images.WEB_LONGEST, "thumbnail": images.THUMBNAIL_LONGEST}
Status = Photo.Status
# Checking and re-encoding uploads live in images.py; the API catches services.PhotoRejected
# (too_large, not_an_image, and rate_limited from photo_upload).
PhotoRejected = images.PhotoRejected
# A Raspberry Pi has no battery-backed clock: until it finds a time server it may
# believe it is 1970. Such a time is replaced by the moment the photo arrives,
# rather than refusing (and so losing) the photo.
EARLIEST_PLAUSIBLE = datetime(2012, 2, 29, tzinfo=UTC)  # the first Raspberry Pi went on sale


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def booth_create(jam, *, by, name) -> tuple[Booth, str]:
    """Pair a new booth with the Jam (its team: helpers too); returns it and its token,
    which is never stored."""
    _require_team(jam, by, jam_selectors.HELPER)
    validate_fields(Booth, {"name": name})
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    booth = Booth.objects.create(jam=jam, name=name, token_hash=_hash(token), token_hint=token[:10])
    return booth, token


def booth_revoke(booth, *, by) -> None:
    _require_team(booth.jam, by, jam_selectors.HELPER)
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
    _require_team(jam, by, jam_selectors.CO_ORGANISER)
    feed_settings = feed_settings_for(jam)
    for field in ("approve_first", "hashtag", "caption_template"):
        setattr(feed_settings, field, data[field])
    feed_settings.full_clean()  # every caller, not only the form: the caption template goes to every booth
    feed_settings.save()
    return feed_settings


def photo_upload(booth, *, upload, caption, language, taken_at, idempotency_key, alt_text="") -> tuple[Photo, bool]:
    """Store one booth photo; (photo, created). Sending the same key again returns
    the first photo unchanged, so a booth may retry after a lost answer.

    For every caller: the rules on the typed fields (the model's validators), an aware
    `taken_at` (a booth clock that cannot be right gives way to now:
    photo_time_plausible), at most PHOTO_UPLOADS_PER_MINUTE posts a booth per minute
    (PhotoRejected "rate_limited"), and the upload checked as far as a request can
    afford (images.upload_check: PHOTO_MAX_BYTES, format, PHOTO_MAX_PIXELS, a whole
    file; PhotoRejected "too_large" or "not_an_image"). It is stored as it came, in the
    private storage; the worker cleans it (photo_make_sizes), and pages show the photo
    from then on."""
    typed = {"idempotency_key": idempotency_key, "caption": caption, "language": language, "alt_text": alt_text}
    validate_fields(Photo, typed)
    if timezone.is_naive(taken_at):
        raise ValidationError({"taken_at": _("taken_at needs a timezone, e.g. 2031-03-01T10:00:00+00:00.")})
    if not ratelimit.allow("booth-upload", booth.pk, limit=settings.PHOTO_UPLOADS_PER_MINUTE, per=60):
        raise PhotoRejected("rate_limited", _("Too many photos in a minute: please wait a little."))
    existing = Photo.objects.filter(booth=booth, idempotency_key=idempotency_key).first()
    if existing:
        return existing, False
    images.upload_check(upload)
    status = Status.PENDING if feed_settings_for(booth.jam).approve_first else Status.VISIBLE
    photo = Photo(
        jam=booth.jam,
        booth=booth,
        idempotency_key=idempotency_key,
        caption=caption,
        alt_text=alt_text or caption,
        language=language,
        taken_at=photo_time_plausible(taken_at),
        status=status,
        takehome_token=takehome_token_free(idempotency_key),
    )
    # Metadata and all: never in the public storage, whatever the photo's status.
    upload.seek(0)
    photo.upload = files.uploads_storage().save(files.new_name("upload", photo), upload)
    try:
        with transaction.atomic():
            photo.save()
    except IntegrityError:
        # The same key, sent twice at once: the other request stored it first.
        files.uploads_storage().delete(photo.upload.name)
        first = Photo.objects.filter(booth=booth, idempotency_key=idempotency_key).first()
        if first is None:
            raise
        return first, False
    enqueue("feed.make_photo_sizes", photo_id=photo.pk)
    return photo, True


def photo_time_plausible(taken_at: datetime) -> datetime:
    """`taken_at` (aware) in UTC, or now if the booth's clock cannot be right: before
    EARLIEST_PLAUSIBLE, over a day ahead, or out of datetime's range in UTC."""
    now = timezone.now()
    try:
        taken_at = taken_at.astimezone(UTC)
    except (OverflowError, ValueError):
        return now
    return taken_at if EARLIEST_PLAUSIBLE <= taken_at <= now + timedelta(days=1) else now


def photo_post_max_bytes() -> int:
    """The most a photo post's body may declare: the photo (PHOTO_MAX_BYTES) and the
    form's text fields (DATA_UPLOAD_MAX_MEMORY_SIZE); more is refused unread."""
    return settings.PHOTO_MAX_BYTES + (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)


def photo_make_sizes(photo) -> None:
    """Clean the booth's upload into the copy the portal keeps (if not done yet: images
    checks and re-encodes it from its pixels), then make the web and thumbnail copies
    beside it, all from one decode; the upload is deleted as this commits. An upload
    the full check refuses is deleted with its photo. Should the photo be hidden or
    shown meanwhile (its files move), the copies made in the old place are dropped
    and made again in the new one."""
    for _attempt in range(5):
        photo.refresh_from_db()
        if photo.status == Status.DELETED:  # deleted before its sizes were made: nothing to do
            return
        if not photo.upload and photo.web and photo.thumbnail and (photo.still or not photo.animated):  # made
            return
        storage = files.storage_for(photo.status)
        kept = {}
        if photo.upload:
            try:
                with files.uploads_storage().open(photo.upload.name, "rb") as upload:
                    pixels = images.upload_decode(upload)
            except images.PhotoRejected as rejected:
                logger.warning("Photo %s: its upload was refused by the full check (%s)", photo.pk, rejected.code)
                photos_delete(Photo.objects.filter(pk=photo.pk))
                return
            animated = isinstance(pixels, images.Animation)
            content = images.animated_webp(pixels) if animated else images.jpeg(pixels, shown=False)
            name = storage.save(files.new_name("image", photo, _suffix(content)), content)
            kept = {"image": name, "upload": "", "width": pixels.width, "height": pixels.height, "animated": animated}
        else:  # a photo stored cleaned (before issue 16) or whose sizes a moderator's move dropped
            with storage.open(photo.image.name, "rb") as source:
                pixels = images.opened(source)
        made = {
            field: storage.save(files.new_name(field, photo, _suffix(content)), content)
            for field, content in images.sizes(pixels, SIZES).items()
        }
        unmoved = Photo.objects.filter(pk=photo.pk, image=photo.image.name, upload=photo.upload.name)
        unmoved = (
            unmoved.filter(status=Status.VISIBLE)
            if photo.status == Status.VISIBLE
            else unmoved.exclude(status=Status.VISIBLE)
        )
        if unmoved.update(**made, **kept):
            if kept:
                files.delete_upload_on_commit(photo.upload.name)
            photo.refresh_from_db()
            photo_gallery_changed(photo)
            return
        for name in [*made.values(), kept.get("image")]:
            if name:
                storage.delete(name)
    raise RuntimeError(f"photo {photo.pk} kept moving while its sizes were made")


def photo_set_status(photo, status, *, by) -> Photo:
    """Show, hide or approve a photo: its Jam's team (helpers too) or a photo moderator."""
    _require_team_or_moderator(photo.jam, by, jam_selectors.HELPER)
    photo = _photo_move(photo, status)
    if status == Status.VISIBLE:
        photo.reports.filter(resolved_at__isnull=True).update(resolved_at=timezone.now(), resolved_by=by)
    return photo


def photo_delete(photo, *, by) -> None:
    """For good: its Jam's organiser or a co-organiser, or a photo moderator."""
    _require_team_or_moderator(photo.jam, by, jam_selectors.CO_ORGANISER)
    photos_delete(Photo.objects.filter(pk=photo.pk))


def photos_delete(photos) -> None:
    """Delete these photos' files as the change commits. Each row stays, "deleted" and
    without files, so that a booth sending the same idempotency key again (its first
    answer lost) is told the photo was deleted rather than posting it anew."""
    doomed = list(photos.exclude(status=Status.DELETED).select_related("jam"))
    for photo in doomed:
        files.delete_on_commit(photo.status, files.names(photo))
        if photo.upload:
            files.delete_upload_on_commit(photo.upload.name)
    for photo in {photo.jam_id: photo for photo in doomed}.values():  # one per Jam
        photo_gallery_changed(photo)
    no_files = dict.fromkeys(files.FILE_FIELDS, "")
    Photo.objects.filter(pk__in=[photo.pk for photo in doomed]).update(status=Status.DELETED, upload="", **no_files)


def photo_report(photo, *, reason, contact="") -> PhotoReport:
    """Anyone may ask for a photo to be taken down: it is hidden until someone decides."""
    validate_fields(PhotoReport, {"reason": reason})
    with transaction.atomic():
        report = PhotoReport.objects.create(photo=photo, reason=reason, contact=contact)
        if photo.status == Status.VISIBLE:
            _photo_move(photo, Status.REPORTED)
    return report


def _photo_move(photo, status) -> Photo:
    """Give the photo this status, its files moved to the storage the status calls for
    (feed/files.py). The change is stored only if the photo was not changed meanwhile
    (the thumbnail task, another moderator), else tried again from what is stored."""
    for _attempt in range(5):
        with transaction.atomic():
            current = Photo.objects.select_for_update().select_related("jam").get(pk=photo.pk)
            moved = {}
            if files.is_public(current.status) != files.is_public(status):
                moved = files.copy_across(current, to_status=status)
            as_read = {field: getattr(current, field).name for field in files.FILE_FIELDS}
            unchanged = Photo.objects.filter(pk=current.pk, status=current.status, **as_read)
            if unchanged.update(status=status, **moved):
                if moved:
                    files.delete_on_commit(current.status, files.names(current))
                photo_gallery_changed(current)
                current.refresh_from_db()
                return current
        for name in moved.values():  # copies of a photo that changed meanwhile
            files.storage_for(status).delete(name)
    raise RuntimeError(f"photo {photo.pk} kept changing while its status was set")


def photo_gallery_changed(photo) -> None:
    """Pages showing the Jam's photos are rendered again once this change is committed."""
    key = jam_selectors.jam_photos_version_key(photo.jam.slug)
    transaction.on_commit(lambda: pagecache.bump(key))


def _require_team(jam, user, least):
    if not jam_selectors.role_allows(jam_selectors.jam_role(jam, user), least):
        raise PermissionDenied


def _require_team_or_moderator(jam, user, least):
    if not (user.is_authenticated and user.has_perm("feed.moderate_photo")):
        _require_team(jam, user, least)


# --- take-home ---
def takehome_token_free(idempotency_key) -> str | None:
    """The token of the photo's own page (models.takehome_token), unless another photo
    holds it already (another booth posting with the same key): then the photo has no
    page, rather than showing someone else's, or refusing the photo."""
    token = takehome_token(idempotency_key)
    return None if Photo.objects.filter(takehome_token=token).exists() else token


# --- Boomerang ---
def _suffix(content) -> str:
    """The file name's ending for a size: a boomerang's animated sizes are WebP."""
    return ".webp" if images.is_webp(content) else ".jpg"
