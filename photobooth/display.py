"""The screen. The camera's live view goes to it as the camera delivered it
(a pygame surface made on the camera's buffer, turned and mirrored by pygame),
and SDL scales the whole screenful to the display on the GPU (pygame.SCALED).
The words on it (alert, status, headline, detail) are drawn with Pillow (the
same fonts, fallbacks and right-to-left shaping as the photos) on a transparent
layer, once each time they change, not once a frame. On a laptop the space bar
is the big button.

    >>> from PIL import Image
    >>> frame = render(View(image=Image.new("RGB", (640, 360)), headline="3", language="en"), (320, 180))
    >>> frame.size
    (320, 180)

The layout: an alert, if any, in a red band across the top; the status line in
a dark strip across the bottom; the picture between them. Words over the
picture sit on dark boxes, so they read over a white wall as over a dark room,
and keep clear of the logo on a branded photo (its `info["logo_box"]`).

The live view is mirrored, like a mirror, which is what people expect of a
screen that films them; the photo is saved, and shown during the consent
window, as the camera took it. Tests and headless runs use SDL's dummy video
driver (SDL_VIDEODRIVER=dummy).
"""

import os
import warnings
from dataclasses import dataclass, replace

from PIL import Image, ImageDraw, ImageOps

from .camera import SURFACE, Frame, fit
from .controls import PressTimer
from .i18n import is_rtl
from .typeset import set_text

BACKGROUND = (29, 29, 31)
RASPBERRY = (197, 26, 74)
STATUS_TEXT = (236, 236, 240)
# Boxes behind words over the picture keep 40 % of its light, like the photo's caption
# (black at 153/255 over it): white on them has a contrast of at least 5.7:1 over a white scene.
SHADE = 153
LARGEST_DRAWN = (1920, 1080)  # a 4K screen gets this, scaled up by SDL on the GPU
WORD_STRIPS = 24  # the words' layer is cut into the strips that hold something, so only those are blended
HEADLESS = ("offscreen", "dummy")  # SDL's drivers that show nothing: only when SDL_VIDEODRIVER asks for them


class ScreenMissing(RuntimeError):
    """No screen to draw on; the message says what to check."""


@dataclass(frozen=True)
class View:
    """One screenful: a picture (the camera's live view as a `Frame`, or a
    Pillow image such as the photo just taken), a big line, a smaller one, a status bar."""

    image: Image.Image | Frame | None = None
    headline: str = ""
    detail: str = ""
    status: str = ""
    alert: str = ""  # shown in a red band: a missing camera, a dead network
    language: str = "en"
    qr: str = ""  # an address as a QR code in the picture's bottom corner (the local gallery's)
    corner: str = ""  # a short line beside that code: the address, the panel's PIN or its lockout


def render(view: View, size) -> Image.Image:
    """The whole screenful as one Pillow image, its picture a Pillow image (for
    screenshots and tests; the Screen draws the same in layers)."""
    frame = Image.new("RGB", size, BACKGROUND)
    if view.image is not None:
        picture, position = _placed(view.image, picture_area(view, size))
        frame.paste(picture, position)
    words = render_words(view, size)
    frame.paste(words, (0, 0), words)
    return frame


def picture_area(view: View, size) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the screen left to the picture: below the
    alert's band and above the status strip."""
    width, height = size
    top, bottom = 0, height
    if view.alert:
        top = max(height // 9, _height(_alert_text(view, size)) + height // 30)
    if view.status:
        bottom = height - max(height // 14, _height(_status_text(view, size)) + height // 60)
    return (0, top, width, bottom)


def _alert_text(view, size):
    width, height = size
    return set_text(view.alert, view.language, width=width * 9 // 10, size=height // 27, max_lines=2)


def _status_text(view, size):
    width, height = size
    return set_text(view.status, view.language, width=width * 24 // 25, size=height // 32, max_lines=1)


def _placed(image: Image.Image, area):
    """A Pillow picture fitted and centred in `area`: (picture, its top left corner)."""
    left, top, right, bottom = area
    picture = ImageOps.contain(image, (right - left, bottom - top), Image.Resampling.BILINEAR)
    return picture, (left + (right - left - picture.width) // 2, top + (bottom - top - picture.height) // 2)


def render_words(view: View, size) -> Image.Image:
    """Everything but the picture, on a transparent layer: the alert's band, the
    status strip, and the words over the picture on their dark boxes (clear of the
    logo of a photo, placed as `render` places it)."""
    width, height = size
    frame = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(frame)
    area = _, top, _, bottom = picture_area(view, size)
    if view.alert:
        block = _alert_text(view, size)
        draw.rectangle((0, 0, width, top - 1), fill=RASPBERRY)
        _draw_lines(draw, block, width // 2, (top - _height(block)) // 2, "white")
    if view.status:
        block = _status_text(view, size)
        draw.rectangle((0, bottom, width, height), fill=BACKGROUND)
        _draw_lines(draw, block, width // 2, (bottom + height - _height(block)) // 2, STATUS_TEXT)
    avoid = []
    logo = view.image.info.get("logo_box") if isinstance(view.image, Image.Image) else None
    if logo:
        picture, (left, upper) = _placed(view.image, area)
        scale = picture.width / view.image.width
        avoid.append(tuple(round(edge * scale) + offset for edge, offset in zip(logo, (left, upper) * 2, strict=True)))
    if view.qr:
        avoid.append(_draw_qr(frame, view, area))
    room = bottom - top
    line = top + (room // 3 if view.image is None else room // 12)
    gap = max(4, height // 60)
    if view.headline:
        line = _over_picture(frame, view.headline, view.language, line, size=room // 6, max_lines=2, avoid=avoid) + gap
    if view.detail:
        _over_picture(frame, view.detail, view.language, line, size=room // 22, max_lines=3, avoid=avoid)
    return frame


def _draw_qr(frame, view, area) -> tuple:
    """The QR code of `view.qr` on a white square in the picture's bottom corner
    (left, or right in a right-to-left language), `view.corner` on a dark box above
    it. Returns the box they take."""
    import segno  # only a booth with its gallery on draws one

    left, top, right, bottom = area
    modules = list(segno.make(view.qr, error="m").matrix_iter(scale=1, border=2))
    side = max(len(modules), (bottom - top) // 4)
    scale = max(1, side // len(modules))
    code = Image.new("L", (len(modules), len(modules)))
    code.putdata([0 if dark else 255 for row in modules for dark in row])
    code = code.resize((len(modules) * scale,) * 2, Image.Resampling.NEAREST)
    gap = max(4, frame.height // 60)
    rtl = is_rtl(view.language)
    x = right - gap - code.width if rtl else left + gap
    y = bottom - gap - code.height
    frame.paste(code.convert("RGBA"), (x, y))
    box = (x, y, x + code.width, y + code.height)
    if view.corner:
        size = max(10, code.height // 8)
        block = set_text(view.corner, view.language, width=max(code.width, (right - left) // 3), size=size, max_lines=2)
        across = max(4, size // 3)
        wide = max(line.width for line in block.lines) + 2 * across
        high = _height(block) + gap
        text_x = x + code.width - wide if rtl else x
        draw = ImageDraw.Draw(frame)
        draw.rectangle((text_x, y - high, text_x + wide - 1, y - 1), fill=(0, 0, 0, SHADE))
        _draw_lines(draw, block, text_x + wide // 2, y - high + gap // 2, "white")
        box = (min(x, text_x), y - high, max(box[2], text_x + wide), box[3])
    return box


def _height(block):
    return len(block.lines) * (block.ascent + block.descent)


def _draw_lines(draw, block, centre, top, fill):
    """The block's lines centred on `centre`, the first line's top at `top`."""
    for line in block.lines:
        line.draw(draw, centre - line.width // 2, top + block.ascent, fill)
        top += block.ascent + block.descent


def _boxes(block, centre, top, across, updown):
    """Where each line's dark box goes: `across` and `updown` beyond its ink."""
    boxes = []
    for line in block.lines:
        height = block.ascent + block.descent + 2 * updown
        boxes.append((centre - line.width // 2 - across, top, centre + (line.width + 1) // 2 + across, top + height))
        top += height
    return boxes


def _overlaps(boxes, avoid, gap):
    return any(
        box[0] < clear[2] + gap and clear[0] - gap < box[2] and box[1] < clear[3] + gap and clear[1] - gap < box[3]
        for box in boxes
        for clear in avoid
    )


def _over_picture(frame, text, language, top, *, size, max_lines, avoid):
    """Lines of `text` centred from `top` on dark boxes, kept a gap away from each
    box in `avoid`: set narrower between them, or else below them. Returns where
    they end."""
    width = frame.width
    size, gap = max(10, size), max(4, frame.height // 60)
    across, updown = max(4, size // 3), max(2, size // 12)
    centre, column = width // 2, width * 9 // 10
    for _attempt in range(4):
        block = set_text(
            text, language, width=column - 2 * across, size=size, max_lines=max_lines, min_size=max(10, size // 2)
        )
        boxes = _boxes(block, centre, top, across, updown)
        if not _overlaps(boxes, avoid, gap):
            break
        bottom = boxes[-1][3] if boxes else top
        beside = [clear for clear in avoid if clear[1] - gap < bottom and top < clear[3] + gap]
        half = min((min(abs(clear[0] - centre), abs(clear[2] - centre)) - gap for clear in beside), default=column // 2)
        covers_centre = any(clear[0] <= centre <= clear[2] for clear in beside)
        if not covers_centre and 2 * (half - across) >= width * 2 // 5 and 2 * half < column:
            column = 2 * half  # narrower, between the boxes to avoid
        else:
            top = max(clear[3] for clear in beside) + gap  # below them, the whole width again
            column = width * 9 // 10
    draw = ImageDraw.Draw(frame)
    for box in boxes:
        draw.rectangle((box[0], box[1], box[2] - 1, box[3] - 1), fill=(0, 0, 0, SHADE))
    for line, box in zip(block.lines, boxes, strict=True):
        line.draw(draw, box[0] + across, box[1] + updown + block.ascent, "white")
    return boxes[-1][3] if boxes else top


def _picture_kind(image):
    """What of the picture the words' layer depends on: none, a live view, or a
    photo's size and logo (the words keep clear of it)."""
    if image is None or isinstance(image, Frame):
        return type(image)
    return (image.size, image.info.get("logo_box"))


class Screen:
    """A pygame window (or the whole screen). `presses(now)` reports the space
    bar like the big button; Escape or closing the window means "exit".

    Full screen is SDL's scaled full-screen desktop mode (pygame.SCALED |
    pygame.FULLSCREEN) at the desktop's size (at most 1920x1080, which SDL
    scales up on larger screens): FULLSCREEN alone changes the video mode,
    which fails under XWayland (pygame #3114). `renderer` says how SDL draws:
    "software" when it found no GPU renderer (slower; check reports it)."""

    def __init__(self, *, size=(1280, 720), fullscreen=True, mirror=True, caption="Raspberry Jam photobooth"):
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        import pygame  # only the screen needs it

        self._pygame = pygame
        self.mirror = mirror
        try:
            pygame.display.init()
            self.driver = pygame.display.get_driver()
            if self.driver in HEADLESS and os.environ.get("SDL_VIDEODRIVER") != self.driver:
                raise ScreenMissing(
                    "no desktop to draw on (SDL fell back to its offscreen driver): start the booth from the "
                    "desktop session (its systemd user unit does), or run check in a terminal on the booth's desktop."
                )
            if fullscreen:
                desktop = pygame.display.get_desktop_sizes()[0]
                size = desktop if desktop[0] <= LARGEST_DRAWN[0] else fit(desktop, LARGEST_DRAWN)
            with warnings.catch_warnings(record=True) as said:
                warnings.simplefilter("always")
                flags = pygame.SCALED | (pygame.FULLSCREEN if fullscreen else 0)
                self._surface = pygame.display.set_mode(tuple(size), flags)
        except pygame.error as error:
            pygame.display.quit()
            raise ScreenMissing(f"the screen could not be opened ({error}): is the desktop running?") from error
        except BaseException:
            pygame.display.quit()
            raise
        self.renderer = "software" if any("no fast renderer" in str(w.message) for w in said) else "accelerated"
        self.size = self._surface.get_size()
        pygame.display.set_caption(caption)
        pygame.mouse.set_visible(not fullscreen)
        self._timer = PressTimer()
        self._words_for, self._words = None, []
        self._photo_for, self._photo = None, None

    @property
    def live_box(self) -> tuple[int, int]:
        """The size to ask the camera's live view for: the room between the status
        line (always shown) and the screen's top. Asked for the whole screen, every
        frame was a little too tall and was scaled down on the CPU, which made the
        live view five times slower (make bench, bench/preview.py)."""
        left, top, right, bottom = picture_area(View(status="·"), self.size)
        return (right - left, bottom - top)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def show(self, view: View) -> None:
        words = (replace(view, image=None), _picture_kind(view.image))
        if words != self._words_for:  # drawn once per change, not per frame
            self._words = self._strips(render_words(view, self.size))
            self._words_for = words
        self._draw_picture(view.image, picture_area(view, self.size))
        self._surface.blits(self._words, doreturn=False)
        self._pygame.display.flip()

    def _draw_picture(self, picture, area):
        if picture is None:
            self._surface.fill(BACKGROUND)
            return
        room = (area[2] - area[0], area[3] - area[1])
        surface = self._live(picture, room) if isinstance(picture, Frame) else self._still(picture, room)
        width, height = self.size
        left = area[0] + (room[0] - surface.get_width()) // 2
        top = area[1] + (room[1] - surface.get_height()) // 2
        if (left, top, surface.get_size()) != (0, 0, self.size):  # bars beside or above the picture
            self._surface.fill(BACKGROUND, (0, 0, width, top))
            self._surface.fill(BACKGROUND, (0, top + surface.get_height(), width, height))
            self._surface.fill(BACKGROUND, (0, 0, left, height))
            self._surface.fill(BACKGROUND, (left + surface.get_width(), 0, width, height))
        self._surface.blit(surface, (left, top))

    def _live(self, frame: Frame, room):
        """The camera's frame as a surface on its own buffer (no copy), turned,
        mirrored and, only if the camera could not give this size, scaled."""
        pygame = self._pygame
        if frame.layout == SURFACE:
            surface = frame.pixels
        else:
            surface = pygame.image.frombuffer(frame.pixels, frame.size, frame.layout)
        if frame.turn:
            surface = pygame.transform.rotate(surface, -frame.turn)  # pygame turns anticlockwise
        if self.mirror:
            surface = pygame.transform.flip(surface, True, False)
        size, room = surface.get_size(), fit(surface.get_size(), room)
        if size[0] > room[0] or size[1] > room[1] or (size[0] < room[0] * 0.97 and size[1] < room[1] * 0.97):
            surface = pygame.transform.smoothscale(surface, room)  # a webcam's own size; picamera2 fits itself
        return surface

    def _still(self, image: Image.Image, room):
        """A photo, fitted once and kept while it is shown (the consent window)."""
        if self._photo_for is None or self._photo_for[0] is not image or self._photo_for[1] != room:
            fitted = ImageOps.contain(image, room, Image.Resampling.BILINEAR).convert("RGB")
            self._photo = self._pygame.image.frombytes(fitted.tobytes(), fitted.size, "RGB").convert()
            self._photo_for = (image, room)
        return self._photo

    def _strips(self, layer: Image.Image):
        """The parts of the words' layer that hold something, as (surface,
        position) pairs: blending the whole transparent screenful each frame
        would cost more than the picture itself."""
        width, height = layer.size
        alpha, step = layer.getchannel("A"), -(-height // WORD_STRIPS)
        boxes = []
        for top in range(0, height, step):
            box = alpha.crop((0, top, width, min(height, top + step))).getbbox()
            if box is None:
                continue
            box = (box[0], top + box[1], box[2], top + box[3])
            if boxes and boxes[-1][3] >= top:  # runs on from the strip above
                last = boxes.pop()
                box = (min(last[0], box[0]), last[1], max(last[2], box[2]), box[3])
            boxes.append(box)
        pygame, strips = self._pygame, []
        for box in boxes:
            part = layer.crop(box)
            surface = pygame.image.frombytes(part.tobytes(), part.size, "RGBA").convert_alpha()
            strips.append((surface, box[:2]))
        return strips

    def snapshot(self) -> Image.Image:
        """What the screen shows now (screenshots, tests)."""
        return Image.frombytes("RGB", self.size, self._pygame.image.tobytes(self._surface, "RGB"))

    def presses(self, now) -> list[str]:
        pygame, kinds = self._pygame, []
        for event in pygame.event.get():
            if event.type == pygame.QUIT or (event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE):
                kinds.append("exit")
            elif event.type == pygame.KEYDOWN and event.key == pygame.K_SPACE:
                self._timer.down(now)
            elif event.type == pygame.KEYUP and event.key == pygame.K_SPACE:
                kinds.append(self._timer.up(now))
        return [kind for kind in kinds if kind]

    def close(self) -> None:
        if self._pygame is not None:
            self._pygame.display.quit()
            self._pygame = None
