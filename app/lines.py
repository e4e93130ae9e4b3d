"""How many lines of writing an ink map holds (Qt-free, numpy only).

The reader reads one line of digits, left to right; pieces stacked over each other are
taken as parts of one digit (a 5's detached bar). Digits written in two rows therefore come
out as "not a number" or as nonsense, and the app says why instead of leaving the person
guessing.
"""

from __future__ import annotations

import itertools

import numpy as np

#: A row has ink when some pixel is above this fraction of the strongest ink.
INK = 0.1
#: A band counts as a line of writing when it is at least this fraction of the tallest band's
#: height (a 5's bar or an i's dot above its body does not).
LINE_HEIGHT = 0.5
#: Rows without ink between two bands, as a fraction of the tallest band: a broken loop of an
#: 8 or a 3 with its middle rubbed out (a gap of a fifth of a loop's height) is one line.
LINE_GAP = 0.3
#: Two bands are two lines only when one lies over the other: their ink overlaps sideways by at
#: least this share of the narrower band. A digit written lower than its neighbours, beside them
#: (a "381" whose 3 sits low), is one staggered line.
LINE_OVERLAP = 0.3


def text_lines(ink: np.ndarray) -> int:
    """The number of lines of writing in ``ink`` (ink high on 0): 0 when nothing is drawn."""
    if ink.size == 0:
        return 0
    peak = float(ink.max())
    if peak <= 0:
        return 0
    rows = np.flatnonzero((ink > INK * peak).any(axis=1))
    if rows.size == 0:
        return 0
    breaks = np.flatnonzero(np.diff(rows) > 1)
    bands = np.stack([rows[np.r_[0, breaks + 1]], rows[np.r_[breaks, rows.size - 1]] + 1], axis=1)
    tallest = int((bands[:, 1] - bands[:, 0]).max())
    # close gaps too thin to separate lines, then count the bands tall enough to be writing
    merged = [list(bands[0])]
    for top, bottom in bands[1:]:
        if top - merged[-1][1] < LINE_GAP * tallest:
            merged[-1][1] = bottom
        else:
            merged.append([top, bottom])
    tallest = max(b - t for t, b in merged)
    lines = [(t, b) for t, b in merged if b - t >= LINE_HEIGHT * tallest]
    return 1 + sum(_stacked(ink > INK * peak, a, b) for a, b in itertools.pairwise(lines))


def _stacked(mask: np.ndarray, upper: tuple[int, int], lower: tuple[int, int]) -> bool:
    """Does the band ``lower`` lie under ``upper`` (their ink overlapping sideways), not beside it?"""
    spans = []
    for top, bottom in (upper, lower):
        cols = np.flatnonzero(mask[top:bottom].any(axis=0))
        spans.append((int(cols[0]), int(cols[-1]) + 1))
    (a0, a1), (b0, b1) = spans
    overlap = min(a1, b1) - max(a0, b0)
    return overlap >= LINE_OVERLAP * min(a1 - a0, b1 - b0)
