"""Cameras behind one small interface, chosen by the config:

    >>> camera = open_camera("fake", resolution=(640, 360))
    >>> camera.capture().size, camera.preview().size
    ((640, 360), (640, 360))
    >>> camera.close(); camera.close()  # idempotent

"picamera2" uses the Raspberry Pi camera (Camera Module 3 or HQ) through
picamera2, which Raspberry Pi OS installs from apt; it is imported only here,
and only when asked for. If it is asked for and missing, that is an error with
a message: the booth never falls back to a fake camera on its own. "webcam"
uses a USB or laptop camera through pygame (for `make booth-demo`).
"""

from typing import Protocol

from PIL import Image, ImageDraw

FULL_RESOLUTION = (4608, 2592)  # Camera Module 3, 12 megapixels


class CameraMissing(RuntimeError):
    """The configured camera cannot be used; the message says what to check."""


PREVIEW_SIZE = (1280, 720)


class Camera(Protocol):
    def preview(self) -> Image.Image: ...  # a quick frame for the live view

    def capture(self) -> Image.Image: ...  # the photo, at full resolution

    def close(self) -> None: ...


class FakeCamera:
    """Numbered test pictures, for laptops and tests."""

    def __init__(self, resolution=(1280, 720)):
        self.resolution = resolution
        self.shots = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def preview(self) -> Image.Image:
        return _gradient(tuple(map(min, self.resolution, PREVIEW_SIZE)), "fake camera")

    def capture(self) -> Image.Image:
        self.shots += 1
        return _gradient(self.resolution, f"fake camera, shot {self.shots}")

    def close(self) -> None:
        pass


class Picamera2Camera:
    """The Raspberry Pi camera at full resolution."""

    def __init__(self, resolution=FULL_RESOLUTION):
        try:
            from picamera2 import Picamera2  # Only on a Pi, from apt (python3-picamera2).
        except ImportError as error:
            raise CameraMissing(
                "picamera2 is not installed: on Raspberry Pi OS, `sudo apt install python3-picamera2` and "
                "create the booth's venv with --system-site-packages."
            ) from error
        try:
            self._camera = Picamera2()
            self._still = self._camera.create_still_configuration(main={"size": resolution})
            self._camera.configure(self._camera.create_preview_configuration(main={"size": PREVIEW_SIZE}))
            self._camera.start()
        except (RuntimeError, IndexError) as error:
            raise CameraMissing(f"No camera answered ({error}). Check its ribbon cable and `rpicam-hello`.") from error

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def preview(self) -> Image.Image:
        return self._camera.capture_image("main").convert("RGB")

    def capture(self) -> Image.Image:
        """Full resolution, then straight back to the preview mode."""
        return self._camera.switch_mode_and_capture_image(self._still, "main").convert("RGB")

    def close(self) -> None:
        if self._camera is not None:
            self._camera.close()
            self._camera = None


class WebcamCamera:
    """A USB or built-in webcam through pygame.camera (Video4Linux on Linux)."""

    def __init__(self, resolution=(1280, 720)):
        import pygame.camera  # only for webcams

        pygame.camera.init()
        devices = pygame.camera.list_cameras()
        if not devices:
            raise CameraMissing("No webcam found (is one plugged in, and may this user open /dev/video*?).")
        try:
            self._camera = pygame.camera.Camera(devices[0], resolution, "RGB")
            self._camera.start()
        except (SystemError, OSError, ValueError) as error:
            raise CameraMissing(f"The webcam {devices[0]} would not start ({error}).") from error
        self._pygame = pygame

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def preview(self) -> Image.Image:
        surface = self._camera.get_image()
        return Image.frombytes("RGB", surface.get_size(), self._pygame.image.tobytes(surface, "RGB"))

    capture = preview  # a webcam's frame is all it has

    def close(self) -> None:
        if self._camera is not None:
            self._camera.stop()
            self._camera = None


def _gradient(size, label):
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    ImageDraw.Draw(image).text((20, 20), label, fill="white")
    return image


def open_camera(kind: str, *, resolution=None) -> Camera:
    if kind == "fake":
        return FakeCamera(resolution or (1280, 720))
    if kind == "picamera2":
        return Picamera2Camera(resolution or FULL_RESOLUTION)
    if kind == "webcam":
        return WebcamCamera(resolution or (1280, 720))
    raise CameraMissing(f'Unknown camera "{kind}": use "picamera2", "webcam" or "fake".')
