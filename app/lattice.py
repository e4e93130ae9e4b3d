"""The candidate digits of a row of pieces, and the segmentation through them with the best total score.

Segmentation by recognition: every piece is a unit, a piece that may be touching digits is cut into
several (:mod:`app.cuts`), and every run of a few adjacent units is a candidate digit with a log-prior.
:mod:`app.reader` scores the candidates with the model; :func:`best_path` keeps the best segmentation.
Pure numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.cuts import cut, cut_paths
from app.preprocess import Piece, join

#: A piece at least this wide for its height may be touching digits (two 1s that touch are about
#: 0.6): it is cut along every cut path (:mod:`app.cuts`) and recognition picks the grouping.
CUT_ASPECT = 0.6
#: A segmentation pays this (a log-probability) for every cut it makes through ink, so a digit is
#: not read as pieces of itself unless they read much better.
CUT_PENALTY = math.log(0.5)
#: A candidate digit spans at most this many units.
MAX_PARTS = 4
#: A part of a cut piece under this share of the piece's height pays SHORT_PENALTY per unit of log-shortfall.
SHORT = 0.8
SHORT_PENALTY = 4.0
#: ...when it is at least this share of the tallest piece's height (a 5's detached bar is wide but low)
SPLIT_HEIGHT = 0.6
#: Two pieces closer than this times their height may be one broken digit: try joining them.
JOIN_GAP = 0.3
#: At most this many adjacent pieces are tried as one digit.
MAX_JOIN = 3
#: Nor are two pieces one over the other with a clear gap between, this share of the taller one's height, when
#: the smaller is no flat bar (at least LETTER_FLAT as tall as wide): a title's "o" over a "4" is no digit, a 5's
#: bar written apart may be one. With the letter over a digit (app.reader.unstack) and a small piece over the
#: line (app.reading.WORD_RUN): titles over numbers (set I) 68.8% -> 86.2%; it cost one 52x67 picture of set E
#: whose 1s the margin finder took, leaving fragments no longer joined.
JOIN_CLEAR = 0.3
LETTER_FLAT = 0.35


@dataclass(frozen=True)
class Candidates:
    units: list[Piece]  # the atoms, those that may be touching digits cut into parts
    owner: list[int]  # the atom each unit belongs to
    spans: dict[tuple[int, int], Piece]  # every candidate digit: a run of adjacent units
    prior: dict[tuple[int, int], float]  # each candidate's log-prior (:attr:`app.reader.Plan.prior`)


def candidates(atoms: list[Piece], cut_only: set[int] | None = None) -> Candidates:
    """The units (atoms, those that may be touching digits cut along every cut path; only those in
    ``cut_only`` when given), and every candidate digit with its log-prior."""
    units: list[Piece] = []
    owner: list[int] = []
    tallest = max(atom.height for atom in atoms)
    for a, atom in enumerate(atoms):
        parts = [atom]
        # touching digits are as tall as digits; a 5's bar or a 7's stroke is not cut
        eligible = atom.width >= CUT_ASPECT * atom.height and atom.height >= SPLIT_HEIGHT * tallest
        if eligible and (cut_only is None or a in cut_only):
            parts = cut(atom, cut_paths(atom)) or [atom]
        units.extend(parts)
        owner.extend([a] * len(parts))
    spans: dict[tuple[int, int], Piece] = {}
    prior: dict[tuple[int, int], float] = {}
    first = {a: owner.index(a) for a in set(owner)}
    last = {a: len(owner) - 1 - owner[::-1].index(a) for a in set(owner)}
    for i in range(len(units)):
        for j in range(i + 1, len(units) + 1):
            if j - i > 1 and owner[j - 2] != owner[j - 1] and not _joinable(atoms, units, owner, j - 1):
                break  # a clear gap: no digit spans it
            if owner[j - 1] - owner[i] >= MAX_JOIN:
                break
            # a run of a few parts, or whole atoms (a piece is always a candidate, however finely it was cut)
            whole = i == first[owner[i]] and j - 1 == last[owner[j - 1]]
            if j - i <= MAX_PARTS or whole:
                piece = units[i] if j - i == 1 else join(units[i:j])
                spans[(i, j)] = piece
                prior[(i, j)] = _prior(piece, atoms[owner[i]], cut_start=i != first[owner[i]], cut=not whole)
    return Candidates(units, owner, spans, prior)


def _prior(piece: Piece, atom: Piece, cut_start: bool, cut: bool) -> float:
    """A candidate's log-prior: a cut through ink costs CUT_PENALTY (paid by the candidate it begins), and a
    part of a cut piece much shorter than the piece is rarely a digit (the stem of a 4 cut off is a '1')."""
    score = CUT_PENALTY if cut_start else 0.0
    if cut and piece.height < SHORT * atom.height:
        score -= SHORT_PENALTY * math.log(SHORT * atom.height / max(piece.height, 1))
    return score


def _joinable(atoms: list[Piece], units: list[Piece], owner: list[int], k: int) -> bool:
    """May one digit span units ``k - 1`` and ``k`` (of two atoms)? Not across a clear gap, beside or below."""
    return _close(units[k - 1], units[k]) and not _apart_vertically(atoms[owner[k - 1]], atoms[owner[k]])


def _close(a: Piece, b: Piece) -> bool:
    gap = b.box[1] - a.box[3]
    return gap <= JOIN_GAP * max(a.height, b.height)


def _apart_vertically(a: Piece, b: Piece) -> bool:
    """Is one piece over the other, clear of it, and no flat bar (see :data:`JOIN_CLEAR`)?"""
    gap = max(b.box[0] - a.box[2], a.box[0] - b.box[2])
    small = min(a, b, key=lambda p: p.height)
    return gap > JOIN_CLEAR * max(a.height, b.height) and small.height >= LETTER_FLAT * small.width


def log_score(confidence: float, not_digit: float | None) -> float:
    s = math.log(max(confidence, 1e-6))
    if not_digit is not None:
        s += math.log(max(1.0 - not_digit, 1e-6))
    return s


def best_path(n: int, score: dict[tuple[int, int], float]) -> list[tuple[int, int]]:
    """The segmentation of units 0..n with the best total score (dynamic programming)."""
    best = [0.0] + [-math.inf] * n
    back: list[tuple[int, int] | None] = [None] * (n + 1)
    for j in range(1, n + 1):
        for i in range(j):
            if (i, j) in score and best[i] > -math.inf:
                s = best[i] + score[(i, j)]
                if s > best[j]:
                    best[j], back[j] = s, (i, j)
    path, j = [], n
    while j > 0:
        step = back[j]
        if step is None:  # unreachable: single units are always candidates
            raise RuntimeError("no segmentation found")
        path.append(step)
        j = step[0]
    return path[::-1]
