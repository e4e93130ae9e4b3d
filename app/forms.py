"""Printed forms on a straightened page: comb fields (rows of boxes sharing their sides, or one line with
short upright teeth), a box around each digit, and dot grids (numpy only; :mod:`app.paper` uses them)."""

from __future__ import annotations

import itertools

import numpy as np

from app.preprocess import label
from app.straight import Line, runs, thickness

#: A box's outline: its sides inked along at least this share of their length.
BOX_SIDE = 0.85
#: A box's lines are at most this thick for its size (a written 0's strokes are thicker).
BOX_LINE = 0.08
#: A box alone may have lines this thick (or BOX_LINE of its size)...
LONE_LINE = 4.0
#: ...and a box beside another of its size this thick, whatever its size: a 2 px line scanned soft spans 4-5 px of the
#: ink mask (at LINE_INK of the peak), so small boxes (~34 px) went unseen, their digits read as boxes
#: ("492" -> "000"); a 3 px line printed and scanned spans 6-7 (at 5, a helper's rows of six such boxes
#: were read side by side as 1s: "037677" -> "01311711611717"); a blown-up 8x8 scan's bars are 8 px and more.
#: A thick-pen 0 alone (at 6 px one on dotted paper was taken for a box: "880" -> "88") has no box beside it.
MIN_LINE = 7.0
#: A comb field's lines (two long lines closed at both ends, dividers between: no written 0 is one) may be
#: this thick: a 4 px line scanned soft (a helper's comb fields read "171813101" for "7830").
COMB_LINE = 6.0
#: A box's four sides are printed alike: their thicknesses differ by at most this many pixels.
SAME_LINE = 1
#: ...and meet at their corners: the square where two sides cross is at least this share ink.
CORNER_INK = 0.5
#: A side a digit is fused with may be measured by how far its ink runs across it in this percentile of its
#: columns (see _rectangle), when the box holds writing in its middle half and is this many times wider and
#: taller inside than its lines are thick (a printed box, 18 times in a helper's forms; a squarish written 0 with
#: a thick pen, standing in a comb, 3 times).
BAND = 10
ROOM = 6
#: Dots: at least this many small pieces of about one size (a dot grid).
MIN_DOTS = 12
#: A comb field's side (a divider within a box) is inked along at least this share of the space between its lines.
FULL_SIDE = 0.95
#: An open comb: at least this many teeth on one line, each at most TOOTH_LENGTH writing heights long,
#: of one length (within TOOTH_SAME) and spaced on one pitch (within TOOTH_PITCH of it, places may be
#: skipped where a digit hides a tooth). A digit standing on the line is as tall as the writing.
MIN_TEETH = 3
TOOTH_LENGTH = 0.8
TOOTH_SAME = 0.3
TOOTH_PITCH = 0.2
#: An open comb's ends, where its line ends one place beyond its first and last tooth, may stand this many
#: times taller than its teeth.
END_TOOTH = 2.5


def comb(mask: np.ndarray, horizontals: list[Line]) -> tuple[list[Line], list[Line]]:
    """Rows of boxes sharing their sides: two thin lines of one extent, closed at both ends by sides from one
    to the other, with dividers between. Returns (their lines, their sides). Ruling, whose lines run on past
    any stroke that joins two of them, never closes at both ends."""
    lines, sides = [], []
    for top, bottom in _pairs(sorted(horizontals, key=lambda x: x.lo)):
        reach = 4 + max(top.thickness, bottom.thickness)
        y0, y1 = top.hi + 1, bottom.lo  # the space between the two lines
        if y1 - y0 < 6:
            continue
        printed = max(COMB_LINE, BOX_LINE * (bottom.hi - top.lo))  # a blown-up scan's thick bars are no form's
        if max(thickness(mask, x, int(printed) + 1) for x in (top, bottom)) > printed:
            continue
        lo, hi = max(0, min(top.start, bottom.start) - reach), min(mask.shape[1], max(top.stop, bottom.stop) + reach)
        full = _full_columns(mask[y0:y1, lo:hi])
        thin = 2 * max(top.thickness, bottom.thickness) + 2
        found = [Line(True, lo + a, lo + b - 1, top.lo, bottom.hi + 1) for a, b in runs(full, 0) if b - a <= thin]
        found = _printed(found)
        if len(found) >= 2 and found[0].lo - lo <= 2 * reach and hi - 1 - found[-1].hi <= 2 * reach:
            lines += [top, bottom]
            sides += found
    return lines, sides


#: A fence: at least this many upright lines of one length (within FENCE_SAME of it) standing on one line, tops
#: level (within FENCE_LEVEL px), at a regular pitch (within TOOTH_PITCH): an open comb whose teeth are as tall as
#: the writing. Its digits touch the teeth, which no tooth of :func:`teeth` may do (a helper's forms: "00014" and
#: "909643" were "not a number").
MIN_FENCE = 3
FENCE_SAME = 0.15
FENCE_LEVEL = 4
#: ...printed: each post within this share of the pitch of its place (digits' strokes that line up by chance
#: stray 0.14-0.15 of it, a helper's combs' printed posts under 0.05)
FENCE_PITCH = 0.08
#: ...and its places at most this many times as wide as its posts are tall.
FENCE_PLACE = 1.6
#: The line the uprights stand on is inked along this share of the fence (digits written across it hide it
#: from :func:`app.straight.find_lines` in places).
FENCE_BASE = 0.8


def fence(mask: np.ndarray, verticals: list[Line]) -> tuple[list[Line], tuple[int, int, int, int] | None]:
    """An open comb whose teeth are tall: its uprights and the line they stand on (as lines), and the region
    of its places (top, bottom, left, right); or ([], None)."""
    ups = sorted(verticals, key=lambda x: x.lo)
    alike, pitch = _level(ups)
    posted = not alike
    if posted:  # digits' strokes among the uprights: the posts alone, of an open comb only (below)
        alike, pitch = _posts(ups)
    if len(alike) < MIN_FENCE:
        return [], None
    top = int(np.median([x.start for x in alike]))
    bottom = int(np.median([x.stop for x in alike]))
    x0, x1 = alike[0].lo, alike[-1].hi + 1
    thick = max(x.thickness for x in alike)
    # a line along the posts' tops closes them into boxes, which the boxes' rules read (a date's boxes in groups)
    if posted and mask[max(0, top - 2 - thick) : top + thick + 2, x0:x1].any(axis=0).mean() >= FENCE_BASE:
        return [], None
    y0 = max(0, bottom - 2 - thick)
    rows = mask[y0 : bottom + 3, x0:x1]
    if rows.size == 0 or rows.any(axis=0).mean() < FENCE_BASE:
        return [], None
    share = rows.mean(axis=1)  # the line's rows: the most inked along the fence, and those near as inked
    full = np.flatnonzero(share >= 0.5 * share.max())
    base = Line(False, y0 + int(full[0]), y0 + int(full[-1]), x0, x1)
    # a comb's line ends within a place of its outer uprights; ruling runs on (1s standing on it: "7111")
    near, far = round(1.2 * pitch), round(1.6 * pitch)
    band = mask[base.lo : base.hi + 1]
    if any(
        band[:, a:b].any(axis=0).mean() >= FENCE_BASE
        for a, b in ((max(0, x0 - far), max(0, x0 - near)), (x1 + near, min(band.shape[1], x1 + far)))
        if b > a
    ):
        return [], None
    # and its places hold writing: the uprights of a number of 1s have nothing between them
    inner = mask[top + 2 : base.lo - 1]
    places = [inner[:, a.hi + 2 : b.lo - 1] for a, b in itertools.pairwise(alike)]
    if sum(p.size > 0 and p.mean() >= 0.02 for p in places) < 0.5 * len(places):
        return [], None
    return [*alike, base], (top, base.hi + 1, x0, x1)


def _level(ups: list[Line]) -> tuple[list[Line], float]:
    """Every upright of about the median length, level: when they are one pen's, thin, on one pitch, a fence's
    posts and their pitch; else ([], 0). (A row of boxes as tall as the writing is found so too.)"""
    if len(ups) < MIN_FENCE:
        return [], 0.0
    length = float(np.median([x.length for x in ups]))
    bottom = int(np.median([x.stop for x in ups]))
    top = int(np.median([x.start for x in ups]))
    alike = [
        x
        for x in ups
        if abs(x.length - length) <= FENCE_SAME * length
        and abs(x.stop - bottom) <= FENCE_LEVEL
        and abs(x.start - top) <= FENCE_LEVEL
    ]
    if len(alike) < MIN_FENCE:
        return [], 0.0
    # printed with one pen, thin for their length: touching digits' upright strokes differ (4, 6 and 8 px)
    widths = [x.thickness for x in alike]
    if max(widths) - min(widths) > SAME_LINE + 1 or max(widths) > min(COMB_LINE, BOX_LINE * length):
        return [], 0.0
    centres = np.array([(x.lo + x.hi) / 2 for x in alike])
    gaps = np.diff(centres)
    pitch = float(np.median(gaps))
    steps = gaps / max(pitch, 1e-9)
    if pitch < 0.3 * length or np.abs(steps - np.rint(steps)).max() > TOOTH_PITCH or np.rint(steps).min() < 1:
        return [], 0.0
    return alike, pitch


def _posts(ups: list[Line]) -> tuple[list[Line], float]:
    """The uprights of a fence among ``ups`` (left to right) and their pitch: the largest set of one length,
    level, printed with one pen, thin for their length, at one regular pitch, none missing between. Digits'
    upright strokes as long (a 1, an 8's side, a 7's stem) stand between or off the pitch: taken with the posts
    (:func:`_level`) they broke the pitch and the pen, and no fence was found (a helper's open combs, set I:
    50.0% read right)."""
    centres = [(x.lo + x.hi) / 2 for x in ups]
    best: list[Line] = []
    step = 0.0
    # each pair of uprights as neighbours on the pitch: a place between two posts holds a digit, whose upright
    # strokes are at most three (O(n) pairs: on a graph paper's 60 uprights every pair took 125 ms)
    pairs = ((i, j) for i in range(len(ups)) for j in range(i + 1, min(len(ups), i + 5)))
    for i, j in pairs:
        a, b = ups[i], ups[j]
        pitch = centres[j] - centres[i]
        length = (a.length + b.length) / 2
        # a place holds a digit about as wide as the posts are tall (a helper's combs: 0.85-1.25 of it): posts at
        # three places apart, the others unseen, are no fence of their own
        if not 0.3 * length <= pitch <= FENCE_PLACE * length or not _one_post(a, b, length):
            continue
        pen = min(a.thickness, b.thickness)
        on = [
            k
            for k, x in enumerate(ups)
            if _one_post(a, x, length)
            and x.thickness - pen <= SAME_LINE + 1
            and abs((q := (centres[k] - centres[i]) / pitch) - round(q)) <= FENCE_PITCH
        ]
        slot = {k: round((centres[k] - centres[i]) / pitch) for k in on}
        taken = set(slot.values())
        if len(taken) < len(on):  # two uprights in one place: a digit's stroke and a post
            continue
        # the posts in a row from the pair's, none missing: with posts unseen (broken by a gap), every other one
        # at twice the pitch was taken for the fence and the rest read as 1s (a helper's review: 11 of 12 such
        # combs read as wrong numbers)
        lo, hi = 0, 1
        while lo - 1 in taken:
            lo -= 1
        while hi + 1 in taken:
            hi += 1
        on = [k for k in on if lo <= slot[k] <= hi]
        if len(on) < MIN_FENCE:
            continue
        # one pen, a printed line's: BOX_LINE of their length, or 3 px on short posts (36 px tall in a helper's
        # combs); touching digits' strokes at one pitch by chance were 3, 5 and 5 px on 26
        widths = [ups[k].thickness for k in on]
        thin = (
            abs(a.thickness - b.thickness) <= SAME_LINE + 1
            and max(widths) <= COMB_LINE
            and float(np.median(widths)) <= max(3.0, BOX_LINE * length)
        )
        if thin and (len(on) > len(best) or (len(on) == len(best) and pitch < step)):  # the finer of two alike
            best, step = [ups[k] for k in on], pitch
    return best, step


def _one_post(a: Line, b: Line, length: float) -> bool:
    """Do ``a`` and ``b`` stand alike: of one length (FENCE_SAME of ``length``), tops and feet level?"""
    return (
        abs(b.length - length) <= FENCE_SAME * length
        and abs(b.stop - a.stop) <= FENCE_LEVEL
        and abs(b.start - a.start) <= FENCE_LEVEL
    )


def _pairs(horizontals: list[Line]) -> list[tuple[Line, Line]]:
    """Each line (top to bottom) with the next one below of its extent: a stroke between a comb field's two
    lines (a 7's long bar) is found as a line too, and paired with its neighbours the field was never seen
    ("77202" read "7726121", each side a 1)."""
    pairs = []
    for i, top in enumerate(horizontals):
        reach = 4 + top.thickness
        for bottom in horizontals[i + 1 :]:
            near = 4 + max(top.thickness, bottom.thickness)
            if abs(top.start - bottom.start) <= near and abs(top.stop - bottom.stop) <= near:
                pairs.append((top, bottom))
                break
            if bottom.length > 0.8 * top.length and bottom.lo > top.hi + reach:
                break  # a line as long between: the next row of boxes, or ruling, not a stroke
    return pairs


def teeth(mask: np.ndarray, line: Line, height: float, verticals: list[Line], closed: bool = False) -> list[Line]:
    """The teeth of an open comb on a horizontal ``line``: short upright strokes as thin as the line,
    standing on it alone, ending in the air, of one length, at a regular pitch (:data:`MIN_TEETH`; or,
    ``closed``, the bottom line of a comb field closed at both ends, two that divide it into equal places).
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
    upright = [(a, b) for a, b in runs((length >= least) & ~grid, 0) if b - a <= line.thickness + 2]
    groups = [(a, b, n) for a, b in upright if (n := _free_standing(rows, length[a:b], s + a, s + b, height))]
    pitch = _closed_pitch(groups, e - s, height) if closed else _pitch(groups, height)
    if pitch is None:
        return []
    start, stop, typical, step = pitch
    # every upright stroke on the pitch, within the comb and no longer than a tooth, is one, also one a
    # digit touches (its stroke stays: _cut). The comb's ends, one place beyond its first and last tooth,
    # may stand taller (a helper's open combs: their end ticks were read as 1s, "15914" -> "1159141"); a
    # digit written in a place stands half a pitch off it
    teeth = []
    for a, b in upright:
        centre, run = (a + b - 1) / 2, float(np.median(length[a:b]))
        f = (centre - start) / step % 1
        inside = start - step / 2 <= centre <= stop + step / 2
        ends = (start - step, stop + step)
        end = any(
            abs(centre - x) <= TOOTH_PITCH * step and abs(centre - y) <= 2 + line.thickness
            for x, y in zip(ends, (0, e - s - 1), strict=True)
        )  # on the pitch, where the line ends
        short = run <= (1 + TOOTH_SAME) * typical
        if min(f, 1 - f) <= TOOTH_PITCH and ((inside and short) or (end and run <= END_TOOTH * typical)):
            teeth.append((a, b, run))
    if not teeth:
        return []
    extent = round(max(run for _, _, run in teeth)) + 1
    return [Line(True, s + a, s + b - 1, max(0, line.lo - 1 - extent), line.lo) for a, b, _ in teeth]


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


def _closed_pitch(
    groups: list[tuple[int, int, int]], length: int, height: float
) -> tuple[float, float, float, float] | None:
    """Two or more teeth ``(a, b, length)`` of one length that divide a closed comb's line, ``length`` long,
    into equal places (the fewest that put every tooth on a division): as :func:`_pitch`, or None. Its ends
    give the pitch where a digit hides every other tooth."""
    alike = _alike_teeth(groups, height, 2)
    if alike is None:
        return None
    typical, centres = alike
    for places in range(3, 16):
        step = (length - 1) / places
        if step < 0.5 * height:
            break
        at = centres / step
        if np.abs(at - np.rint(at)).max() <= TOOTH_PITCH and np.rint(at).min() >= 1 and np.rint(at).max() < places:
            return step, (places - 1) * step, typical, step
    return None


def _alike_teeth(groups: list[tuple[int, int, int]], height: float, least: int) -> tuple[float, np.ndarray] | None:
    """The teeth ``(a, b, length)`` of the typical length, no longer than a tooth: (that length, their
    centres), or None when fewer than ``least`` are alike."""
    if len(groups) < least:
        return None
    typical = float(np.median([g[2] for g in groups]))
    if typical > TOOTH_LENGTH * height:
        return None
    kept = [(a, b) for a, b, size in groups if abs(size - typical) <= TOOTH_SAME * typical]
    if len(kept) < least:
        return None
    return typical, np.array([(a + b - 1) / 2 for a, b in kept])


def _pitch(groups: list[tuple[int, int, int]], height: float) -> tuple[float, float, float, float] | None:
    """Teeth ``(a, b, length)`` of one length on a regular pitch: (first centre, last centre, typical
    length, pitch), or None when they are not a comb's."""
    alike = _alike_teeth(groups, height, MIN_TEETH)
    if alike is None:
        return None
    typical, centres = alike
    # the pitch from the closest pair, refined over all (a median of two gaps, one and two places, was neither)
    gaps = np.diff(centres)
    pitch = float(gaps.sum() / max(np.rint(gaps / max(float(gaps.min()), 1e-9)).sum(), 1.0))
    steps = gaps / max(pitch, 1e-9)
    if pitch < 0.5 * height or np.abs(steps - np.rint(steps)).max() > TOOTH_PITCH or np.rint(steps).min() < 1:
        return None
    return float(centres[0]), float(centres[-1]), typical, pitch


def boxes(mask: np.ndarray) -> list[Line]:
    """The sides of rectangles drawn around digits (each piece's longest straight runs, near its four edges).

    A box frames writing: an empty rectangle is a box only beside one that holds writing and is of
    about its size (a form's unused place). Alone, it is writing: a 0 scanned at 8x8 and blown up
    is a rectangle's outline too, and was cut away as a box (13 of 1,797 such scans)."""
    labels, n, boxes = label(mask)
    framed: list[list[Line]] = []
    empty: list[list[Line]] = []
    for i in range(n):
        t, left, b, r = (int(v) for v in boxes[i])
        if b - t < 10 or r - left < 10:
            continue
        sub = labels[t:b, left:r] == i + 1
        rect = _rectangle(sub)
        if rect is not None:
            sides = [
                Line(
                    v, lo + (left if v else t), hi + (left if v else t), s + (t if v else left), e + (t if v else left)
                )
                for v, lo, hi, s, e in rect
            ]
            (framed if _holds_writing(mask, sides) else empty).append(sides)
    # lines thicker than a lone box's are a form's only beside another box of its size: alone, a 0 written
    # squarish with an even pen passes every other rule (a slashed 0 alone read "1")
    found = framed + empty

    def printed(x: list[Line]) -> bool:
        return _thin(x) or any(_alike(x, o) for o in found if o is not x)

    framed, empty = [x for x in framed if printed(x)], [x for x in empty if printed(x)]
    # a 0 written in a box is an empty rectangle of about a box's size too: never one inside another
    framed += [x for x in empty if any(_alike(x, f) for f in framed) and not any(_inside(x, f) for f in framed)]
    return [side for sides in framed for side in sides]


def dividers(mask: np.ndarray, sides: list[Line]) -> list[Line]:
    """Thin upright lines from top to bottom inside boxes (``sides``: top, bottom, left, right of each in turn)
    that divide a box into places: a date's "DD" box halved by a faint line kept it, read as a 1 ("110302" read
    "11103012"). A written 1 stands clear of a box's top or bottom, or is thicker than its lines."""
    out = []
    for i in range(0, len(sides), 4):
        top, bottom, left, right = sides[i : i + 4]
        y0, y1, x0, x1 = top.hi + 1, bottom.lo, left.hi + 1, right.lo
        if y1 - y0 < 6 or x1 - x0 < 6:
            continue
        full = _full_columns(mask[y0:y1, x0:x1])
        thin = max(left.thickness, right.thickness) + SAME_LINE
        out += [Line(True, x0 + a, x0 + b - 1, top.lo, bottom.hi + 1) for a, b in runs(full, 0) if b - a <= thin]
    return out


def _full_columns(block: np.ndarray) -> np.ndarray:
    """The columns of ``block`` inked along FULL_SIDE of its rows, alone or, away from any column full alone, two
    neighbours together: a 1 px side a fraction of a degree off the straightened page's columns inks now one
    column, now the next (:data:`app.straight.STRADDLE`; a photographed form's three boxes, each column of
    their sides inked along 62-87% of it: the sides were read as 1s, "451" read "65111")."""
    full = block.mean(axis=0) >= FULL_SIDE
    if block.shape[1] > 1:
        near = full.copy()  # a full column and its neighbours: a pair there would widen a side found alone
        near[1:] |= full[:-1]
        near[:-1] |= full[1:]
        pair = ((block[:, :-1] | block[:, 1:]).mean(axis=0) >= FULL_SIDE) & ~near[:-1] & ~near[1:]
        full[:-1] |= pair
        full[1:] |= pair
    return full


def _printed(sides: list[Line]) -> list[Line]:
    """A comb field's sides without the strokes written from its top line to its bottom one: printed sides are
    alike, so one more than SAME_LINE px thicker than the field's usual side is writing (a 1 filling its
    place, 3 px among 1 px sides, was cut away as a side: "41456" read "4456")."""
    if len(sides) < 3:
        return sides
    usual = float(np.median([x.thickness for x in sides]))
    return [x for x in sides if x.thickness <= usual + SAME_LINE]


def _thin(sides: list[Line]) -> bool:
    """Are a box's lines within what a box alone may have (LONE_LINE, or BOX_LINE of its size)?"""
    thickest = max(x.thickness for x in sides)
    return thickest <= max(LONE_LINE, BOX_LINE * min(sides[0].length, sides[2].length))


def _holds_writing(mask: np.ndarray, sides: list[Line]) -> bool:
    """Is there ink inside a box (``sides``: top, bottom, left, right), clear of its outline?"""
    top, bottom, left, right = sides
    inside = mask[top.hi + 2 : bottom.lo - 1, left.hi + 2 : right.lo - 1]
    return inside.size > 0 and float(inside.mean()) >= 0.01


def _inside(a: list[Line], b: list[Line]) -> bool:
    """Is box ``a`` (top, bottom, left, right) within box ``b``?"""
    return a[0].lo >= b[0].lo and a[1].hi <= b[1].hi and a[2].lo >= b[2].lo and a[3].hi <= b[3].hi


def _alike(a: list[Line], b: list[Line]) -> bool:
    """Two boxes of about one size (within a quarter)."""
    return all(abs(x.length - y.length) <= 0.25 * max(x.length, y.length) for x, y in zip(a[::2], b[::2], strict=True))


def _rectangle(sub: np.ndarray) -> list[tuple[bool, int, int, int, int]] | None:
    """A rectangle's four sides in one piece's mask, as (vertical, lo, hi, start, stop), or None."""
    outline = _outline(sub)
    if outline is None:
        return None
    top, bottom, left, right, rows, cols = outline
    sides = _sides(sub, top, bottom, left, right, rows, cols, False)
    if sides is None and (banded := _sides(sub, top, bottom, left, right, rows, cols, True)) is not None:
        # measured in most of its columns, a side a digit is fused with along much of it is thin again (a 7's bar
        # along a box's top over 85% of it: 8 px where the others were 3; its sides read as 1s, "799" read
        # "171919"); taken so only around writing through its middle, as a squarish written 0 measured so is a
        # thin printed square too (a comb's "15190" read "1519")
        (t0, t1), (b0, _), (l0, l1), (r0, _) = banded
        dy, dx = (b0 - t1) // 4, (r0 - l1) // 4
        middle = sub[t1 + dy : b0 - dy, l1 + dx : r0 - dx]
        roomy = min(b0 - t1, r0 - l1) > ROOM * max(t1 - t0 + 1, l1 - l0 + 1)
        sides = banded if roomy and middle.size > 0 and middle.any() else None
    if sides is None:
        return None
    (t0, t1), (b0, b1), (l0, l1), (r0, r1) = sides
    # each side spans the others' full thickness: the corners' outer squares are the box's too (a side
    # from the middle of the other's thickness left a dot at a corner of every small scanned box)
    return [
        (False, t0, t1, l0, r1 + 1),
        (False, b0, b1, l0, r1 + 1),
        (True, l0, l1, t0, b1 + 1),
        (True, r0, r1, t0, b1 + 1),
    ]


def _sides(
    sub: np.ndarray, top: int, bottom: int, left: int, right: int, rows: np.ndarray, cols: np.ndarray, banded: bool
) -> list[tuple[int, int]] | None:
    """The rows (columns) of a rectangle's top, bottom, left and right sides, when printed alike and meeting at
    square corners; or None. Each side's thickness is where its longest runs reach 0.6 of its own, or
    (``banded``) how far its ink runs across it in all but BAND percent of its columns (see _band)."""
    t = _thick(rows, top, 0.6 * rows[top]), _thick(rows, bottom, 0.6 * rows[bottom])
    v = _thick(cols, left, 0.6 * cols[left]), _thick(cols, right, 0.6 * cols[right])
    if banded:
        inside_x, inside_y = (v[0][1], v[1][0]), (t[0][1], t[1][0])
        t = _band(sub, top, left, right, *inside_x), _band(sub, bottom, left, right, *inside_x)
        v = _band(sub.T, left, top, bottom, *inside_y), _band(sub.T, right, top, bottom, *inside_y)
    (t0, t1), (b0, b1), (l0, l1), (r0, r1) = *t, *v
    thickness = [t1 - t0 + 1, b1 - b0 + 1, l1 - l0 + 1, r1 - r0 + 1]
    if max(thickness) > max(MIN_LINE, BOX_LINE * min(right - left + 1, bottom - top + 1)):
        return None
    # printed with one pen: a squarish written 0 is thicker at its top than at its foot (5 px and 3)
    if max(thickness) - min(thickness) > SAME_LINE:
        return None
    # where two printed sides meet they overlap; a round 0's thick strokes leave the corner open
    meet = [sub[a : b + 1, c : d + 1].mean() for a, b in ((t0, t1), (b0, b1)) for c, d in ((l0, l1), (r0, r1))]
    if min(meet) < CORNER_INK:
        return None
    return [(t0, t1), (b0, b1), (l0, l1), (r0, r1)]


def _outline(sub: np.ndarray) -> tuple[int, int, int, int, np.ndarray, np.ndarray] | None:
    """A rectangle's outline in one piece's mask: its top, bottom, left and right rows and columns (the
    longest straight runs near its four edges, inked along their length, meeting at square corners)
    and every row's and column's longest run; or None."""
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
    return top, bottom, left, right, rows, cols


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


def _band(sub: np.ndarray, at: int, start: int, stop: int, inner_start: int, inner_stop: int) -> tuple[int, int]:
    """The rows of a side along row ``at`` from column ``start`` to ``stop``: how far its ink runs up and down
    from ``at`` in all but a few of its columns (BAND, between the other two sides ``inner_start`` ..
    ``inner_stop``), so that a digit touching the side along most of it does not thicken it."""
    cols = np.arange(max(start, inner_start + 1), min(stop, inner_stop - 1) + 1)
    if cols.size < 4:
        cols = np.arange(start, stop + 1)
    column = sub[:, cols]
    on = column[at]
    up = np.argmin(column[at::-1], axis=0)  # ink rows above ``at`` in a run with it (0 if none)
    up = np.where(column[at::-1].all(axis=0), at + 1, up) - 1
    down = np.argmin(column[at:], axis=0)
    down = np.where(column[at:].all(axis=0), column.shape[0] - at, down) - 1
    if on.any():
        up, down = up[on], down[on]
    return at - int(np.percentile(up, BAND, method="lower")), at + int(np.percentile(down, BAND, method="lower"))


def _thick(profile: np.ndarray, at: int, need: float) -> tuple[int, int]:
    """The rows (columns) around ``at`` whose ``profile`` reaches ``need``: a printed line's thickness."""
    lo = hi = at
    while lo > 0 and profile[lo - 1] >= need:
        lo -= 1
    while hi < len(profile) - 1 and profile[hi + 1] >= need:
        hi += 1
    return lo, hi


def dots(mask: np.ndarray, height: float) -> np.ndarray:
    """Pixels of a dot grid: many small pieces of about one size, each far smaller than the writing."""
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
