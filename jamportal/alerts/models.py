"""A visitor's wish to hear of Jams near a place, and each Jam they were told of.

What is kept is what the alert needs and no more: the place as coordinates rounded
to PLACE_DIGITS decimals (about a kilometre), the radius, the visitor's language,
"I would help run one", and the email address only while the alert lives (an
unconfirmed one is deleted after ALERT_CONFIRM_HOURS; unsubscribing deletes it).
The address is also kept as a keyed hash (`email_hash`), which the abuse limits
count. The link's secret is made from `token_salt` and SECRET_KEY (services.alert_token);
the database keeps its SHA-256 only.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jamportal.jams.models import Jam

PLACE_DIGITS = 2
# The radii a visitor chooses from; in miles for visitors from the US and the UK
# (kept in km all the same, to three decimals).
KM_PER_MILE = 1.609344
RADIUS_CHOICES_KM = (10, 25, 50, 100)
RADIUS_CHOICES_MILES = (10, 15, 30, 60)  # whole miles over the km choices' range (to 97 km): issue 22
MAX_RADIUS_KM = 100


class Alert(models.Model):
    class Kind(models.TextChoices):
        NONE_NEARBY = "none-nearby", _("No Jam nearby yet")
        AREA = "area", _("Following an area")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.NONE_NEARBY)
    email = models.EmailField(_("email address"), blank=True)
    email_hash = models.CharField(max_length=64, db_index=True, editable=False)
    latitude = models.FloatField(_("latitude"), validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(_("longitude"), validators=[MinValueValidator(-180), MaxValueValidator(180)])
    radius_km = models.FloatField(_("within (km)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_RADIUS_KM)])
    language = models.CharField(max_length=16, default="en")  # of the emails
    miles = models.BooleanField(default=False)  # distances in the emails in miles (visitors from the US and the UK)
    would_help = models.BooleanField(_("would help run one"), default=False)
    token_salt = models.CharField(max_length=32, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Jam alert")
        verbose_name_plural = _("Jam alerts")
        indexes = [models.Index(fields=["confirmed_at", "latitude"], name="alert_confirmed_latitude")]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="alert_place_on_earth",
            ),
        ]

    def __str__(self):
        return f"{self.latitude}, {self.longitude} ({self.radius_km} km)"


class AlertNotice(models.Model):
    """One approved Jam an alert's visitor is told of: made once per alert and Jam,
    delivered at most once (jamportal/mail.py)."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notices")
    jam = models.ForeignKey(Jam, on_delete=models.CASCADE, related_name="+")
    distance_km = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)
    notify_claimed_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["alert", "jam"], name="alert_notice_once")]

    def __str__(self):
        return f"{self.alert_id} → {self.jam_id}"
