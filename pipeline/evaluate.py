"""Stage ``evaluate``: the trained model on the 10,000 MNIST test images.

Writes ``artifacts/metrics/eval.json`` (top-level ``accuracy`` and ``loss``, per-class
precision/recall/F1, the confusion matrix), ``artifacts/eval/predictions.csv`` (one
``actual,predicted`` row per test image, for ``dvc plots``' confusion template) and
``artifacts/eval/misclassified.csv`` (every wrong prediction, most confident first).

With ``evaluate.drawn`` it also scores the test digits re-rendered as people draw them
(off centre, small, large, thick, thin, inverted, colour; :mod:`pipeline.drawn`) through
the app's own preprocessing: ``eval.json``'s ``drawn`` holds the accuracy per rendering.
This is the same code as the app's ``bench/drawn_accuracy.py``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.atomic import atomic_write_csv, atomic_write_json
from pipeline.config import EvaluateConfig, load_params
from pipeline.data import MNIST_NPZ, Mnist, load_mnist
from pipeline.metrics import misclassified, summarize
from pipeline.stage import ARTIFACTS, run
from pipeline.train import MODEL_PATH, load_model, predict_probs

log = logging.getLogger(__name__)

EVAL_JSON = ARTIFACTS / "metrics" / "eval.json"
PREDICTIONS_CSV = ARTIFACTS / "eval" / "predictions.csv"
MISCLASSIFIED_CSV = ARTIFACTS / "eval" / "misclassified.csv"
MISCLASSIFIED_COLUMNS = ("index", "true", "predicted", "confidence", "p_true")


@dataclass
class EvalResult:
    metrics: dict[str, Any]
    probs: np.ndarray  # (10000, 10) test probabilities
    misclassified: list[dict[str, Any]]


def drawn_accuracy(model: Any, data: Mnist, cfg: EvaluateConfig) -> dict[str, float]:
    """Accuracy on each drawn rendering of the test digits, through the app's preprocessing."""
    from app.preprocess import prepare
    from pipeline.drawn import TRANSFORMS, drawn_inputs

    n = len(data.x_test) if cfg.drawn_limit is None else min(cfg.drawn_limit, len(data.x_test))
    images, labels = data.x_test[:n], data.y_test[:n]
    scores = {}
    for name in TRANSFORMS:
        inputs = drawn_inputs(images, name, lambda canvas: prepare(canvas).image)
        scores[name] = round(float((predict_probs(model, inputs, cfg.batch_size).argmax(1) == labels).mean()), 6)
        log.info("drawn digits, %s: accuracy %.4f", name, scores[name])
    scores["overall"] = round(float(np.mean(list(scores.values()))), 6)
    scores["examples"] = n
    return scores


def evaluate(model: Any, data: Mnist, cfg: EvaluateConfig) -> EvalResult:
    """Score ``model`` on the test set; return the figures, the probabilities and the mistakes."""
    probs = predict_probs(model, data.x_test, cfg.batch_size)
    metrics = summarize(probs, data.y_test)
    wrong = misclassified(probs, data.y_test)
    metrics["misclassified"] = len(wrong)
    if cfg.drawn:
        metrics["drawn"] = drawn_accuracy(model, data, cfg)
    log.info(
        "test accuracy %.4f, loss %.4f, %d of %d wrong",
        metrics["accuracy"],
        metrics["loss"],
        len(wrong),
        len(data.y_test),
    )
    return EvalResult(metrics=metrics, probs=probs, misclassified=wrong)


def save(
    result: EvalResult,
    labels: np.ndarray,
    eval_json: Path = EVAL_JSON,
    predictions_csv: Path = PREDICTIONS_CSV,
    misclassified_csv: Path = MISCLASSIFIED_CSV,
) -> None:
    predicted = result.probs.argmax(axis=1)
    rows = [{"actual": int(a), "predicted": int(p)} for a, p in zip(labels, predicted, strict=True)]
    atomic_write_csv(predictions_csv, rows, ("actual", "predicted"))
    atomic_write_csv(misclassified_csv, result.misclassified, MISCLASSIFIED_COLUMNS)
    atomic_write_json(eval_json, result.metrics)
    log.info("wrote %s, %s, %s", eval_json, predictions_csv, misclassified_csv)


def main() -> None:
    params = load_params()
    data = load_mnist(MNIST_NPZ)
    model = load_model(MODEL_PATH)
    save(evaluate(model, data, params.evaluate), data.y_test)


if __name__ == "__main__":
    run(main)
