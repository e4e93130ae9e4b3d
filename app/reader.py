"""From an ink map to an answer: one digit, a number read left to right, or "not a digit". No Qt.

:func:`app.preprocess.segment` finds the pieces; where pieces may be cut wrongly (a wide
piece that may be two touching digits, two close pieces that may be one broken digit)
both readings are scored, and the segmentation with the best total wins (segmentation by
recognition: the log of each piece's top probability and of its chance of being a digit).
All candidate pieces are classified in one batch.
"""

from __future__ import annotations

import collections
import itertools
import math
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from app.contract import rejects
from app.lattice import JOIN_CLEAR, LETTER_FLAT, best_path, candidates, log_score
from app.preprocess import INK_THRESHOLD, EmptyImage, Piece, frame, label, normalise, segment
from app.reading import DigitReading, Reading, decide
from app.strings import (
    BLANK,
    STRING_BOX,
    STRING_COLUMNS,
    STRING_SURE,
    STRING_WIDTH,
    StringReading,
    decode,
    frame_string,
    labelling_probability,
)

#: ``score(images (N,28,28)) -> (probs (N,10), not-a-digit scores (N,) or None)``
Scorer = Callable[[np.ndarray], tuple[np.ndarray, np.ndarray | None]]
#: ``strings(fields (N,32,128)) -> (N,32,11)``: the string model (:mod:`app.strings`)
StringScorer = Callable[[np.ndarray], np.ndarray]
#: A candidate read as a string: its log score, the reading and the string model's columns (32, 11).
StringEntry = tuple[float, StringReading, np.ndarray]
#: A whole piece read by the string model: the candidate it is, the reading and the model's columns (32, 11).
WholeRead = tuple[int, StringReading, np.ndarray]

#: A whole piece is read in parts too only when it does not read as a clean digit: it is turned away,
#: or read under CUT_WHEN, or wider for its height than MNIST usually writes that digit (WIDEST: the
#: 95th percentile of width / height of MNIST's training digits' ink, per class; the 99th let two
#: overlapping digits read as one go uncut: touching numbers of two independent sets 80% -> 81%
#: and 12.5% -> 15% with the 95th, the recognition deciding between whole and parts).
CUT_WHEN = 0.9
WIDEST = (1.18, 0.8, 1.25, 1.05, 1.05, 1.43, 1.0, 1.05, 1.0, 0.95)
#: A candidate that holds no piece reading as a clean digit, and is at least this wide for its height,
#: may be touching digits read whole by the string model (:mod:`app.strings`, whose STRING_SURE it must reach).
STRING_ASPECT = 0.75
#: A whole piece (not cut, not joined) this wide for its height is read as a string too: a 1 touching its neighbour
#: adds little width ("91" written touching measured 0.68 of its height, read "9" while the string model read "91" at
#: 0.96). Whole pieces always have their string field in evaluate's stored plans, cut parts only from STRING_ASPECT.
STRING_WHOLE_ASPECT = 0.6
#: A piece the not-a-digit gate doubts this much (its score, below the threshold that turns it away) may be
#: digits that touch even when the classifier reads it as one clean digit: "91" written touching read "9" at
#: 99.98% with a gate score of 0.94, "17" read "7" with 0.87. Its cuts and its string reading compete with it.
DOUBT_GATE = 0.5
#: The parts such a piece is cut into must be clean digits to the gate too (a score under this) and read at
#: CUT_WHEN or more: a weak cut does not beat a sure digit ("0" with a gap read "13", its parts' scores 0.42-0.44;
#: a helper's review found four such 0s; with 0.25, none, and none of the 21 touching pairs with a 1 it fixed lost).
#: 0.2 since the twenty-fifth session's models were published: with them one of 366 broken 0s was cut into "13", its
#: parts' scores 0.10 and 0.23; at 0.2 none, and the four independent sets' 2,280 pictures read exactly as at 0.25.
DOUBT_PARTS = 0.2
#: A whole piece the cuts read as two or more digits, which the string model reads as more digits, at this labelling
#: probability or more (under STRING_SURE), is read as the string: cuts merge two overlapping digits into one
#: where the string model counts them ("33371" read "3337", "866" "86"). Chosen on an independent set's touching
#: numbers and the pipeline's scenes (the string readings it adds were 0.31-0.60): at 0.2 / 0.3, set K touching
#: +6 / +6 (none lost), scenes +17 -10 / +16 -8; numbers, photos, gapped and single digits, paper and
#: non-digits unchanged (a piece read as one digit is never re-read so: that cost 5 non-digits and 2 single
#: digits); set M's touching +4 -2, checked afterwards. Then asked to beat the cuts' score too (see
#: :func:`_recount`): K +6, scenes +16 -6, M +4 -1.
STRING_MORE = 0.3
#: A piece the gate turns away whole and the cuts read as two or more digits is not read so when the string model,
#: reading it whole as fewer digits, gives the cuts' digits under this share of its own reading's probability: both
#: models then say the digits are not there (scribbles read "1411", "80111", "5588588", a K "18", an M "17"). Chosen
#: before measuring, a tenth; on the four independent sets (2,280 pictures) it turned away 12 more of their 580
#: non-digits (K +6, M +2, N +4) and changed no digit's reading.
FEWER = 0.1
#: A digit read from the ink as it is is a line of the paper when a reading without the paper's structure keeps
#: less than this share of its box (see choose).
PAPER = 0.5


@dataclass(frozen=True)
class Plan:
    """Every candidate digit of an ink map, framed and ready for one batch (the model-free half of reading)."""

    units: int  # how many units the ink was cut into; a segmentation covers 0..units
    spans: list[tuple[int, int]]  # candidate i covers units spans[i][0] .. spans[i][1] - 1
    boxes: np.ndarray  # (N, 4) top, left, bottom, right in the ink map's pixels
    images: np.ndarray  # (N, 28, 28) float32 MNIST-framed inputs
    shape: tuple[int, int]  # the ink map's (height, width)
    #: (N,) each candidate's log-prior as a digit: 0 for a piece or joined pieces; a candidate made by
    #: cutting through ink pays app.lattice.CUT_PENALTY for the cut it begins at, and SHORT_PENALTY if it is short
    prior: np.ndarray | None = None
    pieces: list[Piece] | None = field(default=None, repr=False)  # each candidate's ink, when asked for
    #: (N, 2) the first and last piece (atom) each candidate holds ink of, and whether it holds only part of
    #: it (it begins or ends at a cut): a piece that reads as a clean digit whole is not read in parts
    atoms: np.ndarray | None = None
    partial: np.ndarray | None = None
    #: (N,) the piece a candidate is, whole and alone (-1 for parts and joins)
    whole: np.ndarray | None = None
    #: (N, 32, 128) each candidate's string field (app.strings.frame_string), when made beforehand (evaluate's
    #: stored plans have no ink: those at least STRING_ASPECT wide have one); else made from ``pieces``
    string_fields: np.ndarray | None = field(default=None, repr=False)


class Memo:
    """What recent readings framed and scored, by content (a small LRU).

    When a person adds a stroke, the digits it does not touch are the same pixels as before:
    their 28x28 inputs and the model's scores are reused, and only the changed pieces are
    framed and classified. Keys are 64-bit hashes of the exact pixels (Python's own, several
    times faster than a cryptographic digest of a large piece), so a reuse is exact unless two
    different pieces of the same size collide (about one chance in 10^19 a pair), for a model
    that scores each image independently of the rest of its batch (ours do; a dynamically
    quantised one would not). Scores belong to one scorer: another one empties it. String readings
    (:mod:`app.strings`) are kept too. 256 entries: a drawing's candidates, their scores and their string
    readings outgrow 64 (test_history_brings_a_drawing_back, 14 digits stroke by stroke: 4.6 s with 64,
    3.8 s with 256, this Xeon).
    """

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self.scorer: Scorer | None = None
        self._items: OrderedDict[tuple, object] = OrderedDict()

    def bind(self, scorer: Scorer) -> None:
        """Keep scores only for ``scorer`` (a bound method compares equal to itself re-fetched)."""
        if self.scorer != scorer:
            self._items.clear()
            self.scorer = scorer

    @staticmethod
    def key(kind: bytes, array: np.ndarray) -> tuple:
        return kind, array.shape, array.dtype.str, hash(array.tobytes())

    def get(self, key: tuple) -> object | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: tuple, value: object) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.size:
            self._items.popitem(last=False)


def _framed(ink: np.ndarray, memo: Memo | None) -> np.ndarray:
    if memo is None:
        return frame(ink)
    key = Memo.key(b"frame", ink)
    image = memo.get(key)
    if image is None:
        image = frame(ink)
        image.flags.writeable = False
        memo.put(key, image)
    return image  # type: ignore[return-value]


def plan(ink: np.ndarray, memo: Memo | None = None, keep_pieces: bool = False, cut: set[int] | None = None) -> Plan:
    """Normalise, segment and frame every candidate; raise ``EmptyImage`` when there is no ink.

    ``cut``: the pieces that may be cut into touching digits (None: every piece wide and tall enough;
    :func:`read_ink` first reads the pieces whole and cuts only those that do not read as a clean digit).
    ``keep_pieces``: keep each candidate's ink too (to tell, in training data, what a candidate holds)."""
    ink = normalise(ink)
    atoms = unstack(segment(ink))
    if not atoms:
        raise EmptyImage("nothing is drawn: no ink stands out from the background")
    return _plan(atoms, ink.shape, memo, keep_pieces, cut)


#: A word over a digit: the part above a clear gap across a piece is a word (a form's caption, "Item:" over the
#: first digit; stacked with it, the piece was "not a digit" and the form "not a number") when it is at most
#: WORD_HEIGHT of the part below's height, made of two or more pieces side by side (each at least WORD_PART of
#: its height: specks are not letters), WORD times as wide as tall, and stands clear of what is below by
#: WORD_GAP of its height. A 5's bar written apart, a broken 7, an "=" or a "?" have one piece above; an 8's top
#: loop drawn in two strokes stands a pixel or two off its lower loop.
WORD_HEIGHT = 0.65
WORD = 0.8
WORD_PART = 0.3
WORD_GAP = 0.15
#: A word printed joined is one piece at least twice as wide as tall and this share of the digit's height (a
#: pen's bar is thinner).
WORD_JOINED = 0.2
#: A title printed over a number is stacked with each digit under it, a letter or two a piece ("Total" over
#: "78070": "al" over the 8). One letter is a word's part too when it stands app.lattice.JOIN_CLEAR of the digit's
#: height above it and is no flat bar (at least app.lattice.LETTER_FLAT as tall as wide: a 5's bar written apart
#: is flatter), as the lattice measures a letter over a digit. Titles over numbers on plain paper (a helper's set
#: I): 68.8% -> 81.2% with this alone, its forms +4, -1.
#: A second line of digits written smaller over the first (0.46-0.63 as tall) stacks a digit over each and looks
#: the same: its digits are taken for a title's letters and the lower line is read alone (a helper's review: 3
#: of 40 two-line pictures). Titles' letters measure 0.23-0.64 of the digits (set I): no height tells them apart.


def unstack(pieces: list[Piece]) -> list[Piece]:
    """``pieces`` without a word written or printed above a digit (see WORD_HEIGHT): it is no digit, and as a
    piece of its own it was read joined with the digit beside ("671" read "6771")."""
    return [_below_word(piece) or piece for piece in pieces]


def _below_word(piece: Piece) -> Piece | None:
    """What is below a word (or a letter of one) above a clear gap across ``piece``, cropped to its ink; or None."""
    on = piece.ink > INK_THRESHOLD
    rows = np.flatnonzero(on.any(axis=1))
    for g in np.flatnonzero(np.diff(rows) > 2):  # two or more empty rows across the piece
        top, bottom = int(rows[g]) + 1, int(rows[g + 1])  # the word's rows end at top, the rest begin at bottom
        word = on[:top]
        cols = np.flatnonzero(word.any(axis=0))
        below = piece.height - bottom
        if top > WORD_HEIGHT * below:
            return None
        _, _, parts = label(word)
        tall = parts[(parts[:, 2] - parts[:, 0]) >= WORD_PART * top]
        # letters joined at this size are one long piece, as tall as a word ("Serial"), not a pen's bar
        joined = len(tall) == 1 and tall[0, 3] - tall[0, 1] >= 2 * top and top >= WORD_JOINED * below
        wide = cols[-1] + 1 - cols[0] >= WORD * top
        letter = len(tall) == 1 and bottom - top >= JOIN_CLEAR * below and top >= LETTER_FLAT * (cols[-1] + 1 - cols[0])
        if (letter or (wide and (len(tall) >= 2 or joined))) and bottom - top >= WORD_GAP * below:
            ink = piece.ink[bottom:]
            cols = np.flatnonzero((ink > 0).any(axis=0))
            t, left, b, _ = piece.box
            return Piece(
                (t + bottom, left + int(cols[0]), b, left + int(cols[-1]) + 1), ink[:, cols[0] : cols[-1] + 1].copy()
            )
    return None


def _plan(
    atoms: list[Piece], shape: tuple[int, int], memo: Memo | None, keep_pieces: bool, cut: set[int] | None
) -> Plan:
    c = candidates(atoms, cut)
    keys = list(c.spans)
    images = np.stack([_framed(c.spans[k].ink, memo) for k in keys]).astype(np.float32)
    boxes = np.array([c.spans[k].box for k in keys], np.int64).reshape(-1, 4)
    first = {a: c.owner.index(a) for a in set(c.owner)}
    last = {a: len(c.owner) - 1 - c.owner[::-1].index(a) for a in set(c.owner)}
    atom_of = np.array([(c.owner[i], c.owner[j - 1]) for i, j in keys], np.int64).reshape(-1, 2)
    partial = np.array([(i != first[c.owner[i]], j - 1 != last[c.owner[j - 1]]) for i, j in keys], bool).reshape(-1, 2)
    whole = np.where((atom_of[:, 0] == atom_of[:, 1]) & ~partial.any(axis=1), atom_of[:, 0], -1)
    return Plan(
        len(c.units),
        keys,
        boxes,
        images,
        shape,
        np.array([c.prior[k] for k in keys], np.float32),
        [c.spans[k] for k in keys] if keep_pieces else None,
        atom_of,
        partial,
        whole,
    )


def resolve(
    p: Plan,
    probs: np.ndarray,
    reject: np.ndarray | None,
    threshold: float | None,
    labels: Sequence[str],
    *,
    dark_on_light: bool = True,
    scale: float = 1.0,
    removed: tuple[str, ...] = (),
    strings: StringScorer | None = None,
    memo: Memo | None = None,
) -> Reading:
    """Pick the best segmentation from the scores of every candidate and decide (the model's half done).

    With ``strings`` (and a plan that kept its pieces' ink), a candidate may also read as touching digits;
    with a ``memo`` too, a candidate seen in a recent reading is not framed or read as a string again."""
    flags = rejects(np.asarray(reject), threshold) if reject is not None and threshold is not None else None
    index = {key: i for i, key in enumerate(p.spans)}
    best = probs.argmax(1)
    confidence = probs[np.arange(len(best)), best].tolist()
    not_digit = None if reject is None else np.asarray(reject, np.float64).tolist()
    clean = _clean_atoms(p, best, confidence, flags, not_digit)
    doubted = _clean_atoms(p, best, confidence, flags, None) - clean if not_digit is not None else set()
    if strings is not None and clean:
        # a clean digit the string model reads as two is doubted as the gate doubts one: its cuts, if sure, and
        # its string reading compete with it ("71" written touching read "7" at 95%, the string "71" at 98%)
        several = _several(p, clean, strings, memo)
        clean -= several
        doubted |= several
    kept = _gate_cuts(p, clean, doubted, confidence, flags, not_digit)
    read_as_string, nothing, said, counted = (
        _string_scores(p, kept, clean, strings, memo, flags) if strings is not None else ({}, set(), {}, {})
    )
    if nothing and flags is not None and not_digit is not None:
        flags = _both_doubt(flags, nothing, said, not_digit)
        kept &= ~_cuts_of(p, {int(p.whole[i]) for i in nothing if flags[i]})
        read_as_string = {key: v for key, v in read_as_string.items() if kept[index[key]]}
    score = _scores(p, kept, confidence, not_digit)
    for key, (s, *_) in read_as_string.items():
        if s <= score.get(key, -math.inf):
            continue
        score[key] = s
    path = best_path(p.units, score)
    if counted and _recount(p, path, index, read_as_string, score, counted):
        path = best_path(p.units, score)
    refused = _fewer(p, path, index, best, said, flags, read_as_string, score)
    if refused:
        cuts = _cuts_of(p, refused)
        score = {key: s for key, s in score.items() if not cuts[index[key]]}
        path = best_path(p.units, score)
    chosen: list[DigitReading] = []
    owners: list[int] = []  # the piece each chosen digit is all or part of (-1: of joined pieces)
    for key in path:
        i = index[key]
        before = len(chosen)
        if _as_string(key, read_as_string, score):
            _, read, columns = read_as_string[key]
            chosen.extend(_string_readings(p, i, read, columns, scale, labels))
        else:
            chosen.append(
                DigitReading(
                    label=labels[best[i]],
                    confidence=confidence[i],
                    probs=np.asarray(probs[i], np.float32),
                    box=tuple(round(v * scale) for v in p.boxes[i].tolist()),  # type: ignore[arg-type]
                    image=p.images[i],
                    not_digit=None if not_digit is None else not_digit[i],
                    rejected=flags is not None and bool(flags[i]),
                )
            )
        one = p.atoms is not None and p.atoms[i, 0] == p.atoms[i, 1]
        owners += [int(p.atoms[i, 0]) if one else -1] * (len(chosen) - before)  # type: ignore[index]
    reading = decide(_more(chosen, owners, said, labels), dark_on_light, p.shape, scale, labels)
    return replace(reading, removed=removed, fit=_fit(reading))


def _as_string(
    key: tuple[int, int],
    read_as_string: dict[tuple[int, int], StringEntry],
    score: dict[tuple[int, int], float],
) -> bool:
    """Does candidate ``key`` count as its string reading (its score is the string's, not its cut reading's)?"""
    return key in read_as_string and score[key] == read_as_string[key][0]


def _recount(
    p: Plan,
    path: list[tuple[int, int]],
    index: dict[tuple[int, int], int],
    read_as_string: dict[tuple[int, int], StringEntry],
    score: dict[tuple[int, int], float],
    counted: dict[int, tuple[tuple[int, int], StringEntry]],
) -> bool:
    """Make ``path`` read as the string model reads it each whole piece of ``counted`` (by piece: its span and
    string reading) that ``path`` reads as two or more digits but fewer than the string has (STRING_MORE), where
    the string's log score beats the path's over the piece: its span is given a score above any path's total of
    log-probabilities (each at most 0). Whether any was. (Without the comparison, a stroke left of a comb's tooth
    made "10" read "110", the cuts' -0.77 against the string's -0.79, and an independent set's "106" "1106".)"""
    assert p.atoms is not None
    taken: collections.Counter[int] = collections.Counter()
    cut: dict[int, float] = collections.defaultdict(float)  # the path's log score over each piece
    for key in path:
        i = index[key]
        if p.atoms[i, 0] == p.atoms[i, 1]:
            as_string = _as_string(key, read_as_string, score)
            taken[int(p.atoms[i, 0])] += len(read_as_string[key][1].digits) if as_string else 1
            cut[int(p.atoms[i, 0])] += score[key]
    changed = False
    for piece, (span, (string_score, read, row)) in counted.items():
        if 2 <= taken[piece] < len(read.digits) and string_score > cut[piece] and span in score:
            score[span] = 1.0
            read_as_string[span] = (1.0, read, row)
            changed = True
    return changed


def _fewer(
    p: Plan,
    path: list[tuple[int, int]],
    index: dict[tuple[int, int], int],
    best: np.ndarray,
    said: dict[int, WholeRead],
    flags: np.ndarray | None,
    read_as_string: dict[tuple[int, int], StringEntry],
    score: dict[tuple[int, int], float],
) -> set[int]:
    """The pieces ``path`` cuts into two or more digits that the gate turns away whole and the string model reads
    whole as fewer digits, giving the cuts' digits under FEWER of its own reading's probability."""
    if flags is None or not said or p.atoms is None:
        return set()
    cut: dict[int, list[int]] = collections.defaultdict(list)
    for key in path:
        i = index[key]
        if p.atoms[i, 0] == p.atoms[i, 1] and not _as_string(key, read_as_string, score):
            cut[int(p.atoms[i, 0])].append(int(best[i]))
    refused = set()
    for piece, digits in cut.items():
        if len(digits) < 2 or piece not in said:
            continue
        whole, read, row = said[piece]
        fewer = flags[whole] and len(read.digits) < len(digits)
        if fewer and labelling_probability(row, digits) < FEWER * read.labelling:
            refused.add(piece)
    return refused


def _more(
    chosen: list[DigitReading], owners: list[int], said: dict[int, WholeRead], labels: Sequence[str]
) -> list[DigitReading]:
    """``chosen``, each digit marked with what the string model reads in its piece (``owners``: the piece each
    digit is all of or part of, -1 for digits of joined pieces) when that is more digits than the answer takes
    from the piece. Cut where the classifier liked the parts, a piece of three overlapping digits gave two that
    the gate accepted, each sure, while the string model, unsure, read three ("375" read "35" and "866" "86":
    an independent set's touching numbers shown sure and wrong 5 -> 2). The cost, on the pipeline's own sets:
    right answers called not sure +8 of 1,957 numbers, +10 of 9,888 photos, +11 of 2,681 scenes (under 0.5%
    each, UNSURE_GATE's bound), wrong ones shown sure 12 -> 12, 46 -> 45, 227 -> 208. Asking instead that the
    two readings disagree (the answer's digits not within the string's) cost less (+4) and caught 5, not 20."""
    taken = collections.Counter(o for o in owners if o >= 0)
    return [
        replace(q, more="".join(labels[d] for d in said[o][1].digits))
        if o >= 0 and o in said and len(said[o][1].digits) > taken[o]
        else q
        for q, o in zip(chosen, owners, strict=True)
    ]


def _scores(
    p: Plan, kept: np.ndarray, confidence: list[float], not_digit: list[float] | None
) -> dict[tuple[int, int], float]:
    """Each candidate that may be chosen, by its span: its log score as a digit plus its log-prior."""
    return {
        key: log_score(confidence[i], None if not_digit is None else not_digit[i])
        + (float(p.prior[i]) if p.prior is not None else 0.0)
        for i, key in enumerate(p.spans)
        if kept[i]
    }


def _fit(reading: Reading) -> float:
    """How well an answer's pieces read: the mean of their log scores (all pieces of a refusal)."""
    answer = [q for q in reading.pieces if not q.rejected] or list(reading.pieces)
    return sum(log_score(q.confidence, q.not_digit) for q in answer) / max(len(answer), 1)


def _clean_atoms(
    p: Plan, best: np.ndarray, confidence: list[float], flags: np.ndarray | None, not_digit: list[float] | None
) -> set[int]:
    """The pieces that read as a clean digit whole."""
    if p.whole is None:
        return set()
    return {
        int(a)
        for i, a in enumerate(p.whole)
        if a >= 0
        and not _doubtful(
            p,
            i,
            int(best[i]),
            confidence[i],
            flags is not None and bool(flags[i]),
            None if not_digit is None else not_digit[i],
        )
    }


def _string_scores(
    p: Plan,
    kept: np.ndarray,
    clean: set[int],
    strings: StringScorer,
    memo: Memo | None = None,
    flags: np.ndarray | None = None,
) -> tuple[
    dict[tuple[int, int], StringEntry],
    set[int],
    dict[int, WholeRead],
    dict[int, tuple[tuple[int, int], StringEntry]],
]:
    """The candidates that read as two or more touching digits (none holding a ``clean`` piece): their log
    score, the string read and the string model's columns (32, 11); and the candidates that are a whole piece
    whose likeliest reading by the string model is no digits at all. Not only a sure one: a V, W, n or A it read
    as no digits at 0.57-0.69 was cut into "11", "1111", "17" or "14" (an independent set's 8 of 200 non-digits;
    none of its 500 numbers and digits, nor of 620 on paper, lost by asking less); what it reads in
    each whole piece it was asked, by piece; and, by piece, each wide whole piece's span and reading when it
    reads two or more digits at STRING_MORE or more (see :func:`_recount`)."""
    if (p.pieces is None and p.string_fields is None) or p.atoms is None:
        return {}, set(), {}, {}
    todo, wide = [], set()
    for i in range(len(p.spans)):
        is_wide = _wide(p, i)
        # a narrow whole piece the gate turns away is read too, for the "no digits" check alone, when it may be
        # cut: a squeezed "R" was cut into "12" when only wide pieces were asked (asking every narrow piece,
        # the broken digits of a 4-digit number drawn in the window cost 1.9 ms a reading)
        narrow = (
            p.whole is not None
            and p.whole[i] >= 0
            and flags is not None
            and bool(flags[i])
            and bool((kept & _cuts_of(p, {int(p.whole[i])})).any())
        )
        if not kept[i] or not (is_wide or narrow):
            continue
        if any(a in clean for a in range(int(p.atoms[i, 0]), int(p.atoms[i, 1]) + 1)):
            continue  # a piece that reads as one clean digit is not part of a string
        todo.append(i)
        if is_wide:
            wide.add(i)
    if not todo:
        return {}, set(), {}, {}
    probs = _read_strings(p, todo, strings, memo)
    out, nothing, said, counted = {}, set(), {}, {}
    for i, row in zip(todo, probs, strict=True):
        read = decode(row)
        if i not in wide or len(read.digits) < 2 or read.labelling < STRING_MORE:
            entry = None
        else:
            entry = (math.log(read.labelling) + (float(p.prior[i]) if p.prior is not None else 0.0), read, row)
        if p.whole is not None and p.whole[i] >= 0:
            said[int(p.whole[i])] = (i, read, row)
            if not read.digits:
                nothing.add(i)
            if entry is not None:
                counted[int(p.whole[i])] = (p.spans[i], entry)
        if entry is not None and read.labelling >= STRING_SURE:
            out[p.spans[i]] = entry
    return out, nothing, said, counted


def _both_doubt(flags: np.ndarray, nothing: set[int], said: dict[int, WholeRead], not_digit: list[float]) -> np.ndarray:
    """``flags`` with the whole pieces of ``nothing`` turned away that the gate doubts (DOUBT_GATE, under its
    threshold) and the string model reads as no digits at STRING_SURE or more: both models say it is no digit
    (an "e" drawn with a mouse, its gate score 0.938 against a threshold of 0.944, no digits at 1.00, was cut
    into "63")."""
    sure = {i for i, read, _ in said.values() if not read.digits and read.labelling >= STRING_SURE}
    doubted = [i for i in nothing & sure if not flags[i] and not_digit[i] >= DOUBT_GATE]
    if not doubted:
        return flags
    flags = flags.copy()
    flags[doubted] = True
    return flags


def _several(p: Plan, clean: set[int], strings: StringScorer, memo: Memo | None) -> set[int]:
    """The ``clean`` pieces at least STRING_WHOLE_ASPECT wide that the string model reads whole as two or more
    digits, at STRING_SURE or more (see :func:`resolve`)."""
    if (p.pieces is None and p.string_fields is None) or p.whole is None:
        return set()
    todo = [i for i, a in enumerate(p.whole.tolist()) if a in clean and _wide(p, i)]
    if not todo:
        return set()
    probs = _read_strings(p, todo, strings, memo)
    return {
        int(p.whole[i])
        for i, row in zip(todo, probs, strict=True)
        if len((read := decode(row)).digits) >= 2 and read.labelling >= STRING_SURE
    }


def _wide(p: Plan, i: int) -> bool:
    """Is candidate ``i`` wide enough for its height for the string model to read it as touching digits (a whole
    piece from STRING_WHOLE_ASPECT, cut parts and joins from STRING_ASPECT)? Evaluate's stored plans keep string
    fields by the same rule (pipeline/sets/plans.py); the gate's doubt (_doubtful) asks STRING_ASPECT of a whole
    piece, a rule of its own."""
    top, left, bottom, right = p.boxes[i].tolist()
    aspect = STRING_WHOLE_ASPECT if p.whole is not None and p.whole[i] >= 0 else STRING_ASPECT
    return right - left >= aspect * (bottom - top)


def _read_strings(p: Plan, todo: list[int], strings: StringScorer, memo: Memo | None) -> np.ndarray:
    """The string model's columns (len(todo), 32, 11) for candidates ``todo``: from the plan's stored fields, or
    framed from their ink (through the memo when there is one)."""
    if p.string_fields is not None:
        return strings(p.string_fields[todo])
    if memo is None:
        return strings(np.stack([frame_string(p.pieces[i].ink) for i in todo]))  # type: ignore[index]
    return _strings_new([p.pieces[i].ink for i in todo], strings, memo)  # type: ignore[index]


def _cuts_of(p: Plan, pieces: set[int]) -> np.ndarray:
    """The candidates that hold only part of one of ``pieces`` (they begin or end at a cut through it)."""
    assert p.partial is not None and p.atoms is not None
    return (p.partial[:, 0] & np.isin(p.atoms[:, 0], list(pieces))) | (
        p.partial[:, 1] & np.isin(p.atoms[:, 1], list(pieces))
    )


def _string_readings(
    p: Plan, i: int, read: StringReading, columns: np.ndarray, scale: float, labels: Sequence[str]
) -> list[DigitReading]:
    """Candidate ``i`` read as a string: each digit in its share of the box (split halfway between the
    columns the digits were read at), with the string's probability as its confidence, the digits the
    string model weighed at its column as its alternatives (relative to that confidence), and its share
    of the ink framed as the model saw a digit (the whole candidate when the plan kept no ink)."""
    top, left, bottom, right = p.boxes[i].tolist()
    # the field's columns back to the candidate's pixels: the ink was scaled to fit STRING_BOX and centred
    width = max(right - left, 1)
    s = min(STRING_BOX[0] / max(bottom - top, 1), STRING_BOX[1] / width)
    x0 = (STRING_WIDTH - max(1, round(width * s))) // 2
    centres = [left + ((c + 0.5) * STRING_WIDTH / STRING_COLUMNS - x0) / s for c in read.columns]
    edges = [left, *((a + b) / 2 for a, b in itertools.pairwise(centres)), right]
    out = []
    for n, (digit, column) in enumerate(zip(read.digits, read.columns, strict=True)):
        lo, hi = int(np.clip(round(edges[n]), left, right)), int(np.clip(round(edges[n + 1]), left, right))
        # the column's weights scaled so the digit read (greedy decoding read it where it was the column's
        # best) carries the string's probability, as every DigitReading's best carries its confidence:
        # bars and --json then never show 100% beside a digit the answer calls not sure
        weighed = np.asarray(columns[column, :BLANK], np.float64)
        probs = (weighed * (read.probability / weighed[digit])).astype(np.float32)
        out.append(
            DigitReading(
                label=labels[digit],
                confidence=read.probability,
                probs=probs,
                box=tuple(round(v * scale) for v in (top, lo, bottom, max(hi, lo + 1))),  # type: ignore[arg-type]
                image=_share(p, i, lo - left, max(hi, lo + 1) - left),
                not_digit=1.0 - read.probability,
                touching=True,
            )
        )
    return out


def _share(p: Plan, i: int, lo: int, hi: int) -> np.ndarray:
    """Columns ``lo``..``hi`` of candidate ``i``'s ink, framed as a digit (the candidate's own field when
    the plan kept no ink or the share holds none)."""
    if p.pieces is None:
        return p.images[i]
    try:
        return frame(p.pieces[i].ink[:, lo:hi])
    except EmptyImage:
        return p.images[i]


def _doubtful(p: Plan, i: int, digit: int, confidence: float, rejected: bool, not_digit: float | None) -> bool:
    """Does candidate ``i``, a whole piece, not read as a clean digit (so it may be digits that touch)?"""
    top, left, bottom, right = p.boxes[i].tolist()
    wide = (right - left) > WIDEST[digit] * max(bottom - top, 1)  # wider than MNIST ever writes this digit
    doubted = not_digit is not None and not_digit >= DOUBT_GATE and (right - left) >= STRING_ASPECT * (bottom - top)
    return rejected or confidence < CUT_WHEN or wide or doubted


def _gate_cuts(
    p: Plan,
    clean: set[int],
    doubted: set[int],
    confidence: list[float],
    flags: np.ndarray | None,
    not_digit: list[float] | None,
) -> np.ndarray:
    """Which candidates may be chosen: none that holds part of a ``clean`` piece (one that reads as a clean digit
    whole), and of a piece only the gate doubts (``doubted``: :data:`DOUBT_GATE`), only parts that read as clean
    digits themselves: the gate's doubt alone does not make a weak cut better than a sure digit (an open 0 read
    at 99.99%, its gate score 0.92, was cut into "13" with the 3 at 41%)."""
    kept = np.ones(len(p.spans), bool)
    if p.whole is None or p.partial is None or p.atoms is None or not p.partial.any():
        return kept
    sure = np.array(
        [
            c >= CUT_WHEN and not (flags is not None and flags[i]) and (not_digit is None or not_digit[i] < DOUBT_PARTS)
            for i, c in enumerate(confidence)
        ],
        bool,
    )
    for side in (0, 1):
        kept &= ~(p.partial[:, side] & np.isin(p.atoms[:, side], list(clean)))
        kept &= ~(p.partial[:, side] & np.isin(p.atoms[:, side], list(doubted)) & ~sure)
    return kept


def choose(readings: Sequence[Reading]) -> Reading:
    """The reading of a picture's ink variants to give: an answer over a refusal, then one whose answer holds
    no line of the paper, then one with a form's boxes (and what was found with them) taken out over one
    without, then the better fit (the first, the one without the paper's structure, on a tie).

    A straight stroke may look like a line, so the ink as it is gets its chance against ruling alone; but
    boxes are found only as rectangles printed alike, as comb fields or as teeth on a line, and a box read
    with the digit that touches it can fit well ("57563": the 5 and its box read "0" at 87%)."""
    paper = [_reads_paper(r, readings) for r in readings]
    best = max(
        range(len(readings)),
        key=lambda i: (
            readings[i].rejected is None,
            not paper[i],
            "boxes" in readings[i].removed,
            round(readings[i].fit, 9),
        ),
    )
    return readings[best]


def _reads_paper(reading: Reading, readings: Sequence[Reading]) -> bool:
    """Is a digit of ``reading``, read from the ink as it is, a line of the paper: gone (under PAPER of its box
    left) from a reading that took the paper's structure out? A notebook's margin read as a 1 dwarfed the
    digits beside it, which were set aside as marks ("51" read "1"), or it joined them ("436" read "1436")."""
    if reading.removed or reading.rejected:
        return False
    for other in readings:
        if not other.removed:
            continue
        left = [q.box for q in (*other.pieces, *other.ignored)]
        for p in reading.pieces:
            if reading.is_set_aside(p):
                continue
            t, x0, b, x1 = p.box
            seen = np.zeros((max(b - t, 1), max(x1 - x0, 1)), bool)
            for qt, ql, qb, qr in left:
                seen[max(qt - t, 0) : max(qb - t, 0), max(ql - x0, 0) : max(qr - x0, 0)] = True
            if seen.mean() < PAPER:
                return True
    return False


def read_variants(
    variants: Sequence[tuple[np.ndarray, object]],
    score: Scorer,
    threshold: float | None,
    labels: Sequence[str],
    *,
    dark_on_light: bool = True,
    scale: float = 1.0,
    memo: Memo | None = None,
    strings: StringScorer | None = None,
) -> Reading:
    """Read each ink variant of a picture (``(ink, structure)``, :func:`app.paper.ink_variants`), all
    candidates in one batch, and :func:`choose`; raise ``EmptyImage`` when none holds ink."""
    plans = []
    for ink, structure in variants:
        try:
            plans.append((plan(ink, memo, keep_pieces=strings is not None), structure))
        except EmptyImage:
            continue
    if not plans:
        raise EmptyImage("nothing is drawn: no ink stands out from the background")
    images = np.concatenate([p.images for p, _ in plans]) if len(plans) > 1 else plans[0][0].images
    probs, reject = score(images) if memo is None else _score_new(images, score, memo)
    readings, a = [], 0
    for p, structure in plans:
        b = a + len(p.images)
        reading = resolve(
            p,
            probs[a:b],
            None if reject is None else reject[a:b],
            threshold,
            labels,
            dark_on_light=dark_on_light,
            scale=scale,
            removed=tuple(getattr(structure, "kinds", ())),
            strings=strings,
            memo=memo,
        )
        if reading.removed:
            reading = replace(reading, removed_mask=getattr(structure, "mask", None))
        readings.append(reading)
        a = b
    return choose(readings)


def read_ink(
    ink: np.ndarray,
    score: Scorer,
    threshold: float | None,
    labels: Sequence[str],
    *,
    dark_on_light: bool = True,
    scale: float = 1.0,
    memo: Memo | None = None,
    strings: StringScorer | None = None,
) -> Reading:
    """Segment ``ink`` (ink 1 on 0), classify the pieces in one batch, decide; raise ``EmptyImage``.

    With a ``memo`` (one per model), pieces seen in a recent reading are not framed or scored again.
    """
    ink = normalise(ink)
    atoms = unstack(segment(ink))
    if not atoms:
        raise EmptyImage("nothing is drawn: no ink stands out from the background")
    scorer = score if memo is None else (lambda images: _score_new(images, score, memo))
    # the pieces whole first; only those that do not read as a clean digit are cut (what resolve would
    # keep of a plan that cut every piece, for less work: a clean digit costs no cut paths)
    p = _plan(atoms, ink.shape, memo, strings is not None, set())
    probs, reject = scorer(p.images)
    flags = rejects(np.asarray(reject), threshold) if reject is not None and threshold is not None else None
    best = probs.argmax(1)
    confidence = probs[np.arange(len(best)), best].tolist()
    gate = None if reject is None else np.asarray(reject, np.float64).tolist()
    doubtful = {int(a) for a in p.whole if a >= 0} - _clean_atoms(p, best, confidence, flags, gate)
    if doubtful:
        p = _plan(atoms, ink.shape, memo, strings is not None, doubtful)
        probs, reject = scorer(p.images)
    return resolve(
        p, probs, reject, threshold, labels, dark_on_light=dark_on_light, scale=scale, strings=strings, memo=memo
    )


def _frozen(row: np.ndarray) -> np.ndarray:
    """A read-only float32 copy of ``row`` (a scorer may reuse its output buffer)."""
    out = np.array(row, np.float32)
    out.flags.writeable = False
    return out


def _memoised(memo: Memo, keys: list[tuple], compute: Callable[[list[int]], list[object]]) -> list[object]:
    """The memo's value for each of ``keys``; ``compute(indices)`` gives the values of those it has not
    seen, which it then keeps."""
    known = [memo.get(k) for k in keys]
    todo = [i for i, v in enumerate(known) if v is None]
    if todo:
        for i, value in zip(todo, compute(todo), strict=True):
            known[i] = value
            memo.put(keys[i], value)
    return known


def _score_new(images: np.ndarray, score: Scorer, memo: Memo) -> tuple[np.ndarray, np.ndarray | None]:
    """``score(images)``, running the model only on the images the memo has not seen."""
    memo.bind(score)

    def compute(todo: list[int]) -> list[object]:
        probs, reject = score(images[todo])
        return [(_frozen(probs[j]), None if reject is None else float(reject[j])) for j in range(len(todo))]

    rows = _memoised(memo, [Memo.key(b"score", im) for im in images], compute)
    probs = np.stack([r[0] for r in rows]).astype(np.float32)  # type: ignore[index]
    rejects = [r[1] for r in rows]  # type: ignore[index]
    return probs, (None if rejects[0] is None else np.array(rejects, np.float32))


def _strings_new(inks: list[np.ndarray], strings: StringScorer, memo: Memo) -> np.ndarray:
    """``strings`` of the candidates' string fields, framing and reading only the inks the memo has not seen
    (a person drawing the next stroke leaves most wide candidates as they were: with the pair model
    before the string model, the 14 digits of test_history_brings_a_drawing_back, 385 strokes, spent
    2.8 of their 5.9 s framing and reading the same candidates again)."""

    def compute(todo: list[int]) -> list[object]:
        return [_frozen(row) for row in strings(np.stack([frame_string(inks[i]) for i in todo]))]

    return np.stack(_memoised(memo, [Memo.key(b"string", ink) for ink in inks], compute))  # type: ignore[arg-type]
