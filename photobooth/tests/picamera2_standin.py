"""A stand-in for picamera2 and libcamera, for the computers that have no
Raspberry Pi camera (these tests, `make bench`). It follows picamera2's
documented API (the manual, "The Picamera2 Library", and picamera2/picamera2.py)
for the calls the booth makes, looks at a scene the way the sensor would
(libcamera's Transform flips it in the "ISP"), fails the way the real one does
when asked to, and records every call made to it.

    >>> with installed(model="imx219") as rig:
    ...     from picamera2 import Picamera2
    ...     camera = Picamera2()
    ...     "AfMode" in camera.camera_controls, camera.sensor_resolution
    (False, (3280, 2464))
    >>> rig.calls[0]
    ('Picamera2', 0)

Models: "imx708" is Camera Module 3 (it has autofocus), "imx219" Camera
Module 2 and "imx477" the HQ camera (both focused by hand).
"""

import contextlib
import enum
import sys
import types

import numpy as np
from PIL import Image, ImageDraw

MODELS = {
    "imx708": {"size": (4608, 2592), "autofocus": True},
    "imx219": {"size": (3280, 2464), "autofocus": False},
    "imx477": {"size": (4056, 3040), "autofocus": False},
}
COMMON_CONTROLS = {
    "AeEnable": (False, True, None),
    "AnalogueGain": (1.0, 16.0, None),
    "ExposureTime": (26, 220417486, None),
    "FrameDurationLimits": (33333, 120000, None),
    "NoiseReductionMode": (0, 4, 0),
}
AUTOFOCUS_CONTROLS = {
    "AfMode": (0, 2, 0),
    "AfTrigger": (0, 1, 0),
    "AfRange": (0, 2, 0),
    "AfSpeed": (0, 1, 0),
    "LensPosition": (0.0, 15.0, 1.0),
}


class AfModeEnum(enum.IntEnum):
    Manual = 0
    Auto = 1
    Continuous = 2


class AfTriggerEnum(enum.IntEnum):
    Start = 0
    Cancel = 1


class AfStateEnum(enum.IntEnum):
    Idle = 0
    Scanning = 1
    Focused = 2
    Failed = 3


class Transform:
    """libcamera.Transform: the Pi's ISP flips; it cannot transpose (turn by a quarter)."""

    def __init__(self, hflip=0, vflip=0, transpose=0):
        self.hflip, self.vflip, self.transpose = bool(hflip), bool(vflip), bool(transpose)

    def __eq__(self, other):
        return isinstance(other, Transform) and vars(self) == vars(other)

    def __repr__(self):
        return f"<libcamera.Transform '{'hflip ' * self.hflip}{'vflip ' * self.vflip}{'transpose' * self.transpose}'>"


def busy_error():
    """What Picamera2() raises while another process holds the camera."""
    error = RuntimeError("Camera __init__ sequence did not complete.")
    error.__cause__ = RuntimeError("Failed to acquire camera: Device or resource busy")
    return error


def no_camera_error():
    """What Picamera2() raises when no camera is connected (global_camera_info() is empty)."""
    return IndexError("list index out of range")


def marked_scene(size=(1600, 900)):
    """A scene whose every side can be told apart: red on the left, blue on the
    right, a green band along the top."""
    width, height = size
    scene = Image.new("RGB", size, (200, 30, 30))
    draw = ImageDraw.Draw(scene)
    draw.rectangle((width // 2, 0, width, height), fill=(30, 30, 200))
    draw.rectangle((0, 0, width, height // 6), fill=(30, 200, 30))
    return scene


class Rig:
    """What the stand-in camera sees, how it fails, and what was asked of it.

    `fail` maps a step ("open", "configure", "start") to the exception it raises;
    `focus` is what an autofocus cycle reports (True: focused)."""

    def __init__(self, *, model="imx708", scene=None, fail=None, focus=True):
        self.model, self.scene, self.fail, self.focus = model, scene or marked_scene(), dict(fail or {}), focus
        self.calls = []
        self.frames = 0  # preview frames handed out (not each one recorded in calls)
        self.cameras = []

    def record(self, *call):
        self.calls.append(call)

    def names(self):
        return [call[0] for call in self.calls]


class Job:
    def __init__(self, result):
        self.result = result


class Picamera2:
    """The calls of picamera2.Picamera2 the booth uses, with their defaults."""

    rig: Rig  # set by installed()

    def __init__(self, camera_num=0):
        rig = self.rig
        rig.record("Picamera2", camera_num)
        if "open" in rig.fail:
            raise rig.fail["open"]
        model = MODELS[rig.model]
        self.is_open, self.started = True, False
        self.camera_properties = {"Model": rig.model, "PixelArraySize": model["size"]}
        self.sensor_resolution = model["size"]
        self.camera_controls = dict(COMMON_CONTROLS) | (AUTOFOCUS_CONTROLS if model["autofocus"] else {})
        self.camera_config = None
        self.controls = {}
        self._buffers = {}
        rig.cameras.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _stream(self, defaults, main):
        for key in main:
            if key not in ("format", "size", "stride", "preserve_ar"):
                raise ValueError(f"Bad key {key!r}: valid stream configuration keys are ...")
        stream = defaults | main
        width, height = stream["size"]
        stream["size"] = (width - width % 2, height - height % 2)
        return stream

    def _configuration(self, use_case, stream, *, transform, controls, buffer_count):
        self._check_controls(controls)
        return {
            "use_case": use_case,
            "transform": transform or Transform(),
            "buffer_count": buffer_count,
            "main": stream,
            "lores": None,
            "controls": dict(controls or {}),
        }

    def create_preview_configuration(self, main=None, lores=None, transform=None, buffer_count=4, controls=None):
        self.rig.record("create_preview_configuration", main, transform, controls)
        stream = self._stream({"format": "XBGR8888", "size": (640, 480), "preserve_ar": True}, main or {})
        return self._configuration("preview", stream, transform=transform, controls=controls, buffer_count=buffer_count)

    def create_still_configuration(self, main=None, lores=None, transform=None, buffer_count=1, controls=None):
        self.rig.record("create_still_configuration", main, transform, controls)
        stream = self._stream({"format": "BGR888", "size": self.sensor_resolution, "preserve_ar": True}, main or {})
        return self._configuration("still", stream, transform=transform, controls=controls, buffer_count=buffer_count)

    def configure(self, camera_config=None):
        self.rig.record("configure", camera_config["use_case"])
        if self.started:
            raise RuntimeError("Camera must be stopped before configuring")
        if "configure" in self.rig.fail:
            raise self.rig.fail["configure"]
        self._check_controls(camera_config["controls"])
        self.camera_config = camera_config
        self.controls = dict(camera_config["controls"])

    def start(self, config=None, show_preview=False):
        self.rig.record("start")
        if "start" in self.rig.fail:
            raise self.rig.fail["start"]
        if self.camera_config is None:
            raise RuntimeError("Camera has not been configured")
        self.started = True

    def stop(self):
        self.rig.record("stop")
        self.started = False

    def close(self):
        self.rig.record("close")
        self.started = self.is_open = False  # picamera2 stops the camera first, then releases it

    def set_controls(self, controls):
        self.rig.record("set_controls", dict(controls))
        self._check_controls(controls)
        self.controls |= controls

    def _check_controls(self, controls):
        for name in controls or {}:
            if name not in self.camera_controls:
                raise RuntimeError(f"Control {name} is not advertised by libcamera")

    def autofocus_cycle(self, wait=None, signal_function=None):
        self.rig.record("autofocus_cycle")
        self.set_controls({"AfMode": AfModeEnum.Auto, "AfTrigger": AfTriggerEnum.Start})
        return self.rig.focus if wait in (None, True) else Job(self.rig.focus)

    def wait(self, job, timeout=None):
        return job.result

    def cancel_all_and_flush(self):
        self.rig.record("cancel_all_and_flush")

    def _picture(self, config):
        stream, transform = config["main"], config["transform"]
        key = (stream["size"], transform.hflip, transform.vflip)
        if key not in self._buffers:
            picture = self.rig.scene.resize(stream["size"])
            if transform.hflip:
                picture = picture.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
            if transform.vflip:
                picture = picture.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
            self._buffers[key] = picture
        return self._buffers[key]

    def capture_array(self, name="main", wait=None, signal_function=None):
        """The next frame of the running stream, copied out of the camera's
        buffer as picamera2 does (XBGR8888: R, G, B, 255 per pixel)."""
        if not self.started:
            raise RuntimeError("Camera is not running")
        self.rig.frames += 1
        config = self.camera_config
        key = ("array", config["main"]["size"], config["transform"].hflip, config["transform"].vflip)
        if key not in self._buffers:
            assert config["main"]["format"] == "XBGR8888", "the stand-in makes XBGR8888 frames only"
            self._buffers[key] = np.asarray(self._picture(config).convert("RGBX"))
        return np.copy(self._buffers[key])

    def capture_image(self, name="main", wait=None, signal_function=None):
        """The next frame as a Pillow image (picamera2 converts it: slow, per frame)."""
        return Image.fromarray(self.capture_array(name)[:, :, :3])

    def switch_mode_and_capture_image(self, camera_config, name="main", wait=None, signal_function=None, delay=0):
        self.rig.record("switch_mode_and_capture_image", camera_config["use_case"], dict(self.controls))
        if not self.started:
            raise RuntimeError("Camera is not running")
        return self._picture(camera_config).copy()


@contextlib.contextmanager
def installed(**rig_options):
    """Make `import picamera2` and `import libcamera` find the stand-in."""
    rig = Rig(**rig_options)
    picamera2 = types.ModuleType("picamera2")
    picamera2.Picamera2 = type("Picamera2", (Picamera2,), {"rig": rig})
    libcamera = types.ModuleType("libcamera")
    libcamera.Transform = Transform
    libcamera.controls = types.SimpleNamespace(
        AfModeEnum=AfModeEnum, AfTriggerEnum=AfTriggerEnum, AfStateEnum=AfStateEnum
    )
    saved = {name: sys.modules.get(name) for name in ("picamera2", "libcamera")}
    sys.modules.update(picamera2=picamera2, libcamera=libcamera)
    try:
        yield rig
    finally:
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
