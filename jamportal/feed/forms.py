from django import forms
from django.utils.translation import gettext_lazy as _

from jamportal.feed.models import BOOTH_DEFAULT_NAME, FeedSettings, PhotoReport
from jamportal.forms import HoneypotField, IdListField
from jamportal.text import validate_single_line


class BoothForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the booth"), max_length=80, initial=_(BOOTH_DEFAULT_NAME), validators=[validate_single_line]
    )


class FeedSettingsForm(forms.ModelForm):
    class Meta:
        model = FeedSettings
        fields = ["approve_first", "hashtag", "caption_template"]  # (the model checks the caption template)


class ReportForm(forms.ModelForm):
    website = HoneypotField()

    def from_a_bot(self):
        return bool(self.cleaned_data.get("website"))

    class Meta:
        model = PhotoReport
        fields = ["reason", "contact"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}


class AfterForm(forms.Form):
    """?after=<photo id>: only photos newer than the newest one already shown."""

    after = forms.IntegerField(min_value=0, required=False)
    # The photos the open page shows, to be told which of them were taken down since.
    shown = IdListField(max_count=100, required=False)
