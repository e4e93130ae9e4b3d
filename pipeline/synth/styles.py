"""Ways of writing a digit that MNIST's writers (American census staff and students) rarely used.

Much of the world writes a 1 with a flag, often with a foot, and crosses its 7. MNIST's 1s are
bare strokes: UCI's real 8x8 scans of 43 other writers read 92.6% overall but their 1s 54%
(53 of 182 turned away as "not a digit", the rest read 4, 9 or 8), while every other digit read
92-100%. These styles add the strokes to MNIST digits before the app frames them for training.

Pure numpy in float64 with one rounding to uint8 at the end (only +, -, x, / and square roots,
which IEEE rounds exactly): the same bytes on any CPU.
"""

from __future__ import annotations

import numpy as np

from pipeline.families import STYLES

#: Which digit each style is a way of writing.
DIGIT = {"flagged_one": 1, "footed_one": 1, "crossed_seven": 7}
_GRID = np.mgrid[0:28, 0:28].astype(np.float64)


def written_in_styles(
    images: np.ndarray, labels: np.ndarray, styles: tuple[str, ...], share: float, seed: int
) -> np.ndarray:
    """A copy of ``images`` (N, 28, 28 uint8) where ``share`` of each styled digit's examples are written in
    one of ``styles`` (chosen evenly among those for that digit; "plain" leaves them as they are)."""
    if unknown := [s for s in styles if s not in STYLES]:
        raise ValueError(f"unknown styles {unknown}; known: {list(STYLES)}")
    out = images.copy()
    rng = np.random.default_rng([seed, 0x57])
    for digit in sorted({DIGIT[s] for s in styles if s in DIGIT}):
        mine = [s for s in styles if DIGIT.get(s) == digit]
        idx = np.flatnonzero(labels == digit)
        chosen = idx[rng.random(len(idx)) < share]
        kinds = rng.integers(0, len(mine), len(chosen))
        params = rng.random((len(chosen), 4))
        for i, k, u in zip(chosen, kinds, params, strict=True):
            out[i] = write(images[i], mine[int(k)], u)
    return out


def write(image: np.ndarray, style: str, u: np.ndarray) -> np.ndarray:
    """``image`` (28x28 uint8) with the strokes of ``style`` added; ``u``: four numbers in [0, 1) that vary them."""
    ink = image.astype(np.float64) / 255.0
    rows = np.flatnonzero((ink > 0.5).any(axis=1))
    if len(rows) < 4:
        return image
    top, bottom = int(rows[0]), int(rows[-1])
    height = bottom - top + 1
    width = float(np.clip(ink.sum() / height, 1.5, 4.0)) if DIGIT[style] == 1 else _pen_width(ink)
    strokes = np.zeros_like(ink)
    if style in ("flagged_one", "footed_one"):
        x0, xb = _centre(ink, top), _centre(ink, bottom)
        # the flag leaves the stem's top 30-50 degrees to the left of the stem (not of the vertical: on a
        # slanted stem a flag set by the vertical lay flat and wrote a 7)
        sy, sx = bottom - top, xb - x0
        norm = np.sqrt(sy * sy + sx * sx)
        sy, sx = sy / norm, sx / norm
        c = 0.64 + 0.23 * u[1]
        s = np.sqrt(1.0 - c * c)
        length = (0.2 + 0.15 * u[0]) * height
        start = (top + 0.5, x0)
        end = (start[0] + length * (c * sy + s * sx), x0 + length * (c * sx - s * sy))
        strokes = _segment(strokes, start, end, width)
        if style == "footed_one":
            foot = (0.45 + 0.3 * u[2]) * height
            strokes = _segment(strokes, (bottom, xb - foot / 2), (bottom, xb + foot / 2), width)
    elif style == "crossed_seven":
        row = top + (0.45 + 0.15 * u[0]) * height
        xc = _centre(ink, int(np.rint(row)))
        half = (0.15 + 0.1 * u[1]) * height
        tilt = (u[2] - 0.5) * 0.2 * half
        strokes = _segment(strokes, (row + tilt, xc - half), (row - tilt, xc + half), width)
    return np.rint(np.maximum(ink, strokes) * 255.0).astype(np.uint8)


def _centre(ink: np.ndarray, row: int) -> float:
    """The middle of the ink along ``row`` (of the nearest inked row)."""
    inked = np.flatnonzero((ink > 0.5).any(axis=1))
    r = int(inked[np.argmin(np.abs(inked - row))])
    cols = np.flatnonzero(ink[r] > 0.5)
    return float(cols.mean())


def _pen_width(ink: np.ndarray) -> float:
    """The stroke's width: ink over the length of its outline's half (area / (perimeter / 2))."""
    m = ink > 0.5
    edges = (m[:, 1:] != m[:, :-1]).sum() + (m[1:] != m[:-1]).sum()
    return float(np.clip(2.0 * m.sum() / max(int(edges), 1), 1.5, 4.0))


def _segment(canvas: np.ndarray, p0: tuple[float, float], p1: tuple[float, float], width: float) -> np.ndarray:
    """``canvas`` with a round-ended pen stroke from ``p0`` to ``p1`` (row, column), soft by one pixel."""
    (y0, x0), (y1, x1) = p0, p1
    dy, dx = y1 - y0, x1 - x0
    span = dy * dy + dx * dx
    ys, xs = _GRID
    t = np.clip(((ys - y0) * dy + (xs - x0) * dx) / span, 0.0, 1.0) if span > 0 else np.zeros_like(ys)
    d = np.sqrt((ys - y0 - t * dy) ** 2 + (xs - x0 - t * dx) ** 2)
    return np.maximum(canvas, np.clip(width / 2 + 0.5 - d, 0.0, 1.0))
