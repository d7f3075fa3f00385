"""The screen (pygame on SDL's dummy driver), measured on the frames it draws:
the camera's live view goes straight to it, mirrored; the words on it are drawn
once per change; the status line reads over any scene, and words keep off the
logo of the photo being shown."""

import numpy as np
import PIL.Image
import PIL.ImageDraw
import pygame
import pytest
from PIL import Image

from photobooth import app
from photobooth.booth import Booth
from photobooth.camera import FakeCamera, open_camera
from photobooth.compose import Brand, brand
from photobooth.display import Screen, View, render

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


SCREEN = (1280, 720)
BERRY = (197, 26, 74)
CONSENT = "Press again within 10 seconds if you do NOT want this photo posted."


def luminance(rgb):
    """WCAG relative luminance of an sRGB colour."""
    channels = [value / 255 for value in rgb]
    linear = [value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4 for value in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first, second):
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def changed_box(with_it, without_it):
    """The box of the pixels that differ between two frames: what one thing drew."""
    difference = np.any(np.asarray(with_it) != np.asarray(without_it), axis=2)
    rows, columns = np.flatnonzero(difference.any(axis=1)), np.flatnonzero(difference.any(axis=0))
    if not rows.size:
        return None
    return (columns[0], rows[0], columns[-1] + 1, rows[-1] + 1)


# Two status lines of each language: where the frames differ is where the words are.
STATUSES = {
    "en": ("3 photos waiting to be posted", "All photos posted"),
    "fa": ("۳ عکس در انتظار انتشار", "همه عکس‌ها منتشر شدند"),
    "ja": ("投稿待ちの写真: 3枚", "すべての写真を投稿しました"),
}


def text_and_backing(shown, other, reach=4):
    """The colour of the words that differ between two frames (their lightest: the
    booth writes in white, and a dark shadow is no backing), the colour right
    around them (the commonest `reach` pixels away from their lightest pixels,
    outside the words), and how many of the words' pixels stand out from it."""
    pixels = np.asarray(shown).astype(int)
    words = np.any(pixels != np.asarray(other), axis=2)
    if not words.any():
        return None, None, 0
    inked = pixels[words]
    text = tuple(int(value) for value in max(inked.tolist(), key=luminance))
    lightest = words & np.all(pixels == text, axis=2)
    rows, columns = np.nonzero(lightest)
    around = []
    for down, across in ((reach, 0), (-reach, 0), (0, reach), (0, -reach)):
        near_rows = np.clip(rows + down, 0, pixels.shape[0] - 1)
        near_columns = np.clip(columns + across, 0, pixels.shape[1] - 1)
        outside = ~words[near_rows, near_columns]
        around.extend(map(tuple, pixels[near_rows[outside], near_columns[outside]].tolist()))
    colours, counts = np.unique(np.array(around), axis=0, return_counts=True)
    backing = tuple(int(value) for value in colours[counts.argmax()])
    return text, backing, sum(1 for colour in inked.tolist() if contrast(colour, backing) >= 4.5)


@pytest.mark.parametrize("scene", ["white", "black"])
@pytest.mark.parametrize("language", ["en", "fa", "ja"])
def test_the_status_line_reads_over_a_white_and_a_black_scene(scene, language):
    one, other = STATUSES[language]
    picture = Image.new("RGB", (1920, 1080), scene)

    shown = render(View(image=picture, status=one, language=language), SCREEN)
    other_frame = render(View(image=picture, status=other, language=language), SCREEN)

    box = changed_box(shown, other_frame)
    assert box is not None, "the status line cannot be told from the scene"
    assert box[1] > SCREEN[1] * 0.85  # at the bottom
    text, backing, readable = text_and_backing(shown, other_frame)
    assert contrast(text, backing) >= 7  # WCAG AAA, for text this small
    assert readable > 100  # real letters, not a speck


@pytest.mark.parametrize("corner", ["top-right", "top-left"])
@pytest.mark.parametrize("language", ["en", "fa", "de"])
def test_words_on_the_consent_screen_keep_off_the_logo(corner, language):
    photo = brand(
        Image.new("RGB", (4608, 2592), "white"),
        Brand(logo=Image.new("RGBA", (400, 480), BERRY), corner=corner),
        "",
        language,
    )
    detail = {
        "en": CONSENT,
        "de": "Drücke innerhalb von 10 Sekunden noch einmal, wenn dieses Foto NICHT veröffentlicht werden soll.",
        "fa": "اگر نمی‌خواهید این عکس منتشر شود، ظرف ۱۰ ثانیه دوباره دکمه را فشار دهید.",
    }[language]

    shown = render(View(image=photo, detail=detail, status="All photos posted", language=language), SCREEN)
    without = render(View(image=photo, status="All photos posted", language=language), SCREEN)

    words = changed_box(shown, without)
    logo = np.all(np.asarray(without) == BERRY, axis=2)
    rows, columns = np.flatnonzero(logo.any(axis=1)), np.flatnonzero(logo.any(axis=0))
    logo_box = (columns[0], rows[0], columns[-1] + 1, rows[-1] + 1)
    assert words is not None
    overlap = not (
        words[2] <= logo_box[0] or logo_box[2] <= words[0] or words[3] <= logo_box[1] or logo_box[3] <= words[1]
    )
    assert not overlap, f"words {words} overlap the logo {logo_box}"
    assert words[1] < SCREEN[1] // 2  # still near the top, where the eye goes first


def test_the_countdown_reads_over_a_white_wall():
    wall = Image.new("RGB", (1920, 1080), (250, 250, 250))

    shown = np.asarray(render(View(image=wall, headline="3"), SCREEN)).astype(int)

    white = np.all(shown == 255, axis=2)  # the digit: the booth writes in pure white
    rows, columns = np.nonzero(white)
    around = []
    for down, across in ((4, 0), (-4, 0), (0, 4), (0, -4)):
        near = shown[np.clip(rows + down, 0, SCREEN[1] - 1), np.clip(columns + across, 0, SCREEN[0] - 1)]
        around.extend(tuple(colour) for colour in near.tolist() if colour != [255, 255, 255])
    colours, counts = np.unique(np.array(around), axis=0, return_counts=True)
    backing = tuple(int(value) for value in colours[counts.argmax()])
    assert rows.size > 500  # a digit, not a speck
    assert contrast((255, 255, 255), backing) >= 4.5  # WCAG AA for large text is 3


def test_the_live_view_is_asked_of_the_camera_at_the_size_it_is_shown(monkeypatch):
    """The status line is always on the screen, so the live view has less than the
    screen's height: frames asked for the whole screen were scaled down on the CPU,
    each one (five times slower, bench/preview.py)."""
    scaled = []
    real = pygame.transform.smoothscale
    monkeypatch.setattr(pygame.transform, "smoothscale", lambda *args: scaled.append(args[1]) or real(*args))
    with (
        installed(model="imx708"),
        Screen(size=(1280, 720), fullscreen=False) as screen,
        open_camera("picamera2", preview_box=screen.live_box) as camera,
    ):
        for _ in range(5):
            screen.show(View(image=camera.preview(), headline="Press the button!", status="All photos posted"))
        shown = screen.snapshot()
        frame = camera.preview()

    assert scaled == []
    assert screen.live_box[1] - 2 <= frame.size[1] <= screen.live_box[1] < 720  # (the camera's sizes are even)
    assert shown.size == (1280, 720)
