"""The screen (pygame on SDL's dummy driver): the camera's live view goes
straight to it, mirrored; the words on it are drawn once per change."""

import PIL.Image
import PIL.ImageDraw
import pygame
import pytest
from PIL import Image

from photobooth import app
from photobooth.booth import Booth
from photobooth.camera import FakeCamera, open_camera
from photobooth.display import Screen, View

from .picamera2_standin import installed, marked_scene

RED, BLUE, GREEN, BACKGROUND = (200, 30, 30), (30, 30, 200), (30, 200, 30), (29, 29, 31)


@pytest.fixture(autouse=True)
def _headless(monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")


def idle_session(screen, camera):
    booth = Booth(
        camera=camera,
        brand=lambda image, caption, language: image,
        save=lambda image: "photo.jpg",
        enqueue=lambda path, caption, language: None,
        caption=lambda language: "Hello",
        languages=["en"],
    )
    return app.Session(booth=booth, screen=screen, camera=camera, outlook=app.Outlook())


def test_the_live_view_costs_no_pillow_work_per_frame(monkeypatch):
    """At 1920x1080 a Pillow-drawn screenful took 56 ms: a third of a second
    of live view at 30 frames a second. The words are drawn when they change."""
    pillow_calls = []

    def counted(name, function):
        def wrapper(*args, **kwargs):
            pillow_calls.append(name)
            return function(*args, **kwargs)

        return wrapper

    with Screen(size=(640, 360), fullscreen=False) as screen:
        session = idle_session(screen, FakeCamera((1280, 720)))
        session.step(0.0)  # the first frame draws the words
        for name in ("new", "linear_gradient", "frombytes", "frombuffer"):
            monkeypatch.setattr(PIL.Image, name, counted(name, getattr(PIL.Image, name)))
        for name in ("resize", "convert", "tobytes", "paste"):
            monkeypatch.setattr(PIL.Image.Image, name, counted(name, getattr(PIL.Image.Image, name)))
        monkeypatch.setattr(PIL.ImageDraw, "Draw", counted("Draw", PIL.ImageDraw.Draw))

        for frame in range(1, 31):
            session.step(frame / 30)
        per_frame = list(pillow_calls)
        session.booth.press("short", now=1.0)  # the countdown's 3: new words, drawn once
        session.step(31 / 30)
        words_changed = list(pillow_calls)
        for frame in range(32, 40):
            session.step(frame / 30)

    assert per_frame == []
    assert "Draw" in words_changed
    assert pillow_calls == words_changed


def test_the_live_view_is_mirrored_and_turned_and_the_photo_shown_as_taken():
    """A portrait booth: the camera on its side (rotation 90) on a landscape
    screen. People see themselves as in a mirror; the photo is not mirrored."""
    world = marked_scene((900, 1600))  # red left, blue right, green top
    with (
        installed(model="imx708", scene=world.transpose(Image.Transpose.ROTATE_90)),
        Screen(size=(640, 360), fullscreen=False) as screen,
        open_camera("picamera2", preview_box=screen.size, rotation=90) as camera,
    ):
        frame = camera.preview()
        screen.show(View(image=frame, headline=""))
        live = screen.snapshot()
        screen.show(View(image=camera.capture()))
        photo = screen.snapshot()

    assert frame.size == (360, 202)  # asked of the camera: fills the screen's height once turned
    for shown in (live, photo):
        assert shown.size == (640, 360)
        assert shown.getpixel((10, 180)) == BACKGROUND  # a portrait picture, centred
        assert shown.getpixel((320, 8)) == GREEN  # upright
    assert (live.getpixel((270, 180)), live.getpixel((370, 180))) == (BLUE, RED)  # mirrored
    assert (photo.getpixel((270, 180)), photo.getpixel((370, 180))) == (RED, BLUE)  # as taken


def test_full_screen_is_scaled_by_sdl_at_the_desktops_size(monkeypatch):
    """pygame's FULLSCREEN alone fails under XWayland (pygame #3114); SCALED
    with it is the documented way, and SDL then scales on the GPU."""
    modes = []
    real_set_mode = pygame.display.set_mode
    monkeypatch.setattr(pygame.display, "set_mode", lambda *args: modes.append(args) or real_set_mode(*args))

    with Screen(size=(640, 360), fullscreen=True) as screen:
        size = screen.size

    assert modes == [((1024, 768), pygame.SCALED | pygame.FULLSCREEN)]  # the dummy driver's desktop
    assert size == (1024, 768)


def test_a_booth_started_without_its_desktop_says_so_instead_of_running_unseen(monkeypatch):
    """Without a desktop (a systemd unit without its session's WAYLAND_DISPLAY,
    an ssh login), SDL falls back to its offscreen driver: a booth nobody sees."""
    from photobooth.display import ScreenMissing

    for name in ("SDL_VIDEODRIVER", "DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR"):
        monkeypatch.delenv(name, raising=False)

    with pytest.raises(ScreenMissing, match="no desktop to draw on"):
        Screen(size=(320, 180), fullscreen=False)

    assert pygame.display.get_init() is False
