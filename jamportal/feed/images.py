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
import re
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import (
    GifImagePlugin,
    Image,
    ImageFile,
    ImageOps,
    ImageSequence,
    JpegImagePlugin,
    PngImagePlugin,
    WebPImagePlugin,
)

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


def upload_check(upload) -> None:
    """What a request can afford to check before it stores an upload for the worker
    to clean (`upload_decode`): PhotoRejected, as `upload_decode` would raise it, for
    a file over PHOTO_MAX_BYTES, not in a format a booth sends, with more pixels than
    PHOTO_MAX_PIXELS in its header, or not whole. A JPEG's wholeness is read from its
    structure (`_jpeg_whole`: 2 ms for a 12 MP photo, where decoding it even at 1/8
    scale takes 50);
    other formats, which booths do not send, are decoded here as well. An animation (a
    booth's boomerang) is held against PHOTO_MAX_FRAMES and PHOTO_MAX_ANIMATION_PIXELS
    from its header, then each of its frames decoded (`_animation_check`)."""
    data = _read(upload)
    opener = _opener(data[:12])
    if opener is None:
        raise _not_an_image()
    if _frame_count(opener, data) > 1:
        _animation_check(opener, data)
        return
    if opener is JpegImagePlugin.JpegImageFile:
        _opened(opener, data, decode=False)
        if not _jpeg_whole(data):
            raise _not_an_image()
    else:
        _opened(opener, data, decode=True)


def upload_decode(upload) -> "Image.Image | Animation":
    """The upload's pixels, upright, at most KEPT_LONGEST pixels long; or PhotoRejected.
    An animation (a booth's boomerang) is an `Animation`: its frames, each at most
    WEB_LONGEST long (a boomerang is shown at the web size, never larger)."""
    data = _read(upload)
    opener = _opener(data[:12])
    if opener is None:
        raise _not_an_image()
    if _frame_count(opener, data) > 1:
        return _animation_check(opener, data, decode=True)
    return _opened(opener, data, decode=True)


def upload_clean(upload) -> tuple[ContentFile, tuple[int, int]]:
    """The upload as a fresh upright JPEG and its size, or PhotoRejected."""
    upright = upload_decode(upload)
    # Kept, not shown (pages show the sizes made from it): a plain baseline JPEG, which
    # libjpeg writes in a fifth of the time of an optimised progressive one, 10 % larger.
    return jpeg(upright, shown=False), upright.size


def _read(upload) -> bytes:
    if upload.size > settings.PHOTO_MAX_BYTES:
        limit = settings.PHOTO_MAX_BYTES // 1_000_000
        raise PhotoRejected("too_large", _("The file is larger than %(limit)s MB.") % {"limit": limit})
    upload.seek(0)
    return upload.read()


def _opened(opener, data: bytes, *, decode: bool) -> Image.Image | None:
    """The image's size from its header held against PHOTO_MAX_PIXELS; then, if
    `decode`, its pixels, upright and at most KEPT_LONGEST long."""
    try:
        with _refusing_truncated_files():
            with opener(io.BytesIO(data)) as probe:
                width, height = probe.size
                if width * height > settings.PHOTO_MAX_PIXELS:
                    raise _too_many_pixels()
                probe.verify()
            if not decode:
                return None
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
                return upright
    except PhotoRejected:
        raise
    except Image.DecompressionBombError as error:
        # Pillow's own guard, still inside some plugins (a GIF frame larger than
        # its screen, a WebP canvas): over its limit is over ours too.
        raise _too_many_pixels() from error
    except (OSError, SyntaxError, ValueError) as error:
        raise _not_an_image() from error


# In a JPEG's entropy-coded data a 0xFF byte is followed by 0x00 (a coded 0xFF) or a
# restart marker (0xD0-0xD7); any other marker, after any 0xFF fill bytes, ends the scan.
_SCAN_END = re.compile(rb"\xff\xff*[^\x00\xd0-\xd7\xff]")
# What may follow a scan besides the end (EOI): a progressive JPEG's tables and next scan.
_BETWEEN_SCANS = {0xC4, 0xCC, 0xDA, 0xDB, 0xDC, 0xDD, 0xFE, *range(0xE0, 0xF0)}


def _jpeg_whole(data: bytes) -> bool:
    """Whether a JPEG's segments and scans run, each complete, from its start to its
    end (EOI), with no marker where none may be: what a decode refuses of a file cut
    short or broken (a second start-of-image in a scan), found without decoding.
    Damage inside the coded data that libjpeg only warns about is found by neither:
    it shows as damaged pixels. What follows the end is ignored, as libjpeg does."""
    position, end, scanned = 2, len(data), False
    while True:
        if position >= end or data[position] != 0xFF:
            return False
        while position < end and data[position] == 0xFF:
            position += 1
        if position >= end:
            return False
        marker = data[position]
        position += 1
        if marker == 0xD9:  # end of image
            return scanned
        if (scanned and marker not in _BETWEEN_SCANS) or marker in (0x00, 0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
            return False  # a marker without a segment, or one that has no place here
        length = int.from_bytes(data[position : position + 2], "big")
        if length < 2 or position + length > end:
            return False
        position += length
        if marker == 0xDA:  # start of scan: its coded data runs to the next marker
            scanned = True
            found = _SCAN_END.search(data, position)
            if found is None:
                return False  # the file ends inside the scan
            position = found.start()


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


def opened(kept) -> "Image.Image | Animation":
    """The pixels of a kept copy (a JPEG, or a boomerang's WebP, this module made), to make sizes from."""
    with Image.open(kept) as image:
        if getattr(image, "is_animated", False):
            return _animation_from(image)
        image.load()
        return image


def sizes(image, longest: dict[str, int]) -> dict[str, ContentFile]:
    """{name: a JPEG of `image` at most `longest[name]` pixels long}, each made from
    the smallest made before it that is large enough (a thumbnail from the web size)."""
    if isinstance(image, Animation):
        return animation_sizes(image, longest)
    made, source = {}, image
    for name, side in sorted(longest.items(), key=lambda item: -item[1]):
        copy = source.copy()
        # reducing_gap: whole-factor box averaging first while the copy is over 1.5 times
        # the size, then bicubic (a 480 px thumbnail from 1600 px in a quarter of the time).
        copy.thumbnail((side, side), reducing_gap=1.5)
        made[name], source = jpeg(copy), copy
    return made


# --- Boomerang ---
# A booth's boomerang arrives as an animated WebP (an animated GIF is taken too). It is
# checked from its header (frames, each frame's size, all frames' pixels) before any
# frame is decoded, then every frame is decoded and kept animated: a new WebP made from
# the frames' pixels alone (no EXIF, XMP or ICC of the upload), the web size animated,
# and a still of the first frame for visitors who ask for less motion.
WEBP_QUALITY = 80


class Animation:
    """An animation's frames (RGB, each its own Pillow image) and each frame's milliseconds."""

    def __init__(self, frames, durations):
        self.frames, self.durations = list(frames), list(durations)

    @property
    def size(self):
        return self.frames[0].size

    @property
    def width(self):
        return self.size[0]

    @property
    def height(self):
        return self.size[1]


def is_webp(content) -> bool:
    """Is this file (a ContentFile this module made) a WebP? Its name ends in .webp then."""
    head = content.read(12)
    content.seek(0)
    return head.startswith(b"RIFF") and head[8:12] == b"WEBP"


def _frame_count(opener, data) -> int:
    """How many frames the header says: one for a still, a JPEG or a PNG (never an animation here)."""
    if opener not in (WebPImagePlugin.WebPImageFile, GifImagePlugin.GifImageFile):
        return 1
    try:
        with _refusing_truncated_files(), opener(io.BytesIO(data)) as probe:
            return getattr(probe, "n_frames", 1)
    except Image.DecompressionBombError as error:
        raise _too_many_pixels() from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise _not_an_image() from error


def _animation_check(opener, data, *, decode=False) -> Animation | None:
    """PhotoRejected for an animation over PHOTO_MAX_FRAMES frames, a frame over
    PHOTO_MAX_PIXELS or all frames over PHOTO_MAX_ANIMATION_PIXELS, or one that does not
    decode whole; with `decode`, its frames (each at most WEB_LONGEST long)."""
    try:
        with _refusing_truncated_files(), opener(io.BytesIO(data)) as image:
            frames, (width, height) = image.n_frames, image.size
            if frames > settings.PHOTO_MAX_FRAMES:
                raise PhotoRejected(
                    "too_large",
                    _("The animation has more than %(limit)s frames.") % {"limit": settings.PHOTO_MAX_FRAMES},
                )
            if width * height > settings.PHOTO_MAX_PIXELS:
                raise _too_many_pixels()
            if width * height * frames > settings.PHOTO_MAX_ANIMATION_PIXELS:
                limit = settings.PHOTO_MAX_ANIMATION_PIXELS // 1_000_000
                raise PhotoRejected(
                    "too_large",
                    _("The animation has more than %(limit)s million pixels in all its frames.") % {"limit": limit},
                )
            if decode:
                return _animation_from(image)
            for frame in ImageSequence.Iterator(image):  # every frame decoded, one at a time: a file cut short
                frame.load()  # is refused here, and no more than one frame is held
            return None
    except PhotoRejected:
        raise
    except Image.DecompressionBombError as error:
        raise _too_many_pixels() from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise _not_an_image() from error


def _animation_from(image) -> Animation:
    frames, durations = [], []
    for frame in ImageSequence.Iterator(image):
        pixels = Image.new("RGB", frame.size)
        pixels.paste(frame.convert("RGB"))
        pixels.thumbnail((WEB_LONGEST, WEB_LONGEST))
        frames.append(pixels)
        durations.append(max(20, int(frame.info.get("duration") or 100)))
    return Animation(frames, durations)


def animated_webp(animation: Animation, longest: int | None = None) -> ContentFile:
    """The animation as a fresh animated WebP that loops for ever, at most `longest`
    pixels long: made from its frames' pixels, so nothing else of the upload is kept."""
    frames = []
    for frame in animation.frames:
        copy = frame.copy()
        if longest:
            copy.thumbnail((longest, longest), reducing_gap=1.5)
        frames.append(copy)
    buffer = io.BytesIO()
    frames[0].save(
        buffer,
        "WEBP",
        save_all=True,
        append_images=frames[1:],
        duration=animation.durations,
        loop=0,
        quality=WEBP_QUALITY,
        method=4,
    )
    return ContentFile(buffer.getvalue())


def animation_sizes(animation: Animation, longest: dict[str, int]) -> dict[str, ContentFile]:
    """{name: an animated WebP at most `longest[name]` long} for each size, and "still": the
    first frame as a JPEG at the largest size, for pages asked for less motion."""
    made = {name: animated_webp(animation, side) for name, side in longest.items()}
    still = animation.frames[0].copy()
    still.thumbnail((max(longest.values()), max(longest.values())), reducing_gap=1.5)
    made["still"] = jpeg(still)
    return made
