"""Branding a photo: pure Pillow functions that know nothing of cameras,
screens or networks.

    >>> from PIL import Image
    >>> photo = Image.new("RGB", (4608, 2592), "white")
    >>> logo = open_logo(BUNDLED_LOGO)
    >>> branded = brand(photo, Brand(logo=logo), "Big Birthday Weekend, Cambridge Jam, 3 March", "en")
    >>> branded.size, branded.info["logo_box"]
    ((4608, 2592), (3940, 115, 4493, 779))

One margin rule holds for everything drawn on a photo: `Brand.margin` times
the photo's long side, on every edge, between the logo and the caption too.
"""

import io
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path

from PIL import Image, ImageDraw

from . import fonts
from .typeset import Block, set_text

CORNERS = {"top-left", "top-right", "bottom-left", "bottom-right"}
BUNDLED_LOGO = Path(__file__).resolve().parent.parent / "static" / "branding" / "birthday-jam.svg"


class VectorLogo:
    """Logo artwork in SVG, drawn (cairosvg) at the width each frame needs
    rather than scaled up from a small picture.

    >>> VectorLogo(BUNDLED_LOGO.read_bytes()).render(100).size
    (100, 120)
    """

    def __init__(self, svg: bytes):
        self.svg = svg
        sample = self._draw(240)  # refuses what is not SVG, once, here
        self.aspect = sample.height / sample.width

    def render(self, width: int) -> Image.Image:
        return self._draw(width)

    def _draw(self, width):
        import cairosvg  # only a booth with vector artwork needs cairo

        # unsafe=False (the default): no external files or entities, whoever wrote the SVG.
        return Image.open(io.BytesIO(cairosvg.svg2png(bytestring=self.svg, output_width=width))).convert("RGBA")


def open_logo(path) -> Image.Image | VectorLogo:
    """The logo in a file: SVG artwork (drawn at any size) or a picture (PNG...).
    Raises ValueError if it is neither."""
    return read_logo(Path(path).read_bytes(), name=str(path))


def read_logo(data: bytes, *, name="the logo") -> Image.Image | VectorLogo:
    """`open_logo()` for a logo already in memory (fetched from the portal)."""
    if b"<svg" in data[:2048]:
        try:
            return VectorLogo(data)
        except Exception as error:  # cairosvg's parsers raise errors of several kinds; cairo may be missing
            raise ValueError(f"{name} is SVG that cannot be drawn here: {error}") from None
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except OSError as error:
        raise ValueError(f"{name} is neither SVG nor a picture: {error}") from None
    return image


@dataclass(frozen=True, eq=False)  # compared (and cached) by identity: images do not hash
class Brand:
    """The birthday logo and where it goes: a corner, a margin and a width, both
    as fractions of the photo's long side, so the logo is the same size in a
    portrait and a landscape photo from one camera."""

    logo: Image.Image | VectorLogo
    corner: str = "top-right"
    margin: float = 0.025
    scale: float = 0.12

    def __post_init__(self):
        if self.corner not in CORNERS:
            raise ValueError(f"corner must be one of {sorted(CORNERS)}, not {self.corner!r}")
        if not (0 <= self.margin < 0.25 and 0 < self.scale <= 0.5):
            raise ValueError("margin must be in [0, 0.25) and scale in (0, 0.5]")

    @cached_property
    def aspect(self) -> float:
        if isinstance(self.logo, VectorLogo):
            return self.logo.aspect
        return self.logo.height / self.logo.width


def brand(photo: Image.Image, brand: Brand, caption: str, language: str) -> Image.Image:
    """A copy of the photo with the logo in its corner and the caption across the bottom.

    The caption is set in the language's font with a fallback for every other
    script, breaks lines where the language allows, and shrinks until every
    line fits between the margins (`caption_block`). The branded image's
    `info["logo_box"]` says where the logo is, so a screen can keep text off it.
    """
    return brand_in_place(photo.convert("RGB") if photo.mode != "RGB" else photo.copy(), brand, caption, language)


def brand_in_place(photo: Image.Image, brand: Brand, caption: str, language: str) -> Image.Image:
    """`brand()` without the copy, for a frame nobody else holds (the booth's
    fresh capture): 12 megapixels are not copied for nothing. RGB only."""
    box = logo_box(photo.size, brand)
    logo = _scaled_logo(brand, box[2] - box[0])
    photo.paste(logo, box[:2], logo)
    photo.info["logo_box"] = box
    if caption.strip():
        for x, y, tile, mask in _caption_tiles(caption.strip(), language, photo.size, brand):
            photo.paste(tile, (x, y), mask)
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


# --- Where things go ---------------------------------------------------------------


def margin(size, brand: Brand) -> int:
    """The one margin of a photo `size` (width, height): every edge, logo and caption alike."""
    return round(brand.margin * max(size))


def logo_box(size, brand: Brand):
    """(left, top, right, bottom) of the logo on a photo of `size`."""
    width, height = size
    space = margin(size, brand)
    logo_width = max(1, round(max(size) * brand.scale))
    logo_height = max(1, round(logo_width * brand.aspect))
    left = space if brand.corner.endswith("left") else width - space - logo_width
    top = space if brand.corner.startswith("top") else height - space - logo_height
    return (left, top, left + logo_width, top + logo_height)


def caption_column(size, brand: Brand):
    """(left, right) of the band the caption may use: within the margins, and
    beside the logo (a margin away) when the logo sits in a bottom corner."""
    width, _height = size
    space = margin(size, brand)
    left, right = space, width - space
    if brand.corner.startswith("bottom"):
        box = logo_box(size, brand)
        if brand.corner.endswith("left"):
            left = box[2] + space
        else:
            right = box[0] - space
    return left, right


def caption_size(size) -> int:
    """The caption's largest font size: one thirtieth of the long side."""
    return max(12, round(max(size) / 30))


def caption_padding(size):
    """(across, up and down) between a caption line's ink and the edge of its box."""
    return round(caption_size(size) * 0.25), round(caption_size(size) * 0.2)


def caption_block(size, brand: Brand, caption: str, language: str) -> Block:
    """The caption's lines as they are drawn on a photo of `size`: at most two
    lines (three on a portrait photo), the size shrunk to half if need be, and
    shortened with "…" (the Jam's name kept) if even that cannot fit."""
    left, right = caption_column(size, brand)
    across, _ = caption_padding(size)
    portrait = size[1] > size[0]
    return set_text(
        caption.strip(),
        language,
        width=max(1, right - left - 2 * across),
        size=caption_size(size),
        max_lines=3 if portrait else 2,
    )


@cache
def _scaled_logo(brand, width):
    """The logo at its size for one photo size (a booth's camera keeps one)."""
    if isinstance(brand.logo, VectorLogo):
        return brand.logo.render(width)
    logo = brand.logo.convert("RGBA")
    return logo.resize((width, max(1, round(width * brand.aspect))), Image.Resampling.LANCZOS)


# Each caption line sits on its own dark box that keeps 40 % of the photo's light.
# Box and text go on in one paste: with text coverage v (0-255), the mask is
# 153 + 0.4v and the tile 255v / mask, which is exactly "darken, then draw white".
SHADE = 153
_MASK = [SHADE + round(v * (255 - SHADE) / 255) for v in range(256)]
_TILE = [round(255 * v / _MASK[v]) for v in range(256)]


@lru_cache(maxsize=16)
def _caption_tiles(caption, language, size, brand):
    """(x, y, RGB tile, mask) for each line of the caption, bottom line a margin
    from the bottom. A booth shows one caption per language all day: it is laid
    out and drawn once."""
    block = caption_block(size, brand, caption, language)
    left, right = caption_column(size, brand)
    across, updown = caption_padding(size)
    height = block.ascent + block.descent + 2 * updown
    bottom = size[1] - margin(size, brand)
    tiles = []
    for number, line in enumerate(block.lines):
        text = Image.new("L", (line.width + 2 * across, height))
        line.draw(ImageDraw.Draw(text), across, updown + block.ascent, 255)
        x = right - text.width if block.rtl else left
        y = bottom - (len(block.lines) - number) * height
        tiles.append((x, y, text.point(_TILE).convert("RGB"), text.point(_MASK)))
    return tuple(tiles)


def font_for(language, size):
    """The font a language's own text is drawn in (other scripts fall back per character)."""
    return fonts.primary_face(language).font(size)


def font_path(language: str) -> str:
    """The font file for `language`'s own text, found by fontconfig (FileNotFoundError if missing)."""
    return fonts.primary_face(language).path
