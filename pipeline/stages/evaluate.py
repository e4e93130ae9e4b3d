"""Stage ``evaluate``: the exported model, run as the app runs it, on MNIST's test set and the open world.

Writes ``headline.json`` (the few figures ``dvc exp show`` lists), ``eval.json`` (test accuracy
and loss, per-class figures, confusion; drawn digits, whole numbers, photos of paper, "not a
digit"; the person's own held-out digits when there are any), ``predictions.csv``,
``misclassified.csv`` and ``examples.npz`` (pictures with what was read where, for the report).
"""

from __future__ import annotations

from app.inference import Classifier, ModelError
from pipeline.artifacts import ensure_trained_with, read_json
from pipeline.atomic import atomic_write_csv, atomic_write_json, atomic_write_npz
from pipeline.config.core import load
from pipeline.config.evaluate import EvaluateConfig
from pipeline.config.families import FamiliesConfig
from pipeline.config.train import Trained
from pipeline.data import load_mnist, read_npz
from pipeline.errors import StageError
from pipeline.evaluation import evaluate, headline, prediction_rows, user_figures
from pipeline.paths import (
    EVAL_JSON,
    EXAMPLES_NPZ,
    EXPORT_JSON,
    HEADLINE_JSON,
    MISCLASSIFIED_COLUMNS,
    MISCLASSIFIED_CSV,
    MNIST_NPZ,
    ONNX_MODEL,
    OPENSET_NPZ,
    PREDICTIONS_CSV,
    RENDERINGS_NPZ,
    TRAIN_JSON,
    USER_NPZ,
)
from pipeline.stage import run


class EvaluateParams(Trained):
    """The groups of params.yaml this stage reads: the trained model's, and its own."""

    evaluate: EvaluateConfig
    families: FamiliesConfig


def main() -> None:
    params = load(EvaluateParams)
    ensure_trained_with(params, TRAIN_JSON)
    try:
        classifier = Classifier(ONNX_MODEL, threads=0)
    except ModelError as exc:
        raise StageError(f"{exc}; run `dvc repro export`") from exc
    data = load_mnist(MNIST_NPZ)
    openset = read_npz(OPENSET_NPZ, "openset")
    result = evaluate(classifier, data, read_npz(RENDERINGS_NPZ, "render"), openset, params.evaluate, params.families)
    user = read_npz(USER_NPZ, "userdata")
    if len(user["y_held"]):  # the person's own held-out digits, when they saved some
        threshold = classifier.info.reject[1] if classifier.info.reject else None
        result.metrics["user"] = user_figures(
            classifier, user["x_held"], user["y_held"], params.evaluate.batch_size, threshold
        )
    atomic_write_csv(PREDICTIONS_CSV, prediction_rows(data.y_test, result.probs), ("actual", "predicted"))
    atomic_write_csv(MISCLASSIFIED_CSV, result.misclassified, MISCLASSIFIED_COLUMNS)
    atomic_write_npz(EXAMPLES_NPZ, result.examples)
    atomic_write_json(EVAL_JSON, result.metrics)
    atomic_write_json(
        HEADLINE_JSON, headline(result.metrics, read_json(TRAIN_JSON, "train"), read_json(EXPORT_JSON, "export"))
    )


if __name__ == "__main__":
    run(main, outputs=[EVAL_JSON, HEADLINE_JSON, PREDICTIONS_CSV, MISCLASSIFIED_CSV, EXAMPLES_NPZ])
