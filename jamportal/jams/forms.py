import datetime
import math
from urllib.parse import urlencode
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from jamportal.forms import LongSelect, LongSelectMultiple
from jamportal.jams import selectors, services
from jamportal.jams.languages import spoken_language_choices
from jamportal.jams.models import Campaign, Jam, JamTranslation

LOCAL_DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=LOCAL_DATETIME_FORMAT)


class JamForm(forms.ModelForm):
    """The organiser's submission form.

    Start and end are typed as the local time at the venue; the venue's timezone
    comes from its coordinates, and the times are stored aware in that timezone.
    """

    start = forms.DateTimeField(label=_("Starts"), widget=LocalDateTimeInput, help_text=_("Local time at the venue."))
    end = forms.DateTimeField(label=_("Ends"), widget=LocalDateTimeInput, help_text=_("Local time at the venue."))
    latitude = forms.FloatField(
        label=_("Latitude"), min_value=-90, max_value=90, widget=forms.NumberInput(attrs={"step": "any"})
    )
    longitude = forms.FloatField(
        label=_("Longitude"), min_value=-180, max_value=180, widget=forms.NumberInput(attrs={"step": "any"})
    )
    timezone = forms.ChoiceField(
        label=_("Timezone"),
        choices=lambda: [("", _("Work it out from the map")), *((tz, tz) for tz in sorted(available_timezones()))],
        required=False,
        help_text=_("Filled in from the venue's position; change it only if it is wrong."),
        widget=LongSelect,
    )
    website = forms.URLField(
        label=capfirst(Jam._meta.get_field("website").verbose_name),
        help_text=Jam._meta.get_field("website").help_text,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    activities = forms.MultipleChoiceField(
        label=_("What happens there"), choices=Jam.Activity.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"),
        choices=spoken_language_choices,
        widget=LongSelectMultiple(attrs={"size": 6}),
        help_text=_("Hold Ctrl (or ⌘) to pick more than one."),
    )

    class Meta:
        model = Jam
        fields = services.EDITABLE_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 8}),
            "city": forms.TextInput(attrs={"list": "city-suggestions", "autocomplete": "off"}),
            "country": LongSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        campaigns = selectors.campaign_open_for_submissions()
        if self.instance.campaign_id:
            campaigns = campaigns | Campaign.objects.filter(pk=self.instance.campaign_id)
        self.fields["campaign"].queryset = campaigns
        self.fields["campaign"].empty_label = _("No campaign: a Jam of its own")
        if not self.instance.pk:
            self.initial.setdefault("content_language", get_language())
        if self.instance.pk:
            # Show the stored times as the local wall-clock time at the venue.
            self.initial["start"] = timezone.make_naive(self.instance.start, self.instance.tz)
            self.initial["end"] = timezone.make_naive(self.instance.end, self.instance.tz)

    def clean(self):
        """The venue's timezone and the times in it, and what is wrong with them,
        come from services.jam_schedule (the service applies it again on saving)."""
        data = super().clean()
        if data.get("latitude") is None or data.get("longitude") is None:
            return data  # those fields say what is wrong
        # The field made the typed time aware in the server's timezone; it was meant
        # as the local time at the venue.
        typed = {**data, **{name: timezone.make_naive(data[name]) for name in ("start", "end") if data.get(name)}}
        try:
            data.update(services.jam_schedule(typed, jam=self.instance if self.instance.pk else None))
        except ValidationError as error:
            self.add_error(None, error)
        return data


MAX_RADIUS_KM = 2000
DEFAULT_RADIUS_KM = 50
DEFAULT_NEAREST = 5
DEFAULT_RADIUS_KM_TEXT, DEFAULT_NEAREST_TEXT = str(DEFAULT_RADIUS_KM), str(DEFAULT_NEAREST)


class PointField(forms.CharField):
    """ "latitude,longitude" in decimal degrees, e.g. "3.848,11.502"."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            latitude, longitude = (float(part) for part in value.split(","))
        except ValueError:
            raise forms.ValidationError(
                _("Give a position as latitude,longitude, e.g. 51.5,-0.12."), code="invalid"
            ) from None
        if not (math.isfinite(latitude) and math.isfinite(longitude)):
            raise forms.ValidationError(_("Give a position as latitude,longitude, e.g. 51.5,-0.12."), code="invalid")
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise forms.ValidationError(
                _("Latitude must be between -90 and 90, longitude between -180 and 180."), code="range"
            )
        return latitude, longitude


class FilterDateField(forms.DateField):
    """A day for the filters, within FIRST_DAY..LAST_DAY: Jams began in 2012, and a
    day at the ends of the calendar (0001-01-01, 9999-12-31) only finds nothing
    or overflows the date arithmetic further on."""

    FIRST_DAY = datetime.date(2000, 1, 1)
    LAST_DAY = datetime.date(2099, 12, 31)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "min": self.FIRST_DAY.isoformat(), "max": self.LAST_DAY.isoformat()}

    def validate(self, value):
        super().validate(value)
        if value and not self.FIRST_DAY <= value <= self.LAST_DAY:
            raise forms.ValidationError(
                _("Choose a date between %(first)s and %(last)s."),
                code="range",
                params={"first": formats.date_format(self.FIRST_DAY), "last": formats.date_format(self.LAST_DAY)},
            )


class JamFilterForm(forms.Form):
    """Filters shared by the list, the map endpoint and (later) the feeds."""

    WHEN_CHOICES = [
        (selectors.UPCOMING, pgettext_lazy("jam filter", "Upcoming")),
        (selectors.PAST, pgettext_lazy("jam filter", "Past")),
        (selectors.ALL, pgettext_lazy("jam filter", "All")),
    ]

    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.order_by("-starts_on"),
        to_field_name="slug",
        required=False,
        empty_label=_("All campaigns"),
    )
    country = forms.ChoiceField(
        label=_("Country"), choices=lambda: [("", _("All countries")), *countries], required=False, widget=LongSelect
    )
    spoken = forms.ChoiceField(
        label=_("Language spoken"),
        choices=lambda: [("", _("Any language")), *spoken_language_choices()],
        required=False,
        widget=LongSelect,
    )
    q = forms.CharField(
        label=_("Near"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"placeholder": _("Town or city"), "list": "place-suggestions", "autocomplete": "off"}
        ),
    )
    around = PointField(required=False, widget=forms.HiddenInput)
    radius = forms.FloatField(
        label=_("Within (km)"),
        required=False,
        min_value=1,
        max_value=MAX_RADIUS_KM,
        widget=forms.NumberInput(attrs={"placeholder": DEFAULT_RADIUS_KM_TEXT, "step": "any"}),
    )
    nearest = forms.IntegerField(
        label=_("Always show the nearest"),
        required=False,
        min_value=1,
        max_value=50,
        widget=forms.NumberInput(attrs={"placeholder": DEFAULT_NEAREST_TEXT}),
    )
    days = forms.IntegerField(label=_("In the next (days)"), required=False, min_value=1, max_value=366)
    date_from = FilterDateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = FilterDateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.ChoiceField(label=_("When"), choices=WHEN_CHOICES, required=False)

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end of the range must not be before its start."))
        return data

    MORE_FILTERS = ["campaign", "country", "spoken", "radius", "nearest", "days", "date_from", "date_to"]

    def uses_more_filters(self) -> bool:
        """Whether the "more filters" panel should open: something in it is set, or wrong."""
        when = self.data.get("when") or selectors.UPCOMING
        return bool(self.errors) or when != selectors.UPCOMING or any(self.data.get(f) for f in self.MORE_FILTERS)

    def more_filters_key(self) -> str:
        """What the "more filters" panel is drawn from (its fields' values, and so
        their errors): a search anywhere with the same filters draws the same panel."""
        return urlencode([(name, self.data.getlist(name)) for name in [*self.MORE_FILTERS, "when"]], doseq=True)

    def near(self, point=None) -> dict | None:
        """Keyword arguments for selectors.jams_near around `point` (a place found by
        name) or the `around` parameter; None when there is neither."""
        data = self.cleaned_data
        point = point or data.get("around")
        if not point:
            return None
        latitude, longitude = point
        return {
            "latitude": latitude,
            "longitude": longitude,
            "radius_km": data.get("radius") or DEFAULT_RADIUS_KM,
            "nearest": data.get("nearest") or DEFAULT_NEAREST,
        }

    def filters(self) -> dict:
        """Keyword arguments for selectors.jam_list_public (call after is_valid)."""
        data = self.cleaned_data
        when = data.get("when") or (
            selectors.ALL if data.get("date_from") or data.get("date_to") else selectors.UPCOMING
        )
        return {
            "campaign": data.get("campaign"),
            "country": data.get("country") or "",
            "spoken": data.get("spoken") or "",
            "days": data.get("days"),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "when": when,
        }


class MapViewForm(forms.Form):
    """The map's viewport: bbox=west,south,east,north and a zoom level; a box
    without a zoom asks for the Jams themselves (a cluster's, to list them)."""

    bbox = forms.CharField()
    zoom = forms.IntegerField(min_value=0, max_value=20, required=False)

    def clean_bbox(self):
        try:
            west, south, east, north = (float(part) for part in self.cleaned_data["bbox"].split(","))
        except ValueError:
            raise forms.ValidationError(
                _("Give the box as west,south,east,north in degrees."), code="invalid"
            ) from None
        numbers = (west, south, east, north)
        if not all(math.isfinite(n) for n in numbers):
            raise forms.ValidationError(_("Give the box as west,south,east,north in degrees."), code="invalid")
        if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
            raise forms.ValidationError(
                _("Longitudes must be between -180 and 180, latitudes between -90 and 90, south below north."),
                code="range",
            )
        return numbers


class JamTranslationForm(forms.ModelForm):
    """The Jam's title and description in another of the site's languages."""

    class Meta:
        model = JamTranslation
        fields = ["language", "title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, jam, **kwargs):
        super().__init__(*args, **kwargs)
        # The original needs no translation into its own language.
        self.fields["language"].choices = [
            (code, name) for code, name in settings.LANGUAGES if code != jam.content_language
        ]


class ApproveForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the organiser (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this Jam not approved?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The organiser reads this and can change the Jam and submit it again."),
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
