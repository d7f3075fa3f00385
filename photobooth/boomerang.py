"""Boomerang: a short burst of frames played forward then backward, for ever,
branded like a photo and kept as one animated WebP; each target is sent what it
takes (pure Pillow functions that know nothing of cameras, screens or networks).

    >>> from PIL import Image
    >>> frames = [Image.new("RGB", (64, 36), (n * 40, 0, 0)) for n in range(4)]
    >>> [frame.getpixel((0, 0))[0] for frame in loop(frames)]
    [0, 40, 80, 120, 80, 40]
    >>> data = webp(loop(frames), frame_ms=100)
    >>> is_animated_bytes(data), frame_count(data)
    (True, 6)

What each target is sent (their documented limits):
- the portal: the animated WebP, within its photo_max_bytes, photo_max_pixels
  and photo_max_frames (its booth configuration says them);
- X: an animated GIF (media_category tweet_gif), at most 15 MB (X's media
  documentation: "GIF: 15 MB") and 1280 x 1080 pixels;
- Mastodon: an animated GIF, which the instance turns into a looping, soundless
  video ("gifv"), within the instance's image limits (bytes, pixels a frame);
- Bluesky: a still (the loop's first frame): app.bsky.embed.images holds still
  images, and its video embed takes MP4 only.
"""

import io
import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageSequence

WEBP_QUALITY = 80
SMALLEST_SIDE = 160  # below this a boomerang is not worth sending: the target gets a still instead
SUFFIX = ".webp"


@dataclass(frozen=True)
class Settings:
    """The [boomerang] settings: on or off, frames in a burst, seconds the burst lasts."""

    enabled: bool = False
    frames: int = 10
    seconds: float = 1.5

    @property
    def frame_ms(self) -> int:
        """How long each frame shows: the burst plays at the speed it was taken."""
        return max(20, round(self.seconds * 1000 / self.frames))


@dataclass(frozen=True)
class AnimationLimits:
    """What a target takes of an animation: bytes in the file, a box each frame
    fits in (width, height), pixels in a frame, frames in the file, pixels in all frames."""

    max_bytes: int
    box: tuple[int, int] | None = None
    max_pixels: int | None = None
    max_frames: int | None = None
    max_total_pixels: int | None = None


# X: "GIF: 15 MB" (counted as 15,000,000 bytes, the smaller reading), at most 1280 x 1080 pixels.
X_GIF_LIMITS = AnimationLimits(max_bytes=15_000_000, box=(1280, 1080), max_frames=350)


def loop(frames: list) -> list:
    """The frames forward, then backward without repeating either end: played
    round and round it goes there and back with no stutter."""
    return list(frames) + list(frames[-2:0:-1])


def brand_all(frames, brand, caption: str, language: str) -> list:
    """Each frame branded as a photo is: the same logo and caption on every one.
    `brand` is compose.brand_in_place with its style (image, caption, language)."""
    return [brand(frame, caption, language) for frame in frames]


def webp(frames, *, frame_ms: int, quality=WEBP_QUALITY) -> bytes:
    """The frames as one animated WebP that loops for ever."""
    buffer = io.BytesIO()
    first, *rest = [frame.convert("RGB") for frame in frames]
    first.save(buffer, "WEBP", save_all=True, append_images=rest, duration=frame_ms, loop=0, quality=quality, method=4)
    return buffer.getvalue()


def gif(frames, *, frame_ms: int) -> bytes:
    """The frames as one animated GIF that loops for ever (256 colours a frame)."""
    buffer = io.BytesIO()
    first, *rest = [frame.convert("RGB").quantize(256, dither=Image.Dither.FLOYDSTEINBERG) for frame in frames]
    first.save(buffer, "GIF", save_all=True, append_images=rest, duration=frame_ms, loop=0, optimize=False)
    return buffer.getvalue()


def frames_of(data: bytes) -> tuple[list, int]:
    """(every frame as RGB, each frame's milliseconds) of an animation."""
    with Image.open(io.BytesIO(data)) as image:
        frame_ms = int(image.info.get("duration") or 100)
        return [frame.convert("RGB") for frame in ImageSequence.Iterator(image)], frame_ms


def frame_count(data: bytes) -> int:
    with Image.open(io.BytesIO(data)) as image:
        return getattr(image, "n_frames", 1)


def is_animated_bytes(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as image:
            return bool(getattr(image, "is_animated", False))
    except OSError:
        return False


def is_boomerang(path) -> bool:
    """Is the booth's file at `path` a boomerang (an animated WebP)?"""
    path = Path(path)
    return path.suffix == SUFFIX and path.is_file() and is_animated_bytes(path.read_bytes())


def still(data: bytes) -> bytes:
    """The animation's first frame as a JPEG, for a target that takes stills only."""
    with Image.open(io.BytesIO(data)) as image:
        image.seek(0)
        picture = image.convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def fit_animation(data: bytes, limits: AnimationLimits, *, kind: str) -> bytes | None:
    """The animation as `kind` ("WEBP" or "GIF") within `limits`: as it is if it
    already is, else made smaller (fewer pixels, then fewer pixels again) until
    it fits; every other frame dropped if there are too many. None if even a
    small one would not fit: send a still instead."""
    kind = kind.upper()
    with Image.open(io.BytesIO(data)) as image:
        same_kind = image.format == kind
        size, count = image.size, getattr(image, "n_frames", 1)
    if same_kind and _allowed(size, count, len(data), limits):
        return data
    frames, frame_ms = frames_of(data)
    while limits.max_frames and len(frames) > limits.max_frames:
        frames, frame_ms = frames[::2], frame_ms * 2
    scale = _scale(size, len(frames), limits)
    encode = gif if kind == "GIF" else webp
    while True:
        width, height = max(1, math.floor(size[0] * scale)), max(1, math.floor(size[1] * scale))
        if max(width, height) < SMALLEST_SIDE:
            return None
        resized = [frame.resize((width, height), Image.Resampling.LANCZOS) for frame in frames]
        encoded = encode(resized, frame_ms=frame_ms)
        if len(encoded) <= limits.max_bytes:
            return encoded
        scale *= min(0.9, math.sqrt(limits.max_bytes / len(encoded)) * 0.95)


def _allowed(size, count, length, limits) -> bool:
    width, height = size
    return (
        length <= limits.max_bytes
        and (limits.box is None or (width <= limits.box[0] and height <= limits.box[1]))
        and (limits.max_pixels is None or width * height <= limits.max_pixels)
        and (limits.max_frames is None or count <= limits.max_frames)
        and (limits.max_total_pixels is None or width * height * count <= limits.max_total_pixels)
    )


def _scale(size, count, limits) -> float:
    width, height = size
    scale = 1.0
    if limits.max_total_pixels:
        scale = min(scale, math.sqrt(limits.max_total_pixels / (width * height * count)))
    if limits.box:
        scale = min(scale, limits.box[0] / width, limits.box[1] / height)
    if limits.max_pixels:
        scale = min(scale, math.sqrt(limits.max_pixels / (width * height)))
    return scale
