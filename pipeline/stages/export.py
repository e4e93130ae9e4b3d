"""Stage ``export``: the trained model as verified ONNX, float and int8, with their figures."""

from __future__ import annotations

from pipeline.artifacts import ensure_trained_with
from pipeline.atomic import atomic_write_bytes, atomic_write_json
from pipeline.config import load_params
from pipeline.data import load_mnist
from pipeline.keras_model import load_model
from pipeline.onnx_export import export
from pipeline.paths import EXPORT_JSON, EXPORT_TIMING_JSON, INT8_MODEL, MNIST_NPZ, MODEL_KERAS, ONNX_MODEL, TRAIN_JSON
from pipeline.stage import run

OUTPUTS = [ONNX_MODEL, INT8_MODEL, EXPORT_JSON, EXPORT_TIMING_JSON]


def main() -> None:
    params = load_params()
    ensure_trained_with(params, TRAIN_JSON)
    result = export(load_model(MODEL_KERAS), load_mnist(MNIST_NPZ), params)
    atomic_write_bytes(ONNX_MODEL, result.onnx_bytes)
    # DVC needs every declared output: with export.int8.enabled=false the file is left empty
    atomic_write_bytes(INT8_MODEL, result.int8_bytes)
    atomic_write_json(EXPORT_JSON, result.metrics)
    atomic_write_json(EXPORT_TIMING_JSON, result.timing)


if __name__ == "__main__":
    run(main, outputs=OUTPUTS)
