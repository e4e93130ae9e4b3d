"""Pictures read by the app's reader up to the model, many at once, and resolved from their scores.

:func:`plan_pictures` reads each picture as ``digit-predict`` does (picture -> ink -> every
candidate digit, framed: :func:`app.reader.plan`); a :class:`PlanSet` keeps them in flat
arrays for one batch of the model, and :func:`resolve_all` turns the model's scores back
into readings. The render stage builds them, evaluate scores them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np


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
