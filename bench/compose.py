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

from photobooth.compose import Brand, brand

SIZE = (4608, 2592)
RUNS = 7


def median_seconds(function):
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        function()
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def main():
    # A photo-like frame: a gradient with noise, so JPEG has real work to do.
    frame = Image.linear_gradient("L").resize(SIZE).convert("RGB")
    frame = Image.blend(frame, Image.effect_noise(SIZE, 40).convert("RGB"), 0.3)
    logo = Image.open(Path(__file__).resolve().parent.parent / "static" / "branding" / "birthday-jam.png")
    overlay = Image.new("RGBA", SIZE, (0, 0, 0, 0))
    overlay.paste(logo.resize((553, 664)), (3900, 100))

    def floor():
        frame.save(io.BytesIO(), "JPEG", quality=88)

    def ours():
        branded = brand(frame, Brand(logo=logo), "Raspberry Jam Big Birthday Weekend, Cambridge Jam, 3 March", "en")
        branded.save(io.BytesIO(), "JPEG", quality=88)

    def classic():
        Image.alpha_composite(frame.convert("RGBA"), overlay).save(io.BytesIO(), "PNG")

    ours()  # load fonts once, as a running booth has
    floor_s, ours_s, classic_s = median_seconds(floor), median_seconds(ours), median_seconds(classic)
    print(
        f"12 MP frame: JPEG only {floor_s * 1000:.0f} ms | branded JPEG {ours_s * 1000:.0f} ms "
        f"(x{ours_s / floor_s:.2f} the floor, target <= 1.5) | full-frame overlay as PNG {classic_s * 1000:.0f} ms "
        f"(ours is x{classic_s / ours_s:.1f} faster)"
    )


if __name__ == "__main__":
    main()
