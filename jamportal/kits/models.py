from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy
from django_countries.fields import CountryField

from jamportal.cldr.names import CldrCountries
from jamportal.jams.models import Campaign, Jam
from jamportal.text import validate_multiline, validate_single_line


class Kit(models.Model):
    """The birthday kit of a campaign: what organisers may ask for, and until when."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="kit", verbose_name=_("campaign"))
    request_deadline = models.DateField(_("requests close on"))
    dispatch_country = CountryField(
        _("shipped from"), countries=CldrCountries, help_text=_("Kits going elsewhere need a customs declaration.")
    )
    currency = models.CharField(
        _("currency of the values"),
        max_length=3,
        default="GBP",
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Three capital letters, as in ISO 4217: GBP, EUR, USD."))],
        help_text=_("The values of the items are in this currency, on customs forms and in the courier's file."),
    )
    retention_days = models.PositiveIntegerField(
        _("keep addresses for (days after the campaign)"), default=90, validators=[MinValueValidator(1)]
    )

    class Meta:
        verbose_name = _("kit")
        verbose_name_plural = _("kits")
        permissions = [("fulfil_kits", _("Can fulfil birthday kits"))]

    def __str__(self):
        return str(self.campaign)


class KitItem(models.Model):
    """One thing in the kit (T-shirts, stickers, a poster), with its sizes if it has any."""

    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("name"), max_length=100)
    sizes = models.JSONField(_("sizes"), default=list, blank=True, help_text=_('For example ["S", "M", "L"]'))
    max_per_request = models.PositiveIntegerField(_("most per request"), default=1, validators=[MinValueValidator(1)])
    unit_value = models.DecimalField(_("value each (for customs)"), max_digits=8, decimal_places=2, default=0)
    unit_weight_grams = models.PositiveIntegerField(_("weight each (g)"), default=0)
    hs_code = models.CharField(
        _("HS tariff code"),
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d{4}(\.\d{2}){0,3}$", _("Digits as in 6109.10 or 4911.99.00."))],
        help_text=_("The Harmonized System code customs forms print for this item, e.g. 6109.10 for cotton T-shirts."),
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("kit item")
        verbose_name_plural = _("kit items")

    def __str__(self):
        return self.name

    def size_choices(self):
        return self.sizes or [""]


class StockLevel(models.Model):
    """Stock of one item in one size. Available = received - reserved - taken, never below 0."""

    item = models.ForeignKey(KitItem, on_delete=models.CASCADE, related_name="stock", verbose_name=_("kit item"))
    size = models.CharField(_("size"), max_length=20, blank=True)
    received = models.PositiveIntegerField(_("received"), default=0)
    reserved = models.PositiveIntegerField(_("reserved"), default=0)
    taken = models.PositiveIntegerField(_("packed"), default=0)

    class Meta:
        ordering = ["item", "pk"]
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(fields=["item", "size"], name="one_stock_level_per_size"),
            models.CheckConstraint(
                condition=models.Q(received__gte=models.F("reserved") + models.F("taken")), name="stock_never_negative"
            ),
        ]

    def __str__(self):
        return f"{self.item} {self.size}".strip()

    @property
    def available(self):
        return self.received - self.reserved - self.taken


class KitRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("kit status", "Requested")
        APPROVED = "approved", pgettext_lazy("kit status", "Approved")
        PACKED = "packed", pgettext_lazy("kit status", "Packed")
        SHIPPED = "shipped", pgettext_lazy("kit status", "Shipped")
        DELIVERED = "delivered", pgettext_lazy("kit status", "Delivered")
        RETURNED = "returned", pgettext_lazy("kit status", "Returned")
        REJECTED = "rejected", pgettext_lazy("kit status", "Not approved")
        CANCELLED = "cancelled", pgettext_lazy("kit status", "Cancelled")

    jam = models.OneToOneField(Jam, on_delete=models.CASCADE, related_name="kit_request")
    kit = models.ForeignKey(Kit, on_delete=models.PROTECT, related_name="requests")
    recipient_name = models.CharField(_("recipient's name"), max_length=150, validators=[validate_single_line])
    phone = models.CharField(
        _("phone"),
        max_length=40,
        help_text=_("Couriers call this number if they cannot deliver."),
        validators=[validate_single_line],
    )
    address_line1 = models.CharField(_("address"), max_length=200, validators=[validate_single_line])
    address_line2 = models.CharField(
        _("address, second line"), max_length=200, blank=True, validators=[validate_single_line]
    )
    city = models.CharField(_("town or city"), max_length=100, validators=[validate_single_line])
    region = models.CharField(
        _("region, state or province"), max_length=100, blank=True, validators=[validate_single_line]
    )
    postcode = models.CharField(_("postcode"), max_length=20, blank=True, validators=[validate_single_line])
    country = CountryField(_("country"), countries=CldrCountries)
    expected_attendees = models.PositiveIntegerField(_("expected attendees"), validators=[MinValueValidator(1)])
    notes = models.TextField(_("notes for the packers"), blank=True, validators=[validate_multiline])
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.REQUESTED)
    reason = models.TextField(_("reason"), blank=True)
    carrier = models.CharField(_("carrier"), max_length=50, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    nudged_at = models.DateTimeField(null=True, blank=True)  # asked whether the kit arrived
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Where the kit goes: what labels, packing slips and the courier's file print.
    SHIPPING_FIELDS = [
        "recipient_name",
        "phone",
        "address_line1",
        "address_line2",
        "city",
        "region",
        "postcode",
        "country",
    ]

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("kit request")
        verbose_name_plural = _("kit requests")
        indexes = [models.Index(fields=["kit", "status"], name="kit_request_status")]

    def __str__(self):
        return f"{self.jam} ({self.get_status_display()})"

    @property
    def address_lines(self):
        """The address as it goes on a label."""
        city_line = " ".join(part for part in [self.postcode, self.city] if part)
        parts = [self.recipient_name, self.address_line1, self.address_line2, city_line, self.region]
        return [part for part in parts if part] + [str(self.country.name).upper()]


class KitRequestLine(models.Model):
    request = models.ForeignKey(KitRequest, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(KitItem, on_delete=models.PROTECT, related_name="+")
    size = models.CharField(max_length=20, blank=True)
    quantity = models.PositiveIntegerField(validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["item__position", "item", "pk"]
        constraints = [models.UniqueConstraint(fields=["request", "item", "size"], name="one_line_per_item_size")]

    def __str__(self):
        return f"{self.quantity} × {self.item} {self.size}".strip()


class KitRequestEvent(models.Model):
    """Who moved a kit request, when, from where to where, and why."""

    request = models.ForeignKey(KitRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    # When a worker began sending its email (jamportal/mail.py).
    notify_claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.from_status} → {self.to_status}"

    @property
    def from_label(self):
        """The status it left, as people read it ("New" before its first)."""
        return KitRequest.Status(self.from_status).label if self.from_status else pgettext("kit status", "New")

    @property
    def to_label(self):
        return KitRequest.Status(self.to_status).label
