"""The public API's own parameters: the page, and the language of the names. The
Jams' filters are the site's own form (jams.forms.JamFilterForm)."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import trans_real

from jamportal.jams.forms import MapViewForm

# Jams a page holds unless page_size says otherwise, and the most it may hold.
PAGE_SIZE = 50
MOST_PAGE_SIZE = 100


class PageForm(forms.Form):
    page = forms.IntegerField(required=False, min_value=1, max_value=1_000_000)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=MOST_PAGE_SIZE)

    def page_number(self) -> int:
        return self.cleaned_data.get("page") or 1

    def size(self) -> int:
        return self.cleaned_data.get("page_size") or PAGE_SIZE


LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class LanguageForm(forms.Form):
    """?lang= one of the site's languages (as the site's addresses write it: pt-br,
    zh-hant; any case); without it, the first of Accept-Language the site speaks."""

    lang = forms.CharField(required=False, max_length=20)

    def clean_lang(self):
        code = self.cleaned_data["lang"].strip().lower()
        if code and code not in LANGUAGE_CODES:
            raise forms.ValidationError(
                _("Unknown language: use one of %(codes)s."),
                code="invalid",
                params={"codes": ", ".join(LANGUAGE_CODES)},
            )
        return code

    def language(self, accept_language: str) -> str:
        """The language of ?lang=, else the first of `accept_language` the site speaks
        (also when ?lang= is not one: the refusal is said in that language)."""
        if self.is_valid() and self.cleaned_data["lang"]:
            return self.cleaned_data["lang"]
        for code, _quality in trans_real.parse_accept_lang_header(accept_language):
            if code == "*":
                break
            try:
                return trans_real.get_supported_language_variant(code)
            except LookupError:
                continue
        return settings.LANGUAGE_CODE


class PlaceQueryForm(forms.Form):
    q = forms.CharField(max_length=200)


class BoxForm(MapViewForm):
    """bbox=west,south,east,north, as the map asks for its view (the zoom is the map's own)."""

    bbox = forms.CharField(required=False)
    zoom = None

    def clean_bbox(self):
        return super().clean_bbox() if self.cleaned_data["bbox"] else None
