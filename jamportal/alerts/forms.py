import math

from django import forms
from django.utils.translation import gettext_lazy as _

from jamportal.alerts.models import KM_PER_MILE, RADIUS_CHOICES_KM, RADIUS_CHOICES_MILES
from jamportal.cldr import formats
from jamportal.forms import HoneypotField
from jamportal.jams.forms import PointField


def radius_choices(*, miles: bool) -> list[float]:
    """The radii offered, in km: round kilometres, or round miles for those who count in miles
    (rounded up to the metre, so that they read as whole miles again: "10 mi", never "10.0 mi")."""
    if miles:
        return [math.ceil(mi * KM_PER_MILE * 1000) / 1000 for mi in RADIUS_CHOICES_MILES]
    return [float(km) for km in RADIUS_CHOICES_KM]


class AlertForm(forms.Form):
    """Tell me when a Jam starts near here: the place comes from the near-me search
    (a hidden "latitude,longitude"), the rest the visitor chooses."""

    around = PointField(widget=forms.HiddenInput)
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We email you a link to confirm, then only about Jams near here. Nobody else sees it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    radius_km = forms.TypedChoiceField(label=_("Within"), coerce=float)
    would_help = forms.BooleanField(label=_("I would help run a Jam here"), required=False)
    website = HoneypotField()

    def __init__(self, *args, miles=False, **kwargs):
        """`miles`: the radii in miles (visitors from the US and the UK)."""
        super().__init__(*args, **kwargs)
        self.fields["radius_km"].choices = [
            (f"{km:g}", formats.format_distance(km, miles=miles)) for km in radius_choices(miles=miles)
        ]

    def from_a_bot(self):
        return bool(self.cleaned_data.get("website"))
