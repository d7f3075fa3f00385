from django import forms
from django.utils.translation import gettext_lazy as _

from jamportal.contact.models import MAX_BODY, ContactMessage
from jamportal.forms import HoneypotField
from jamportal.text import visible_length


class ContactForm(forms.ModelForm):
    """A visitor's message to the Jam's organisers: who they are, where to answer, what."""

    website = HoneypotField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sender_name"].widget.attrs.update({"autocomplete": "name", "dir": "auto"})
        self.fields["sender_email"].widget.attrs["autocomplete"] = "email"
        self.fields["sender_email"].help_text = _(
            "The organisers answer you here. They see your address; you do not see theirs unless they answer."
        )
        self.fields["body"].widget.attrs.update({"dir": "auto", "maxlength": MAX_BODY})

    def clean_sender_name(self):
        name = self.cleaned_data["sender_name"]
        if not visible_length(name):  # only invisible characters: no name at all
            raise forms.ValidationError(_("Please give your name."), code="required")
        return name

    def from_a_bot(self):
        return bool(self.cleaned_data.get("website"))

    def answers(self) -> dict:
        """What the sender typed (the honeypot left out)."""
        return {name: value for name, value in self.cleaned_data.items() if name != "website"}

    class Meta:
        model = ContactMessage
        fields = ["sender_name", "sender_email", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
