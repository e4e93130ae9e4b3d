"""MNIST digits re-rendered the way people draw them in the app. Pure numpy.

Each transformation turns a 28x28 MNIST digit into a larger canvas with pen-like strokes:
centred, off centre, small, large, thick, thin, inverted (dark ink on paper) and colour
(RGB ink on a tinted background). The app's benchmark and the evaluate stage score the
model on them through the app's own preprocessing, so "works on MNIST" and "works on what
people draw" are measured side by side.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from app.preprocess import bounding_box, fit_box, morphology, resize
from pipeline.families import DRAWN

CANVAS = 224


def _pen(grey: np.ndarray, threshold: float) -> np.ndarray:
    """Near-binary strokes with soft edges, like a round pen, from a smooth upscaled digit."""
    return np.clip((grey - threshold) / 0.15 + 0.5, 0, 1)


def place(
    digit: np.ndarray, size: int, centre: tuple[float, float], threshold: float = 0.4, dilate: int = 1
) -> np.ndarray:
    """Draw ``digit`` with its longer side ``size`` px around ``centre`` on an empty canvas."""
    d = digit.astype(np.float32) / 255.0 if digit.dtype == np.uint8 else digit.astype(np.float32)
    box = bounding_box(d, 0.05)
    if box is None:
        return np.zeros((CANVAS, CANVAS), np.float32)
    top, left, bottom, right = box
    crop = d[top:bottom, left:right]
    nh, nw = fit_box(*crop.shape, size)
    strokes = morphology(_pen(np.clip(resize(crop, nh, nw), 0, 1), threshold), dilate, np.maximum)
    canvas = np.zeros((CANVAS, CANVAS), np.float32)
    y0 = int(np.clip(round(centre[0] - nh / 2), 0, CANVAS - nh))
    x0 = int(np.clip(round(centre[1] - nw / 2), 0, CANVAS - nw))
    canvas[y0 : y0 + nh, x0 : x0 + nw] = strokes[: CANVAS - y0, : CANVAS - x0]
    return canvas


def _somewhere(rng: np.random.Generator, size: int) -> tuple[float, float]:
    half = size / 2
    return float(rng.uniform(half, CANVAS - half)), float(rng.uniform(half, CANVAS - half))


def centred(d: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return place(d, 160, (CANVAS / 2, CANVAS / 2))


def off_centre(d: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    corner = rng.integers(0, 4)
    cy = 55.0 if corner in (0, 1) else CANVAS - 55.0
    cx = 55.0 if corner in (0, 2) else CANVAS - 55.0
    return place(d, 90, (cy + rng.uniform(-10, 10), cx + rng.uniform(-10, 10)))


def small(d: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return place(d, 36, _somewhere(rng, 36))


def large(d: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return place(d, CANVAS - 4, (CANVAS / 2, CANVAS / 2))


def thick(d: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return place(d, 150, (CANVAS / 2, CANVAS / 2), threshold=0.2, dilate=9)


def thin(d: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return place(d, 170, (CANVAS / 2, CANVAS / 2), threshold=0.75)


def inverted(d: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return 1.0 - place(d, 150, _somewhere(rng, 150))


def colour(d: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    ink = place(d, 140, _somewhere(rng, 140))[..., None]
    pen = rng.uniform(0, 0.45, 3).astype(np.float32)  # dark-ish coloured ink
    paper = rng.uniform(0.8, 1.0, 3).astype(np.float32)  # light tinted paper
    rgb = paper * (1 - ink) + pen * ink
    return (rgb * 255).round().astype(np.uint8)


TRANSFORMS: dict[str, Callable[[np.ndarray, np.random.Generator], np.ndarray]] = dict(
    zip(DRAWN, (centred, off_centre, small, large, thick, thin, inverted, colour), strict=True)
)


def render(images: np.ndarray, transform: str, seed: int = 0) -> Iterator[np.ndarray]:
    """Yield each MNIST digit drawn with ``transform`` (seeded, so every run draws the same)."""
    fn = TRANSFORMS[transform]
    rng = np.random.default_rng([seed, list(TRANSFORMS).index(transform)])
    for digit in images:
        yield fn(digit, rng)


def drawn_inputs(
    images: np.ndarray, transform: str, prepare: Callable[[np.ndarray], np.ndarray], seed: int = 0
) -> np.ndarray:
    """(N,28,28) model inputs: every digit drawn with ``transform`` then passed through ``prepare``."""
    return np.stack([prepare(canvas) for canvas in render(images, transform, seed)]).astype(np.float32)
