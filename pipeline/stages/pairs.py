"""Stage ``pairs``: train the pair model (two touching digits read whole) and export it to ONNX.

Writes ``artifacts/model/pairs.onnx`` beside the digit model (the app's reader finds it there:
:func:`app.pairs.pair_path`) and ``artifacts/metrics/pairs.json`` (validation figures). Pairs are
made of MNIST training digits, the validation ones from a share of them kept apart. With
``pairs.enabled`` false the model file is written empty and the reader cuts touching digits alone.
"""

from __future__ import annotations

import numpy as np

from app.pairs import OTHER
from pipeline.atomic import atomic_write_bytes, atomic_write_json
from pipeline.config.core import Sections, load
from pipeline.config.families import FamiliesConfig
from pipeline.config.pairs import PairsConfig
from pipeline.data import load_mnist
from pipeline.learn.pairs import pair_metrics, train_pairs, verified_onnx
from pipeline.paths import MNIST_NPZ, PAIRS_JSON, PAIRS_MODEL
from pipeline.stage import run
from pipeline.streams import Stream
from pipeline.synth.pairs import PAIR_LAYOUTS, pair_examples


class PairsParams(Sections):
    """The groups of params.yaml this stage reads."""

    pairs: PairsConfig
    families: FamiliesConfig


def main() -> None:
    params = load(PairsParams)
    cfg, families = params.pairs, params.families
    if not cfg.enabled:
        atomic_write_bytes(PAIRS_MODEL, b"")
        atomic_write_json(PAIRS_JSON, {"enabled": False})
        return
    data = load_mnist(MNIST_NPZ)
    order = np.random.default_rng([cfg.seed, Stream.PAIR_EXAMPLES]).permutation(len(data.y_train))
    n_val = round(cfg.validation_fraction * len(order))
    val, train = order[:n_val], order[n_val:]
    layouts, non_digits = families.seen("layout"), families.seen("non_digit")

    def examples(idx: np.ndarray, per_pair: int, others: int, part: int) -> tuple[np.ndarray, np.ndarray]:
        rng = np.random.default_rng([cfg.seed, Stream.PAIR_EXAMPLES, part])
        return pair_examples(data.x_train[idx], data.y_train[idx], per_pair, others, layouts, non_digits, rng)

    x, y = examples(train, cfg.per_pair, cfg.others, 0)
    x_val, y_val = examples(val, cfg.validation_per_pair, cfg.validation_others, 1)
    result = train_pairs(x, y, cfg)
    model, probs = verified_onnx(result.model, x_val)
    atomic_write_bytes(PAIRS_MODEL, model)
    atomic_write_json(
        PAIRS_JSON,
        {
            "enabled": True,
            "validation": pair_metrics(probs, y_val),
            "history": result.history,
            "training_examples": {"pairs": int((y != OTHER).sum()), "others": int((y == OTHER).sum())},
            "layouts": [f for f in layouts if f in PAIR_LAYOUTS],
        },
    )


if __name__ == "__main__":
    run(main, outputs=[PAIRS_MODEL, PAIRS_JSON])
