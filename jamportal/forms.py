"""Form parts shared by the apps."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
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


class LongSelect(forms.Select):
    """A <select> for long lists (countries, languages), drawn in Python: Django
    draws every <option> from templates, which made the 250 countries a third
    of the time of a near-me search. Same markup and attributes (options carry
    none of their own beyond `selected`: not for lists with disabled options)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = "".join(
            f'<option value="{escape(option["value"])}"{" selected" if option["selected"] else ""}>'
            f"{escape(option['label'])}</option>"
            for _group, group_options, _index in widget["optgroups"]
            for option in group_options
        )
        return mark_safe(f'<select name="{escape(widget["name"])}"{flatatt(widget["attrs"])}>{options}</select>')


class LongSelectMultiple(LongSelect, forms.SelectMultiple):
    pass
