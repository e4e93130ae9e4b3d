"""``pairs``: the pair model, which reads two touching digits whole (:mod:`app.pairs`)."""

from __future__ import annotations

from pydantic import Field

from pipeline.config.core import Group


class PairNetwork(Group):
    """The pair model's CNN: a 3x3 convolution (max-pooled) per entry of ``conv_filters``, a dense layer, dropout."""

    conv_filters: list[int] = Field(min_length=1, max_length=4)
    dense_units: int = Field(ge=1, le=4096)
    dropout: float = Field(ge=0, lt=1)


class PairsConfig(Group):
    """What the pair model learns and how (pipeline/learn/pairs.py)."""

    enabled: bool
    per_pair: int = Field(ge=1, le=100_000)
    others: int = Field(ge=1, le=10_000_000)
    validation_per_pair: int = Field(ge=1, le=10_000)
    validation_others: int = Field(ge=1, le=1_000_000)
    validation_fraction: float = Field(gt=0, lt=1)
    epochs: int = Field(ge=1, le=200)
    batch_size: int = Field(ge=8, le=8192)
    learning_rate: float = Field(gt=0, le=1)
    min_lr_fraction: float = Field(ge=0, le=1)
    seed: int = Field(ge=0)
    network: PairNetwork
