"""Scoring a trained model: the 10,000 MNIST test images, and the same digits as people draw them.

The figures go to ``eval.json`` (top-level ``accuracy`` and ``loss``, per-class
precision/recall/F1, the confusion matrix), one ``actual,predicted`` row per test image to
``predictions.csv`` (``dvc plots``' confusion template) and every wrong prediction to
``misclassified.csv``. With ``evaluate.drawn`` the test digits are also re-rendered as
people draw them (:mod:`pipeline.drawn`) and scored through the app's own preprocessing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.config import EvaluateConfig
from pipeline.data import Mnist
from pipeline.keras_model import predict_probs
from pipeline.metrics import misclassified, summarize

log = logging.getLogger(__name__)


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


def prediction_rows(labels: np.ndarray, probs: np.ndarray) -> list[dict[str, int]]:
    """``actual,predicted`` per test image, for ``dvc plots``' confusion template."""
    return [{"actual": int(a), "predicted": int(p)} for a, p in zip(labels, probs.argmax(axis=1), strict=True)]
