"""Low-resolution scans enlarged without smoothing are read as the scan was; other pictures are left alone."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from app.blocky import smooth_cells
from app.preprocess import to_grey
from tests.helpers import page, ruling


def scan(digit: np.ndarray, cells: int = 8, size: int = 62, margin: int = 1) -> np.ndarray:
    """An MNIST digit scanned at ``cells`` x ``cells`` in 16 greys (like UCI's 8x8 digits), with a
    ``margin`` of paper cells, enlarged by repeating pixels to about ``size`` px, dark on white."""
    small = Image.fromarray(digit).resize((cells, cells), Image.Resampling.BOX)
    a = np.pad(np.asarray(small, np.float64), margin)
    a = np.rint(a / 255 * 15) / 15  # 16 levels of grey
    big = Image.fromarray(np.uint8(255 - a * 255)).resize((size, size), Image.Resampling.NEAREST)
    return np.asarray(big)


def _steepest(grey: np.ndarray) -> float:
    return float(max(np.abs(np.diff(grey, axis=0)).max(), np.abs(np.diff(grey, axis=1)).max()))


@pytest.mark.parametrize(("cells", "size"), [(8, 64), (8, 62), (8, 37), (12, 90), (16, 200)])
def test_a_mosaic_of_cells_is_drawn_again_smooth_with_the_same_ink(sample, cells, size):
    grey = to_grey(scan(sample.x_test[0], cells, size))
    smooth = smooth_cells(grey)
    assert smooth is not grey and smooth.shape == grey.shape and smooth.dtype == np.float32
    assert _steepest(smooth) < 0.6 * _steepest(grey)  # no hard steps left
    assert abs(float(smooth.mean()) - float(grey.mean())) < 0.02  # the same ink, spread as the scan had it


def test_a_drawing_a_photo_ruled_paper_and_boxes_are_left_as_they_are(sample):
    boxes = page(sample, [3, 4, 5], boxes=[(70 + 70 * k, 75, 130 + 70 * k, 160) for k in range(3)], gap=30)
    thick = page(sample, [0, 1], boxes=[(60, 40, 200, 200)], gap=30)
    drawn = np.asarray(Image.fromarray(255 - sample.x_test[1]).resize((280, 280), Image.Resampling.BILINEAR))
    noise = np.random.default_rng(0).integers(180, 255, (120, 160)).astype(np.uint8)
    pictures = {
        "ruled": page(sample, [0, 1, 2], lines=ruling()),
        "boxes": boxes,
        "one box": thick,
        "drawn": drawn,
        "grain": noise,
        "tiny": scan(sample.x_test[2], 8, 8),
        "blank": np.full((64, 64), 255, np.uint8),
    }
    for name, picture in pictures.items():
        grey = to_grey(picture)
        assert smooth_cells(grey) is grey, name


def test_scans_of_8x8_cells_are_read_not_turned_away(sample, published_model):
    """30 test digits scanned at 8x8 and enlarged 4-8x with hard steps: the reader turned 6 of them
    away as "not a digit" and read 19 right (the shipped model); smoothed, 0 and 29."""
    from app.document import Document, Picture, read
    from app.inference import Classifier

    classifier = Classifier(published_model)
    rng = np.random.default_rng(5)
    right = turned_away = 0
    for i in range(30):
        picture = scan(sample.x_test[i], 8, int(rng.integers(32, 65)), margin=int(rng.integers(0, 2)))
        reading, _ = read(classifier, Document(picture=Picture(picture, f"scan{i}.png")))
        right += reading.number == str(sample.y_test[i])
        turned_away += reading.number is None
    assert turned_away <= 1 and right >= 26, (right, turned_away)
