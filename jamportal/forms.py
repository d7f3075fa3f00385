"""Form parts shared by the apps."""

import re

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
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
    """A <select> for long lists that change only with the language (countries,
    languages, timezones), drawn in Python and remembered per language.

    Django draws every <option> from templates each time: the 250 countries and
    the languages spoken were a third of a near-me search. Here the options are
    escaped once per language (the cache is shared by the copies Django makes of
    a form's fields), and each drawing only marks what is selected. Same markup
    and attributes as Django's (options carry none of their own beyond `selected`).
    """

    @forms.Select.choices.setter
    def choices(self, value):
        forms.Select.choices.fset(self, value)
        # Choices from a function (the usual case: names in the visitor's language) are
        # the same list for the same function; any other new list is drawn afresh.
        source = getattr(self._choices, "func", self._choices)
        if source is not getattr(self, "_source", None):
            self._source = source
            self._drawn = {}  # language -> [(value, '<option value="..."', '>label</option>')]

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in self.format_value(value)}
        options = "".join(
            f"{start} selected{end}" if value in chosen else start + end for value, start, end in self._options()
        )
        attrs = self.build_attrs(self.attrs, attrs)
        if self.allow_multiple_selected:
            attrs["multiple"] = True
        return mark_safe(f'<select name="{escape(name)}"{flatatt(attrs)}>{options}</select>')

    def use_required_attribute(self, initial):
        """Django's rule (a single <select> is `required` only when its first option is
        empty), read from the remembered options instead of building the list again."""
        if self.allow_multiple_selected:
            return super().use_required_attribute(initial)
        options = self._options()
        return forms.Widget.use_required_attribute(self, initial) and bool(options) and options[0][0] == ""

    def _options(self):
        language = get_language()
        drawn = self._drawn.get(language)
        if drawn is None:
            drawn = self._drawn[language] = [
                (str(value), f'<option value="{escape(value)}"', f">{escape(label)}</option>")
                for value, label in self.choices
                for value in [value if value is not None else ""]
            ]
        return drawn


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
