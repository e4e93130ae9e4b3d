"""Classification figures from probabilities, in pure numpy (shared by evaluate, export, report)."""

from __future__ import annotations

from typing import Any

import numpy as np


def accuracy(probs: np.ndarray, labels: np.ndarray) -> float:
    """The share of rows whose most probable class is the label (unrounded; figures files round to 6 places)."""
    return float((probs.argmax(axis=1) == labels).mean())


def cross_entropy(probs: np.ndarray, labels: np.ndarray) -> float:
    """Mean negative log-likelihood, clipped like Keras so a zero probability stays finite."""
    p = np.clip(probs[np.arange(len(labels)), labels].astype(np.float64), 1e-7, 1.0)
    return float(-np.log(p).mean())


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, n: int = 10) -> np.ndarray:
    """Rows are true digits, columns predicted ones."""
    m = np.zeros((n, n), dtype=np.int64)
    np.add.at(m, (labels.astype(np.int64), predicted.astype(np.int64)), 1)
    return m


def per_class(confusion: np.ndarray) -> dict[str, dict[str, float]]:
    tp = np.diag(confusion).astype(np.float64)
    support = confusion.sum(axis=1)
    predicted = confusion.sum(axis=0)
    precision = np.divide(tp, predicted, out=np.zeros_like(tp), where=predicted > 0)
    recall = np.divide(tp, support, out=np.zeros_like(tp), where=support > 0)
    denom = precision + recall
    f1 = np.divide(2 * precision * recall, denom, out=np.zeros_like(tp), where=denom > 0)
    return {
        str(d): {
            "precision": round(float(precision[d]), 6),
            "recall": round(float(recall[d]), 6),
            "f1": round(float(f1[d]), 6),
            "support": int(support[d]),
        }
        for d in range(len(confusion))
    }


def misclassified(probs: np.ndarray, labels: np.ndarray) -> list[dict[str, Any]]:
    """Every wrong prediction, the most confident mistakes first."""
    predicted = probs.argmax(axis=1)
    wrong = np.flatnonzero(predicted != labels)
    conf = probs[wrong, predicted[wrong]]
    order = np.argsort(-conf, kind="stable")
    return [
        {
            "index": int(wrong[i]),
            "true": int(labels[wrong[i]]),
            "predicted": int(predicted[wrong[i]]),
            "confidence": round(float(conf[i]), 6),
            "p_true": round(float(probs[wrong[i], labels[wrong[i]]]), 6),
        }
        for i in order
    ]


def summarize(probs: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    """Accuracy, loss, per-class precision/recall/F1 and the confusion matrix."""
    if probs.shape != (len(labels), 10):
        raise ValueError(f"expected probabilities of shape ({len(labels)}, 10), got {probs.shape}")
    predicted = probs.argmax(axis=1)
    confusion = confusion_matrix(labels, predicted)
    classes = per_class(confusion)
    return {
        "accuracy": round(accuracy(probs, labels), 6),
        "loss": round(cross_entropy(probs, labels), 6),
        "errors": int((predicted != labels).sum()),
        "examples": len(labels),
        "macro_f1": round(float(np.mean([c["f1"] for c in classes.values()])), 6),
        "per_class": classes,
        "confusion": confusion.tolist(),
    }
