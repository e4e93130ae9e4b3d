"""Things people draw that are not digits, generated: what teaches the gate to say so. Pure numpy + Pillow.

Each maker draws an ink map (ink 1 on 0, ``CANVAS`` a side) from its ``rng``; the families
(names in :data:`pipeline.families.NON_DIGITS`):

- ``glyph``: letters and symbols rendered from fonts (DejaVu from the system, Pillow's own
  built-in font), rotated, scaled, thickened or thinned; glyphs that look like digits
  (O, l, I, S, Z, B, g, q, ...) are left out.
- ``stroke``: two or three random curves; ``scribble``: a random walk of the pen;
  ``shape``: triangles, squares, stars, crosses, arrows, hearts, smileys, spirals;
  ``hatching``: parallel lines and grids; ``noise``: specks and blotches;
  ``fragment``: a dash, a dot, a short arc or bar (a partial stroke);
  ``pair``: two MNIST digits drawn as one piece (touching), which must not read as one digit.

Evaluation glyphs use fonts that training never sees (:data:`FONT_SPLITS`).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from app.contract import FIELD

CANVAS = 112  # ink maps are drawn at this size before framing

#: Glyphs that are not digits and do not look like one (O/0, l/1, S/5, Z/2, B/8, G/6, g/9... are out).
#: D, L, P and T were left out too until an independent set's hand-drawn letters read D -> 0, L -> 1,
#: P -> 8 or 0 and T -> 7, every one of its twelve (twenty-second session): a stem with a bowl, a foot or a
#: centred bar is not a digit people write.
GLYPHS = "ACDEFHKLMNPRTUVWXYacdefhkmnrtuvwxy#@&%$?!+=*<>~^{}πλΣΩ€£¥§¶©®µ∞≈≠±÷×√∑"

#: Font files per split, found under the system's font folders (DejaVu ships with Debian's
#: fonts-dejavu-core); the built-in font of Pillow is "pillow". Evaluation uses fonts
#: training never sees.
FONT_SPLITS = {
    "train": [
        "DejaVuSans.ttf",
        "DejaVuSans-Bold.ttf",
        "DejaVuSerif.ttf",
        "DejaVuSansMono.ttf",
        "DejaVuSansCondensed-Oblique.ttf",
        "DejaVuSerif-Bold.ttf",
    ],
    "validation": ["DejaVuSans-Oblique.ttf", "DejaVuSerifCondensed.ttf"],
    "eval": ["pillow", "DejaVuSerif-Italic.ttf", "DejaVuSansMono-Bold.ttf", "DejaVuSans-ExtraLight.ttf"],
}
FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/TTF"), Path("/usr/share/fonts")]


class FontError(RuntimeError):
    """A font the generator needs is not installed."""


def find_font(name: str) -> Path | None:
    for folder in FONT_DIRS:
        hits = sorted(folder.rglob(name)) if folder.is_dir() else []
        if hits:
            return hits[0]
    return None


def load_fonts(split: str) -> list[tuple[str, object]]:
    """(name, ImageFont at a large size) for the split's fonts; raises :class:`FontError` naming what is missing."""
    from PIL import ImageFont

    fonts, missing = [], []
    for name in FONT_SPLITS[split]:
        if name == "pillow":
            fonts.append((name, ImageFont.load_default(size=96)))
            continue
        path = find_font(name)
        if path is None:
            missing.append(name)
            continue
        fonts.append((name, ImageFont.truetype(str(path), 96)))
    if missing:
        raise FontError(
            f"fonts not found: {', '.join(missing)} (looked in {', '.join(map(str, FONT_DIRS))}); "
            "install them (Debian: apt-get install fonts-dejavu-core fonts-dejavu-extra)"
        )
    return fonts


# ------------------------------------------------------------------ drawing
def pen_width(rng: np.random.Generator, size: int = CANVAS) -> float:
    """A pen width like people's: about a 15th of the drawing, give or take."""
    return float(size * rng.uniform(0.035, 0.11))


def draw_polylines(lines: list[np.ndarray], width: float, size: int = CANVAS) -> np.ndarray:
    """``lines`` ((K, 2) arrays of x, y in pixels) drawn white on a black ``size`` square, float32 0 or 1 (no
    anti-aliasing): each line ``max(1, round(width))`` px wide, its ends rounded ``width`` across."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(img)
    r = width / 2
    for pts in lines:
        seq = [(float(x), float(y)) for x, y in pts]
        if len(seq) > 1:
            draw.line(seq, fill=255, width=max(1, round(width)), joint="curve")
        for x, y in (seq[0], seq[-1]):
            draw.ellipse((x - r, y - r, x + r, y + r), fill=255)
    return np.asarray(img, np.float32) / 255.0


def _curve(rng: np.random.Generator, size: int = CANVAS) -> np.ndarray:
    """A smooth random curve (cubic Bézier through random points)."""
    p0, p1, p2, p3 = rng.uniform(0.12 * size, 0.88 * size, (4, 2))
    t = np.linspace(0, 1, 48)[:, None]
    return (1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t**2 * p2 + t**3 * p3


def stroke(rng: np.random.Generator) -> np.ndarray:
    """Two or three random curves (a lone smooth curve is too often a 1, 2, 6, 7 or 9 to call it anything)."""
    n = int(rng.integers(2, 4))
    return draw_polylines([_curve(rng) for _ in range(n)], pen_width(rng))


def scribble(rng: np.random.Generator) -> np.ndarray:
    steps = int(rng.integers(40, 90))
    angle = rng.uniform(0, 2 * math.pi)
    pos = rng.uniform(0.3, 0.7, 2) * CANVAS
    pts = [pos.copy()]
    for _ in range(steps):
        angle += rng.normal(0, 0.7)
        pos = np.clip(pos + 5 * np.array([math.cos(angle), math.sin(angle)]), 8, CANVAS - 8)
        pts.append(pos.copy())
    return draw_polylines([np.array(pts)], pen_width(rng) * 0.8)


def _regular(n: int, r: float, c: np.ndarray, rot: float, inner: float | None = None) -> np.ndarray:
    k = 2 * n if inner else n
    angles = rot + np.arange(k + 1) * 2 * math.pi / k
    radii = np.where(np.arange(k + 1) % 2 == 1, r * inner, r) if inner else np.full(k + 1, r)
    return np.stack([c[0] + radii * np.cos(angles), c[1] + radii * np.sin(angles)], 1)


def shape(rng: np.random.Generator) -> np.ndarray:
    c = np.array([CANVAS / 2, CANVAS / 2]) + rng.normal(0, 4, 2)
    r = CANVAS * rng.uniform(0.28, 0.42)
    rot = rng.uniform(0, 2 * math.pi)
    kind = rng.integers(0, 9)
    if kind == 0:
        lines = [_regular(3, r, c, rot)]  # triangle
    elif kind == 1:
        lines = [_regular(4, r, c, rot)]  # square
    elif kind == 2:
        lines = [_regular(int(rng.integers(5, 7)), r, c, rot, inner=0.45)]  # star
    elif kind == 3:
        d = r * np.array([[math.cos(rot), math.sin(rot)], [-math.sin(rot), math.cos(rot)]])
        lines = [np.array([c - d[0], c + d[0]]), np.array([c - d[1], c + d[1]])]  # cross or x
    elif kind == 4:
        lines = [
            np.array([c - [r, 0], c + [r, 0]]),
            np.array([c + [r * 0.4, -r * 0.4], c + [r, 0], c + [r * 0.4, r * 0.4]]),
        ]
    elif kind == 5:  # heart
        t = np.linspace(0, 2 * math.pi, 60)
        x = 16 * np.sin(t) ** 3
        y = -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
        lines = [np.stack([c[0] + x * r / 17, c[1] + y * r / 17], 1)]
    elif kind == 6:  # smiley
        t = np.linspace(0, 2 * math.pi, 60)
        face = np.stack([c[0] + r * np.cos(t), c[1] + r * np.sin(t)], 1)
        s = np.linspace(0.2 * math.pi, 0.8 * math.pi, 20)
        mouth = np.stack([c[0] + 0.55 * r * np.cos(s), c[1] + 0.55 * r * np.sin(s)], 1)
        eyes = [np.array([c + [-0.35 * r, -0.3 * r]] * 2), np.array([c + [0.35 * r, -0.3 * r]] * 2)]
        lines = [face, mouth, *eyes]
    elif kind == 7:  # spiral
        t = np.linspace(0, rng.uniform(3, 5) * math.pi, 80)
        rr = r * t / t[-1]
        lines = [np.stack([c[0] + rr * np.cos(t + rot), c[1] + rr * np.sin(t + rot)], 1)]
    else:  # hash
        o = r * 0.35
        lines = [
            np.array([c + [-o, -r], c + [-o, r]]),
            np.array([c + [o, -r], c + [o, r]]),
            np.array([c + [-r, -o], c + [r, -o]]),
            np.array([c + [-r, o], c + [r, o]]),
        ]
    return draw_polylines(lines, pen_width(rng))


def hatching(rng: np.random.Generator) -> np.ndarray:
    n = int(rng.integers(3, 8))
    angle = rng.uniform(0, math.pi)
    d = np.array([math.cos(angle), math.sin(angle)])
    normal = np.array([-d[1], d[0]])
    c = np.array([CANVAS / 2, CANVAS / 2])
    half = CANVAS * rng.uniform(0.25, 0.4)
    lines = [np.array([c + o * normal - half * d, c + o * normal + half * d]) for o in np.linspace(-half, half, n)]
    if rng.random() < 0.3:  # a grid
        lines += [np.array([c + o * d - half * normal, c + o * d + half * normal]) for o in np.linspace(-half, half, n)]
    return draw_polylines(lines, pen_width(rng) * 0.6)


def noise(rng: np.random.Generator) -> np.ndarray:
    img = np.zeros((CANVAS, CANVAS), np.float32)
    for _ in range(int(rng.integers(3, 40))):
        y, x = rng.integers(4, CANVAS - 4, 2)
        r = int(rng.integers(1, 4))
        img[y - r : y + r + 1, x - r : x + r + 1] = rng.uniform(0.5, 1)
    if rng.random() < 0.3:
        img += rng.random((CANVAS, CANVAS)).astype(np.float32) * rng.uniform(0.2, 0.6)
    return np.clip(img, 0, 1)


def fragment(rng: np.random.Generator) -> np.ndarray:
    kind = rng.integers(0, 4)
    c = np.array([CANVAS / 2, CANVAS / 2]) + rng.normal(0, 10, 2)
    r = CANVAS * rng.uniform(0.15, 0.4)
    if kind == 0:  # a dash: lying flat, at most 35 degrees off
        a = rng.uniform(-0.6, 0.6)
        lines = [np.array([c - r * np.array([math.cos(a), math.sin(a)]), c + r * np.array([math.cos(a), math.sin(a)])])]
    elif kind == 1:  # a dot
        lines = [np.array([c, c + 0.5])]
        return draw_polylines(lines, CANVAS * rng.uniform(0.05, 0.25))
    elif kind == 2:  # a short arc, at most a third of a circle, not standing up (that is a 1)
        while True:
            a0 = rng.uniform(0, 2 * math.pi)
            t = np.linspace(a0, a0 + rng.uniform(0.5, 2.1), 24)
            arc = np.stack([c[0] + r * np.cos(t), c[1] + r * np.sin(t)], 1)
            d = arc[-1] - arc[0]
            if abs(d[1]) < 1.2 * abs(d[0]):
                break
        lines = [arc]
    else:  # a bar and a dot, or two dots
        lines = [np.array([c - [r, 0], c + [r, 0]]), np.array([c + [0, r * 0.9]] * 2)]
    return draw_polylines(lines, pen_width(rng))


def glyph(rng: np.random.Generator, fonts: list[tuple[str, object]]) -> np.ndarray:
    from PIL import Image, ImageDraw

    _, font = fonts[int(rng.integers(len(fonts)))]
    char = GLYPHS[int(rng.integers(len(GLYPHS)))]
    img = Image.new("L", (160, 160), 0)
    ImageDraw.Draw(img).text((80, 80), char, fill=255, font=font, anchor="mm")
    img = img.rotate(float(rng.uniform(-15, 15)), resample=Image.Resampling.BILINEAR)
    a = np.asarray(img.resize((CANVAS, CANVAS), Image.Resampling.BILINEAR), np.float32) / 255.0
    if rng.random() < 0.3:
        from app.preprocess import morphology

        a = morphology(a, int(rng.integers(2, 5)), np.maximum)
    return a


def pair(rng: np.random.Generator, digits: np.ndarray) -> np.ndarray:
    """Two MNIST digits drawn touching or overlapping: one piece that is not one digit."""
    a, b = digits[rng.integers(len(digits), size=2)]
    overlap = int(rng.integers(2, 8))
    width = 2 * FIELD - overlap
    img = np.zeros((FIELD, width), np.float32)
    img[:, :FIELD] = a / 255.0
    img[:, FIELD - overlap :] = np.maximum(img[:, FIELD - overlap :], b / 255.0)
    out = np.zeros((CANVAS, CANVAS), np.float32)
    from app.preprocess import resize

    h = CANVAS // 2
    w = min(CANVAS - 4, round(h * width / FIELD))
    out[CANVAS // 4 : CANVAS // 4 + h, (CANVAS - w) // 2 : (CANVAS - w) // 2 + w] = np.clip(resize(img, h, w), 0, 1)
    return out
