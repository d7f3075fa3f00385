"""Branding a photo: pure Pillow functions that know nothing of cameras,
screens or networks.

    >>> from PIL import Image
    >>> photo = Image.new("RGB", (4608, 2592), "white")
    >>> logo = Image.new("RGBA", (400, 480), (197, 26, 74, 255))
    >>> branded = brand(photo, Brand(logo=logo), "Big Birthday Weekend, Cambridge Jam, 3 March", "en")
    >>> branded.size
    (4608, 2592)
"""

import shutil
import subprocess
from dataclasses import dataclass
from functools import cache, lru_cache

from PIL import Image, ImageDraw, ImageFont

from .i18n import is_rtl

CORNERS = {"top-left", "top-right", "bottom-left", "bottom-right"}
# Which font family covers a language's script (Noto, as Debian and Raspberry Pi OS ship it).
FAMILIES = {
    "ja": "Noto Sans CJK JP",
    "zh-hant": "Noto Sans CJK TC",
    "fa": "Noto Naskh Arabic",
    "ar": "Noto Naskh Arabic",
}
DEFAULT_FAMILY = "Noto Sans"


@dataclass(frozen=True, eq=False)  # compared (and cached) by identity: images do not hash
class Brand:
    """The birthday logo and where it goes: a corner, a margin and a width, both
    as fractions of the photo's width, so it fits any camera resolution."""

    logo: Image.Image
    corner: str = "top-right"
    margin: float = 0.025
    scale: float = 0.12

    def __post_init__(self):
        if self.corner not in CORNERS:
            raise ValueError(f"corner must be one of {sorted(CORNERS)}, not {self.corner!r}")
        if not (0 <= self.margin < 0.25 and 0 < self.scale <= 0.5):
            raise ValueError("margin must be in [0, 0.25) and scale in (0, 0.5]")


def brand(photo: Image.Image, brand: Brand, caption: str, language: str) -> Image.Image:
    """A copy of the photo with the logo in its corner and the caption across the bottom.

    The caption wraps, then shrinks, to fit two lines; it is never clipped.
    Right-to-left languages are shaped and set from the right (Pillow with raqm).
    """
    return brand_in_place(photo.convert("RGB") if photo.mode != "RGB" else photo.copy(), brand, caption, language)


def brand_in_place(photo: Image.Image, brand: Brand, caption: str, language: str) -> Image.Image:
    """`brand()` without the copy, for a frame nobody else holds (the booth's
    fresh capture): 12 megapixels are not copied for nothing. RGB only."""
    _place_logo(photo, brand)
    if caption.strip():
        for x, up, tile, mask in _caption_tiles(caption.strip(), language, photo.width):
            photo.paste(tile, (x, photo.height - up), mask)
    return photo


def collage(frames, gap=0.01) -> Image.Image:
    """Four frames as one 2x2 picture the size of one frame, with thin gaps.

    >>> collage([Image.new("RGB", (400, 300))] * 4).size
    (400, 300)
    """
    width, height = frames[0].size
    space = round(width * gap)
    cell = ((width - space) // 2, (height - space) // 2)
    sheet = Image.new("RGB", (width, height), "white")
    for number, frame in enumerate(frames[:4]):
        column, row = number % 2, number // 2
        sheet.paste(
            frame.convert("RGB").resize(cell, Image.Resampling.BILINEAR),
            (column * (cell[0] + space), row * (cell[1] + space)),
        )
    return sheet


def _place_logo(image, brand):
    width, height = image.size
    logo = _scaled_logo(brand, width)
    margin = round(width * brand.margin)
    x = margin if brand.corner.endswith("left") else width - margin - logo.width
    y = margin if brand.corner.startswith("top") else height - margin - logo.height
    image.paste(logo, (x, y), logo)


@cache
def _scaled_logo(brand, width):
    """The logo at its size for a photo `width` wide (a booth's camera keeps one size)."""
    logo_width = max(1, round(width * brand.scale))
    logo = brand.logo.convert("RGBA")
    return logo.resize((logo_width, max(1, round(logo.height * logo_width / logo.width))), Image.Resampling.LANCZOS)


# Each caption line sits on its own dark box that keeps 40 % of the photo's light.
# Box and text go on in one paste: with text coverage v (0-255), the mask is
# 153 + 0.4v and the tile 255v / mask, which is exactly "darken, then draw white".
SHADE = 153
_MASK = [SHADE + round(v * (255 - SHADE) / 255) for v in range(256)]
_TILE = [round(255 * v / _MASK[v]) for v in range(256)]


@lru_cache(maxsize=16)
def _caption_tiles(caption, language, width):
    """(x, distance from the bottom, RGB tile, mask) for each line of the caption.
    A booth shows one caption per language all day: it is laid out and drawn once."""
    margin = round(width * 0.03)
    font, lines = fit_lines(caption, language, width - 2 * margin, max(12, round(width / 30)))
    line_height, pad = round(font.size * 1.35), round(font.size * 0.3)
    draw = ImageDraw.Draw(Image.new("L", (1, 1)))
    tiles = []
    for number, line in enumerate(lines):
        left, top, right, bottom = draw.textbbox((0, 0), line, font=font, **text_options(language))
        size = (right - left + 2 * pad, line_height)
        text = Image.new("L", size)
        ImageDraw.Draw(text).text(
            (pad - left, (line_height - (bottom - top)) // 2 - top), line, font=font, fill=255, **text_options(language)
        )
        x = width - margin - size[0] if is_rtl(language) else margin
        up = margin // 2 + (len(lines) - number) * line_height
        tiles.append((x, up, text.point(_TILE).convert("RGB"), text.point(_MASK)))
    return tuple(tiles)


def fit_lines(text, language, width, size, *, max_lines=2, min_size=12):
    """The font and the lines that set `text` within `width` pixels: wrapped,
    then shrunk until it takes at most `max_lines` lines. Never clipped."""
    while True:
        font = font_for(language, size)
        lines = _wrap(text, font, width, language)
        if len(lines) <= max_lines or size <= min_size:
            return font, lines
        size = max(min_size, round(size * 0.85))


def text_options(language):
    """What Pillow needs to shape and set a right-to-left language (with raqm)."""
    return {"direction": "rtl", "language": language} if is_rtl(language) else {}


def line_width(draw, text, font, language):
    left, _top, right, _bottom = draw.textbbox((0, 0), text, font=font, **text_options(language))
    return right - left


def _wrap(text, font, available, language):
    """Lines that fit `available` pixels, breaking at spaces (or anywhere, for
    scripts written without spaces)."""
    draw = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    units = text.split(" ") if " " in text else list(text)
    joiner = " " if " " in text else ""
    lines, current = [], ""
    for unit in units:
        candidate = f"{current}{joiner}{unit}" if current else unit
        if current and line_width(draw, candidate, font, language) > available:
            lines.append(current)
            current = unit
        else:
            current = candidate
    return [*lines, current]


@cache
def font_for(language, size):
    return ImageFont.truetype(font_path(language), size)


@cache
def font_path(language: str) -> str:
    """The font file that covers `language`, found by fontconfig."""
    family = FAMILIES.get(language, DEFAULT_FAMILY)
    if shutil.which("fc-match"):
        found = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
            ["fc-match", "-f", "%{file}", f"{family}:style=Bold"],  # noqa: S607 (fontconfig's own tool)
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if found:
            return found
    raise FileNotFoundError(f"No font for {language!r}: install the Noto fonts (fonts-noto-core, fonts-noto-cjk).")
