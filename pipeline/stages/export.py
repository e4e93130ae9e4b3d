"""Stage ``export``: the classifier (as ``adapt`` left it: the trained one unless ``user.enabled``) and the
gate beside it, as verified ONNX, float and int8."""

from __future__ import annotations

import json

from app.contract import Meta
from pipeline.artifacts import ensure_trained_with, read_json
from pipeline.atomic import atomic_write_bytes, atomic_write_json
from pipeline.config.core import load
from pipeline.config.export import ExportConfig
from pipeline.config.train import Trained
from pipeline.data import load_mnist
from pipeline.learn.keras_model import load_model
from pipeline.learn.onnx_export import export
from pipeline.paths import (
    ADAPT_JSON,
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


class ExportParams(Trained):
    """The groups of params.yaml this stage reads: the trained model's, and its own."""

    export: ExportConfig


def main() -> None:
    params = load(ExportParams)
    ensure_trained_with(params, TRAIN_JSON)
    gate_info = read_json(GATE_JSON, "gate", ["enabled"])
    gate, threshold = None, None
    if gate_info["enabled"]:
        gate, threshold = load_model(GATE_KERAS), float(read_json(GATE_JSON, "gate", ["threshold"])["threshold"])
    adapted = read_json(ADAPT_JSON, "adapt", ["enabled"])
    overrides = {}
    if adapted["enabled"]:  # the app and `make publish` can tell a model taught a person's digits
        before, after = adapted["before"], adapted["after"]
        figures = {"held_out": after.get("held_out"), "before": before.get("accuracy"), "after": after.get("accuracy")}
        overrides[Meta.USER_DATA] = json.dumps(figures, sort_keys=True)
    result = export(load_model(ADAPTED_KERAS), load_mnist(MNIST_NPZ), params, gate, threshold, overrides)
    atomic_write_bytes(ONNX_MODEL, result.onnx_bytes)
    # DVC needs every declared output: with export.int8.enabled=false the file is left empty
    atomic_write_bytes(INT8_MODEL, result.int8_bytes)
    atomic_write_json(EXPORT_JSON, result.metrics)
    atomic_write_json(EXPORT_TIMING_JSON, result.timing)


if __name__ == "__main__":
    run(main, outputs=OUTPUTS)
