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


def test_drawing_only_the_strokes_box_gives_the_whole_canvas_pixels():
    """A new stroke is rasterised on the box it covers (its cost does not grow with the canvas):
    the same pixels as drawing it on the whole canvas, pens and erasers, strokes off the edge too."""
    from PIL import Image, ImageDraw

    from app.document import _apply, _draw_stroke, _grow

    rng = np.random.default_rng(11)
    for case in range(300):
        side = int(rng.choice([28, 77, 256]))
        strokes = []
        for _ in range(int(rng.integers(1, 4))):
            start = rng.uniform(-0.1, 1.1, 2)
            pts = start + np.cumsum(rng.normal(0, 0.03, (int(rng.integers(1, 30)), 2)), axis=0)
            strokes.append(Stroke(tuple(map(tuple, pts.tolist())), float(rng.uniform(0.005, 0.2)), rng.random() < 0.3))
        base = (rng.random((side, side)) < 0.3).astype(np.float32)
        expected = base.copy()
        for stroke in strokes:  # each stroke on a whole-canvas image, as before the box
            img = Image.new("L", (side, side), 0)
            _draw_stroke(ImageDraw.Draw(img), stroke, side, _grow(stroke.erase, side), 255)
            mask = np.asarray(img, np.float32) * np.float32(1 / 255)
            expected = np.minimum(expected, 1 - mask) if stroke.erase else np.maximum(expected, mask)
        assert np.array_equal(_apply(base, tuple(strokes), side), expected), case
