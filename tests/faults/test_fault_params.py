"""Parameters and intermediates that cannot work: refused before any stage works, with the fix named."""

from __future__ import annotations

import copy
import errno
import json
import subprocess
import sys
import zipfile

import numpy as np
import pytest
import yaml

from pipeline.config.params import ParamsError, params_from_dict
from pipeline.errors import StageError
from tests.helpers import ROOT


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load((ROOT / "params.yaml").read_text())


def _set(raw, dotted, value):
    bad = copy.deepcopy(raw)
    *parents, leaf = dotted.split(".")
    node = bad
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    node[leaf] = value
    return bad


def test_model_geometry_keras_cannot_build_is_refused_naming_the_block(raw):
    """Case 9: three 7x7 valid convolutions on 28x28 crashed train with a Keras traceback."""
    block = {"filters": 8, "convs": 1, "kernel_size": 7, "padding": "valid", "batch_norm": False, "dropout": 0.0}
    bad = _set(raw, "model.conv_blocks", [block] * 3)
    with pytest.raises(ParamsError) as info:
        params_from_dict(bad)
    assert "model.conv_blocks[2]" in str(info.value) and "padding: same" in str(info.value)


def test_bounds_that_depend_on_mnist_are_checked_up_front(raw):
    """Case 10: report.digit_index was range-checked only after ten minutes of training."""
    with pytest.raises(ParamsError, match=r"report.digit_index = 10000: out of range; allowed: >= 0 and <= 9999"):
        params_from_dict(_set(raw, "report.digit_index", 10000))
    with pytest.raises(ParamsError, match=r"train.batch_size = 4096 is larger than the training split"):
        params_from_dict(_set(_set(raw, "train.limit", 1000), "train.batch_size", 4096))


@pytest.mark.parametrize("value", [float("inf"), float("nan")])
def test_infinite_timeouts_are_refused(raw, value):
    """Case 14: data.timeout_s = .inf passed validation and overflowed in the npm source."""
    with pytest.raises(ParamsError, match=r"data.timeout_s = .*: expected a finite number"):
        params_from_dict(_set(raw, "data.timeout_s", value))


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("https://example.org/mnist files/", "spaces or control characters"),
        ("http://[::1/", "not a valid URL"),
        ("http://host:99999/", "not a valid URL"),
        ("https:///path/", "names no host"),
    ],
)
def test_malformed_urls_are_refused(raw, url, why):
    """Case 5: a URL with a space or a broken IPv6 literal passed validation."""
    with pytest.raises(ParamsError, match=why):
        params_from_dict(_set(raw, "data.sources.0.url", url))


def test_option_like_npm_specs_are_refused(raw):
    with pytest.raises(ParamsError, match="not a package spec"):
        params_from_dict(_set(raw, "data.sources.2.package", "--registry=http://evil/"))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["model=nope"], "Could not find 'model/nope'"),
        (["train.learning_rate=-1"], "train.learning_rate = -1.0: out of range"),
        (["train.epochs=["], "cannot compose conf/"),
    ],
)
def test_compose_prints_the_message_alone(args, says, tmp_path):
    """Case 15: `python -m pipeline.tools.compose model=nope` printed a full traceback."""
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.tools.compose", *args, "--output", str(tmp_path / "params.yaml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2 and says in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "params.yaml").exists()


def _npz(path, **arrays):
    with open(path, "wb") as fh:
        np.savez(fh, **arrays)
    return path


def test_empty_or_tiny_splits_are_refused_where_the_data_is_loaded(tmp_path):
    """Case 12: an empty test split crashed evaluate; a one-image split let parity "pass" on one image."""
    from pipeline.data import load_mnist

    x = np.zeros((60000, 28, 28), np.uint8)
    y = np.zeros(60000, np.uint8)
    path = _npz(tmp_path / "m.npz", x_train=x, y_train=y, x_test=x[:1], y_test=y[:1])
    with pytest.raises(StageError, match=r"the test split holds 1 images, MNIST has 10000"):
        load_mnist(path)
    path = _npz(tmp_path / "e.npz", x_train=x, y_train=y, x_test=x[:0], y_test=y[:0])
    with pytest.raises(StageError, match=r"the test split holds 0 images"):
        load_mnist(path)


def test_a_random_bytes_npz_is_called_corrupt_not_unsafe(tmp_path):
    """Case 22: numpy's "load it unsafely using allow_pickle" wording reached the user."""
    from pipeline.data import load_mnist

    (tmp_path / "mnist.npz").write_bytes(np.random.default_rng(0).bytes(4096))
    with pytest.raises(StageError) as info:
        load_mnist(tmp_path / "mnist.npz")
    assert "is corrupt" in str(info.value) and "pickle" not in str(info.value).lower()
    with zipfile.ZipFile(tmp_path / "half.npz", "w") as z:
        z.writestr("x_train.npy", b"\x93NUMPY garbage")
    with pytest.raises(StageError) as info:
        load_mnist(tmp_path / "half.npz")
    assert "pickle" not in str(info.value).lower()


def test_incomplete_intermediates_name_the_file_and_the_stage(tmp_path, monkeypatch):
    """Case 13: eval.json without `confusion` or history.csv without val_* crashed report with a KeyError."""
    from pipeline import paths
    from pipeline.artifacts import read_csv, read_json

    (tmp_path / "eval.json").write_text(json.dumps({"accuracy": 0.99}))
    with pytest.raises(
        StageError, match=r"eval.json lacks loss, errors, examples, per_class, confusion .*dvc repro -f evaluate"
    ):
        read_json(
            tmp_path / "eval.json", "evaluate", ["accuracy", "loss", "errors", "examples", "per_class", "confusion"]
        )
    (tmp_path / "history.csv").write_text("epoch,accuracy,loss\n1,0.9,0.3\n")
    with pytest.raises(
        StageError, match=r"history.csv lacks the column\(s\) val_accuracy, val_loss .*dvc repro -f train"
    ):
        read_csv(tmp_path / "history.csv", "train", paths.HISTORY_COLUMNS)


def test_stages_after_train_refuse_params_the_model_was_not_trained_with(tmp_path, raw):
    """Case 2: a `dvc exp run` during `dvc repro` rewrote params.yaml; later stages recorded the wrong params."""
    from pipeline.artifacts import ensure_trained_with

    params = params_from_dict(raw)
    (tmp_path / "train.json").write_text(json.dumps({"params_hash": params.section_hash("train", "model")}))
    ensure_trained_with(params, tmp_path / "train.json")  # the same params: fine
    changed = params_from_dict(_set(raw, "train.epochs", 3))
    with pytest.raises(StageError, match="not the ones the model was trained with"):
        ensure_trained_with(changed, tmp_path / "train.json")


def test_params_changed_under_a_stage_are_put_back_and_kept_aside(tmp_path, monkeypatch, caplog):
    """Case 2: a second `dvc exp run` writes its params before DVC's lock refuses it; the running stage
    puts back the params it ran with (so DVC records its work under them), keeps the other version
    aside and says what happened; a stage that fails puts them back too."""
    from pipeline import stage

    monkeypatch.chdir(tmp_path)
    (tmp_path / "params.yaml").write_text("a: 1\n")

    def main():
        (tmp_path / "params.yaml").write_text("a: 2\n")  # what a concurrent `dvc exp run` does

    with caplog.at_level("WARNING"):
        stage.run(main)  # no SystemExit: the run goes on
    assert (tmp_path / "params.yaml").read_text() == "a: 1\n"
    (kept,) = (tmp_path / stage.REPLACED_PARAMS).iterdir()
    assert kept.read_text() == "a: 2\n"
    message = caplog.records[-1].getMessage()
    assert "put back" in message and kept.name in message and "Unable to acquire lock" in message

    def failing():
        (tmp_path / "params.yaml").write_text("a: 3\n")
        raise StageError("the data is bad")

    with pytest.raises(SystemExit):
        stage.run(failing)
    assert (tmp_path / "params.yaml").read_text() == "a: 1\n"
    assert sorted(p.read_text() for p in (tmp_path / stage.REPLACED_PARAMS).iterdir()) == ["a: 2\n", "a: 3\n"]


def test_stale_temporaries_of_a_killed_run_are_removed(tmp_path):
    """Case 8: kill -9 of report left artifacts/.reports.*.tmp/ for ever."""
    from pipeline.stage import clean_stale_temps

    (tmp_path / ".reports.abc123.tmp").mkdir()
    (tmp_path / ".reports.abc123.tmp" / "index.html").write_text("half")
    (tmp_path / ".model.onnx.x1y2.tmp.onnx").write_bytes(b"half")
    (tmp_path / ".reports.old").mkdir()
    (tmp_path / "keep.txt").write_text("mine")
    removed = clean_stale_temps([tmp_path / "reports", tmp_path / "model.onnx"])
    assert len(removed) == 3 and sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_leftovers_of_a_stage_restored_from_the_run_cache_are_removed_by_the_next_stage(tmp_path, monkeypatch):
    """A killed report's temporaries stayed when the next `dvc repro` restored report from the run-cache:
    every stage now clears every stage's temporaries under artifacts/."""
    from pipeline import stage

    art = tmp_path / "artifacts"
    (art / "model").mkdir(parents=True)
    (art / ".reports.abc123.tmp").mkdir()
    (art / ".reports.abc123.tmp" / "index.html").write_text("half")
    (art / "model" / ".model.keras.k3y.tmp.keras").write_bytes(b"half")
    (art / "data").mkdir()
    (art / "data" / ".mnist.npz.old").write_bytes(b"old")
    (art / "data" / "mnist.npz").write_bytes(b"real")
    (art / "reports").mkdir()
    (art / "reports" / "index.html").write_text("real")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "params.yaml").write_text("a: 1\n")
    stage.run(lambda: None, outputs=[art / "metrics" / "eval.json"])
    left = sorted(str(p.relative_to(art)) for p in art.rglob("*"))
    assert left == ["data", "data/mnist.npz", "model", "reports", "reports/index.html"], left


@pytest.mark.parametrize(
    ("code", "advice"),
    [(errno.ENOSPC, "free some disk space"), (errno.EROFS, "writable checkout"), (errno.EACCES, "permissions")],
)
def test_a_stage_that_cannot_write_names_the_file_and_what_to_do(tmp_path, monkeypatch, caplog, capsys, code, advice):
    """Disk full in export, a read-only checkout in report: OSError tracebacks with no file named."""
    import os

    from pipeline import stage

    monkeypatch.chdir(tmp_path)
    (tmp_path / "params.yaml").write_text("a: 1\n")

    def main():
        raise OSError(code, os.strerror(code), "artifacts/model/model.onnx")

    with caplog.at_level("ERROR"), pytest.raises(SystemExit) as info:
        stage.run(main)
    assert info.value.code == 1
    message = caplog.records[-1].getMessage()
    assert "artifacts/model/model.onnx" in message and os.strerror(code) in message and advice in message
    assert "dvc repro" in message and "Traceback" not in capsys.readouterr().err


def test_compose_into_a_folder_it_cannot_write_says_so(tmp_path, caplog):
    """A read-only checkout: compose ended in an OSError traceback."""
    from pipeline.tools.compose import main

    (tmp_path / "a-file").write_text("")
    target = tmp_path / "a-file" / "params.yaml"  # the write fails whoever runs it (root ignores modes)
    with caplog.at_level("ERROR"):
        assert main(["--output", str(target)]) == 1
    message = caplog.records[-1].getMessage()
    assert str(target.parent) in message and "pipeline.tools.compose" in message and not target.exists()


def test_the_reports_inputs_are_checked_for_their_keys_and_the_kinds_of_their_values(tmp_path):
    """eval.json with "confusion": "abc" ended the report in a TypeError traceback; dropping the report's
    required keys passed every test."""
    from pipeline.report.inputs import _EVAL_KEYS, _typed

    path = tmp_path / "eval.json"
    path.write_text(json.dumps({"accuracy": 0.99}))
    with pytest.raises(StageError, match=r"lacks loss, errors, examples, per_class, confusion"):
        _typed(path, "evaluate", _EVAL_KEYS)
    values = {"accuracy": 0.99, "loss": 0.03, "errors": 1, "examples": 100, "per_class": {}, "confusion": []}
    path.write_text(json.dumps(values))
    assert _typed(path, "evaluate", _EVAL_KEYS) == values
    path.write_text(json.dumps({**values, "confusion": "abc", "errors": True, "accuracy": "high"}))
    with pytest.raises(StageError) as info:
        _typed(path, "evaluate", _EVAL_KEYS)
    message = str(info.value)
    assert "accuracy is str, not a number" in message and "errors is bool, not int" in message
    assert "confusion is str, not list" in message and "dvc repro -f evaluate" in message
