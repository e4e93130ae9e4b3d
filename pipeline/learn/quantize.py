"""Static int8 quantization of the exported model with onnxruntime's tools (QDQ format).

Activations are calibrated (MinMax) on training images; weights are int8, per output
channel when ``export.int8.per_channel``. ``reduce_range`` keeps weights to 7 bits, which
avoids the u8s8 overflow of AVX2 CPUs without VNNI; on such a CPU it kept the reference
model's test accuracy exactly (``export.json``'s ``int8``), while full range lost 0.02 point.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from app.contract import INPUT_NAME
from pipeline.config.export import Int8Config
from pipeline.streams import Stream


class _Batches:
    """onnxruntime's CalibrationDataReader protocol over uint8 images (N,28,28)."""

    def __init__(self, images: np.ndarray, batch: int = 100) -> None:
        self._it = iter(range(0, len(images), batch))
        self._images = images
        self._batch = batch

    def get_next(self) -> dict[str, np.ndarray] | None:
        start = next(self._it, None)
        if start is None:
            return None
        x = self._images[start : start + self._batch, ..., None].astype(np.float32) / 255.0
        return {INPUT_NAME: x}


def calibration_images(x_train: np.ndarray, size: int, seed: int) -> np.ndarray:
    """A seeded random sample of training images (never test images) for calibration."""
    size = min(size, len(x_train))
    return x_train[np.sort(np.random.default_rng([seed, Stream.CALIBRATION]).choice(len(x_train), size, replace=False))]


def describe(cfg: Int8Config, calibrated_on: int) -> str:
    """How the model was quantized, for its metadata and the report."""
    return (
        f"int8 QDQ static, {'per-channel' if cfg.per_channel else 'per-tensor'} weights"
        f"{', 7-bit' if cfg.reduce_range else ''}, activations calibrated on {calibrated_on} training images"
    )


def quantize_int8(model_bytes: bytes, calibration: np.ndarray, cfg: Int8Config) -> bytes:
    """The int8 QDQ model, as bytes (metadata is set by the caller)."""
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Reader(_Batches, CalibrationDataReader):
        pass

    with tempfile.TemporaryDirectory(prefix="int8-") as tmp:
        src, pre, out = Path(tmp) / "float.onnx", Path(tmp) / "pre.onnx", Path(tmp) / "int8.onnx"
        src.write_bytes(model_bytes)
        # the graph's shapes are static but the batch, so ONNX's own shape inference is enough
        quant_pre_process(str(src), str(pre), skip_symbolic_shape=True)
        quantize_static(
            str(pre),
            str(out),
            Reader(calibration),
            quant_format=QuantFormat.QDQ,
            per_channel=cfg.per_channel,
            reduce_range=cfg.reduce_range,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
        )
        return out.read_bytes()
