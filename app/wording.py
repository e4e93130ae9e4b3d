"""How an answer is said, in the window and in the shell: one home for its words. No Qt.

The window shows :func:`headline` in large type, :func:`detail` under it, :func:`hints`
(why the answer may be wrong and what to do) under that, and :func:`piece_line` over one
piece's bars; ``digit-predict`` prints :func:`shell_line` and puts the same hints in its
records. Tests compare against these functions and constants, not copies of the strings.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from app.lines import text_lines
from app.reader import NOT_A_DIGIT, NOT_A_NUMBER, DigitReading, Reading

#: The hint under a doubtful answer when the ink holds more than one line of writing.
SEVERAL_LINES = "This looks like more than one line of writing: the app reads one line of digits at a time."
#: A doubtful answer (rejected, or a digit below this confidence) on ink in several lines gets that hint.
DOUBTFUL = 0.9
#: The hint under "Not a number" when a rejected piece looks like digits that touch: the reader
#: tries cutting a piece only when it is much wider than tall (app.reader.SPLIT_ASPECT).
TOUCHING = "The piece marked ? may be digits that touch: leave a small gap between them."
#: ...a rejected piece at least this wide for its height. One digit is mostly narrower; a "4"
#: drawn into a "0" with the mouse in a real window made a piece 0.81 as wide as tall.
TOUCHING_WIDTH = 0.75
#: ...and at least this share of the height of the digits read beside it.
TOUCHING_HEIGHT = 0.7


# ------------------------------------------------------------------ the answer
def headline(reading: Reading) -> str:
    """The answer in a few characters: "7", "4071", "Not a digit", "Not a number"."""
    if reading.rejected == NOT_A_DIGIT and reading.pieces:
        return "Not a digit"
    if reading.rejected:
        return "Not a number"
    if reading.single is not None:
        return reading.single.label
    return reading.number or ""


def _aside(reading: Reading) -> str:
    n = len(reading.ignored)  # in a rejected answer only marks are set aside
    if not n:
        return ""
    what = ("mark" if reading.rejected else "piece") + ("s" if n > 1 else "")
    return f"; {n} {what} set aside" + ("" if reading.rejected else " (marked ?)")


def detail(reading: Reading) -> str:
    """What the answer rests on, in one line of small print."""
    aside = _aside(reading)
    if reading.rejected == NOT_A_DIGIT and reading.pieces:
        shape = reading.pieces[0]  # the rejected piece, whichever input is in focus
        return f"closest digit: {shape.label} ({100 * shape.confidence:.1f}%){aside}"
    if reading.rejected:
        wrong = sum(p.rejected for p in reading.pieces)
        verb = "is not a digit" if wrong == 1 else "are not digits"
        return f"{wrong} of the {len(reading.pieces)} pieces {verb} (marked ?){aside}"
    if reading.single is not None:
        return f"{100 * reading.single.confidence:.1f}% confident{aside}"
    least = min(reading.pieces, key=lambda p: p.confidence)
    return f"{len(reading.pieces)} digits; least sure: {least.label} ({100 * least.confidence:.1f}%){aside}"


def piece_line(reading: Reading, piece: DigitReading) -> str:
    """The line over one piece's bars: its top three, and which piece it is when there are several."""
    labels = reading.labels
    top = "   ".join(f"{labels[d]}  {100 * p:.1f}%" for d, p in piece.top(3))
    if len(reading.pieces) + len(reading.ignored) > 1:
        # the bars are one piece's: say which (a click on an input shows another), counting the
        # answer's pieces apart from those set aside, as the detail line counts them
        group = reading.pieces if any(p is piece for p in reading.pieces) else reading.ignored
        which = f"{next((i for i, p in enumerate(group) if p is piece), 0) + 1} of {len(group)}"
        kind = "piece" if group is reading.pieces else "set aside"
        # a set-aside piece's bars are its closest digits, not a reading
        if piece.rejected:
            return f"{kind} {which}, not a digit; closest:   {top}"
        if reading.is_set_aside(piece):
            return f"{kind} {which}, a mark too small to be a digit; closest:   {top}"
        return f"digit {which}:   {top}"
    if piece.rejected:
        return f"if it were a digit:   {top}"
    return top


# ------------------------------------------------------------------ hints
def lines_hint(reading: Reading, ink: np.ndarray) -> str:
    """Why an answer may be wrong: the digits were written in several lines (the reader reads one).

    Said of a doubtful answer, or of a number (two rows of digits read as one row make a
    confident wrong number); not of one confident digit, whose strokes may leave a gap (an 8's loops).
    """
    doubtful = (
        reading.rejected is not None or len(reading.pieces) > 1 or any(p.confidence < DOUBTFUL for p in reading.pieces)
    )
    return SEVERAL_LINES if doubtful and text_lines(ink) > 1 else ""


def touching_hint(reading: Reading) -> str:
    """Why a number may not be read: two narrow digits touching make one piece the reader does not cut."""
    if reading.rejected != NOT_A_NUMBER:
        return ""
    digits = [p for p in reading.pieces if not p.rejected]
    if not digits:
        return ""
    height = float(np.median([p.box[2] - p.box[0] for p in digits]))
    for p in reading.pieces:
        h, w = p.box[2] - p.box[0], p.box[3] - p.box[1]
        if p.rejected and h >= TOUCHING_HEIGHT * height and w >= TOUCHING_WIDTH * h:
            return TOUCHING
    return ""


def hints(reading: Reading, ink: np.ndarray) -> list[str]:
    """Every hint that applies to ``reading`` of ``ink`` (ink high on 0), most useful first."""
    return [h for h in (lines_hint(reading, ink), touching_hint(reading)) if h]


# ------------------------------------------------------------------ the shell
def shell_line(path: str, rec: dict[str, Any]) -> str:
    """``digit-predict``'s plain-text line for one input, from its record."""
    if rec["rejected"]:
        closest = rec.get("closest")
        hint = f" (closest digit {closest['digit']}, {100 * closest['confidence']:.1f}%)" if closest else ""
        return f"{path}: {rec['rejected']}{hint}"
    if rec["digit"] is None:
        digits = " ".join(f"{d['digit']}:{100 * d['confidence']:.0f}%" for d in rec["digits"])
        tops = ""
        if rec["digits"] and "top" in rec["digits"][0]:
            tops = "  top " + " | ".join(
                ", ".join(f"{t['digit']} {100 * t['probability']:.0f}%" for t in d["top"]) for d in rec["digits"]
            )
        return f"{path}: {rec['number']}  ({digits}){tops}{_shell_aside(rec)}"
    listing = " ".join(f"{d}:{p:.3f}" for d, p in enumerate(rec["probs"]))
    top = ""
    if "top" in rec:
        top = "  top " + ", ".join(f"{t['digit']} {100 * t['probability']:.1f}%" for t in rec["top"])
    return f"{path}: {rec['digit']} ({100 * rec['confidence']:.1f}%)  {listing}{top}{_shell_aside(rec)}"


def _shell_aside(rec: dict[str, Any]) -> str:
    n = len(rec.get("ignored", ()))
    return f"  ({n} piece{'s' if n > 1 else ''} set aside)" if n else ""
