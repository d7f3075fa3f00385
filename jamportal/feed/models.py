import functools
import hashlib
import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop, override, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from jamportal.jams.models import Jam
from jamportal.text import validate_multiline, validate_single_line

# What the pairing form offers to call a new booth, in the organiser's language.
BOOTH_DEFAULT_NAME = gettext_noop("Photobooth")


@functools.cache
def _booth_default_names() -> frozenset[str]:
    """The default name as the form offered it in each of the site's languages."""
    names = set()
    for language, _name in settings.LANGUAGES:
        with override(language):
            names.add(gettext(BOOTH_DEFAULT_NAME))
    return frozenset(names)


class Booth(models.Model):
    """A photobooth paired with a Jam. Its secret token is shown once and stored only as a hash."""

    jam = models.ForeignKey(Jam, on_delete=models.CASCADE, related_name="booths")
    name = models.CharField(_("name"), max_length=80, validators=[validate_single_line])
    token_hash = models.CharField(max_length=64, unique=True)
    token_hint = models.CharField(
        _("token hint"), max_length=12, help_text=_("The token's first characters, to tell booths apart.")
    )
    created_at = models.DateTimeField(_("date created"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    backlog = models.PositiveIntegerField(
        _("photos waiting"), null=True, blank=True, help_text=_("As the booth last reported: photos not yet posted.")
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("photobooth")
        verbose_name_plural = _("photobooths")

    def __str__(self):
        return f"{self.name} ({self.jam})"

    @property
    def display_name(self) -> str:
        """Its name, or the default name ("Photobooth", kept as the form offered it in
        the organiser's language) in the reader's language."""
        return gettext(BOOTH_DEFAULT_NAME) if self.name in _booth_default_names() else self.name


# The names a caption template may use; the booth fills them in (photobooth/i18n.py).
CAPTION_FIELDS = ("campaign", "jam", "date")
DEFAULT_CAPTION_TEMPLATE = "{campaign}, {jam}, {date}"


def validate_caption_template(template: str) -> None:
    """Only {campaign}, {jam} and {date}, each bare: no format spec (a width of
    1500000000 is 1.5 GB of spaces), no conversion, no attribute or index (a way
    into the objects behind the names). Read with the parser alone, never formatted."""
    try:
        fields = [parts[1:] for parts in string.Formatter().parse(template) if parts[1] is not None]
    except ValueError:
        raise ValidationError(
            _("A brace is not closed: write {campaign}, {jam} or {date}, and {{ or }} for a brace itself."),
            code="unclosed",
        ) from None
    for name, spec, conversion in fields:
        if name not in CAPTION_FIELDS or spec or conversion:
            written = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise ValidationError(
                _(
                    "The caption cannot fill in “%(field)s”: use only {campaign}, {jam} and {date}, "
                    "with nothing else in the braces."
                ),
                code="field",
                params={"field": written},
            )


# A language code as a booth sends it: "en", "pt-br", "pt_BR", "zh-Hant" (no bidi
# controls or other characters that would change how a page around it reads).
validate_language_code = RegexValidator(
    r"\A[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*\Z", _("Give a language code such as en, fa or pt-BR.")
)


class FeedSettings(models.Model):
    """How a Jam's photo feed behaves."""

    jam = models.OneToOneField(Jam, on_delete=models.CASCADE, related_name="feed_settings")
    approve_first = models.BooleanField(
        _("approve photos before they appear"),
        default=False,
        help_text=_("Otherwise booth photos appear on the Jam's page at once."),
    )
    hashtag = models.CharField(
        _("hashtag"), max_length=50, blank=True, help_text=_("For example #PiParty"), validators=[validate_single_line]
    )
    caption_template = models.CharField(
        _("caption"),
        max_length=200,
        default=DEFAULT_CAPTION_TEMPLATE,
        help_text=_("{campaign}, {jam} and {date} are filled in on each photo."),
        validators=[validate_single_line, validate_caption_template],
    )

    def __str__(self):
        return str(self.jam)


def private_storage():
    """The storage no web server serves (feed/files.py says which photo files live there)."""
    return storages["private"]


class Photo(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible", pgettext_lazy("photo status", "Visible")
        PENDING = "pending", pgettext_lazy("photo status", "Waiting for approval")
        HIDDEN = "hidden", pgettext_lazy("photo status", "Hidden")
        REPORTED = "reported", pgettext_lazy("photo status", "Reported")
        # Its files are gone; the row stays so that a booth retrying its key is told
        # so instead of posting the photo again (feed.services.photos_delete).
        DELETED = "deleted", pgettext_lazy("photo status", "Deleted")

    jam = models.ForeignKey(Jam, on_delete=models.CASCADE, related_name="photos")
    booth = models.ForeignKey(Booth, on_delete=models.SET_NULL, null=True, blank=True, related_name="photos")
    idempotency_key = models.CharField(max_length=100, validators=[validate_single_line])
    caption = models.CharField(_("caption"), max_length=500, blank=True, validators=[validate_single_line])
    alt_text = models.CharField(
        _("description for screen readers"), max_length=500, blank=True, validators=[validate_single_line]
    )
    language = models.CharField(max_length=16, blank=True, validators=[validate_single_line, validate_language_code])
    taken_at = models.DateTimeField(_("taken at"))
    # The booth's file as it arrived, until the worker has checked and cleaned it
    # (feed.services.photo_clean): in the private storage only, whatever the status.
    upload = models.FileField(upload_to="uploads/%Y/%m/", storage=private_storage, blank=True)
    # The kept copy, cleaned (empty until then: the photo is not shown before).
    image = models.ImageField(upload_to="photos/%Y/%m/", blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    web = models.ImageField(upload_to="photos/web/%Y/%m/", blank=True)
    thumbnail = models.ImageField(upload_to="photos/thumbnails/%Y/%m/", blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.VISIBLE)
    created_at = models.DateTimeField(_("date created"), auto_now_add=True)
    # The photo's own page, /photo/<token>/ (take-home): takehome_token(idempotency_key),
    # which the booth works out too, to show its QR code before the photo is posted.
    # Empty for a photo whose token another photo holds (a booth reusing another's key).
    takehome_token = models.CharField(max_length=32, unique=True, null=True, blank=True, editable=False)
    # --- Boomerang ---
    # A booth's boomerang: image, web and thumbnail are animated WebPs, and `still` its
    # first frame (a JPEG at the web size), shown to visitors who ask for less motion.
    animated = models.BooleanField(_("animated"), default=False)
    still = models.ImageField(upload_to="photos/stills/%Y/%m/", blank=True)

    class Meta:
        ordering = ["-taken_at", "-pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        permissions = [("moderate_photo", _("Can moderate photos"))]
        constraints = [
            models.UniqueConstraint(fields=["booth", "idempotency_key"], name="one_photo_per_booth_key"),
        ]
        indexes = [models.Index(fields=["jam", "status", "-taken_at"], name="photo_gallery")]

    def __str__(self):
        return f"{self.jam_id}: {self.caption[:40]}"

    # Each size, with the larger ones standing in until the task has made it.
    SIZE_FILES = {
        "thumbnail": ("thumbnail", "web", "image"),
        "web": ("web", "image"),
        "image": ("image",),
        "still": ("still", "web", "image"),
    }

    @property
    def is_cleaned(self):
        """The worker has made the kept copy from the upload (pages show only such photos)."""
        return bool(self.image)

    def file_for(self, size):
        """The stored file that shows this size (the original until the smaller ones are
        made); None before the upload is cleaned."""
        return next((file for file in (getattr(self, field) for field in self.SIZE_FILES[size]) if file), None)

    def file_url(self, size):
        """A visible photo's address on the web server (or bucket); any other photo's,
        or one not yet cleaned, is the portal's own, which only its organiser and
        moderators may open (and which answers 404 until there is a file)."""
        if self.status == self.Status.VISIBLE and self.is_cleaned:
            return self.file_for(size).url
        return reverse("feed:photo-file", args=[self.pk, size])

    @property
    def display_url(self):
        return self.file_url("web")

    @property
    def thumbnail_url(self):
        return self.file_url("thumbnail")

    @property
    def still_url(self):
        """A boomerang's first frame (a photo's web size), for pages asked for less motion."""
        return self.file_url("still")


class PhotoReport(models.Model):
    """Someone asked for a photo to be taken down; it stays hidden until a moderator decides."""

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="reports", verbose_name=_("photo"))
    reason = models.TextField(_("why should it be removed?"), validators=[validate_multiline])
    contact = models.EmailField(_("your email address (optional)"), blank=True)
    created_at = models.DateTimeField(_("date created"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("photo report")
        verbose_name_plural = _("photo reports")

    def __str__(self):
        return _("Report on photo %(number)s") % {"number": self.photo_id}


# --- take-home ---
TAKEHOME_TOKEN_LENGTH = 32


def takehome_token(idempotency_key: str) -> str:
    """The token of a photo's own page, from the key its booth posted it with; the
    booth works out the same (photobooth/takehome.py), before posting. A hash, so the
    page's address does not give the key away: 128 bits of a uuid4 the booth made."""
    digest = hashlib.sha256(f"jamportal take-home\0{idempotency_key}".encode()).hexdigest()
    return digest[:TAKEHOME_TOKEN_LENGTH]
