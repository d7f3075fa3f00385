from django import forms
from django.utils.translation import gettext_lazy as _

from jamportal.attendance.models import MAX_PARTY, Signup, SignupMessage, SignupSheet
from jamportal.forms import HoneypotField


class SignupForm(forms.ModelForm):
    """A visitor's sign-up: who, how many (adults and under-18s), anything to know."""

    website = HoneypotField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "email" in self.fields:
            self.fields["email"].required = True
            self.fields["email"].help_text = _(
                "Your place's details and your personal link go here. Nobody else sees it."
            )
            self.fields["email"].widget.attrs["autocomplete"] = "email"
        for name in ("adults", "children"):
            self.fields[name].widget.attrs.update(min=0, max=MAX_PARTY, inputmode="numeric")
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def from_a_bot(self):
        return bool(self.cleaned_data.get("website"))

    def answers(self) -> dict:
        """What the attendee told us (the honeypot left out)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "website"}

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("adults") and not data.get("children"):
            self.add_error("adults", _("Please say how many people are coming: at least one."))
        return data

    class Meta:
        model = Signup
        fields = ["name", "email", "adults", "children", "needs", "first_jam"]
        widgets = {"needs": forms.Textarea(attrs={"rows": 3})}


class SignupChangeForm(SignupForm):
    class Meta(SignupForm.Meta):
        fields = ["name", "adults", "children", "needs", "first_jam"]


class SheetForm(forms.ModelForm):
    class Meta:
        model = SignupSheet
        fields = ["capacity", "is_open"]


class MessageForm(forms.ModelForm):
    class Meta:
        model = SignupMessage
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}


class WalkInForm(forms.ModelForm):
    """Someone who came without signing up, added at the door (on the check-in page, and
    each walk-in the door phone sends)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name")
        for name in ("adults", "children"):
            self.fields[name].widget.attrs.update(min=0, max=MAX_PARTY, inputmode="numeric")
        self.fields["name"].widget.attrs["autocomplete"] = "off"

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("adults") and not data.get("children"):
            self.add_error("adults", _("Please say how many people are coming: at least one."))
        return data

    class Meta:
        model = Signup
        fields = ["name", "adults", "children"]
