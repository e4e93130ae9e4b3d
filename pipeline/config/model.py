"""``model``: the CNN's layers, and the checks that it can be built and trained here."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from app.contract import FIELD
from pipeline.config.core import Group
from pipeline.config.errors import rule_problems

#: The largest model the loader lets a stage build: 50 million weights take, with Adam's two moments
#: and the gradients, about 800 MB before any activation (the reference model has 282 thousand).
MAX_WEIGHTS = 50_000_000


class ConvBlock(Group):
    """``convs`` convolutions (each optionally batch-normalised), max-pool 2 (unless ``pool`` is false), dropout."""

    filters: int = Field(ge=1, le=4096)
    convs: int = Field(ge=1, le=16)
    kernel_size: int = Field(ge=1, le=7)
    padding: Literal["valid", "same"]
    batch_norm: bool
    dropout: float = Field(ge=0, lt=1)
    pool: bool = True
    separable: bool = False  # depthwise-separable convolutions (a small edge model's friend)


class ModelConfig(Group):
    """The CNN: its convolution blocks, then pooling to a vector, dense layers and the ten outputs."""

    name: str
    conv_blocks: list[ConvBlock] = Field(min_length=1)
    pooling: Literal["flatten", "global_avg"]
    dense_units: list[int]
    dense_dropout: float = Field(ge=0, lt=1)

    @model_validator(mode="after")
    def _buildable(self) -> ModelConfig:
        """Keras can build it, and it fits in memory (checked last: the estimate needs sane layers)."""
        problems = spatial_problems(self)
        problems += [
            f"model.dense_units[{i}] = {units}: out of range; allowed: 1 to 65536"
            for i, units in enumerate(self.dense_units)
            if not 1 <= units <= 65536
        ]
        if not problems and (n := weight_count(self)) > MAX_WEIGHTS:
            problems.append(
                f"model: about {n:,} weights, more than the {MAX_WEIGHTS:,} this pipeline builds (training would "
                f"need about {16 * n / 2**30:.1f} GiB for weights, gradients and Adam's state alone); use fewer "
                "filters, dense units or a global_avg pooling"
            )
        rule_problems(problems)
        return self


def spatial_problems(model: ModelConfig) -> list[str]:
    """Shapes Keras could not build: a 28x28 input that shrinks to nothing before the last block ends."""
    size = FIELD
    for b, block in enumerate(model.conv_blocks):
        for c in range(block.convs):
            if block.padding == "valid":
                size -= block.kernel_size - 1
            if size < 1:
                return [
                    f"model.conv_blocks[{b}]: convolution {c + 1} of {block.kernel_size}x{block.kernel_size} "
                    f"with padding 'valid' gets a feature map smaller than its kernel; use padding: same, a "
                    "smaller kernel_size, or fewer blocks"
                ]
        if not block.pool:
            continue
        size //= 2  # max-pool 2
        if size < 1:
            return [
                f"model.conv_blocks[{b}]: the 2x2 max-pool gets a 1x1 feature map and leaves nothing; "
                "remove this block or use padding: same in the earlier ones"
            ]
    return []


def weight_count(model: ModelConfig) -> int:
    """The model's weights as ``pipeline.learn.models`` builds it (Keras' count_params), from its config alone."""
    size, channels, weights = FIELD, 1, 0
    for block in model.conv_blocks:
        for _ in range(block.convs):
            k, f = block.kernel_size, block.filters
            separable = block.separable and channels > 1  # as the builder: a 1-channel input gets a plain conv
            weights += k * k * channels + channels * f if separable else k * k * channels * f
            weights += 4 * f if block.batch_norm else f  # batch norm's four vectors replace the bias
            channels = f
            if block.padding == "valid":
                size = max(size - (k - 1), 1)
        if block.pool:
            size = max(size // 2, 1)
    width = channels if model.pooling == "global_avg" else size * size * channels
    for units in [*model.dense_units, 10]:
        weights += width * units + units
        width = units
    return weights
