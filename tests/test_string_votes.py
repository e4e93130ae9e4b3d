"""Touching digits read in several framings and voted (app/string_votes.py)."""

from __future__ import annotations

import numpy as np
import pytest

from app.inference import Classifier
from app.preprocess import bounding_box
from app.string_votes import VARIANTS, Voting, reframe
from app.strings import BLANK, STRING_COLUMNS, STRING_WIDTH, StringModel, decode, frame_string, string_path
from tests.test_strings import _outline, _strings


def ink_span(field: np.ndarray) -> tuple[int, int, int, int] | None:
    """A field's ink as top, bottom, left, right (exclusive)."""
    box = bounding_box(field, 0)
    return None if box is None else (box[0], box[2], box[1], box[3])


def _row(digits: tuple[int, ...], at: list[int], sure: float = 0.9) -> np.ndarray:
    """Columns that read ``digits`` at columns ``at`` (blank elsewhere), each at probability ``sure``."""
    row = np.full((STRING_COLUMNS, BLANK + 1), (1 - sure) / BLANK, np.float32)
    row[:, BLANK] = sure
    for d, c in zip(digits, at, strict=True):
        row[c] = (1 - sure) / BLANK
        row[c, d] = sure
    return row


def test_a_field_framed_again_is_wider_by_the_factor_centred_or_moved():
    field = frame_string(_outline(20, 40))
    top, bottom, left, right = ink_span(field)
    for widen, shift in VARIANTS:
        again, x0, nw = reframe(field, widen, shift)
        t, b, lo, hi = ink_span(again)
        assert (lo, hi - lo) == (x0, nw) and abs(nw - widen * (right - left)) <= 1 and (t, b) == (top, bottom)
        assert abs((lo + hi) / 2 - shift - (left + right) / 2) <= 1
    wide = frame_string(_outline(10, 80))  # already as wide as the box: widened, its height gives way
    again, x0, nw = reframe(wide, 1.2, 0)
    t, b, lo, hi = ink_span(again)
    assert hi - lo == ink_span(wide)[3] - ink_span(wide)[2] and b - t < ink_span(wide)[1] - ink_span(wide)[0]
    assert not reframe(np.zeros_like(field), 1.2, 0)[0].any()


def test_the_digits_most_framings_read_win_and_sit_where_the_ink_is():
    """A scorer that reads "918" in the own framing and "9118" in every other: the vote answers "9118", in
    columns of the own framing (inside its ink); a field whose own framing reads no digits keeps that."""
    field = frame_string(_outline(20, 60))
    _, _, left, right = ink_span(field)
    pitch = STRING_WIDTH // STRING_COLUMNS

    def scorer(fields: np.ndarray) -> np.ndarray:
        out = []
        for f in fields:
            span = ink_span(f)
            if span is None:
                out.append(_row((), []))
            elif abs((span[3] - span[2]) - (right - left)) <= 1 and abs(span[2] - left) <= 1:
                out.append(_row((9, 1, 8), [left // pitch + 1, left // pitch + 4, right // pitch - 1]))
            else:
                lo, hi = span[2] // pitch, span[3] // pitch
                out.append(_row((9, 1, 1, 8), [lo + 1, lo + (hi - lo) // 3, lo + 2 * (hi - lo) // 3, hi - 1]))
        return np.stack(out)

    voted = Voting(scorer)(np.stack([field, np.zeros_like(field)]))
    assert decode(scorer(field[None])[0]).digits == (9, 1, 8)
    read = decode(voted[0])
    assert read.digits == (9, 1, 1, 8)
    assert all(left // pitch - 1 <= c <= right // pitch + 1 for c in read.columns)
    assert decode(voted[1]).digits == ()

    def quiet(fields: np.ndarray) -> np.ndarray:  # no digits in the own framing, "77" in every other
        return np.stack([_row((), []) if ink_span(f)[2] == left else _row((7, 7), [10, 14]) for f in fields])

    silent = Voting(quiet)(field[None])
    assert decode(silent[0]).digits == ()  # no digits in its own framing: none, whatever the others read


@pytest.mark.slow  # 160 readings twice, ~15 s
def test_the_app_reads_overlapping_numbers_better_voted(published_model, sample):
    """The shipped models on 40 three-digit MNIST numbers whose neighbours overlap by 30% of their height (this
    file's own placement, not the training strings'): 15 read right voted, 10 in the own framing alone; and
    the app's reader votes. Numbers that touch less read as well either way (two digits at 25%: 30 and 28)."""
    voted = Classifier(published_model)
    assert isinstance(voted.strings, Voting)
    own = Classifier(published_model)
    own.strings = StringModel(string_path(published_model))
    pictures = _strings(sample, 0.3, 40, seed=3, length=3)
    right = [sum(c.read(p).number == t for p, t in pictures) for c in (voted, own)]
    assert right[0] >= right[1] + 3, right
    pictures = _strings(sample, 0.25, 40, seed=2, length=2)
    right = [sum(c.read(p).number == t for p, t in pictures) for c in (voted, own)]
    assert right[0] >= right[1], right
