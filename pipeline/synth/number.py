"""Whole numbers: 2 to 6 MNIST digits side by side, as people write them. Pure numpy.

:func:`number`: each digit cropped to its ink, with random gaps (2-30 px at MNIST scale),
size and baseline jitter, scaled up, dark on light or light on dark. Seeded by its caller.
"""

from __future__ import annotations

import numpy as np

from app.contract import FIELD
from app.preprocess import resize


def _crop_columns(digit: np.ndarray) -> np.ndarray:
    cols = np.flatnonzero(digit.max(axis=0) > 0)
    return digit[:, cols[0] : cols[-1] + 1] if cols.size else digit


def number(digits: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A grey uint8 picture of ``digits`` (each 28x28 uint8, white on black) written as one number."""
    scales = rng.uniform(0.85, 1.15, len(digits))
    parts, height = [], 0
    for d, s in zip(digits, scales, strict=True):
        crop = _crop_columns(d).astype(np.float32) / 255.0
        h, w = max(1, round(FIELD * s)), max(1, round(crop.shape[1] * s))
        parts.append(np.clip(resize(crop, h, w), 0, 1))
        height = max(height, h)
    gaps = rng.integers(2, 31, len(digits) - 1)
    shifts = rng.integers(-3, 4, len(digits))
    width = sum(p.shape[1] for p in parts) + int(gaps.sum())
    margin = 12
    canvas = np.zeros((height + 2 * margin + 6, width + 2 * margin), np.float32)
    x = margin
    for i, p in enumerate(parts):
        y = margin + 3 + int(shifts[i]) + (height - p.shape[0])  # a common baseline, jittered
        region = canvas[y : y + p.shape[0], x : x + p.shape[1]]
        np.maximum(region, p, out=region)
        x += p.shape[1] + (int(gaps[i]) if i < len(gaps) else 0)
    zoom = rng.uniform(2.0, 4.0)
    big = np.clip(resize(canvas, round(canvas.shape[0] * zoom), round(canvas.shape[1] * zoom)), 0, 1)
    if rng.random() < 0.5:
        big = 1.0 - big  # dark ink on paper
    return np.rint(big * 255).astype(np.uint8)
