"""The gate's operating point (pipeline.gate.pick_threshold), on made-up validation scores."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.gate import pick_threshold

LIMITS = {"mnist": 0.002, "drawn": 0.008}


def _scores(seed: int, n: int, a: float, b: float) -> np.ndarray:
    return np.random.default_rng(seed).beta(a, b, n).astype(np.float32)


def _rate(scores: np.ndarray, threshold: float) -> float:
    return float((scores >= threshold).mean())


def test_slack_on_non_digits_goes_to_the_digits():
    digits = {"mnist": _scores(1, 6000, 0.3, 8), "drawn": _scores(2, 4000, 0.4, 6)}
    negatives = _scores(3, 4000, 8, 0.3)
    lowest = pick_threshold(digits, negatives, LIMITS, min_rejected=1.0)  # unreachable: the limits alone
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
def test_digit_limits_always_hold_and_non_digit_share_whenever_it_can(seed, spread, min_rejected):
    digits = {"mnist": _scores(seed, 2000, 0.5, spread), "drawn": _scores(seed + 1, 1000, 0.5, spread)}
    negatives = _scores(seed + 2, 1000, spread, 0.5)
    t = pick_threshold(digits, negatives, LIMITS, min_rejected)
    lowest = pick_threshold(digits, negatives, LIMITS, 1.0)
    if t < 0.999:  # (0.999 caps a gate that cannot tell anything apart)
        assert all(_rate(s, t) <= LIMITS[f] for f, s in digits.items())
    assert t >= lowest or t == 0.999
    if _rate(negatives, lowest) >= min_rejected and t < 0.999:
        assert _rate(negatives, t) >= min_rejected
    assert pick_threshold(digits, negatives, LIMITS, min(1.0, min_rejected + 0.05)) <= t  # asking more never raises it
