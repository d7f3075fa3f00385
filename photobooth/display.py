"""The screen: what to show is drawn with Pillow (the same fonts, fallbacks and
right-to-left shaping as the photos), then shown by pygame in a window or
full screen. On a laptop the space bar is the big button.

    >>> from PIL import Image
    >>> frame = render(View(image=Image.new("RGB", (640, 360)), headline="3", language="en"), (320, 180))
    >>> frame.size
    (320, 180)

The layout: an alert, if any, in a red band across the top; the status line in
a dark strip across the bottom; the picture between them. Words over the
picture sit on dark boxes, so they read over a white wall as over a dark room,
and keep clear of the logo on a branded photo (its `info["logo_box"]`).

Tests and headless runs use SDL's dummy video driver (SDL_VIDEODRIVER=dummy).
"""

import os
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageOps

from .controls import PressTimer
from .typeset import set_text

BACKGROUND = (29, 29, 31)
RASPBERRY = (197, 26, 74)
STATUS_TEXT = (236, 236, 240)
# Boxes behind words over the picture keep 40 % of its light, like the photo's caption
# (black pasted at 153/255): white on them has a contrast of at least 5.7:1 over a white scene.
SHADE = 153


@dataclass(frozen=True)
class View:
    """One screenful: a picture, a big line, a smaller one, a status bar."""

    image: Image.Image | None = None
    headline: str = ""
    detail: str = ""
    status: str = ""
    alert: str = ""  # shown in a red band: a missing camera, a dead network
    language: str = "en"


def render(view: View, size) -> Image.Image:
    width, height = size
    frame = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(frame)
    top, bottom = 0, height
    if view.alert:
        block = set_text(view.alert, view.language, width=width * 9 // 10, size=height // 27, max_lines=2)
        top = max(height // 9, _height(block) + height // 30)
        draw.rectangle((0, 0, width, top - 1), fill=RASPBERRY)
        _draw_lines(draw, block, width // 2, (top - _height(block)) // 2, "white")
    if view.status:
        block = set_text(view.status, view.language, width=width * 24 // 25, size=height // 32, max_lines=1)
        bottom = height - max(height // 14, _height(block) + height // 60)
        _draw_lines(draw, block, width // 2, (bottom + height - _height(block)) // 2, STATUS_TEXT)
    avoid = []
    if view.image is not None:
        picture = ImageOps.contain(view.image, (width, bottom - top), Image.Resampling.BILINEAR)
        left, upper = (width - picture.width) // 2, top + (bottom - top - picture.height) // 2
        frame.paste(picture, (left, upper))
        logo = view.image.info.get("logo_box")
        if logo:
            scale = picture.width / view.image.width
            avoid.append(
                tuple(round(edge * scale) + offset for edge, offset in zip(logo, (left, upper) * 2, strict=True))
            )
    area = bottom - top
    line = top + (area // 3 if view.image is None else area // 12)
    gap = max(4, height // 60)
    if view.headline:
        line = _over_picture(frame, view.headline, view.language, line, size=area // 6, max_lines=2, avoid=avoid) + gap
    if view.detail:
        _over_picture(frame, view.detail, view.language, line, size=area // 22, max_lines=3, avoid=avoid)
    return frame


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
    shade = Image.new("L", (1, 1), SHADE)
    for box in boxes:
        frame.paste((0, 0, 0), box, shade.resize((box[2] - box[0], box[3] - box[1])))
    draw = ImageDraw.Draw(frame)
    for line, box in zip(block.lines, boxes, strict=True):
        line.draw(draw, box[0] + across, box[1] + updown + block.ascent, "white")
    return boxes[-1][3] if boxes else top


class Screen:
    """A pygame window (or the whole screen). `presses(now)` reports the space
    bar like the big button; Escape or closing the window means "exit"."""

    def __init__(self, *, size=(1280, 720), fullscreen=True, caption="Raspberry Jam photobooth"):
        os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
        import pygame  # only the screen needs it

        self._pygame = pygame
        pygame.display.init()
        flags = pygame.FULLSCREEN if fullscreen else 0
        self._surface = pygame.display.set_mode((0, 0) if fullscreen else size, flags)
        self.size = self._surface.get_size()
        pygame.display.set_caption(caption)
        pygame.mouse.set_visible(not fullscreen)
        self._timer = PressTimer()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def show(self, view: View) -> None:
        frame = render(view, self.size)
        surface = self._pygame.image.frombytes(frame.tobytes(), frame.size, "RGB")
        self._surface.blit(surface, (0, 0))
        self._pygame.display.flip()

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
