"""Export and evaluate on a briefly trained reference CNN and gate: figures, ONNX parity, the open world."""

import json

import numpy as np
import pytest

from pipeline.errors import StageError
from tests.conftest import quick_params
from tests.helpers import onnx_against_keras


@pytest.fixture(scope="session")  # built once, also when pytest-xdist interleaves modules
def gate(mnist, params):
    """A gate trained for one epoch on a slice, with its threshold chosen on validation data."""
    from pipeline.data import split_indices
    from pipeline.learn.gate import GateData, train_gate
    from pipeline.sets.trainsets import digits_as_drawn, negatives

    split = split_indices(mnist.y_train, 0.1, 42, 6000)
    drawn = digits_as_drawn(mnist.x_train[split.train], 100, 100, 100, 1)
    digits = np.concatenate([mnist.x_train[split.train], *(f.images for f in drawn.values())])
    neg = negatives("train", 3000, 1, mnist.x_train[split.train]).images
    data = GateData(
        np.concatenate([digits, neg]),
        np.concatenate([np.zeros(len(digits), np.uint8), np.ones(len(neg), np.uint8)]),
        mnist.x_train[split.validation],
        {k: f.images for k, f in digits_as_drawn(mnist.x_train[split.validation], 20, 40, 40, 2).items()},
        negatives("validation", 400, 1, mnist.x_train[split.validation]).images,
    )
    # a few dozen validation pictures per family: limits loose enough not to hang on one outlier
    cfg = params.gate.model_copy(update={"epochs": 4, "max_false_reject_mnist": 0.01, "max_false_reject_drawn": 0.1})
    return train_gate(data, cfg, 42, progress=False)


@pytest.fixture(scope="session")  # built once, also when pytest-xdist interleaves modules
def exported(trained, mnist, params, gate):
    from pipeline.learn.onnx_export import export

    return export(trained.model, mnist, quick_params(params), gate.model, gate.threshold)


@pytest.fixture(scope="session")  # built once, also when pytest-xdist interleaves modules
def evaluated(exported, mnist, params, tmp_path_factory):
    from app.inference import Classifier
    from pipeline.config.params import RenderConfig
    from pipeline.evaluation import evaluate
    from pipeline.sets.testsets import render_sets
    from pipeline.sets.trainsets import negatives

    path = tmp_path_factory.mktemp("eval") / "model.onnx"
    path.write_bytes(exported.onnx_bytes)
    renderings = render_sets(
        mnist,
        RenderConfig(
            seed=1,
            drawn=True,
            drawn_limit=300,
            photos=100,
            numbers_per_length=20,
            number_lengths=[2, 3, 4, 5, 6],
            scenes_per_family=3,
        ),
        params.families,
    )
    neg = negatives("eval", 400, 3, mnist.x_test)
    openset = {"negatives_eval": neg.images, "family_eval": neg.family}
    return evaluate(Classifier(path, threads=0), mnist, renderings, openset, params.evaluate)


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


def test_onnx_model_matches_keras_on_the_whole_test_set(exported, evaluated, trained, gate, mnist):
    from app.contract import OUTPUT_NAME, REJECT_OUTPUT_NAME

    diff, onnx_probs, keras_probs = onnx_against_keras(exported.onnx_bytes, trained.model, mnist.x_test, OUTPUT_NAME)
    assert diff <= 1e-5 and (onnx_probs.argmax(1) == keras_probs.argmax(1)).all()
    diff, onnx_reject, keras_reject = onnx_against_keras(
        exported.onnx_bytes, gate.model, mnist.x_test[:2000], REJECT_OUTPUT_NAME
    )
    assert diff <= 1e-5 and onnx_reject.reshape(-1).shape == (2000,) == keras_reject.reshape(-1).shape
    m = exported.metrics
    assert m["gate"]["enabled"]
    # the figures export writes are the ones just measured, and the app's reader agrees with them
    accuracy = round(float((onnx_probs.argmax(1) == mnist.y_test).mean()), 6)
    assert m["onnx_accuracy"] == accuracy == m["keras_accuracy"] == evaluated.metrics["accuracy"]
    assert m["size_bytes"] == len(exported.onnx_bytes)
    t = exported.timing
    assert 0 < t["latency_ms_p50"] <= t["latency_ms_p99"] and "latency_ms_p50" not in m


def test_export_twice_gives_the_same_bytes(exported, trained, mnist, params, gate):
    """tf2onnx names tensors after per-process counters; the export renames them by position."""
    import onnx

    from pipeline.learn.onnx_export import export

    again = export(trained.model, mnist, quick_params(params), gate.model, gate.threshold)
    assert again.onnx_bytes == exported.onnx_bytes
    assert again.int8_bytes == exported.int8_bytes
    names = [t.name for t in onnx.load_from_string(exported.onnx_bytes).graph.initializer]
    assert names == [f"w{i}" for i in range(len(names))]


def test_onnx_model_interface_and_metadata(exported, evaluated, params, gate):
    import onnx
    import onnxruntime as ort

    proto = onnx.load_from_string(exported.onnx_bytes)
    assert 13 <= proto.opset_import[0].version <= 18
    session = ort.InferenceSession(exported.onnx_bytes, providers=["CPUExecutionProvider"])
    (inp,) = session.get_inputs()
    outs = {o.name: o.shape for o in session.get_outputs()}
    assert (inp.name, inp.type, inp.shape) == ("image", "tensor(float)", ["N", 28, 28, 1])
    assert outs == {"probs": ["N", 10], "not_digit": ["N", 1]}
    meta = session.get_modelmeta().custom_metadata_map
    assert meta["reject_output"] == "not_digit" and float(meta["reject_threshold"]) == pytest.approx(gate.threshold)
    assert "not a digit when output 'not_digit' >=" in meta["reject_rule"]
    assert meta["labels"] == "0,1,2,3,4,5,6,7,8,9"
    assert "white digit on black" in meta["input"] and "[0,1]" in meta["input"]
    assert float(meta["test_accuracy"]) == pytest.approx(evaluated.metrics["accuracy"])
    assert meta["params_hash"] == quick_params(params).section_hash("train", "model")
    assert {"tensorflow", "tf2onnx", "onnx", "onnxruntime"} <= set(json.loads(meta["versions"]))


def test_parity_failure_refuses_to_write_the_model(trained, mnist, params, monkeypatch, tmp_path):
    import pipeline.learn.onnx_export as ex

    real = ex.app_scores

    def shifted(model_bytes, x, batch, name=ex.ONNX_MODEL):
        probs, reject = real(model_bytes, x, batch, name)
        return np.roll(probs, 1, axis=1), reject

    monkeypatch.setattr(ex, "app_scores", shifted)
    with pytest.raises(StageError, match="does not match the Keras model: max"):
        ex.export(trained.model, mnist, quick_params(params))


def test_drawn_digits_are_scored_per_rendering(evaluated):
    from pipeline.synth.pen import TRANSFORMS

    drawn = evaluated.metrics["drawn"]
    assert set(drawn) == {*TRANSFORMS, "overall", "examples", "rejected"} and drawn["examples"] == 300
    scores = [drawn[name] for name in TRANSFORMS]
    assert all(0.5 < s <= 1 for s in scores), drawn
    assert drawn["overall"] == pytest.approx(np.mean(scores), abs=1e-6)


def test_open_world_figures(evaluated):
    m = evaluated.metrics
    reject = m["reject"]
    assert reject["enabled"] and reject["non_digit_examples"] == 400
    assert reject["non_digits_rejected"] > 0.5, reject  # even a four-epoch gate on a slice turns most non-digits away
    assert reject["mnist_test_rejected"] < 0.05 and reject["accepted_accuracy"] >= m["accuracy"] - 0.001
    numbers = m["numbers"]
    assert set(numbers["by_length"]) == {"2", "3", "4", "5", "6"} and numbers["examples"] == 100
    assert numbers["exact_2_to_5"] > 0.5, numbers
    assert m["photos"]["examples"] == 100 and m["photos"]["exact"] > 0.8
    ex = evaluated.examples
    assert ex["non_digits"].shape[1:] == (28, 28) and "example_number_0_boxes" in ex
    assert len(str(ex["example_number_0_text"])) >= 2
    scenes = m["scenes"]  # every family of every kind, scored and split into seen and held out
    assert {"seen", "held_out", "by_family"} <= set(scenes), scenes
    assert 0 <= scenes["held_out"] <= 1 and 0 <= scenes["seen"] <= 1


def test_int8_model_is_small_accurate_and_annotated(exported, tmp_path, mnist, capsys):
    import json

    from PIL import Image

    from app.cli import main as digit_predict
    from app.inference import Classifier

    q = exported.metrics["int8"]
    assert q["enabled"]
    assert q["size_ratio"] <= 1 / 3 and q["size_bytes"] == len(exported.int8_bytes)
    assert exported.timing["int8"]["latency_ms_p50"] > 0 and exported.timing["int8"]["speedup_p50"] > 0
    _save(exported, tmp_path)
    clf = Classifier(tmp_path / "m.int8.onnx")
    assert "int8 QDQ static" in clf.info.metadata["quantization"]
    assert clf.info.metadata["labels"] == "0,1,2,3,4,5,6,7,8,9"
    assert clf.info.test_accuracy == q["accuracy"]  # its own accuracy, not the float model's
    # measured here, through the app's own runner: what export wrote, within the allowed drop
    probs, _ = clf.score(mnist.x_test.astype(np.float32) / 255.0)
    measured = round(float((probs.argmax(1) == mnist.y_test).mean()), 6)
    assert measured == q["accuracy"] and exported.metrics["onnx_accuracy"] - measured <= 0.001
    import onnx

    proto = onnx.load_from_string(exported.int8_bytes)
    assert not proto.graph.value_info  # the quantizer's shape hints and unused domains are pruned
    assert {o.domain for o in proto.opset_import} == {""} | {n.domain for n in proto.graph.node}
    # digit-predict (and so the app) runs it
    Image.fromarray(255 - np.kron(mnist.x_test[0], np.ones((5, 5), np.uint8))).save(tmp_path / "d.png")
    assert digit_predict([str(tmp_path / "d.png"), "--model", str(tmp_path / "m.int8.onnx"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["digit"] == mnist.y_test[0]


def test_int8_can_be_switched_off(trained, mnist, params, evaluated, tmp_path):
    from app.inference import Classifier, ModelError
    from pipeline.learn.onnx_export import export

    p = quick_params(params)
    int8 = p.export.int8.model_copy(update={"enabled": False})
    off = p.model_copy(update={"export": p.export.model_copy(update={"int8": int8})})
    result = export(trained.model, mnist, off)
    assert result.metrics["int8"] == {"enabled": False} and result.int8_bytes == b""
    _save(result, tmp_path)
    with pytest.raises(ModelError, match=r"is empty \(0 bytes\): the pipeline leaves model\.int8\.onnx empty"):
        Classifier(tmp_path / "m.int8.onnx")


def test_int8_accuracy_drop_beyond_the_limit_fails_the_stage(trained, mnist, params, evaluated, monkeypatch):
    import pipeline.learn.quantize as q
    from pipeline.learn.onnx_export import export

    # calibrating on blank images squashes the activation ranges: the int8 model gets much worse
    monkeypatch.setattr(q, "calibration_images", lambda x, size, seed: np.zeros((50, 28, 28), np.uint8))
    with pytest.raises(StageError, match="below the float model's"):
        export(trained.model, mnist, quick_params(params))
