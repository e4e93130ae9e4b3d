"""Pictures enlarged without smoothing: a low-resolution scan shown as a mosaic of flat square cells.

A digit scanned at 8-20 px and enlarged by repeating pixels (nearest neighbour) has hard steps
between flat cells; MNIST's digits, which the classifier and the gate learned from, are smooth.
Independent sets of 8x8 scans of other writers, enlarged 4-11x: the gate turned 11 of 120 away
as "not a digit", and 11 of 175 in another set. :func:`smooth_cells` finds the cell grid and
draws the picture again as the scan was: each cell its mean, interpolated linearly between cell
centres (as a scanner's optics would have blurred it). With the same models, 107 -> 116 of the
120 were read right, and 158 -> 164 and 140 -> 145 of 175 and 150 in two other sets. Any other
picture is returned as it is. Interpolated with ``np.interp``, one element at a time, not a
matrix product: BLAS sums in a CPU's own order, and the pipeline's bytes must not depend on it.
"""

from __future__ import annotations

import numpy as np

#: A column (row) of the picture is a step when its change is at least this share of the largest.
STEP = 0.08
#: Cells at least this many pixels wide: smaller steps are ordinary detail or anti-aliasing.
MIN_CELL = 3
#: At least this many cells across the steps on each axis (a mosaic, not one block of ink).
MIN_CELLS = 4
#: Steps may sit this far (pixels, plus a tenth of a cell per cell) from a whole number of cells:
#: an enlargement by 7.75 makes cells of 7 and 8 pixels.
SLACK = 1.0
#: Within the mosaic, at most this many equal cells in a row, and at least half the steps one cell
#: apart: a scanned digit's grey cells change at almost every step; a table's lines 4 px thick and
#: 80 apart are no mosaic.
MAX_RUN = 3


def _steps(change: np.ndarray) -> np.ndarray | None:
    """Where the picture steps along one axis (a run of neighbouring changes is one step, at its middle)."""
    top = float(change.max())
    if top <= 0:
        return None
    at = np.flatnonzero(change >= STEP * top)
    runs = np.split(at, np.flatnonzero(np.diff(at) > 1) + 1)
    if any(len(r) > 2 for r in runs):
        return None  # a ramp wider than two pixels: a smooth edge, not a step
    return np.asarray([float(r.mean()) + 1.0 for r in runs])  # the first pixel after the step


def _grid(steps: np.ndarray | None, length: int) -> np.ndarray | None:
    """The cell edges along an axis of ``length`` pixels (from 0 to ``length``), or None when the steps
    are not those of a regular mosaic."""
    if steps is None or len(steps) < 3:
        return None
    gaps = np.diff(steps)
    if gaps.min() < MIN_CELL or (steps[-1] - steps[0]) / gaps.min() < MIN_CELLS - 1:
        return None
    cell = float(np.median(gaps[gaps < 1.5 * gaps.min()]))  # one cell: equal neighbours merge into wider gaps
    counts = np.rint(gaps / cell)
    if counts.max() > MAX_RUN or np.mean(counts == 1) < 0.5:
        return None
    if np.any(np.abs(gaps - counts * cell) > SLACK + 0.1 * counts):
        return None
    edges = [0.0]
    for start, stop in zip([0.0, *steps], [*steps, float(length)], strict=True):
        n = max(1, round((stop - start) / cell))
        edges.extend(np.linspace(start, stop, n + 1)[1:])
    return np.unique(np.rint(np.asarray(edges)).astype(np.int64))  # a sliver of a margin is no cell


def _blur(values: np.ndarray, edges: np.ndarray, length: int, axis: int) -> np.ndarray:
    """``values`` (one per cell along ``axis``) interpolated linearly between the cells' centres."""
    centres = (edges[:-1] + edges[1:] - 1) / 2.0
    pixels = np.arange(length, dtype=np.float64)
    return np.apply_along_axis(lambda v: np.interp(pixels, centres, v), axis, values)


def smooth_cells(grey: np.ndarray) -> np.ndarray:
    """``grey`` (float in [0, 1]) drawn again from its cells' means when it is a mosaic of flat cells."""
    if grey.ndim != 2 or min(grey.shape) < MIN_CELL * MIN_CELLS:
        return grey
    g = grey.astype(np.float64)
    rows = _grid(_steps(np.abs(np.diff(g, axis=0)).sum(1)), g.shape[0])
    cols = _grid(_steps(np.abs(np.diff(g, axis=1)).sum(0)), g.shape[1]) if rows is not None else None
    if rows is None or cols is None:
        return grey
    sums = np.add.reduceat(np.add.reduceat(g, rows[:-1], axis=0), cols[:-1], axis=1)
    means = np.round(sums / np.outer(np.diff(rows), np.diff(cols)), 9)  # no last bit of a CPU's sum survives
    smooth = _blur(_blur(means, rows, g.shape[0], 0), cols, g.shape[1], 1)
    return np.clip(smooth, 0, 1).astype(np.float32)
