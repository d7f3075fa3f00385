"""Text people type: what it may hold, and how to read it safely into places that
cannot hold the rest (XML 1.0 feeds, iCalendar, PDFs, email headers).

A control character (Unicode category Cc: NUL, bell, escape...) saved in a Jam's
city once made every Atom feed answer 500 ("Control characters are not supported
in XML 1.0"). The model fields carry these validators, so forms, the admin and
services that call them all refuse such text; the booth API uses them too.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Line breaks and tabs are part of a description; nothing else below a space is.
MULTILINE_ALLOWED = frozenset("\n\r\t")

# Every character single-line text refuses: the Cc category (C0, DEL, C1) and the
# Unicode line and paragraph separators (Zl, Zp), which break lines like \n does.
NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# What multi-line text refuses: control characters other than \t, \n and \r.
NOT_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def is_one_line(text: str) -> bool:
    return not any(unicodedata.category(character) in ("Cc", "Zl", "Zp") for character in text)


def is_multiline_text(text: str) -> bool:
    return not any(unicodedata.category(character) == "Cc" and character not in MULTILINE_ALLOWED for character in text)


def visible_length(text: str) -> int:
    """How many characters a reader sees: no spaces, no invisible format characters
    (zero-width spaces, direction marks and overrides)."""
    return sum(unicodedata.category(character) not in ("Cf", "Cc", "Zs", "Zl", "Zp") for character in text)


def validate_single_line(text: str) -> None:
    """For names, places, addresses, captions: one line, no control characters."""
    if not is_one_line(text):
        raise ValidationError(
            _("Write this on one line, without line breaks, tabs or other control characters."), code="one_line"
        )


def validate_multiline(text: str) -> None:
    """For descriptions and notes: line breaks and tabs, no other control characters."""
    if not is_multiline_text(text):
        raise ValidationError(
            _("Remove the control characters (invisible codes such as escape or bell); line breaks are fine."),
            code="control_characters",
        )


def one_line(text: str) -> str:
    """The text on one line: each run of control characters or separators becomes a space."""
    return NOT_ONE_LINE.sub(" ", text)


def without_control_characters(text: str) -> str:
    """The text with its control characters removed, line breaks and tabs kept."""
    return NOT_MULTILINE.sub("", text)


def spreadsheet_cell(value) -> str:
    """A CSV cell that a spreadsheet cannot run as a formula: text people typed that starts
    with =, +, -, @, a tab or a carriage return gets a leading apostrophe (OWASP's advice)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def validate_fields(model, values: dict) -> None:
    """Run each named field's own validators on its value, for services that save
    without a form (a form runs them itself); one ValidationError naming every field refused."""
    errors = {}
    for name, value in values.items():
        try:
            model._meta.get_field(name).run_validators(value)
        except ValidationError as refused:
            errors[name] = refused.error_list
    if errors:
        raise ValidationError(errors)


def rows_with_text_cleaned(model, *, one_line=(), multiline=()):
    """For data migrations that bring stored text under these rules: yield each row of
    `model` whose named fields hold what the rules refuse, cleaned but not saved, with
    the names of the fields changed. Single-line text gets a space for each run of
    refused characters (words kept apart, on one line); multi-line text loses them.
    (Migrations already applied are not run again: changing this changes only what a
    fresh database's migrations do, which should be the same.)"""
    for row in model.objects.only(*one_line, *multiline).order_by("pk").iterator():
        changed = []
        for name in one_line:
            if NOT_ONE_LINE.search(getattr(row, name)):
                setattr(row, name, " ".join(NOT_ONE_LINE.sub(" ", getattr(row, name)).split()))
                changed.append(name)
        for name in multiline:
            if NOT_MULTILINE.search(getattr(row, name)):
                setattr(row, name, without_control_characters(getattr(row, name)))
                changed.append(name)
        if changed:
            yield row, changed
