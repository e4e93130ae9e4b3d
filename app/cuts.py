"""Where a piece of ink may be cut into touching digits: several cut paths, for recognition to choose from.

People write digits that touch. A piece that may hold several digits is cut along paths that
follow the gap between strokes and, where two digits share a stroke, cross it at its thinnest:
the cheapest way down through the ink from each candidate place (a minimum-cost path, a
"drop-fall" that may also cut). Candidate places are the valleys of the ink's column
projection and of its upper and lower outlines, and where digits of one width would meet
(overlapping digits leave no valley). The reader over-segments the piece along all
of them and keeps the grouping the classifier and the gate like best
(:func:`app.reader.resolve`), so a bad cut costs nothing but a few candidates. Pure numpy.
"""

from __future__ import annotations

import itertools

import numpy as np

from app.preprocess import INK_THRESHOLD, Piece, fit_box, resize

#: Paths are searched on the piece scaled to this height (cheap, and steady across sizes).
WORK_HEIGHT = 48
#: A cut leaves at least this share of the piece's height on either side (a 1 is about this narrow).
MIN_PART = 0.12
#: At most this many cut paths a piece (the deepest valleys).
MAX_CUTS = 7
#: A path may wander this share of the height left or right of where it starts.
WANDER = 0.25
#: Cutting through ink costs this much more than passing through paper; each sideways step a little.
INK_COST = 10.0
STEP_COST = 0.15
#: Two cuts closer than this share of the height are one.
MERGE = 0.08


def _valleys(profile: np.ndarray, lo: int, hi: int) -> list[int]:
    """Local minima of ``profile`` within [lo, hi) (plateaus give their middle)."""
    out = []
    x = lo
    while x < hi:
        y = x
        while y + 1 < hi and profile[y + 1] == profile[x]:
            y += 1
        left = profile[x - 1] if x > 0 else np.inf
        right = profile[y + 1] if y + 1 < len(profile) else np.inf
        if (profile[x] < left and profile[x] <= right) or (profile[x] <= left and profile[x] < right):
            out.append((x + y) // 2)
        x = y + 1
    return out


def candidate_columns(ink: np.ndarray) -> list[int]:
    """Columns where a cut may start: valleys of the ink's projection and of its upper and lower outlines."""
    h, w = ink.shape
    on = ink > INK_THRESHOLD
    lo, hi = max(1, round(MIN_PART * h)), w - max(1, round(MIN_PART * h))
    if hi <= lo:
        return []
    projection = np.convolve(ink.sum(axis=0), np.ones(3) / 3, mode="same")
    any_ink = on.any(axis=0)
    top = np.where(any_ink, on.argmax(axis=0), h)  # distance from the top to the first ink
    bottom = np.where(any_ink, on[::-1].argmax(axis=0), h)
    found: dict[int, float] = {}
    for column in _valleys(projection, lo, hi):
        found[column] = float(projection[column])
    for outline in (top, bottom):
        for column in _valleys(-outline.astype(np.float64), lo, hi):  # the outline's deepest points
            found.setdefault(column, float(projection[column]))
    # near ones are one; the least ink first
    order = sorted(found, key=lambda c: (found[c], c))
    kept: list[int] = []
    for c in order:
        if all(abs(c - k) > MERGE * h for k in kept):
            kept.append(c)
    kept = kept[:MAX_CUTS]
    # digits that overlap leave no valley: also where 2, 3 or 4 digits of one width would meet (touching
    # numbers of two independent sets 80% -> 85% and 12.5% -> 17.5%; the scenes' touching layout 48.7%
    # -> 51.3%, numbers and photos within one picture, with the model fixed)
    for n in (2, 3, 4):
        for k in range(1, n):
            c = round(k * w / n)
            if lo <= c < hi and all(abs(c - q) > MERGE * h for q in kept):
                kept.append(c)
    return sorted(kept)


def cut_path_batch(ink: np.ndarray, starts: list[int]) -> np.ndarray:
    """For each start column, the cheapest way down through ``ink`` near it: (len(starts), rows) columns.

    A minimum-cost path (dynamic programming row by row, all starts at once): crossing ink costs
    INK_COST, paper almost nothing, a sideways step STEP_COST, and straying from the start a little."""
    h, w = ink.shape
    r = max(1, round(WANDER * h))
    offsets = np.arange(-r, r + 1)
    cols = np.asarray(starts)[:, None] + offsets[None, :]  # (P, n)
    valid = (cols >= 0) & (cols < w)
    cost = INK_COST * ink[:, np.clip(cols, 0, w - 1)] + 0.01 + STEP_COST * np.abs(offsets)[None, None, :] / r
    cost = np.where(valid[None], cost, np.inf)  # (h, P, n)
    total = cost[0].copy()
    back = np.zeros(cost.shape, np.int8)
    inf = np.full((len(starts), 1), np.inf)
    for y in range(1, h):
        left = np.concatenate([inf, total[:, :-1]], axis=1) + STEP_COST
        right = np.concatenate([total[:, 1:], inf], axis=1) + STEP_COST
        best = np.minimum(np.minimum(left, total), right)
        back[y] = np.where(best == total, 0, np.where(best == left, -1, 1))  # where the path came from
        total = best + cost[y]
    x = total.argmin(axis=1)
    rows = np.arange(len(starts))
    paths = np.zeros((len(starts), h), np.int64)
    for y in range(h - 1, -1, -1):
        paths[:, y] = cols[rows, x]
        x = x + back[y, rows, x]
    return paths


def cut_paths(piece: Piece) -> list[np.ndarray]:
    """Cut paths through ``piece`` (each: per row of the piece, the first column right of the cut), left to right."""
    h, w = piece.ink.shape
    if h < 4 or w < 2 * MIN_PART * h:
        return []
    sh, sw = fit_box(h, w, WORK_HEIGHT) if h > WORK_HEIGHT else (h, w)
    sh = max(sh, 1)
    small = np.clip(resize(piece.ink, sh, sw), 0, None) if (sh, sw) != (h, w) else piece.ink
    peak = float(small.max())
    if peak <= 0:
        return []
    small = small / peak
    starts = candidate_columns(small)
    if not starts:
        return []
    rows = np.minimum((np.arange(h) * sh) // h, sh - 1)  # back to the piece's own rows and columns
    paths = [
        np.clip(np.rint((path[rows] + 0.5) * w / sw).astype(np.int64), 1, w - 1)
        for path in cut_path_batch(small, starts)
    ]
    paths.sort(key=lambda p: float(p.mean()))
    out: list[np.ndarray] = []
    edge = MIN_PART * h  # a path that wandered to the piece's side would leave a sliver
    for p in paths:
        if float(p.mean()) < edge or float(w - p.mean()) < edge:
            continue
        if out:
            p = np.maximum(p, out[-1])  # cuts never cross
            if float(np.mean(p - out[-1])) < MERGE * h:
                continue
        out.append(p)
    return out


def cut(piece: Piece, paths: list[np.ndarray]) -> list[Piece]:
    """``piece`` cut along ``paths`` into the parts between them, left to right (empty parts dropped)."""
    h, w = piece.ink.shape
    cols = np.arange(w)[None, :]
    bounds = [np.zeros(h, np.int64), *paths, np.full(h, w, np.int64)]
    parts = []
    for left, right in itertools.pairwise(bounds):
        inside = (cols >= left[:, None]) & (cols < right[:, None])
        ink = np.where(inside, piece.ink, 0).astype(np.float32)
        rows = np.flatnonzero(ink.max(axis=1) > INK_THRESHOLD)
        columns = np.flatnonzero(ink.max(axis=0) > INK_THRESHOLD)
        if rows.size == 0:
            continue
        t, b, lft, rgt = int(rows[0]), int(rows[-1]) + 1, int(columns[0]), int(columns[-1]) + 1
        t0, l0 = piece.box[0], piece.box[1]
        parts.append(Piece((t0 + t, l0 + lft, t0 + b, l0 + rgt), ink[t:b, lft:rgt].copy()))
    return parts
