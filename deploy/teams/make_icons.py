"""Draw the Teams app icons (color.png 192x192, outline.png 32x32) for Sparringsbot.

Development tool only: needs Pillow (`pip install Pillow`), which is not a
runtime dependency. The generated PNGs are committed next to this script, so
run it again only when the design changes:

    python deploy/teams/make_icons.py

The motif is two overlapping speech bubbles (a dialogue, "sparring"). The
front bubble carries three dots. Shapes are drawn at 8x and scaled down for
smooth edges.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent

# Keep in sync with "accentColor" in manifest.template.json.
BACKGROUND = (31, 92, 153)  # #1F5C99, a calm municipal blue
BACK_BUBBLE = (126, 207, 196)  # soft teal
FRONT_BUBBLE = (255, 255, 255)
DOTS = BACKGROUND

SUPERSAMPLE = 8


def _bubble(draw: ImageDraw.ImageDraw, box, radius, tail, fill) -> None:
    """A rounded rectangle with a triangular tail (three points)."""
    draw.rounded_rectangle(box, radius=radius, fill=fill)
    draw.polygon(tail, fill=fill)


def _grow(box, d):
    x0, y0, x1, y1 = box
    return (x0 - d, y0 - d, x1 + d, y1 + d)


def _geometry(size: float, inset: float):
    """Bubble geometry in a square of `size`, keeping `inset` free at the edges.

    Returns (back_box, back_tail, front_box, front_tail, dot_centres, dot_r,
    radius_back, radius_front, gap), all in pixels of that square.
    """
    u = (size - 2 * inset) / 100.0  # design units: a 100x100 grid

    def p(x, y):
        return (inset + x * u, inset + y * u)

    def box(x0, y0, x1, y1):
        return (*p(x0, y0), *p(x1, y1))

    back_box = box(30, 4, 100, 54)
    back_tail = [p(78, 50), p(92, 50), p(94, 68)]
    front_box = box(0, 28, 74, 82)
    front_tail = [p(12, 78), p(28, 78), p(6, 98)]
    dots = [p(19, 55), p(37, 55), p(55, 55)]
    return {
        "back_box": back_box,
        "back_tail": back_tail,
        "front_box": front_box,
        "front_tail": front_tail,
        "dots": dots,
        "dot_r": 6 * u,
        "r_back": 14 * u,
        "r_front": 15 * u,
        "gap": 6 * u,
    }


def make_color(size: int = 192) -> Image.Image:
    """Full-colour, opaque icon: bubbles on a solid blue background."""
    big = size * SUPERSAMPLE
    img = Image.new("RGB", (big, big), BACKGROUND)
    draw = ImageDraw.Draw(img)
    # Microsoft's guidance keeps the symbol inside the central area of the tile.
    g = _geometry(big, inset=big * 0.2)
    _bubble(draw, g["back_box"], g["r_back"], g["back_tail"], BACK_BUBBLE)
    # A ring of background colour separates the two bubbles.
    gap = g["gap"]
    _bubble(draw, _grow(g["front_box"], gap), g["r_front"] + gap,
            _grow_tail(g["front_tail"], gap), BACKGROUND)
    _bubble(draw, g["front_box"], g["r_front"], g["front_tail"], FRONT_BUBBLE)
    r = g["dot_r"]
    for cx, cy in g["dots"]:
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=DOTS)
    return img.resize((size, size), Image.Resampling.LANCZOS)


def make_outline(size: int = 32) -> Image.Image:
    """White symbol on a fully transparent background (RGBA).

    The shape is drawn as an alpha mask and applied to a pure white image, so
    every pixel that is not fully transparent is exactly #FFFFFF.
    """
    big = size * SUPERSAMPLE
    mask = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(mask)
    g = _geometry(big, inset=big * 0.03)
    _bubble(draw, g["back_box"], g["r_back"], g["back_tail"], 255)
    gap = g["gap"]
    _bubble(draw, _grow(g["front_box"], gap), g["r_front"] + gap,
            _grow_tail(g["front_tail"], gap), 0)
    _bubble(draw, g["front_box"], g["r_front"], g["front_tail"], 255)
    r = g["dot_r"]
    for cx, cy in g["dots"]:
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=0)
    mask = mask.resize((size, size), Image.Resampling.LANCZOS)
    img = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    img.putalpha(mask)
    return img


def _grow_tail(points, d):
    """Push a tail triangle outwards from its centroid by roughly `d`."""
    cx = sum(x for x, _ in points) / len(points)
    cy = sum(y for _, y in points) / len(points)
    out = []
    for x, y in points:
        dx, dy = x - cx, y - cy
        n = (dx * dx + dy * dy) ** 0.5 or 1.0
        out.append((x + dx / n * d * 1.6, y + dy / n * d * 1.6))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=HERE,
                        help="where to write color.png and outline.png (default: next to this script)")
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    color_path = args.out_dir / "color.png"
    outline_path = args.out_dir / "outline.png"
    make_color().save(color_path, optimize=True)
    make_outline().save(outline_path, optimize=True)
    print(color_path)
    print(outline_path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
