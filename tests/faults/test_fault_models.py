"""Foreign and hostile models: refused with a reason before anyone sees a number."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from app.contract import INPUT_NAME, OUTPUT_NAME
from app.inference import Classifier, ModelError
from tests.helpers import ROOT


def _model(path, *, scale: float = 1.0, softmax: bool = True, external: bool = False):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    w = np.full((784, 10), 0.001, np.float32)
    nodes = [
        helper.make_node("Reshape", [INPUT_NAME, "shape"], ["flat"]),
        helper.make_node("MatMul", ["flat", "w"], ["z0"]),
        helper.make_node("Add", ["z0", "b"], ["z"]),
    ]
    if softmax:
        nodes += [helper.make_node("Softmax", ["z"], ["p"], axis=1), helper.make_node("Mul", ["p", "k"], [OUTPUT_NAME])]
    else:
        nodes += [helper.make_node("Mul", ["z", "k"], [OUTPUT_NAME])]
    graph = helper.make_graph(
        nodes,
        "foreign",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, ["N", 28, 28, 1])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["N", 10])],
        [
            numpy_helper.from_array(np.array([-1, 784], np.int64), "shape"),
            numpy_helper.from_array(w, "w"),
            numpy_helper.from_array(np.array([10.0] + [0.0] * 9, np.float32), "b"),
            numpy_helper.from_array(np.array(scale, np.float32), "k"),
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
            size_threshold=0,
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
    path = _model(tmp_path / "ext.onnx", external=True)
    assert (tmp_path / "weights.bin").is_file()
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

    from app.controller import Controller
    from app.ui.window import MainWindow
    from tests.models import template_model

    hostile = template_model(
        tmp_path / "hostile.onnx",
        sample.x_train,
        sample.y_train,
        meta={"model_name": "<a href='http://evil'>click</a>", "params_hash": "<b>x</b>"},
    )
    window = MainWindow()
    Controller(window, Classifier(hostile))
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
