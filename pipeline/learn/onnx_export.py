"""The trained Keras model as a verified, reproducible ONNX model for inference (float and int8).

Input ``image`` float32 [N,28,28,1] in [0,1] (white digit on black, MNIST framing), output
``probs`` float32 [N,10]; labels, input convention, test accuracy, params hash and versions
in ``metadata_props`` (names from :mod:`app.contract`). Nothing is returned unverified:
``onnx.checker``'s full check, then onnxruntime must match Keras on the whole test set
(max absolute probability difference within ``export.max_abs_diff``, the same class for
every image). tf2onnx names tensors after TensorFlow's per-process function counters, so
:func:`canonical_names` renames every node and tensor by its position: the same weights
give the same bytes, and short names keep the file mostly weights.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from app.contract import (
    FIELD,
    INPUT_CONVENTION,
    INPUT_NAME,
    LABELS,
    OUTPUT_CONVENTION,
    OUTPUT_NAME,
    REJECT_OUTPUT_NAME,
    THRESHOLD_DECIMALS,
    Meta,
    rejects,
)
from pipeline.config.export import ExportConfig, Int8Config
from pipeline.config.train import TrainSections
from pipeline.data import Mnist
from pipeline.errors import StageError
from pipeline.learn.keras_model import predict_probs
from pipeline.learn.onnx_names import canonical_names, convert
from pipeline.learn.tf_setup import import_tf
from pipeline.metrics import accuracy
from pipeline.paths import INT8_MODEL, ONNX_MODEL

log = logging.getLogger(__name__)

PRODUCER = "digit-classifier"
REJECT_OUTPUT = REJECT_OUTPUT_NAME


class ExportSections(TrainSections, Protocol):
    """The groups an export reads (the export stage's, or ``Params``): the trained model's, and its own."""

    @property
    def export(self) -> ExportConfig: ...


@dataclass
class ExportResult:
    onnx_bytes: bytes
    metrics: dict[str, Any]
    #: the int8 model; empty when ``export.int8.enabled`` is false (DVC needs the declared file)
    int8_bytes: bytes = b""
    #: latencies (wall clock), kept apart so that ``export.json`` stays reproducible
    timing: dict[str, Any] = field(default_factory=dict)


# ------------------------------------------------------------------ conversion
def to_onnx(model: Any, opset: int, gate: Any = None) -> Any:
    """The digit model's ONNX graph: input ``image`` [N,28,28,1], output ``probs`` [N,10].

    With a ``gate``, the graph has a second output, ``not_digit`` [N,1], beside ``probs``.
    """

    def serve(image: Any) -> dict[str, Any]:
        out = {OUTPUT_NAME: model(image, training=False)}
        if gate is not None:
            out[REJECT_OUTPUT] = gate(image, training=False)
        return out

    return convert(serve, (FIELD, FIELD, 1), INPUT_NAME, opset)


def prune(proto: Any) -> Any:
    """Drop what the quantizer adds but no runtime needs: shape hints and unused operator domains.

    onnxruntime's quantizer imports seven extra operator domains and stores a shape hint for
    every tensor; in the edge model these were 500 of its 16,000 bytes.
    """
    used = {node.domain for node in proto.graph.node} | {""}
    kept = [o for o in proto.opset_import if o.domain in used]
    del proto.opset_import[:]
    proto.opset_import.extend(kept)
    del proto.graph.value_info[:]
    return proto


def versions() -> dict[str, str]:
    import keras
    import onnx
    import onnxruntime
    import tf2onnx

    tf = import_tf()
    return {
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
        "tf2onnx": tf2onnx.__version__,
        "onnx": onnx.__version__,
        "onnxruntime": onnxruntime.__version__,
    }


def reject_metadata(threshold: float) -> dict[str, str]:
    """The "not a digit" rule, so that any runtime decides from the model file alone."""
    return {
        Meta.REJECT_OUTPUT: REJECT_OUTPUT,
        Meta.REJECT_THRESHOLD: f"{threshold:.{THRESHOLD_DECIMALS}f}",
        Meta.REJECT_RULE: (
            f"a 28x28 input is not a digit when output '{REJECT_OUTPUT}' >= {threshold:.{THRESHOLD_DECIMALS}f}; "
            "otherwise the digit is the argmax of 'probs'"
        ),
    }


def model_metadata(params: TrainSections, parameters: int, test_accuracy: float) -> dict[str, str]:
    """The ``metadata_props`` every runtime reads (keys from :class:`app.contract.Meta`)."""
    return {
        Meta.LABELS: ",".join(LABELS),
        Meta.INPUT: f"{INPUT_NAME}: {INPUT_CONVENTION}",
        Meta.OUTPUT: f"{OUTPUT_NAME}: {OUTPUT_CONVENTION}",
        Meta.TEST_ACCURACY: f"{test_accuracy:.6f}",
        Meta.PARAMS_HASH: params.section_hash("train", "model"),
        Meta.MODEL_NAME: params.model.name,
        Meta.PARAMETERS: str(parameters),
        Meta.VERSIONS: json.dumps(versions(), sort_keys=True),
    }


def annotate(proto: Any, meta: dict[str, str], what: str) -> bytes:
    """Set metadata and producer, run ``onnx.checker``'s full check, return the bytes."""
    import onnx

    set_metadata(proto, meta)
    proto.producer_name = PRODUCER
    proto.doc_string = "Handwritten digit classifier trained on MNIST. " + meta[Meta.INPUT]
    try:
        onnx.checker.check_model(proto, full_check=True)
    except onnx.checker.ValidationError as exc:
        raise StageError(f"the {what} fails onnx.checker: {exc}") from exc
    return proto.SerializeToString(deterministic=True)


# ------------------------------------------------- onnxruntime, as the app runs it
def set_metadata(proto: Any, meta: dict[str, str]) -> None:
    """Make ``meta`` exactly ``proto``'s metadata (the app reads the not-a-digit rule there)."""
    import onnx

    del proto.metadata_props[:]
    onnx.helper.set_model_props(proto, meta)


def with_metadata(proto: Any, meta: dict[str, str]) -> bytes:
    """``proto``'s bytes with exactly ``meta`` as its metadata (set on ``proto`` itself: :func:`annotate`
    replaces it later)."""
    set_metadata(proto, meta)
    return proto.SerializeToString(deterministic=True)


def app_classifier(model_bytes: bytes, threads: int, name: Path = ONNX_MODEL) -> Any:
    """The app's own :class:`~app.inference.Classifier` over a model not yet written to ``name``:
    export checks what the app will run, the way the app runs it."""
    from app.inference import Classifier, ModelError

    try:
        return Classifier(name, threads=threads, data=model_bytes)
    except ModelError as exc:
        raise StageError(f"the app cannot run the exported model: {exc}") from exc


def app_scores(model_bytes: bytes, images: np.ndarray, batch_size: int, name: Path = ONNX_MODEL) -> tuple[Any, Any]:
    """(probabilities, not-a-digit scores or None) of uint8 ``images`` by :func:`app_classifier` on every core."""
    from app.inference import ModelError

    classifier = app_classifier(model_bytes, 0, name)
    try:
        return classifier.score_all(images, batch_size)
    except ModelError as exc:
        raise StageError(f"the app cannot run the exported model: {exc}") from exc


def latency_ms(model_bytes: bytes, image: np.ndarray, runs: int) -> dict[str, float]:
    """Single-image latency percentiles of the app's classifier on one thread (the app's case), after a warm-up."""
    classifier = app_classifier(model_bytes, threads=1)
    x = image[None].astype(np.float32) / 255.0
    for _ in range(20):
        classifier.score(x)
    times = np.empty(runs)
    for i in range(runs):
        t0 = time.perf_counter()
        classifier.score(x)
        times[i] = time.perf_counter() - t0
    p50, p99 = np.percentile(times, [50, 99]) * 1e3
    return {"p50": round(float(p50), 4), "p99": round(float(p99), 4)}


def parity(reference: np.ndarray, probs: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    """How closely ``probs`` (onnxruntime) follows ``reference`` (Keras) on the same images."""
    same = reference.argmax(1) == probs.argmax(1)
    return {
        "max_abs_diff": float(np.abs(reference - probs).max()),
        "argmax_agreement": round(float(same.mean()), 6),
        "disagreements": int((~same).sum()),
        "accuracy": round(accuracy(probs, labels), 6),
    }


def check_parity(check: dict[str, Any], keras_accuracy: float, max_abs_diff: float) -> None:
    """Raise :class:`StageError` naming every way the ONNX model differs from Keras."""
    problems = []
    if check["max_abs_diff"] > max_abs_diff:
        problems.append(f"max |onnx - keras| = {check['max_abs_diff']:.3g} > {max_abs_diff:g}")
    if check["disagreements"]:
        problems.append(f"{check['disagreements']} test images get another class")
    if check["accuracy"] != keras_accuracy:
        problems.append(f"onnx accuracy {check['accuracy']} != keras accuracy {keras_accuracy}")
    if problems:
        raise StageError("the ONNX model does not match the Keras model: " + "; ".join(problems))


# ----------------------------------------------------------------------- steps
def check_gate(gate: Any, reject: np.ndarray, data: Mnist, threshold: float, cfg: ExportConfig) -> dict[str, Any]:
    """The ONNX gate's scores ``reject`` against the Keras gate's on the test set: its figures, or StageError
    when they differ by more than ``cfg.max_abs_diff`` or turn one decision."""
    keras_reject = predict_probs(gate, data.x_test, cfg.batch_size)[:, 0]
    diff = float(np.abs(keras_reject - reject).max())
    flips = int((rejects(keras_reject, threshold) != rejects(reject, threshold)).sum())
    if diff > cfg.max_abs_diff or flips:
        raise StageError(
            f"the ONNX gate does not match the Keras gate: max |diff| {diff:.3g}, {flips} decisions differ"
        )
    return {"enabled": True, "threshold": threshold, "max_abs_diff": diff, "parameters": int(gate.count_params())}


def export_float(
    model: Any,
    data: Mnist,
    params: ExportSections,
    gate: Any = None,
    threshold: float | None = None,
    overrides: dict[str, str] | None = None,
) -> tuple[bytes, dict[str, Any]]:
    """Convert, check against Keras on the whole test set, annotate with the accuracy just measured."""
    cfg: ExportConfig = params.export
    proto = to_onnx(model, cfg.opset, gate)
    keras_probs = predict_probs(model, data.x_test, cfg.batch_size)
    keras_accuracy = round(accuracy(keras_probs, data.y_test), 6)
    gated = gate is not None and threshold is not None
    rule = reject_metadata(threshold) if gated else {}
    probs, reject = app_scores(with_metadata(proto, rule), data.x_test, cfg.batch_size)
    check = parity(keras_probs, probs, data.y_test)
    check_parity(check, keras_accuracy, cfg.max_abs_diff)
    meta = model_metadata(params, int(model.count_params()), check["accuracy"])
    gate_figures: dict[str, Any] = {"enabled": False}
    if gated:
        gate_figures = check_gate(gate, reject, data, threshold, cfg)
        meta |= rule
        meta[Meta.PARAMETERS] = str(int(model.count_params()) + int(gate.count_params()))
    meta |= overrides or {}
    model_bytes = annotate(proto, meta, "ONNX model")
    figures = {
        "opset": cfg.opset,
        "max_abs_diff": check["max_abs_diff"],
        "argmax_agreement": check["argmax_agreement"],
        "disagreements": check["disagreements"],
        "keras_accuracy": keras_accuracy,
        "onnx_accuracy": check["accuracy"],
        "size_bytes": len(model_bytes),
        "gate": gate_figures,
    }
    log.info(
        "ONNX matches Keras on %d images: max |diff| %.2e, agreement %.4f; %d bytes",
        len(data.y_test),
        check["max_abs_diff"],
        check["argmax_agreement"],
        len(model_bytes),
    )
    return model_bytes, figures


def export_int8(
    float_bytes: bytes, float_accuracy: float, cfg: Int8Config, data: Mnist, seed: int, batch_size: int
) -> tuple[bytes, dict[str, Any]]:
    """Quantize, annotate and verify the int8 model; its figures beside the float model's."""
    import onnx

    from pipeline.learn.quantize import calibration_images, describe, quantize_int8

    calibration = calibration_images(data.x_train, cfg.calibration_size, seed)
    proto = prune(canonical_names(onnx.load_from_string(quantize_int8(float_bytes, calibration, cfg))))
    meta = {p.key: p.value for p in onnx.load_from_string(float_bytes).metadata_props}
    how = describe(cfg, len(calibration))
    probs, reject = app_scores(with_metadata(proto, meta), data.x_test, batch_size, INT8_MODEL)
    int8_accuracy = round(accuracy(probs, data.y_test), 6)
    # the int8 file states its own accuracy, not the float model's
    int8_bytes = annotate(
        proto, {**meta, Meta.QUANTIZATION: how, Meta.TEST_ACCURACY: f"{int8_accuracy:.6f}"}, "int8 model"
    )
    drop = round(float_accuracy - int8_accuracy, 6)
    if drop > cfg.max_accuracy_drop:
        raise StageError(
            f"the int8 model's test accuracy {int8_accuracy:.4%} is {drop:.2%} below the float model's "
            f"(allowed: export.int8.max_accuracy_drop = {cfg.max_accuracy_drop}); raise "
            "export.int8.calibration_size, try export.int8.per_channel=true, or set export.int8.enabled=false"
        )
    log.info(
        "int8: accuracy %.4f (float %.4f), %d bytes (%.0f%% of float)",
        int8_accuracy,
        float_accuracy,
        len(int8_bytes),
        100 * len(int8_bytes) / len(float_bytes),
    )
    return int8_bytes, {
        "enabled": True,
        "quantization": how,
        "accuracy": int8_accuracy,
        "accuracy_drop": drop,
        "size_bytes": len(int8_bytes),
        "size_ratio": round(len(int8_bytes) / len(float_bytes), 4),
        **(
            {"test_digits_rejected": round(float(rejects(reject, float(meta[Meta.REJECT_THRESHOLD])).mean()), 6)}
            if reject is not None and Meta.REJECT_THRESHOLD in meta
            else {}
        ),
    }


def measure_latency(float_bytes: bytes, int8_bytes: bytes, image: np.ndarray, runs: int) -> dict[str, Any]:
    """Wall-clock figures of both models (``artifacts/timing/export.json``)."""
    lat = latency_ms(float_bytes, image, runs)
    timing: dict[str, Any] = {"latency_ms_p50": lat["p50"], "latency_ms_p99": lat["p99"]}
    if int8_bytes:
        q = latency_ms(int8_bytes, image, runs)
        timing["int8"] = {
            "latency_ms_p50": q["p50"],
            "latency_ms_p99": q["p99"],
            "speedup_p50": round(lat["p50"] / q["p50"], 3),
        }
    log.info("latency one digit, one thread: p50 %.3f ms, p99 %.3f ms (float)", lat["p50"], lat["p99"])
    return timing


def export(
    model: Any,
    data: Mnist,
    params: ExportSections,
    gate: Any = None,
    threshold: float | None = None,
    overrides: dict[str, str] | None = None,
) -> ExportResult:
    """Float and int8 ONNX models, verified, with their figures; raise rather than return an unverified model.

    ``overrides`` replace metadata entries (an ensemble names itself and its members).
    """
    cfg = params.export
    float_bytes, figures = export_float(model, data, params, gate, threshold, overrides)
    int8_bytes, figures["int8"] = b"", {"enabled": False}
    if cfg.int8.enabled:
        int8_bytes, figures["int8"] = export_int8(
            float_bytes, figures["onnx_accuracy"], cfg.int8, data, params.train.seed, cfg.batch_size
        )
    timing = measure_latency(float_bytes, int8_bytes, data.x_test[0], cfg.latency_runs)
    return ExportResult(onnx_bytes=float_bytes, metrics=figures, int8_bytes=int8_bytes, timing=timing)
