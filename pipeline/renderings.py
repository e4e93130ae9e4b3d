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
from collections.abc import Iterable
from dataclasses import dataclass

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


# ---------------------------------------------------------------- test sets
@dataclass
class PlanSet:
    """Many pictures, each planned by the app's reader (:func:`app.reader.plan`): every candidate digit
    of every picture framed, the model-free half of reading. Evaluate scores them all in one batch."""

    images: np.ndarray  # (M, 28, 28) uint8: the candidates of every picture, one after the other
    offsets: np.ndarray  # (P + 1,): picture p's candidates are images[offsets[p] : offsets[p + 1]]
    spans: np.ndarray  # (M, 2) units each candidate covers
    boxes: np.ndarray  # (M, 4) in the picture's ink map
    units: np.ndarray  # (P,)
    shapes: np.ndarray  # (P, 2) ink map sizes
    dark: np.ndarray  # (P,) dark ink on light
    truth: np.ndarray  # (P,) the number written, as a string
    empty: np.ndarray  # (P,) no ink found at all (counted as wrong)

    def save(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}_{k}": v for k, v in self.__dict__.items()}

    @classmethod
    def load(cls, npz, prefix: str) -> PlanSet:
        return cls(**{k: npz[f"{prefix}_{k}"] for k in cls.__dataclass_fields__})


def plan_pictures(pictures: Iterable[np.ndarray], truths: Iterable[str]) -> PlanSet:
    """Read each picture the way ``digit-predict`` does, up to the model (picture -> ink -> candidates)."""
    from app.preprocess import EmptyImage, ink_from_image
    from app.reader import plan

    images, offsets, spans, boxes, units, shapes, dark, truth, empty = [], [0], [], [], [], [], [], [], []
    for picture, text in zip(pictures, truths, strict=True):
        ink, dark_on_light = ink_from_image(picture)
        try:
            p = plan(ink)
        except EmptyImage:
            p = None
        if p is not None:
            images.append(np.rint(p.images * 255).astype(np.uint8))
            spans.append(np.asarray(p.spans, np.int32).reshape(-1, 2))
            boxes.append(p.boxes.astype(np.int32))
        offsets.append(offsets[-1] + (0 if p is None else len(p.images)))
        units.append(0 if p is None else p.units)
        shapes.append(ink.shape)
        dark.append(dark_on_light)
        truth.append(text)
        empty.append(p is None)
    return PlanSet(
        images=np.concatenate(images) if images else np.zeros((0, 28, 28), np.uint8),
        offsets=np.asarray(offsets, np.int64),
        spans=np.concatenate(spans) if spans else np.zeros((0, 2), np.int32),
        boxes=np.concatenate(boxes) if boxes else np.zeros((0, 4), np.int32),
        units=np.asarray(units, np.int32),
        shapes=np.asarray(shapes, np.int32).reshape(-1, 2),
        dark=np.asarray(dark, bool),
        truth=np.asarray(truth, dtype="U8"),
        empty=np.asarray(empty, bool),
    )


def resolve_all(ps: PlanSet, probs: np.ndarray, reject: np.ndarray | None, threshold: float | None):
    """Every picture's reading (or None where no ink was found), from the scores of all candidates."""
    from app.contract import LABELS
    from app.reader import Plan, resolve

    out = []
    for p in range(len(ps.truth)):
        a, b = int(ps.offsets[p]), int(ps.offsets[p + 1])
        if ps.empty[p]:
            out.append(None)
            continue
        plan = Plan(
            int(ps.units[p]),
            [tuple(s) for s in ps.spans[a:b].tolist()],
            ps.boxes[a:b],
            ps.images[a:b].astype(np.float32) / 255.0,
            tuple(ps.shapes[p]),
        )
        out.append(
            resolve(
                plan,
                probs[a:b],
                None if reject is None else reject[a:b],
                threshold,
                LABELS,
                dark_on_light=bool(ps.dark[p]),
            )
        )
    return out


def concat(sets: list[PlanSet]) -> PlanSet:
    offsets, base = [np.zeros(1, np.int64)], 0
    for ps in sets:
        offsets.append(ps.offsets[1:] + base)
        base += int(ps.offsets[-1])
    fields = {
        k: np.concatenate([getattr(ps, k) for ps in sets]) for k in PlanSet.__dataclass_fields__ if k != "offsets"
    }
    return PlanSet(offsets=np.concatenate(offsets), **fields)


def _numbers_job(x: np.ndarray, y: np.ndarray, length: int, first: int, count: int, seed: int) -> PlanSet:
    pictures, truths = [], []
    for k in range(first, first + count):
        rng = np.random.default_rng([seed, 1, length, k])
        idx = rng.integers(0, len(x), length)
        pictures.append(number(x[idx], rng))
        truths.append("".join(str(int(v)) for v in y[idx]))
    return plan_pictures(pictures, truths)


def _photos_job(x: np.ndarray, y: np.ndarray, first: int, seed: int) -> PlanSet:
    pictures = [photo(x[i], np.random.default_rng([seed, 2, first + i])) for i in range(len(x))]
    return plan_pictures(pictures, [str(int(v)) for v in y])


def _drawn_job(x: np.ndarray, transform: str, seed: int) -> np.ndarray:
    from app.preprocess import prepare
    from pipeline.drawn import drawn_inputs

    return np.rint(drawn_inputs(x, transform, lambda c: prepare(c).image, seed) * 255).astype(np.uint8)


def render_sets(data, cfg) -> dict[str, np.ndarray]:
    """Every open-world test set (``render`` params), as arrays for ``renderings.npz``."""
    from pipeline.drawn import TRANSFORMS
    from pipeline.parallel import run_jobs

    chunk = 250
    out: dict[str, np.ndarray] = {}
    if cfg.drawn:
        n = len(data.x_test) if cfg.drawn_limit is None else min(cfg.drawn_limit, len(data.x_test))
        parts = run_jobs(_drawn_job, [(data.x_test[:n], name, 0) for name in TRANSFORMS], "drawn digits")
        out["drawn_x"] = np.concatenate(parts)
        out["drawn_y"] = np.tile(data.y_test[:n], len(TRANSFORMS))
        out["drawn_kind"] = np.repeat(np.arange(len(TRANSFORMS), dtype=np.uint8), n)
    jobs = [
        (data.x_test, data.y_test, length, first, min(chunk, cfg.numbers_per_length - first), cfg.seed)
        for length in cfg.number_lengths
        for first in range(0, cfg.numbers_per_length, chunk)
    ]
    if jobs:
        sets = run_jobs(_numbers_job, jobs, "numbers")
        out |= concat(sets).save("numbers")
        out["numbers_length"] = np.asarray([len(t) for ps in sets for t in ps.truth], np.int32)
    n = min(cfg.photos, len(data.x_test))
    jobs = [
        (data.x_test[a : min(a + chunk, n)], data.y_test[a : min(a + chunk, n)], a, cfg.seed)
        for a in range(0, n, chunk)
    ]
    if jobs:
        out |= concat(run_jobs(_photos_job, jobs, "photos")).save("photos")
    for k in range(min(4, cfg.numbers_per_length)):  # a few pictures as people would see them, for the report
        length = list(cfg.number_lengths)[k % len(cfg.number_lengths)]
        rng = np.random.default_rng([cfg.seed, 1, length, 0])
        out[f"example_number_{k}"] = number(data.x_test[rng.integers(0, len(data.x_test), length)], rng)
    for k in range(min(4, n)):
        out[f"example_photo_{k}"] = photo(data.x_test[k], np.random.default_rng([cfg.seed, 2, k]))
    return out
