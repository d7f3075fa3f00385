"""Cameras behind one small interface, chosen by the config:

    >>> camera = open_camera("fake", resolution=(640, 360))
    >>> camera.capture().size
    (640, 360)
    >>> camera.close(); camera.close()  # idempotent

"picamera2" uses the Raspberry Pi camera (Camera Module 3 or HQ) through
picamera2, which Raspberry Pi OS installs from apt; it is imported only here,
and only when asked for. If it is asked for and missing, that is an error with
a message: the booth never falls back to a fake camera on its own.
"""

from typing import Protocol

from PIL import Image, ImageDraw

FULL_RESOLUTION = (4608, 2592)  # Camera Module 3, 12 megapixels


class CameraMissing(RuntimeError):
    """The configured camera cannot be used; the message says what to check."""


class Camera(Protocol):
    def capture(self) -> Image.Image: ...

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

    def capture(self) -> Image.Image:
        self.shots += 1
        image = Image.linear_gradient("L").resize(self.resolution).convert("RGB")
        ImageDraw.Draw(image).text((20, 20), f"fake camera, shot {self.shots}", fill="white")
        return image

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
            self._camera.configure(self._camera.create_still_configuration(main={"size": resolution}))
            self._camera.start()
        except (RuntimeError, IndexError) as error:
            raise CameraMissing(f"No camera answered ({error}). Check its ribbon cable and `rpicam-hello`.") from error

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def capture(self) -> Image.Image:
        return self._camera.capture_image("main").convert("RGB")

    def close(self) -> None:
        if self._camera is not None:
            self._camera.close()
            self._camera = None


def open_camera(kind: str, *, resolution=None) -> Camera:
    if kind == "fake":
        return FakeCamera(resolution or (1280, 720))
    if kind == "picamera2":
        return Picamera2Camera(resolution or FULL_RESOLUTION)
    raise CameraMissing(f'Unknown camera "{kind}": use "picamera2" or "fake".')
