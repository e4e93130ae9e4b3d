"""Touching digits read whole: the string model, the field it reads and how its answer is decoded.

Digits that overlap leave no path between them: every cut takes part of one digit into the
other, and the parts misread (set B's touching numbers, made elsewhere: 20% read right with
cuts alone). Hochuli et al. read such strings without cutting. The string model reads a
candidate the reader could not read as one clean digit as a string of digits, of any length,
as a CRNN does (Shi et al.): a CNN over the field gives, for each of STRING_COLUMNS columns, the
probabilities of the 10 digits and of BLANK, trained with CTC so no one marks where a digit
begins. A field that is not digits reads as no digits. :func:`app.reader.resolve` weighs a
string reading against the cut readings. Pure numpy; the session is opened on first use, so a
drawing of clean digits never pays for it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.preprocess import INK_THRESHOLD, scale_digit

#: The string field: float32 [N, STRING_HEIGHT, STRING_WIDTH, 1] in [0,1], white ink on black.
STRING_HEIGHT, STRING_WIDTH = 32, 128
#: The ink is scaled, aspect kept, to fit this box, and centred in the field (a digit is ~20 wide: 5-6 fit).
STRING_BOX = (24, 124)
#: The model's columns (the field's width pooled 4 times) and classes: the 10 digits, then BLANK.
STRING_COLUMNS = STRING_WIDTH // 4
BLANK = 10
#: A string reading counts when the probability of its digits (:func:`labelling_probability`) is at
#: least this. Chosen between 0.7 and 0.9 on 300 touching numbers made this session by a placement
#: unlike the training strings' (digits 0-4 px box into box), with the shipped models: at 0.7 / 0.9,
#: 67.5 / 65.5% of 2-5 digits and 81 / 76% of two read right, 13 / 16 wrong answers shown sure (the
#: best path's probability at 0.5, as before: 63.0%, 77%, 15). Until the eleventh session it was 0.5
#: of the best path's probability, chosen on sets A, B and UCI.
STRING_SURE = 0.7
#: The string model's file, beside the digit model it serves.
STRING_FILE = "strings.onnx"
#: The ONNX input and output names.
STRING_INPUT, STRING_OUTPUT = "image", "probs"


@dataclass(frozen=True)
class StringReading:
    """What the string model read in one field: the digits, the column each was read at, and two
    probabilities: of the best path (``probability``, what a reading shows: it errs low) and of the
    digits over every path (``labelling``, what decides whether the reading counts)."""

    digits: tuple[int, ...]
    columns: tuple[int, ...]
    probability: float
    labelling: float


def frame_string(ink: np.ndarray) -> np.ndarray:
    """The string field for a candidate's ink (any size, ink 1 on 0); zeros when it holds no ink."""
    out = np.zeros((STRING_HEIGHT, STRING_WIDTH), np.float32)
    peak = float(ink.max()) if ink.size else 0.0
    if peak <= 0:
        return out
    ink = ink / peak
    on = ink > INK_THRESHOLD
    rows, cols = np.flatnonzero(on.any(axis=1)), np.flatnonzero(on.any(axis=0))
    if rows.size == 0:
        return out
    crop = np.where(ink > INK_THRESHOLD / 2, ink, 0)[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    h, w = crop.shape
    s = min(STRING_BOX[0] / h, STRING_BOX[1] / w)
    nh, nw = max(1, round(h * s)), max(1, round(w * s))
    y0, x0 = (STRING_HEIGHT - nh) // 2, (STRING_WIDTH - nw) // 2
    out[y0 : y0 + nh, x0 : x0 + nw] = scale_digit(crop.astype(np.float32), nh, nw)
    return out


def decode(probs: np.ndarray) -> StringReading:
    """Greedy CTC decoding of one field's (STRING_COLUMNS, 11) probabilities: the best class of each
    column, repeats merged, blanks dropped; the best path's probability and the digits'
    (:func:`labelling_probability`)."""
    best = probs.argmax(axis=-1)
    digits, columns, previous = [], [], BLANK
    for t, c in enumerate(best.tolist()):
        if c != BLANK and c != previous:
            digits.append(int(c))
            columns.append(t)
        previous = c
    path = float(np.prod(probs.max(axis=-1), dtype=np.float64))
    return StringReading(tuple(digits), tuple(columns), path, labelling_probability(probs, digits))


def labelling_probability(probs: np.ndarray, digits: Sequence[int]) -> float:
    """The probability the columns give ``digits``, summed over every way of writing them across the
    columns (CTC's forward pass), not only the best path's: a path's probability is a product of 32
    columns, so a sure long string scored low by it (the string model alone on 200 touching numbers
    placed unlike its training strings: at 0.9 this keeps 86 right and 10 wrong readings where the best
    path at 0.5 kept 60 and 16)."""
    labels = [BLANK]
    for d in digits:
        labels += [int(d), BLANK]
    n = len(labels)
    # plain floats: a state per digit and blank is at most 11 of them, where numpy's calls cost 4x (40 us)
    emit = np.asarray(probs, np.float64)[:, labels].tolist()
    # a state may come from itself, the one before, or skip a blank between two different digits
    skip = [s >= 2 and labels[s] != BLANK and labels[s] != labels[s - 2] for s in range(n)]
    alpha = [emit[0][s] if s < 2 else 0.0 for s in range(n)]
    for row in emit[1:]:
        prev = alpha
        alpha = [(prev[s] + (prev[s - 1] if s else 0.0) + (prev[s - 2] if skip[s] else 0.0)) * row[s] for s in range(n)]
    return alpha[-1] + (alpha[-2] if n > 1 else 0.0)


def string_path(model: str | Path) -> Path:
    """Where the string model of a digit model lives: beside it."""
    return Path(model).with_name(STRING_FILE)


class StringModel:
    """An onnxruntime session over a string model, opened on first use (thread-safe)."""

    def __init__(self, path: str | Path, threads: int = 1) -> None:
        self.path = Path(path)
        self.threads = threads
        self._session = None
        self._lock = threading.Lock()

    def _open(self):  # type: ignore[no-untyped-def]
        import onnxruntime as ort

        with self._lock:
            if self._session is None:
                opts = ort.SessionOptions()
                opts.intra_op_num_threads = self.threads
                opts.inter_op_num_threads = 1
                opts.log_severity_level = 3
                self._session = ort.InferenceSession(self.path.read_bytes(), opts, providers=["CPUExecutionProvider"])
        return self._session

    def __call__(self, fields: np.ndarray) -> np.ndarray:
        """(N, STRING_COLUMNS, 11) probabilities for (N, STRING_HEIGHT, STRING_WIDTH) fields."""
        x = np.ascontiguousarray(fields, np.float32)[..., None]
        return np.asarray(self._open().run([STRING_OUTPUT], {STRING_INPUT: x})[0], np.float32)
