"""Touching digits read whole: the string field, the string model beside the digit model, CTC decoding, the
reader's use of it, what it learns from (pipeline/synth/strings.py), and evaluate's stored plans."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from app.inference import Classifier
from app.preprocess import stroke_width
from app.strings import (
    BLANK,
    STRING_BOX,
    STRING_COLUMNS,
    STRING_HEIGHT,
    STRING_WIDTH,
    decode,
    frame_string,
    labelling_probability,
    string_path,
)
from app.wording import _alternatives
from pipeline.synth.strings import INK_HEIGHT, MAX_DIGITS, PEN_FONTS, PEN_WIDTH, Hand, _crop, string_examples, touch


def _picture(ink: np.ndarray, scale: int = 4, margin: int = 12) -> np.ndarray:
    """Ink (1 on 0, MNIST scale) as a dark-on-white grey picture, blown up ``scale`` times."""
    big = np.kron(np.pad(ink, margin // scale), np.ones((scale, scale), np.float32))
    return np.rint(255 * (1 - np.clip(big, 0, 1))).astype(np.uint8)


def _written_touching(a: np.ndarray, b: np.ndarray, overlap: float) -> np.ndarray:
    """``b`` right of ``a``, bottoms aligned, slid left until their ink meets and ``overlap`` x a's height on:
    this file's own placement (no size change or shift), not the training strings' (:func:`touch`)."""
    h = max(a.shape[0], b.shape[0])
    left, right = np.zeros((h, a.shape[1]), np.float32), np.zeros((h, b.shape[1]), np.float32)
    left[h - a.shape[0] :], right[h - b.shape[0] :] = a, b
    rows = (left > 0.3).any(1) & (right > 0.3).any(1)
    edge = a.shape[1] - np.argmax((left > 0.3)[:, ::-1], axis=1)
    x = int(np.max(edge[rows] - np.argmax(right > 0.3, axis=1)[rows])) if rows.any() else a.shape[1]
    x = max(0, x - round(overlap * a.shape[0]))
    out = np.zeros((h, max(a.shape[1], x + b.shape[1])), np.float32)
    out[:, : a.shape[1]] = left
    out[:, x : x + b.shape[1]] = np.maximum(out[:, x : x + b.shape[1]], right)
    return out


def _strings(sample, overlap: float, n: int, seed: int, length: int = 2) -> list[tuple[np.ndarray, str]]:
    """``n`` numbers of ``length`` MNIST test digits written touching, ``overlap`` x the height further."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        which = rng.integers(len(sample.y_test), size=length)
        ink = _crop(sample.x_test[which[0]])
        for i in which[1:]:
            ink = _written_touching(ink, _crop(sample.x_test[i]), overlap)
        out.append((_picture(ink), "".join(str(sample.y_test[i]) for i in which)))
    return out


@pytest.fixture(scope="module")
def readers(published_model):
    """The shipped digit model with its string model (beside it), and the same without."""
    with_strings = Classifier(published_model)
    alone = Classifier(published_model)
    alone.strings = None
    assert with_strings.strings is not None, (
        f"no string model beside {published_model}: publish one (pipeline.tools.publish)"
    )
    return with_strings, alone


def _read(classifier: Classifier, pictures) -> float:
    right = [classifier.read(p).number == t for p, t in pictures]
    return float(np.mean(right))


def _outline(h: int, w: int) -> np.ndarray:
    """A rectangle's outline (2 px lines): strokes, which the field keeps at MNIST's width."""
    ink = np.zeros((h, w), np.float32)
    ink[:2] = ink[-2:] = 1
    ink[:, :2] = ink[:, -2:] = 1
    return ink


def test_the_string_field_keeps_the_aspect_and_centres_the_ink():
    field = frame_string(_outline(10, 80))
    assert field.shape == (STRING_HEIGHT, STRING_WIDTH) and field.dtype == np.float32 and field.max() <= 1
    rows, cols = np.flatnonzero(field.max(1) > 0.05), np.flatnonzero(field.max(0) > 0.05)
    assert len(cols) == STRING_BOX[1] and abs(len(rows) - STRING_BOX[1] / 8) <= 1  # 8:1 kept, the width fills
    assert abs((rows[0] + rows[-1]) / 2 - (STRING_HEIGHT - 1) / 2) <= 1
    assert abs((cols[0] + cols[-1]) / 2 - (STRING_WIDTH - 1) / 2) <= 1
    tall = frame_string(_outline(40, 10))
    assert (tall.max(1) > 0.05).sum() == STRING_BOX[0]  # a tall piece fills the box's height
    assert not frame_string(np.zeros((5, 5), np.float32)).any()
    assert not frame_string(np.zeros((0, 0), np.float32)).any()


def test_decoding_merges_repeats_drops_blanks_and_keeps_a_doubled_digit():
    def columns(classes):
        probs = np.full((STRING_COLUMNS, BLANK + 1), 0.01, np.float32)
        for t, c in enumerate(classes):
            probs[t, c] = 0.9
        return probs

    b = BLANK
    read = decode(columns([b, 4, 4, b, 0, b, b, 7, 7, 7, b, 7] + [b] * (STRING_COLUMNS - 12)))
    assert read.digits == (4, 0, 7, 7) and read.columns == (1, 4, 7, 11)  # a blank between keeps 7 7 apart
    assert read.probability == pytest.approx(0.9**STRING_COLUMNS, rel=1e-4)
    assert decode(columns([b] * STRING_COLUMNS)).digits == ()


def test_labelling_probability_sums_every_path_that_reads_the_same_digits():
    """CTC's forward pass against brute force: every path of 3 columns, collapsed, summed by what it reads."""
    rng = np.random.default_rng(0)
    probs = rng.dirichlet(np.ones(BLANK + 1), size=3)
    total: dict[tuple[int, ...], float] = {}
    for path in itertools.product(range(BLANK + 1), repeat=3):
        read = tuple(c for c, prev in zip(path, (BLANK, *path[:-1]), strict=True) if c != BLANK and c != prev)
        total[read] = total.get(read, 0.0) + float(np.prod([probs[t, c] for t, c in enumerate(path)]))
    for digits, p in total.items():
        assert labelling_probability(probs, digits) == pytest.approx(p, rel=1e-9), digits
    assert sum(total.values()) == pytest.approx(1.0)
    # two digits each read in columns that also give BLANK some weight: every mix of 4 and BLANK in columns
    # 1-2 but BLANK BLANK reads 4, so the digits are likelier (0.84 x 0.6) than the best path (0.6^3)
    probs = np.zeros((STRING_COLUMNS, BLANK + 1))
    probs[:, BLANK] = 1.0
    for t, digit in ((1, 4), (2, 4), (4, 0)):
        probs[t, digit], probs[t, BLANK] = 0.6, 0.4
    read = decode(probs)
    assert read.digits == (4, 0) and read.columns == (1, 4)
    assert read.probability == pytest.approx(0.6**3) and read.labelling == pytest.approx(0.84 * 0.6)


def test_the_string_model_lives_beside_the_digit_model(tmp_path, published_model):
    assert string_path(published_model) == published_model.with_name("strings.onnx")
    # a digit model alone (another folder) reads without strings; an empty file (strings.enabled: false) is none
    lone = tmp_path / "digits.onnx"
    lone.write_bytes(published_model.read_bytes())
    assert Classifier(lone).strings is None
    string_path(lone).write_bytes(b"")
    assert Classifier(lone).strings is None
    string_path(lone).write_bytes(string_path(published_model).read_bytes())
    assert Classifier(lone).strings is not None
    assert Classifier(lone, data=lone.read_bytes()).strings is None  # bytes handed over have no folder


def test_touching_strings_read_whole_where_cuts_fail(readers, sample):
    """Three digits overlapping by 5% of their height: cuts alone misread most; the string model reads them
    (shipped models: 35% -> 75% of these 20). Two such digits lose nothing (65% -> 80%)."""
    with_strings, alone = readers
    pictures = _strings(sample, 0.05, 20, seed=3, length=3)
    got, before = _read(with_strings, pictures), _read(alone, pictures)
    assert got >= before + 0.25 and got >= 0.6, (before, got)
    pictures = _strings(sample, 0.05, 20, seed=3, length=2)
    assert _read(with_strings, pictures) >= _read(alone, pictures)


def test_a_string_reading_gives_each_digit_its_share_of_the_box_its_ink_and_its_alternatives(readers, sample):
    """A string read whole: each digit in its share of the candidate's box, left to right, with the string's
    probability; what the window shows of it is that digit's share of the ink (not the whole candidate
    again), and its bars are the digits the string model weighed at its column (not the read digit alone)."""
    with_strings, _ = readers
    for picture, truth in _strings(sample, 0.05, 30, seed=3, length=3):
        reading = with_strings.read(picture)
        whole = [p for p in reading.pieces if p.touching]
        # a digit of a string reading is the only kind whose not-a-digit score is 1 - its confidence
        assert all(p.not_digit is not None and p.not_digit == 1.0 - p.confidence for p in whole)
        if reading.number != truth or len(whole) < 2:
            continue  # read another way (cut apart): the next one
        for left, right in itertools.pairwise(whole):
            assert left.box[3] == right.box[1] and left.box[1] < left.box[3] and left.box[0] == right.box[0]
            assert 0 < left.confidence == right.confidence
            assert not np.array_equal(left.image, right.image)
        for p in whole:
            assert p.image.shape == (28, 28) and p.image.max() > 0.5
            # its best carries the string's probability, as every reading's best carries its confidence
            assert p.probs.max() == pytest.approx(p.confidence, rel=1e-6) and len({d for d, _ in p.top(3)}) == 3
            assert 0 < p.top(2)[1][1] < p.top(1)[0][1]
        assert all(int(np.argmax(p.probs)) == int(d) for p, d in zip(reading.pieces, truth, strict=True))
        # the answer's words quote the digit at the confidence it is held at, not its column's weight
        assert f"{truth[reading.pieces.index(whole[0])]} ({100 * whole[0].confidence:.1f}%)" in _alternatives(
            reading, whole[0]
        )
        return
    pytest.fail("no string was read whole")


def test_numbers_with_gaps_read_the_same_with_and_without_strings(readers, sample):
    with_strings, alone = readers
    pictures = _strings(sample, -0.3, 20, seed=5)  # a space of 30% of the height
    assert [with_strings.read(p).text for p, _ in pictures] == [alone.read(p).text for p, _ in pictures]


def test_a_single_digit_is_never_read_as_a_string(readers, sample):
    """Digits written wide (1.6x their width) read as they do without the string model."""
    with_strings, alone = readers
    for k in range(20):
        ink = _crop(sample.x_test[k])
        wide = np.repeat(ink, 2, axis=1)[:, ::5].repeat(4, axis=1)  # 8/5 = 1.6x as wide
        assert with_strings.read(_picture(wide)).text == alone.read(_picture(wide)).text, k


def test_touch_slides_until_the_ink_meets_then_overlaps(sample):
    a, b = _crop(sample.x_test[0]), _crop(sample.x_test[1])
    widths = []
    for overlap in (-0.2, 0.0, 0.1):
        rng = np.random.default_rng(0)  # the same scale and shift each time
        ink = touch(a, b, overlap, rng)
        widths.append(ink.shape[1])
        assert ink.max() <= 1.0
    assert widths[0] > widths[1] > widths[2]
    # at 0 the two inks meet: no column is empty between them
    rng = np.random.default_rng(0)
    ink = touch(a, b, 0.0, rng)
    assert (ink > 0.3).any(axis=0).all()


def test_string_examples_are_seeded_of_every_length_and_only_of_the_layouts_given(sample):
    args = (sample.x_train, sample.y_train, 300, ["touching"], ["stroke", "glyph"])
    x, digits, lengths = string_examples(*args, np.random.default_rng(1))
    assert x.shape == (300, STRING_HEIGHT, STRING_WIDTH) and x.dtype == np.float32 and x.min() >= 0 and x.max() <= 1
    assert set(lengths.tolist()) == set(range(MAX_DIGITS + 1)) and (x.max(axis=(1, 2)) > 0).all()
    assert ((digits >= 0).sum(axis=1) == lengths).all() and (digits[digits >= 0] < 10).all()
    again = string_examples(*args, np.random.default_rng(1))
    assert np.array_equal(x, again[0]) and np.array_equal(digits, again[1])
    # without non-digit families no example is empty
    _, _, lengths = string_examples(sample.x_train, sample.y_train, 50, ["tight"], [], np.random.default_rng(2))
    assert lengths.min() >= 1
    with pytest.raises(ValueError, match="layout"):  # held out, or not a way digits touch
        string_examples(sample.x_train, sample.y_train, 1, ["single", "spaced"], [], np.random.default_rng(1))


def test_a_hand_writes_every_digit_in_every_pen_font_as_one_even_line():
    """Pen strings' digits: INK_HEIGHT tall, inked, the same for the same seed, and drawn with a line of about the
    hand's width (app.preprocess.stroke_width: twice the ink over its outline). At INK_HEIGHT a double-line font's
    outline passes this too (it was left out of PEN_FONTS by eye, at the drawing's 64 px)."""
    assert PEN_FONTS
    for font in PEN_FONTS:
        for width in PEN_WIDTH:
            hand = Hand(font, np.eye(2), width)
            for d in range(10):
                ink = hand.write(d, np.random.default_rng(d))
                assert ink.shape[0] == INK_HEIGHT and ink.max() > 0.9 and ink.dtype == np.float32, (font, d)
                assert np.array_equal(ink, hand.write(d, np.random.default_rng(d)))
                stroke = stroke_width(ink)
                assert 0.5 * width * INK_HEIGHT < stroke < 2.0 * width * INK_HEIGHT + 1, (font, d, width, stroke)


def test_a_share_of_strings_is_written_with_a_pen(sample):
    """``pen_share`` of the digit strings come from a hand's pen, not MNIST: with every MNIST digit a solid
    square, each column of a string of squares is one run of ink, and a pen's digits (a 0's two sides, a 7's
    bar over its stem) are not."""
    squares = np.full_like(sample.x_train, 255)

    def pen_strings(pen_share: float) -> float:
        x, digits, lengths = string_examples(
            squares, sample.y_train, 400, ["touching"], [], np.random.default_rng(3), pen_share
        )
        assert (x.max(axis=(1, 2)) > 0).all() and ((digits >= 0).sum(axis=1) == lengths).all()
        on = x > 0.5
        runs = (on[:, 1:] & ~on[:, :-1]).sum(axis=1) + on[:, 0]  # runs of ink down each column
        return float((runs.max(axis=1) >= 2).mean())

    assert pen_strings(0.0) == 0.0 and pen_strings(1.0) > 0.95
    assert 0.2 < pen_strings(0.3) < 0.4


def test_the_same_share_of_no_digit_strings_are_words_in_a_pen_hand(sample, monkeypatch):
    """Pen strings alone taught the string model that a pen's lines are digits (a pen "V" read "11", a zigzag
    "11111"); letters written otherwise taught it that a pen's style is no digits. So ``pen_share`` of the "no
    digits" examples are 1-3 letters in a pen string's hand (``_pen_word``), and none without pen strings."""
    import pipeline.synth.strings as strings

    real, made = strings._pen_word, []

    def written(rng: np.random.Generator, layouts: list[str]) -> np.ndarray:
        made.append(real(rng, layouts))
        return made[-1]

    monkeypatch.setattr(strings, "_pen_word", written)

    def words(pen_share: float) -> tuple[int, int]:
        made.clear()
        _, _, lengths = string_examples(
            sample.x_train, sample.y_train, 1000, ["touching"], ["noise"], np.random.default_rng(5), pen_share
        )
        return len(made), int((lengths == 0).sum())

    assert words(0.0)[0] == 0
    n, none = words(0.3)
    assert none > 30 and 0.15 * none < n < 0.45 * none, (n, none)
    for ink in made:  # letters of a pen's line, INK_HEIGHT tall or a little more (their neighbours move up or down)
        assert INK_HEIGHT <= ink.shape[0] <= 1.5 * INK_HEIGHT and ink.max() > 0.9


def test_evaluate_reads_stored_plans_as_the_app_reads_pictures(readers, sample):
    """render stores each wide candidate's string field; resolving the stored plans with the string model gives
    the app's answers."""
    from pipeline.sets.plans import PlanSet, concat, plan_pictures, resolve_all

    with_strings, _ = readers
    pictures = _strings(sample, 0.05, 12, seed=7)
    half = len(pictures) // 2
    ps = concat(
        [plan_pictures([p for p, _ in part], [t for _, t in part]) for part in (pictures[:half], pictures[half:])]
    )
    ps = PlanSet.load(ps.save("x"), "x")
    assert len(ps.string_images) == int((ps.string_index >= 0).sum()) > 0
    probs, reject = with_strings.score_all(ps.images.astype(np.float32) / 255.0)
    stored = resolve_all(ps, probs, reject, with_strings.info.reject[1], with_strings.strings)
    assert [r.text for r in stored] == [with_strings.read(p).text for p, _ in pictures]


def test_digits_read_together_are_named_together_when_unsure():
    """Touching digits read whole carry one probability: "digit 1 of 2 could be 3 (69.0%)" blamed the first,
    its bars showing every other digit at 0% (a helper drew 38 touching in a real window)."""
    from app.reading import DigitReading, Reading
    from app.wording import detail

    def piece(d: int, left: int, confidence: float, touching: bool) -> DigitReading:
        probs = np.zeros(10, np.float32)
        probs[d] = confidence
        return DigitReading(
            str(d),
            confidence,
            probs,
            (0, left, 40, left + 30),
            np.zeros((28, 28), np.float32),
            1.0 - confidence,
            touching=touching,
        )

    reading = Reading((piece(3, 0, 0.69, True), piece(8, 30, 0.69, True), piece(6, 70, 1.0, False)))
    assert detail(reading) == "maybe 386: digits 1-2 of 3 touch, read together at 69.0%"
    alone = Reading((piece(3, 0, 0.99, False), piece(8, 40, 0.6, False)))
    assert detail(alone).startswith("maybe 38: digit 2 of 2 could be 8 (60.0%)")


@pytest.mark.slow
def test_the_string_model_exports_to_the_same_bytes_whatever_converted_before():
    """tf2onnx names a dimension it cannot infer from a counter of the process (``unk__111``): a forced
    rerun of the strings stage once wrote identical weights under other bytes. Names are by position."""
    import keras

    from pipeline.config.strings import StringNetwork
    from pipeline.learn.strings import build_strings, to_onnx

    keras.utils.set_random_seed(0)
    model = build_strings(StringNetwork(conv_filters=[4, 4, 4, 4], column_units=8, dropout=0.1))
    first = to_onnx(model)
    assert to_onnx(model) == first and b"unk__" not in first  # the second conversion moved the counter on


@pytest.mark.slow  # 160 readings, ~4 s
def test_a_one_touching_its_neighbour_is_not_lost_in_a_clean_looking_digit(readers, sample):
    """A 1 written touching a digit often makes a piece the classifier reads as that digit alone, sure of it
    ("17" read "7" at 99.99%, "91" read "9"): only the not-a-digit gate doubts it (0.87, 0.94). A piece the
    gate doubts is tried cut and as a string too (shipped models: 62% -> 79% of these 160 read right)."""
    with_strings, _ = readers
    right = [with_strings.read(picture).number == truth for picture, truth in _pairs_with_a_one(sample, seed=0)]
    assert np.mean(right) >= 0.72, np.mean(right)


def _pairs_with_a_one(sample, seed: int) -> list[tuple[np.ndarray, str]]:
    """160 pairs of the sample's test digits, one of them a 1, written touching (0 and 5% overlap), the 1 first
    in half of them."""
    ones, rest = np.flatnonzero(sample.y_test == 1), np.flatnonzero(sample.y_test != 1)
    rng = np.random.default_rng(seed)
    pictures = []
    for overlap in (0.0, 0.05):
        for one_first in (True, False):
            for _ in range(40):
                a, b = (rng.choice(ones), rng.choice(rest)) if one_first else (rng.choice(rest), rng.choice(ones))
                ink = _written_touching(_crop(sample.x_test[a]), _crop(sample.x_test[b]), overlap)
                pictures.append((_picture(ink), f"{sample.y_test[a]}{sample.y_test[b]}"))
    return pictures


@pytest.mark.slow  # 180 readings twice, ~5 s
def test_a_clean_digit_the_string_model_reads_as_two_competes_with_its_string_reading(readers, sample, monkeypatch):
    """A piece the classifier and the gate take for one clean digit ("16" read "6", "31" read "3", "10" read "0")
    is doubted when the string model reads it as two digits at STRING_SURE: its string reading and sure cuts then
    compete with it. Touching pairs (0-10% overlap): no pair read right without it is lost, and more are right."""
    import app.reader

    with_strings, _ = readers
    pictures = [q for overlap in (0.0, 0.05, 0.1) for q in _strings(sample, overlap, 60, seed=7)]
    now = [with_strings.read(p).number == truth for p, truth in pictures]
    monkeypatch.setattr(app.reader, "_several", lambda *_: set())  # without the rule
    before = [with_strings.read(p).number == truth for p, truth in pictures]
    assert not any(b and not n for b, n in zip(before, now, strict=True))
    assert sum(now) >= sum(before) + 5, (sum(before), sum(now))


@pytest.mark.slow  # 160 readings twice, ~5 s
def test_a_one_touching_its_neighbour_in_a_narrow_piece_is_read_as_a_string(readers, sample, monkeypatch):
    """A 1 adds little width to the digit it touches: a whole piece from STRING_WHOLE_ASPECT (0.6) of its height
    wide is read as a string too, not only from STRING_ASPECT (0.75) as cut parts are ("91" written touching, 0.68
    of its height wide, read "9" while the string model read "91" at 0.96). Pairs with a 1: none lost, more right."""
    import app.reader

    with_strings, _ = readers
    pictures = _pairs_with_a_one(sample, seed=1)
    now = [with_strings.read(p).number == truth for p, truth in pictures]
    monkeypatch.setattr(app.reader, "STRING_WHOLE_ASPECT", app.reader.STRING_ASPECT)  # without the rule
    before = [with_strings.read(p).number == truth for p, truth in pictures]
    assert not any(b and not n for b, n in zip(before, now, strict=True))
    assert sum(now) >= sum(before) + 2, (sum(before), sum(now))


def _broken_zeros(sample, n: int) -> list[np.ndarray]:
    """The first ``n`` zeros of the sample, each cut open: its left or top 15-25% gone, or a 2 px band erased."""
    zeros = [sample.x_test[i] for i in np.flatnonzero(sample.y_test == 0)][:n]
    out = []
    for z in zeros:
        ink = _crop(z)
        h, w = ink.shape
        for f in (0.15, 0.25):
            out += [
                np.where(np.arange(w) < max(2, int(f * w)), 0, ink),
                np.where(np.arange(h)[:, None] < f * h, 0, ink),
            ]
        out += [np.where((np.arange(w) >= x) & (np.arange(w) < x + 2), 0, ink) for x in range(3, w - 3, 6)]
        out += [
            np.where((np.arange(h)[:, None] >= y) & (np.arange(h)[:, None] < y + 2), 0, ink) for y in range(3, h - 3, 6)
        ]
    return [_crop(np.rint(255 * a).astype(np.uint8)) for a in out if a.max() > 0]


@pytest.mark.slow  # 366 readings twice, ~15 s
def test_the_gates_doubt_alone_never_cuts_a_sure_zero_into_digits(readers, sample, monkeypatch):
    """A 0 written open or with a break is a clean 0 to the classifier (99.99%) that the gate may doubt (0.9):
    cut into parts the gate liked a little better, it read "13", "17" or "61" (a helper's review; 2 of 450 such
    0s here). The parts of a piece only the gate doubts must be clean digits to the classifier and the gate.

    Turned away whole is another matter: a 0 whose left or top quarter is gone (a ")" or a "U") that the gate doubts
    and the string model reads as no digits is refused (``_both_doubt``): 13 of the 310 read "0" without the gate's
    doubt, with the twenty-ninth session's reader; 20 is a margin over those 13 for the next string model."""
    import app.reader

    with_strings, _ = readers
    pictures = [_picture(ink) for ink in _broken_zeros(sample, 40)]
    now = [with_strings.read(p) for p in pictures]
    monkeypatch.setattr(app.reader, "DOUBT_GATE", 2.0)  # no doubt from the gate: as before it
    before = [with_strings.read(p).number for p in pictures]
    changed = [k for k, (r, b) in enumerate(zip(now, before, strict=True)) if b == "0" and r.number != "0"]
    cut = [k for k in changed if now[k].rejected is None]
    assert not [k for k in cut if not all(q.touching for q in now[k].pieces)], [now[k].number for k in cut]
    assert len(changed) - len(cut) <= 20, (len(changed) - len(cut), before.count("0"))


def _letter(strokes: list[list[tuple[int, int]]]) -> np.ndarray:
    """A letter or sign drawn with the mouse's pen (8 px on a 200 px square), dark on white."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (200, 200), 255)
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        draw.line(stroke, fill=0, width=8, joint="curve")
    return np.asarray(image)


def test_a_piece_that_is_no_digit_whole_is_not_cut_into_digits(readers):
    """A letter the not-a-digit gate turns away, and the string model reads as no digits at all, is not read
    in parts: cut, its strokes looked like digits ("A" read "14", "X" "76", "W" "14", "V" "11" with the
    shipped models; a helper's pictures read a square "17" and a diamond "83" with the pipeline's)."""
    with_strings, _ = readers
    letters = {
        "A": [[(30, 180), (100, 20), (170, 180)], [(60, 110), (140, 110)]],
        "X": [[(30, 30), (170, 170)], [(170, 30), (30, 170)]],
        "H": [[(40, 20), (40, 180)], [(160, 20), (160, 180)], [(40, 100), (160, 100)]],
        "W": [[(20, 20), (60, 180), (100, 60), (140, 180), (180, 20)]],
        "N": [[(40, 180), (40, 20), (160, 180), (160, 20)]],
        "V": [[(30, 20), (100, 180), (170, 20)]],
    }
    read = {name: with_strings.read(_letter(strokes)) for name, strokes in letters.items()}
    assert all(r.rejected is not None for r in read.values()), {n: r.text for n, r in read.items()}
    # the rule is the string model's and the gate's word on the whole piece: two written digits still read
    assert with_strings.read(_letter([[(40, 20), (40, 180)], [(110, 20), (170, 20), (120, 180)]])).number == "17"


def test_a_piece_the_string_model_reads_as_fewer_digits_than_its_cuts_is_not_cut(readers, sample, monkeypatch):
    """An M drawn in one stroke: the gate turns it away whole and the cuts read "111", while the string model reads
    it whole as fewer digits and gives "111" under a tenth of its own reading's probability (FEWER): both models
    say the digits are not there, and it is not a number. Touching numbers (15) read as before, right or wrong."""
    import app.reader

    with_strings, _ = readers
    m = _letter([[(30, 160), (50, 40), (100, 120), (150, 40), (170, 160)]])
    numbers = [picture for picture, _ in _strings(sample, 0.1, 10, 5, 2) + _strings(sample, 0.1, 5, 6, 3)]
    now = [with_strings.read(p).number for p in numbers]
    assert with_strings.read(m).rejected is not None
    monkeypatch.setattr(app.reader, "FEWER", 0.0)  # without the rule
    assert with_strings.read(m).number == "111"
    assert [with_strings.read(p).number for p in numbers] == now


def _hand(strokes: list, aspect: float, turn: float, shear: float, pen: int, size: int = 170) -> np.ndarray:
    """A letter's ``strokes`` (in a unit box, y down) written ``aspect`` times as wide as tall and 0.6-0.7 of the
    picture high, turned by ``turn`` degrees and sheared, with a pen ``pen`` px wide; drawn at twice the size and
    shrunk, dark on white."""
    import math

    from PIL import Image, ImageDraw

    height = 0.7 * size if aspect < 0.75 else 0.6 * size
    image = Image.new("L", (2 * size, 2 * size), 255)
    draw = ImageDraw.Draw(image)
    r = math.radians(turn)

    def at(u: float, v: float) -> tuple[float, float]:
        x, y = (u - 0.5) * aspect * height + shear * (v - 0.5) * height, (v - 0.5) * height
        return 2 * (size / 2 + x * math.cos(r) - y * math.sin(r)), 2 * (size / 2 + x * math.sin(r) + y * math.cos(r))

    for stroke in strokes:
        draw.line([at(u, v) for u, v in stroke], fill=0, width=2 * pen, joint="curve")
    return np.asarray(image.resize((size, size), Image.Resampling.LANCZOS))


@pytest.mark.parametrize("pen", [3, 5])
@pytest.mark.parametrize(("turn", "shear"), [(-8, -0.15), (0, 0.0), (8, 0.0)])
def test_a_letter_narrower_than_a_string_is_not_cut_into_digits(readers, turn, shear, pen):
    """An "R" 0.7 times as wide as tall, narrower than a string of digits (STRING_ASPECT), was never shown to the
    string model, so its "no digits" was never heard, and it was cut into "12", "13" or "18" (an independent
    set: 2 of its Rs and an H; here 5 of these 18 drawings with the shipped models)."""
    with_strings, _ = readers
    bowl = np.radians(np.linspace(-90, 90, 24))
    strokes = [
        [(0, 1), (0, 0), (0.5, 0), *zip(0.5 + 0.45 * np.cos(bowl), 0.25 + 0.25 * np.sin(bowl), strict=True), (0, 0.5)],
        [(0.35, 0.5), (1, 1)],
    ]
    read = with_strings.read(_hand(strokes, 0.7, turn, shear, pen))
    assert read.rejected is not None, read.text


@pytest.mark.parametrize("pen", [3, 5])
@pytest.mark.parametrize("shear", [-0.15, 0.0, 0.15])
def test_a_letter_the_string_model_likely_reads_as_no_digits_is_not_cut(readers, shear, pen):
    """A "V" turned a little, which the gate turns away and the string model reads, unsure, as likelier no digits
    than any digits (0.54-0.65), was cut at its point into "11" (5 of these 6 with the shipped models; an
    independent set's V, W, n and A were read "11", "1111", "17" and "14"). The string model's likelier word counts,
    not only a sure one."""
    with_strings, _ = readers
    read = with_strings.read(_hand([[(0, 0), (0.5, 1), (1, 0)]], 0.8, 8, shear, pen))
    assert read.rejected is not None, read.text
