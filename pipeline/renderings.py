"""MNIST digits as people hand them to the app: whole numbers, and photos of paper. Pure numpy + Pillow.

- :func:`number`: 2 to 6 digits side by side, each cropped to its ink, with random gaps
  (2-30 px at MNIST scale), size and baseline jitter, scaled up, dark on light or light on dark.
- :func:`photo`: one digit written on paper and photographed: pen strokes on tinted paper in
  black or blue ink, a lighting gradient with one side down to half the brightness of the
  other, a vignette, paper grain, blur, a rotation of up to 10 degrees, JPEG at quality 60-90.

Seeded: the same seed draws the same pictures. The evaluate stage reads them through the
app's own reading path (:mod:`app.reader`).
"""

from __future__ import annotations

import io
import math

import numpy as np

from app.preprocess import resize
from pipeline.drawn import CANVAS, _place


def _crop_columns(digit: np.ndarray) -> np.ndarray:
    cols = np.flatnonzero(digit.max(axis=0) > 0)
    return digit[:, cols[0] : cols[-1] + 1] if cols.size else digit


def number(digits: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A grey uint8 picture of ``digits`` (each 28x28 uint8, white on black) written as one number."""
    scales = rng.uniform(0.85, 1.15, len(digits))
    parts, height = [], 0
    for d, s in zip(digits, scales, strict=True):
        crop = _crop_columns(d).astype(np.float32) / 255.0
        h, w = max(1, round(28 * s)), max(1, round(crop.shape[1] * s))
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


def photo(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An RGB uint8 photo of ``digit`` written on paper, lit unevenly, JPEG-compressed."""
    from PIL import Image, ImageFilter

    size = int(rng.uniform(90, 170))
    ink = _place(
        digit,
        size,
        (CANVAS / 2 + rng.uniform(-20, 20), CANVAS / 2 + rng.uniform(-20, 20)),
        threshold=float(rng.uniform(0.3, 0.5)),
        dilate=int(rng.integers(1, 4)),
    )
    paper = rng.uniform(0.78, 0.97, 3).astype(np.float32)  # white, cream, grey or tinted paper
    pen = np.array([0.05, 0.05, 0.08], np.float32) if rng.random() < 0.5 else np.array([0.1, 0.15, 0.55], np.float32)
    pen = np.clip(pen + rng.uniform(-0.04, 0.04, 3), 0, 1).astype(np.float32)
    rgb = paper * (1 - ink[..., None]) + pen * ink[..., None]
    # light: a gradient, one side down to half the brightness of the other, and a vignette
    yy, xx = np.mgrid[0:CANVAS, 0:CANVAS].astype(np.float32) / (CANVAS - 1)
    angle = rng.uniform(0, 2 * math.pi)
    t = (np.cos(angle) * (xx - 0.5) + np.sin(angle) * (yy - 0.5)) / math.sqrt(0.5) + 0.5
    light = 1.0 - 0.5 * np.clip(t, 0, 1) * rng.uniform(0.6, 1.0)
    light *= 1.0 - rng.uniform(0.1, 0.3) * ((xx - 0.5) ** 2 + (yy - 0.5) ** 2) * 2
    rgb = rgb * light[..., None]
    rgb += rng.normal(0, rng.uniform(0.01, 0.03), rgb.shape).astype(np.float32)  # paper grain, sensor noise
    img = Image.fromarray(np.rint(np.clip(rgb, 0, 1) * 255).astype(np.uint8), "RGB")
    img = img.rotate(
        float(rng.uniform(-10, 10)),
        resample=Image.Resampling.BILINEAR,
        fillcolor=tuple(int(v) for v in np.rint(np.clip(paper * light.mean(), 0, 1) * 255)),
    )
    img = img.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.3, 1.2))))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=int(rng.integers(60, 91)))
    with Image.open(io.BytesIO(buf.getvalue())) as jpeg:
        return np.asarray(jpeg.convert("RGB"))


def number_lengths(lengths: tuple[int, ...], per_length: int, seed: int, n_digits: int) -> list[np.ndarray]:
    """For each length, ``per_length`` index arrays into the digits (seeded)."""
    rng = np.random.default_rng([seed, 77])
    return [rng.integers(0, n_digits, length) for length in lengths for _ in range(per_length)]


__all__ = ["number", "number_lengths", "photo"]
