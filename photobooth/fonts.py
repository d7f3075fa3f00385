"""Which installed font draws which character.

The booth draws every script it ships with Debian's Noto fonts, found by
fontconfig. A language has its own face (Japanese, Traditional Chinese and
Korean are faces of one `.ttc` collection, told apart by their index); any
character that face lacks is drawn by the first fallback face whose character
map has it, so a Persian caption with a Latin Jam name shows no empty boxes.

    >>> primary_face("zh-hant").family
    'Noto Sans CJK TC'
    >>> face_for("Ж", "fa", None).family   # Cyrillic in a Persian caption
    'Noto Sans'
    >>> primary_face("en").covers("ß")
    True

Character maps are read once per face (fontTools, about 0.1 s for the CJK
collection here), and each font once per size.
"""

import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property

from fontTools.ttLib import TTFont
from PIL import ImageFont

# Each language's own family (Noto, as Debian and Raspberry Pi OS ship it). Han
# characters differ between these faces, so the language picks the face.
FAMILIES = {
    "ja": "Noto Sans CJK JP",
    "ko": "Noto Sans CJK KR",
    "zh-hans": "Noto Sans CJK SC",
    "zh-cn": "Noto Sans CJK SC",
    "zh-sg": "Noto Sans CJK SC",
    "zh": "Noto Sans CJK SC",
    "zh-hant": "Noto Sans CJK TC",
    "zh-tw": "Noto Sans CJK TC",
    "zh-hk": "Noto Sans CJK HK",
    "zh-mo": "Noto Sans CJK HK",
    "fa": "Noto Naskh Arabic",
    "ar": "Noto Naskh Arabic",
    "ur": "Noto Naskh Arabic",
    "he": "Noto Sans Hebrew",
}
DEFAULT_FAMILY = "Noto Sans"
# Tried in this order for a character the language's own face lacks. Han text
# in a caption of another language is drawn in the Japanese face, or the Korean
# one when the text has Hangul and no kana: a Chinese-speaking Jam sets its
# booth's language (zh-hant, zh-hans) to get its own face throughout.
FALLBACK_FAMILIES = ("Noto Sans", "Noto Naskh Arabic", "Noto Sans Hebrew")
STYLE = "Bold"
INSTALL_HINT = "install the Noto fonts (Debian: fonts-noto-core fonts-noto-cjk)"


class FontMissing(FileNotFoundError):
    pass


@dataclass(frozen=True)
class Face:
    """One face of a font file: `index` picks it inside a `.ttc` collection."""

    path: str
    index: int
    family: str

    @cached_property
    def charset(self) -> frozenset[int]:
        with TTFont(self.path, fontNumber=self.index, lazy=True) as font:
            return frozenset(font.getBestCmap())

    def covers(self, character: str) -> bool:
        return ord(character) in self.charset

    def font(self, size: int) -> ImageFont.FreeTypeFont:
        return _font(self, size)


@cache
def _font(face: Face, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(face.path, size, index=face.index)


def family_for(language: str) -> str:
    code = language.lower().replace("_", "-")
    return FAMILIES.get(code) or FAMILIES.get(code.split("-")[0], DEFAULT_FAMILY)


@cache
def find_face(family: str) -> Face | None:
    """The bold face of `family` that fontconfig knows, or None if it is not installed."""
    if not shutil.which("fc-match"):
        return None
    found = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        ["fc-match", "-f", "%{file}\n%{index}\n%{family}", f"{family}:style={STYLE}"],  # noqa: S607 (fontconfig's own tool)
        capture_output=True,
        text=True,
        check=False,
    ).stdout.split("\n")
    if len(found) < 3 or family not in found[2].split(","):
        return None  # fontconfig substitutes another family for a missing one
    return Face(path=found[0], index=int(found[1] or 0), family=family)


@cache
def primary_face(language: str) -> Face:
    """The face a language's text is set in. Raises FontMissing if it is not installed."""
    family = family_for(language)
    face = find_face(family)
    if face is None:
        raise FontMissing(f"No {family} font for {language!r}: {INSTALL_HINT}.")
    return face


@cache
def fallback_faces(language: str, cjk: str) -> tuple[Face, ...]:
    """The faces tried after the language's own, installed ones only."""
    families = [*FALLBACK_FAMILIES, FAMILIES[cjk]]
    faces = (find_face(family) for family in families if family != family_for(language))
    return tuple(face for face in faces if face is not None)


def cjk_language(text: str) -> str:
    """Which CJK face suits Han characters in `text` when the language has none."""
    has_kana = any("\u3040" <= character <= "\u30ff" or "\u31f0" <= character <= "\u31ff" for character in text)
    has_hangul = any("\uac00" <= character <= "\ud7af" or "\u1100" <= character <= "\u11ff" for character in text)
    return "ko" if has_hangul and not has_kana else "ja"


def attaches(character: str) -> bool:
    """Combining marks, joiners and variation selectors belong to the character
    before them: they never start a run of another font."""
    return unicodedata.category(character) in ("Mn", "Me", "Mc", "Cf")


def face_for(character: str, language: str, current: Face | None, *, cjk: str = "ja") -> Face:
    """The face that draws `character` in text of `language`, given the face of
    the character before it. Letters prefer the language's own face; spaces,
    punctuation and digits stay with the face before them when it has them, so
    that a run of Persian words is not split at each space."""
    primary = primary_face(language)
    if current is not None and attaches(character):
        return current
    letter = unicodedata.category(character)[0] == "L"
    for face in (primary, current) if letter else (current, primary):
        if face is not None and face.covers(character):
            return face
    for face in fallback_faces(language, cjk):
        if face.covers(character):
            return face
    return _any_face_for(character) or current or primary


@cache
def _any_face_for(character: str) -> Face | None:
    """A rare script (Devanagari, Thai, Ethiopic...): ask fontconfig for any installed
    Noto face with the character."""
    if not shutil.which("fc-list"):
        return None
    listed = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        ["fc-list", "-f", "%{file}\t%{index}\t%{family[0]}\t%{style[0]}\n", f":charset={ord(character):x}"],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    candidates = [line.split("\t") for line in listed if line.count("\t") == 3]
    noto = sorted(
        (fields for fields in candidates if fields[2].startswith("Noto")),
        key=lambda fields: (fields[3] != STYLE, "Serif" in fields[2], fields[2]),
    )
    if not noto:
        return None
    path, index, family, _style = noto[0]
    return Face(path=path, index=int(index or 0), family=family)
