"""``gate``: the "not a digit" gate beside the classifier."""

from __future__ import annotations

from pydantic import Field

from pipeline.config.augment import AugmentConfig
from pipeline.config.core import Group


class GateNetwork(Group):
    """The gate's CNN: a 3x3 convolution (max-pooled) per entry of ``conv_filters``, a dense layer, dropout."""

    conv_filters: list[int] = Field(min_length=1, max_length=4)
    dense_units: int = Field(ge=1, le=4096)
    dropout: float = Field(ge=0, lt=1)


class GateConfig(Group):
    """The "not a digit" gate beside the classifier (pipeline/learn/gate.py)."""

    enabled: bool
    epochs: int = Field(ge=1, le=200)
    batch_size: int = Field(ge=8, le=8192)
    learning_rate: float = Field(gt=0, le=1)
    min_lr_fraction: float = Field(ge=0, le=1)  # the cosine decay's floor, a share of learning_rate
    network: GateNetwork
    augment: AugmentConfig
    max_false_reject_mnist: float = Field(gt=0, le=0.5)  # on the validation split
    max_false_reject_drawn: float = Field(gt=0, le=0.5)
    scenes_repeat: int = Field(ge=1, le=20)  # each digit cut from a written scene shown this many times an epoch
    min_non_digits_rejected: float = Field(gt=0, le=1)  # within the limits above, spend the rest on digits
