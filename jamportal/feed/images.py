"""Checking a booth upload and turning it into the JPEG the portal keeps: the only
code that opens files people send.

Only the formats a camera or a phone sends are opened, and an image's size is
read from its header and held against PHOTO_MAX_PIXELS before anything is
decoded (`_opener`). A truncated or broken file is refused, whatever another
library has asked of Pillow for the whole process (`_refusing_truncated_files`,
`_Upload`). What is kept is made from the pixels alone (`jpeg`), so no metadata
of the upload (comments, EXIF with GPS, XMP, ICC, IPTC, PNG text) reaches the site.
"""

import io
import math
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import GifImagePlugin, Image, ImageFile, ImageOps, JpegImagePlugin, PngImagePlugin, WebPImagePlugin

JPEG_QUALITY = 88
# The sizes pages show: a photo's own page and the wall, and galleries.
WEB_LONGEST = 1600
THUMBNAIL_LONGEST = 480
# The portal keeps a copy at most this large (the booth keeps the full frame on its
# card), and no smaller than the web size if the upload is larger. A JPEG is decoded
# at the smallest scale libjpeg decodes directly (1/2, 1/4, 1/8: "DCT scaling") that
# still holds the web size, and kept at that size if it fits: a 12 MP frame is kept
# at half scale, 2304 x 1296 from the Camera Module 3 (the booth's camera), 2028 x
# 1520 from the HQ camera, with no resampling. Decoding the file is then most of an
# upload's cost, and cannot be skipped: it is how a file cut short or broken is found.
KEPT_LONGEST = 2304


class PhotoRejected(Exception):
    """An upload that cannot be stored; `code` says why (too_large, not_an_image)."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def upload_clean(upload) -> tuple[ContentFile, tuple[int, int]]:
    """The upload as a fresh upright JPEG and its size, or PhotoRejected."""
    if upload.size > settings.PHOTO_MAX_BYTES:
        limit = settings.PHOTO_MAX_BYTES // 1_000_000
        raise PhotoRejected("too_large", _("The file is larger than %(limit)s MB.") % {"limit": limit})
    data = upload.read()
    opener = _opener(data[:12])
    if opener is None:
        raise _not_an_image()
    try:
        with _refusing_truncated_files():
            with opener(io.BytesIO(data)) as probe:
                width, height = probe.size
                if width * height > settings.PHOTO_MAX_PIXELS:
                    raise _too_many_pixels()
                probe.verify()
            source = _Upload(data)
            with opener(source) as image:
                scale = min(1, WEB_LONGEST / max(width, height))
                # JPEG: decoded at 1/2, 1/4 or 1/8 scale if that still holds the web size (other formats ignore it).
                image.draft("RGB", (max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))))
                source.ran_out = False
                image.load()
                if source.ran_out:
                    raise OSError("The file ends before the image does.")
                upright = ImageOps.exif_transpose(image)
                upright.thumbnail((KEPT_LONGEST, KEPT_LONGEST))
    except PhotoRejected:
        raise
    except Image.DecompressionBombError as error:
        # Pillow's own guard, still inside some plugins (a GIF frame larger than
        # its screen, a WebP canvas): over its limit is over ours too.
        raise _too_many_pixels() from error
    except (OSError, SyntaxError, ValueError) as error:
        raise _not_an_image() from error
    # Kept, not shown (pages show the sizes made from it): a plain baseline JPEG, which
    # libjpeg writes in a fifth of the time of an optimised progressive one, 10 % larger.
    return jpeg(upright, shown=False), upright.size


def _not_an_image() -> PhotoRejected:
    return PhotoRejected("not_an_image", _("The file is not an image we can read."))


def _too_many_pixels() -> PhotoRejected:
    limit = settings.PHOTO_MAX_PIXELS // 1_000_000
    return PhotoRejected("too_large", _("The image has more than %(limit)s million pixels.") % {"limit": limit})


def _opener(head: bytes) -> type[ImageFile.ImageFile] | None:
    """The Pillow plugin for a file starting with `head`, if it is a format a booth
    sends (Pillow reads dozens more, some through outside programs: none is needed).

    The plugin opens the file itself, not Image.open: that would hold the size
    against Pillow's decompression-bomb limit first (Image.MAX_IMAGE_PIXELS, another
    process-wide setting) and refuse a huge image as not an image at all, where the
    booth API promises 413 for anything over PHOTO_MAX_PIXELS.
    """
    if head.startswith(b"\xff\xd8\xff"):
        return JpegImagePlugin.JpegImageFile
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PngImagePlugin.PngImageFile
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GifImagePlugin.GifImageFile
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return WebPImagePlugin.WebPImageFile
    return None


class _Upload(io.BytesIO):
    """The upload's bytes, noting when a decoder asks for more than there is: the
    file was cut short, whatever Pillow was told to make of that."""

    ran_out = False

    def read(self, size=-1, /):
        chunk = super().read(size)
        if size != 0 and not chunk:
            self.ran_out = True
        return chunk


# WeasyPrint (imported by jamportal.pdf in every web process) sets Pillow's
# process-wide ImageFile.LOAD_TRUNCATED_IMAGES to True: Pillow then fills what a
# truncated file lacks with grey and ignores its decoder's errors, and a broken
# upload would be published. Our decodes turn it off while they run, threads
# overlapping; the last to finish gives WeasyPrint its setting back, unless someone
# changed it meanwhile. (If another thread sets it during a decode of ours, _Upload
# still notices a file cut short.)
_flag_lock = threading.Lock()
_decodes_running = 0
_flag_before = False


@contextmanager
def _refusing_truncated_files():
    global _decodes_running, _flag_before
    with _flag_lock:
        if _decodes_running == 0:
            _flag_before = ImageFile.LOAD_TRUNCATED_IMAGES
        _decodes_running += 1
        ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        with _flag_lock:
            _decodes_running -= 1
            if _decodes_running == 0 and ImageFile.LOAD_TRUNCATED_IMAGES is False:
                ImageFile.LOAD_TRUNCATED_IMAGES = _flag_before


def jpeg(image, *, shown=True) -> ContentFile:
    """The image's pixels, and nothing else, as a fresh JPEG; with optimised Huffman
    tables if pages show it (10 % fewer bytes for visitors, twice the time of a plain
    one). Not progressive: libjpeg-turbo takes 2.5 times as long for 2 % fewer bytes.

    Saving `image` itself would not do: Pillow writes what the image still carries
    from its file (`info["comment"]` from a JPEG COM segment, a GIF comment or a PNG
    text chunk; save options left in `encoderinfo`) into the new file. A new image
    holding only the pixels has no comment, EXIF, XMP, ICC, IPTC or text to pass on.
    """
    pixels = Image.new("RGB", image.size)
    pixels.paste(image if image.mode == "RGB" else image.convert("RGB"))
    buffer = io.BytesIO()
    pixels.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=shown)
    return ContentFile(buffer.getvalue())


def sizes(kept, longest: dict[str, int]) -> dict[str, ContentFile]:
    """{name: a JPEG of the kept copy (an open file) at most `longest[name]` pixels
    long}, made from one decode, each from the smallest made before it that is large
    enough (a thumbnail from the web size rather than from the kept copy)."""
    with Image.open(kept) as image:
        image.load()
        made, source = {}, image
        for name, side in sorted(longest.items(), key=lambda item: -item[1]):
            copy = source.copy()
            # reducing_gap: whole-factor box averaging first while the copy is over 1.5 times
            # the size, then bicubic (a 480 px thumbnail from 1600 px in a quarter of the time).
            copy.thumbnail((side, side), reducing_gap=1.5)
            made[name], source = jpeg(copy), copy
    return made
