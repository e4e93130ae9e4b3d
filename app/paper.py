"""The paper's own structure, found and taken out of an ink map: ruling, grids, margins, printed boxes, dots,
a form's captions.

A picture of a notebook or a form holds long straight lines that are not writing. Left in,
they join every digit into one piece that is "not a digit". :func:`remove_structure` finds,
on the page straightened (it may be tilted by up to :data:`app.straight.MAX_TILT` degrees):

- **lines**: straight runs much longer than the writing is tall (ruling, a margin, graph
  paper, a table). Two or more parallel ones count, or one that reaches well past the
  writing (an underline, the one ruled line under a number); a straight stroke of the
  writing itself (a 1, a 7's bar, a dash) never does, nor does the picture's own edge;
- **a comb field**: two lines of one length closed at both ends by sides that run from one
  to the other, with dividers between (a row of boxes that share their sides); or one line
  with short upright teeth at a regular spacing, one place for a digit between two (a form's
  open comb: the teeth were read as 1s, and the line alone, ending where the writing ends,
  was not taken for paper); or uprights as tall as the writing, of one length and pen, level, at one
  pitch, on one line (:func:`app.forms.fence`: the digits touch them);
- **boxes**: a rectangle's outline around a digit, each side inked along nearly all its
  length, whatever the digit inside does (it may touch or cross the box);
- **dots**: a grid of many small dots of one size;
- **captions**: what a form prints outside its places (boxes, comb fields, the space above an open comb),
  less tall than the writing in them: a caption's words, a "/" between a date's boxes.

and removes them, keeping the writing whole where a stroke crosses a line: where ink goes
on beyond the line on both sides, or is much stronger than the line's own, its pixels stay.
:func:`ink_variants` is where a picture becomes the ink maps the reader reads (it lives here, not in
:mod:`app.preprocess`, so that stages which never read a page, such as ``strings``, do not depend on
this module). Pure numpy; a picture without such structure costs a projection of a quarter-size mask and
a few row scans (a few ms at 640 px). Drawings are never searched: they have no paper.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from app import forms, straight
from app.blocky import smooth_cells
from app.preprocess import WORKING_SIDE, clear_border, ink_map, label, morphology, shrink_to, to_grey
from app.straight import Line

#: Ink above this share of the strongest ink belongs to the mask lines are looked for in.
LINE_INK = 0.12
#: A line goes on where its ink is at least this share of LINE_INK (:func:`app.straight.find_lines`).
FAINT = 0.5
#: A paper line is this many times longer than the writing is tall...
LONE_LINE = 2.5
#: ...and, alone, reaches this many writing heights past the writing's ends (an underline, a ruled line).
LINE_OVERHANG = 0.8
#: ...and is at most this thick for the writing's height (at least 5 px is allowed on small writing).
THIN = 0.25
#: Lines this close to the picture's edge are left to the border rules (a page's edge, a tight crop).
EDGE = 3
#: A removed line takes the faint ink within this window (pixels a side) of it: its soft edges.
HALO = 5
#: A line is cut up to this many rows thicker than found where those rows are inked along half its length
#: (three boxes a few pixels apart, their tops found as one line 3 px thick, were 5: their bottom row stayed
#: under each digit and "164" was read "153").
GROW = 2
#: Writing crossing a line keeps the line's pixels where its ink is this much above the line's own.
STRONGER = 1.6
#: What is left within a removed line's band and runs along this share of its length is the line's own.
REMNANT = 0.5
#: Ink left within this many pixels of the cut hugs it: a sliver of the removed structure (:func:`_writing_left`).
SLIVER = 2


@dataclass(frozen=True)
class Structure:
    """What was taken out of the ink: the kinds found (e.g. "ruling", "boxes") and their pixels."""

    kinds: tuple[str, ...] = ()
    mask: np.ndarray | None = field(default=None, repr=False)  # (H, W) bool: the pixels removed

    def __bool__(self) -> bool:
        return bool(self.kinds)


def remove_structure(ink: np.ndarray) -> tuple[np.ndarray, Structure]:
    """``ink`` (ink 1 on 0) without the paper's lines, boxes and dots, and what was removed."""
    peak = float(ink.max()) if ink.size else 0.0
    if peak <= 0 or min(ink.shape) < 24:
        return ink, Structure()
    mask = ink > LINE_INK * peak
    if not mask.any():
        return ink, Structure()
    shear = straight.Shear(ink.shape, *straight.tilt(mask))
    m, k = shear.forward(mask), shear.forward(ink)
    lines, teeth, kinds, fields = _paper_lines(m, shear.forward(ink > FAINT * LINE_INK * peak))
    paper = m & ~straight.without(m, lines + teeth) if lines else None
    cut = np.zeros(m.shape, bool)
    if lines:  # each line is cut on its own: the boxes found below add their cuts to these
        cut |= _cut(k, m, lines, paper=paper)
        if teeth:
            cut |= _cut(k, m, teeth, stronger=False, paper=paper)
    boxes = _not_nested(forms.boxes(m & ~cut), fields)
    dividers = forms.dividers(m & ~cut, boxes)
    boxes += dividers
    if boxes:
        cut |= _cut(k, m, boxes, paper=paper)
        if "boxes" not in kinds:
            kinds.append("boxes")
    if lines or boxes:
        cut |= _remnants(m & ~cut, lines + boxes)
    outside = _captions(m & ~cut, fields + _regions([x for x in boxes if x not in dividers]), cut)
    if outside.any():
        cut |= outside
        kinds.append("captions")
    height, _ = _writing(m & ~cut, False)
    dots = forms.dots(m & ~cut, height)
    if dots.any():
        cut |= dots
        kinds.append("dots")
    if not kinds or not _writing_left(m & ~cut, cut):
        return ink, Structure()
    removed = shear.backward(cut) & mask
    # a line's soft edges, too faint for the mask, stay beside it: on squared paper they joined a small
    # number to the stubs of the grid lines around it ("90" read as one tall "5"), so they go with it
    removed |= (morphology(removed.astype(np.float32), HALO, np.maximum) > 0) & ~mask
    return np.where(removed, 0, ink).astype(np.float32), Structure(tuple(kinds), removed)


Region = tuple[int, int, int, int]  # top, bottom, left, right (exclusive)


def _writing_left(rest: np.ndarray, cut: np.ndarray) -> bool:
    """Is any of ``rest`` (the mask after the cut) more than SLIVER pixels from the cut, or is it one piece? A
    drawn square whose tilted sides were found as a box left only slivers of them (2 px at most across, on
    several sides), and those read "11" at 100%: with nothing else left the structure was the drawing, read as
    it is. Nothing left at all (a blank ruled page) keeps the cut, and so does one piece: a thin 1 written
    against a box's side lies within 2 px of it all along (a review's boxes: 2 of 25 such 1s were lost
    without this). The reach is fixed, not the lines' thickness: half or all of a 7 px box side reached over
    the whole of the 10 px digits inside 14 px boxes (independent set R)."""
    rows, cols = np.flatnonzero(rest.any(axis=1)), np.flatnonzero(rest.any(axis=0))
    if len(rows) == 0:
        return True
    # dilate only around what is left, SLIVER past it (all the cut that can be that near): the whole page's
    # dilation cost a 1600x1200 photo 5-10% of its reading (thirty-first session)
    r0, r1 = max(int(rows[0]) - SLIVER, 0), int(rows[-1]) + SLIVER + 1
    c0, c1 = max(int(cols[0]) - SLIVER, 0), int(cols[-1]) + SLIVER + 1
    near = morphology(cut[r0:r1, c0:c1].astype(np.float32), 2 * SLIVER + 1, np.maximum) > 0
    return bool((rest[r0:r1, c0:c1] & ~near).any()) or label(rest)[1] < 2


def _paper_lines(m: np.ndarray, faint: np.ndarray) -> tuple[list[Line], list[Line], list[str], list[Region]]:
    """The straightened mask's paper lines (ruling, grid, margin, a comb's lines and sides), an open comb's
    teeth, the kinds of structure they are, and the places a form's comb fields and boxes give the writing."""
    kinds: list[str] = []
    horizontals, verticals = straight.find_lines(m, False, faint), straight.find_lines(m, True, faint)
    if not horizontals and not verticals:
        return [], [], kinds, []
    comb, sides = forms.comb(m, horizontals)
    bottoms = comb[1::2]  # (comb returns each field's top and bottom line)
    posts, place = forms.fence(m, verticals)
    sides += posts
    # then boxes that stand alone: a row of boxes apart has tall sides, which were taken for margins
    # one by one, leaving the boxes' tops and bottoms to be read as strokes (9 of 48 such forms)
    pairs = zip(comb[::2], bottoms, strict=True)
    fields = [(t.lo, b.hi + 1, min(t.start, b.start), max(t.stop, b.stop)) for t, b in pairs]
    # a digit written bold and squarish in a field's place (an 8 filling it) is a rectangle too, never a box
    boxed = _not_nested(_lone_boxes(straight.without(m, comb + sides), horizontals + verticals), fields)
    fields += _regions(boxed) + ([place] if place else [])
    # a box's sides are the box's; a stroke within a box is what is written in it, never ruling or a margin
    # (a small form's 4s lost their stems as margins when the writing measured without them was tiny)
    horizontals = [x for x in horizontals if not any(_along(x, b) for b in boxed) and not _within(x, boxed)]
    verticals = [x for x in verticals if not any(_along(x, b) for b in boxed) and not _within(x, boxed)]
    without = straight.without(m, horizontals + verticals + boxed)
    rest = [x for x in horizontals if x not in comb]
    height, _ = _writing(straight.without(m, horizontals), False)
    # an open comb's line is paper even where it ends with the writing
    toothed = [(x, found) for x in rest if (found := forms.teeth(m, x, height, verticals))]
    teeth = [t for _, found in toothed for t in found]
    fields += [_above(x, found) for x, found in toothed]
    # a comb field may divide its places by short ticks up from its bottom line, not by sides: they were
    # read as 1s ("89103" -> "81911013")
    for bottom in bottoms:
        teeth += forms.teeth(m, bottom, height, verticals, closed=True)
    v_ok = _accept([x for x in verticals if not any(_overlaps(x, s) for s in sides + teeth)], m, without)
    # the ruling's writing is all but the paper's lines: an upright stroke not taken for a margin or a grid
    # is writing (an E's bars, measured against the specks left without its stem, were taken for ruling and
    # the stem was read as a 1)
    h_ok = comb + _accept(rest, m, straight.without(m, horizontals + v_ok + boxed + sides + teeth))
    for x, _ in toothed:
        if x not in h_ok:
            h_ok.append(x)
            comb.append(x)
    if sides or teeth or boxed:
        kinds.append("boxes")
    if [x for x in h_ok if x not in comb]:
        kinds.append("grid" if len(v_ok) >= 2 else "ruling")
    if v_ok and "grid" not in kinds:
        kinds.append("margin")
    return h_ok + v_ok + sides + boxed, teeth, kinds, fields


def _regions(sides: list[Line]) -> list[Region]:
    """The region each box encloses (``sides``: top, bottom, left, right of each in turn)."""
    return [(sides[i].lo, sides[i + 1].hi + 1, sides[i + 2].lo, sides[i + 3].hi + 1) for i in range(0, len(sides), 4)]


def _not_nested(sides: list[Line], regions: list[Region]) -> list[Line]:
    """The boxes (``sides``: top, bottom, left, right of each in turn) but those alone inside one of ``regions``
    or of another of them: a digit written bold and squarish in its place. A region holding two or more boxes
    is a frame around them, and they stay."""
    own = _regions(sides)

    def within(a: Region, x: Region) -> bool:
        return a != x and a[0] >= x[0] and a[1] <= x[1] and a[2] >= x[2] and a[3] <= x[3]

    kept = []
    for k, box in enumerate(own):
        alone = [
            x for x in [*regions, *own[:k], *own[k + 1 :]] if within(box, x) and sum(within(o, x) for o in own) == 1
        ]
        if not alone:
            kept += sides[4 * k : 4 * k + 4]
    return kept


#: Ink outside every place of a form (its boxes, comb fields, the space above an open comb) is printed (a caption,
#: a "/" between a date's boxes) or a speck, not the number written in them, when it is less tall than this share
#: of the writing in them: printed words above or beside the boxes merged with the first digit below them, or
#: were read as digits ("Code" over a 7: "787" read "not a number"). A digit in a box the search missed is as
#: tall as the others, and stays.
CAPTION_HEIGHT = 0.65
#: A mark standing in a gap between two places of one row is the form's (a "/" between a date's boxes, as tall as
#: the digits: set I's date forms read 0 of 27 with one) when the gap is narrower than this share of a place: a
#: place the search missed leaves a gap as wide as a place (set I's date forms 31 -> 46%, nothing else in sets D-G
#: changed but one form of F, now right).
SEPARATOR = 0.8
#: Above an open comb (a line with teeth and no top), the places reach this many pitches: a digit's part
#: written apart (a 5's bar) stands above the teeth.
COMB_REACH = 1.5


def _above(line: Line, teeth: list[Line]) -> Region:
    """The places an open comb (``line`` and its ``teeth``) gives the writing: above its line, COMB_REACH
    pitches high."""
    centres = np.sort([(x.lo + x.hi) / 2 for x in teeth])
    pitch = float(np.median(np.diff(centres))) if len(teeth) > 1 else float(line.length)
    tips = min(x.start for x in teeth)
    return max(0, round(tips - COMB_REACH * pitch)), line.hi + 1, line.start, line.stop


def _captions(rest: np.ndarray, places: list[Region], cut: np.ndarray) -> np.ndarray:
    """The pieces of ``rest`` (the mask after the paper's ``cut``) outside every one of a form's ``places`` and
    less tall than CAPTION_HEIGHT of the writing in them: the form's printed words and marks, and specks. A
    piece that touches the cut is writing that crossed a line (a 7's bar written above its box: "7214" read
    "1214"); print stands apart."""
    none = np.zeros(rest.shape, bool)
    if not places:
        return none
    labels, n, boxes = label(rest)
    if n == 0:
        return none
    t, lo, b, r = (boxes[:, i] for i in range(4))
    placed = np.zeros(n, bool)
    for top, bottom, left, right in places:
        placed |= (b > top) & (t < bottom) & (r > left) & (lo < right)
    areas = np.bincount(labels.ravel(), minlength=n + 1)[1:]
    inside = placed & (areas >= 0.05 * float(areas[placed].max(initial=0)))
    if not inside.any():
        return none
    writing = float(np.median((b - t)[inside]))
    near = morphology(cut.astype(np.float32), 3, np.maximum) > 0  # joined to it; print stands a few pixels off
    touching = np.zeros(n + 1, bool)
    touching[np.unique(labels[near & rest])] = True
    caption = ~placed & ((b - t) < CAPTION_HEIGHT * writing) & ~touching[1:]
    for i in np.flatnonzero(~placed & ~touching[1:] & ~caption):
        if _separates(places, (int(t[i]), int(b[i]), int(lo[i]), int(r[i]))):
            caption[i] = _slash(*np.nonzero(labels[t[i] : b[i], lo[i] : r[i]] == i + 1))  # within its box
    return np.concatenate([[False], caption])[labels]


def _separates(places: list[Region], piece: Region) -> bool:
    """Whether ``piece`` stands in a gap between two ``places`` of its row (its middle within both) narrower
    than SEPARATOR of a box (a place's height or width, whichever is less: a comb field's place is the whole
    field), and is no taller than they are."""
    top, bottom, left, right = piece
    middle = (top + bottom) / 2
    row = [x for x in places if x[0] <= middle < x[1]]
    before, after = [x for x in row if x[3] <= left], [x for x in row if right <= x[2]]
    if not before or not after:
        return False
    p, q = max(before, key=lambda x: x[3]), min(after, key=lambda x: x[2])
    box = min(p[3] - p[2], q[3] - q[2], p[1] - p[0], q[1] - q[0])
    return q[2] - p[3] < SEPARATOR * box and bottom - top <= max(p[1] - p[0], q[1] - q[0])


#: A printed "/" is one thin straight stroke (its ink's spread across its length under this share of the spread
#: along it; a 2 px "/" 42 px tall: 0.05) leaning right by at least this much (across / along: 10 degrees). A
#: digit written in the gap between two boxes is not (a helper wrote 120 in 14-36 px gaps: the gap test alone
#: removed 111 of them).
SLASH_THIN, SLASH_LEAN = 0.2, 0.18


def _slash(rows: np.ndarray, cols: np.ndarray) -> bool:
    """Whether the ink at (``rows``, ``cols``) is a printed "/": one thin straight stroke leaning right."""
    if len(rows) < 3:
        return False
    spread, axes = np.linalg.eigh(np.cov(np.stack([cols, rows]).astype(np.float64)))
    if spread[1] <= 0 or spread[0] > SLASH_THIN**2 * spread[1]:
        return False
    across, down = axes[:, 1]  # the stroke's direction; rows grow downwards, so "/" has across * down < 0
    return across * down < 0 and abs(across) >= SLASH_LEAN * abs(down)


def _lone_boxes(mask: np.ndarray, lines: list[Line]) -> list[Line]:
    """The sides of :func:`app.forms.boxes` that stand alone: no other line crosses inside (a grid's
    frame, a table) and none runs on past a corner (ruling)."""
    found = forms.boxes(mask)
    out: list[Line] = []
    for i in range(0, len(found), 4):
        box = found[i : i + 4]
        # a line inside is inked across the box; a row of boxes' sides at one height, or a 7's bar
        # between them, is found as a dotted "line" too (six boxes apart read "1917117119131161": each side a 1)
        inside = [x for x in lines if _crosses(mask, x, box)]
        # a box's sides end at its corners; ruling runs on (1s written across it close "boxes" with it).
        # The tops of boxes a few pixels apart are found as one line: it runs on only where it is inked
        # past the corner
        runs_on = [
            x
            for x in lines
            for side in box
            if _overlaps(x, side)
            and x.vertical == side.vertical
            and x.length > 1.5 * side.length
            and _runs_past(mask, x, side)
        ]
        if not inside and not runs_on:
            out += box
    return out


def _within(line: Line, boxed: list[Line]) -> bool:
    """Does ``line`` lie inside one of the boxes (``boxed``: top, bottom, left, right of each in turn)?"""
    along, across = (line.start, line.stop - 1), (line.lo, line.hi)
    rows, cols = (along, across) if line.vertical else (across, along)
    for i in range(0, len(boxed), 4):
        top, bottom, left, right = boxed[i : i + 4]
        if top.lo <= rows[0] and rows[1] <= bottom.hi and left.lo <= cols[0] and cols[1] <= right.hi:
            return True
    return False


#: A line inside a box crosses it (a grid's, a table's): inked along at least this share of the box's
#: inside (a crossed 7's bar spanned 84% of its box).
CROSS_INK = 0.95
#: A line runs on past a box's corner (ruling): inked along at least this share of a few line widths there.
PAST_INK = 0.8


def _crosses(mask: np.ndarray, line: Line, box: list[Line]) -> bool:
    """Does ``line`` run across the inside of ``box`` (top, bottom, left, right), inked all the way?"""
    top, bottom, left, right = box
    if line.vertical:
        between = left.hi < line.lo and line.hi < right.lo and line.length >= 0.8 * left.length
        return between and _inked(mask, line, top.hi + 1, bottom.lo) >= CROSS_INK
    between = top.hi < line.lo and line.hi < bottom.lo and line.length >= 0.8 * top.length
    return between and _inked(mask, line, left.hi + 1, right.lo) >= CROSS_INK


def _inked(mask: np.ndarray, line: Line, start: int, stop: int) -> float:
    """The share of places in [start, stop) along ``line`` where its band holds ink."""
    start, stop = max(start, 0), min(stop, mask.shape[0 if line.vertical else 1])
    if stop <= start:
        return 0.0
    band = mask[start:stop, line.lo : line.hi + 1] if line.vertical else mask[line.lo : line.hi + 1, start:stop]
    return float(band.any(axis=1 if line.vertical else 0).mean())


def _runs_past(mask: np.ndarray, line: Line, side: Line) -> bool:
    """Does ``line`` go on, inked, past either end of the box's ``side`` (by a few line widths)?"""
    reach = max(4, 3 * side.thickness)
    before = _inked(mask, line, side.start - reach, side.start) if line.start < side.start else 0.0
    after = _inked(mask, line, side.stop, side.stop + reach) if line.stop > side.stop else 0.0
    return max(before, after) >= PAST_INK


def _writing(mask: np.ndarray, vertical: bool) -> tuple[float, tuple[int, int] | None]:
    """How tall the writing is (a high percentile of its pieces' heights) and its extent along lines."""
    labels, n, boxes = label(mask)
    if n == 0:
        return 0.0, None
    heights = boxes[:, 2] - boxes[:, 0]
    areas = np.bincount(labels.ravel(), minlength=n + 1)[1:]
    real = areas >= min(float(areas.max()), max(4.0, 0.02 * float(areas.max())))
    lo, hi = (0, 2) if vertical else (1, 3)
    return float(np.percentile(heights[real], 75)), (int(boxes[real, lo].min()), int(boxes[real, hi].max()))


def _accept(lines: list[Line], mask: np.ndarray, without: np.ndarray) -> list[Line]:
    """The lines of ``mask`` that are the paper's (see the module's docstring); ``without``: the mask
    without the line candidates, which is the writing."""
    if not lines:
        return []
    across = mask.shape[1] if lines[0].vertical else mask.shape[0]
    height, extent = _writing(without, lines[0].vertical)
    if height <= 0:
        return []
    thin = max(5.0, THIN * height)
    candidates = [
        x for x in lines if x.length >= LONE_LINE * height and straight.thickness(mask, x, int(thin) + 1) <= thin
    ]
    at_edge = [x for x in candidates if x.lo < EDGE or x.hi > across - 1 - EDGE]
    long = [x for x in candidates if x not in at_edge]
    if len(long) == 1 and extent is not None:
        over = max(extent[0] - long[0].start, 0) + max(long[0].stop - extent[1], 0)
        if over < LINE_OVERHANG * height:
            long = []
    if long and extent is not None and all(_drawn_through(without, x, extent, height) for x in long):
        long = []
    if long:  # a ruled or squared page's lines run to its edges too: those as long as the others are its
        typical = float(np.median([x.length for x in long]))
        long += [x for x in at_edge if x.length >= 0.8 * typical]
    return long


#: Lines that end with the writing and that the writing crosses, each at least this many times, are strokes of
#: one drawing: a "#" (its uprights cut by the bars measured a third of its height, so the bars passed for ruling
#: and the uprights read "11"). Ruling runs on past the writing; a form field's lines are not written through.
CROSSINGS = 2


def _drawn_through(writing: np.ndarray, line: Line, extent: tuple[int, int], height: float) -> bool:
    """Does ``line`` end within LINE_OVERHANG of the writing's height past the writing's ends, and does the
    writing cross it (ink just before and just after its band, at the same place) CROSSINGS times or more?"""
    if line.start < extent[0] - LINE_OVERHANG * height or line.stop > extent[1] + LINE_OVERHANG * height:
        return False
    reach = max(2, line.thickness)
    grid = writing.T if line.vertical else writing
    before = grid[max(0, line.lo - reach) : line.lo, line.start : line.stop].any(axis=0)
    after = grid[line.hi + 1 : line.hi + 1 + reach, line.start : line.stop].any(axis=0)
    through = np.concatenate([[False], before & after, [False]]).astype(np.int8)
    return int((np.diff(through) == 1).sum()) >= CROSSINGS


def _cut(
    ink: np.ndarray, mask: np.ndarray, lines: list[Line], stronger: bool = True, paper: np.ndarray | None = None
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
        s, e = max(0, line.start), min(m.shape[1], line.stop)
        if e <= s:
            continue
        lo, hi = line.lo, line.hi
        for _ in range(GROW):  # a line found thinner than it is: rows of it broken where the rows found run on
            if lo > 0 and m[lo - 1, s:e].mean() >= 0.5:
                lo -= 1
            if hi < m.shape[0] - 1 and m[hi + 1, s:e].mean() >= 0.5:
                hi += 1
        lo, hi = max(0, lo - 1), min(m.shape[0], hi + 2)
        if hi <= lo:
            continue
        band_ink, band_mask = k[lo:hi, s:e], m[lo:hi, s:e]
        # the line's own ink (its median: a 2 px line scanned soft is half soft edge, so this is the edge's and
        # a box's side beside a touching digit can stay; the 75th percentile cost squared paper 4 validation scenes)
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


def _remnants(rest: np.ndarray, lines: list[Line]) -> np.ndarray:
    """The pieces of ``rest`` (the mask after the lines' cut) that lie wholly within a line's band, where
    together they run along at least REMNANT of its length: the line's own core or edge, left where the line
    was found thinner than it is or its soft edges let its core pass as writing "much stronger than the
    line" (a notebook's 6 px margin stayed, broken by the ruling, as a 1 beside the digits: "436" read
    "1436"; a 2 px box side's inner edge stayed as a 1 in each box: "7490" read "714119110"). Writing goes
    off the line, or covers less of it (a 4 written on the margin keeps its stem)."""
    labels, n, boxes = label(rest)
    if n == 0:
        return np.zeros(rest.shape, bool)
    t, left, b, r = (boxes[:, i] for i in range(4))
    core = np.zeros(n, bool)
    for line in lines:
        across = (left, r) if line.vertical else (t, b)
        along = (t, b) if line.vertical else (left, r)
        reach = max(3, line.thickness)  # a line found thinner than it is (its soft edges)
        inside = (
            (across[0] >= line.lo - reach)
            & (across[1] <= line.hi + 1 + reach)
            & (along[0] >= line.start - 2)
            & (along[1] <= line.stop + 2)
        )
        if (along[1] - along[0])[inside].sum() >= REMNANT * line.length:
            core |= inside
    if not core.any():
        return np.zeros(rest.shape, bool)
    return np.concatenate([[False], core])[labels]


def _along(a: Line, b: Line) -> bool:
    """Is line ``a`` (mostly) a stretch of ``b``: the same direction, place and extent?"""
    shared = min(a.stop, b.stop) - max(a.start, b.start)
    return a.vertical == b.vertical and _overlaps(a, b) and shared > 0.5 * a.length


def _overlaps(a: Line, b: Line) -> bool:
    return a.lo <= b.hi + 2 and b.lo <= a.hi + 2


def ink_variants(image: np.ndarray, side: int = WORKING_SIDE) -> tuple[list[tuple[np.ndarray, Structure]], bool]:
    """The ink maps a picture may be read from (grey, RGB or RGBA; at most ``side`` pixels a side), and its polarity.

    When the paper has structure (ruling, boxes, a grid: :func:`remove_structure`), two: the ink without
    it, and the ink as it is, for the reader to choose between by how well each reads (a straight stroke
    of the writing that looked like a line must not cost a digit). Dark regions that hug the picture's
    edge (the table beyond the paper, a shadow along a side, a scanner's margin) are not ink:
    :func:`app.preprocess.clear_border` removes them from both.
    """
    ink, dark_on_light = ink_map(smooth_cells(shrink_to(to_grey(image), side)))
    without, structure = remove_structure(ink)
    if structure:
        return [(clear_border(without), structure), (clear_border(ink), Structure())], dark_on_light
    return [(clear_border(ink), structure)], dark_on_light


def ink_from_image(image: np.ndarray, side: int = WORKING_SIDE) -> tuple[np.ndarray, bool]:
    """A picture as one ink map (the paper's structure removed, if it has any) and its polarity."""
    variants, dark_on_light = ink_variants(image, side)
    return variants[0][0], dark_on_light
