"""The app's preprocessing: any canvas becomes an MNIST-framed 28x28 input, or 'nothing drawn'."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from app.preprocess import (
    BOX,
    CENTRE,
    WEIGHT_BITS,
    EmptyImage,
    centre_of_mass,
    prepare,
    resample_matrix,
    resize,
    to_grey,
)
from pipeline.synth.pen import TRANSFORMS, render


def _seven(size=200, canvas=400, top=100, left=100, width=24, dark_on_light=True):
    """A '7' drawn as two thick strokes on a canvas."""
    img = np.zeros((canvas, canvas), np.float32)
    img[top : top + width, left : left + size] = 1
    for i in range(size):
        c = left + size - width - int(i * 0.5)
        img[top + i, c : c + width] = 1
    return (255 * (1 - img) if dark_on_light else 255 * img).astype(np.uint8)


def _similar(a, b, tol=0.12):
    return float(np.abs(a - b).mean()) < tol and np.corrcoef(a.ravel(), b.ravel())[0, 1] > 0.9


def test_output_is_mnist_framed():
    p = prepare(_seven())
    img = p.image
    assert img.shape == (28, 28) and img.dtype == np.float32
    assert img.min() >= 0 and img.max() <= 1 and img.max() > 0.9
    rows, cols = np.flatnonzero(img.any(1)), np.flatnonzero(img.any(0))
    assert max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1) <= BOX + 1
    cy, cx = centre_of_mass(img)
    assert abs(cy - CENTRE) <= 0.75 and abs(cx - CENTRE) <= 0.75
    assert p.inverted  # dark ink on white paper
    assert img[0].max() == 0 and img[:, 0].max() == 0  # black background


@pytest.mark.parametrize(
    "canvas",
    [
        np.full((300, 300), 255, np.uint8),
        np.zeros((50, 80), np.uint8),
        np.full((64, 64), 0.5, np.float32),
        np.full((100, 100, 3), (200, 40, 40), np.uint8),
        np.zeros((40, 40, 4), np.uint8),
    ],
)
def test_blank_canvases_are_nothing_drawn(canvas):
    with pytest.raises(EmptyImage, match="nothing is drawn"):
        prepare(canvas)


def test_faint_noise_is_nothing_drawn():
    noise = 250 + np.random.default_rng(0).integers(0, 6, (120, 120))
    with pytest.raises(EmptyImage):
        prepare(noise.astype(np.uint8))


def test_polarity_colour_and_transparency_give_the_same_input():
    ref = prepare(_seven(dark_on_light=False)).image
    assert _similar(prepare(_seven(dark_on_light=True)).image, ref, 0.02)
    mask = _seven(dark_on_light=False)
    rgb = np.stack([np.where(mask > 0, 20, 250), np.where(mask > 0, 60, 240), np.where(mask > 0, 200, 220)], -1)
    assert _similar(prepare(rgb.astype(np.uint8)).image, ref, 0.05)
    rgba = np.zeros((*mask.shape, 4), np.uint8)
    rgba[..., 3] = mask  # black ink on a transparent layer
    assert _similar(prepare(rgba).image, ref, 0.02)


def test_position_and_size_do_not_change_the_input():
    ref = prepare(_seven()).image
    assert _similar(prepare(_seven(top=10, left=180)).image, ref)
    assert _similar(prepare(_seven(size=60, width=8, top=300, left=20)).image, ref)
    assert _similar(prepare(_seven(size=380, width=45, top=10, left=10)).image, ref)


def test_mnist_digits_survive_preparation(sample):
    """An already-framed MNIST digit comes back nearly unchanged."""
    digits = sample.x_test[:200] / 255.0
    corr = np.array([np.corrcoef(prepare(d).image.ravel(), d.ravel())[0, 1] for d in digits])
    assert np.median(corr) > 0.97 and np.mean(corr > 0.9) > 0.9


def test_resample_matrix_rows_are_whole_weights():
    one = 2**WEIGHT_BITS
    for n_in, n_out in ((200, 20), (7, 20), (20, 20), (481, 23)):
        m = resample_matrix(n_in, n_out)
        assert m.shape == (n_out, n_in) and (m >= 0).all() and (m == np.rint(m)).all()
        assert (m.sum(1) == one).all()
    assert (resample_matrix(20, 20) == one * np.eye(20)).all()


def test_resize_is_exact_whatever_order_the_sums_take():
    """BLAS adds in an order of its own choosing per CPU; an exact resize cannot tell."""
    rng = np.random.default_rng(0)
    image = rng.random((97, 61)).astype(np.float32)
    flat = resize(np.full((97, 61), 0.625, np.float32), 20, 14)
    assert (flat == np.float32(0.625)).all()
    out = resize(image, 20, 14)
    # the same sums in reverse order (the columns of the input and the weights reversed)
    rev = resize(image[::-1, ::-1].copy(), 20, 14)[::-1, ::-1]
    assert out.dtype == np.float32 and out.tobytes() == np.ascontiguousarray(rev).tobytes()


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (np.zeros((5, 5, 2)), "expected a 2-D grey image or an RGB/RGBA image"),
        (np.zeros((0, 10)), "the image is empty"),
        (np.full((4, 4), np.nan), "NaN"),
        (np.array([["a"]]), "numeric image array"),
    ],
)
def test_images_that_are_not_images_are_rejected(bad, message):
    with pytest.raises(ValueError, match=message):
        prepare(bad)


shapes = st.tuples(st.integers(1, 120), st.integers(1, 120))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        arrays(np.uint8, shapes),
        arrays(np.float32, shapes, elements=st.floats(0, 1, width=32)),
        arrays(np.uint8, st.tuples(st.integers(1, 80), st.integers(1, 80), st.sampled_from([1, 3, 4]))),
    )
)
def test_any_canvas_gives_a_valid_input_or_nothing_drawn(canvas):
    try:
        p = prepare(canvas)
    except EmptyImage:
        return
    assert p.image.shape == (28, 28) and p.image.dtype == np.float32
    assert np.isfinite(p.image).all() and p.image.min() >= 0 and p.image.max() <= 1
    assert p.image.max() > 0


@settings(max_examples=40, deadline=None)
@given(top=st.integers(0, 190), left=st.integers(0, 190), size=st.integers(40, 200))
def test_moved_or_resized_digit_gives_nearly_the_same_input(top, left, size):
    width = max(4, size // 8)
    canvas_size = 400
    size = min(size, canvas_size - max(top, left))
    ref = prepare(_seven()).image
    moved = prepare(_seven(size=size, width=width, top=top, left=left, canvas=canvas_size)).image
    assert _similar(moved, ref, 0.15), (top, left, size)


def test_drawn_renderings_are_all_preparable():
    digits = np.zeros((3, 28, 28), np.uint8)
    digits[:, 6:22, 12:16] = 255  # a '1'
    for name in TRANSFORMS:
        for canvas in render(digits, name):
            assert prepare(canvas).image.max() > 0.5, name


def test_to_grey_handles_dtypes():
    assert to_grey(np.array([[0, 255]], np.uint8)).tolist() == [[0.0, 1.0]]
    assert to_grey(np.array([[0.0, 255.0]])).tolist() == [[0.0, 1.0]]
    assert to_grey(np.array([[True, False]])).tolist() == [[1.0, 0.0]]
