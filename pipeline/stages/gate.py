"""Stage ``gate``: train the "not a digit" gate and choose its threshold on the validation split.

Writes ``artifacts/model/gate.keras`` and ``artifacts/metrics/gate.json`` (threshold and the
validation rejection rates). With ``gate.enabled`` false both are written empty of a gate
(``{"enabled": false}``, an empty model file) and export ships the classifier alone.
"""

from __future__ import annotations

from pipeline.atomic import atomic_write_bytes, atomic_write_json
from pipeline.config.core import Sections, load
from pipeline.config.gate import GateConfig
from pipeline.config.openset import OpensetConfig
from pipeline.data import load_mnist, read_npz
from pipeline.learn.gate import gate_data, train_gate
from pipeline.learn.keras_model import save_model
from pipeline.paths import FRAMED_NPZ, GATE_JSON, GATE_KERAS, MNIST_NPZ, OPENSET_NPZ
from pipeline.sets.splits import gate_split
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
    # the non-digits, and the digits as the app frames them
    openset = read_npz(OPENSET_NPZ, "openset") | read_npz(FRAMED_NPZ, "openset")
    gate = gate_data(data.x_train, gate_split(data.y_train, params.openset), openset, params.gate.scenes_repeat)
    result = train_gate(gate, cfg, params.openset.seed)
    save_model(result.model, GATE_KERAS)
    atomic_write_json(
        GATE_JSON,
        {
            "enabled": True,
            **result.metrics,
            "history": result.history,
            "training_examples": {"digits": int((gate.y_train == 0).sum()), "non_digits": int(gate.y_train.sum())},
        },
    )


if __name__ == "__main__":
    run(main, outputs=[GATE_KERAS, GATE_JSON])
