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
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import GifImagePlugin, Image, ImageFile, ImageOps, JpegImagePlugin, PngImagePlugin, WebPImagePlugin

JPEG_QUALITY = 88
# The portal keeps a copy this large (the booth keeps the full frame on its card);
# a 12 MP JPEG is then decoded at half scale, which is most of an upload's cost.
KEPT_LONGEST = 2048


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
                scale = min(1, KEPT_LONGEST / max(width, height))
                image.draft("RGB", (round(width * scale), round(height * scale)))  # JPEG: decode at 1/2, 1/4... size
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
    return jpeg(upright), upright.size


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


def jpeg(image) -> ContentFile:
    """The image's pixels, and nothing else, as a fresh JPEG.

    Saving `image` itself would not do: Pillow writes what the image still carries
    from its file (`info["comment"]` from a JPEG COM segment, a GIF comment or a PNG
    text chunk; save options left in `encoderinfo`) into the new file. A new image
    holding only the pixels has no comment, EXIF, XMP, ICC, IPTC or text to pass on.
    """
    pixels = Image.new("RGB", image.size)
    pixels.paste(image if image.mode == "RGB" else image.convert("RGB"))
    buffer = io.BytesIO()
    pixels.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return ContentFile(buffer.getvalue())
