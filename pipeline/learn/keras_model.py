"""Saving, loading and running the trained Keras model: the one home for ``model.keras``.

:func:`save_model` writes byte-identical files for identical weights: Keras stamps the save
date into ``metadata.json``, the memory address of shared objects into ``config.json`` and
the clock into the zip entries, so the archive is rewritten without them. :func:`load_model` uses Keras'
safe mode (no code from the file runs).
"""

from __future__ import annotations

import json
import logging
import tempfile
import weakref
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from app.contract import FIELD
from pipeline.atomic import atomic_path
from pipeline.errors import StageError
from pipeline.learn.tf_setup import import_tf

log = logging.getLogger(__name__)

#: Inference chunk: how many images one forward call takes (memory, not results, depends on it).
INFERENCE_BATCH = 1000
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def canonical_keras_archive(src: Path, dest: Path) -> None:
    """Copy the ``.keras`` zip ``src`` to ``dest`` with fixed dates, no save date and no memory addresses."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in sorted(zin.infolist(), key=lambda i: i.filename):
            data = zin.read(info.filename)
            if info.filename == "metadata.json":
                meta = json.loads(data)
                meta.pop("date_saved", None)
                data = json.dumps(meta, sort_keys=True).encode()
            elif info.filename == "config.json":
                data = json.dumps(_renumber_shared_objects(json.loads(data))).encode()
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            zout.writestr(entry, data)


def _renumber_shared_objects(config: Any) -> Any:
    """Keras names shared objects (e.g. a dtype policy) by their memory address: number them in order instead."""
    ids: dict[Any, int] = {}

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: (ids.setdefault(v, len(ids)) if k == "shared_object_id" else walk(v)) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(config)


def save_model(model: Any, path: Path) -> None:
    """Write ``model`` to ``path`` atomically and reproducibly (same weights, same bytes)."""
    with atomic_path(path) as tmp, tempfile.TemporaryDirectory(prefix="keras-") as scratch:
        raw = Path(scratch) / "model.keras"
        model.save(raw)
        canonical_keras_archive(raw, tmp)


def load_model(path: Path) -> Any:
    """Load the trained model in safe mode; say to rerun ``train`` when it is missing or unreadable."""
    import_tf()
    import keras

    path = Path(path)
    if not path.is_file():
        raise StageError(f"{path} is missing; run `dvc repro train` to (re)create it")
    try:
        return keras.models.load_model(path, compile=False, safe_mode=True)
    except Exception as exc:  # Keras raises many types for a damaged or hostile archive
        raise StageError(f"{path} is not a readable Keras model ({exc}); run `dvc repro train` again") from exc


_FORWARD: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def _forward(model: Any) -> Any:
    """One compiled inference function per model (traced once for any batch size)."""
    if model not in _FORWARD:
        tf = import_tf()

        @tf.function(input_signature=[tf.TensorSpec([None, FIELD, FIELD, 1], tf.float32)])
        def forward(x: Any) -> Any:
            return model(x, training=False)

        _FORWARD[model] = forward
    return _FORWARD[model]


def predict_probs(model: Any, images: np.ndarray, batch_size: int = INFERENCE_BATCH) -> np.ndarray:
    """Softmax probabilities, in inference mode, batch by batch.

    ``images`` (N,28,28): uint8 pixels (scaled to [0,1] here) or float32 already in [0,1].
    """
    forward = _forward(model)
    scale = 255.0 if images.dtype == np.uint8 else 1.0

    def batch(i: int) -> np.ndarray:
        return (images[i : i + batch_size, ..., None] / scale).astype(np.float32)

    out = [forward(batch(i)).numpy() for i in range(0, len(images), batch_size)]
    return np.concatenate(out) if out else np.zeros((0, 10), np.float32)
