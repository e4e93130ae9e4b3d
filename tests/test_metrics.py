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


def test_the_headline_holds_the_figures_people_compare_and_nothing_missing():
    from pipeline.evaluation import headline

    metrics = {
        "accuracy": 0.9968,
        "undisputed": {"accuracy": 0.9975, "examples": 9990},
        "per_class": {"0": {"recall": 1.0}},
        "drawn": {"overall": 0.99, "thick": 0.98},
        "numbers": {"exact_2_to_5": 0.98, "by_length": {"2": 0.99}},
        "photos": {"exact": 0.97},
        "scenes": {"held_out": 0.9, "seen": 0.95},
        "reject": {"enabled": True, "non_digits_rejected": 0.95},
    }
    assert headline(metrics) == {
        "test": 0.9968,
        "undisputed": 0.9975,
        "drawn": 0.99,
        "numbers": 0.98,
        "photos": 0.97,
        "scenes_held_out": 0.9,
        "non_digits_rejected": 0.95,
    }
    assert headline({"accuracy": 0.5, "user": {"accuracy": 0.75}}) == {"test": 0.5, "your_digits": 0.75}
    both = headline({"accuracy": 0.5}, {"val_accuracy": 0.6}, {"int8": {"enabled": True, "accuracy": 0.4}})
    assert both == {"test": 0.5, "validation": 0.6, "int8": 0.4}
