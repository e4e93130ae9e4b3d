"""Touching digits read in several framings of one string field, and the reading the framings agree on.

The string model (:mod:`app.strings`) reads a field framed one way: the ink scaled to fit STRING_BOX and
centred. Where it hesitates (a repeated digit, "9118", whose two 1s need a blank between them; a narrow digit
that falls between two of its columns) the same ink framed a little wider, or moved by half a column, is read
otherwise. :class:`Voting` reads each field in its own framing and in VARIANTS, and keeps the digits whose
probability (:func:`app.strings.labelling_probability`), summed over the framings, is highest.

Measured with the shipped models on the touching numbers of three independent sets (bench/independent K, M, N:
200 each, made by code outside the pipeline): the string model alone on each whole picture read 80.0 / 64.0 /
73.0% exactly as framed, 81.5 / 72.5 / 77.5% voted (the framings were chosen among ten on these pictures, where
any three or four with the own framing gained 2 to 10 points, so sets P and S are the check). Through the reader
(its cut readings compete): touching K 82.0 -> 80.5%, M 73.0 -> 77.5%, N 81.5 -> 84.5%, set P's drawn touching
numbers +4 of 300, set S's joined numbers +5 of 170; non-digits turned away K 88.5 -> 89.5%, M 84.2 -> 83.3%.
The string model runs four times per field voted on (1.6 -> 8.8 ms a field, one thread). A field whose own framing
reads no digits keeps that reading: voted, it let four non-digits through as digits. Kept apart from
:mod:`app.strings` because the pipeline's data and training stages import that module and none of them reads
through this one.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from app.preprocess import bounding_box, resize
from app.strings import STRING_BOX, STRING_COLUMNS, STRING_HEIGHT, STRING_WIDTH, decode, labelling_probability

#: The framings a field is read in besides its own: (ink widened by, moved right by this many pixels; a
#: column of the model is STRING_WIDTH // STRING_COLUMNS = 4 pixels).
VARIANTS = ((1.1, 0), (1.2, 0), (1.0, 2))
#: Only a field read as framed at a labelling probability under this is voted on. On the touching numbers of sets
#: K, M and N (600), every reading the vote changed had been read under 0.93; the digits of a number with gaps,
#: asked together as one candidate, mostly read surer, and a 1600x1200 photo of ruled paper asks several such.
VOTE_BELOW = 0.95


def reframe(field: np.ndarray, widen: float, shift: int) -> tuple[np.ndarray, int, int]:
    """``field`` (an :func:`app.strings.frame_string` field) framed again with its ink ``widen`` times wider (its
    height giving way where STRING_BOX's width runs out) and moved ``shift`` pixels right, centred as
    frame_string centres; and where the ink now starts and how wide it is (pixels)."""
    out = np.zeros((STRING_HEIGHT, STRING_WIDTH), np.float32)
    span = bounding_box(field, 0)
    if span is None:
        return out, 0, 0
    top, left, bottom, right = span
    h, w = bottom - top, right - left
    s = min(STRING_BOX[0] / h, STRING_BOX[1] / (w * widen))
    nh, nw = max(1, round(h * s)), max(1, round(w * widen * s))
    y0 = (STRING_HEIGHT - nh) // 2
    x0 = min(max((STRING_WIDTH - nw) // 2 + shift, 0), STRING_WIDTH - nw)
    out[y0 : y0 + nh, x0 : x0 + nw] = np.clip(resize(field[top:bottom, left:right], nh, nw), 0, 1)
    return out, x0, nw


def _in_own_columns(row: np.ndarray, own: tuple[int, int], theirs: tuple[int, int]) -> np.ndarray:
    """A variant's columns ``row`` resampled to the field's own framing (ink from ``own[0]``, ``own[1]`` wide;
    the variant's from ``theirs``): each own column takes the variant's column under the same point of the ink,
    so the reader places each digit where its ink is (:func:`app.reader._string_readings`)."""
    pitch = STRING_WIDTH / STRING_COLUMNS
    x = (np.arange(STRING_COLUMNS) + 0.5) * pitch
    at = theirs[0] + (x - own[0]) * theirs[1] / max(own[1], 1)
    return row[np.clip((at // pitch).astype(int), 0, STRING_COLUMNS - 1)]


class Voting:
    """A string scorer (fields -> columns, as :class:`app.strings.StringModel`) that reads each field in its own
    framing and, where that reads digits under VOTE_BELOW, in VARIANTS too, and answers, for each field, columns
    that read the digits the framings together find likeliest: the own framing's when it reads them, else the
    first variant's that does, resampled to the own framing where that keeps the digits (else as it read them)."""

    def __init__(self, strings: Callable[[np.ndarray], np.ndarray]) -> None:
        self.strings = strings

    def __call__(self, fields: np.ndarray) -> np.ndarray:
        fields = np.asarray(fields, np.float32)
        out = np.array(self.strings(fields), np.float32)
        own = [decode(row) for row in out]
        # what reads as no digits as framed is not made digits by another framing; a sure reading is not voted on
        todo = [j for j, read in enumerate(own) if read.digits and read.labelling < VOTE_BELOW]
        if not todo:
            return out
        framed = [[reframe(fields[j], widen, shift) for j in todo] for widen, shift in VARIANTS]
        stack = np.concatenate([np.stack([f for f, _, _ in variant]) for variant in framed])
        probs = np.concatenate([out[todo][None], self.strings(stack).reshape(len(VARIANTS), len(todo), *out.shape[1:])])
        for n, j in enumerate(todo):
            reads = [decode(p[n]).digits for p in probs]
            best = max(dict.fromkeys(reads), key=lambda d: sum(labelling_probability(p[n], d) for p in probs))
            v = reads.index(best)
            if v == 0:
                continue
            _, x0, nw = framed[v - 1][n]
            span = bounding_box(fields[j], 0)
            assert span is not None  # a field with no ink reads no digits
            moved = _in_own_columns(probs[v, n], (span[1], span[3] - span[1]), (x0, nw))
            out[j] = moved if decode(moved).digits == best else probs[v, n]
        return out
