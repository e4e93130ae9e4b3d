"""Shared by the benchmarks: the project on sys.path, percentiles, the default model paths."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.chdir(ROOT)

import numpy as np  # noqa: E402 (re-exported)

from app.threads import single_threaded_blas  # noqa: E402

single_threaded_blas()


def percentiles_ms(seconds: list[float]) -> tuple[float, float]:
    p50, p99 = np.percentile(np.asarray(seconds) * 1e3, [50, 99])
    return float(p50), float(p99)


def validation_digits() -> tuple[object, np.ndarray, np.ndarray]:
    """params.yaml, and the classifier's validation digits and labels (``train.seed``,
    ``train.validation_fraction``: never trained on, in any form)."""
    from pipeline.config.params import load_params
    from pipeline.data import load_mnist, split_indices
    from pipeline.paths import MNIST_NPZ

    params = load_params()
    cfg = params.train
    data = load_mnist(MNIST_NPZ)
    split = split_indices(data.y_train, cfg.validation_fraction, cfg.seed, cfg.limit)
    return params, data.x_train[split.validation], data.y_train[split.validation]
