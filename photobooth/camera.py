"""Cameras behind one small interface, chosen by the config:

    >>> camera = open_camera("fake", resolution=(640, 360), preview_box=(320, 240))
    >>> camera.capture().size, camera.preview().size
    ((640, 360), (320, 180))
    >>> camera.close(); camera.close()  # idempotent

`preview()` gives the live view as a `Frame`: the camera's own pixels, which
the screen takes as they are (no Pillow, no copy), sized by the camera to fit
the screen. `capture()` gives the photo as a Pillow image at full resolution,
upright and never mirrored (the screen mirrors the live view; see display.py).

`rotation` (0, 90, 180 or 270 degrees clockwise) turns both, for a camera
mounted on its side in a portrait booth, or upside down.

"picamera2" uses the Raspberry Pi camera (Camera Module 3, 2 or HQ) through
picamera2, which Raspberry Pi OS installs from apt; it is imported only here,
and only when asked for. If it is asked for and missing, that is an error with
a message: the booth never falls back to a fake camera on its own. "webcam"
uses a USB or laptop camera through pygame (for `make booth-demo`).
"""

import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Any, Protocol

from PIL import Image, ImageDraw

log = logging.getLogger("photobooth")

PREVIEW_SIZE = (1280, 720)
ROTATIONS = (0, 90, 180, 270)
FOCUS_TIMEOUT_S = 3  # a focus cycle takes well under a second; never let a stuck one hold the photo
SURFACE = "surface"  # a Frame whose pixels are already a pygame Surface (webcams)
# Pillow names its turns anticlockwise; ours are clockwise, like the settings file.
CLOCKWISE = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}
BUSY = (
    "The camera is in use by another program (Device or resource busy): another booth, or rpicam-hello or "
    "rpicam-still left running? `sudo fuser -v /dev/media*` names it; a booth started on login stops with "
    "`systemctl --user stop photobooth`."
)
NOT_FOUND = (
    "No camera found: check its ribbon cable (contacts facing the way the port's label shows; a Pi 5 needs "
    "the narrower cable) and that `rpicam-hello --list-cameras` lists it."
)


class CameraMissing(RuntimeError):
    """The configured camera cannot be used; the message says what to check."""


@dataclass(frozen=True)
class Frame:
    """One frame of the live view, as the camera delivered it.

    `pixels` is anything pygame.image.frombuffer takes (picamera2's numpy
    array, bytes) in the byte order `layout` names ("RGBX" for picamera2's
    XBGR8888: R, G, B, unused), or a pygame Surface when `layout` is "surface".
    `turn` is how far (degrees clockwise) the screen must still turn it: the
    quarter turns the camera itself cannot make."""

    pixels: Any
    size: tuple[int, int]
    layout: str = "RGBX"
    turn: int = 0


class Camera(Protocol):
    model: str  # what check reports: "imx708" (Camera Module 3), "fake"...
    autofocus: bool

    def preview(self) -> Frame: ...  # the next frame of the live view

    def capture(self) -> Image.Image: ...  # the photo, at full resolution

    def burst(self, count: int, seconds: float) -> list[Image.Image]: ...  # a boomerang's frames (live view's size)

    def close(self) -> None: ...


def fit(size, box) -> tuple[int, int]:
    """The largest size of `size`'s shape inside `box`, in even numbers (as cameras deliver them).

    >>> fit((4608, 2592), (1280, 800))
    (1280, 720)
    """
    scale = min(box[0] / size[0], box[1] / size[1])
    return (max(2, round(size[0] * scale) // 2 * 2), max(2, round(size[1] * scale) // 2 * 2))


def preview_size(resolution, box, rotation) -> tuple[int, int]:
    """The size to ask of the camera's preview stream so that, once turned by
    `rotation`, it fills as much of the screen (`box`) as it can without scaling."""
    quarter = rotation in (90, 270)
    width, height = fit(resolution[::-1] if quarter else resolution, box)
    return (height, width) if quarter else (width, height)


def turned(image: Image.Image, rotation: int) -> Image.Image:
    """The image turned `rotation` degrees clockwise."""
    return image.transpose(CLOCKWISE[rotation]) if rotation else image


class FakeCamera:
    """Numbered test pictures, for laptops and tests. Its live view is one
    frame made once, so that it costs the screen what a real camera's does."""

    def __init__(self, resolution=(1280, 720), *, preview_box=PREVIEW_SIZE, rotation=0):
        self.resolution, self.rotation = tuple(resolution), rotation
        self.model, self.autofocus = "fake", False
        self.shots = 0
        size = preview_size(self.resolution, preview_box, rotation)
        self._frame = Frame(_gradient(size, "fake camera").convert("RGBX").tobytes(), size, "RGBX", rotation)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def preview(self) -> Frame:
        return self._frame

    def capture(self) -> Image.Image:
        self.shots += 1
        return turned(_gradient(self.resolution, f"fake camera, shot {self.shots}"), self.rotation)

    # --- Boomerang ---
    def burst(self, count: int, seconds: float) -> list[Image.Image]:
        """`count` frames the size of the live view, each its own (a bar moves across)."""
        self.shots += 1
        size = self._frame.size
        frames = []
        for number in range(count):
            frame = _gradient(size, f"fake camera, burst {self.shots}, frame {number + 1}")
            left = round(number * (size[0] - size[0] // 8) / max(1, count - 1))
            ImageDraw.Draw(frame).rectangle((left, size[1] // 3, left + size[0] // 8, size[1] * 2 // 3), fill="red")
            frames.append(turned(frame, self.rotation))
        return frames

    def close(self) -> None:
        pass


class Picamera2Camera:
    """The Raspberry Pi camera, at the sensor's full resolution unless told otherwise.

    The live view runs in a preview configuration sized for the screen; each
    photo switches to a still configuration for one frame and back
    (`switch_mode_and_capture_image`). libcamera's Transform applies to a whole
    configuration and the Pi can flip but not transpose, so rotation's half
    turn is done by the camera on both configurations and its quarter turn by
    Pillow (the photo) and pygame (the live view); mirroring is the screen's.

    Autofocus, where the camera has it (Camera Module 3 reports "AfMode" in
    `camera_controls`; v2 and HQ do not and are never sent AF controls): the
    live view focuses continuously (AfMode Continuous), and each photo starts
    with a full focus cycle (`autofocus_cycle`: AfMode Auto, AfTrigger Start)
    whose lens position the still keeps. picamera2 leaves autofocus off unless
    asked, which left a Camera Module 3 focused wherever its lens last was.
    """

    def __init__(self, resolution=None, *, preview_box=PREVIEW_SIZE, rotation=0):
        try:
            from libcamera import Transform, controls  # Only on a Pi, from apt (python3-libcamera).
            from picamera2 import Picamera2  # Only on a Pi, from apt (python3-picamera2).
        except ImportError as error:
            raise CameraMissing(
                "picamera2 is not installed: on Raspberry Pi OS, `sudo apt install python3-picamera2` and "
                "create the booth's venv with --system-site-packages."
            ) from error
        self._camera = None
        try:
            self._camera = Picamera2()
        except (RuntimeError, IndexError) as error:
            raise CameraMissing(_why_not(error)) from error
        with contextlib.ExitStack() as on_failure:
            on_failure.callback(self.close)  # a camera that will not configure or start is not left held
            try:
                self._start(Transform, controls, resolution=resolution, preview_box=preview_box, rotation=rotation)
            except (RuntimeError, ValueError) as error:
                raise CameraMissing(
                    f"The camera did not start ({error}). Try `rpicam-hello`; if it fails too, check the ribbon cable."
                ) from error
            on_failure.pop_all()

    def _start(self, transform, controls, *, resolution, preview_box, rotation):
        camera = self._camera
        self.model = str(camera.camera_properties.get("Model", "camera"))
        self.autofocus = "AfMode" in camera.camera_controls
        self._controls = controls
        self._turn = 90 if rotation in (90, 270) else 0
        flips = transform(hflip=1, vflip=1) if rotation in (180, 270) else transform()
        resolution = tuple(resolution or camera.sensor_resolution)
        live = {"AfMode": controls.AfModeEnum.Continuous} if self.autofocus else {}
        self._still = camera.create_still_configuration(main={"size": resolution}, transform=flips)
        preview = camera.create_preview_configuration(
            main={"size": preview_size(resolution, preview_box, rotation), "format": "XBGR8888"},
            transform=flips,
            controls=live,
        )
        camera.configure(preview)
        camera.start()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def preview(self) -> Frame:
        pixels = self._camera.capture_array("main")  # a copy, handed back to the camera at once
        height, width = pixels.shape[:2]
        return Frame(pixels, (width, height), "RGBX", self._turn)

    def capture(self) -> Image.Image:
        """Focus (if the camera can), full resolution, then straight back to the live view."""
        if self.autofocus:
            self._focus()
        photo = self._camera.switch_mode_and_capture_image(self._still, "main")
        return turned(photo if photo.mode == "RGB" else photo.convert("RGB"), self._turn)

    # --- Boomerang ---
    def burst(self, count: int, seconds: float, *, sleep=time.sleep, clock=time.monotonic) -> list[Image.Image]:
        """`count` frames of the running live view, evenly over `seconds`: picamera2's
        `capture_image("main")` (the next frame of the current configuration, as a
        Pillow image), so no mode switch interrupts the burst. The live view is the
        screen's size (1280 x 720 on most booths): the right size for an animation,
        and one a Pi encodes in a few seconds, where 12 megapixels a frame would not."""
        interval = seconds / max(1, count)
        frames, start = [], clock()
        for number in range(count):
            wait = start + number * interval - clock()
            if wait > 0:
                sleep(wait)
            frame = self._camera.capture_image("main")
            frames.append(turned(frame if frame.mode == "RGB" else frame.convert("RGB"), self._turn))
        return frames

    def _focus(self):
        job = self._camera.autofocus_cycle(wait=False)
        try:
            focused = self._camera.wait(job, timeout=FOCUS_TIMEOUT_S)
        except TimeoutError:
            self._camera.cancel_all_and_flush()  # picamera2's way to tidy up after a timed-out job
            focused = False
        if not focused:
            log.info("Autofocus did not lock; taking the photo where the lens is")

    def close(self) -> None:
        if self._camera is not None:
            camera, self._camera = self._camera, None
            camera.close()


class WebcamCamera:
    """A USB or built-in webcam through pygame.camera (Video4Linux on Linux)."""

    def __init__(self, resolution=(1280, 720), *, preview_box=PREVIEW_SIZE, rotation=0):
        import pygame.camera  # only for webcams

        self.model, self.autofocus, self.rotation = "webcam", False, rotation
        self._camera = None
        pygame.camera.init()
        devices = pygame.camera.list_cameras()
        if not devices:
            raise CameraMissing("No webcam found (is one plugged in, and may this user open /dev/video*?).")
        try:
            self._camera = pygame.camera.Camera(devices[0], resolution, "RGB")
            self._camera.start()
        except (SystemError, OSError, ValueError) as error:
            self._camera = None
            raise CameraMissing(f"The webcam {devices[0]} would not start ({error}).") from error
        self.model = str(devices[0])
        self._pygame = pygame

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def preview(self) -> Frame:
        surface = self._camera.get_image()
        return Frame(surface, surface.get_size(), SURFACE, self.rotation)

    def capture(self) -> Image.Image:  # a webcam's frame is all it has
        surface = self._camera.get_image()
        image = Image.frombytes("RGB", surface.get_size(), self._pygame.image.tobytes(surface, "RGB"))
        return turned(image, self.rotation)

    # --- Boomerang ---
    def burst(self, count: int, seconds: float, *, sleep=time.sleep) -> list[Image.Image]:
        """`count` frames, one every `seconds / count`."""
        frames = []
        for number in range(count):
            if number:
                sleep(seconds / count)
            frames.append(self.capture())
        return frames

    def close(self) -> None:
        if self._camera is not None:
            camera, self._camera = self._camera, None
            camera.stop()


def _gradient(size, label):
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    ImageDraw.Draw(image).text((20, 20), label, fill="white")
    return image


def _why_not(error) -> str:
    """What to do when Picamera2() fails, read from the chain of errors it raises
    ("Camera __init__ sequence did not complete." caused by the real reason)."""
    reasons = []
    while error is not None and len(reasons) < 5:
        reasons.append(error)
        error = error.__cause__ or error.__context__
    text = " / ".join(str(reason) for reason in reasons)
    if "busy" in text.lower() or "in use" in text.lower() or "-16" in text:  # EBUSY
        return BUSY
    if isinstance(reasons[0], IndexError) or "not found" in text.lower():
        return NOT_FOUND
    return f"The camera did not answer ({text}): check its ribbon cable and try `rpicam-hello`."


def open_camera(kind: str, *, resolution=None, preview_box=PREVIEW_SIZE, rotation=0) -> Camera:
    """The camera of that kind; `preview_box` is the screen's size, which its live view is made to fit."""
    options = {"preview_box": preview_box, "rotation": rotation}
    if kind == "fake":
        return FakeCamera(resolution or (1280, 720), **options)
    if kind == "picamera2":
        return Picamera2Camera(resolution, **options)
    if kind == "webcam":
        return WebcamCamera(resolution or (1280, 720), **options)
    raise CameraMissing(f'Unknown camera "{kind}": use "picamera2", "webcam" or "fake".')
