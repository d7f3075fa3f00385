import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from jamportal.cldr import formats
from jamportal.cldr.names import CldrCountries
from jamportal.jams import recurrence
from jamportal.jams.languages import spoken_language_choices
from jamportal.text import is_one_line, validate_multiline, validate_single_line


def validate_one_line(text: str) -> None:
    """A title goes into calendar files, feeds, email subjects and headers: no
    control characters (line breaks, tabs, escapes) and no Unicode line or
    paragraph separators."""
    if not is_one_line(text):
        raise ValidationError(
            _("Write the title on one line, without line breaks, tabs or other control characters."), code="one_line"
        )


# Something shaped like an email address anywhere in the text ("@handle" is not).
EMAIL_LIKE = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
# A Jam's description (and its translations): ample for a programme, short of a book.
MAX_DESCRIPTION = 10_000


def validate_not_an_email(text: str) -> None:
    """A name shown to the public: an organiser who types their email there would publish it."""
    if EMAIL_LIKE.search(text):
        raise ValidationError(
            _("Type a name, not an email address: this name is shown on the Jam’s public page."), code="email"
        )


class Campaign(models.Model):
    """A worldwide weekend of Jams, such as the Big Birthday Weekend."""

    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    submission_deadline = models.DateField(_("submission deadline"), null=True, blank=True)
    hashtag = models.CharField(
        _("hashtag"), max_length=50, blank=True, help_text=_("For example #PiParty"), validators=[validate_single_line]
    )
    description = models.TextField(_("description"), blank=True, validators=[validate_multiline])
    # Kept as a PNG drawn from the upload's pixels (services.campaign_artwork_prepare).
    artwork = models.ImageField(
        _("artwork"),
        upload_to="campaigns/",
        blank=True,
        help_text=_("Shown on the campaign's pages instead of our birthday berry. PNG, JPEG or WebP."),
    )

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.display_name

    # The name and description in a language: a staff member's translation
    # (CampaignTranslation), or the original where there is none. All of a campaign's
    # translations come in one query (none where they were prefetched).
    def name_in(self, language) -> str:
        found = self.translations_by_language.get(language)
        return found.name if found else self.name

    def description_in(self, language) -> str:
        found = self.translations_by_language.get(language)
        return found.description if found and found.description else self.description

    @property
    def display_name(self) -> str:
        """The name in the active language (the page's, an email's recipient's)."""
        return self.name_in(translation.get_language())

    @property
    def display_description(self) -> str:
        return self.description_in(translation.get_language())

    @cached_property
    def translations_by_language(self) -> dict:
        return {found.language: found for found in self.translations.all()}


class Jam(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("jam status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("jam status", "Waiting for review")
        APPROVED = "approved", pgettext_lazy("jam status", "Approved")
        REJECTED = "rejected", pgettext_lazy("jam status", "Not approved")
        CANCELLED = "cancelled", pgettext_lazy("jam status", "Cancelled")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        FAMILIES = "families", _("Families and children")
        YOUNG_PEOPLE = "young", _("Young people")
        ADULTS = "adults", _("Adults")
        EDUCATORS = "educators", _("Teachers and educators")

    class Activity(models.TextChoices):
        WORKSHOPS = "workshops", _("Hands-on workshops")
        TALKS = "talks", _("Talks")
        SHOW_AND_TELL = "show-and-tell", _("Show and tell")
        BEGINNERS = "beginners", _("Help for beginners")
        MARKETPLACE = "marketplace", _("Marketplace")
        COMPETITION = "competition", _("Competition")
        PARTY = "party", _("Birthday party")

    title = models.CharField(_("title"), max_length=150, validators=[validate_one_line])
    slug = models.SlugField(_("slug"), max_length=180, unique=True, allow_unicode=True)
    # Empty once the organiser deleted their account and chose to leave their Jams up.
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jams",
        verbose_name=_("organiser"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jams",
        verbose_name=_("campaign"),
    )
    description = models.TextField(
        _("description"),
        help_text=_("Markdown: *emphasis*, lists and links work."),
        max_length=MAX_DESCRIPTION,
        validators=[validate_multiline, MaxLengthValidator(MAX_DESCRIPTION)],
    )
    description_html = models.TextField(editable=False, default="")
    content_language = models.CharField(
        _("written in"),
        max_length=16,
        choices=spoken_language_choices,
        default="en",
        help_text=_("The language of the title and description above."),
    )
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    timezone = models.CharField(_("timezone"), max_length=64, default="UTC")
    venue_name = models.CharField(_("venue"), max_length=150, validators=[validate_single_line])
    address = models.CharField(_("street address"), max_length=250, blank=True, validators=[validate_single_line])
    city = models.CharField(_("town or city"), max_length=100, validators=[validate_single_line])
    country = CountryField(_("country"), countries=CldrCountries)
    latitude = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(_("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    venue_private = models.BooleanField(
        _("the venue is a private place"),
        default=False,
        help_text=_(
            "For a home or a school: the public map then shows only the area (to about 1 km) and no street address."
        ),
    )
    website = models.URLField(
        _("event webpage"),
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Where people book a place, for example on Eventbrite or Meetup."),
    )
    audience = models.CharField(_("who is it for"), max_length=20, choices=Audience, default=Audience.EVERYONE)
    activities = models.JSONField(_("activities"), default=list, blank=True)
    languages = models.JSONField(_("languages spoken"), default=list)
    expected_attendees = models.PositiveIntegerField(
        _("expected attendees"), null=True, blank=True, validators=[MaxValueValidator(100_000)]
    )
    social_handle = models.CharField(
        _("social media handle"), max_length=100, blank=True, validators=[validate_single_line]
    )
    # Who runs the Jam, as the public sees it: a person's or a group's name the organiser
    # chooses. Never filled from the account: an organiser's email stays private.
    host_name = models.CharField(
        _("organised by"),
        max_length=100,
        blank=True,
        validators=[validate_single_line, validate_not_an_email],
        help_text=_(
            "Your name or your group's, as visitors should see it on the Jam's page. Leave it empty to show none."
        ),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    moderation_note = models.TextField(_("moderation note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    # Set when the organiser changes the words of an approved Jam (services.REVIEWED_FIELDS,
    # or a translation): it stays up, and waits in the moderation queue for a look.
    changes_to_review_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # --- series ---
    # A date of a repeating Jam (JamSeries), and the start its rule gave it: a moved date
    # keeps it (calendars know the date by it, RECURRENCE-ID).
    series = models.ForeignKey(
        "JamSeries", on_delete=models.SET_NULL, null=True, blank=True, related_name="occurrences"
    )
    occurrence_start = models.DateTimeField(null=True, blank=True)
    # --- end series ---

    class Meta:
        ordering = ["start"]
        verbose_name = _("Jam")
        verbose_name_plural = _("Jams")
        permissions = [("moderate_jam", _("Can moderate Jams"))]
        indexes = [
            models.Index(fields=["status", "end"], name="jam_status_end"),
            models.Index(fields=["country", "start"], name="jam_country_start"),
            # Near-me and the map read public Jams by position: status first, so that
            # the planner narrows by both and never scans every approved Jam; the end
            # last, so that SQLite tells upcoming Jams from the index alone.
            models.Index(fields=["status", "latitude", "longitude", "end"], name="jam_status_position_end"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gt=models.F("start")), name="jam_ends_after_start"),
            models.CheckConstraint(condition=models.Q(latitude__gte=-90, latitude__lte=90), name="jam_latitude_range"),
            models.CheckConstraint(
                condition=models.Q(longitude__gte=-180, longitude__lte=180), name="jam_longitude_range"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("jams:detail", kwargs={"slug": self.slug})

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def local_start(self):
        return self.start.astimezone(self.tz)

    @property
    def local_end(self):
        return self.end.astimezone(self.tz)

    # Two decimal places of a degree: about 1.1 km north-south, less east-west.
    PRIVATE_PRECISION = 2

    @property
    def public_latitude(self) -> float:
        """Where the public may see the Jam: the area only, for a private venue."""
        return round(self.latitude, self.PRIVATE_PRECISION) if self.venue_private else self.latitude

    @property
    def public_longitude(self) -> float:
        return round(self.longitude, self.PRIVATE_PRECISION) if self.venue_private else self.longitude

    @property
    def public_address(self) -> str:
        return "" if self.venue_private else self.address

    @property
    def is_public(self) -> bool:
        """Approved Jams are public; so is a cancelled one that was once approved."""
        return self.approved_at is not None and self.status in (self.Status.APPROVED, self.Status.CANCELLED)

    def get_activities_display(self):
        labels = dict(self.Activity.choices)
        return [labels[code] for code in self.activities if code in labels]

    @property
    def translation(self):
        """The translation selected for the visitor's language (see
        selectors.with_translation), or None to show the original."""
        found = getattr(self, "visitor_translations", None)
        return found[0] if found else None

    @property
    def display_title(self):
        translation = self.translation
        return translation.title if translation else self.title


class CampaignPoster(models.Model):
    """A rendered PDF poster of a campaign's Jams, kept until the Jams change; the
    row exists from the first time the poster is asked for, its file from its
    first build (jams/posters.py)."""

    class Size(models.TextChoices):
        A3 = "a3", "A3"
        A2 = "a2", "A2"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="posters")
    size = models.CharField(max_length=2, choices=Size)
    language = models.CharField(max_length=16, choices=settings.LANGUAGES)
    file = models.FileField(upload_to="posters/", blank=True)
    # A digest of everything printed on it: when it differs, the poster is stale.
    fingerprint = models.CharField(max_length=64, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    # The Jams changed since the last build began.
    stale = models.BooleanField(default=False)
    # When the build now queued (or running) was queued; None when there is none.
    build_queued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "size", "language"], name="one_poster_per_size_and_language")
        ]

    def __str__(self):
        return f"{self.campaign} ({self.size}, {self.language})"


class JamTranslation(models.Model):
    """The title and description of a Jam in another of the site's languages."""

    jam = models.ForeignKey(Jam, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=16, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=150, validators=[validate_one_line])
    description = models.TextField(
        _("description"),
        help_text=_("Markdown: *emphasis*, lists and links work."),
        max_length=MAX_DESCRIPTION,
        validators=[validate_multiline, MaxLengthValidator(MAX_DESCRIPTION)],
    )
    description_html = models.TextField(editable=False, default="")

    class Meta:
        ordering = ["language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [models.UniqueConstraint(fields=["jam", "language"], name="one_translation_per_language")]

    def __str__(self):
        return f"{self.jam_id} [{self.language}] {self.title}"


class CampaignTranslation(models.Model):
    """A campaign's name and description in another of the site's languages, entered
    by staff: pages, posters, emails and feeds show it to readers of that language."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=16, choices=settings.LANGUAGES)
    name = models.CharField(_("name"), max_length=200, validators=[validate_single_line])
    description = models.TextField(
        _("description"),
        blank=True,
        validators=[validate_multiline],
        help_text=_("Left empty, the original description is shown."),
    )

    class Meta:
        ordering = ["language"]
        verbose_name = _("campaign translation")
        verbose_name_plural = _("campaign translations")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "language"], name="one_campaign_translation_per_language")
        ]

    def __str__(self):
        return f"{self.campaign_id} [{self.language}] {self.name}"


class JamEvent(models.Model):
    """One entry of a Jam's audit trail: who did what, when, and what changed."""

    class Action(models.TextChoices):
        CREATED = "created", pgettext_lazy("jam event", "Created")
        EDITED = "edited", pgettext_lazy("jam event", "Edited")
        SUBMITTED = "submitted", pgettext_lazy("jam event", "Submitted for review")
        APPROVED = "approved", pgettext_lazy("jam event", "Approved")
        REJECTED = "rejected", pgettext_lazy("jam event", "Rejected")
        CANCELLED = "cancelled", pgettext_lazy("jam event", "Cancelled")
        TRANSLATED = "translated", pgettext_lazy("jam event", "Translation changed")
        CHANGES_ACCEPTED = "changes_accepted", pgettext_lazy("jam event", "Changes accepted")
        REMINDED_WEEK = "reminded_week", pgettext_lazy("jam event", "Reminder sent: a week to go")
        REMINDED_DAY = "reminded_day", pgettext_lazy("jam event", "Reminder sent: the day before")
        # --- teams ---
        INVITED = "invited", pgettext_lazy("jam event", "Invited to the team")
        INVITATION_REVOKED = "invitation_revoked", pgettext_lazy("jam event", "Invitation withdrawn")
        JOINED = "joined", pgettext_lazy("jam event", "Joined the team")
        MEMBER_REMOVED = "member_removed", pgettext_lazy("jam event", "Removed from the team")
        LEFT = "left", pgettext_lazy("jam event", "Left the team")
        HANDED_OVER = "handed_over", pgettext_lazy("jam event", "Handed over to a co-organiser")

    jam = models.ForeignKey(Jam, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=20, choices=Action)
    changes = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    # When a worker began sending its emails (jamportal/mail.py).
    notify_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Jam history entry")
        verbose_name_plural = _("Jam history")

    def __str__(self):
        return f"{self.get_action_display()}: {self.jam_id}"

    @property
    def is_automatic(self):
        """Recorded by JamPortal itself (a reminder), not by a person."""
        return self.action in (self.Action.REMINDED_WEEK, self.Action.REMINDED_DAY)


# --- teams ---


class JamMember(models.Model):
    """Someone who runs a Jam with its organiser (Jam.organiser, who alone may delete it
    and manage the team): a co-organiser may do everything else, a helper only the
    door's check-in and the photobooths (jams.selectors.jam_for_team_or_404)."""

    class Role(models.TextChoices):
        CO_ORGANISER = "co-organiser", pgettext_lazy("team role", "Co-organiser")
        HELPER = "helper", pgettext_lazy("team role", "Helper")

    jam = models.ForeignKey(Jam, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jam_memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["joined_at", "pk"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [models.UniqueConstraint(fields=["jam", "user"], name="one_membership_per_jam")]

    def __str__(self):
        return f"{self.jam_id}: {self.user_id} ({self.role})"


class JamInvitation(models.Model):
    """An invitation to a Jam's team, sent by email. The link's secret is made from
    `token_salt` and the site's SECRET_KEY (services.team_invitation_token), so that the
    email task can write it; the database keeps only its SHA-256 (`token_hash`)."""

    Role = JamMember.Role

    jam = models.ForeignKey(Jam, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=JamMember.Role)
    language = models.CharField(_("language of the email"), max_length=16, choices=settings.LANGUAGES)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token_salt = models.CharField(max_length=32, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("team invitation")
        verbose_name_plural = _("team invitations")

    def __str__(self):
        return f"{self.jam_id}: {self.email} ({self.role})"

    def is_pending(self, now) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now


# --- series ---


class JamSeries(models.Model):
    """A Jam that repeats: its rule (an iCalendar RRULE: every week, every month on a
    date or on a weekday, until a date or a number of times), and its dates, each a Jam
    of its own (Jam.series) made by services.series_extend up to a year ahead. The
    first date's Jam holds what every date copies (title, venue, description...).
    Approval is of the series: its status is what the moderator decided for it."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Every week")
        MONTHLY_DATE = "monthly-date", _("Every month, on the same date")
        MONTHLY_WEEKDAY = "monthly-weekday", _("Every month, on the same weekday")

    MAX_COUNT = 200

    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="jam_series"
    )
    frequency = models.CharField(max_length=20, choices=Frequency)
    # For MONTHLY_WEEKDAY: the week of the month (1 to 4, or -1 for the last).
    week_of_month = models.SmallIntegerField(null=True, blank=True)
    # The first date's start and length, in its timezone: every date starts at the same
    # wall-clock time there (10:00 stays 10:00 across a change to summer time).
    starts = models.DateTimeField()
    duration = models.DurationField()
    timezone = models.CharField(max_length=64)
    until = models.DateField(null=True, blank=True)
    count = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(2), MaxValueValidator(MAX_COUNT)]
    )
    status = models.CharField(max_length=20, choices=Jam.Status, default=Jam.Status.DRAFT)
    # Dates are made up to this moment (a year ahead, moved on daily).
    generated_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"series {self.pk}"

    def get_absolute_url(self):
        return reverse("jams:series", kwargs={"pk": self.pk})

    def rule(self) -> dict:
        """The rule's parts as jams.recurrence takes them (its start on the venue's clock)."""
        return {
            "frequency": self.frequency,
            "starts": self.starts.astimezone(ZoneInfo(self.timezone)).replace(tzinfo=None),
            "week": self.week_of_month,
            "until": self.until,
            "count": self.count,
        }

    @property
    def rule_in_words(self) -> str:
        """ "Every month, on the second Saturday", in the active language."""
        rule = self.rule()
        return recurrence.describe(frequency=rule["frequency"], starts=rule["starts"], week=rule["week"])

    @property
    def end_in_words(self) -> str:
        """ "Until 12 December 2027", "6 dates in all", or nothing for a series without an end."""
        if self.count:
            return ngettext("%(count)s date in all", "%(count)s dates in all", self.count) % {
                "count": formats.format_number(self.count)
            }
        if self.until:
            return gettext("Until %(day)s") % {"day": formats.format_date(self.until)}
        return ""
