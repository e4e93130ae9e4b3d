"""Two touching digits read whole: the pair model and the field it reads.

Digits that overlap leave no path between them: every cut takes part of one digit into the
other, and the parts misread (set B's touching numbers, made elsewhere: 20% read right with
cuts alone). Hochuli et al. read such strings without cutting, with classifiers of 2-digit
strings. The pair model does that for a candidate the reader could not read as one clean digit:
it reads it as one of the 100 pairs "00".."99", or as ``OTHER`` (one digit, three, a digit
and part of another, something that is not digits). :func:`app.reader.resolve` weighs a pair
reading against the cut readings. Pure numpy; the session is opened on first use, so a drawing
of clean digits never pays for it.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from app.preprocess import INK_THRESHOLD, scale_digit

#: The pair field: float32 [N, PAIR_HEIGHT, PAIR_WIDTH, 1] in [0,1], white ink on black.
PAIR_HEIGHT, PAIR_WIDTH = 32, 64
#: The ink is scaled, aspect kept, to fit this box, and centred in the field.
PAIR_BOX = (24, 58)
#: The class that is not two digits.
OTHER = 100
#: A pair reading counts when the model gives its pair at least this. Measured with the shipped digit
#: model and a first pair model (trained on overlaps up to 4 px, the held-out family's too) on pictures
#: made elsewhere (PAIR_SURE 0 / 0.8 / 0.95): set B's touching numbers 45 / 41 / 34% (20% without
#: pairs), set A's 89 / 91 / 90% (86%), but drawn non-digits rejected 24 / 51 / 52% (53%) and UCI's 8x8
#: scans 91.9 / 93.7 / 93.7% (93.7%): an unsure pair reading is a non-digit as often as not. The
#: pipeline's pair model (tight and touching layouts only) at 0.95: set A 94%, set B 25%, the rest unchanged.
PAIR_SURE = 0.95
#: The pair model's file, beside the digit model it serves.
PAIR_FILE = "pairs.onnx"
#: The ONNX input and output names.
PAIR_INPUT, PAIR_OUTPUT = "image", "probs"


def frame_pair(ink: np.ndarray) -> np.ndarray:
    """The pair field for a candidate's ink (any size, ink 1 on 0); zeros when it holds no ink."""
    out = np.zeros((PAIR_HEIGHT, PAIR_WIDTH), np.float32)
    peak = float(ink.max()) if ink.size else 0.0
    if peak <= 0:
        return out
    ink = ink / peak
    on = ink > INK_THRESHOLD
    rows, cols = np.flatnonzero(on.any(axis=1)), np.flatnonzero(on.any(axis=0))
    if rows.size == 0:
        return out
    crop = np.where(ink > INK_THRESHOLD / 2, ink, 0)[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    h, w = crop.shape
    s = min(PAIR_BOX[0] / h, PAIR_BOX[1] / w)
    nh, nw = max(1, round(h * s)), max(1, round(w * s))
    y0, x0 = (PAIR_HEIGHT - nh) // 2, (PAIR_WIDTH - nw) // 2
    out[y0 : y0 + nh, x0 : x0 + nw] = scale_digit(crop.astype(np.float32), nh, nw)
    return out


def pair_path(model: str | Path) -> Path:
    """Where the pair model of a digit model lives: beside it."""
    return Path(model).with_name(PAIR_FILE)


class PairModel:
    """An onnxruntime session over a pair model, opened on first use (thread-safe)."""

    def __init__(self, path: str | Path, threads: int = 1) -> None:
        self.path = Path(path)
        self.threads = threads
        self._session = None
        self._lock = threading.Lock()

    def _open(self):  # type: ignore[no-untyped-def]
        import onnxruntime as ort

        with self._lock:
            if self._session is None:
                opts = ort.SessionOptions()
                opts.intra_op_num_threads = self.threads
                opts.inter_op_num_threads = 1
                opts.log_severity_level = 3
                self._session = ort.InferenceSession(self.path.read_bytes(), opts, providers=["CPUExecutionProvider"])
        return self._session

    def __call__(self, fields: np.ndarray) -> np.ndarray:
        """(N, 101) probabilities for (N, PAIR_HEIGHT, PAIR_WIDTH) fields."""
        x = np.ascontiguousarray(fields, np.float32)[..., None]
        return np.asarray(self._open().run([PAIR_OUTPUT], {PAIR_INPUT: x})[0], np.float32)
