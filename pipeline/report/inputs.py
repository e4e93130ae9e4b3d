"""The report's inputs: what the other stages wrote, read and checked (no model, no TensorFlow)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.artifacts import read_csv, read_json
from pipeline.data import load_mnist, read_npz
from pipeline.errors import StageError
from pipeline.paths import (
    ADAPT_JSON,
    EVAL_JSON,
    EXAMPLES_NPZ,
    EXPORT_JSON,
    EXPORT_TIMING_JSON,
    GATE_JSON,
    HISTORY_COLUMNS,
    HISTORY_CSV,
    LAYER_COLUMNS,
    LAYERS_CSV,
    MISCLASSIFIED_COLUMNS,
    MISCLASSIFIED_CSV,
    MNIST_NPZ,
    TRAIN_JSON,
    TRAIN_TIMING_JSON,
    USERDATA_JSON,
)


@dataclass
class ReportInputs:
    """Everything the report shows, as the other stages wrote it."""

    history: list[dict[str, float]]
    train: dict[str, Any]
    evaluation: dict[str, Any]
    misclassified: list[dict[str, Any]]
    x_test: np.ndarray
    y_test: np.ndarray
    layers: list[dict[str, Any]]
    export: dict[str, Any] = field(default_factory=dict)
    #: wall-clock figures (``artifacts/timing/``): training time, latencies
    timing: dict[str, dict[str, Any]] = field(default_factory=dict)
    gate: dict[str, Any] = field(default_factory=dict)
    examples: dict[str, np.ndarray] = field(default_factory=dict)  # evaluate's examples.npz
    #: the person's own digits: what the dataset holds (userdata.json) and before/after (adapt.json)
    userdata: dict[str, Any] = field(default_factory=dict)
    adapt: dict[str, Any] = field(default_factory=dict)


#: What each input must hold for the figures (a file lacking one names itself and its stage).
_NUMBER = (int, float)
#: The keys the report reads from each stage's JSON, and the kind of value each must hold.
_TRAIN_KEYS = {
    "accuracy": _NUMBER,
    "loss": _NUMBER,
    "val_accuracy": _NUMBER,
    "val_loss": _NUMBER,
    "model": str,
    "parameters": int,
    "epochs": int,
}
_EVAL_KEYS = {
    "accuracy": _NUMBER,
    "loss": _NUMBER,
    "errors": int,
    "examples": int,
    "per_class": dict,
    "confusion": list,
}
_EXPORT_KEYS = {
    "opset": int,
    "max_abs_diff": _NUMBER,
    "argmax_agreement": _NUMBER,
    "onnx_accuracy": _NUMBER,
    "size_bytes": int,
    "int8": dict,
}


def _typed(path: Path, stage: str, kinds: dict[str, type | tuple[type, ...]]) -> dict[str, Any]:
    """``read_json`` whose keys must also hold values of the right kind ("confusion": "abc" was a TypeError
    deep in a figure); every wrong one is named, with the stage that rewrites the file."""
    data = read_json(path, stage, kinds)
    wrong = [
        f"{key} is {type(data[key]).__name__}, not {'a number' if kind is _NUMBER else kind.__name__}"  # type: ignore[union-attr]
        for key, kind in kinds.items()
        if not isinstance(data[key], kind) or isinstance(data[key], bool)
    ]
    if wrong:
        raise StageError(f"{path}: {'; '.join(wrong)}; run `dvc repro -f {stage}` to rewrite it")
    return data


def load_inputs() -> ReportInputs:
    """Everything the report shows, read from the other stages' outputs (no model, no TensorFlow)."""
    data = load_mnist(MNIST_NPZ)
    return ReportInputs(
        history=read_csv(HISTORY_CSV, "train", HISTORY_COLUMNS),
        train=_typed(TRAIN_JSON, "train", _TRAIN_KEYS),
        evaluation=_typed(EVAL_JSON, "evaluate", _EVAL_KEYS),
        misclassified=read_csv(MISCLASSIFIED_CSV, "evaluate", MISCLASSIFIED_COLUMNS),
        export=_typed(EXPORT_JSON, "export", _EXPORT_KEYS),
        x_test=data.x_test,
        y_test=data.y_test,
        layers=read_csv(LAYERS_CSV, "train", LAYER_COLUMNS),
        timing={"train": read_json(TRAIN_TIMING_JSON, "train"), "export": read_json(EXPORT_TIMING_JSON, "export")},
        gate=read_json(GATE_JSON, "gate", ["enabled"]),
        examples=read_npz(EXAMPLES_NPZ, "evaluate"),
        userdata=read_json(USERDATA_JSON, "userdata"),
        adapt=read_json(ADAPT_JSON, "adapt", ["enabled"]),
    )
