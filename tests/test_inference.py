"""The app's Qt-free inference: model checks, metadata, predictions, model resolution."""

import numpy as np
import pytest

from app.inference import PUBLISHED_MODEL, Classifier, ModelError, ModelNotFound, resolve_model
from app.preprocess import EmptyImage


@pytest.fixture(scope="module")
def classifier(published_model):
    return Classifier(published_model)


def test_metadata_is_read(classifier):
    info = classifier.info
    assert info.labels == [str(d) for d in range(10)]
    assert 0.9 < info.test_accuracy < 1
    assert "seed_cnn" in info.summary and "test accuracy" in info.summary


def test_predicts_mnist_digits(classifier, sample):
    probs = classifier.probabilities(sample.x_test[:500] / 255.0)
    assert probs.shape == (500, 10)
    np.testing.assert_allclose(probs.sum(1), 1, rtol=1e-4)
    assert (probs.argmax(1) == sample.y_test[:500]).mean() > 0.9


def test_predict_prepares_a_canvas(classifier, sample):
    canvas = np.full((300, 300), 255, np.uint8)
    big = np.kron(sample.x_test[0], np.ones((6, 6), np.uint8))  # 168 px, upscaled
    canvas[40:208, 90:258] = 255 - big  # dark ink on white, off centre
    prediction = classifier.predict(canvas)
    assert prediction.digit == sample.y_test[0]
    assert prediction.confidence == pytest.approx(float(prediction.probs.max()))
    assert prediction.prepared.image.shape == (28, 28)
    with pytest.raises(EmptyImage):
        classifier.predict(np.full((300, 300), 255, np.uint8))


def test_missing_corrupt_and_foreign_models_are_clear_errors(tmp_path):
    import onnx
    from onnx import TensorProto, helper

    with pytest.raises(ModelNotFound, match=r"does not exist\. Build one with `make pipeline`"):
        Classifier(tmp_path / "nope.onnx")
    (tmp_path / "bad.onnx").write_bytes(b"this is not protobuf")
    with pytest.raises(ModelError, match="is damaged or not an ONNX model"):
        Classifier(tmp_path / "bad.onnx")
    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), tmp_path / "other.onnx")
    with pytest.raises(ModelError, match="is not a digit model: expected one input 'image'"):
        Classifier(tmp_path / "other.onnx")


def test_resolution_prefers_explicit_then_pipeline_then_published(tmp_path, published_model):
    assert resolve_model(published_model) == published_model
    with pytest.raises(ModelNotFound, match=r"missing\.onnx does not exist"):
        resolve_model(tmp_path / "missing.onnx")
    pipeline_model = tmp_path / "artifacts" / "model" / "model.onnx"
    pipeline_model.parent.mkdir(parents=True)
    pipeline_model.write_bytes(published_model.read_bytes())
    assert resolve_model(root=tmp_path) == pipeline_model
    empty = tmp_path / "empty"
    empty.mkdir()
    assert resolve_model(root=empty) == PUBLISHED_MODEL


def test_published_model_is_the_pipelines_full_model(sample):
    """The model shipped in the package loads with the app's checks and is the full-data one."""
    classifier = Classifier(PUBLISHED_MODEL)
    assert classifier.info.test_accuracy >= 0.99
    probs = classifier.probabilities(sample.x_test[:2000] / 255.0)
    assert (probs.argmax(1) == sample.y_test[:2000]).mean() >= 0.985
