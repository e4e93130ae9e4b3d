"""How strokes become pixels: what the model reads and what Save writes must be the stroke drawn."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from app.document import Document, Stroke, rasterize


def _mouse_stroke(seed: int, n: int = 150) -> Stroke:
    """A diagonal drawn as a mouse sends it: a point every couple of pixels, each a little off."""
    rng = np.random.default_rng(seed)
    pts = tuple(
        (0.2 + i * 0.004 + rng.uniform(-0.0015, 0.0015), 0.15 + i * 0.005 + rng.uniform(-0.0015, 0.0015))
        for i in range(n)
    )
    return Stroke(pts, 0.05)


def _near_path(stroke: Stroke, side: int, within: float) -> np.ndarray:
    """Pixels whose centre lies within ``within`` pixels of the stroke's polyline."""
    ys, xs = np.mgrid[0:side, 0:side] + 0.5
    p = np.array(stroke.points) * side
    near = np.zeros((side, side), bool)
    for a, b in itertools.pairwise(p):
        d = b - a
        t = np.clip(((xs - a[0]) * d[0] + (ys - a[1]) * d[1]) / max(float(d @ d), 1e-12), 0, 1)
        near |= np.hypot(xs - (a[0] + t * d[0]), ys - (a[1] + t * d[1])) <= within
    return near


@pytest.mark.parametrize("seed", [0, 4, 7])
def test_a_mouse_stroke_has_no_cracks_for_the_model_or_in_a_saved_picture(seed):
    stroke = _mouse_stroke(seed)
    side = 256
    core = _near_path(stroke, side, stroke.width * side / 2 - 1.5)  # well inside the pen's width
    assert (rasterize(stroke, side)[core] == 1).all()
    saved = Document().with_stroke(stroke).render_image(side)
    assert (saved[core] == 0).all()  # black ink on white paper, no white crack across it


@pytest.mark.parametrize("side", [96, 256, 512])  # a history thumbnail, the model's ink, a saved picture
def test_the_eraser_along_a_pen_stroke_leaves_nothing(side):
    pen = _mouse_stroke(3)
    eraser = Stroke(pen.points, pen.width, erase=True)
    drawing = Document().with_stroke(pen).with_stroke(eraser)
    assert drawing.render_ink(side).max() == 0
    assert (drawing.render_image(side) == 255).all()  # white paper, not a rim of ink


def test_round_pen_caps_and_a_dot():
    side = 256
    dot = rasterize(Stroke(((0.5, 0.5),), 0.05), side)
    assert dot[128, 128] == 1 and dot.sum() == pytest.approx(
        np.pi * (0.05 * side / 2) ** 2, rel=0.25
    )  # (Pillow fills the boundary pixels too)
    line = rasterize(Stroke(((0.3, 0.5), (0.7, 0.5)), 0.05), side)
    assert line[128, round(0.3 * side) - 5] == 1  # the cap reaches half a pen width past the end


def test_drawing_only_the_strokes_box_matches_the_whole_canvas_and_itself():
    """A new stroke is rasterised on the box it covers (its cost does not grow with the canvas).
    Stroke by stroke as a drawing is made equals the same strokes at once, exactly; against the
    whole-canvas drawing, mouse-sampled strokes are identical and long straight segments differ
    only in a few edge pixels (Pillow fills wide lines in single precision)."""
    from PIL import Image, ImageDraw

    from app.document import _apply, _draw_stroke, _grow

    def whole_canvas(base, strokes, side):
        out = base.copy()
        for stroke in strokes:
            img = Image.new("L", (side, side), 0)
            _draw_stroke(ImageDraw.Draw(img), stroke, side, _grow(stroke.erase, side), 255)
            mask = np.asarray(img, np.float32) * np.float32(1 / 255)
            out = np.minimum(out, 1 - mask) if stroke.erase else np.maximum(out, mask)
        return out

    rng = np.random.default_rng(11)
    for case in range(400):
        side = int(rng.choice([28, 77, 256]))
        long_segments = case % 2 == 1  # two-point strokes across the canvas, or a mouse's short steps
        strokes = []
        for _ in range(int(rng.integers(1, 4))):
            start = rng.uniform(-0.1, 1.1, 2)
            if long_segments:
                pts = np.stack([start, rng.uniform(-0.1, 1.1, 2)])
            else:
                pts = start + np.cumsum(rng.normal(0, 0.01, (int(rng.integers(1, 60)), 2)), axis=0)
            width = float(rng.uniform(0.005, 0.2))
            strokes.append(Stroke(tuple(map(tuple, pts.tolist())), width, bool(rng.random() < 0.3)))
        base = (rng.random((side, side)) < 0.3).astype(np.float32)
        at_once = _apply(base, tuple(strokes), side)
        one_by_one = base
        for stroke in strokes:
            one_by_one = _apply(one_by_one, (stroke,), side)
        assert np.array_equal(at_once, one_by_one), case
        differ = int((at_once != whole_canvas(base, strokes, side)).sum())
        if long_segments:
            assert differ <= 8 * len(strokes), (case, differ)  # 14 of 4,000 differ here, by at most 6
        else:
            assert differ == 0, (case, differ)
