"""Draw JamPortal's icon (the birthday berry without its candle) as
static/branding/favicon.svg and static/branding/favicon.ico, from one set of shapes.

    .venv/bin/python scripts/favicon.py

Pillow draws the .ico (16, 32 and 48 px) at 8x and scales it down, so both files
are our own drawing and stay alike; run it again after changing the shapes."""

from pathlib import Path

from PIL import Image, ImageDraw

BRANDING = Path(__file__).resolve().parent.parent / "static" / "branding"
BERRY, BERRY_DARK, LEAF, SHINE = "#c51a4a", "#8f1236", "#3d8b37", "#ffffff"
# On a 64 x 64 grid: two leaves (triangles), the drupelets (x, y, r), their shine.
LEAVES = [[(32, 16), (8, 8), (18, 20)], [(32, 16), (56, 8), (46, 20)]]
DRUPELETS = [
    (22, 24, 9), (32, 21, 9), (42, 24, 9),
    (16, 35, 9), (27, 34, 9), (37, 34, 9), (48, 35, 9),
    (22, 45, 9), (32, 46, 9), (42, 45, 9),
    (27, 54, 7.5), (37, 54, 7.5),
]  # fmt: skip
SHINES = [(19, 21, 2.2), (29, 18, 2.2), (13, 32, 2.2), (24, 31, 2.2), (19, 42, 2.2)]


def svg() -> str:
    leaves = "".join(f'<path d="M{" L".join(f"{x} {y}" for x, y in leaf)}z" fill="{LEAF}"/>' for leaf in LEAVES)
    berry = "".join(f'<circle cx="{x}" cy="{y}" r="{r}"/>' for x, y, r in DRUPELETS)
    shine = "".join(f'<circle cx="{x}" cy="{y}" r="{r}"/>' for x, y, r in SHINES)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">'
        f"<title>JamPortal</title>{leaves}"
        f'<g fill="{BERRY}" stroke="{BERRY_DARK}" stroke-width="1.5">{berry}</g>'
        f'<g fill="{SHINE}" opacity="0.55">{shine}</g></svg>\n'
    )


def bitmap(scale=8) -> Image.Image:
    image = Image.new("RGBA", (64 * scale, 64 * scale), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for leaf in LEAVES:
        draw.polygon([(x * scale, y * scale) for x, y in leaf], fill=LEAF)
    for x, y, r in DRUPELETS:
        box = [(x - r) * scale, (y - r) * scale, (x + r) * scale, (y + r) * scale]
        draw.ellipse(box, fill=BERRY, outline=BERRY_DARK, width=int(1.5 * scale))
    shine = Image.new("RGBA", image.size, (0, 0, 0, 0))
    glint = ImageDraw.Draw(shine)
    for x, y, r in SHINES:
        glint.ellipse([(x - r) * scale, (y - r) * scale, (x + r) * scale, (y + r) * scale], fill=(255, 255, 255, 140))
    return Image.alpha_composite(image, shine)


if __name__ == "__main__":
    (BRANDING / "favicon.svg").write_text(svg())
    bitmap().resize((48, 48), Image.LANCZOS).save(BRANDING / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
