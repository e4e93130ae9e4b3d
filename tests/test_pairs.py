"""Two touching digits read whole: the pair field, the pair model beside the digit model, the reader's use of
it, what it learns from (pipeline/synth/pairs.py), and evaluate's stored plans."""

from __future__ import annotations

import numpy as np
import pytest

from app.inference import Classifier
from app.pairs import OTHER, PAIR_BOX, PAIR_HEIGHT, PAIR_SURE, PAIR_WIDTH, frame_pair, pair_path
from pipeline.synth.pairs import pair_examples, touch


def _crop(digit: np.ndarray) -> np.ndarray:
    on = digit > 40
    rows, cols = np.flatnonzero(on.any(1)), np.flatnonzero(on.any(0))
    return digit[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].astype(np.float32) / 255.0


def _picture(ink: np.ndarray, scale: int = 4, margin: int = 12) -> np.ndarray:
    """Ink (1 on 0, MNIST scale) as a dark-on-white grey picture, blown up ``scale`` times."""
    big = np.kron(np.pad(ink, margin // scale), np.ones((scale, scale), np.float32))
    return np.rint(255 * (1 - np.clip(big, 0, 1))).astype(np.uint8)


def _pairs(sample, overlap: float, n: int, seed: int) -> list[tuple[np.ndarray, str]]:
    """``n`` two-digit numbers of MNIST test digits written touching, ``overlap`` x the height further."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        i, j = rng.integers(len(sample.y_test), size=2)
        ink = touch(_crop(sample.x_test[i]), _crop(sample.x_test[j]), overlap, rng)
        out.append((_picture(ink), f"{sample.y_test[i]}{sample.y_test[j]}"))
    return out


@pytest.fixture(scope="module")
def readers(published_model):
    """The shipped digit model with its pair model (beside it), and the same without."""
    with_pairs = Classifier(published_model)
    alone = Classifier(published_model)
    alone.pairs = None
    assert with_pairs.pairs is not None, f"no pair model beside {published_model}: publish one (pipeline.tools.publish)"
    return with_pairs, alone


def _read(classifier: Classifier, pictures) -> float:
    right = [classifier.read(p).number == t for p, t in pictures]
    return float(np.mean(right))


def _outline(h: int, w: int) -> np.ndarray:
    """A rectangle's outline (2 px lines): strokes, which the field keeps at MNIST's width."""
    ink = np.zeros((h, w), np.float32)
    ink[:2] = ink[-2:] = 1
    ink[:, :2] = ink[:, -2:] = 1
    return ink


def test_the_pair_field_keeps_the_aspect_and_centres_the_ink():
    field = frame_pair(_outline(10, 40))
    assert field.shape == (PAIR_HEIGHT, PAIR_WIDTH) and field.dtype == np.float32 and field.max() <= 1
    rows, cols = np.flatnonzero(field.max(1) > 0.05), np.flatnonzero(field.max(0) > 0.05)
    assert len(cols) == PAIR_BOX[1] and abs(len(rows) - PAIR_BOX[1] / 4) <= 1  # 4:1 kept, the width fills the box
    assert abs((rows[0] + rows[-1]) / 2 - (PAIR_HEIGHT - 1) / 2) <= 1
    assert abs((cols[0] + cols[-1]) / 2 - (PAIR_WIDTH - 1) / 2) <= 1
    tall = frame_pair(_outline(40, 10))
    assert (tall.max(1) > 0.05).sum() == PAIR_BOX[0]  # a tall piece fills the box's height
    assert not frame_pair(np.zeros((5, 5), np.float32)).any() and not frame_pair(np.zeros((0, 0), np.float32)).any()


def test_the_pair_model_lives_beside_the_digit_model(tmp_path, published_model):
    assert pair_path(published_model) == published_model.with_name("pairs.onnx")
    # a digit model alone (another folder) reads without pairs; an empty pair file (pairs.enabled: false) is none
    lone = tmp_path / "digits.onnx"
    lone.write_bytes(published_model.read_bytes())
    assert Classifier(lone).pairs is None
    pair_path(lone).write_bytes(b"")
    assert Classifier(lone).pairs is None
    pair_path(lone).write_bytes(pair_path(published_model).read_bytes())
    assert Classifier(lone).pairs is not None
    assert Classifier(lone, data=lone.read_bytes()).pairs is None  # bytes handed over have no folder


def test_touching_pairs_read_whole_where_cuts_fail(readers, sample):
    """Digits overlapping by 5% of their height: cuts alone misread many; the pair model reads them."""
    with_pairs, alone = readers
    pictures = _pairs(sample, 0.05, 40, seed=3)
    got, before = _read(with_pairs, pictures), _read(alone, pictures)
    assert got >= before + 0.05 and got >= 0.5, (before, got)


def test_a_pair_reading_gives_two_digits_in_two_halves(readers, sample):
    with_pairs, _ = readers
    for picture, truth in _pairs(sample, 0.05, 40, seed=3):
        reading = with_pairs.read(picture)
        pieces = reading.pieces
        if reading.number != truth or len(pieces) != 2 or not np.array_equal(pieces[0].image, pieces[1].image):
            continue  # read another way (cut apart): the next one
        left, right = reading.pieces
        assert left.box[3] == right.box[1] and left.box[0] == right.box[0] and left.box[2] == right.box[2]
        assert left.confidence >= PAIR_SURE and right.confidence == left.confidence
        assert int(np.argmax(left.probs)) == int(truth[0]) and int(np.argmax(right.probs)) == int(truth[1])
        assert left.not_digit is not None and left.not_digit < 1 - PAIR_SURE
        return
    pytest.fail("no pair was read whole")


def test_numbers_with_gaps_read_the_same_with_and_without_pairs(readers, sample):
    with_pairs, alone = readers
    pictures = _pairs(sample, -0.3, 20, seed=5)  # a space of 30% of the height
    assert [with_pairs.read(p).text for p, _ in pictures] == [alone.read(p).text for p, _ in pictures]


def test_a_single_digit_is_never_read_as_a_pair(readers, sample):
    """Digits written wide (1.6x their width) read as they do without the pair model."""
    with_pairs, alone = readers
    for k in range(30):
        ink = _crop(sample.x_test[k])
        wide = np.repeat(ink, 2, axis=1)[:, ::5].repeat(4, axis=1)  # 8/5 = 1.6x as wide
        assert with_pairs.read(_picture(wide)).text == alone.read(_picture(wide)).text, k


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


def test_pair_examples_are_balanced_seeded_and_only_of_the_layouts_given(sample):
    args = (sample.x_train, sample.y_train, 2, 40, ["touching"], ["stroke", "glyph"])
    x, y = pair_examples(*args, np.random.default_rng(1))
    assert x.shape == (240, PAIR_HEIGHT, PAIR_WIDTH) and x.dtype == np.float32 and x.min() >= 0 and x.max() <= 1
    assert np.array_equal(np.bincount(y, minlength=OTHER + 1), [2] * OTHER + [40])
    again, _ = pair_examples(*args, np.random.default_rng(1))
    assert np.array_equal(x, again)
    with pytest.raises(ValueError, match="layout"):  # held out, or not a way two digits touch
        pair_examples(sample.x_train, sample.y_train, 1, 1, ["single", "spaced"], [], np.random.default_rng(1))


def test_evaluate_reads_stored_plans_as_the_app_reads_pictures(readers, sample):
    """render stores each wide candidate's pair field; resolving the stored plans with the pair model gives
    the app's answers."""
    from pipeline.sets.plans import PlanSet, concat, plan_pictures, resolve_all

    with_pairs, _ = readers
    pictures = _pairs(sample, 0.05, 12, seed=7)
    half = len(pictures) // 2
    ps = concat(
        [plan_pictures([p for p, _ in part], [t for _, t in part]) for part in (pictures[:half], pictures[half:])]
    )
    ps = PlanSet.load(ps.save("x"), "x")
    assert len(ps.pair_images) == int((ps.pair_index >= 0).sum()) > 0
    probs, reject = with_pairs.score_all(ps.images.astype(np.float32) / 255.0)
    stored = resolve_all(ps, probs, reject, with_pairs.info.reject[1], with_pairs.pairs)
    assert [r.text for r in stored] == [with_pairs.read(p).text for p, _ in pictures]
