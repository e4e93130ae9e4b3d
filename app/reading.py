"""What a reading says: each piece read, the answer (a digit, a number read left to right, or "not a
digit" / "not a number"), the pieces set aside, and the rule that decides between them. No Qt, no model.

:func:`decide` takes the pieces of the best segmentation (:mod:`app.reader`) and keeps what counts:
marks too small to be digits and non-digits clearly apart from the number are set aside, anything else
that is not a digit makes the whole answer a refusal.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

#: A piece that is not a digit is left out of a number when it is at least this many digit
#: heights away from every digit ("clearly separable"); otherwise the answer is "not a number".
APART = 1.0
#: A piece that is not a digit, less tall than this share of the digits and wholly to one side of them, is
#: left out of the number however close (a form's caption, an underline). At 0.5, printed captions half as
#: tall as the writing ("Amount:" beside a comb field) left whole forms "not a number": a helper's forms
#: (set G) 48.3% -> 52.5% and set F's 68.3% -> 70.0% at 0.65, and no digit dropped on ~2,000 pictures of
#: touching, tight, plain, mixed and non-digit kinds of four independent sets (all unchanged).
CAPTION = 0.65
#: A piece whose height and width are both under this share of the tallest digit's height may be
#: a mark beside the digits (a scanner's speck, a stray dot, a comma) rather than one of them. It
#: is set aside, wherever it is, unless it is a clean digit: accepted by the gate and read at
#: least MARK_SURE (a "10" whose 0 is half the 1's height keeps its 0); under MARK_TINY of the
#: height it is a dot whatever the model says. (The tallest piece the model accepts as a digit:
#: a big rejected blot beside a number must not make its digits look like marks.)
MARK = 0.5
MARK_TINY = 0.25
MARK_SURE = 0.9
#: A word printed small at either end of a number (a form's caption, "Ref. No." or "Account" left of its
#: boxes): a run of pieces at one end, each under CAPTION of the digits' height, at least this many of them no
#: clean digit (letters the gate turns away, marks; a comma before cents written small is only one). The whole
#: run is set aside, the word's "o" read "0" or its "t" read "1" with it (a helper's forms, set G: 78.3% ->
#: 82.5%; captions on forms, set I: +2; no picture of five independent sets, ~5,600 of every kind, read worse).
WORD_RUN = 2

#: A number is one line of writing: two of its digits of about one height (within CAPTION) may stand one wholly
#: above the other only on a line rising less steeply than this (the vertical over the horizontal distance between
#: their centres; 0.84 is 40 degrees, a line tilted 35 degrees still reads). A "%" drawn with a pen read "010" at
#: 100%: its rings, one up and one down 43-45 degrees apart, beside its stroke (independent sets: 3 such).
STEEP = 0.84

#: An upright stroke with a dot standing apart under it (or over it), in line with it, is a "!", not a 1: the
#: dot joins the stroke's piece (stacked with it) and the classifier read "!" as "1" at 100% (independent sets:
#: 4 of 5 drawn "!"; the fifth's dot is too close to stand apart, and an "i"'s dot is taken off before, as a
#: letter over a digit: app.reader.unstack). Seen in the 28x28 input the model reads: two parts, DOT_GAP or
#: more empty rows apart, the dot at most DOT of the stroke's height and about the pen's width, the stroke at
#: most UPRIGHT as wide as tall. Of MNIST's 70,000 digits 1 has that shape (a 1 with a speck under it).
DOT_GAP = 2
DOT = 0.25
UPRIGHT = 0.4
#: Ink in the 28x28 input, for the shape above (the framed digit's ink is 0..1).
DOT_INK = 0.3

NOT_A_DIGIT = "not a digit"
NOT_A_NUMBER = "not a number"


@dataclass(frozen=True)
class DigitReading:
    """One piece of ink and what the model made of it."""

    label: str  # the closest digit (even when the piece is not a digit)
    confidence: float  # its probability
    probs: np.ndarray  # (10,)
    box: tuple[int, int, int, int]  # top, left, bottom, right in the source's pixels
    image: np.ndarray  # the 28x28 input the model saw
    not_digit: float | None = None  # the model's score, when it has one
    rejected: bool = False
    touching: bool = False  # read whole with its neighbours, as digits that touch (the string model, app.strings)
    #: the digits the string model reads in this digit's piece, read whole, when more than the answer takes from it:
    #: the piece may hold a digit the answer leaves out ("" when it does not)
    more: str = ""

    @property
    def height(self) -> int:
        return self.box[2] - self.box[0]

    @property
    def width(self) -> int:
        return self.box[3] - self.box[1]

    @property
    def digit(self) -> int | None:
        return None if self.rejected else int(np.argmax(self.probs))

    def top(self, k: int = 3) -> list[tuple[int, float]]:
        order = np.argsort(-self.probs, kind="stable")[:k]
        return [(int(d), float(self.probs[d])) for d in order]


@dataclass(frozen=True)
class Reading:
    """The answer for a whole drawing or picture."""

    pieces: tuple[DigitReading, ...]  # what counts, left to right
    rejected: str | None = None  # None, NOT_A_DIGIT or NOT_A_NUMBER
    ignored: tuple[DigitReading, ...] = ()  # set aside, left to right: non-digits apart from the number, marks
    dark_on_light: bool = True
    shape: tuple[int, int] = (0, 0)  # the source's size in pixels (height, width)
    labels: Sequence[str] = field(default_factory=lambda: [str(d) for d in range(10)])
    #: the paper's structure taken out before reading ("ruling", "boxes", ...), and its pixels (ink map's size)
    removed: tuple[str, ...] = ()
    removed_mask: np.ndarray | None = field(default=None, repr=False, compare=False)
    #: how well the answer's pieces read: the mean of their log scores (probability and digit-likeness)
    fit: float = 0.0

    @property
    def number(self) -> str | None:
        """The digits left to right (a string: leading zeros stay), or None when rejected."""
        if self.rejected:
            return None
        return "".join(self.labels[p.digit] for p in self.pieces)

    def is_set_aside(self, piece: DigitReading) -> bool:
        """Is ``piece`` not part of the answer (a non-digit, or a mark too small to be a digit)?"""
        return piece.rejected or _among(piece, self.ignored)

    @property
    def single(self) -> DigitReading | None:
        """The one piece, when there is exactly one."""
        return self.pieces[0] if len(self.pieces) == 1 else None

    @property
    def text(self) -> str:
        """The answer in words a person reads: "4071", "7", "not a digit", "not a number"."""
        return self.rejected or self.number or ""


def decide(
    pieces: list[DigitReading],
    dark_on_light: bool,
    shape: tuple[int, int],
    scale: float,
    labels: Sequence[str],
) -> Reading:
    source = (round(shape[0] * scale), round(shape[1] * scale))
    common = {"dark_on_light": dark_on_light, "shape": source, "labels": labels}
    pieces = [replace(p, rejected=True) if not p.rejected and _dotted(p) else p for p in pieces]
    accepted = [p for p in pieces if not p.rejected] or pieces
    tallest = max((p.height for p in accepted), default=0)
    marks = [p for p in pieces if _is_mark(p, tallest)]
    marks += [w for w in _words(pieces, marks, tallest) if not _among(w, marks)]
    if marks:
        pieces = [p for p in pieces if not _among(p, marks)]
    bad = [p for p in pieces if p.rejected]
    if not bad:
        verdict = NOT_A_NUMBER if _off_line(pieces) else None
        return Reading(tuple(pieces), verdict, ignored=_left_to_right(marks), **common)
    good = [p for p in pieces if not p.rejected]
    if not good:
        verdict = NOT_A_DIGIT if len(pieces) == 1 else NOT_A_NUMBER
        return Reading(tuple(pieces), verdict, _left_to_right(marks), **common)
    height = float(np.median([p.height for p in good]))
    if all(_apart(b, good, APART * height) or _caption(b, good, height) for b in bad):
        return Reading(tuple(good), None, _left_to_right([*bad, *marks]), **common)
    return Reading(tuple(pieces), NOT_A_NUMBER, _left_to_right(marks), **common)


def _words(pieces: list[DigitReading], marks: list[DigitReading], tallest: float) -> list[DigitReading]:
    """The pieces of a word printed small at either end of the number (see :data:`WORD_RUN`)."""
    order = sorted(pieces, key=lambda q: (q.box[1] + q.box[3]) / 2)
    tall = [q.height for q in order if not q.rejected and q.height >= CAPTION * tallest]
    if len(order) <= WORD_RUN or not tall or tallest < CAPTION * max(q.height for q in order):
        return []  # no line of digits stands out: a rejected piece outgrows them (a rule's remains, a blot)
    height = float(np.median(tall))  # the digits' height, as the captions' rule measures it
    words: list[DigitReading] = []
    for end in (order, order[::-1]):
        run = list(itertools.takewhile(lambda q: q.height < CAPTION * height, end))
        if len(run) >= WORD_RUN and len(run) < len(order) and sum(not _clean(q, marks) for q in run) >= WORD_RUN:
            words += run
    # a small piece wholly over or under the line of digits, within its span, is a title's letter, not one of
    # them ("o" of "Count" over "1495" read "0", "t" of "Amount" read "7"); a raised digit at the end is beside
    # the line, and two or more clean digits over it are a second line of writing, which is not a title
    line = [q for q in order if not q.rejected and q.height >= CAPTION * height]
    above, below = min(q.box[0] for q in line), max(q.box[2] for q in line)
    left, right = min(q.box[1] for q in line), max(q.box[3] for q in line)
    over = [
        q
        for q in order
        if q.height < CAPTION * height
        and not _among(q, words)
        and (q.box[2] <= above or q.box[0] >= below)
        and left <= (q.box[1] + q.box[3]) / 2 <= right
    ]
    return words + (over if sum(_clean(q, marks) for q in over) <= 1 else [])


def _dotted(piece: DigitReading) -> bool:
    """Is ``piece`` an upright with a dot in line with it, a "!" (see :data:`DOT`)?"""
    if piece.touching or piece.image.ndim != 2:
        return False
    on = piece.image > DOT_INK
    rows = np.flatnonzero(on.any(axis=1))
    gaps = np.flatnonzero(np.diff(rows) > DOT_GAP)
    if len(gaps) != 1:
        return False
    parts = []
    for run in np.split(rows, gaps + 1):
        cols = np.flatnonzero(on[run[0] : run[-1] + 1].any(axis=0))
        parts.append((int(run[-1]) + 1 - int(run[0]), int(cols[0]), int(cols[-1]) + 1))
    stroke, dot = sorted(parts, reverse=True)  # by height: the taller is the stroke
    (height, left, right), (dot_height, dot_left, dot_right) = stroke, dot
    width, centre = right - left, (dot_left + dot_right) / 2
    return (
        dot_height <= DOT * height
        and dot_right - dot_left <= max(3, 1.5 * width)
        and width <= UPRIGHT * height
        and left - 1 <= centre <= right + 1
    )


def _clean(piece: DigitReading, marks: list[DigitReading]) -> bool:
    """Is ``piece`` read as a digit: accepted by the gate and no mark?"""
    return not piece.rejected and not _among(piece, marks)


def _among(piece: DigitReading, pieces: Sequence[DigitReading]) -> bool:
    """Is ``piece`` itself one of ``pieces`` (by identity: two pieces may read alike)?"""
    return any(piece is q for q in pieces)


def _is_mark(piece: DigitReading, tallest: float) -> bool:
    """A small piece that is not a clean digit (see :data:`MARK`)."""
    size = max(piece.height, piece.width)
    if size >= MARK * tallest:
        return False
    return size < MARK_TINY * tallest or piece.rejected or piece.confidence < MARK_SURE


def _caption(piece: DigitReading, good: list[DigitReading], height: float) -> bool:
    """Is a piece that is not a digit a word printed or written small beside the number (a form's caption:
    "Batch", "Reference"), under CAPTION of the digits' height, wholly to one side of them, never between?
    It was as close as the boxes put it, and the whole form was "not a number"."""
    t, left, b, r = piece.box
    if b - t >= CAPTION * height:
        return False
    return (
        r <= min(p.box[1] for p in good)
        or left >= max(p.box[3] for p in good)
        or b <= min(p.box[0] for p in good)
        or t >= max(p.box[2] for p in good)
    )


def _left_to_right(pieces: list[DigitReading]) -> tuple[DigitReading, ...]:
    return tuple(sorted(pieces, key=lambda p: (p.box[1] + p.box[3]) / 2))


def _off_line(pieces: list[DigitReading]) -> bool:
    """Do two of ``pieces``, of about one height, lie one wholly above the other, off any line of writing (see
    :data:`STEEP`)?"""
    for a, b in itertools.combinations(pieces, 2):
        if min(a.height, b.height) < CAPTION * max(a.height, b.height):
            continue  # a digit raised small beside the line (an exponent, a footnote's mark)
        gap = max(a.box[0] - b.box[2], b.box[0] - a.box[2])
        dy = abs(a.box[0] + a.box[2] - b.box[0] - b.box[2]) / 2
        dx = abs(a.box[1] + a.box[3] - b.box[1] - b.box[3]) / 2
        if gap > 0 and dy > STEEP * dx:
            return True
    return False


def _apart(piece: DigitReading, others: list[DigitReading], distance: float) -> bool:
    """Is ``piece`` at least ``distance`` from every box in ``others`` (horizontally or vertically)?"""
    t, left, b, r = piece.box
    for o in others:
        dx = max(o.box[1] - r, left - o.box[3], 0)
        dy = max(o.box[0] - b, t - o.box[2], 0)
        if max(dx, dy) < distance:
            return False
    return True
