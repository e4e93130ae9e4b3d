"""Evaluate and export on a briefly trained reference CNN: figures, ONNX parity and metadata."""

import json

import numpy as np
import pytest

from pipeline.stage import StageError
from tests.conftest import quick_params


@pytest.fixture(scope="module")
def evaluated(trained, mnist, params):
    import dataclasses

    from pipeline.evaluation import evaluate

    return evaluate(trained.model, mnist, dataclasses.replace(params.evaluate, drawn_limit=300))


@pytest.fixture(scope="module")
def exported(trained, mnist, params):
    from pipeline.onnx_export import export

    return export(trained.model, mnist, quick_params(params))


def _save(result, folder):
    from pipeline.atomic import atomic_write_bytes

    atomic_write_bytes(folder / "m.onnx", result.onnx_bytes)
    atomic_write_bytes(folder / "m.int8.onnx", result.int8_bytes)


def test_evaluate_scores_all_10000_test_images(evaluated, mnist):
    m = evaluated.metrics
    assert m["examples"] == 10000
    assert 0.85 < m["accuracy"] < 1 and m["loss"] > 0
    assert np.array(m["confusion"]).sum() == 10000
    assert np.trace(np.array(m["confusion"])) == round(m["accuracy"] * 10000)
    assert [m["per_class"][str(d)]["support"] for d in range(10)] == np.bincount(mnist.y_test).tolist()
    assert m["misclassified"] == len(evaluated.misclassified) == m["errors"]
    confidences = [w["confidence"] for w in evaluated.misclassified]
    assert confidences == sorted(confidences, reverse=True)


def test_prediction_rows_feed_dvcs_confusion_template(evaluated, mnist):
    from pipeline.evaluation import prediction_rows

    rows = prediction_rows(mnist.y_test, evaluated.probs)
    assert len(rows) == 10000 and set(rows[0]) == {"actual", "predicted"}
    right = sum(r["actual"] == r["predicted"] for r in rows)
    assert right == round(evaluated.metrics["accuracy"] * 10000)


def test_onnx_model_matches_keras_on_the_whole_test_set(exported, evaluated):
    m = exported.metrics
    assert m["max_abs_diff"] <= 1e-5
    assert m["argmax_agreement"] == 1.0 and m["disagreements"] == 0
    assert m["onnx_accuracy"] == m["keras_accuracy"] == evaluated.metrics["accuracy"]
    assert m["size_bytes"] == len(exported.onnx_bytes)
    t = exported.timing
    assert 0 < t["latency_ms_p50"] <= t["latency_ms_p99"] and "latency_ms_p50" not in m


def test_export_twice_gives_the_same_bytes(exported, trained, mnist, params):
    """tf2onnx names tensors after per-process counters; the export renames them by position."""
    import onnx

    from pipeline.onnx_export import export

    again = export(trained.model, mnist, quick_params(params))
    assert again.onnx_bytes == exported.onnx_bytes
    assert again.int8_bytes == exported.int8_bytes
    names = [t.name for t in onnx.load_from_string(exported.onnx_bytes).graph.initializer]
    assert names == [f"w{i}" for i in range(len(names))]


def test_onnx_model_interface_and_metadata(exported, evaluated, params):
    import onnx
    import onnxruntime as ort

    proto = onnx.load_from_string(exported.onnx_bytes)
    assert 13 <= proto.opset_import[0].version <= 18
    session = ort.InferenceSession(exported.onnx_bytes, providers=["CPUExecutionProvider"])
    (inp,), (out,) = session.get_inputs(), session.get_outputs()
    assert (inp.name, inp.type, inp.shape) == ("image", "tensor(float)", ["N", 28, 28, 1])
    assert (out.name, out.shape) == ("probs", ["N", 10])
    meta = session.get_modelmeta().custom_metadata_map
    assert meta["labels"] == "0,1,2,3,4,5,6,7,8,9"
    assert "white digit on black" in meta["input"] and "[0,1]" in meta["input"]
    assert float(meta["test_accuracy"]) == pytest.approx(evaluated.metrics["accuracy"])
    assert meta["params_hash"] == quick_params(params).section_hash("train", "model")
    assert {"tensorflow", "tf2onnx", "onnx", "onnxruntime"} <= set(json.loads(meta["versions"]))


def test_parity_failure_refuses_to_write_the_model(trained, mnist, params, monkeypatch, tmp_path):
    import pipeline.onnx_export as ex

    real = ex.ort_probs
    monkeypatch.setattr(ex, "ort_probs", lambda s, x, b: np.roll(real(s, x, b), 1, axis=1))
    with pytest.raises(StageError, match="does not match the Keras model: max"):
        ex.export(trained.model, mnist, quick_params(params))


def test_drawn_digits_are_scored_per_rendering(evaluated):
    from pipeline.drawn import TRANSFORMS

    drawn = evaluated.metrics["drawn"]
    assert set(drawn) == {*TRANSFORMS, "overall", "examples"} and drawn["examples"] == 300
    scores = [drawn[name] for name in TRANSFORMS]
    assert all(0.5 < s <= 1 for s in scores), drawn
    assert drawn["overall"] == pytest.approx(np.mean(scores), abs=1e-6)


def test_int8_model_is_small_accurate_and_annotated(exported, tmp_path, mnist, capsys):
    import json

    from PIL import Image

    from app.cli import main as digit_predict
    from app.inference import Classifier

    q = exported.metrics["int8"]
    assert q["enabled"] and q["accuracy_drop"] <= 0.001
    assert q["size_ratio"] <= 1 / 3 and q["size_bytes"] == len(exported.int8_bytes)
    assert exported.timing["int8"]["latency_ms_p50"] > 0 and exported.timing["int8"]["speedup_p50"] > 0
    _save(exported, tmp_path)
    clf = Classifier(tmp_path / "m.int8.onnx")
    assert "int8 QDQ static" in clf.info.metadata["quantization"]
    assert clf.info.metadata["labels"] == "0,1,2,3,4,5,6,7,8,9"
    # digit-predict (and so the app) runs it
    Image.fromarray(255 - np.kron(mnist.x_test[0], np.ones((5, 5), np.uint8))).save(tmp_path / "d.png")
    assert digit_predict([str(tmp_path / "d.png"), "--model", str(tmp_path / "m.int8.onnx"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["digit"] == mnist.y_test[0]


def test_int8_can_be_switched_off(trained, mnist, params, evaluated, tmp_path):
    import dataclasses

    from app.inference import Classifier, ModelError
    from pipeline.onnx_export import export

    p = quick_params(params)
    off = dataclasses.replace(
        p, export=dataclasses.replace(p.export, int8=dataclasses.replace(p.export.int8, enabled=False))
    )
    result = export(trained.model, mnist, off)
    assert result.metrics["int8"] == {"enabled": False} and result.int8_bytes == b""
    _save(result, tmp_path)
    with pytest.raises(ModelError, match=r"is empty \(0 bytes\): the pipeline leaves model\.int8\.onnx empty"):
        Classifier(tmp_path / "m.int8.onnx")


def test_int8_accuracy_drop_beyond_the_limit_fails_the_stage(trained, mnist, params, evaluated, monkeypatch):
    import pipeline.quantize as q
    from pipeline.onnx_export import export

    # calibrating on blank images squashes the activation ranges: the int8 model gets much worse
    monkeypatch.setattr(q, "calibration_images", lambda x, size, seed: np.zeros((50, 28, 28), np.uint8))
    with pytest.raises(StageError, match="below the float model's"):
        export(trained.model, mnist, quick_params(params))
