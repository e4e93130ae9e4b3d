"""The paper's own structure, found and taken out of an ink map: ruling, grids, margins, printed boxes, dots.

A picture of a notebook or a form holds long straight lines that are not writing. Left in,
they join every digit into one piece that is "not a digit". :func:`remove_structure` finds,
on the page straightened (it may be tilted by up to :data:`MAX_TILT` degrees):

- **lines**: straight runs much longer than the writing is tall (ruling, a margin, graph
  paper, a table). Two or more parallel ones count, or one that reaches well past the
  writing (an underline, the one ruled line under a number); a straight stroke of the
  writing itself (a 1, a 7's bar, a dash) never does, nor does the picture's own edge;
- **a comb field**: two lines of one length closed at both ends by sides that run from one
  to the other, with dividers between (a row of boxes that share their sides); or one line
  with short upright teeth at a regular spacing, one place for a digit between two (a form's
  open comb: the teeth were read as 1s, and the line alone, ending where the writing ends,
  was not taken for paper);
- **boxes**: a rectangle's outline around a digit, each side inked along nearly all its
  length, whatever the digit inside does (it may touch or cross the box);
- **dots**: a grid of many small dots of one size.

and removes them, keeping the writing whole where a stroke crosses a line: where ink goes
on beyond the line on both sides, or is much stronger than the line's own, its pixels stay.
Pure numpy; a picture without such structure costs a projection of a quarter-size mask and
a few row scans (a few ms at 640 px). Drawings are never searched: they have no paper.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np

#: Pages are searched for lines tilted by up to this many degrees, in steps of TILT_STEP.
MAX_TILT = 6.0
TILT_STEP = 0.5
#: Ink above this share of the strongest ink belongs to the mask lines are looked for in.
LINE_INK = 0.12
#: A line candidate is at least this share of the picture's width (height, for verticals) long...
LINE_SPAN = 0.3
#: ...with gaps (faint or JPEG-broken stretches) of at most this share of it.
LINE_GAP = 0.02
#: A paper line is this many times longer than the writing is tall...
LONE_LINE = 2.5
#: ...and, alone, reaches this many writing heights past the writing's ends (an underline, a ruled line).
LINE_OVERHANG = 0.8
#: ...and is at most this thick for the writing's height (at least 5 px is allowed on small writing).
THIN = 0.25
#: Lines this close to the picture's edge are left to the border rules (a page's edge, a tight crop).
EDGE = 3
#: A box's outline: its sides inked along at least this share of their length.
BOX_SIDE = 0.85
#: A box's lines are at most this thick for its size (a written 0's strokes are thicker).
BOX_LINE = 0.08
#: Dots: at least this many small pieces of about one size (a dot grid).
MIN_DOTS = 12
#: An open comb: at least this many teeth on one line, each at most TOOTH_LENGTH writing heights long,
#: of one length (within TOOTH_SAME) and spaced on one pitch (within TOOTH_PITCH of it, places may be
#: skipped where a digit hides a tooth). A digit standing on the line is as tall as the writing.
MIN_TEETH = 3
TOOTH_LENGTH = 0.8
TOOTH_SAME = 0.3
TOOTH_PITCH = 0.2
#: Writing crossing a line keeps the line's pixels where its ink is this much above the line's own.
STRONGER = 1.6


@dataclass(frozen=True)
class Structure:
    """What was taken out of the ink: the kinds found (e.g. "ruling", "boxes") and their pixels."""

    kinds: tuple[str, ...] = ()
    mask: np.ndarray | None = field(default=None, repr=False)  # (H, W) bool: the pixels removed

    def __bool__(self) -> bool:
        return bool(self.kinds)


@dataclass(frozen=True)
class _Line:
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


class _Shear:
    """Integer shears that straighten a page tilted by ``angle``: exact, and exactly undone."""

    def __init__(self, shape: tuple[int, int], angle: float) -> None:
        h, w = shape
        t = math.tan(angle)
        self.col_shift = np.rint(np.arange(w) * t).astype(np.int64)  # a horizontal line y = c + x t -> row c
        self.dy = int(max(0, -self.col_shift.min())), int(max(0, self.col_shift.max()))
        h1 = h + self.dy[0] + self.dy[1]
        self.row_shift = np.rint(np.arange(h1) * t).astype(np.int64)  # a vertical line x = c - y t -> column c
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


def _tilt(mask: np.ndarray) -> float:
    """The page's tilt in radians: the angle at which the ink's row projection is sharpest."""
    small = _block_max(mask, 4) if min(mask.shape) >= 160 else mask
    ys, xs = np.nonzero(small)
    best, best_score = 0.0, -1.0
    for deg in np.arange(-MAX_TILT, MAX_TILT + TILT_STEP / 2, TILT_STEP):
        rows = np.rint(ys - xs * math.tan(math.radians(float(deg)))).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        score = float(np.dot(counts, counts))
        if score > best_score * (1 + 1e-9):  # ties keep the smaller tilt (scanned in order from -MAX)
            best, best_score = math.radians(float(deg)), score
    return best


def _runs(flags: np.ndarray, gap: int) -> list[tuple[int, int]]:
    """Runs [start, stop) of True in ``flags``, bridging gaps of at most ``gap``."""
    idx = np.flatnonzero(flags)
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) > gap + 1)
    starts = np.concatenate([[0], breaks + 1])
    stops = np.concatenate([breaks, [idx.size - 1]])
    return [(int(idx[a]), int(idx[b]) + 1) for a, b in zip(starts, stops, strict=True)]


def _lines(mask: np.ndarray, vertical: bool) -> list[_Line]:
    """Straight runs at least LINE_SPAN of the picture long, along the rows (columns) of a straightened page."""
    m = mask.T if vertical else mask
    length = m.shape[1]
    need = LINE_SPAN * length
    gap = max(2, round(LINE_GAP * length))
    counts = m.sum(axis=1)
    found: list[tuple[int, int, int]] = []
    for r in np.flatnonzero(counts >= 0.6 * need):
        for start, stop in _runs(m[r], gap):
            if stop - start >= need:
                found.append((int(r), start, stop))
    # neighbouring rows of one line (and its soft edges) make one line of that thickness
    lines: list[_Line] = []
    for r, start, stop in found:
        last = lines[-1] if lines else None
        if (
            last is not None
            and r - last.hi <= 1
            and min(last.stop, stop) - max(last.start, start) > 0.5 * (stop - start)
        ):
            lines[-1] = _Line(vertical, last.lo, r, min(last.start, start), max(last.stop, stop))
        else:
            lines.append(_Line(vertical, r, r, start, stop))
    return lines


def _band(line: _Line, shape: tuple[int, int], margin: int = 1) -> tuple[slice, slice]:
    rows = slice(max(0, line.lo - margin), min(shape[1] if line.vertical else shape[0], line.hi + margin + 1))
    along = slice(max(0, line.start), line.stop)
    return (along, rows) if line.vertical else (rows, along)


def _without(mask: np.ndarray, lines: list[_Line]) -> np.ndarray:
    out = mask.copy()
    for line in lines:
        out[_band(line, mask.shape, 2)] = False
    return out


def _writing(mask: np.ndarray, vertical: bool) -> tuple[float, tuple[int, int] | None]:
    """How tall the writing is (a high percentile of its pieces' heights) and its extent along lines."""
    from app.preprocess import label

    labels, n, boxes = label(mask)
    if n == 0:
        return 0.0, None
    heights = boxes[:, 2] - boxes[:, 0]
    areas = np.bincount(labels.ravel(), minlength=n + 1)[1:]
    real = areas >= min(float(areas.max()), max(4.0, 0.02 * float(areas.max())))
    lo, hi = (0, 2) if vertical else (1, 3)
    return float(np.percentile(heights[real], 75)), (int(boxes[real, lo].min()), int(boxes[real, hi].max()))


def _accept(lines: list[_Line], without: np.ndarray, across: int) -> list[_Line]:
    """The lines that are the paper's (see the module's docstring); ``across``: the picture's size across them."""
    if not lines:
        return []
    height, extent = _writing(without, lines[0].vertical)
    if height <= 0:
        return []
    candidates = [x for x in lines if x.length >= LONE_LINE * height and x.thickness <= max(5.0, THIN * height)]
    at_edge = [x for x in candidates if x.lo < EDGE or x.hi > across - 1 - EDGE]
    long = [x for x in candidates if x not in at_edge]
    if len(long) == 1 and extent is not None:
        over = max(extent[0] - long[0].start, 0) + max(long[0].stop - extent[1], 0)
        if over < LINE_OVERHANG * height:
            long = []
    if long:  # a ruled or squared page's lines run to its edges too: those as long as the others are its
        typical = float(np.median([x.length for x in long]))
        long += [x for x in at_edge if x.length >= 0.8 * typical]
    return long


def _comb(mask: np.ndarray, horizontals: list[_Line]) -> tuple[list[_Line], list[_Line]]:
    """Rows of boxes sharing their sides: two lines of one extent, closed at both ends by sides from one to
    the other, with dividers between. Returns (their lines, their sides). Ruling, whose lines run on past
    any stroke that joins two of them, never closes at both ends."""
    lines, sides = [], []
    for top, bottom in itertools.pairwise(sorted(horizontals, key=lambda x: x.lo)):
        reach = 4 + max(top.thickness, bottom.thickness)
        if abs(top.start - bottom.start) > reach or abs(top.stop - bottom.stop) > reach:
            continue
        y0, y1 = top.hi + 1, bottom.lo  # the space between the two lines
        if y1 - y0 < 6:
            continue
        lo, hi = max(0, min(top.start, bottom.start) - reach), min(mask.shape[1], max(top.stop, bottom.stop) + reach)
        full = mask[y0:y1, lo:hi].mean(axis=0) >= 0.95
        thin = 2 * max(top.thickness, bottom.thickness) + 2
        found = [_Line(True, lo + a, lo + b - 1, top.lo, bottom.hi + 1) for a, b in _runs(full, 0) if b - a <= thin]
        if len(found) >= 2 and found[0].lo - lo <= 2 * reach and hi - 1 - found[-1].hi <= 2 * reach:
            lines += [top, bottom]
            sides += found
    return lines, sides


def _teeth(mask: np.ndarray, line: _Line, height: float, verticals: list[_Line]) -> list[_Line]:
    """The teeth of an open comb on a horizontal ``line``: short upright strokes as thin as the line,
    standing on it alone, ending in the air, of one length, at a regular pitch (see :data:`MIN_TEETH`).
    A box's side ends in its top line, a digit's stroke has the digit beside it, a grid's line runs
    on, and the foot of a digit written across a ruled line hangs below it: none is a tooth."""
    s, e = max(0, line.start), min(mask.shape[1], line.stop)
    if height <= 0 or e - s < 3:
        return []
    reach = max(2, int(TOOTH_LENGTH * height * 1.5))
    least = max(3, round(0.15 * height))
    grid = np.zeros(e - s, bool)
    for v in verticals:  # a vertical line that crosses this one is a grid's or a margin's
        if v.start < line.lo - 2 and v.stop > line.hi + 3:
            grid[max(0, v.lo - 1 - s) : max(0, v.hi + 2 - s)] = True
    rows = mask[max(0, line.lo - 1 - reach) : max(0, line.lo - 1), :][::-1]  # upwards, the nearest row first
    if rows.shape[0] < least:
        return []
    length = np.where(rows[:, s:e].all(axis=0), rows.shape[0], rows[:, s:e].argmin(axis=0))  # ink run
    upright = [(a, b) for a, b in _runs((length >= least) & ~grid, 0) if b - a <= line.thickness + 2]
    groups = [(a, b, n) for a, b in upright if (n := _free_standing(rows, length[a:b], s + a, s + b, height))]
    pitch = _pitch(groups, height)
    if pitch is None:
        return []
    start, stop, typical, step = pitch
    # every upright stroke on the pitch, within the comb and no longer than a tooth, is one, also one a
    # digit touches (its stroke stays: _cut)
    teeth = []
    for a, b in upright:
        f = ((a + b - 1) / 2 - start) / step % 1
        inside = start - step / 2 <= (a + b - 1) / 2 <= stop + step / 2
        short = float(np.median(length[a:b])) <= (1 + TOOTH_SAME) * typical
        if min(f, 1 - f) <= TOOTH_PITCH and inside and short:
            teeth.append((a, b))
    extent = round(typical) + 1
    return [_Line(True, s + a, s + b - 1, max(0, line.lo - 1 - extent), line.lo) for a, b in teeth]


def _solid(block: np.ndarray) -> bool:
    """Ink in every column of a non-empty block: a line runs on."""
    return block.size > 0 and bool(block.any(axis=0).all())


def _free_standing(rows: np.ndarray, runs: np.ndarray, x0: int, x1: int, height: float) -> int:
    """The length of the upright stroke in columns [x0, x1) of ``rows`` (upwards from a line, the nearest
    row first; ``runs``: those columns' ink runs) if it stands alone and ends in the air, else 0."""
    size, tip = int(np.median(runs)), int(runs.max())
    if tip >= rows.shape[0]:
        return 0
    width = rows.shape[1]
    beside = rows[:size, max(0, x0 - 2) : max(0, x0 - 1)].any(axis=1) | rows[:size, x1 + 1 : x1 + 2].any(axis=1)
    # a free end: nothing past the run, and no line running off sideways from its last rows (a
    # box's side meets one there; a digit close beside a tooth is not a line)
    near, far = slice(max(0, tip - 3), tip), max(4, round(0.7 * height))
    end = (
        rows[tip, max(0, x0 - 2) : min(width, x1 + 2)].any()
        or _solid(rows[near, max(0, x0 - 1 - far) : max(0, x0 - 1)])
        or _solid(rows[near, x1 + 1 : min(width, x1 + 1 + far)])
    )
    return size if beside.mean() <= 0.2 and not end else 0


def _pitch(groups: list[tuple[int, int, int]], height: float) -> tuple[float, float, float, float] | None:
    """Teeth ``(a, b, length)`` of one length on a regular pitch: (first centre, last centre, typical
    length, pitch), or None when they are not a comb's."""
    if len(groups) < MIN_TEETH:
        return None
    typical = float(np.median([g[2] for g in groups]))
    if typical > TOOTH_LENGTH * height:
        return None
    kept = [(a, b) for a, b, size in groups if abs(size - typical) <= TOOTH_SAME * typical]
    if len(kept) < MIN_TEETH:
        return None
    centres = np.array([(a + b - 1) / 2 for a, b in kept])
    pitch = float(np.median(np.diff(centres)))
    steps = np.diff(centres) / max(pitch, 1e-9)
    if pitch < 0.5 * height or np.abs(steps - np.rint(steps)).max() > TOOTH_PITCH or np.rint(steps).min() < 1:
        return None
    return float(centres[0]), float(centres[-1]), typical, pitch


def _boxes(mask: np.ndarray) -> list[_Line]:
    """The sides of rectangles drawn around digits (each piece's longest straight runs, near its four edges)."""
    from app.preprocess import label

    labels, n, boxes = label(mask)
    out: list[_Line] = []
    for i in range(n):
        t, left, b, r = (int(v) for v in boxes[i])
        if b - t < 10 or r - left < 10:
            continue
        sub = labels[t:b, left:r] == i + 1
        rect = _rectangle(sub)
        if rect is not None:
            out += [
                _Line(
                    v, lo + (left if v else t), hi + (left if v else t), s + (t if v else left), e + (t if v else left)
                )
                for v, lo, hi, s, e in rect
            ]
    return out


def _rectangle(sub: np.ndarray) -> list[tuple[bool, int, int, int, int]] | None:
    """A rectangle's four sides in one piece's mask, as (vertical, lo, hi, start, stop), or None."""
    h, w = sub.shape
    # a rectangle's sides fill rows near its top and bottom and columns near its sides: cheap to rule out
    fill_rows, fill_cols = sub.mean(axis=1), sub.mean(axis=0)
    third_h, third_w = max(1, h // 3), max(1, w // 3)
    if min(fill_rows[:third_h].max(), fill_rows[-third_h:].max()) < 0.6 * BOX_SIDE:
        return None
    if min(fill_cols[:third_w].max(), fill_cols[-third_w:].max()) < 0.6 * BOX_SIDE:
        return None

    rows, cols = _longest(sub), _longest(sub.T)
    top = int(np.argmax(rows[: max(1, h // 3)]))
    bottom = h - max(1, h // 3) + int(np.argmax(rows[h - max(1, h // 3) :]))
    left = int(np.argmax(cols[: max(1, w // 3)]))
    right = w - max(1, w // 3) + int(np.argmax(cols[w - max(1, w // 3) :]))
    width, height = right - left + 1, bottom - top + 1
    if width < 10 or height < 10:
        return None
    sides_ok = (
        sub[top, left : right + 1].mean() >= BOX_SIDE
        and sub[bottom, left : right + 1].mean() >= BOX_SIDE
        and sub[top : bottom + 1, left].mean() >= BOX_SIDE
        and sub[top : bottom + 1, right].mean() >= BOX_SIDE
    )
    # printed corners are square (a written 0 is round there), and printed lines thin for the box
    corners = all(
        sub[max(0, y - 2) : y + 3, max(0, x - 2) : x + 3].sum() >= 3 for y in (top, bottom) for x in (left, right)
    )
    if not sides_ok or not corners:
        return None

    t0, t1 = _thick(rows, top, 0.6 * rows[top])
    b0, b1 = _thick(rows, bottom, 0.6 * rows[bottom])
    l0, l1 = _thick(cols, left, 0.6 * cols[left])
    r0, r1 = _thick(cols, right, 0.6 * cols[right])
    if max(t1 - t0, b1 - b0, l1 - l0, r1 - r0) + 1 > max(4.0, BOX_LINE * min(width, height)):
        return None
    return [
        (False, t0, t1, left, right + 1),
        (False, b0, b1, left, right + 1),
        (True, l0, l1, top, bottom + 1),
        (True, r0, r1, top, bottom + 1),
    ]


def _longest(m: np.ndarray) -> np.ndarray:
    """Per row, the longest run of ink (a one-pixel gap bridged)."""
    bridged = m.copy()
    bridged[:, 1:-1] |= m[:, :-2] & m[:, 2:]
    padded = np.zeros((m.shape[0], m.shape[1] + 2), np.int8)
    padded[:, 1:-1] = bridged
    rows, starts = np.nonzero(np.diff(padded, axis=1) == 1)
    _, stops = np.nonzero(np.diff(padded, axis=1) == -1)
    best = np.zeros(m.shape[0], np.int64)
    np.maximum.at(best, rows, stops - starts)
    return best


def _thick(profile: np.ndarray, at: int, need: float) -> tuple[int, int]:
    """The rows (columns) around ``at`` whose ``profile`` reaches ``need``: a printed line's thickness."""
    lo = hi = at
    while lo > 0 and profile[lo - 1] >= need:
        lo -= 1
    while hi < len(profile) - 1 and profile[hi + 1] >= need:
        hi += 1
    return lo, hi


def _dots(mask: np.ndarray, height: float) -> np.ndarray:
    """Pixels of a dot grid: many small pieces of about one size, each far smaller than the writing."""
    from app.preprocess import label

    labels, n, boxes = label(mask)
    if n < MIN_DOTS:
        return np.zeros(mask.shape, bool)
    size = np.maximum(boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1])
    small = size <= (max(3.0, 0.25 * height) if height > 0 else 6.0)
    if small.sum() < MIN_DOTS:
        return np.zeros(mask.shape, bool)
    dots = small & (size <= 2 * float(np.median(size[small])) + 1)
    if dots.sum() < MIN_DOTS:
        return np.zeros(mask.shape, bool)
    return np.concatenate([[False], dots])[labels]


def _cut(
    ink: np.ndarray, mask: np.ndarray, lines: list[_Line], stronger: bool = True, paper: np.ndarray | None = None
) -> np.ndarray:
    """The pixels of ``lines`` to remove: all but where writing crosses them or (``stronger``) is much
    stronger. A comb's tooth is as narrow as its soft edges, whose faint ink would make its own core
    look stronger than the line: it is cut wherever no writing crosses it."""
    cut = np.zeros(mask.shape, bool)
    # writing crosses a line; another paper line does not (a margin across the ruling left a column of dots)
    free = mask if paper is None else mask & ~paper
    for line in lines:
        m, k = (mask.T, ink.T) if line.vertical else (mask, ink)
        f = free.T if line.vertical else free
        c = cut.T if line.vertical else cut
        lo, hi = max(0, line.lo - 1), min(m.shape[0], line.hi + 2)
        s, e = max(0, line.start), min(m.shape[1], line.stop)
        if hi <= lo or e <= s:
            continue
        band_ink, band_mask = k[lo:hi, s:e], m[lo:hi, s:e]
        level = float(np.median(band_ink[band_mask])) if band_mask.any() else 0.0
        above = f[max(0, lo - 4) : max(0, lo - 1), s:e].any(axis=0)
        below = f[min(m.shape[0], hi + 1) : min(m.shape[0], hi + 4), s:e].any(axis=0)
        crossing = np.zeros(e - s, bool)
        both = above & below
        crossing |= both
        crossing[1:] |= both[:-1]
        crossing[:-1] |= both[1:]
        keep = (crossing[None, :] | (band_ink > STRONGER * level + 0.05)) if stronger else crossing[None, :]
        c[lo:hi, s:e] |= band_mask & ~keep
    return cut


def remove_structure(ink: np.ndarray) -> tuple[np.ndarray, Structure]:
    """``ink`` (ink 1 on 0) without the paper's lines, boxes and dots, and what was removed."""
    peak = float(ink.max()) if ink.size else 0.0
    if peak <= 0 or min(ink.shape) < 24:
        return ink, Structure()
    mask = ink > LINE_INK * peak
    if not mask.any():
        return ink, Structure()
    shear = _Shear(ink.shape, _tilt(mask))
    m, k = shear.forward(mask), shear.forward(ink)
    lines, teeth, kinds = _paper_lines(m)
    paper = m & ~_without(m, lines + teeth) if lines else None
    cut = np.zeros(m.shape, bool)
    if lines:  # each line is cut on its own: the boxes found below add their cuts to these
        cut |= _cut(k, m, lines, paper=paper)
        if teeth:
            cut |= _cut(k, m, teeth, stronger=False, paper=paper)
    boxes = _boxes(m & ~cut)
    if boxes:
        cut |= _cut(k, m, boxes, paper=paper)
        if "boxes" not in kinds:
            kinds.append("boxes")
    height, _ = _writing(m & ~cut, False)
    dots = _dots(m & ~cut, height)
    if dots.any():
        cut |= dots
        kinds.append("dots")
    if not kinds:
        return ink, Structure()
    removed = shear.backward(cut) & mask
    return np.where(removed, 0, ink).astype(np.float32), Structure(tuple(kinds), removed)


def _paper_lines(m: np.ndarray) -> tuple[list[_Line], list[_Line], list[str]]:
    """The straightened mask's paper lines (ruling, grid, margin, a comb's lines and sides), an open comb's
    teeth, and the kinds of structure they are."""
    kinds: list[str] = []
    horizontals, verticals = _lines(m, False), _lines(m, True)
    if not horizontals and not verticals:
        return [], [], kinds
    teeth: list[_Line] = []
    without = _without(m, horizontals + verticals)
    comb, sides = _comb(m, horizontals)
    rest = [x for x in horizontals if x not in comb]
    h_ok = comb + _accept(rest, _without(without, comb + sides), m.shape[0])
    height, _ = _writing(_without(m, horizontals), False)
    for x in rest:  # an open comb's line is paper even where it ends with the writing
        found = _teeth(m, x, height, verticals)
        if found:
            teeth += found
            if x not in h_ok:
                h_ok.append(x)
                comb.append(x)
    v_ok = _accept([x for x in verticals if not any(_overlaps(x, s) for s in sides + teeth)], without, m.shape[1])
    if sides or teeth:
        kinds.append("boxes")
    if [x for x in h_ok if x not in comb]:
        kinds.append("grid" if len(v_ok) >= 2 else "ruling")
    if v_ok and "grid" not in kinds:
        kinds.append("margin")
    return h_ok + v_ok + sides, teeth, kinds


def _overlaps(a: _Line, b: _Line) -> bool:
    return a.lo <= b.hi + 2 and b.lo <= a.hi + 2
