"""The Raspberry Pi camera through picamera2, with the stand-in for the sensor
(picamera2_standin.py) recording what the booth asks of it."""

import pytest
from PIL import Image

from photobooth.camera import CameraMissing, open_camera

from .picamera2_standin import (
    AfModeEnum,
    AfTriggerEnum,
    Transform,
    busy_error,
    installed,
    marked_scene,
    no_camera_error,
)

RED, BLUE, GREEN = (200, 30, 30), (30, 30, 200), (30, 200, 30)


def corners(image):
    """The colours at the middle of the left edge, the right edge and the top."""
    width, height = image.size
    middle_left, middle_right, top = (width // 20, height // 2), (width - width // 20, height // 2), (width // 2, 9)
    return image.getpixel(middle_left), image.getpixel(middle_right), image.getpixel(top)


def test_camera_module_3_focuses_continuously_and_once_more_before_each_photo():
    with installed(model="imx708") as rig, open_camera("picamera2") as camera:
        camera.preview()
        camera.capture()
    module_3 = rig.calls

    with installed(model="imx219") as rig, open_camera("picamera2") as camera:
        camera.preview()
        camera.capture()
    module_2 = rig.calls

    preview_setup = next(call for call in module_3 if call[0] == "create_preview_configuration")
    assert preview_setup[3] == {"AfMode": AfModeEnum.Continuous}
    names = [call[0] for call in module_3]
    assert names.index("autofocus_cycle") < names.index("switch_mode_and_capture_image")
    capture = next(call for call in module_3 if call[0] == "switch_mode_and_capture_image")
    assert capture[2] == {"AfMode": AfModeEnum.Auto, "AfTrigger": AfTriggerEnum.Start}  # focused, lens held
    # Camera Module 2 has no autofocus: no AF control is ever sent (libcamera would refuse it).
    assert "autofocus_cycle" not in [call[0] for call in module_2]
    assert all("AfMode" not in (call[3] or {}) for call in module_2 if call[0].startswith("create_"))
    assert not [call for call in module_2 if call[0] == "set_controls"]


@pytest.mark.parametrize("step", ["configure", "start"])
def test_the_camera_is_closed_when_it_cannot_be_configured_or_started(step):
    with (
        installed(fail={step: RuntimeError(f"Failed to {step} camera")}) as rig,
        pytest.raises(CameraMissing, match=f"Failed to {step} camera"),
    ):
        open_camera("picamera2")

    assert rig.calls[-1] == ("close",)
    assert [camera.is_open for camera in rig.cameras] == [False]


def test_a_busy_camera_names_the_program_holding_it_and_a_missing_one_the_cable():
    with installed(fail={"open": busy_error()}), pytest.raises(CameraMissing) as busy:
        open_camera("picamera2")
    with installed(fail={"open": no_camera_error()}), pytest.raises(CameraMissing) as missing:
        open_camera("picamera2")

    assert str(busy.value) == (
        "The camera is in use by another program (Device or resource busy): another booth, or rpicam-hello or "
        "rpicam-still left running? `sudo fuser -v /dev/media*` names it; a booth started on login stops with "
        "`systemctl --user stop photobooth`."
    )
    assert "cable" not in str(busy.value)
    assert str(missing.value) == (
        "No camera found: check its ribbon cable (contacts facing the way the port's label shows; a Pi 5 needs "
        "the narrower cable) and that `rpicam-hello --list-cameras` lists it."
    )


@pytest.mark.parametrize(
    ("rotation", "mounted", "flips"),
    [
        (0, None, Transform()),
        (90, Image.Transpose.ROTATE_90, Transform()),
        (180, Image.Transpose.ROTATE_180, Transform(hflip=1, vflip=1)),
        (270, Image.Transpose.ROTATE_270, Transform(hflip=1, vflip=1)),
    ],
)
def test_the_photo_is_upright_unmirrored_and_at_the_sensors_full_size(rotation, mounted, flips):
    """A camera mounted turned by `mounted` sees the scene turned; the booth
    turns its photo back by `rotation` (clockwise), with the ISP doing the
    half turn it can and Pillow the quarter turn it cannot."""
    world = marked_scene((900, 1600)) if rotation in (90, 270) else marked_scene((1600, 900))
    seen = world.transpose(mounted) if mounted else world

    with installed(model="imx219", scene=seen) as rig, open_camera("picamera2", rotation=rotation) as camera:
        photo = camera.capture()

    assert photo.size == ((2464, 3280) if rotation in (90, 270) else (3280, 2464))
    assert corners(photo) == (RED, BLUE, GREEN)
    still_setup = next(call for call in rig.calls if call[0] == "create_still_configuration")
    assert still_setup[2] == flips
