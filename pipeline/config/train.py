"""``train``: how the classifier is fitted; with ``model``, what a trained model is made from."""

from __future__ import annotations

from typing import Literal, Protocol

from pydantic import Field, model_validator

from pipeline.config.augment import AugmentConfig
from pipeline.config.core import Group, Sections
from pipeline.config.errors import rule_problems
from pipeline.config.model import ModelConfig


class TrainConfig(Group):
    """The optimiser, its schedule, the split and the batches of the classifier's training."""

    optimizer: Literal["adam", "adamw", "sgd", "rmsprop"]
    learning_rate: float = Field(gt=0, le=10)
    lr_schedule: Literal["constant", "cosine"]
    min_lr_fraction: float = Field(ge=0, le=1)
    weight_decay: float = Field(ge=0, lt=1)
    batch_size: int = Field(ge=1, le=65536)
    epochs: int = Field(ge=1)
    validation_fraction: float = Field(gt=0, lt=1)
    seed: int = Field(ge=0, lt=2**31)
    limit: int | None = Field(ge=1, le=60000)
    strategy: Literal["default", "mirrored", "multi_worker"]
    label_smoothing: float = Field(ge=0, lt=1)
    augment: AugmentConfig
    #: also learn from training digits drawn, photographed and written in numbers, framed as the
    #: app frames them (framed.npz; only those made from this run's training split)
    app_framed: bool
    precision: Literal["float32", "mixed_float16"] = "float32"  # mixed_float16: GPUs with loss scaling

    @model_validator(mode="after")
    def _a_batch_fits_the_limit(self) -> TrainConfig:
        """A batch must fit in the training split of ``limit``: found now, not after the data is loaded."""
        if self.limit is not None:
            n_train = self.limit - round(self.limit * self.validation_fraction)
            if self.batch_size > n_train:
                rule_problems(
                    [
                        f"train.batch_size = {self.batch_size} is larger than the training split of train.limit = "
                        f"{self.limit} (about {n_train} examples); lower train.batch_size or raise train.limit"
                    ]
                )
        return self


class TrainSections(Protocol):
    """What a trained model is made from (``Params``, or a stage's :class:`Trained`): its provenance hash."""

    @property
    def train(self) -> TrainConfig: ...

    @property
    def model(self) -> ModelConfig: ...

    def section_hash(self, *sections: str) -> str: ...


class Trained(Sections):
    """The train stage's groups; a later stage adds its own to check it runs on the model they made."""

    train: TrainConfig
    model: ModelConfig
