"""How an answer is said, in the window and in the shell: one home for its words. No Qt.

The window shows :func:`headline` in large type, :func:`detail` under it, :func:`hints`
(why the answer may be wrong and what to do) under that, and :func:`piece_line` over one
piece's bars; ``digit-predict`` prints :func:`shell_line` and puts the same hints in its
records. Tests compare against these functions and constants, not copies of the strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from app.lines import text_lines
from app.reading import NOT_A_DIGIT, NOT_A_NUMBER, DigitReading, Reading

#: Below this confidence the app says it is not sure and names the alternatives instead of
#: showing a digit in large type (``bench/unsure_threshold.py``: chosen on validation digits).
UNSURE = 0.85
#: A digit the not-a-digit gate accepted with a score at least this (near its threshold) is not sure either: such a
#: piece is often digits that touch read as one ("7741" read "74" and shown sure). ``bench/unsure_threshold.py``:
#: the smallest score that calls at most 0.5% of the right validation digits not sure (shipped model: 0.34% of
#: them, 5.7% of the wrong ones); on an independent set, wrong answers shown sure: touching numbers 9 -> 6,
#: non-digits 82 -> 66, at the cost of 2 of 295 right plain numbers and digits.
UNSURE_GATE = 0.7
#: Writing less than this many pen widths tall (its ink's box) becomes a blob: the hint asks for bigger
#: writing or a thinner pen. Single digits written with pipeline/synth/strokes.py, 60 per height, read
#: right (published model, bench/small_writing.py, this Xeon): with a 12 px pen 27 at 3.3 pen widths, 46 at 3.6,
#: 59 at 4.2; with a 31 px pen 45 at 3.1, all 60 from 3.7. At 3.0 a 38 px "5" drawn with the window's
#: 12 px pen was a blob read "8" without the hint (a helper's check in a real window).
SMALL_FOR_PEN = 4.0
SMALL = "The writing is small for the pen: write bigger or use a thinner pen ([ key)."
#: ...unless every piece is at least this many times as wide as tall: a dash, not small writing.
FLAT = 3.0
#: Why digits read are no number: two stand one above the other (app.reading.STEEP), as a "%"'s rings do.
OFF_LINE = "two of the digits stand one above the other: write a number on one line"
#: The hint under "Not a number" on a drawing: digits drawn close with a wide pen touch.
THINNER = "Digits that touch are read as one piece: a thinner pen ([ key) keeps them apart."
#: The hint when ink ran past the canvas's edge (it is kept and read, but not shown).
PAST_EDGE = "Part of the writing runs past the edge of the canvas: it is read, but not all of it is shown."
#: The prompt on an empty canvas, whatever made it empty.
EMPTY = "Draw a digit or a number, or open a picture"
#: A picture in which no ink stands out: the same words in the window and the shell.
NOTHING = "nothing written"

#: The hint under a doubtful answer when the ink holds more than one line of writing.
SEVERAL_LINES = "This looks like more than one line of writing: the app reads one line of digits at a time."
#: A doubtful answer (rejected, or a digit below this confidence) on ink in several lines gets that hint.
DOUBTFUL = 0.9
#: The hint under "Not a number" when a rejected piece looks like digits that touch: the reader cut it
#: along every cut path (app.lattice.CUT_ASPECT) and read it whole as a string, and found no digits.
TOUCHING = "The piece marked ? may be digits that touch: leave a small gap between them."
#: ...a rejected piece at least this wide for its height. One digit is mostly narrower; a "4"
#: drawn into a "0" with the mouse in a real window made a piece 0.81 as wide as tall.
TOUCHING_WIDTH = 0.75
#: ...and at least this share of the height of the digits read beside it.
TOUCHING_HEIGHT = 0.7
#: The hint under "Not a digit" when the one piece turned away is as wide as touching digits (TOUCHING_WIDTH to
#: TOUCHING_LONG times its height: a dash or a line is flatter). Said as a condition: a triangle or an A is as wide.
#: A "17" drawn touching in a real window (0.78 as wide as tall) was "Not a digit" with no word of why.
TOUCHING_ALONE = "If this is digits that touch, leave a small gap between them."
TOUCHING_LONG = 3.0


# ------------------------------------------------------------------ the answer
def is_sure(reading: Reading) -> bool:
    """Is every digit of the answer at least UNSURE confident, and none doubted by the gate? (A rejected answer is
    not an answer.)"""
    return not reading.rejected and not unsure(reading)


def unsure(reading: Reading) -> list[DigitReading]:
    """The digits of an answer that are below UNSURE, that the gate nearly turned away (UNSURE_GATE), or whose
    piece the string model reads as more digits than the answer takes from it (DigitReading.more)."""
    if reading.rejected:
        return []
    return [p for p in reading.pieces if p.confidence < UNSURE or (p.not_digit or 0.0) >= UNSURE_GATE or p.more]


def answer_text(reading: Reading) -> str:
    """The answer to copy or to label a drawing with: the digits when sure, else "" (nothing to pass on)."""
    return (reading.number or "") if is_sure(reading) else ""


def short(reading: Reading) -> str:
    """The answer in a few words for the history strip and the status bar: "4071", "not sure", "not a digit"."""
    if reading.rejected:
        return reading.rejected
    return (reading.number or "") if is_sure(reading) else "not sure"


def headline(reading: Reading) -> str:
    """The answer in a few characters: "7", "4071", "Not sure", "Not a digit", "Not a number"."""
    if reading.rejected == NOT_A_DIGIT and reading.pieces:
        return "Not a digit"
    if reading.rejected:
        return "Not a number"
    if not is_sure(reading):
        return "Not sure"
    if reading.single is not None:
        return reading.single.label
    return reading.number or ""


def _aside(reading: Reading) -> str:
    n = len(reading.ignored)  # in a rejected answer only marks are set aside
    removed = f"; {removed_words(reading.removed)}" if reading.removed else ""
    if not n:
        return removed
    what = ("mark" if reading.rejected else "piece") + ("s" if n > 1 else "")
    return f"; {n} {what} set aside" + ("" if reading.rejected else " (marked ?)") + removed


def _gate_doubts(confidence: float | None, not_digit: float | None) -> bool:
    """Is a digit read sure by the classifier but doubted by the gate (UNSURE_GATE)? (A piece's or a record's.)"""
    return (confidence or 0.0) >= UNSURE and (not_digit or 0.0) >= UNSURE_GATE


def _doubt(not_digit: float | None, decimals: int = 1) -> str:
    return f"not-a-digit score {100 * (not_digit or 0.0):.{decimals}f}%"


def _alternatives(reading: Reading, piece: DigitReading) -> str:
    """ "7 (62.0%) or 1 (30.1%)": the likely digits of a piece, down to a tenth of the best."""
    top = [(d, p) for d, p in piece.top(3) if p >= 0.1 * piece.confidence]
    words = [f"{reading.labels[d]} ({100 * p:.1f}%)" for d, p in top]
    return ", ".join(words[:-1]) + " or " + words[-1] if len(words) > 1 else words[0]


def detail(reading: Reading) -> str:
    """What the answer rests on, in one line of small print."""
    aside = _aside(reading)
    if reading.rejected == NOT_A_DIGIT and reading.pieces:
        shape = reading.pieces[0]  # the rejected piece, whichever input is in focus
        score = f"{_doubt(shape.not_digit)}; " if shape.not_digit is not None else ""
        return f"{score}nearest digit: {shape.label}{aside}"  # no percentage beside a digit it is not
    if reading.rejected:
        wrong = sum(p.rejected for p in reading.pieces)
        if not wrong:  # every piece a digit: they are not one line of writing (app.reading.STEEP)
            return f"{OFF_LINE}{aside}"
        verb = "is not a digit" if wrong == 1 else "are not digits"
        return f"{wrong} of the {len(reading.pieces)} pieces {verb} (marked ?){aside}"
    doubtful = unsure(reading)
    if reading.single is not None:
        single = reading.single
        if doubtful and (whole := _read_whole(single.label, [single.more])):
            return f"maybe {single.label} or {whole}{aside}"
        if doubtful and _gate_doubts(single.confidence, single.not_digit):
            return f"maybe {single.label}, or digits that touch, or not a digit ({_doubt(single.not_digit)}){aside}"
        if doubtful:
            return f"maybe {_alternatives(reading, reading.single)}{aside}"
        return f"{100 * reading.single.confidence:.1f}% confident{aside}"
    n = len(reading.pieces)
    if doubtful:
        which = reading.pieces.index(doubtful[0]) + 1
        if doubtful[0].touching:  # every digit of the string carries its probability: none is the doubtful one
            last = which
            while (
                last < n and reading.pieces[last].touching and reading.pieces[last].confidence == doubtful[0].confidence
            ):
                last += 1
            together = f"{100 * doubtful[0].confidence:.1f}%"
            return f"maybe {reading.number}: digits {which}-{last} of {n} touch, read together at {together}{aside}"
        q = doubtful[0]
        if whole := _read_whole(reading.number or "", [p.more for p in reading.pieces]):
            return f"maybe {reading.number} or {whole}{aside}"
        if _gate_doubts(q.confidence, q.not_digit):
            why = f"may be digits that touch, or not a digit ({_doubt(q.not_digit)})"
            return f"maybe {reading.number}: the {q.label} (digit {which} of {n}) {why}{aside}"
        return f"maybe {reading.number}: digit {which} of {n} could be {_alternatives(reading, doubtful[0])}{aside}"
    least = min(reading.pieces, key=lambda p: p.confidence)
    if least.confidence >= 0.9995:  # every digit shows as 100.0%: naming one "least sure" would mislead
        return f"{n} digits, each 100% confident{aside}"
    return f"{n} digits; least sure: {least.label} ({100 * least.confidence:.1f}%){aside}"


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
    Only the ink of the pieces read counts (boxes in ``ink``'s pixels): a photo's shadowed corner
    or a speck set aside is not a line of writing (it made a one-line "381" photo "two lines").
    """
    doubtful = (
        reading.rejected is not None or len(reading.pieces) > 1 or any(p.confidence < DOUBTFUL for p in reading.pieces)
    )
    if not doubtful:
        return ""
    read = np.zeros_like(ink)
    for p in reading.pieces:
        t, left, b, r = p.box
        read[t:b, left:r] = ink[t:b, left:r]
    return SEVERAL_LINES if text_lines(read) > 1 else ""


def touching_hint(reading: Reading) -> str:
    """Why a number may not be read: two narrow digits touching make one piece the reader does not cut."""
    if reading.rejected == NOT_A_DIGIT and len(reading.pieces) == 1:
        h, w = reading.pieces[0].height, reading.pieces[0].width
        return TOUCHING_ALONE if TOUCHING_WIDTH * h <= w <= TOUCHING_LONG * h else ""
    if reading.rejected != NOT_A_NUMBER:
        return ""
    digits = [p for p in reading.pieces if not p.rejected]
    if not digits:
        return ""
    height = float(np.median([p.height for p in digits]))
    for p in reading.pieces:
        h, w = p.height, p.width
        if p.rejected and h >= TOUCHING_HEIGHT * height and w >= TOUCHING_WIDTH * h:
            return TOUCHING
    return ""


def pens_tall(reading: Reading, pen: float) -> float:
    """How many widths of the pen (in the ink map's pixels) the pieces' ink is tall, their median."""
    import statistics  # here, not at the top: 3 ms of the window's cold start

    return statistics.median(p.height for p in reading.pieces) / pen


def small_hint(reading: Reading, pen: float | None) -> str:
    """Writing too small for the pen (``pen``: its width in the ink map's pixels, None for a picture). Not for
    strokes flatter than FLAT (a dash 80 px long, as tall as the pen, was told to write bigger)."""
    if pen is None or not reading.pieces or all(p.width >= FLAT * p.height for p in reading.pieces):
        return ""
    return SMALL if pens_tall(reading, pen) < SMALL_FOR_PEN else ""


def hints(reading: Reading, ink: np.ndarray, *, pen: float | None = None, past_edge: bool = False) -> list[str]:
    """Every hint that applies to ``reading`` of ``ink`` (ink high on 0), most useful first.

    ``pen``: the drawing's pen width in the ink map's pixels (None for a picture); ``past_edge``:
    some ink was drawn beyond the canvas's edge.
    """
    found = [small_hint(reading, pen), lines_hint(reading, ink), touching_hint(reading)]
    if found[1] and found[2] == TOUCHING_ALONE:  # one piece over several lines of writing: that says why
        found[2] = ""
    if (
        pen is not None
        and reading.rejected == NOT_A_NUMBER
        and not found[0]
        and any(p.rejected for p in reading.pieces)
    ):
        found.append(THINNER)
    if past_edge:
        found.append(PAST_EDGE)
    return [h for h in found if h]


# ------------------------------------------------------------------ the shell
def shell_line(path: str, rec: dict[str, Any]) -> str:
    """``digit-predict``'s plain-text line for one input, from its record."""
    if rec["rejected"]:
        return f"{path}: {_shell_rejected(rec)}"
    sure = "" if rec.get("sure", True) else "not sure, maybe "
    if rec["digit"] is None:
        digits = " ".join(f"{d['digit']}:{100 * d['confidence']:.0f}%" for d in rec["digits"])
        tops = ""
        if rec["digits"] and "top" in rec["digits"][0]:
            tops = "  top " + " | ".join(
                ", ".join(f"{t['digit']} {100 * t['probability']:.0f}%" for t in d["top"]) for d in rec["digits"]
            )
        return f"{path}: {sure}{rec['number']}  ({digits}){_shell_doubt(rec)}{tops}{_shell_aside(rec)}"
    listing = " ".join(f"{d}:{p:.3f}" for d, p in enumerate(rec["probs"]))
    top = ""
    if "top" in rec:
        top = "  top " + ", ".join(f"{t['digit']} {100 * t['probability']:.1f}%" for t in rec["top"])
    if sure:
        order = sorted(range(10), key=lambda d: -rec["probs"][d])[:3]
        likely = [f"{d} ({100 * rec['probs'][d]:.1f}%)" for d in order if rec["probs"][d] >= 0.1 * rec["confidence"]]
        answer = sure + (", ".join(likely[:-1]) + " or " + likely[-1] if len(likely) > 1 else likely[0])
        answer += _shell_doubt(rec)
    else:
        answer = f"{rec['digit']} ({100 * rec['confidence']:.1f}%)"
    return f"{path}: {answer}  {listing}{top}{_shell_aside(rec)}"


def _read_whole(number: str, more: Sequence[str]) -> str:
    """ "315: digits 1-2 of 2 read whole": the number with the first run of digits whose piece the string model
    reads whole as more digits (``more``, per digit; see DigitReading.more) read so, and which they are; or ""."""
    first = next((k for k, m in enumerate(more) if m), None)
    if first is None or len(number) != len(more):
        return ""
    last = first
    while last + 1 < len(more) and more[last + 1] == more[first]:
        last += 1
    which = f"digit {first + 1}" if first == last else f"digits {first + 1}-{last + 1}"
    where = f"{which} of {len(more)} " if len(more) > 1 else ""
    return f"{number[:first]}{more[first]}{number[last + 1 :]}: {where}read whole"


def _shell_doubt(rec: dict[str, Any]) -> str:
    """Why digits the classifier is sure of make the answer not sure: the string model reads more digits in
    their piece, or the gate nearly turned one away."""
    if not rec.get("sure", True) and (
        whole := _read_whole(rec["number"] or "", [d.get("more", "") for d in rec["digits"]])
    ):
        return f"  (or {whole})"
    pieces = rec["digits"] or [rec]
    doubted = [n for n, d in enumerate(pieces, 1) if _gate_doubts(d.get("confidence"), d.get("not_digit"))]
    if rec.get("sure", True) or not doubted:
        return ""
    which = f"digit {doubted[0]}" if len(pieces) > 1 else "it"
    return f"  ({which} may be digits that touch, or not a digit: {_doubt(pieces[doubted[0] - 1]['not_digit'], 0)})"


def _shell_rejected(rec: dict[str, Any]) -> str:
    """Why there is no answer, without contradicting it ("not a digit", yet "closest digit 4, 100%")."""
    if rec["rejected"] == NOT_A_DIGIT and rec.get("closest"):
        return f"{NOT_A_DIGIT} (if it were one: {rec['closest']['digit']})"
    if rec["rejected"] == NOT_A_NUMBER and rec["digits"]:
        wrong = sum(d["digit"] is None for d in rec["digits"])
        if not wrong:
            return f"{NOT_A_NUMBER} ({OFF_LINE})"
        verb = "is not a digit" if wrong == 1 else "are not digits"
        return f"{NOT_A_NUMBER} ({wrong} of the {len(rec['digits'])} pieces {verb})"
    return str(rec["rejected"])


def _shell_aside(rec: dict[str, Any]) -> str:
    n = len(rec.get("ignored", ()))
    aside = f"  ({n} piece{'s' if n > 1 else ''} set aside)" if n else ""
    removed = rec.get("removed") or []
    return aside + (f"  ({removed_words(removed)})" if removed else "")


def removed_words(removed: Sequence[str]) -> str:
    """ "ruling and boxes of the paper ignored": what was taken out of the picture before reading."""
    return f"{' and '.join(removed)} of the paper ignored"


# ------------------------------------------------------------------ your digits
#: The status bar's count of the person's saved digits.
def your_digits(count: int) -> str:
    return f"Your digits: {count}"


def saved(label: str, read_as: str, ms: float) -> str:
    """The status after a save: what was kept, and how to take it back."""
    how = "confirmed" if label == read_as else f"read as {read_as}"
    return f"Saved {label} to your digits ({how}) in {ms:.0f} ms. Ctrl+Z removes it"


def saved_note(label: str, read_as: str) -> str:
    """The line under the answer once the person said what they wrote."""
    if label == read_as:
        return f"✓ Right: {label} is saved to your digits (Ctrl+Z removes it)"
    return f"✎ You wrote {label}: saved to your digits (Ctrl+Z removes it)"


def removed(label: str) -> str:
    return f"Removed {label} from your digits; Ctrl+Z again undoes the drawing"


#: Corrections need a reading of the drawing as it is now.
CORRECT_STALE = "The drawing changed since it was read: press Enter to read it, then correct it"
CORRECT_EMPTY = "Nothing to correct: draw a digit or a number, or open a picture"
#: Only digits are saved: a "not a digit" that is right is not added.
CONFIRM_NOTHING = "Only digits are saved to your digits: type what you wrote (start typing digits) to correct it"
#: The typed answer is not digits.
ONLY_DIGITS = "Type the digits you wrote, 0 to 9 (spaces are ignored)"


def misfit(typed: int, pieces: int) -> str:
    """Why a typed answer cannot be saved: its digits do not match the pieces read, one to one."""
    s = "s" if pieces != 1 else ""
    return (
        f"You typed {typed} digit{'s' if typed != 1 else ''}, but the drawing was read as {pieces} piece{s}, so "
        "each digit cannot be matched with its ink. Nothing was saved.\n\n"
        "To fix one digit, click its box (or its bar on the right) and pick the right digit. "
        "If two digits ran together into one piece, undo and write them with a gap between them; "
        "if one digit fell into two pieces, write it again in one go."
    )


def not_a_digit_piece(position: int, pieces: int) -> str:
    """A correction leaves a piece of the answer without a digit."""
    return (
        f"Piece {position} of {pieces} was read as not a digit: give it a digit too (click its box, then a key), "
        "or erase it. Nothing was saved yet"
    )


def cannot_open_folder(folder: str, why: str) -> str:
    return f"Cannot make the folder {folder}: {why}. Choose a folder you can write to with DIGITS_USERDATA=PATH."
