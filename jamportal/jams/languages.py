"""Languages a Jam can be held in (not the languages the site is translated into)."""

from django.conf.locale import LANG_INFO
from django.utils.translation import get_language_info


def spoken_language_choices():
    """(code, name) pairs, each name in the visitor's language, sorted by code."""
    codes = sorted(code for code, info in LANG_INFO.items() if "fallback" not in info)
    return [(code, get_language_info(code)["name_translated"]) for code in codes]


def spoken_language_names(codes):
    """The names of the given language codes, in the visitor's language."""
    return [get_language_info(code)["name_translated"] for code in codes if code in LANG_INFO]
