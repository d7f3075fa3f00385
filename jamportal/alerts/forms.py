import math

from django import forms
from django.utils.translation import gettext_lazy as _

from jamportal.alerts.models import KM_PER_MILE, MAX_RADIUS_KM, RADIUS_CHOICES_KM, RADIUS_CHOICES_MILES
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

    def __init__(self, *args, miles=False, searched=None, **kwargs):
        """`miles`: the radii in miles (visitors from the US and the UK); `searched`: the
        near-me search's radius in km, offered too (issue 22: a 30 mi search is a 30 mi alert).
        A bound form offers the radius it was sent, if an alert may have it."""
        super().__init__(*args, **kwargs)
        if self.is_bound:
            searched = searched_radius(self.data.get("radius_km", ""))
        choices = {formats.format_distance(km, miles=miles): km for km in radius_choices(miles=miles)}
        if searched:  # (a 30 mi search, 48.28 km, is the 30 mi choice: one "30 mi")
            km = choices.setdefault(formats.format_distance(searched, miles=miles), searched)
            if not self.is_bound:
                self.initial["radius_km"] = f"{km:g}"
        self.fields["radius_km"].choices = [
            (f"{km:g}", label) for label, km in sorted(choices.items(), key=lambda c: c[1])
        ]

    def from_a_bot(self):
        return bool(self.cleaned_data.get("website"))


# --- the near-me search's own radius (issue 22) ---


def searched_radius(text) -> float | None:
    """A radius in km from an address or a form ("48.28"), if an alert may have it."""
    try:
        km = round(float(text), 3) if text.isascii() else None
    except ValueError:
        return None
    return km if km is not None and math.isfinite(km) and 1 <= km <= MAX_RADIUS_KM else None
