"""Pure-numpy classification figures against cases worked out by hand."""

import numpy as np
import pytest

from pipeline.metrics import confusion_matrix, cross_entropy, misclassified, per_class, summarize


def _onehot(pred, conf=0.9):
    p = np.full((len(pred), 10), (1 - conf) / 9, np.float32)
    p[np.arange(len(pred)), pred] = conf
    return p


def test_confusion_rows_are_true_digits():
    m = confusion_matrix(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 1]), n=3)
    assert m.tolist() == [[1, 1, 0], [0, 1, 0], [0, 1, 0]]


def test_per_class_precision_recall_f1():
    m = np.array([[1, 1, 0], [0, 1, 0], [0, 1, 0]])
    pc = per_class(m)
    assert pc["0"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3, abs=1e-6), "support": 2}
    assert pc["1"]["precision"] == pytest.approx(1 / 3, abs=1e-6) and pc["1"]["recall"] == 1.0
    assert pc["2"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}


def test_summary_and_mistakes_worst_first():
    labels = np.array([3, 3, 5, 7])
    probs = np.concatenate([_onehot([3]), _onehot([8], 0.6), _onehot([5]), _onehot([1], 0.95)])
    s = summarize(probs, labels)
    assert s["accuracy"] == 0.5 and s["errors"] == 2 and s["examples"] == 4
    assert s["loss"] == pytest.approx(cross_entropy(probs, labels))
    assert np.array(s["confusion"]).sum() == 4
    wrong = misclassified(probs, labels)
    assert [(w["index"], w["true"], w["predicted"]) for w in wrong] == [(3, 7, 1), (1, 3, 8)]
    assert wrong[0]["confidence"] == pytest.approx(0.95)


def test_cross_entropy_stays_finite_on_zero_probability():
    probs = np.zeros((1, 10), np.float32)
    probs[0, 1] = 1
    assert np.isfinite(cross_entropy(probs, np.array([0])))


def test_summary_rejects_wrong_shapes():
    with pytest.raises(ValueError, match=r"expected probabilities of shape \(2, 10\)"):
        summarize(np.zeros((2, 9)), np.array([0, 1]))
