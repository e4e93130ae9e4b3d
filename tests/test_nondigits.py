"""The gate's non-digits: letters and symbols written with a pen, as well as printed."""

from __future__ import annotations

import numpy as np

from pipeline.sets.trainsets import generate
from pipeline.synth.nondigit import CANVAS
from pipeline.synth.written import STROKE_FONT_SPLITS, WRITTEN, font_lines, written


def test_every_split_has_its_own_stroke_fonts_and_every_glyph_in_them():
    fonts = {split: set(names) for split, names in STROKE_FONT_SPLITS.items()}
    assert not fonts["train"] & fonts["validation"] and not fonts["train"] & fonts["eval"]
    assert not fonts["validation"] & fonts["eval"]
    for names in STROKE_FONT_SPLITS.values():
        for name in names:
            assert all(font_lines(name, char) for char in WRITTEN), name


def test_a_written_glyph_is_a_pen_line_on_the_canvas_and_the_same_for_the_same_seed():
    a = written(np.random.default_rng(4), STROKE_FONT_SPLITS["eval"])
    b = written(np.random.default_rng(4), STROKE_FONT_SPLITS["eval"])
    assert a.shape == (CANVAS, CANVAS) and a.dtype == np.float32 and np.array_equal(a, b)
    assert 0.02 < (a > 0.5).mean() < 0.5  # a line, neither a speck nor a filled block
    rows, cols = np.nonzero(a > 0.5)
    assert rows.min() > 0 and cols.min() > 0 and rows.max() < CANVAS - 1 and cols.max() < CANVAS - 1


def test_the_gates_glyphs_are_printed_and_written_each_split_in_its_own_hands(monkeypatch):
    from pipeline.sets import trainsets

    hands: list[tuple[str, ...]] = []

    def counted(rng, fonts):
        hands.append(tuple(fonts))
        return written(rng, fonts)

    monkeypatch.setattr(trainsets, "written", counted)
    for split in STROKE_FONT_SPLITS:
        made = generate(split, 40, 3, np.zeros((1, 28, 28), np.uint8), kinds=("glyph",))
        assert made.images.shape == (40, 28, 28)
        mine = [h for h in hands if h == tuple(STROKE_FONT_SPLITS[split])]
        assert 8 <= len(mine) <= 32, (split, len(mine))  # about half of 40 written, the rest printed
        hands.clear()
