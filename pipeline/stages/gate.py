"""Stage ``gate``: train the "not a digit" gate and choose its threshold on the validation split.

Writes ``artifacts/model/gate.keras`` and ``artifacts/metrics/gate.json`` (threshold and the
validation rejection rates). With ``gate.enabled`` false both are written empty of a gate
(``{"enabled": false}``, an empty model file) and export ships the classifier alone.
"""

from __future__ import annotations

import numpy as np

from pipeline.atomic import atomic_write_bytes, atomic_write_json
from pipeline.config.core import Sections, load
from pipeline.config.gate import GateConfig
from pipeline.config.openset import OpensetConfig
from pipeline.data import DIGIT_FAMILIES, framed_key, load_mnist, read_npz
from pipeline.errors import StageError
from pipeline.gate import GateData, train_gate
from pipeline.keras_model import save_model
from pipeline.paths import FRAMED_NPZ, GATE_JSON, GATE_KERAS, MNIST_NPZ, OPENSET_NPZ
from pipeline.splits import gate_split
from pipeline.stage import run


class GateParams(Sections):
    """The groups of params.yaml this stage reads (of openset: the split the gate learns and is tuned on)."""

    gate: GateConfig
    openset: OpensetConfig


def main() -> None:
    params = load(GateParams)
    cfg = params.gate
    if not cfg.enabled:
        atomic_write_bytes(GATE_KERAS, b"")
        atomic_write_json(GATE_JSON, {"enabled": False})
        return
    data = load_mnist(MNIST_NPZ)
    split = gate_split(data.y_train, params.openset)
    # the non-digits, and the digits as the app frames them
    openset = read_npz(OPENSET_NPZ, "openset") | read_npz(FRAMED_NPZ, "openset")
    wanted = [framed_key(s, f) for s in ("train", "validation") for f in DIGIT_FAMILIES]
    missing = [k for k in [*wanted, "negatives_train", "negatives_validation"] if k not in openset]
    if missing:
        raise StageError(f"the openset stage's files lack {', '.join(missing)}; run `dvc repro openset`")
    drawn = [openset[framed_key("train", f)] for f in DIGIT_FAMILIES]
    digits = np.concatenate([data.x_train[split.train], *drawn])
    x = np.concatenate([digits, openset["negatives_train"]])
    y = np.concatenate([np.zeros(len(digits), np.uint8), np.ones(len(openset["negatives_train"]), np.uint8)])
    validation = {f: openset[framed_key("validation", f)] for f in DIGIT_FAMILIES}
    gate = GateData(x, y, data.x_train[split.validation], validation, openset["negatives_validation"])
    result = train_gate(gate, cfg, params.openset.seed)
    save_model(result.model, GATE_KERAS)
    atomic_write_json(
        GATE_JSON,
        {
            "enabled": True,
            **result.metrics,
            "history": result.history,
            "training_examples": {"digits": len(digits), "non_digits": int(y.sum())},
        },
    )


if __name__ == "__main__":
    run(main, outputs=[GATE_KERAS, GATE_JSON])
