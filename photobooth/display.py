"""The screen: what to show is drawn with Pillow (the same fonts and
right-to-left shaping as the photos), then shown by pygame in a window or
full screen. On a laptop the space bar is the big button.

    >>> from PIL import Image
    >>> frame = render(View(image=Image.new("RGB", (640, 360)), headline="3", language="en"), (320, 180))
    >>> frame.size
    (320, 180)

Tests and headless runs use SDL's dummy video driver (SDL_VIDEODRIVER=dummy).
"""

import os
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageOps

from .compose import fit_lines, line_width, text_options
from .controls import PressTimer

BACKGROUND = (29, 29, 31)
RASPBERRY = (197, 26, 74)


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
    if view.image is not None:
        picture = ImageOps.contain(view.image, size, Image.Resampling.BILINEAR)
        frame.paste(picture, ((width - picture.width) // 2, (height - picture.height) // 2))
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
