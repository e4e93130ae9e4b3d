"""The publish gate: a worse model never silently replaces the app's (case 3)."""

from __future__ import annotations

import json

import pytest

from app.inference import Classifier
from pipeline.config import PublishConfig
from pipeline.publish import publish
from pipeline.stage import StageError
from tests.models import template_model


@pytest.fixture
def models(tmp_path, sample):
    def make(name, accuracy):
        return template_model(tmp_path / name, sample.x_train, sample.y_train, meta={"test_accuracy": str(accuracy)})

    return make


def test_a_model_below_the_threshold_is_refused_unless_forced(tmp_path, models):
    target = tmp_path / "app" / "digits.onnx"
    weak = models("weak.onnx", 0.5881)
    with pytest.raises(StageError, match=r"58\.81% is below publish.min_test_accuracy = 99\.00%.*--force"):
        publish(PublishConfig(0.99), weak, target)
    assert not target.exists()
    publish(PublishConfig(0.99), weak, target, force=True)
    meta = Classifier(target).info
    assert meta.test_accuracy == pytest.approx(0.5881) and json.loads(meta.metadata["published"])["source_sha256"]


def test_a_model_worse_than_the_one_it_replaces_is_refused(tmp_path, models):
    target = tmp_path / "digits.onnx"
    publish(PublishConfig(0.9), models("good.onnx", 0.995), target)
    shipped = target.read_bytes()
    with pytest.raises(StageError, match=r"below the published model's 99\.50%"):
        publish(PublishConfig(0.9), models("ok.onnx", 0.993), target)
    assert target.read_bytes() == shipped
    publish(PublishConfig(0.9), models("better.onnx", 0.996), target)
    assert Classifier(target).info.test_accuracy == pytest.approx(0.996)


def test_a_model_the_app_would_reject_is_never_published(tmp_path):
    (tmp_path / "bad.onnx").write_bytes(b"not a model")
    with pytest.raises(StageError, match="refusing to publish"):
        publish(PublishConfig(0.9), tmp_path / "bad.onnx", tmp_path / "digits.onnx", force=True)
