"""Stage ``evaluate``: the trained model on the 10,000 test images and on drawn renderings of them."""

from __future__ import annotations

from pipeline.artifacts import ensure_trained_with
from pipeline.atomic import atomic_write_csv, atomic_write_json
from pipeline.config import load_params
from pipeline.data import load_mnist
from pipeline.evaluation import evaluate, prediction_rows
from pipeline.keras_model import load_model
from pipeline.paths import (
    EVAL_JSON,
    MISCLASSIFIED_COLUMNS,
    MISCLASSIFIED_CSV,
    MNIST_NPZ,
    MODEL_KERAS,
    PREDICTIONS_CSV,
    TRAIN_JSON,
)
from pipeline.stage import run


def main() -> None:
    params = load_params()
    ensure_trained_with(params, TRAIN_JSON)
    data = load_mnist(MNIST_NPZ)
    result = evaluate(load_model(MODEL_KERAS), data, params.evaluate)
    atomic_write_csv(PREDICTIONS_CSV, prediction_rows(data.y_test, result.probs), ("actual", "predicted"))
    atomic_write_csv(MISCLASSIFIED_CSV, result.misclassified, MISCLASSIFIED_COLUMNS)
    atomic_write_json(EVAL_JSON, result.metrics)


if __name__ == "__main__":
    run(main, outputs=[EVAL_JSON, PREDICTIONS_CSV, MISCLASSIFIED_CSV])
