"""``export``: the ONNX export, its checks, and the int8 copy (``export.int8``)."""

from __future__ import annotations

from pydantic import Field

from pipeline.config.core import Group


class Int8Config(Group):
    """The int8 copy: its calibration, and how much accuracy it may lose."""

    enabled: bool
    calibration_size: int = Field(ge=1, le=60000)
    per_channel: bool
    reduce_range: bool
    max_accuracy_drop: float = Field(ge=0, le=1)


class ExportConfig(Group):
    """The ONNX graph's opset, its parity with Keras, and the latency runs."""

    opset: int = Field(ge=13, le=18)
    max_abs_diff: float = Field(gt=0, le=1)
    batch_size: int = Field(ge=1, le=10000)
    latency_runs: int = Field(ge=10, le=100000)
    int8: Int8Config
