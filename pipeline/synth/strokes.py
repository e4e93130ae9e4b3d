"""Pen strokes as a person draws them with a mouse, for the tests, the benchmarks and the screenshots.

Two kinds: :func:`number_strokes` writes a number from glyphs (a few strokes a digit, a box 0.6
wide and 1 tall, y down, ordinary spacing and a little tremor); :func:`digit_strokes` traces an
MNIST digit, one stroke per run of ink in a pixel row. Pure numpy: points are (x, y) in whatever
units the caller places them in (canvas pixels, or the drawing's 0..1).
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


def ink_runs(digit: np.ndarray, every: int = 1) -> list[tuple[float, float, float]]:
    """(row centre, first column, past the last column) of each run of ink (> 100) in every ``every``-th row of
    an MNIST digit (28x28 uint8), in its pixels."""
    runs = []
    for y in range(0, digit.shape[0], every):
        xs = np.flatnonzero(digit[y] > 100)
        if xs.size:
            runs += [
                (y + 0.5, float(r[0]), float(r[-1] + 1)) for r in np.split(xs, np.flatnonzero(np.diff(xs) > 1) + 1)
            ]
    return runs


def digit_strokes(
    digit: np.ndarray, left: float, top: float, size: float, *, every: int = 1, spacing: float | None = None
) -> list[list[tuple[float, float]]]:
    """Strokes tracing an MNIST digit placed at (``left``, ``top``), ``size`` a side: one per run of ink
    (:func:`ink_runs`), its two ends, or a point every ``spacing`` along it as a mouse reports a moving pen."""
    unit = size / digit.shape[0]
    strokes = []
    for y, x0, x1 in ink_runs(digit, every):
        a, b, cy = left + x0 * unit, left + x1 * unit, top + y * unit
        xs = [a, b] if spacing is None else [*np.arange(a, b, spacing), b]
        strokes.append([(float(x), cy) for x in xs])
    return strokes


def number_width(text: str, height: float, gap: float = 0.35) -> float:
    """How wide :func:`number_strokes` writes ``text`` (pixels)."""
    return len(text) * 0.6 * height + (len(text) - 1) * gap * height
