"""Take your photo home (issue 23): once the consent window of a photo going to the
portal is over, the screen shows a QR code of the photo's own page on the portal, and
a short line in the booth's language, until the next press or SHOWN_S seconds.

The page's address is fixed when the photo is taken: its token is a hash of the key
the outbox posts the photo with, which the portal works out the same way when the
photo arrives (jamportal.feed.models.takehome_token). So the code works before the
photo is posted (the page says it is on its way, and fills in when it arrives), and
the address does not give the key away.

    >>> photo_address("https://jams.example.org", "0123456789abcdef0123456789abcdef-portal")
    'https://jams.example.org/photo/01f19d3e0f44465fd0c6f0ec9613f0f0/'
    >>> picture = qr_picture(photo_address("https://jams.example.org", "a-key"))
    >>> picture.size, picture.info["logo_box"]
    ((1600, 900), (485, 234, 1115, 864))
"""

import functools
import hashlib

import segno
from PIL import Image

from .display import BACKGROUND

SHOWN_S = 20  # long enough to take out a phone and scan; the next press ends it sooner
TOKEN_LENGTH = 32
PICTURE = (1600, 900)  # the screen's shape; display.py fits it to the screen
CODE_SHARE = 0.7  # of the picture's height: the words above it keep clear of it (its "logo_box")


def token(idempotency_key: str) -> str:
    """The token of the photo's page: as the portal works it out (128 bits of a hash)."""
    return hashlib.sha256(f"jamportal take-home\0{idempotency_key}".encode()).hexdigest()[:TOKEN_LENGTH]


def photo_address(portal_url: str, idempotency_key: str) -> str:
    """The photo's own page on the portal. It names no language: the portal sends each
    visitor to the page in theirs."""
    return f"{portal_url.rstrip('/')}/photo/{token(idempotency_key)}/"


@functools.lru_cache(maxsize=4)
def qr_picture(address: str) -> Image.Image:
    """The screen's picture: the QR code on its white margin (four modules: scanners
    need them), low in the middle, with room above it for the words. Its box is given as
    the picture's "logo_box", which the screen's words keep clear of. The same image
    for the same address (the screen keeps a picture it has fitted while it is shown)."""
    code = segno.make(address, error="m")
    modules = code.symbol_size(border=4)[0]
    width, height = PICTURE
    scale = int(height * CODE_SHARE) // modules
    side = modules * scale
    marks = Image.new("1", (modules, modules), 1)
    marks.putdata([0 if dark else 1 for row in code.matrix_iter(border=4) for dark in row])
    left, top = (width - side) // 2, height - side - height // 25
    picture = Image.new("RGB", PICTURE, BACKGROUND)
    picture.paste(marks.resize((side, side), Image.Resampling.NEAREST).convert("RGB"), (left, top))
    picture.info["logo_box"] = (left, top, left + side, top + side)
    return picture
