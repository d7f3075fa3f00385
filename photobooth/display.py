"""The screen. The camera's live view goes to it as the camera delivered it
(a pygame surface made on the camera's buffer, turned and mirrored by pygame),
and SDL scales the whole screenful to the display on the GPU (pygame.SCALED).
The words over it (headline, detail, alert, status) are drawn with Pillow (the
same fonts and right-to-left shaping as the photos) on a transparent layer,
once each time they change, not once a frame. On a laptop the space bar is the
big button.

    >>> from PIL import Image
    >>> frame = render(View(image=Image.new("RGB", (640, 360)), headline="3", language="en"), (320, 180))
    >>> frame.size
    (320, 180)

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
from .compose import fit_lines, line_width, text_options
from .controls import PressTimer

BACKGROUND = (29, 29, 31)
RASPBERRY = (197, 26, 74)
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


def render(view: View, size) -> Image.Image:
    """The whole screenful as one Pillow image, its picture a Pillow image (for
    screenshots and tests; the Screen draws the same in layers)."""
    width, height = size
    frame = Image.new("RGB", size, BACKGROUND)
    if view.image is not None:
        picture = ImageOps.contain(view.image, size, Image.Resampling.BILINEAR)
        frame.paste(picture, ((width - picture.width) // 2, (height - picture.height) // 2))
    words = render_words(view, size)
    frame.paste(words, (0, 0), words)
    return frame


def render_words(view: View, size) -> Image.Image:
    """Everything but the picture, on a transparent layer (placed as if the
    picture were there when `view.image` is not None)."""
    width, height = size
    frame = Image.new("RGBA", size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(frame)
    top = height // 3 if view.image is None else height // 12
    if view.headline:
        top = _centred(draw, view.headline, view.language, width, top, size=height // 6, shadow=True)
    if view.detail:
        _centred(draw, view.detail, view.language, width, top + height // 40, size=height // 22, shadow=True)
    if view.alert:
        band = height // 9
        draw.rectangle((0, 0, width, band), fill=RASPBERRY)
        _centred(draw, view.alert, view.language, width, band // 6, size=band // 3, max_lines=2)
    if view.status:
        _centred(draw, view.status, view.language, width, height - height // 14, size=height // 30, max_lines=1)
    return frame


def _centred(draw, text, language, width, top, *, size, shadow=False, max_lines=3):
    """Lines of `text` centred across the frame from `top`; returns where they end."""
    font, lines = fit_lines(text, language, width * 9 // 10, max(10, size), max_lines=max_lines, min_size=10)
    step = round(font.size * 1.25)
    for line in lines:
        x = (width - line_width(draw, line, font, language)) // 2
        if shadow:
            draw.text((x + 2, top + 2), line, font=font, fill="black", **text_options(language))
        draw.text((x, top), line, font=font, fill="white", **text_options(language))
        top += step
    return top


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

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def show(self, view: View) -> None:
        words = replace(view, image=None)
        if (words, view.image is None) != self._words_for:  # drawn once per change, not per frame
            self._words = self._strips(render_words(view, self.size))
            self._words_for = (words, view.image is None)
        self._draw_picture(view.image)
        self._surface.blits(self._words, doreturn=False)
        self._pygame.display.flip()

    def _draw_picture(self, picture):
        if picture is None:
            self._surface.fill(BACKGROUND)
            return
        surface = self._live(picture) if isinstance(picture, Frame) else self._still(picture)
        width, height = self.size
        left, top = (width - surface.get_width()) // 2, (height - surface.get_height()) // 2
        if (left, top) != (0, 0):  # bars beside or above the picture
            self._surface.fill(BACKGROUND, (0, 0, width, top))
            self._surface.fill(BACKGROUND, (0, top + surface.get_height(), width, height))
            self._surface.fill(BACKGROUND, (0, 0, left, height))
            self._surface.fill(BACKGROUND, (left + surface.get_width(), 0, width, height))
        self._surface.blit(surface, (left, top))

    def _live(self, frame: Frame):
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
        size, room = surface.get_size(), fit(surface.get_size(), self.size)
        if size[0] > room[0] or size[1] > room[1] or (size[0] < room[0] * 0.97 and size[1] < room[1] * 0.97):
            surface = pygame.transform.smoothscale(surface, room)  # a webcam's own size; picamera2 fits itself
        return surface

    def _still(self, image: Image.Image):
        """A photo, fitted once and kept while it is shown (the consent window)."""
        if self._photo_for is not image:
            fitted = ImageOps.contain(image, self.size, Image.Resampling.BILINEAR).convert("RGB")
            self._photo = self._pygame.image.frombytes(fitted.tobytes(), fitted.size, "RGB").convert()
            self._photo_for = image
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
