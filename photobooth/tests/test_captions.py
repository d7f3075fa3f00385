"""Captions in every booth language, with Jam names in every script, on every
frame shape: measured on the branded pixels and checked against each font's
own character map (read here with fontTools, not through the booth's code)."""

import datetime
import unicodedata
from functools import cache

import numpy as np
import pytest
from fontTools.ttLib import TTFont
from PIL import Image, ImageFont

from photobooth import i18n
from photobooth.compose import Brand, brand, caption_block, font_for
from photobooth.typeset import set_text

DAY = datetime.date(2031, 3, 1)
LANGUAGES = ["en", "cy", "de", "es", "fa", "fr", "it", "ja", "nl", "pl", "pt-br", "zh-hant"]
JAM_NAMES = {
    "latin": "Cambridge Raspberry Jam 2031",
    "cjk": "東京ラズベリージャム",
    "arabic": "جم رزبری پای تهران ۲",
    "cyrillic": "Новосибирский Raspberry Jam",
}
SIZES = [(4608, 2592), (2592, 4608), (1024, 768)]
GREY = 128  # the photo: one flat grey, so every other pixel is the caption's
SHADED = round(GREY * 0.4)  # the caption's box keeps 40 % of the light
CLEAR = Image.new("RGBA", (10, 12))  # a logo with nothing in it


def margin(size):
    return round(0.025 * max(size))  # Brand's default margin, of the long side


def caption_for(language, name):
    return i18n.caption({"jam_title": name, "campaign": {"name": "Big Birthday Weekend"}}, language, DAY)


@cache
def charset(path, index):
    with TTFont(path, fontNumber=index, lazy=True) as font:
        return frozenset(font.getBestCmap())


COMBINATIONS = [
    pytest.param(language, script, size, id=f"{language}-{script}-{size[0]}x{size[1]}")
    for language in LANGUAGES
    for script in JAM_NAMES
    for size in SIZES
]


@pytest.mark.parametrize(("language", "script", "size"), COMBINATIONS)
def test_caption_fits_inside_the_margins_and_nothing_is_clipped(language, script, size):
    branded = brand(
        Image.new("RGB", size, (GREY,) * 3), Brand(logo=CLEAR), caption_for(language, JAM_NAMES[script]), language
    )

    pixels = np.asarray(branded.convert("L")).astype(int)
    drawn = pixels != GREY
    rows, columns = np.flatnonzero(drawn.any(axis=1)), np.flatnonzero(drawn.any(axis=0))
    width, height = size
    assert rows.size, "no caption was drawn"
    assert columns[0] >= margin(size)
    assert columns[-1] < width - margin(size)
    assert rows[-1] < height - margin(size)
    assert rows[0] > height * 0.6  # a band at the bottom, not over the faces
    # Nothing is cut off: each row and each column of the caption begins and ends
    # on its shaded box, never on a letter's ink (a clipped letter touches the edge).
    band = pixels[rows[0] : rows[-1] + 1]
    inside = drawn[rows[0] : rows[-1] + 1]
    left, right = inside.argmax(axis=1), inside.shape[1] - 1 - inside[:, ::-1].argmax(axis=1)
    drawn_rows = inside.any(axis=1)
    assert np.all(np.abs(band[drawn_rows, left[drawn_rows]] - SHADED) <= 2)
    assert np.all(np.abs(band[drawn_rows, right[drawn_rows]] - SHADED) <= 2)
    top, bottom = inside.argmax(axis=0), inside.shape[0] - 1 - inside[::-1].argmax(axis=0)
    drawn_columns = inside.any(axis=0)
    assert np.all(np.abs(band[top[drawn_columns], drawn_columns] - SHADED) <= 2)
    assert np.all(np.abs(band[bottom[drawn_columns], drawn_columns] - SHADED) <= 2)


@pytest.mark.parametrize(("language", "script", "size"), COMBINATIONS)
def test_every_character_is_drawn_by_a_font_that_has_it(language, script, size):
    caption = caption_for(language, JAM_NAMES[script])

    block = caption_block(size, Brand(logo=CLEAR), caption, language)

    assert 1 <= len(block.lines) <= (3 if size[1] > size[0] else 2)
    assert not block.shortened
    missing = [
        (character, f"U+{ord(character):04X}", run.font.getname()[0])
        for line in block.lines
        for run in line.runs
        for character in run.text
        if ord(character) not in charset(run.font.path, run.font.index)
    ]
    assert missing == []
    drawn = "".join(run.text for line in block.lines for run in line.runs)
    visible = [
        character for character in caption if not character.isspace() and unicodedata.category(character) != "Cf"
    ]
    assert sorted(character for character in drawn if not character.isspace()) == sorted(visible)  # nothing lost


def test_traditional_chinese_is_drawn_in_the_traditional_chinese_face():
    block = caption_block((1024, 768), Brand(logo=CLEAR), caption_for("zh-hant", "台北樹莓派聚會"), "zh-hant")

    assert font_for("zh-hant", 40).getname()[0] == "Noto Sans CJK TC"
    han = {
        run.font.getname()[0]
        for line in block.lines
        for run in line.runs
        if any("\u4e00" <= c <= "\u9fff" for c in run.text)
    }
    assert han == {"Noto Sans CJK TC"}
    assert {font_for(language, 40).getname()[0] for language in ("ja", "zh-hans", "ko")} == {
        "Noto Sans CJK JP",
        "Noto Sans CJK SC",
        "Noto Sans CJK KR",
    }


def test_japanese_breaks_between_characters_by_the_line_breaking_rules():
    caption = caption_for("ja", "東京ラズベリージャム")

    block = caption_block((1024, 768), Brand(logo=CLEAR), caption, "ja")

    assert len(block.lines) == 2
    assert block.lines[0].text.startswith("Raspberry Jam ビッグ")  # the line is filled past the space
    # Never before the ideographic comma or a small kana (UAX #14 classes CL and CJ).
    assert all(line.text[0] not in "、。ャュョッー" for line in block.lines)


def visual_order(caption, language):
    """The caption's runs left to right as drawn, set on one long line."""
    (line,) = set_text(caption, language, width=100_000, size=40).lines
    return [run.text for run in line.runs]


def test_a_latin_jam_name_in_a_persian_caption_stays_whole_and_in_its_place():
    texts = visual_order(caption_for("fa", "Cambridge Jam 2031"), "fa")

    assert "Cambridge Jam 2031" in texts  # one run, left to right inside
    name = texts.index("Cambridge Jam 2031")
    assert any("رزبری" in text for text in texts[name + 1 :])  # the sentence's start is to its right
    assert any("مارس" in text for text in texts[:name])  # the date follows it: to its left
    assert texts[0] == "2031"  # the year ends the sentence at its left end


def test_the_date_after_an_arabic_script_jam_name_stays_after_it():
    texts = visual_order(caption_for("fr", "جم تهران"), "fr")

    joined = "".join(texts)
    assert joined.index("Weekend") < joined.index("جم تهران") < joined.index(", 1 mars 2031")


def test_persian_letters_are_joined():
    letters = "بببب"

    block = caption_block((1024, 768), Brand(logo=CLEAR), letters, "fa")
    alone = ImageFont.truetype(block.lines[0].runs[0].font.path, block.size).getlength("ب")

    (line,) = block.lines
    assert line.runs[0].rtl
    assert line.width < 0.7 * 4 * alone  # joined forms are narrower than four separate letters


def test_a_caption_too_long_for_any_size_is_shortened_and_keeps_the_jam_name():
    name = "Cardiff Raspberry Jam at the Centre for Computing History and Friends"
    template = "{jam}: " + "a very long caption that an organiser wrote on the portal " * 3 + "{date}"
    settings = {"jam_title": name, "caption_template": template, "campaign": {"name": "x"}}
    caption = i18n.caption(settings, "en", DAY)

    block = caption_block((1024, 768), Brand(logo=CLEAR), caption, "en")

    assert block.shortened
    assert len(block.lines) == 2
    text = " ".join(line.text for line in block.lines)
    assert text.startswith(name)
    assert text.endswith("…")
    assert block.size == 17  # the smallest size: half the first, 1024 / 30


def test_a_jam_name_too_long_for_any_size_is_shortened_at_its_end():
    name = "Раз" * 100
    caption = caption_for("fa", name)

    block = caption_block((1024, 768), Brand(logo=CLEAR), caption, "fa")

    assert block.shortened
    assert len(block.lines) == 2
    assert block.lines[-1].text.endswith("…")
    assert "".join(line.text for line in block.lines).startswith("Раз" * 10)


@pytest.mark.parametrize("corner", ["top-left", "top-right", "bottom-left", "bottom-right"])
@pytest.mark.parametrize("size", [(1600, 900), (900, 1600)])
def test_the_caption_keeps_a_margin_away_from_the_logo(corner, size):
    caption = caption_for("fa", "Новосибирский Raspberry Jam") + " " + "رزبری پای " * 8
    logo = Image.new("RGBA", (100, 120), (197, 26, 74, 255))
    photo = Image.new("RGB", size, (GREY,) * 3)

    logo_only = np.asarray(brand(photo, Brand(logo=logo, corner=corner), "", "fa").convert("L")) != GREY
    caption_only = np.asarray(brand(photo, Brand(logo=CLEAR, corner=corner), caption, "fa").convert("L")) != GREY
    style = Brand(logo=logo, corner=corner)
    space = round(style.margin * max(size))

    logo_rows, logo_columns = np.flatnonzero(logo_only.any(axis=1)), np.flatnonzero(logo_only.any(axis=0))
    grown = np.zeros_like(logo_only)
    grown[
        max(0, logo_rows[0] - space + 1) : logo_rows[-1] + space,
        max(0, logo_columns[0] - space + 1) : logo_columns[-1] + space,
    ] = True
    assert not (grown & caption_only).any()
    assert caption_only.any()
