from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from jamportal.attendance.models import MAX_CAPACITY, JamReport, Signup, SignupMessage, SignupSheet
from jamportal.forms import HoneypotField


class PartyForm(forms.ModelForm):
    """Who comes, and how many (adults and under-18s, at least one), typed with a number
    keypad: a text box, not type=number, which refuses digits typed in other scripts
    (a Persian keyboard's ۲, which the field reads as 2)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("adults", "children"):
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
        self.fields["children"].required = False  # (left empty: none)

    def clean_children(self):
        return self.cleaned_data.get("children") or 0

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("adults") and not data.get("children"):
            self.add_error("adults", _("Please say how many people are coming: at least one."))
        return data


class SignupForm(PartyForm):
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
        self.fields["name"].widget.attrs["autocomplete"] = "name"

    def from_a_bot(self):
        return bool(self.cleaned_data.get("website"))

    def answers(self) -> dict:
        """What the attendee told us (the honeypot left out)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "website"}

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


# The organiser's list and tools


class BookingForm(forms.Form):
    """How people book a place at the organiser's Jam: here (with a capacity), on the
    organiser's own booking page (the Jam's event webpage), or not at all. What the Jam
    page shows follows from it: "Sign up" while the sheet is open, else the webpage's
    "Book a place" link if the Jam has one, else nothing."""

    HERE, LINK, NONE = "here", "link", "none"

    booking = forms.ChoiceField(
        label=_("How do people book a place?"),
        widget=forms.RadioSelect,
        choices=[
            (HERE, _("Here on JamPortal, with a number of places and a waiting list")),
            (LINK, _("On our own booking page (the event webpage on the Jam's form)")),
            (NONE, _("No booking: people just come")),
        ],
    )
    capacity = forms.IntegerField(
        label=_("Places (people)"),
        min_value=1,
        max_value=MAX_CAPACITY,
        required=False,
        help_text=SignupSheet._meta.get_field("capacity").help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, jam, sheet, **kwargs):
        self.jam = jam
        booking = self.HERE if sheet is not None else self.LINK if jam.website else self.NONE
        kwargs.setdefault("initial", {"booking": booking, "capacity": sheet.capacity if sheet else None})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        booking = data.get("booking")
        if booking == self.HERE and not data.get("capacity") and "capacity" not in self.errors:
            self.add_error("capacity", _("How many people can come? Give the number of places."))
        if booking == self.LINK and not self.jam.website:
            self.add_error(
                "booking", _("Your Jam has no event webpage yet: add your booking page's address on the Jam's form.")
            )
        if booking == self.NONE and self.jam.website:
            self.add_error(
                "booking",
                _(
                    "Your Jam's page links to your event webpage to book a place. To take no bookings, "
                    "remove that address on the Jam's form."
                ),
            )
        return data


class WalkInForm(PartyForm):
    """Someone who came without signing up, added at the door (on the check-in page, and
    each walk-in the door phone sends)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name")
        self.fields["name"].widget.attrs["autocomplete"] = "off"

    class Meta:
        model = Signup
        fields = ["name", "adults", "children"]


class JamReportForm(forms.ModelForm):
    """The organiser's report after the Jam: the numbers (prefilled by the view), what
    happened, and a highlight chosen among the Jam's public booth photos (the template
    draws each choice as its thumbnail)."""

    def __init__(self, *args, photos, under_18s_counted=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["highlight"] = forms.ModelChoiceField(
            queryset=photos, required=False, widget=forms.RadioSelect, label=_("Highlight photo")
        )
        self.photos = list(photos)
        for name in ("signed_up", "checked_in", "walk_ins", "under_18s", "photos_taken"):
            self.fields[name].widget.attrs.update(min=0, inputmode="numeric")
        self.fields["signed_up"].label = pgettext_lazy("number of people", "Signed up")
        self.fields["checked_in"].label = _("Came")
        self.fields["under_18s"].label = _("Under-18s")
        self.fields["signed_up"].help_text = _("People with a place who signed up here, walk-ins apart.")
        self.fields["checked_in"].help_text = _("Everyone who came, walk-ins included.")
        if under_18s_counted == "checked-in":
            self.fields["under_18s"].help_text = _("Counted from those checked in at the door.")
        elif under_18s_counted == "signed-up":
            self.fields["under_18s"].help_text = _("Counted from those with a place: nobody was checked in.")
        self.fields["what_happened"].help_text = _(
            "A few lines for the campaign's report: what people made, what worked, what you would change."
        )

    class Meta:
        model = JamReport
        fields = ["signed_up", "checked_in", "walk_ins", "under_18s", "photos_taken", "what_happened"]
        widgets = {"what_happened": forms.Textarea(attrs={"rows": 5, "dir": "auto"})}
