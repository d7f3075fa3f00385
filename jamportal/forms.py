"""Form parts shared by the apps."""

from django import forms
from django.utils.translation import gettext_lazy as _


class HoneypotField(forms.CharField):
    """A field people never see or reach, that bots fill in like every other.
    A form whose honeypot is not empty came from a bot."""

    def __init__(self, **kwargs):
        super().__init__(
            required=False,
            label=_("Leave this field empty"),
            template_name="includes/honeypot.html",
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
            **kwargs,
        )
