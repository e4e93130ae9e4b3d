"""Foreign and hostile models: refused with a reason before anyone sees a number."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from app.contract import INPUT_NAME, OUTPUT_NAME
from app.inference import Classifier, ModelError
from tests.helpers import ROOT


def _model(
    path, *, scale: float = 1.0, softmax: bool = True, external: bool = False, batch="N", trap: str | None = None
):
    """A linear "digit model"; ``trap`` adds a branch whose value (times 0) reaches the output:
    ``loop``, an ONNX Loop of 1e15 turns; ``batch8``, a Gather that fails on a batch of 8 pictures or
    more (a single digit is read in a batch of 3, a five-digit number in one of 17)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    w = np.full((784, 10), 0.001, np.float32)
    nodes = [
        helper.make_node("Reshape", [INPUT_NAME, "shape"], ["flat"]),
        helper.make_node("MatMul", ["flat", "w"], ["z0"]),
        helper.make_node("Add", ["z0", "b"], ["z1"]),
    ]
    extra = []
    if trap == "loop":
        body = helper.make_graph(
            [
                helper.make_node("Identity", ["cond_in"], ["cond_out"]),
                helper.make_node("Add", ["acc_in", "one"], ["acc_out"]),
            ],
            "body",
            [
                helper.make_tensor_value_info("i", TensorProto.INT64, []),
                helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
                helper.make_tensor_value_info("acc_in", TensorProto.FLOAT, []),
            ],
            [
                helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
                helper.make_tensor_value_info("acc_out", TensorProto.FLOAT, []),
            ],
            [numpy_helper.from_array(np.array(1.0, np.float32), "one")],
        )
        nodes.append(helper.make_node("Loop", ["trip", "cond", "zero"], ["t"], body=body))
        extra += [
            numpy_helper.from_array(np.array(10**15, np.int64), "trip"),
            numpy_helper.from_array(np.array(True), "cond"),
            numpy_helper.from_array(np.array(0.0, np.float32), "zero"),
        ]
    elif trap == "batch8":  # element N of [0, ..., 7]: out of bounds from 8 pictures on
        nodes += [
            helper.make_node("Shape", [INPUT_NAME], ["dims"]),
            helper.make_node("Gather", ["dims", "first"], ["n"], axis=0),
            helper.make_node("Gather", ["eight", "n"], ["picked"], axis=0),
            helper.make_node("Cast", ["picked"], ["t"], to=TensorProto.FLOAT),
        ]
        extra += [
            numpy_helper.from_array(np.array(0, np.int64), "first"),
            numpy_helper.from_array(np.arange(8, dtype=np.int64), "eight"),
        ]
    if trap:
        nodes += [helper.make_node("Mul", ["t", "nought"], ["t0"]), helper.make_node("Add", ["z1", "t0"], ["z"])]
        extra.append(numpy_helper.from_array(np.array(0.0, np.float32), "nought"))
    else:
        nodes.append(helper.make_node("Identity", ["z1"], ["z"]))
    if softmax:
        nodes += [helper.make_node("Softmax", ["z"], ["p"], axis=1), helper.make_node("Mul", ["p", "k"], [OUTPUT_NAME])]
    else:
        nodes += [helper.make_node("Mul", ["z", "k"], [OUTPUT_NAME])]
    graph = helper.make_graph(
        nodes,
        "foreign",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, [batch, 28, 28, 1])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, [batch, 10])],
        [
            numpy_helper.from_array(np.array([-1, 784], np.int64), "shape"),
            numpy_helper.from_array(w, "w"),
            numpy_helper.from_array(np.array([10.0] + [0.0] * 9, np.float32), "b"),
            numpy_helper.from_array(np.array(scale, np.float32), "k"),
            *extra,
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    if external:
        onnx.save(
            model,
            path,
            save_as_external_data=True,
            all_tensors_to_one_file=True,
            location="weights.bin",
            # the weights only: with the shapes inline, onnxruntime given the path would load it (the fix is
            # to load from bytes, so nothing beside the model is read)
            size_threshold=1024,
        )
    else:
        onnx.save(model, path)
    return path


def test_outputs_that_are_not_probabilities_are_refused(tmp_path):
    """Case 6: a foreign model printed "900.0% confident"."""
    with pytest.raises(ModelError, match="not probabilities"):
        Classifier(_model(tmp_path / "nine.onnx", scale=9.0))
    with pytest.raises(ModelError, match="do not sum to 1"):
        Classifier(_model(tmp_path / "half.onnx", scale=0.5))
    Classifier(_model(tmp_path / "fine.onnx"))  # the same graph with honest probabilities loads


def test_a_model_with_external_data_is_refused(tmp_path):
    """Case 6: weights "beside" the model could be any file (its bytes were printed as probabilities)."""
    import onnxruntime as ort

    path = _model(tmp_path / "ext.onnx", external=True)
    assert (tmp_path / "weights.bin").is_file()
    ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])  # what loading by path would accept
    with pytest.raises(ModelError, match="keeps its weights in separate files"):
        Classifier(path)


@pytest.mark.slow
@pytest.mark.parametrize("threads", ["abc", "-1", "1.5", "²", "0"])
def test_a_bad_thread_setting_is_a_clear_error_in_the_app(threads, published_model):
    """Case 20: DIGITS_ORT_THREADS=abc gave a traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "app.main", "--model", str(published_model)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "DIGITS_ORT_THREADS": threads, "DIGITS_STARTUP_PROBE": "1"},
    )
    assert proc.returncode == 2 and f"DIGITS_ORT_THREADS={threads!r}" in proc.stderr and "Traceback" not in proc.stderr


def test_model_metadata_is_never_rich_text(qapp, template_onnx, tmp_path, sample):
    """Case 17: a label with <a href> became a link."""
    from PyQt5.QtCore import Qt
    from PyQt5.QtWidgets import QLabel

    from app.controller import Controller
    from app.ui.window import MainWindow
    from tests.models import template_model

    labels = ",".join(f"<a href='http://evil'>{d}</a>" for d in range(10))
    hostile = template_model(
        tmp_path / "hostile.onnx",
        sample.x_train,
        sample.y_train,
        meta={"model_name": "<a href='http://evil'>click</a>", "params_hash": "<b>x</b>", "labels": labels},
    )
    window = MainWindow()
    controller = Controller(window, Classifier(hostile))
    # the answer itself is a label of the model's: where the old HTML injection showed
    controller.open_file(_pictures(tmp_path, sample)[0])
    assert controller.last is not None and "<a href=" in window.result.headline.text()
    for label in window.result.findChildren(QLabel):
        assert label.textFormat() == Qt.PlainText or "<a href" not in label.text(), label.text()
    assert window.model_label.textFormat() == Qt.PlainText and "<a href=" in window.model_label.text()
    assert "<a href" not in window.model_label.toolTip()  # escaped: shown as text, never a link
    window.act_about.trigger()
    assert window.info_box.textFormat() == Qt.PlainText and "<a href='http://evil'>" in window.info_box.text()
    window.info_box.close()
    window.close()


def test_more_threads_than_cores_are_capped_at_the_cores(monkeypatch, caplog):
    """DIGITS_ORT_THREADS=1000 took 35 s a picture; 100000 grew memory by 64 MB/s without bound."""
    from app.inference import ort_threads

    monkeypatch.setenv("DIGITS_ORT_THREADS", "1000")
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    with caplog.at_level("WARNING"):
        assert ort_threads() == 2
    assert "more than this machine's 2 cores" in caplog.text
    for bad in ("²", "0", "99999999999x", "-3"):
        monkeypatch.setenv("DIGITS_ORT_THREADS", bad)
        with pytest.raises(ModelError, match="not a number of threads"):
            ort_threads()


@pytest.mark.timeout(60)
def test_a_model_that_never_answers_is_refused_at_load(tmp_path, monkeypatch):
    """An ONNX Loop of 1e15 turns hung digit-predict and the app's start-up for ever."""
    import time

    import app.inference

    monkeypatch.setattr(app.inference, "PROBE_SECONDS", 0.5)
    started = time.monotonic()
    with pytest.raises(ModelError, match=r"did not answer within 0.5 s"):
        Classifier(_model(tmp_path / "loop.onnx", trap="loop"))
    assert time.monotonic() - started < 10


def test_a_model_with_a_fixed_batch_is_refused_with_what_to_do(tmp_path):
    """A batch-of-1 model read single digits and failed with a traceback on the first number."""
    with pytest.raises(ModelError, match=r"fixed batch of 1.*free batch dimension"):
        Classifier(_model(tmp_path / "one.onnx", batch=1))


def _pictures(tmp_path, sample) -> list[str]:
    """A single digit, a five-digit number, a single digit: dark on white, 4x MNIST."""
    digit = 255 - np.kron(np.pad(sample.x_test[0], 8), np.ones((4, 4), np.uint8))
    strip = np.concatenate([np.pad(sample.x_test[i], ((0, 0), (3, 3))) for i in range(1, 6)], axis=1)
    number = 255 - np.kron(np.pad(strip, 8), np.ones((4, 4), np.uint8))
    paths = [tmp_path / "a.png", tmp_path / "number.png", tmp_path / "b.png"]
    for path, picture in zip(paths, [digit, number, digit], strict=True):
        Image.fromarray(picture).save(path)
    return [str(p) for p in paths]


def test_a_model_that_fails_on_one_picture_fails_that_picture_only(tmp_path, sample, capsys):
    """The model failed at run time: a traceback, and the rest of the batch was lost."""
    from app.cli import main

    model = _model(tmp_path / "eight.onnx", trap="batch8")  # fails on the number only
    files = _pictures(tmp_path, sample)
    code = main(["--json", "--model", str(model), *files])
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and [r["file"] for r in records] == files
    assert [bool(r.get("error")) for r in records] == [False, True, False], records
    assert "failed on this picture" in records[1]["error"] and "Gather" in records[1]["error"]
    assert "Traceback" not in err and err.count("failed on this picture") == 1


def test_the_window_drops_its_old_answer_when_the_model_fails_on_a_picture(qapp, tmp_path, sample):
    """The app showed "Something went wrong" and left the old answer beside the new picture."""
    from app.controller import Controller
    from app.ui.window import MainWindow

    files = _pictures(tmp_path, sample)
    window = MainWindow()
    errors = []
    window.show_error = lambda title, text: errors.append((title, text))
    controller = Controller(window, Classifier(_model(tmp_path / "eight.onnx", trap="batch8")))
    controller.open_file(files[0])
    assert controller.last is not None and not errors
    controller.open_file(files[1])
    assert controller.last is None and window.reading is None
    assert [title for title, _ in errors] == ["The model could not read this"]
    assert "failed on this picture" in errors[0][1] and "Your drawing is kept" in errors[0][1]
    window.close()


def test_a_folder_or_a_device_given_as_the_model_is_named_for_what_it_is(tmp_path):
    """Both were reported as "does not exist"."""
    with pytest.raises(ModelError, match="is a folder, not a model file"):
        Classifier(tmp_path)
    with pytest.raises(ModelError, match="not a regular file"):
        Classifier("/dev/zero")
