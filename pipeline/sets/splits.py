"""The gate's own split of MNIST's training digits, in a module of its own.

The openset stage makes the gate's digits from it and the gate stage trains and chooses its
threshold on it. It lives apart from :mod:`pipeline.sets.trainsets` so the gate stage imports none of
the generators or the app's reader: changing how the app reads a picture trains the gate
again only when the digits it learns from (``framed.npz``) change. It lives apart from
:mod:`pipeline.data`, which the classifier's stage imports, for the same reason.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from pipeline.data import Split, split_indices


def gate_split(labels: np.ndarray, cfg: Any) -> Split:
    """The gate's stratified split of MNIST's training set (``openset.seed``, ``openset.validation_fraction``)."""
    return split_indices(labels, cfg.validation_fraction, cfg.seed, cfg.limit)
