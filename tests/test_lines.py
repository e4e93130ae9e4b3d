"""Lines of writing: two rows of digits are told apart from one row and from a digit with a detached part."""

import numpy as np
import pytest

from app.lines import text_lines


def _row(sample, first: int, count: int, height: int = 60) -> np.ndarray:
    row = np.zeros((height, 40 * count + 20), np.float32)
    for k in range(count):
        row[16:44, 10 + 40 * k : 38 + 40 * k] = sample.x_test[first + k] / 255.0
    return row


def test_one_row_of_digits_is_one_line(sample):
    assert text_lines(_row(sample, 0, 4)) == 1


def test_two_rows_of_digits_are_two_lines(sample):
    assert text_lines(np.vstack([_row(sample, 0, 3), _row(sample, 3, 3)])) == 2
    assert text_lines(np.vstack([_row(sample, 0, 3), _row(sample, 3, 3), _row(sample, 6, 3)])) == 3


def test_a_broken_loop_is_not_two_lines():
    ink = np.zeros((120, 60), np.float32)
    ink[10:50, 15:45] = 1.0  # an 8's upper loop
    ink[58:110, 12:48] = 1.0  # its lower loop, a gap of a fifth of the loop's height below
    assert text_lines(ink) == 1


def test_a_detached_bar_or_dot_is_not_a_line(sample):
    ink = np.zeros((80, 60), np.float32)
    ink[10:13, 15:45] = 1.0  # a 5's bar, apart from its body
    ink[22:70, 20:40] = 0.8
    assert text_lines(ink) == 1


@pytest.mark.parametrize("ink", [np.zeros((0, 0)), np.zeros((30, 30))])
def test_nothing_drawn_is_no_line(ink):
    assert text_lines(ink) == 0


def test_a_digit_written_lower_beside_the_others_is_one_staggered_line(sample):
    """A "381" whose 3 sits a digit's height lower: beside the 8 and the 1, not under them."""
    ink = np.zeros((160, 160), np.float32)
    ink[90:118, 10:38] = sample.x_test[0] / 255.0  # the low first digit
    ink[20:48, 60:88] = sample.x_test[1] / 255.0
    ink[20:48, 110:138] = sample.x_test[2] / 255.0
    assert text_lines(ink) == 1


def test_the_lines_hint_counts_only_the_ink_of_the_pieces_read(sample):
    """A photo's shadowed corner left in the ink map, but no piece of the answer, is not a line of writing."""
    from app.reading import DigitReading, Reading
    from app.wording import lines_hint

    ink = np.zeros((200, 200), np.float32)
    pieces = []
    for k in range(3):
        ink[20:48, 20 + 40 * k : 48 + 40 * k] = sample.x_test[k] / 255.0
        probs = np.eye(10, dtype=np.float32)[int(sample.y_test[k])]
        pieces.append(
            DigitReading(str(sample.y_test[k]), 1.0, probs, (20, 20 + 40 * k, 48, 48 + 40 * k), ink[:28, :28])
        )
    ink[170:200, 20:200] = 0.6  # the dark edge of the photo, under the writing
    assert lines_hint(Reading(tuple(pieces), shape=ink.shape), ink) == ""
