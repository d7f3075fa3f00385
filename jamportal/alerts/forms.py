from django import forms
from django.utils.translation import gettext_lazy as _

from jamportal.alerts.models import RADIUS_CHOICES_KM
from jamportal.forms import HoneypotField
from jamportal.jams.forms import PointField

DEFAULT_RADIUS_KM = 50


class AlertForm(forms.Form):
    """Tell me when a Jam starts near here: the place comes from the near-me search
    (a hidden "latitude,longitude"), the rest the visitor chooses."""

    around = PointField(widget=forms.HiddenInput)
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We email you a link to confirm, then only about Jams near here. Nobody else sees it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    radius_km = forms.TypedChoiceField(
        label=_("Within"), coerce=int, choices=[(km, km) for km in RADIUS_CHOICES_KM], initial=DEFAULT_RADIUS_KM
    )
    would_help = forms.BooleanField(label=_("I would help run a Jam here"), required=False)
    website = HoneypotField()

    def __init__(self, *args, radius_label, **kwargs):
        """`radius_label(km)`: a distance in the visitor's units and digits."""
        super().__init__(*args, **kwargs)
        self.fields["radius_km"].choices = [(km, radius_label(km)) for km in RADIUS_CHOICES_KM]

    def from_a_bot(self):
        return bool(self.cleaned_data.get("website"))
