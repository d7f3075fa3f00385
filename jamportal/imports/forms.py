from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jamportal.jams.models import Campaign


class CalendarURLField(forms.URLField):
    """A calendar's address; a webcal:// one (calendar apps' subscribe links) is its https:// address."""

    def to_python(self, value):
        value = (value or "").strip()
        if value[:9].lower() == "webcal://":
            value = "https://" + value[9:]
        return super().to_python(value)


class SourceForm(forms.Form):
    url = CalendarURLField(
        label=_("Calendar address (iCal)"),
        max_length=2000,
        assume_scheme="https",
        help_text=_(
            "On Eventbrite, Meetup, Google Calendar or any calendar, look for “iCal”, “.ics”, “subscribe” "
            "or “export”, and paste the address it gives. Only your Jams should be in it."
        ),
        widget=forms.URLInput(attrs={"dir": "ltr", "autocomplete": "url"}),
    )
    campaign = forms.ModelChoiceField(
        label=_("Campaign"),
        queryset=Campaign.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("Jams on the campaign's days join it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = Campaign.objects.filter(ends_on__gte=timezone.localdate())


class PlaceForm(forms.Form):
    place = forms.CharField(label=_("Town or city"), max_length=200)
