"""The person's own digits (``app.userdata`` records) as arrays: whole sittings held out, the rest to learn from.

A sitting's drawings look alike (the same pen, mood and speed), so the held-out part is made of
whole (writer, session) groups: a digit is never measured against a near copy of itself that
was learnt. A writer with fewer than MIN_SESSIONS sessions cannot be split that way (one sitting
would be all or nothing); their records are split one by one instead, and the stage says so.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.contract import FIELD
from app.userdata import Loaded, Record

log = logging.getLogger(__name__)

#: Below this many sessions a writer's records are held out one by one, not by session.
MIN_SESSIONS = 4
#: The arrays of ``user.npz``: digits (N,28,28) uint8, labels (N,) uint8, the record each came from.
KEYS = ("x_train", "y_train", "r_train", "x_held", "y_held", "r_held")


@dataclass(frozen=True)
class UserSet:
    """The person's digits: to learn from (train) and to measure on (held)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_held: np.ndarray
    y_held: np.ndarray
    #: for each digit, the index of its record in ``ids``
    r_train: np.ndarray
    r_held: np.ndarray
    ids: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return len(self.y_train) + len(self.y_held) == 0

    def arrays(self) -> dict[str, np.ndarray]:
        out = {k: getattr(self, k) for k in KEYS}
        out["ids"] = np.array(self.ids, dtype="<U48")
        return out

    @classmethod
    def from_arrays(cls, arrays: Any) -> UserSet:
        return cls(**{k: np.asarray(arrays[k]) for k in KEYS}, ids=tuple(str(i) for i in arrays["ids"]))


def _unit(key: str) -> float:
    """A stable number in [0, 1) for ``key``."""
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big") / 2.0**64


def held_out(records: list[Record], fraction: float, seed: int) -> list[bool]:
    """Which records are held out: whole (writer, session) groups, or single records for writers
    with fewer than MIN_SESSIONS sessions. Stable as records are added (a hash, not a shuffle)."""
    sessions: dict[str, set[str]] = {}
    for r in records:
        sessions.setdefault(r.writer, set()).add(r.session)
    out = []
    for r in records:
        group = r.session if len(sessions[r.writer]) >= MIN_SESSIONS else f"record:{r.id}"
        out.append(_unit(f"{seed}|{r.writer}|{group}") < fraction)
    return out


def build(loaded: Loaded, fraction: float, seed: int) -> UserSet:
    """The digits of every valid record, split by :func:`held_out`."""
    records = loaded.records
    flags = held_out(records, fraction, seed)
    parts: dict[bool, tuple[list[np.ndarray], list[int], list[int]]] = {True: ([], [], []), False: ([], [], [])}
    for index, (record, held) in enumerate(zip(records, flags, strict=True)):
        xs, ys, rs = parts[held]
        for piece in record.pieces:
            xs.append(piece.image)
            ys.append(int(piece.label))
            rs.append(index)

    def stack(held: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        xs, ys, rs = parts[held]
        x = np.stack(xs).astype(np.uint8) if xs else np.zeros((0, FIELD, FIELD), np.uint8)
        return x, np.array(ys, np.uint8), np.array(rs, np.int32)

    x_train, y_train, r_train = stack(False)
    x_held, y_held, r_held = stack(True)
    return UserSet(x_train, y_train, x_held, y_held, r_train, r_held, tuple(r.id for r in records))


def summary(loaded: Loaded, users: UserSet) -> dict[str, Any]:
    """What the dataset holds, for the metrics and the report (no wall-clock figures: reproducible)."""
    records = loaded.records
    by_writer: dict[str, set[str]] = {}
    for r in records:
        by_writer.setdefault(r.writer, set()).add(r.session)
    return {
        "records": len(records),
        "skipped": len(loaded.problems),
        "problems": loaded.problems[:20],
        "writers": len(by_writer),
        "sessions": sum(len(s) for s in by_writer.values()),
        "split_by_session": sorted(w for w, s in by_writer.items() if len(s) >= MIN_SESSIONS),
        "corrected": sum(r.corrected for r in records),
        "digits": {"train": len(users.y_train), "held_out": len(users.y_held)},
        "per_class": {
            "train": [int(c) for c in np.bincount(users.y_train, minlength=10)],
            "held_out": [int(c) for c in np.bincount(users.y_held, minlength=10)],
        },
        "sources": dict(sorted(Counter(r.source for r in records).items())),
    }
