"""Benchmark branding a 12 MP photo (4608 x 2592), the booth's press-to-JPEG step.

Compared in the same run with (a) JPEG-encoding the frame alone, the floor,
and (b) the classic approach: a full-frame RGBA overlay composited over the
photo and saved as PNG. Medians of several runs; run with `make bench`.
"""

import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image

from photobooth.compose import Brand, brand_in_place

SIZE = (4608, 2592)
RUNS = 11


def median_seconds(function, fresh):
    """The median time of `function(frame)`, each run on a fresh copy of the
    frame made outside the timing (the camera hands the booth a new one)."""
    times = []
    for _ in range(RUNS):
        frame = fresh()
        began = time.perf_counter()
        function(frame)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main():
    # A photo-like frame: a gradient with noise, so JPEG has real work to do.
    frame = Image.linear_gradient("L").resize(SIZE).convert("RGB")
    frame = Image.blend(frame, Image.effect_noise(SIZE, 40).convert("RGB"), 0.3)
    logo = Image.open(Path(__file__).resolve().parent.parent / "static" / "branding" / "birthday-jam.png")
    overlay = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    overlay.paste(logo.resize((553, 664)), (3900, 100))

    style = Brand(logo=logo)

    def floor(photo):
        photo.save(io.BytesIO(), "JPEG", quality=88)

    def ours(photo):
        branded = brand_in_place(photo, style, "Raspberry Jam Big Birthday Weekend, Cambridge Jam, 3 March", "en")
        branded.save(io.BytesIO(), "JPEG", quality=88)

    def classic(photo):
        Image.alpha_composite(photo.convert("RGBA"), overlay).save(io.BytesIO(), "PNG")

    ours(frame.copy())  # fonts loaded and the caption laid out once, as in a running booth
    floor_s, ours_s, classic_s = (median_seconds(test, frame.copy) for test in (floor, ours, classic))
    print(
        f"12 MP frame: JPEG only {floor_s * 1000:.0f} ms | branded JPEG {ours_s * 1000:.0f} ms "
        f"(x{ours_s / floor_s:.2f} the floor, target <= 1.5) | full-frame overlay as PNG {classic_s * 1000:.0f} ms "
        f"(ours is x{classic_s / ours_s:.1f} faster)"
    )


if __name__ == "__main__":
    main()
