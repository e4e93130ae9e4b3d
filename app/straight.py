"""Straight lines in an ink mask: a page's tilt, straightened by exact integer shears, and the long
straight runs along its rows and columns (numpy only). :mod:`app.paper` decides which are paper."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Pages are searched for lines tilted by up to this many degrees, in steps of TILT_STEP.
MAX_TILT = 6.0
TILT_STEP = 0.5
#: ...then refined on the whole mask in steps of FINE_STEP near the best: a 1 px ruled line 0.2 degrees off steps
#: a row every 290 px, and was found in pieces too short to be paper.
FINE_STEP = 0.1
#: ...within this many degrees of the coarse best: a whole TILT_STEP, as on the 4x smaller mask the block maxima
#: tie angles a step apart (1 px lines at 1.5 degrees came out at 1.0 and, refined within 0.3, at 1.3). On a
#: 600 px ruled page tilt takes 6.6 ms (5.3 ms refined within 0.2, with no refinement under 160 px).
FINE_HALF = 0.5
#: The rows (columns) take a tilt of their own when a line is this many times longer at it (see tilt).
LONGER = 1.25
#: A line candidate is at least this share of the picture's width (height, for verticals) long...
LINE_SPAN = 0.3
#: ...with gaps (faint or JPEG-broken stretches) of at most this share of it.
LINE_GAP = 0.02
#: A horizontal line is also looked for along this many neighbouring rows together, where no row alone holds it:
#: a thin line lying between two rows of the straightened page, or wandering a pixel (a photographed page's
#: curl), inks now one row, now the next, every few pixels. On a photographed ruled page a 1 px line lay in rows
#: 145 and 146 in turn, no run in either longer than a sixth of the page: 4 of an independent set's 120 such
#: pages read "not a digit", and 3 other pages' ruling left stubs read as digits. Bands of two rows found those;
#: of three, lines that also drift a row across the page (a tilt between the search's 0.1 degree steps).
#: Not for uprights: a 1 written with a fine pen, leaning a little, is such a band too, and "111" was read "1"
#: with its 1s taken for a margin (a review's photographed pages of 1s: 53 -> 39 of 96 right).
STRADDLE = (2, 3)
#: ...where the rows either side of the band are inked along less than this share of the run.
BESIDE = 0.5


@dataclass(frozen=True)
class Line:
    """An axis-aligned line of the straightened page: rows (columns, for a vertical) lo..hi, along start..stop."""

    vertical: bool
    lo: int
    hi: int  # inclusive
    start: int
    stop: int  # exclusive

    @property
    def length(self) -> int:
        return self.stop - self.start

    @property
    def thickness(self) -> int:
        return self.hi - self.lo + 1


class Shear:
    """Integer shears that straighten a page whose rows are tilted by ``angle`` and its columns by ``upright``
    (the same, for a page turned as a whole): exact, and exactly undone."""

    def __init__(self, shape: tuple[int, int], angle: float, upright: float | None = None) -> None:
        h, w = shape
        t = math.tan(angle)
        u = t if upright is None else math.tan(upright)
        self.col_shift = np.rint(np.arange(w) * t).astype(np.int64)  # a horizontal line y = c + x t -> row c
        self.dy = int(max(0, -self.col_shift.min())), int(max(0, self.col_shift.max()))
        h1 = h + self.dy[0] + self.dy[1]
        self.row_shift = np.rint(np.arange(h1) * u).astype(np.int64)  # a vertical line x = c - y u -> column c
        self.dx = int(max(0, -self.row_shift.min())), int(max(0, self.row_shift.max()))
        self.shape = shape
        self.out_shape = (h1, w + self.dx[0] + self.dx[1])

    def forward(self, a: np.ndarray) -> np.ndarray:
        ys, xs = np.nonzero(a) if a.dtype == bool else np.nonzero(a > 0)
        y1 = ys - self.col_shift[xs] + self.dy[1]
        x1 = xs + self.row_shift[y1] + self.dx[0]
        out = np.zeros(self.out_shape, a.dtype)
        out[y1, x1] = a[ys, xs]
        return out

    def backward(self, b: np.ndarray) -> np.ndarray:
        """Pixels of the straightened page back on the picture (those that came from it)."""
        h, w = self.shape
        ys, xs = np.mgrid[0:h, 0:w]
        y1 = ys - self.col_shift[xs] + self.dy[1]
        x1 = xs + self.row_shift[y1] + self.dx[0]
        return b[y1, x1]


def _block_max(mask: np.ndarray, step: int) -> np.ndarray:
    h, w = mask.shape
    gh, gw = -(-h // step), -(-w // step)
    padded = np.zeros((gh * step, gw * step), bool)
    padded[:h, :w] = mask
    return padded.reshape(gh, step, gw, step).any(axis=(1, 3))


def tilt(mask: np.ndarray) -> tuple[float, float]:
    """The tilts of the page's rows and of its columns in radians.

    Both are first the angle at which the ink's row and column projections together are sharpest (a page may
    hold only upright lines: a margin beside writing, its faint ruling lost, was straightened by -6 degrees from
    the digits' rows alone, and the margin, sheared, was read as a 1). But a photographed page's ruling and its
    margin need not lean alike (an independent set's ruling tilted by up to 1.5 degrees beside an upright
    margin: straightened at one angle, neither was straight, the lines were found in pieces and 6 of 120 pages
    read as one shape "not a digit"): the rows (the columns) take an angle of their own where one row (column)
    then holds a line at least LINE_SPAN of the page long and LONGER times the longest at the shared angle."""
    small = _block_max(mask, 4) if min(mask.shape) >= 160 else mask
    coarse, full = np.nonzero(small), np.nonzero(mask)
    degrees = np.arange(-MAX_TILT, MAX_TILT + TILT_STEP / 2, TILT_STEP)
    both = _sharpest(full, _near(_sharpest(coarse, degrees, (False, True), False)), (False, True), False)
    out = []
    for upright in (False, True):
        own = _sharpest(full, _near(_sharpest(coarse, degrees, (upright,), True)), (upright,), True)
        longest, shared = _projection(full, own, upright).max(), _projection(full, both, upright).max()
        ok = longest >= LINE_SPAN * mask.shape[0 if upright else 1] and longest >= LONGER * shared
        out.append(math.radians(own if ok else both))
    return out[0], out[1]


def _near(degrees: float) -> np.ndarray:
    """The fine grid around a coarse tilt: FINE_STEP apart, within FINE_HALF of it and within MAX_TILT."""
    half = round(FINE_HALF / FINE_STEP)
    fine = np.round(degrees + FINE_STEP * np.arange(-half, half + 1), 6)
    return fine[np.abs(fine) <= MAX_TILT + 1e-9]


def _projection(points: tuple[np.ndarray, ...], degrees: float, upright: bool) -> np.ndarray:
    """How much ink (``points``: its rows and columns) each row (``upright``: column) of the page straightened
    by ``degrees`` holds."""
    ys, xs = points
    if not ys.size:
        return np.zeros(1, np.int64)
    t = math.tan(math.radians(float(degrees)))
    at = np.rint(xs + ys * t if upright else ys - xs * t).astype(np.int64)
    return np.bincount(at - at.min())


def _sharpest(points: tuple[np.ndarray, ...], degrees: np.ndarray, axes: tuple[bool, ...], peak: bool) -> float:
    """Of ``degrees``, the tilt at which the ink's projections along ``axes`` (False: onto rows, True: onto
    columns) are sharpest: their sum of squares, then their longest line (``peak``: the longest line first),
    then the tilt nearest 0. Exact integers: with a float score and a relative tolerance, a 2-3 px upright
    margin tied at several angles and was straightened at -0.2..-0.3 degrees, the first of them."""
    best, best_key = 0.0, None
    for deg in degrees:
        counts = [_projection(points, deg, upright) for upright in axes]
        longest, squares = max(int(c.max()) for c in counts), sum(int(np.dot(c, c)) for c in counts)
        key = (longest, squares) if peak else (squares, longest)
        if best_key is None or key > best_key or (key == best_key and abs(deg) < abs(best)):
            best, best_key = round(float(deg), 6), key
    return best


def runs(flags: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Runs [start, stop) of True in ``flags``, bridging gaps of at most ``gap``."""
    idx = np.flatnonzero(flags)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > gap + 1)
    starts = np.concatenate([[0], breaks + 1])
    stops = np.concatenate([breaks, [idx.size - 1]])
    return [(int(idx[a]), int(idx[b]) + 1) for a, b in zip(starts, stops, strict=True)]


def find_lines(mask: np.ndarray, vertical: bool, faint: np.ndarray | None = None) -> list[Line]:
    """Straight runs at least LINE_SPAN of the picture long, along the rows (columns) of a straightened page.

    ``faint`` (the ink at a lower level) bridges a run's gaps where the line goes on, too faint for the
    mask: a light grid line photographed is broken every few pixels by grain and JPEG (gaps up to 8 px
    on a 367 px column), while the paper between two boxes a few pixels apart is blank."""
    m = mask.T if vertical else mask
    f = m if faint is None else (faint.T if vertical else faint)
    length = m.shape[1]
    need = LINE_SPAN * length
    gap = max(2, round(LINE_GAP * length))
    counts = m.sum(axis=1)
    found: list[tuple[int, int, int]] = []
    for r in np.flatnonzero(counts >= 0.6 * need):
        for start, stop in runs(m[r] | f[r], gap):
            if stop - start >= need:
                found.append((int(r), start, stop))
    for rows in () if vertical else STRADDLE:
        found = sorted(found + _straddling(m, f, found, need, gap, rows))
    # neighbouring rows of one line (and its soft edges) make one line of that thickness; a line tilted a
    # little from the page's steps a row along its length, its two runs overlapping by less than the longer's
    # half (a table's 1 px top line read as two, and the table's sides as 1s: "83060" -> "1813616101")
    lines: list[Line] = []
    for r, start, stop in found:
        last = lines[-1] if lines else None
        if (
            last is not None
            and r - last.hi <= 1
            and min(last.stop, stop) - max(last.start, start) > 0.5 * min(stop - start, last.length)
        ):
            lines[-1] = Line(vertical, last.lo, r, min(last.start, start), max(last.stop, stop))
        else:
            lines.append(Line(vertical, r, r, start, stop))
    return lines


def _straddling(
    m: np.ndarray, f: np.ndarray, found: list[tuple[int, int, int]], need: float, gap: int, rows: int
) -> list[tuple[int, int, int]]:
    """Runs of ``rows`` neighbouring rows together that no row of them has alone (:data:`STRADDLE`), each row
    returned with the run: one line that many rows thick."""
    n = len(m) - rows + 1
    if n < 1:
        return []
    mb = np.zeros((n, m.shape[1]), bool)  # band r: rows r..r+rows-1 together
    fb = np.zeros((n, m.shape[1]), bool)
    for k in range(rows):
        mb |= m[k : k + n]
        fb |= f[k : k + n]
    bands = np.flatnonzero(mb.sum(axis=1) >= 0.6 * need)
    have: dict[int, list[tuple[int, int]]] = {}
    for r, start, stop in found:
        have.setdefault(r, []).append((start, stop))
    out: list[tuple[int, int, int]] = []
    for r in bands:
        for start, stop in runs(mb[r] | fb[r], gap):
            if stop - start < need:
                continue
            # already a line in one of these rows along most of this run: nothing new
            known = [span for k in range(r, r + rows) for span in have.get(k, [])]
            if any(min(b, stop) - max(a, start) > 0.5 * (stop - start) for a, b in known):
                continue
            # a thin line has paper beside it, a band within a stroke ink (a pen's 8 and 3 drawn upright: their
            # sides, found as lines, cut the writing into pieces a third as tall, and its 1s passed for a margin)
            beside = np.zeros(stop - start, bool)
            for k in (r - 1, r + rows):
                if 0 <= k < len(m):
                    beside |= m[k, start:stop]
            if beside.mean() >= BESIDE:
                continue
            out += [(int(r) + k, start, stop) for k in range(rows)]
    return out


def thickness(mask: np.ndarray, line: Line, cap: int) -> float:
    """How thick the ink is across ``line`` (median over its length): a paper line's own thickness
    where nothing crosses it, a thick stroke's whole width when the "line" is a row of the stroke.

    :func:`find_lines` reports the rows whose runs are long enough; a stroke or a blocky scan's
    bar, slightly tilted, has one such row inside a band of ink as thick as the pen. Ink is followed
    at most ``cap`` pixels each way (enough to tell thin from thick, and cheap on a big page)."""
    m = mask.T if line.vertical else mask
    s, e = max(0, line.start), min(m.shape[1], line.stop)
    if e <= s:
        return float(line.thickness)
    # contiguous ink above lo and below hi, column by column (cumprod stops at the first gap)
    above = np.cumprod(m[max(0, line.lo - cap) : line.lo, s:e][::-1], axis=0).sum(axis=0)
    below = np.cumprod(m[line.hi + 1 : line.hi + 1 + cap, s:e], axis=0).sum(axis=0)
    on = m[line.lo : line.hi + 1, s:e].any(axis=0)
    if not on.any():
        return float(line.thickness)
    return float(np.median((line.thickness + above + below)[on]))


def band(line: Line, shape: tuple[int, int], margin: int = 1) -> tuple[slice, slice]:
    rows = slice(max(0, line.lo - margin), min(shape[1] if line.vertical else shape[0], line.hi + margin + 1))
    along = slice(max(0, line.start), line.stop)
    return (along, rows) if line.vertical else (rows, along)


def without(mask: np.ndarray, lines: list[Line]) -> np.ndarray:
    out = mask.copy()
    for line in lines:
        out[band(line, mask.shape, 2)] = False
    return out
