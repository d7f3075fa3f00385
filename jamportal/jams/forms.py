import copy
import datetime
import math
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from jamportal import places
from jamportal.cldr import formats as cldr_formats
from jamportal.cldr import names
from jamportal.forms import LongSelect
from jamportal.jams import recurrence, selectors, services
from jamportal.jams.languages import spoken_language_choices
from jamportal.jams.models import Campaign, Jam, JamMember, JamTranslation
from jamportal.places import checks as place_checks

LOCAL_DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
MAX_ATTENDEES = 100_000  # as the model's validator


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
        label=_("Latitude"),
        min_value=-90,
        max_value=90,
        required=False,
        help_text=_("From -90 (south) to 90 (north), e.g. 4.0483."),
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        min_value=-180,
        max_value=180,
        required=False,
        help_text=_("From -180 (west) to 180 (east), e.g. 9.7043."),
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    location_confirmed = forms.BooleanField(
        label=_("Yes, the pin is at the venue"),
        required=False,
        help_text=_("Tick this only if you have checked the pin on the map."),
    )
    timezone = forms.ChoiceField(
        label=_("Timezone"),
        # Zones by their name and UTC offset in the visitor's language (CLDR), the
        # zones people live in only: no "Etc/GMT+3" or "US/Michigan".
        choices=lambda: [("", _("Work it out from the map")), *names.timezone_choices()],
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
        # A box of checkboxes, by name in the reader's language; static/jams/checklist.js
        # adds a field that narrows it down as one types.
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checklist"}),
        help_text=_("Tick each language people can use at the Jam."),
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
        # Limits said up front, not only as an error once the form is sent.
        attendees = self.fields["expected_attendees"]
        attendees.max_value = MAX_ATTENDEES
        attendees.widget.attrs["max"] = MAX_ATTENDEES
        attendees.help_text = _("A rough guess is fine, up to %(most)s.") % {
            "most": cldr_formats.format_number(MAX_ATTENDEES)
        }
        if not self.instance.pk:
            self.initial.setdefault("content_language", get_language())
            # One campaign open: a new Jam is most likely part of it (and its kit depends on it).
            open_now = list(campaigns[:2])
            if len(open_now) == 1 and self.initial.get("campaign") is None:
                self.initial["campaign"] = open_now[0].pk
        if self.instance.pk and self.instance.timezone not in names.timezones():
            # A zone set before the list was curated (or an alias) stays choosable.
            zone = self.instance.timezone
            self.fields["timezone"].choices = [*self.fields["timezone"].choices, (zone, zone)]
        if self.instance.pk:
            # Show the stored times as the local wall-clock time at the venue.
            self.initial["start"] = timezone.make_naive(self.instance.start, self.instance.tz)
            self.initial["end"] = timezone.make_naive(self.instance.end, self.instance.tz)

    def clean(self):
        """The venue's position (from its town when no pin was placed), and what
        looks wrong with it; the venue's timezone and the times in it, and what is
        wrong with them, come from services.jam_schedule (the service applies it
        again on saving)."""
        data = super().clean()
        self.location_warnings = []
        if "latitude" in self.errors or "longitude" in self.errors:
            return data  # those fields say what is wrong
        if data.get("latitude") is None or data.get("longitude") is None:
            if not data.get("city"):
                return data  # the town's field says what is wrong
            town = place_checks.town_in(data["city"], data.get("country") or "")
            if town is None:
                self.add_error(
                    "latitude",
                    _("We do not know this town: put the pin on the map at the venue, or enter its coordinates."),
                )
                return data
            data["latitude"], data["longitude"] = town.latitude, town.longitude
        self.location_warnings = selectors.location_warnings_at(
            data["latitude"], data["longitude"], city=data.get("city") or "", country=data.get("country") or ""
        )
        unmoved = self.instance.pk and all(
            data.get(name) == getattr(self.instance, name) for name in ("latitude", "longitude", "city", "country")
        )  # already confirmed when it was saved
        if self.location_warnings and not data.get("location_confirmed") and not unmoved:
            self.add_error(
                "location_confirmed",
                _("Check the pin on the map. If it is right, tick this box and send the form again."),
            )
        # The field made the typed time aware in the server's timezone; it was meant
        # as the local time at the venue.
        typed = {**data, **{name: timezone.make_naive(data[name]) for name in ("start", "end") if data.get(name)}}
        try:
            data.update(services.jam_schedule(typed, jam=self.instance if self.instance.pk else None))
        except ValidationError as error:
            self.add_error(None, error)
        return data

    def pin_timezone_words(self) -> str:
        """ "Douala time, UTC+1" for the pin as saved or as sent, "" before there is one."""
        data = getattr(self, "cleaned_data", {})
        if data.get("latitude") is not None and data.get("longitude") is not None:
            zone = data.get("timezone") or places.timezone_at(data["latitude"], data["longitude"])
            return selectors.jam_timezone_in_words(zone, when=data.get("start"))
        if self.instance.pk:
            return selectors.jam_timezone_in_words(self.instance.timezone, when=self.instance.start)
        return ""


MAX_RADIUS_KM = 2000
DEFAULT_RADIUS_KM = 50
DEFAULT_NEAREST = 5
DEFAULT_RADIUS_KM_TEXT, DEFAULT_NEAREST_TEXT = str(DEFAULT_RADIUS_KM), str(DEFAULT_NEAREST)
# For visitors who count in miles (jamportal.cldr.regions.distances_in_miles) the radius is
# in miles, as the distances beside it are: 30 mi is the nearest round figure to 50 km.
MAX_RADIUS_MILES = 1200
DEFAULT_RADIUS_MILES = 30


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
                params={
                    "first": cldr_formats.format_date(self.FIRST_DAY),
                    "last": cldr_formats.format_date(self.LAST_DAY),
                },
            )


class JamFilterForm(forms.Form):
    """Filters shared by the list, the map endpoint and (later) the feeds."""

    WHEN_CHOICES = [
        (selectors.UPCOMING, pgettext_lazy("jam filter", "Upcoming")),
        (selectors.PAST, pgettext_lazy("jam filter", "Past")),
        (selectors.ALL, pgettext_lazy("jam filter", "All")),
    ]

    # A campaign by its slug, offered by name in the page's language. Not a ModelChoiceField:
    # the fields are shared by every search (_FieldsCopiedLightly), and its queryset would be too.
    campaign = forms.CharField(
        label=_("Campaign"),
        required=False,
        widget=forms.Select(
            choices=lambda: [
                ("", _("All campaigns")),
                *((c.slug, c.display_name) for c in Campaign.objects.prefetch_related("translations")),
            ]
        ),
    )
    country = forms.ChoiceField(
        label=_("Country"),
        choices=lambda: [("", _("All countries")), *names.country_choices()],
        required=False,
        widget=LongSelect,
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

    def clean_campaign(self):
        slug = self.cleaned_data["campaign"]
        if not slug:
            return None
        campaign = Campaign.objects.filter(slug=slug).prefetch_related("translations").first()
        if campaign is None:
            raise ValidationError(
                forms.ChoiceField.default_error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": slug},
            )
        return campaign

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end of the range must not be before its start."))
        return data

    MORE_FILTERS = ["campaign", "country", "spoken", "radius", "nearest", "days", "date_from", "date_to"]

    def __init__(self, *args, miles=False, **kwargs):
        """`miles`: the radius is typed, and shown, in miles (the near-me page for visitors
        who count in miles; the map's data and the APIs keep kilometres)."""
        super().__init__(*args, **kwargs)
        self.miles = miles
        if miles:
            radius = self.fields["radius"]  # (this form's own copy; its widget is shared: copied too)
            radius.label = _("Within (mi)")
            radius.max_value = MAX_RADIUS_MILES
            radius.validators = [v for v in radius.validators if not isinstance(v, MaxValueValidator)]
            radius.validators.append(MaxValueValidator(MAX_RADIUS_MILES))
            radius.widget = copy.copy(radius.widget)
            radius.widget.attrs = {
                **radius.widget.attrs,
                "placeholder": str(DEFAULT_RADIUS_MILES),
                "max": str(MAX_RADIUS_MILES),
            }

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
            "radius_km": self.radius_km(),
            "nearest": data.get("nearest") or DEFAULT_NEAREST,
        }

    def radius_km(self) -> float:
        """The radius asked for (or the default), in km whatever unit it was typed in."""
        if self.miles:
            return (self.cleaned_data.get("radius") or DEFAULT_RADIUS_MILES) * cldr_formats.KM_PER_MILE
        return self.cleaned_data.get("radius") or DEFAULT_RADIUS_KM

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


class _FieldsCopiedLightly(dict):
    """A form's fields that each form copies shallowly, sharing their widgets.

    Django deep-copies every field and widget for every form it makes, so that a
    form may change its own; the filter form never does, and none of its fields
    keeps what it read (choices come from functions, called at each drawing). Its
    eleven deep copies were a sixth of a near-me search from a new position
    (profiled, docs/benchmarks.md).
    """

    def __deepcopy__(self, memo):
        return {name: copy.copy(field) for name, field in self.items()}


JamFilterForm.base_fields = _FieldsCopiedLightly(JamFilterForm.base_fields)


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
        # The original needs no translation into its own language. The languages
        # spoken at the Jam and not translated yet come first, the first of them chosen.
        done = {translation.language for translation in jam.translations.all()}
        spoken = {code.split("-")[0] for code in jam.languages}
        choices = [(code, name) for code, name in settings.LANGUAGES if code != jam.content_language]
        ours = [(code, name) for code, name in choices if code.split("-")[0] in spoken]
        wanted = [(code, name) for code, name in ours if code not in done]
        self.fields["language"].choices = (
            wanted + [c for c in ours if c not in wanted] + [c for c in choices if c not in ours]
        )
        if wanted:
            self.initial.setdefault("language", wanted[0][0])
            self.fields["language"].help_text = _("The languages spoken at your Jam and not translated yet come first.")


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


# --- teams ---


class TeamInviteForm(forms.Form):
    """Who to invite to the Jam's team, as what, and in which language to write to them."""

    email = forms.EmailField(label=_("Their email address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=JamMember.Role.choices,
        initial=JamMember.Role.CO_ORGANISER,
        widget=forms.RadioSelect,
        help_text=_(
            "A co-organiser may do everything but delete the Jam, request its kit or change the team; "
            "a helper checks people in at the door and runs the photobooths."
        ),
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=settings.LANGUAGES,
        help_text=_("The email and the page it links to are in this language."),
    )

    def __init__(self, *args, inviter, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = inviter.language


# --- series ---


class SeriesForm(forms.Form):
    """How a Jam repeats, in words made from its own date: "Every month, on the second
    Saturday"; and when it ends: on a day, after a number of dates, or never."""

    ENDS = (
        ("count", _("After a number of dates")),
        ("until", _("On a day")),
        ("never", _("It has no end date")),
    )

    frequency = forms.ChoiceField(label=_("Repeats"), widget=forms.RadioSelect)
    ends = forms.ChoiceField(label=_("Ends"), choices=ENDS, initial="count", widget=forms.RadioSelect)
    count = forms.IntegerField(
        label=_("Number of dates, this one included"),
        required=False,
        initial=6,
        min_value=2,
        max_value=200,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    until = forms.DateField(
        label=_("Last day"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, jam, **kwargs):
        super().__init__(*args, **kwargs)
        day = jam.local_start.date()
        local = jam.local_start.replace(tzinfo=None)
        choices = [
            (recurrence.WEEKLY, recurrence.describe(frequency=recurrence.WEEKLY, starts=local)),
            (recurrence.MONTHLY_DATE, recurrence.describe(frequency=recurrence.MONTHLY_DATE, starts=local)),
        ]
        week = recurrence.week_of_month(day)
        if week <= 4:
            described = recurrence.describe(frequency=recurrence.MONTHLY_WEEKDAY, starts=local, week=week)
            choices.append((recurrence.MONTHLY_WEEKDAY, described))
        if recurrence.is_last_of_month(day):
            described = recurrence.describe(frequency=recurrence.MONTHLY_WEEKDAY, starts=local, week=-1)
            choices.append((LAST_WEEKDAY, described))
        self.fields["frequency"].choices = choices
        self.fields["frequency"].initial = choices[-1][0]

    def clean(self):
        data = super().clean()
        if data.get("ends") == "count" and not data.get("count") and "count" not in self.errors:
            self.add_error("count", _("How many dates in all?"))
        if data.get("ends") == "until" and not data.get("until") and "until" not in self.errors:
            self.add_error("until", _("Which is the last day?"))
        return data

    def options(self) -> dict:
        """The keyword arguments of services.series_create."""
        data = self.cleaned_data
        last = data["frequency"] == LAST_WEEKDAY
        return {
            "frequency": recurrence.MONTHLY_WEEKDAY if last else data["frequency"],
            "last_week": last,
            "count": data["count"] if data["ends"] == "count" else None,
            "until": data["until"] if data["ends"] == "until" else None,
        }


LAST_WEEKDAY = "monthly-last"


class SeriesDateMoveForm(forms.Form):
    """A date of a repeating Jam, moved: its day and hours, on the venue's clock."""

    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    starts = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    ends = forms.TimeField(label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    # (issue 22 fixes: an end before the start is an evening Jam past midnight only when said so)
    next_day = forms.BooleanField(label=_("Ends the next day"), required=False)

    def __init__(self, *args, jam, **kwargs):
        start, end = jam.local_start, jam.local_end
        initial = {
            "day": start.date(),
            "starts": start.time(),
            "ends": end.time(),
            "next_day": end.date() > start.date(),
        }
        super().__init__(*args, initial=initial, **kwargs)

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts"), data.get("ends")
        if starts is not None and ends is not None and not data.get("next_day"):
            if starts == ends:
                self.add_error("ends", _("The Jam must end after it starts."))  # (not a Jam of a whole day)
            elif ends < starts:
                self.add_error(
                    "ends", _("The Jam ends before it starts. If it goes on past midnight, tick “Ends the next day”.")
                )
        return data

    def times(self) -> tuple[datetime.datetime, datetime.datetime]:
        """(start, end), naive on the venue's clock; with "ends the next day", the end is
        on the day after (an evening Jam past midnight)."""
        data = self.cleaned_data
        start = datetime.datetime.combine(data["day"], data["starts"])
        end = datetime.datetime.combine(data["day"], data["ends"])
        return start, end + datetime.timedelta(days=1) if data.get("next_day") else end


class SeriesEndForm(forms.Form):
    """The last day of a repeating Jam, and why it stops (for those signed up after it)."""

    last_day = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


# --- series: changing the rule (issue 22) ---


class _RuleStart:
    """The series' first start on the venue's clock, where SeriesForm reads a Jam's."""

    def __init__(self, series):
        self.local_start = series.starts.astimezone(ZoneInfo(series.timezone))


class SeriesRuleForm(SeriesForm):
    """A series' rule, changed: as SeriesForm, from the series' first date, starting
    from the rule it has; and the reason told to those signed up for a date it cancels."""

    reason = forms.CharField(
        label=_("Reason, for those signed up for a date that is cancelled (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, series, **kwargs):
        super().__init__(*args, jam=_RuleStart(series), **kwargs)
        frequency = LAST_WEEKDAY if series.week_of_month == -1 else series.frequency
        ends = "count" if series.count else "until" if series.until else "never"
        self.initial.update(frequency=frequency, ends=ends, count=series.count, until=series.until)

    def options(self) -> dict:
        return {**super().options(), "reason": self.cleaned_data["reason"]}

    def rule_key(self) -> str:
        """The rule as typed, to know whether the preview shown is of it."""
        options = super().options()
        return "|".join(str(options[name]) for name in ("frequency", "last_week", "count", "until"))
