"""``strings``: the string model, which reads touching digits whole (:mod:`app.strings`)."""

from __future__ import annotations

from pydantic import Field

from pipeline.config.core import Group


class StringNetwork(Group):
    """The string model's CNN: a 3x3 convolution per entry of ``conv_filters`` (the first two pooled 2x2,
    the rest 2x1, so each of the field's 32 columns keeps its own output), then two 1-D convolutions of
    ``column_units`` along the columns, with dropout."""

    conv_filters: list[int] = Field(min_length=4, max_length=4)
    column_units: int = Field(ge=1, le=4096)
    dropout: float = Field(ge=0, lt=1)


class StringsConfig(Group):
    """What the string model learns and how (pipeline/learn/strings.py)."""

    enabled: bool
    examples: int = Field(ge=1, le=10_000_000)
    validation_examples: int = Field(ge=1, le=1_000_000)
    validation_fraction: float = Field(gt=0, lt=1)
    epochs: int = Field(ge=1, le=200)
    batch_size: int = Field(ge=8, le=8192)
    learning_rate: float = Field(gt=0, le=1)
    min_lr_fraction: float = Field(ge=0, le=1)
    seed: int = Field(ge=0)
    #: the share of strings written with a pen (stroke-font digits, one hand a string), the rest MNIST's
    pen_share: float = Field(ge=0, le=1)
    network: StringNetwork
