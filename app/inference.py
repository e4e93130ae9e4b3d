"""Run the exported ONNX model through onnxruntime. No Qt, no TensorFlow.

:class:`Classifier` checks that a model file is what the pipeline exports (input ``image``
float32 [N,28,28,1], output ``probs`` [N,10]) and reads its ``metadata_props``; anything
else is a :class:`ModelError` that says what is wrong and how to get a good model.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.contract import INPUT_NAME, OUTPUT_NAME, PIPELINE_MODEL, PUBLISHED_MODEL
from app.preprocess import Prepared, prepare

BUILD_HINT = "Build one with `make pipeline` (runs `dvc repro`), or pass --model PATH."


class ModelError(ValueError):
    """The model file is missing, unreadable, or not a digit classifier with the agreed interface."""


class ModelNotFound(ModelError):
    """No model file to use; the message says how to build one."""


@dataclass(frozen=True)
class Prediction:
    digit: int
    confidence: float
    probs: np.ndarray  # (10,)
    prepared: Prepared  # what the model saw


@dataclass(frozen=True)
class ModelInfo:
    path: Path
    labels: list[str]
    test_accuracy: float | None
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def summary(self) -> str:
        acc = f"test accuracy {100 * self.test_accuracy:.2f}%" if self.test_accuracy is not None else "no accuracy"
        name = self.metadata.get("model_name", "model")
        return f"{self.path.name} ({name}), {acc}, labels {','.join(self.labels)}"


def resolve_model(explicit: str | Path | None = None, root: Path | None = None) -> Path:
    """``--model`` when given; else the pipeline's ``artifacts/model/model.onnx``; else the published model."""
    if explicit is not None:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise ModelNotFound(f"model file {path} does not exist. {BUILD_HINT}")
        return path
    roots = [Path.cwd()] if root is None else [root]
    if root is None:
        roots.append(Path(__file__).resolve().parent.parent)  # running from a checkout
    for base in roots:
        candidate = base / PIPELINE_MODEL
        if candidate.is_file():
            return candidate
    if PUBLISHED_MODEL.is_file():
        return PUBLISHED_MODEL
    raise ModelNotFound(
        f"no model found (looked for {PIPELINE_MODEL} and the published {PUBLISHED_MODEL}). {BUILD_HINT}"
    )


class Classifier:
    """An onnxruntime session over a checked digit model."""

    def __init__(self, path: str | Path, threads: int | None = None) -> None:
        import onnxruntime as ort

        self.path = Path(path)
        if not self.path.is_file():
            raise ModelNotFound(f"model file {self.path} does not exist. {BUILD_HINT}")
        if self.path.stat().st_size == 0:
            raise ModelError(
                f"{self.path} is empty: the pipeline leaves model.int8.onnx empty when export.int8.enabled is "
                "false. Set it to true and run `dvc repro export`, or pick another model."
            )
        opts = ort.SessionOptions()
        # One thread: measured here (bench/app_latency.py), preprocessing plus inference takes
        # p50 0.58 ms / p99 0.75 ms on one thread, against 0.65 ms / 24 ms on two, whose
        # worker threads fall asleep between drawings and wake up late.
        opts.intra_op_num_threads = threads if threads is not None else int(os.environ.get("DIGITS_ORT_THREADS", "1"))
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(str(self.path), opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types for bad files
            raise ModelError(f"{self.path} is not a readable ONNX model ({_first_line(exc)}). {BUILD_HINT}") from exc
        self._check_interface()
        self.info = self._read_info()

    def _check_interface(self) -> None:
        inputs, outputs = self.session.get_inputs(), self.session.get_outputs()
        if len(inputs) != 1 or inputs[0].name != INPUT_NAME:
            got = ", ".join(f"{i.name}{i.shape}" for i in inputs)
            raise ModelError(f"{self.path} is not a digit model: expected one input '{INPUT_NAME}', got {got}")
        inp = inputs[0]
        if inp.type != "tensor(float)" or len(inp.shape) != 4 or list(inp.shape[1:]) != [28, 28, 1]:
            raise ModelError(
                f"{self.path}: input '{INPUT_NAME}' must be float32 [N,28,28,1], got {inp.type} {inp.shape}"
            )
        names = [o.name for o in outputs]
        if OUTPUT_NAME not in names:
            raise ModelError(f"{self.path} is not a digit model: no output '{OUTPUT_NAME}' (outputs: {names})")
        out = outputs[names.index(OUTPUT_NAME)]
        if len(out.shape) != 2 or out.shape[1] != 10:
            raise ModelError(f"{self.path}: output '{OUTPUT_NAME}' must be [N,10], got {out.shape}")

    def _read_info(self) -> ModelInfo:
        meta = dict(self.session.get_modelmeta().custom_metadata_map)
        labels = meta.get("labels", "").split(",") if meta.get("labels") else [str(d) for d in range(10)]
        if len(labels) != 10:
            raise ModelError(f"{self.path}: metadata lists {len(labels)} labels, expected 10")
        try:
            accuracy = float(meta["test_accuracy"]) if "test_accuracy" in meta else None
        except ValueError:
            accuracy = None
        return ModelInfo(path=self.path, labels=labels, test_accuracy=accuracy, metadata=meta)

    def probabilities(self, images: np.ndarray) -> np.ndarray:
        """Probabilities (N,10) for prepared inputs (N,28,28) or (28,28), float in [0, 1]."""
        x = np.asarray(images, dtype=np.float32)
        if x.ndim == 2:
            x = x[None]
        if x.ndim != 3 or x.shape[1:] != (28, 28):
            raise ValueError(f"expected prepared images of shape (N, 28, 28), got {x.shape}")
        return self.session.run([OUTPUT_NAME], {INPUT_NAME: x[..., None]})[0]

    def predict(self, image: np.ndarray) -> Prediction:
        """Prepare a drawing or picture the MNIST way and classify it (raises ``EmptyImage``)."""
        prepared = prepare(image)
        probs = self.probabilities(prepared.image)[0]
        digit = int(np.argmax(probs))
        return Prediction(digit=digit, confidence=float(probs[digit]), probs=probs, prepared=prepared)

    def metadata_json(self) -> str:
        return json.dumps(self.info.metadata, indent=2, sort_keys=True)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:300] if text else type(exc).__name__


def load_classifier(explicit: str | Path | None = None) -> Classifier:
    return Classifier(resolve_model(explicit))


__all__ = ["Classifier", "ModelError", "ModelInfo", "ModelNotFound", "Prediction", "load_classifier", "resolve_model"]
