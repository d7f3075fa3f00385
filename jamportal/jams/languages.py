"""Languages a Jam can be held in (not the languages the site is translated into),
named by CLDR in the visitor's language (jamportal.cldr.names)."""

from django.conf.locale import LANG_INFO

from jamportal.cldr import names

# Django's language codes, without the aliases that only point at another ("zh-cn").
CODES = tuple(sorted(code for code, info in LANG_INFO.items() if "fallback" not in info))


def spoken_language_choices():
    """(code, name) pairs, each name in the visitor's language, sorted by name."""
    return names.language_choices(CODES)


def spoken_language_names(codes):
    """The names of the given language codes, in the visitor's language, in their order."""
    return [names.language_name(code) for code in codes if code in LANG_INFO]
