"""One word for one thing in each language: every catalogue (django, djangojs, photobooth)
against the language's glossary (locale/<lang>/glossary.toml)."""

import re
import tomllib
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation import to_locale

ROOT = Path(settings.BASE_DIR)
LOCALES = [to_locale(code) for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def glossary(locale):
    with (ROOT / "locale" / locale / "glossary.toml").open("rb") as file:
        return tomllib.load(file)


def translations(locale):
    """(catalogue, msgid, translated text) of every entry, each plural form apart."""
    for path in sorted((ROOT / "locale" / locale / "LC_MESSAGES").glob("*.po")):
        for entry in polib.pofile(str(path)):
            texts = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
            for text in texts:
                yield path.name, entry.msgid, text


def misused_words(locale, words):
    problems = []
    for term, meaning in words.items():
        if not isinstance(meaning, dict):
            continue
        for pattern in meaning.get("avoid", []):
            for catalogue, msgid, text in translations(locale):
                if re.search(pattern, text):
                    problems.append(
                        f"{catalogue}: {term} is “{meaning['word']}”, not /{pattern}/ in “{text}” ({msgid!r})"
                    )
    return problems


@pytest.mark.parametrize("locale", LOCALES)
def test_glossary_names_every_agreed_term(locale):
    words = glossary(locale)

    terms = {"jam", "kit", "booth", "moderation", "moderator", "stock", "campaign"}
    terms |= {"sign_in", "sign_out", "sign_up", "organiser"}
    assert terms <= set(words)
    assert all(words[term]["word"] for term in terms)


@pytest.mark.parametrize("locale", LOCALES)
def test_catalogues_use_the_glossarys_words(locale):
    words = glossary(locale)
    catalogue = {
        entry.msgid: entry.msgstr for entry in polib.pofile(str(ROOT / "locale" / locale / "LC_MESSAGES" / "django.po"))
    }

    wrong_terms = [
        f"{meaning['msgid']!r} is “{catalogue.get(meaning['msgid'])}”, the glossary says “{meaning['word']}”"
        for meaning in words.values()
        if isinstance(meaning, dict)
        and "msgid" in meaning
        and catalogue.get(meaning["msgid"], "").casefold() != meaning["word"].casefold()
    ]

    assert wrong_terms + misused_words(locale, words) == []


@pytest.mark.parametrize("locale", [locale for locale in LOCALES if glossary(locale).get("pinned")])
def test_wording_once_read_wrong_stays_fixed(locale):
    entries = {
        entry.msgid: entry
        for path in (ROOT / "locale" / locale / "LC_MESSAGES").glob("*.po")
        for entry in polib.pofile(str(path))
    }

    found = []
    for pinned in glossary(locale)["pinned"]:
        entry = entries[pinned["msgid"]]
        found.append(entry.msgstr_plural[pinned["plural_form"]] if "plural_form" in pinned else entry.msgstr)

    assert found == [pinned["msgstr"] for pinned in glossary(locale)["pinned"]]


def test_glossary_check_catches_a_variant(tmp_path, monkeypatch):
    """The check itself can fail: Polish “zestaw” where the glossary says “pakiet”."""
    words = {"kit": {"word": "pakiet", "avoid": ["\\b[Zz]estaw"]}}
    monkeypatch.setattr(
        "jamportal.tests.test_glossary.translations",
        lambda locale: [("django.po", "Ask for a birthday kit", "Poproś o zestaw urodzinowy")],
    )

    assert len(misused_words("pl", words)) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "name"), [("fr", "Français"), ("pt-br", "Português (Brasil)"), ("fa", "فارسی")])
def test_language_switch_names_the_language_as_its_menu_does(client, language, name):
    html = client.get(f"/{language}/").content.decode()

    summary = html[html.index('<details class="language-switch">') :].split("</summary>")[0]
    assert f'</svg> <span class="language-name">{name}</span><span' in summary
    assert f'lang="{language}" aria-current="true">{name}</a>' in html
