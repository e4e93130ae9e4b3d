"""A digit written on paper and photographed. Pure numpy + Pillow.

:func:`photo`: pen strokes on tinted paper in black or blue ink, a lighting gradient with one
side down to half the brightness of the other, a vignette, paper grain, blur, a rotation of
up to 10 degrees, JPEG at quality 60-90. Seeded by its caller.
"""

from __future__ import annotations

import io
import math

import numpy as np

from pipeline.synth.pen import CANVAS, place


def photo(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """An RGB uint8 photo of ``digit`` written on paper, lit unevenly, JPEG-compressed."""
    from PIL import Image, ImageFilter

    size = int(rng.uniform(90, 170))
    ink = place(
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
