"""The gate's operating point (pipeline.learn.gate.pick_threshold), on made-up validation scores."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.contract import rejects
from pipeline.learn.gate import pick_threshold

LIMITS = {"mnist": 0.002, "drawn": 0.008}


def _scores(seed: int, n: int, a: float, b: float) -> np.ndarray:
    return np.random.default_rng(seed).beta(a, b, n).astype(np.float32)


def _rate(scores: np.ndarray, threshold: float) -> float:
    return float(rejects(scores, threshold).mean())  # decided as the app decides


NO_NEGATIVES = np.zeros(0, np.float32)


def test_slack_on_non_digits_goes_to_the_digits():
    digits = {"mnist": _scores(1, 6000, 0.3, 8), "drawn": _scores(2, 4000, 0.4, 6)}
    negatives = _scores(3, 4000, 8, 0.3)
    lowest = pick_threshold(digits, NO_NEGATIVES, LIMITS, min_rejected=0.9)  # the digit limits alone
    chosen = pick_threshold(digits, negatives, LIMITS, min_rejected=0.9)
    assert _rate(negatives, lowest) > 0.9  # there was slack...
    assert chosen > lowest  # ...so the threshold rose
    assert 0.9 <= _rate(negatives, chosen) < _rate(negatives, lowest)  # the promise on non-digits still holds
    assert _rate(digits["drawn"], chosen) < _rate(digits["drawn"], lowest)  # and fewer digits are turned away
    assert round(chosen, 6) == chosen  # what the model's metadata stores is the threshold itself


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    spread=st.floats(0.2, 5.0),
    min_rejected=st.floats(0.5, 1.0),
)
@example(seed=0, spread=3.0, min_rejected=0.5000000000000001)  # a share just over 500 of 1000: 501 must stay
@example(seed=0, spread=4.0, min_rejected=0.8)  # 0.8 is a hair over 4/5 in binary: 800 of 1000 is enough
def test_the_threshold_is_the_highest_that_keeps_both_promises(seed, spread, min_rejected):
    digits = {"mnist": _scores(seed, 2000, 0.5, spread), "drawn": _scores(seed + 1, 1000, 0.5, spread)}
    negatives = _scores(seed + 2, 1000, spread, 0.5)
    t = pick_threshold(digits, negatives, LIMITS, min_rejected)
    lowest = pick_threshold(digits, NO_NEGATIVES, LIMITS, min_rejected)
    if t == 0.999:  # the cap for a gate that cannot tell anything apart
        return
    assert all(_rate(s, t) <= LIMITS[f] for f, s in digits.items())  # digits: never more than their limits
    if t > lowest:  # it rose above the limits' threshold: the non-digit promise holds, one step more breaks it
        assert _rate(negatives, t) >= min_rejected
        assert _rate(negatives, t + 1e-6) < min_rejected
    else:  # it stayed there: the limits allow nothing higher, or rising would break the promise
        assert t == lowest
        assert _rate(negatives, lowest + 1e-6) < min_rejected or _rate(negatives, lowest) < min_rejected


def test_a_score_equal_to_the_stored_threshold_is_decided_as_the_app_decides():
    """The pipeline's rates and the app's answers agree even at the float32 rounding of the threshold."""
    threshold = 0.959579  # rounds *down* in float32: a float32 comparison would reject this score
    score = np.array([np.float32(threshold)], np.float32)
    assert float(score[0]) < threshold
    assert not rejects(score, threshold)[0]  # as `float(score) >= threshold` in any float64 runtime


def test_no_validation_digits_is_a_clear_error():
    with pytest.raises(ValueError, match="validation"):
        pick_threshold({"mnist": NO_NEGATIVES}, NO_NEGATIVES, LIMITS, 0.9)


def test_the_gate_sees_each_digit_cut_from_a_scene_scenes_repeat_times_and_the_rest_once():
    from pipeline.data import DIGIT_FAMILIES, Split, framed_key
    from pipeline.learn.gate import gate_data

    x_train = np.arange(10 * 28 * 28, dtype=np.uint32).reshape(10, 28, 28).astype(np.uint8)
    split = Split(train=np.arange(6), validation=np.arange(6, 10))
    openset = {
        framed_key(s, f): np.full((2 + i, 28, 28), 10 * i + (s == "validation"), np.uint8)
        for s in ("train", "validation")
        for i, f in enumerate(DIGIT_FAMILIES)
    } | {
        "negatives_train": np.full((5, 28, 28), 255, np.uint8),
        "negatives_validation": np.zeros((3, 28, 28), np.uint8),
    }
    once, thrice = gate_data(x_train, split, openset), gate_data(x_train, split, openset, scenes_repeat=3)
    scenes = 10 * DIGIT_FAMILIES.index("scenes")
    for data, times in ((once, 1), (thrice, 3)):
        digits = data.x_train[data.y_train == 0]
        assert len(digits) == 6 + sum(2 + i for i in range(len(DIGIT_FAMILIES))) + (times - 1) * 5
        assert sum(bool((d == scenes).all()) for d in digits) == 5 * times  # the scene digits, each `times` times
        assert (data.y_train == 1).sum() == 5  # the non-digits once
    assert np.array_equal(thrice.val_mnist, once.val_mnist)  # validation, which sets the threshold, unchanged
    for f in DIGIT_FAMILIES:
        assert np.array_equal(thrice.val_drawn[f], once.val_drawn[f])
