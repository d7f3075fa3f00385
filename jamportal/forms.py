"""Form parts shared by the apps."""

import re

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


class IdListField(forms.Field):
    """Ids of rows, repeated (?requests=1&requests=2), separated by commas
    (?requests=1,2) or both: each a whole number above zero, at most `max_count`
    of them, in the order first given.

    >>> IdListField(max_count=3).clean(["12, 15", "12"])
    [12, 15]
    """

    widget = forms.MultipleHiddenInput
    # A BigAutoField's largest value: beyond it the database cannot even compare.
    LARGEST_ID = 2**63 - 1
    default_error_messages = {
        "invalid": _("“%(value)s” is not a number above zero: give numbers separated by commas, e.g. 12,15."),
        "too_many": _("Choose at most %(limit)s at once."),
    }

    def __init__(self, *, max_count, **kwargs):
        self.max_count = max_count
        super().__init__(**kwargs)

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else [value] if value else []
        ids = {}
        for part in (part.strip() for text in values for part in str(text).split(",")):
            if not part:
                continue
            if not re.fullmatch(r"[0-9]{1,19}", part) or not 0 < int(part) <= self.LARGEST_ID:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid", params={"value": part[:40]})
            ids[int(part)] = None
            if len(ids) > self.max_count:  # (before reading the rest of a long list)
                raise forms.ValidationError(
                    self.error_messages["too_many"], code="too_many", params={"limit": self.max_count}
                )
        return list(ids)
