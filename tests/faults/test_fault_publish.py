"""Publish's accuracy check: a worse model never silently replaces the app's (case 3)."""

from __future__ import annotations

import json

import pytest

from app.inference import Classifier
from pipeline.config.params import PublishConfig
from pipeline.errors import StageError
from pipeline.tools.publish import publish
from tests.models import template_model


@pytest.fixture(autouse=True)
def no_test_set(monkeypatch, tmp_path):
    """These cases are about the claimed figures: no MNIST to measure with (the measuring cases give theirs)."""
    monkeypatch.setattr("pipeline.tools.publish.MNIST_NPZ", tmp_path / "no-mnist.npz")


@pytest.fixture
def models(tmp_path, sample):
    def make(name, accuracy):
        return template_model(tmp_path / name, sample.x_train, sample.y_train, meta={"test_accuracy": str(accuracy)})

    return make


def test_a_model_below_the_threshold_is_refused_unless_forced(tmp_path, models):
    target = tmp_path / "app" / "digits.onnx"
    weak = models("weak.onnx", 0.5881)
    with pytest.raises(StageError, match=r"58\.81% is below publish.min_test_accuracy = 99\.00%.*--force"):
        publish(PublishConfig(min_test_accuracy=0.99, user_data_tolerance=0.0), weak, target)
    assert not target.exists()
    publish(PublishConfig(min_test_accuracy=0.99, user_data_tolerance=0.0), weak, target, force=True)
    meta = Classifier(target).info
    assert meta.test_accuracy == pytest.approx(0.5881) and json.loads(meta.metadata["published"])["source_sha256"]


def test_a_model_worse_than_the_one_it_replaces_is_refused(tmp_path, models):
    target = tmp_path / "digits.onnx"
    publish(PublishConfig(min_test_accuracy=0.9, user_data_tolerance=0.0), models("good.onnx", 0.995), target)
    shipped = target.read_bytes()
    with pytest.raises(StageError, match=r"below the published model's 99\.50%"):
        publish(PublishConfig(min_test_accuracy=0.9, user_data_tolerance=0.0), models("ok.onnx", 0.993), target)
    assert target.read_bytes() == shipped
    publish(PublishConfig(min_test_accuracy=0.9, user_data_tolerance=0.0), models("better.onnx", 0.996), target)
    assert Classifier(target).info.test_accuracy == pytest.approx(0.996)


def test_a_model_the_app_would_reject_is_never_published(tmp_path):
    (tmp_path / "bad.onnx").write_bytes(b"not a model")
    with pytest.raises(StageError, match="refusing to publish"):
        publish(
            PublishConfig(min_test_accuracy=0.9, user_data_tolerance=0.0),
            tmp_path / "bad.onnx",
            tmp_path / "digits.onnx",
            force=True,
        )


@pytest.mark.parametrize("claim", ["nan", "inf", "5", "-1"])
def test_a_nonsense_claim_is_never_published(claim, tmp_path, models):
    """A model claiming test_accuracy nan passed both checks (NaN < x is false) and replaced the shipped one."""
    target = tmp_path / "digits.onnx"
    publish(PublishConfig(min_test_accuracy=0.9, user_data_tolerance=0.0), models("good.onnx", 0.995), target)
    shipped = target.read_bytes()
    with pytest.raises(StageError, match="no usable test_accuracy"):
        publish(PublishConfig(min_test_accuracy=0.9, user_data_tolerance=0.0), models("odd.onnx", claim), target)
    assert target.read_bytes() == shipped


def _mnist_file(tmp_path, sample):
    import numpy as np

    path = tmp_path / "mnist.npz"
    np.savez(path, x_train=sample.x_train, y_train=sample.y_train, x_test=sample.x_test, y_test=sample.y_test)
    return path


def test_the_figure_is_measured_not_taken_from_the_metadata(tmp_path, models, sample):
    """With the test set there, a false claim is caught, and a shipped model with a corrupt claim blocks nothing."""
    from pipeline.tools.publish import measured

    mnist = _mnist_file(tmp_path, sample)
    honest = models("honest.onnx", 0.0)
    real = measured(honest, mnist)
    liar = models("liar.onnx", min(real + 0.05, 1.0))
    with pytest.raises(StageError, match="metadata claims test accuracy"):
        publish(PublishConfig(min_test_accuracy=0.0, user_data_tolerance=0.0), liar, tmp_path / "a.onnx", mnist=mnist)
    target = tmp_path / "b.onnx"
    publish(
        PublishConfig(min_test_accuracy=0.0, user_data_tolerance=0.0),
        models("inf.onnx", "inf"),
        target,
        force=True,
        mnist=mnist,
    )
    good = models("good.onnx", round(real, 6))
    publish(
        PublishConfig(min_test_accuracy=0.0, user_data_tolerance=0.0), good, target, mnist=mnist
    )  # the shipped model's 'inf' does not block it
    assert Classifier(target).info.test_accuracy == pytest.approx(real, abs=1e-6)
