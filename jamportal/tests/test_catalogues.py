"""The translation catalogues are complete, consistent and in sync with the code."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation import to_locale

ROOT = Path(settings.BASE_DIR)
LOCALES = [to_locale(code) for code, _ in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
CATALOGUES = sorted(ROOT.glob("locale/*/LC_MESSAGES/*.po")) + sorted(ROOT.glob("locale-extra/*/LC_MESSAGES/*.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")
MAKEMESSAGES = [
    ["--all", "--no-location", "--no-obsolete", "--ignore=.venv", "--ignore=test-artifacts", "--ignore=photobooth"],
    ["--all", "--no-location", "--no-obsolete", "-d", "djangojs", "--ignore=.venv", "--ignore=staticfiles"],
]


def catalogue_id(path):
    return str(path.relative_to(ROOT))


def key(entry):
    return (entry.msgctxt, entry.msgid)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_language_has_every_catalogue(locale):
    for domain in ("django", "djangojs", "photobooth"):
        assert (ROOT / "locale" / locale / "LC_MESSAGES" / f"{domain}.po").is_file(), f"{locale} {domain}.po"


@pytest.mark.parametrize("path", CATALOGUES, ids=catalogue_id)
def test_catalogue_is_complete(path):
    catalogue = polib.pofile(str(path))

    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert [e.msgid for e in catalogue.obsolete_entries()] == []
    assert catalogue.percent_translated() == 100


@pytest.mark.parametrize("path", CATALOGUES, ids=catalogue_id)
def test_translations_keep_every_placeholder(path):
    broken = []
    for entry in polib.pofile(str(path)).translated_entries():
        if entry.msgid_plural:
            # A language's singular form may leave the number out ("one Jam"), never the names.
            wanted = sorted(set(PLACEHOLDER.findall(entry.msgid_plural)))
            forms = entry.msgstr_plural.values()
        else:
            wanted = sorted(PLACEHOLDER.findall(entry.msgid))
            forms = [entry.msgstr]
        for form in forms:
            found = sorted(set(PLACEHOLDER.findall(form))) if entry.msgid_plural else sorted(PLACEHOLDER.findall(form))
            if found != wanted:
                broken.append((entry.msgid, form))
    assert broken == []


def test_placeholder_check_catches_a_broken_translation(tmp_path):
    """The check above would fail on a translation that renames a placeholder."""
    catalogue = polib.POFile()
    catalogue.append(polib.POEntry(msgid="Edit “%(title)s”", msgstr="Modifier « %(titre)s »"))
    catalogue.save(str(tmp_path / "broken.po"))

    with pytest.raises(AssertionError):
        test_translations_keep_every_placeholder(tmp_path / "broken.po")


@pytest.mark.slow  # runs makemessages over the whole tree
def test_catalogues_are_in_sync_with_the_code(tmp_path):
    """makemessages, run on a copy of the code, finds nothing new to translate."""
    for name in ("jamportal", "static", "locale", "locale-extra"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
    shutil.copy(ROOT / "manage.py", tmp_path)
    for arguments in MAKEMESSAGES:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", *arguments, "-v0"], cwd=tmp_path, check=True, timeout=300
        )

    stale = {}
    for path in sorted((tmp_path / "locale").glob("*/LC_MESSAGES/*.po")):
        fresh = polib.pofile(str(path))
        committed = polib.pofile(str(ROOT / path.relative_to(tmp_path)))
        committed_keys = {key(e) for e in committed if not e.obsolete}
        fresh_keys = {key(e) for e in fresh if not e.obsolete}
        problems = sorted(fresh_keys ^ committed_keys) + [
            key(e) for e in fresh if e.msgid and not e.obsolete and (not e.translated() or e.fuzzy)
        ]
        if problems:
            stale[str(path.relative_to(tmp_path))] = problems
    assert stale == {}, "Run `make makemessages` and translate the new entries"


def test_booth_catalogues_are_in_sync_with_the_booth_code(tmp_path):
    """The booth's strings, extracted as `make makemessages` does, are the ones translated."""
    template = tmp_path / "photobooth.pot"
    babel = [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-k", "_", "-k", "ngettext:1,2"]
    subprocess.run([*babel, "--ignore-dirs=tests", "-o", str(template), str(ROOT / "photobooth")], check=True)
    wanted = {key(entry) for entry in polib.pofile(str(template))}

    stale = {
        str(path.relative_to(ROOT)): sorted(wanted ^ {key(entry) for entry in polib.pofile(str(path))})
        for path in sorted(ROOT.glob("locale/*/LC_MESSAGES/photobooth.po"))
    }

    assert len(wanted) >= 10
    assert stale == {path: [] for path in stale}
    assert len(stale) == len(LOCALES)
