"""Stage ``strings``: train the string model (touching digits read whole) and export it to ONNX.

Writes ``artifacts/model/strings.onnx`` beside the digit model (the app's reader finds it there:
:func:`app.strings.string_path`) and ``artifacts/metrics/strings.json`` (validation figures). Strings
are made of MNIST training digits, the validation ones from a share of them kept apart. With
``strings.enabled`` false the model file is written empty and the reader cuts touching digits alone.
"""

from __future__ import annotations

import numpy as np

from pipeline.atomic import atomic_write_bytes, atomic_write_json
from pipeline.config.core import Sections, load
from pipeline.config.families import FamiliesConfig
from pipeline.config.strings import StringsConfig
from pipeline.data import load_mnist
from pipeline.learn.strings import string_metrics, train_strings, verified_onnx
from pipeline.paths import MNIST_NPZ, STRINGS_JSON, STRINGS_MODEL
from pipeline.stage import run
from pipeline.streams import Stream
from pipeline.synth.strings import STRING_LAYOUTS, string_examples


class StringsParams(Sections):
    """The groups of params.yaml this stage reads."""

    strings: StringsConfig
    families: FamiliesConfig


def main() -> None:
    params = load(StringsParams)
    cfg, families = params.strings, params.families
    if not cfg.enabled:
        atomic_write_bytes(STRINGS_MODEL, b"")
        atomic_write_json(STRINGS_JSON, {"enabled": False})
        return
    data = load_mnist(MNIST_NPZ)
    order = np.random.default_rng([cfg.seed, Stream.STRING_EXAMPLES]).permutation(len(data.y_train))
    n_val = round(cfg.validation_fraction * len(order))
    val, train = order[:n_val], order[n_val:]
    layouts, non_digits = families.seen("layout"), families.seen("non_digit")

    def examples(idx: np.ndarray, n: int, part: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rng = np.random.default_rng([cfg.seed, Stream.STRING_EXAMPLES, part])
        return string_examples(data.x_train[idx], data.y_train[idx], n, layouts, non_digits, rng, cfg.pen_share)

    x, digits, lengths = examples(train, cfg.examples, 0)
    x_val, digits_val, lengths_val = examples(val, cfg.validation_examples, 1)
    result = train_strings(x, digits, lengths, cfg)
    model, probs = verified_onnx(result.model, x_val)
    atomic_write_bytes(STRINGS_MODEL, model)
    atomic_write_json(
        STRINGS_JSON,
        {
            "enabled": True,
            "validation": string_metrics(probs, digits_val, lengths_val),
            "history": result.history,
            "training_examples": {str(k): int((lengths == k).sum()) for k in range(int(lengths.max()) + 1)},
            "layouts": [f for f in layouts if f in STRING_LAYOUTS],
        },
    )


if __name__ == "__main__":
    run(main, outputs=[STRINGS_MODEL, STRINGS_JSON])
