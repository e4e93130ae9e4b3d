"""Stage ``export``: the classifier (as ``adapt`` left it: the trained one unless ``user.enabled``) and the
gate beside it, as verified ONNX, float and int8."""

from __future__ import annotations

from pipeline.artifacts import ensure_trained_with, read_json
from pipeline.atomic import atomic_write_bytes, atomic_write_json
from pipeline.config import load_params
from pipeline.data import load_mnist
from pipeline.keras_model import load_model
from pipeline.onnx_export import export
from pipeline.paths import (
    ADAPTED_KERAS,
    EXPORT_JSON,
    EXPORT_TIMING_JSON,
    GATE_JSON,
    GATE_KERAS,
    INT8_MODEL,
    MNIST_NPZ,
    ONNX_MODEL,
    TRAIN_JSON,
)
from pipeline.stage import run

OUTPUTS = [ONNX_MODEL, INT8_MODEL, EXPORT_JSON, EXPORT_TIMING_JSON]


def main() -> None:
    params = load_params()
    ensure_trained_with(params, TRAIN_JSON)
    gate_info = read_json(GATE_JSON, "gate", ["enabled"])
    gate, threshold = None, None
    if gate_info["enabled"]:
        gate, threshold = load_model(GATE_KERAS), float(read_json(GATE_JSON, "gate", ["threshold"])["threshold"])
    result = export(load_model(ADAPTED_KERAS), load_mnist(MNIST_NPZ), params, gate, threshold)
    atomic_write_bytes(ONNX_MODEL, result.onnx_bytes)
    # DVC needs every declared output: with export.int8.enabled=false the file is left empty
    atomic_write_bytes(INT8_MODEL, result.int8_bytes)
    atomic_write_json(EXPORT_JSON, result.metrics)
    atomic_write_json(EXPORT_TIMING_JSON, result.timing)


if __name__ == "__main__":
    run(main, outputs=OUTPUTS)
