"""Stage ``export``: the trained Keras model as a verified ONNX model for inference.

``artifacts/model/model.onnx``: input ``image`` float32 [N,28,28,1] in [0,1] (white digit on
black, MNIST framing), output ``probs`` float32 [N,10]; labels, input convention, test
accuracy, params hash and versions in ``metadata_props``. Before anything is written the
model passes ``onnx.checker``'s full check and onnxruntime must match Keras on the whole
test set (max absolute probability difference within ``export.max_abs_diff``, the same
class for every image, hence the same accuracy). The figures go to
``artifacts/metrics/export.json`` with the file size and onnxruntime's single-image
latency.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.atomic import atomic_write_bytes, atomic_write_json
from pipeline.config import ExportConfig, Params, load_params
from pipeline.data import MNIST_NPZ, Mnist, load_mnist
from pipeline.evaluate import EVAL_JSON
from pipeline.stage import ARTIFACTS, StageError, read_json, run
from pipeline.tf_setup import import_tf
from pipeline.train import MODEL_PATH, load_model, predict_probs

log = logging.getLogger(__name__)

ONNX_PATH = ARTIFACTS / "model" / "model.onnx"
INT8_PATH = ARTIFACTS / "model" / "model.int8.onnx"
EXPORT_JSON = ARTIFACTS / "metrics" / "export.json"

INPUT_NAME = "image"
OUTPUT_NAME = "probs"
LABELS = [str(d) for d in range(10)]
INPUT_CONVENTION = (
    "float32 [N,28,28,1], values in [0,1], white digit on black, MNIST framing "
    "(digit in a 20x20 box, centre of mass at the centre of the 28x28 field)"
)
OUTPUT_CONVENTION = "float32 [N,10], softmax probabilities for digits 0..9"


@dataclass
class ExportResult:
    onnx_bytes: bytes
    metrics: dict[str, Any]
    #: the int8 model; empty when ``export.int8.enabled`` is false (DVC needs the declared file)
    int8_bytes: bytes = b""


def to_onnx(model: Any, opset: int) -> Any:
    """Convert with ``tf2onnx.convert.from_function`` (``from_keras`` has open bugs with Keras 3)."""
    tf = import_tf()
    import tf2onnx

    spec = (tf.TensorSpec([None, 28, 28, 1], tf.float32, name=INPUT_NAME),)

    @tf.function(input_signature=spec)
    def serve(image: Any) -> dict[str, Any]:
        return {OUTPUT_NAME: model(image, training=False)}

    proto, _ = tf2onnx.convert.from_function(serve, input_signature=spec, opset=opset)
    for value in (*proto.graph.input, *proto.graph.output):
        value.type.tensor_type.shape.dim[0].dim_param = "N"
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


def set_metadata(proto: Any, meta: dict[str, str]) -> None:
    import onnx

    del proto.metadata_props[:]
    onnx.helper.set_model_props(proto, meta)


def ort_session(model_bytes: bytes, threads: int = 0) -> Any:
    """An onnxruntime session: ``threads=0`` (one per core) for batches, 1 as the app runs one digit."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    return ort.InferenceSession(model_bytes, opts, providers=["CPUExecutionProvider"])


def ort_probs(session: Any, images: np.ndarray, batch_size: int) -> np.ndarray:
    """Probabilities for uint8 images (N,28,28), run in chunks (one 10,000 batch is mostly memory traffic)."""
    out = []
    for i in range(0, len(images), batch_size):
        x = images[i : i + batch_size, ..., None].astype(np.float32) / 255.0
        out.append(session.run([OUTPUT_NAME], {INPUT_NAME: x})[0])
    return np.concatenate(out)


def latency_ms(session: Any, image: np.ndarray, runs: int) -> dict[str, float]:
    """Single-image onnxruntime latency percentiles, after a warm-up (the app's case)."""
    x = image[None, ..., None].astype(np.float32) / 255.0
    for _ in range(20):
        session.run([OUTPUT_NAME], {INPUT_NAME: x})
    times = np.empty(runs)
    for i in range(runs):
        t0 = time.perf_counter()
        session.run([OUTPUT_NAME], {INPUT_NAME: x})
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
        "accuracy": round(float((probs.argmax(1) == labels).mean()), 6),
    }


def read_test_accuracy(path: Path = EVAL_JSON) -> float:
    metrics = read_json(path, "evaluate")
    try:
        return float(metrics["accuracy"])
    except (KeyError, TypeError, ValueError) as exc:
        raise StageError(f"{path} has no readable top-level accuracy ({exc}); run `dvc repro evaluate` again") from exc


def export(model: Any, data: Mnist, params: Params, test_accuracy: float) -> ExportResult:
    """Convert, annotate and verify; raise :class:`StageError` rather than return an unverified model."""
    import onnx

    cfg: ExportConfig = params.export
    proto = to_onnx(model, cfg.opset)
    meta = {
        "labels": ",".join(LABELS),
        "input": f"{INPUT_NAME}: {INPUT_CONVENTION}",
        "output": f"{OUTPUT_NAME}: {OUTPUT_CONVENTION}",
        "test_accuracy": f"{test_accuracy:.6f}",
        "params_hash": params.section_hash("train", "model"),
        "model_name": params.model.name,
        "parameters": str(int(model.count_params())),
        "versions": json.dumps(versions(), sort_keys=True),
    }
    set_metadata(proto, meta)
    proto.producer_name = "digit-classifier"
    proto.doc_string = "Handwritten digit classifier trained on MNIST. " + meta["input"]
    try:
        onnx.checker.check_model(proto, full_check=True)
    except onnx.checker.ValidationError as exc:
        raise StageError(f"the converted model fails onnx.checker: {exc}") from exc
    model_bytes = proto.SerializeToString()

    keras_probs = predict_probs(model, data.x_test, params.evaluate.batch_size)
    session = ort_session(model_bytes)
    check = parity(keras_probs, ort_probs(session, data.x_test, cfg.batch_size), data.y_test)
    keras_accuracy = round(float((keras_probs.argmax(1) == data.y_test).mean()), 6)
    problems = []
    if check["max_abs_diff"] > cfg.max_abs_diff:
        problems.append(f"max |onnx - keras| = {check['max_abs_diff']:.3g} > {cfg.max_abs_diff:g}")
    if check["disagreements"]:
        problems.append(f"{check['disagreements']} test images get another class")
    if check["accuracy"] != keras_accuracy:
        problems.append(f"onnx accuracy {check['accuracy']} != keras accuracy {keras_accuracy}")
    if problems:
        raise StageError("the ONNX model does not match the Keras model: " + "; ".join(problems))
    lat = latency_ms(ort_session(model_bytes, threads=1), data.x_test[0], cfg.latency_runs)
    int8_bytes, int8_metrics = b"", {"enabled": False}
    if cfg.int8.enabled:
        int8_bytes, int8_metrics = _int8(model_bytes, meta, data, params, check["accuracy"], lat)
    metrics = {
        "opset": cfg.opset,
        "max_abs_diff": check["max_abs_diff"],
        "argmax_agreement": check["argmax_agreement"],
        "disagreements": check["disagreements"],
        "keras_accuracy": keras_accuracy,
        "onnx_accuracy": check["accuracy"],
        "size_bytes": len(model_bytes),
        "latency_ms_p50": lat["p50"],
        "latency_ms_p99": lat["p99"],
        "int8": int8_metrics,
    }
    log.info(
        "ONNX matches Keras on %d images: max |diff| %.2e, agreement %.4f; %d bytes; latency p50 %.3f ms p99 %.3f ms",
        len(data.y_test),
        check["max_abs_diff"],
        check["argmax_agreement"],
        len(model_bytes),
        lat["p50"],
        lat["p99"],
    )
    return ExportResult(onnx_bytes=model_bytes, metrics=metrics, int8_bytes=int8_bytes)


def _int8(
    model_bytes: bytes,
    meta: dict[str, str],
    data: Mnist,
    params: Params,
    float_accuracy: float,
    float_latency: dict[str, float],
) -> tuple[bytes, dict[str, Any]]:
    """Quantize, annotate and verify the int8 model; its figures beside the float model's."""
    import onnx

    from pipeline.quantize import calibration_images, quantize_int8

    cfg = params.export.int8
    calibration = calibration_images(data.x_train, cfg.calibration_size, params.train.seed)
    proto = onnx.load_from_string(quantize_int8(model_bytes, calibration, cfg))
    how = (
        f"int8 QDQ static, {'per-channel' if cfg.per_channel else 'per-tensor'} weights"
        f"{', 7-bit' if cfg.reduce_range else ''}, activations calibrated on {len(calibration)} training images"
    )
    set_metadata(proto, {**meta, "quantization": how})
    proto.producer_name = "digit-classifier"
    try:
        onnx.checker.check_model(proto, full_check=True)
    except onnx.checker.ValidationError as exc:
        raise StageError(f"the int8 model fails onnx.checker: {exc}") from exc
    int8_bytes = proto.SerializeToString()
    session = ort_session(int8_bytes)
    probs = ort_probs(session, data.x_test, params.export.batch_size)
    accuracy = round(float((probs.argmax(1) == data.y_test).mean()), 6)
    drop = round(float_accuracy - accuracy, 6)
    if drop > cfg.max_accuracy_drop:
        raise StageError(
            f"the int8 model's test accuracy {accuracy:.4%} is {drop:.2%} below the float model's "
            f"(allowed: export.int8.max_accuracy_drop = {cfg.max_accuracy_drop}); raise "
            "export.int8.calibration_size, try export.int8.per_channel=true, or set export.int8.enabled=false"
        )
    lat = latency_ms(ort_session(int8_bytes, threads=1), data.x_test[0], params.export.latency_runs)
    figures = {
        "enabled": True,
        "quantization": how,
        "accuracy": accuracy,
        "accuracy_drop": drop,
        "size_bytes": len(int8_bytes),
        "size_ratio": round(len(int8_bytes) / len(model_bytes), 4),
        "latency_ms_p50": lat["p50"],
        "latency_ms_p99": lat["p99"],
        "speedup_p50": round(float_latency["p50"] / lat["p50"], 3),
    }
    log.info(
        "int8: accuracy %.4f (float %.4f), %d bytes (%.0f%% of float), latency p50 %.3f ms (float %.3f ms)",
        accuracy,
        float_accuracy,
        len(int8_bytes),
        100 * figures["size_ratio"],
        lat["p50"],
        float_latency["p50"],
    )
    return int8_bytes, figures


def save(
    result: ExportResult, onnx_path: Path = ONNX_PATH, int8_path: Path = INT8_PATH, export_json: Path = EXPORT_JSON
) -> None:
    atomic_write_bytes(onnx_path, result.onnx_bytes)
    atomic_write_bytes(int8_path, result.int8_bytes)
    if not result.int8_bytes:
        log.info("export.int8.enabled is false: %s is left empty", int8_path)
    atomic_write_json(export_json, result.metrics)
    log.info("wrote %s, %s, %s", onnx_path, int8_path, export_json)


def main() -> None:
    params = load_params()
    data = load_mnist(MNIST_NPZ)
    model = load_model(MODEL_PATH)
    save(export(model, data, params, read_test_accuracy(EVAL_JSON)))


if __name__ == "__main__":
    run(main)
