"""The booth's words in every language the portal speaks, from the shared
`locale/` folder (gettext domain "photobooth"), read straight from the .po
files so a booth needs no compile step.

    >>> words = translation("fr")
    >>> words.gettext("Press the button!")
    'Appuyez sur le bouton !'
    >>> language_name("cy")
    'Cymraeg'
    >>> long_date(datetime.date(2031, 3, 1), "fa")
    '1 مارس 2031'

Portal language codes ("pt-br", "zh-hant") are mapped to catalogue folders
("pt_BR", "zh_Hant"); an unknown language falls back to English.
"""

import datetime
import gettext
import io
import string
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "photobooth"
RTL = {"fa", "ar", "he", "ur"}


def locale_name(language: str) -> str:
    """ "pt-br" -> "pt_BR", "zh-hant" -> "zh_Hant", "cy" -> "cy"."""
    base, _, region = language.replace("_", "-").partition("-")
    if not region:
        return base.lower()
    return f"{base.lower()}_{region.upper() if len(region) == 2 else region.title()}"


@cache
def translation(language: str) -> gettext.NullTranslations:
    path = LOCALE_DIR / locale_name(language) / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.is_file():
        return gettext.NullTranslations()
    with open(path, "rb") as source:
        catalog = read_po(source, locale=locale_name(language))
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _locale(language):
    try:
        return Locale.parse(locale_name(language))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def language_name(language: str) -> str:
    """The language's name in itself, as the language switcher shows it."""
    name = _locale(language).get_display_name() or language
    return name[:1].upper() + name[1:]


def long_date(day: datetime.date, language: str) -> str:
    return format_date(day, "long", locale=_locale(language))


def is_rtl(language: str) -> bool:
    return language.split("-")[0] in RTL


PORTAL_DEFAULT_TEMPLATE = "{campaign}, {jam}, {date}"
# The portal's own limit on a caption template (FeedSettings.caption_template).
TEMPLATE_MAX_CHARACTERS = 200


def isolate(text: str) -> str:
    """People's words inside a sentence of another direction: wrapped in FIRST
    STRONG ISOLATE ... POP DIRECTIONAL ISOLATE, the plain-text <bdi>, so that a
    Persian Jam's name cannot pull an English caption's date to its side (on
    the photo and in the posts alike)."""
    return f"\u2068{text}\u2069" if text else text


def caption(booth_config: dict, language: str, day: datetime.date) -> str:
    """The caption under the photo, in `language`. The portal's default template
    becomes the booth's translated birthday caption; a template the organiser
    wrote on the portal is used as written, and one the portal would refuse gets
    the default caption. The Jam's and the campaign's names are isolated."""
    _ = translation(language).gettext
    jam, date = isolate(booth_config["jam_title"]), long_date(day, language)
    template = booth_config.get("caption_template") or PORTAL_DEFAULT_TEMPLATE
    if template != PORTAL_DEFAULT_TEMPLATE:
        campaign = isolate((booth_config.get("campaign") or {}).get("name", ""))
        filled = fill_template(template, campaign=campaign, jam=jam, date=date)
        if filled is not None:
            return filled.strip(" ,")
    if booth_config.get("campaign"):
        return _("Raspberry Jam Big Birthday Weekend, {jam}, {date}").format(jam=jam, date=date)
    return _("Raspberry Jam, {jam}, {date}").format(jam=jam, date=date)


def photo_label(number: int, taken: datetime.datetime, language: str, timezone: str = "") -> str:
    """What makes a post's text its own among the day's: the photo's number of
    the day and the time it was taken, in the Jam's timezone if known.

    >>> taken = datetime.datetime(2031, 3, 1, 10, 42, tzinfo=datetime.UTC)
    >>> photo_label(12, taken, "en", "Europe/London")
    'Photo 12 of the day, taken at 10:42\\u202fAM'
    """
    _ = translation(language).gettext
    try:
        taken = taken.astimezone(ZoneInfo(timezone)) if timezone else taken.astimezone()
    except (ZoneInfoNotFoundError, ValueError):
        taken = taken.astimezone()
    locale = _locale(language)
    return _("Photo %(number)s of the day, taken at %(time)s") % {
        "number": format_decimal(number, locale=locale),
        "time": format_time(taken, "short", locale=locale),
    }


def alt_text(caption_text: str, language: str) -> str:
    _ = translation(language).gettext
    return _("Photo from the Raspberry Jam photobooth, with the birthday logo and the caption: {caption}").format(
        caption=caption_text
    )


def fill_template(template: str, **values: str) -> str | None:
    """`template` with each bare {name} of `values` replaced, or None for anything
    else: a format spec (a width of 1500000000 is 1.5 GB), a conversion, an
    attribute or index, an unknown name, an unclosed brace, or a template longer
    than the portal allows. Nothing is formatted, so a hostile template costs
    no more than its own length.

    >>> fill_template("{jam} on {{date}}", jam="Pi Jam")
    'Pi Jam on {date}'
    >>> fill_template("{jam:>1500000000}", jam="Pi Jam") is None
    True
    """
    if not isinstance(template, str) or len(template) > TEMPLATE_MAX_CHARACTERS:
        return None
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError:
        return None
    filled = []
    for literal, name, spec, conversion in parts:
        filled.append(literal)
        if name is None:
            continue
        if name not in values or spec or conversion:
            return None
        filled.append(values[name])
    return "".join(filled)
