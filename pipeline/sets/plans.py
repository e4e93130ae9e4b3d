"""Pictures read by the app's reader up to the model, many at once, and resolved from their scores.

:func:`plan_pictures` reads each picture as ``digit-predict`` does (picture -> ink -> every
candidate digit, framed: :func:`app.reader.plan`); a :class:`PlanSet` keeps them in flat
arrays for one batch of the model, and :func:`resolve_all` turns the model's scores back
into readings. The render stage builds them, evaluate scores them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.contract import FIELD


@dataclass
class PlanSet:
    """Many pictures, each planned by the app's reader (:func:`app.reader.plan`) in each of its ink variants
    (the paper's structure removed, and not: :func:`app.paper.ink_variants`): every candidate digit
    framed, the model-free half of reading. Evaluate scores them all in one batch."""

    images: np.ndarray  # (M, 28, 28) uint8: the candidates of every plan, one after the other
    spans: np.ndarray  # (M, 2) units each candidate covers
    boxes: np.ndarray  # (M, 4) in the picture's ink map
    prior: np.ndarray  # (M,) float32: each candidate's log-prior as a digit (app.reader.Plan.prior)
    atoms: np.ndarray  # (M, 2) the first and last piece each candidate holds ink of (app.reader.Plan.atoms)
    partial: np.ndarray  # (M, 2) it begins / ends at a cut through that piece
    whole: np.ndarray  # (M,) the piece it is, whole and alone (-1: parts and joins)
    offsets: np.ndarray  # (Q + 1,): plan q's candidates are images[offsets[q] : offsets[q + 1]]
    units: np.ndarray  # (Q,)
    shapes: np.ndarray  # (Q, 2) ink map sizes
    removed: np.ndarray  # (Q,) the paper's structure removed for the plan ("ruling,boxes"; "" for none)
    picture: np.ndarray  # (Q,) the picture each plan reads (plans of one picture are adjacent)
    dark: np.ndarray  # (P,) dark ink on light
    truth: np.ndarray  # (P,) the number written, as a string
    empty: np.ndarray  # (P,) no ink found at all (counted as wrong)
    #: the string fields (app.strings.frame_string) of the candidates wide enough to be touching digits
    #: (app.reader.STRING_ASPECT), and which candidate has which (-1: none)
    string_images: np.ndarray  # (K, 32, 128) uint8
    string_index: np.ndarray  # (M,) int32

    def save(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}_{k}": v for k, v in self.__dict__.items()}

    @classmethod
    def load(cls, npz, prefix: str) -> PlanSet:
        return cls(**{k: npz[f"{prefix}_{k}"] for k in cls.__dataclass_fields__})


def plan_pictures(pictures: Iterable[np.ndarray], truths: Iterable[str]) -> PlanSet:
    """Read each picture the way ``digit-predict`` does, up to the model (picture -> ink -> candidates)."""
    from app.paper import ink_variants
    from app.preprocess import EmptyImage
    from app.reader import plan
    from app.strings import STRING_HEIGHT, STRING_WIDTH

    candidates: dict[str, list[np.ndarray]] = {k: [] for k in _CANDIDATE_FIELDS}
    string_images: list[np.ndarray] = []
    offsets, units, shapes, removed, picture, dark, truth, empty = [0], [], [], [], [], [], [], []
    for n, (pixels, text) in enumerate(zip(pictures, truths, strict=True)):
        variants, dark_on_light = ink_variants(pixels)
        planned = 0
        for ink, structure in variants:
            try:
                p = plan(ink, keep_pieces=True)
            except EmptyImage:
                continue
            for k, v in _candidate_rows(p, string_images).items():
                candidates[k].append(v)
            offsets.append(offsets[-1] + len(p.images))
            units.append(p.units)
            shapes.append(ink.shape)
            removed.append(",".join(structure.kinds))
            picture.append(n)
            planned += 1
        dark.append(dark_on_light)
        truth.append(text)
        empty.append(planned == 0)
    return PlanSet(
        **{
            k: np.concatenate(rows) if rows else np.zeros(_CANDIDATE_FIELDS[k][0], _CANDIDATE_FIELDS[k][1])
            for k, rows in candidates.items()
        },
        offsets=np.asarray(offsets, np.int64),
        units=np.asarray(units, np.int32),
        shapes=np.asarray(shapes, np.int32).reshape(-1, 2),
        removed=np.asarray(removed, dtype="U32"),
        picture=np.asarray(picture, np.int64),
        dark=np.asarray(dark, bool),
        truth=np.asarray(truth, dtype="U8"),
        empty=np.asarray(empty, bool),
        string_images=np.stack(string_images)
        if string_images
        else np.zeros((0, STRING_HEIGHT, STRING_WIDTH), np.uint8),
    )


#: The per-candidate fields of a PlanSet: their shape and dtype when no picture holds ink.
_CANDIDATE_FIELDS: dict[str, tuple[tuple[int, ...], type]] = {
    "images": ((0, FIELD, FIELD), np.uint8),
    "spans": ((0, 2), np.int32),
    "boxes": ((0, 4), np.int32),
    "prior": ((0,), np.float32),
    "atoms": ((0, 2), np.int32),
    "partial": ((0, 2), bool),
    "whole": ((0,), np.int32),
    "string_index": ((0,), np.int32),
}


def _candidate_rows(p: Any, string_images: list[np.ndarray]) -> dict[str, np.ndarray]:
    """One plan's candidates as PlanSet rows; the string fields of those wide enough to be touching digits
    go onto ``string_images``, and ``string_index`` says where."""
    from app.reader import STRING_ASPECT
    from app.strings import frame_string

    # every candidate the reader may hand the string model: the wide ones, and the whole pieces (the "no digits"
    # check of app.reader._string_scores)
    wide = (p.boxes[:, 3] - p.boxes[:, 1]) >= STRING_ASPECT * (p.boxes[:, 2] - p.boxes[:, 0])
    wide |= p.whole >= 0
    index = np.full(len(p.images), -1, np.int32)
    index[wide] = len(string_images) + np.arange(int(wide.sum()), dtype=np.int32)
    string_images.extend(np.rint(frame_string(p.pieces[i].ink) * 255).astype(np.uint8) for i in np.flatnonzero(wide))
    return {
        "images": np.rint(p.images * 255).astype(np.uint8),
        "spans": np.asarray(p.spans, np.int32).reshape(-1, 2),
        "boxes": p.boxes.astype(np.int32),
        "prior": np.asarray(p.prior, np.float32),
        "atoms": p.atoms.astype(np.int32),
        "partial": p.partial,
        "whole": p.whole.astype(np.int32),
        "string_index": index,
    }


def resolve_all(
    ps: PlanSet, probs: np.ndarray, reject: np.ndarray | None, threshold: float | None, strings: Any = None
):
    """Every picture's reading (or None where no ink was found), from the scores of all candidates
    (and, with ``strings``, the string model: :mod:`app.strings`)."""
    from app.contract import LABELS
    from app.reader import Plan, choose, resolve

    readings: list[list] = [[] for _ in range(len(ps.truth))]
    for q in range(len(ps.units)):
        a, b = int(ps.offsets[q]), int(ps.offsets[q + 1])
        spans = [tuple(s) for s in ps.spans[a:b].tolist()]
        plan = Plan(
            int(ps.units[q]),
            spans,
            ps.boxes[a:b],
            ps.images[a:b].astype(np.float32) / 255.0,
            tuple(ps.shapes[q]),
            ps.prior[a:b],
            None,
            ps.atoms[a:b],
            ps.partial[a:b],
            ps.whole[a:b],
            string_fields=_string_fields(ps, a, b) if strings is not None else None,
        )
        n = int(ps.picture[q])
        removed = tuple(k for k in str(ps.removed[q]).split(",") if k)
        readings[n].append(
            resolve(
                plan,
                probs[a:b],
                None if reject is None else reject[a:b],
                threshold,
                LABELS,
                dark_on_light=bool(ps.dark[n]),
                removed=removed,
                strings=strings,
            )
        )
    return [choose(r) if r else None for r in readings]


def _string_fields(ps: PlanSet, a: int, b: int) -> np.ndarray:
    """Candidates a..b's string fields as float32 (zeros where a candidate has none)."""
    index = ps.string_index[a:b]
    out = np.zeros((b - a, *ps.string_images.shape[1:]), np.float32)
    has = index >= 0
    out[has] = ps.string_images[index[has]].astype(np.float32) / 255.0
    return out


def concat(sets: list[PlanSet]) -> PlanSet:
    offsets, base, pictures, shift = [np.zeros(1, np.int64)], 0, [], 0
    string_index, string_base = [], 0
    for ps in sets:
        string_index.append(np.where(ps.string_index >= 0, ps.string_index + string_base, -1).astype(np.int32))
        string_base += len(ps.string_images)
        offsets.append(ps.offsets[1:] + base)
        base += int(ps.offsets[-1])
        pictures.append(ps.picture + shift)
        shift += len(ps.truth)
    fields = {
        k: np.concatenate([getattr(ps, k) for ps in sets])
        for k in PlanSet.__dataclass_fields__
        if k not in ("offsets", "picture", "string_index")
    }
    return PlanSet(
        offsets=np.concatenate(offsets),
        picture=np.concatenate(pictures),
        string_index=np.concatenate(string_index),
        **fields,
    )
