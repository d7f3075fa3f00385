import io
from pathlib import Path

import cairosvg
import numpy as np
import pytest
from PIL import Image

from photobooth import app
from photobooth.compose import Brand, brand, brand_in_place
from photobooth.config import parse

BERRY = (197, 26, 74, 255)


def photo(size=(1600, 900)):
    return Image.new("RGB", size, (240, 240, 240))


def logo():
    return Image.new("RGBA", (100, 120), BERRY)


@pytest.mark.parametrize(
    ("corner", "point"),
    [("top-left", (50, 50)), ("top-right", (1550, 50)), ("bottom-left", (50, 700)), ("bottom-right", (1550, 700))],
)
def test_logo_goes_in_its_corner_at_any_resolution(corner, point):
    branded = brand(photo(), Brand(logo=logo(), corner=corner, margin=0.02, scale=0.1), "", "en")

    assert branded.size == (1600, 900)
    assert branded.getpixel(point) == BERRY[:3]
    far = (1600 - point[0], 900 - point[1])
    assert branded.getpixel(far) == (240, 240, 240)


def test_logo_scales_with_the_photo():
    small = brand(photo((800, 450)), Brand(logo=logo(), corner="top-left", margin=0, scale=0.25), "", "en")
    large = brand(photo((4608, 2592)), Brand(logo=logo(), corner="top-left", margin=0, scale=0.25), "", "en")

    assert small.getpixel((199, 10)) == BERRY[:3]
    assert small.getpixel((201, 10)) == (240, 240, 240)
    assert large.getpixel((1151, 10)) == BERRY[:3]


def caption_box(branded):
    """Where the white caption text is: the band darkens the photo, the text stays white."""
    return branded.convert("L").point(lambda value: 255 if value > 250 else 0).getbbox()


@pytest.mark.parametrize(
    ("caption", "language"),
    [
        ("Big Birthday Weekend, Aberystwyth Jam, 3 March: ŵ ŷ", "cy"),
        ("東京ラズベリージャム 2031年3月3日", "ja"),
        ("جشن تولد رزبری پای، تهران", "fa"),
    ],
)
def test_caption_is_drawn_in_any_script_across_the_bottom(caption, language):
    branded = brand(photo(), Brand(logo=logo(), corner="top-right"), caption, language)

    left, top, right, bottom = caption_box(branded)
    assert top > 750  # a band at the bottom, not over the faces
    assert bottom < 900
    assert right - left > 200


def test_persian_is_set_from_the_right_and_latin_from_the_left():
    persian = caption_box(brand(photo(), Brand(logo=logo()), "تهران", "fa"))
    english = caption_box(brand(photo(), Brand(logo=logo()), "Tehran", "en"))

    assert persian[0] > 1200
    assert persian[2] > 1500
    assert english[0] < 100
    assert english[2] < 400


def test_long_captions_wrap_and_shrink_instead_of_being_clipped():
    short = caption_box(brand(photo(), Brand(logo=logo()), "Raspberry Jam", "en"))
    long = caption_box(brand(photo(), Brand(logo=logo()), " ".join(["Raspberry Jam Big Birthday Weekend"] * 12), "en"))

    assert long[2] - long[0] > 3 * (short[2] - short[0])  # it runs across the photo ...
    assert long[1] > 750  # ... in at most two shrunken lines at the bottom
    assert long[0] >= 40
    assert long[2] <= 1560


def test_bad_brand_settings_are_refused():
    with pytest.raises(ValueError, match="corner"):
        Brand(logo=logo(), corner="middle")
    with pytest.raises(ValueError, match="scale"):
        Brand(logo=logo(), scale=2)


def test_brand_leaves_the_photo_alone_and_in_place_gives_the_same_picture():
    frame = photo()
    style = Brand(logo=Image.new("RGBA", (40, 48), BERRY))

    copy = brand(frame, style, "Cardiff Jam", "cy")
    unchanged = frame.getpixel((60, 860))
    in_place = brand_in_place(frame, style, "Cardiff Jam", "cy")

    assert unchanged == (240, 240, 240)
    assert in_place is frame
    assert in_place.tobytes() == copy.tobytes()
    colours = {colour for _count, colour in copy.crop((0, 700, 1600, 900)).getcolors(maxcolors=100_000)}
    assert {(96, 96, 96), (255, 255, 255)} <= colours  # white text on boxes that keep 40 % of the light


def test_the_booths_own_logo_is_drawn_from_its_artwork_at_the_photos_size(tmp_path):
    config = parse(f'[booth]\nfolder = "{tmp_path}"\n[camera]\nkind = "fake"', base=tmp_path)
    artwork = (Path(__file__).resolve().parents[2] / "static" / "branding" / "birthday-jam.svg").read_bytes()

    branded = brand(Image.new("RGB", (4608, 2592), "white"), Brand(logo=app.logo(config, {})), "", "en")

    width, space = round(4608 * 0.12), round(2592 * 0.025 * 4608 / 2592)  # Brand's defaults, of the long side
    box = (4608 - space - width, space, 4608 - space, space + round(width * 240 / 200))  # the artwork is 200 x 240
    drawn = Image.open(io.BytesIO(cairosvg.svg2png(bytestring=artwork, output_width=width))).convert("RGBA")
    sharp = Image.new("RGB", drawn.size, "white")
    sharp.paste(drawn, (0, 0), drawn)
    difference = np.abs(np.asarray(branded.crop(box)).astype(int) - np.asarray(sharp).astype(int)).max(axis=2)
    # The artwork itself at 553 px: a 400 px picture enlarged blurs its edges (2,395 pixels off by more).
    assert (difference > 24).sum() == 0
