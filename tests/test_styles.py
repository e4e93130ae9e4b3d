"""Ways of writing a digit beyond MNIST's: a flagged or footed 1, a crossed 7 (pipeline/synth/styles.py)."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.synth.styles import DIGIT, write, written_in_styles


def test_styles_touch_only_their_digits_keep_their_ink_and_give_the_same_bytes_twice(sample):
    x, y = sample.x_train, sample.y_train
    styles = ("plain", "flagged_one", "footed_one", "crossed_seven")
    a = written_in_styles(x, y, styles, 0.5, seed=3)
    b = written_in_styles(x, y, styles, 0.5, seed=3)
    assert np.array_equal(a, b)
    changed = (a != x).any(axis=(1, 2))
    assert set(np.unique(y[changed])) == {1, 7}
    for digit in (1, 7):  # about half of each styled digit's examples, never fewer than a quarter
        assert 0.25 < changed[y == digit].mean() < 0.75
    assert (a >= x).all(), "a style adds strokes; it never takes ink away"
    assert np.array_equal(written_in_styles(x, y, ("plain",), 1.0, seed=3), x)


@pytest.mark.parametrize("style", sorted(DIGIT))
def test_each_style_adds_its_stroke_where_it_belongs(sample, style):
    digit = sample.x_test[np.flatnonzero(sample.y_test == DIGIT[style])[0]]
    added = (write(digit, style, np.full(4, 0.5)).astype(int) - digit) > 128
    rows, cols = np.flatnonzero(added.any(axis=1)), np.flatnonzero(added.any(axis=0))
    ink_rows = np.flatnonzero((digit > 128).any(axis=1))
    top, bottom, middle = ink_rows[0], ink_rows[-1], (ink_rows[0] + ink_rows[-1]) / 2
    assert added.sum() >= 6
    if style == "crossed_seven":  # across the stem, about halfway down
        assert abs(rows.mean() - middle) < 0.25 * (bottom - top)
    else:  # a flag from the top going down to the left
        upper = added[: int(middle)]
        assert upper.any() and np.flatnonzero(upper.any(axis=0)).min() < np.flatnonzero(digit[top] > 128).min()
    if style == "footed_one":  # and a foot along the bottom, both ways
        foot = added[bottom - 1 :]
        assert foot.any() and cols.max() > np.flatnonzero(digit[bottom] > 128).max()


def test_an_unknown_style_is_refused(sample):
    with pytest.raises(ValueError, match="unknown styles"):
        written_in_styles(sample.x_train, sample.y_train, ("gothic_four",), 0.5, seed=0)


def test_evaluate_reads_every_style_of_the_test_digits_and_says_which_are_held_out(sample, published_model):
    """render draws MNIST's test 1s and 7s in every style (held out or not); evaluate reads them through
    the app's framing and reports each style apart."""
    from types import SimpleNamespace

    from app.inference import Classifier
    from pipeline.evaluation import style_figures
    from pipeline.families import STYLES
    from pipeline.sets.testsets import _style_set

    families = SimpleNamespace(all=SimpleNamespace(style=list(STYLES)))
    r = _style_set(sample, families, seed=5, limit=None)
    assert set(np.unique(r["styles_y"])) == {1, 7} and len(r["styles_x"]) == len(r["styles_y"])
    classifier = Classifier(published_model)
    figures = style_figures(classifier, r, 256, classifier.info.reject[1], held_out=("footed_one",))
    assert set(figures) == set(STYLES)
    assert figures["footed_one"]["held_out"] and not figures["flagged_one"]["held_out"]
    assert figures["plain"]["examples"] == int(np.isin(sample.y_test, [1, 7]).sum())
    assert figures["plain"]["read"] > 0.95  # MNIST's own 1s and 7s, drawn: the shipped model reads them
    # a quick pipeline's drawn_limit caps every style, as it caps every drawn rendering
    few = _style_set(sample, families, seed=5, limit=3)
    assert np.bincount(few["styles_kind"], minlength=len(STYLES)).tolist() == [3] * len(STYLES)
    assert np.array_equal(few["styles_x"][:3], r["styles_x"][:3])
