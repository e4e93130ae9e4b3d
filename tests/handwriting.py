"""Digits written as a person writes them with a mouse: a few strokes each, with a little tremor.

Each digit is a list of strokes in a box 0.6 wide and 1 tall (y down); :func:`number_strokes`
places a number's digits side by side with ordinary spacing, and the Qt tests and the
screenshots drive them through real mouse events. Pure numpy: the points are canvas pixels.
"""

from __future__ import annotations

import itertools

import numpy as np


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float, steps: int = 24) -> list:
    """Points on an elliptic arc (degrees; 0 = right, 90 = down, as on a screen)."""
    t = np.radians(np.linspace(start, end, steps))
    return [(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in t]


#: Strokes of each digit, as polylines in the 0.6 x 1 box.
GLYPHS: dict[str, list[list[tuple[float, float]]]] = {
    "0": [_arc(0.3, 0.5, 0.27, 0.48, -90, 275, 36)],
    "1": [[(0.16, 0.2), (0.34, 0.0), (0.34, 1.0)]],
    "2": [[*_arc(0.3, 0.28, 0.26, 0.26, 200, 380), (0.5, 0.45), (0.03, 1.0), (0.6, 1.0)]],
    "3": [[*_arc(0.28, 0.26, 0.26, 0.25, 210, 450), *_arc(0.28, 0.74, 0.3, 0.26, -90, 150)]],
    "4": [[(0.42, 0.0), (0.02, 0.68), (0.6, 0.68)], [(0.46, 0.3), (0.46, 1.0)]],
    "5": [[(0.56, 0.0), (0.08, 0.0), (0.05, 0.44), *_arc(0.28, 0.7, 0.3, 0.3, -120, 160)]],
    "6": [[(0.48, 0.0), *_arc(0.3, 0.7, 0.28, 0.3, 200, 540, 30)]],
    "7": [[(0.02, 0.0), (0.6, 0.0), (0.2, 1.0)]],
    "8": [[*_arc(0.3, 0.25, 0.24, 0.25, 90, 450), *_arc(0.3, 0.74, 0.29, 0.26, -90, 270)]],
    "9": [[*_arc(0.3, 0.3, 0.28, 0.3, 0, 360, 30), (0.58, 0.3), (0.5, 1.0)]],
}


def _densify(points: list[tuple[float, float]], spacing: float) -> list[tuple[float, float]]:
    """A point every ``spacing`` units along the polyline, as a mouse reports a moving pen."""
    out = [points[0]]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        n = max(1, int(np.hypot(x1 - x0, y1 - y0) / spacing))
        out += [(x0 + (x1 - x0) * k / n, y0 + (y1 - y0) * k / n) for k in range(1, n + 1)]
    return out


def number_strokes(
    text: str,
    left: float,
    top: float,
    height: float,
    *,
    gap: float = 0.35,
    tremor: float = 0.6,
    seed: int = 0,
) -> list[list[tuple[float, float]]]:
    """Pen strokes (pixel points) writing ``text`` from (``left``, ``top``), digits ``height`` tall.

    Digits are 0.6 as wide as tall, ``gap`` x height apart (ordinary handwriting: about a third
    of a digit's height); points come every 2 px with ``tremor`` px of hand noise.
    """
    rng = np.random.default_rng(seed)
    strokes = []
    x = left
    for ch in text:
        for glyph in GLYPHS[ch]:
            pts = [(x + px * height, top + py * height) for px, py in glyph]
            dense = _densify(pts, 2.0)
            strokes.append([(px + rng.normal(0, tremor), py + rng.normal(0, tremor)) for px, py in dense])
        x += (0.6 + gap) * height
    return strokes


def number_width(text: str, height: float, gap: float = 0.35) -> float:
    """How wide :func:`number_strokes` writes ``text`` (pixels)."""
    return len(text) * 0.6 * height + (len(text) - 1) * gap * height
