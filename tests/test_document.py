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
