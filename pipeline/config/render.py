"""``render``: the open-world test sets made from MNIST's test digits."""

from __future__ import annotations

from pydantic import Field, model_validator

from pipeline.config.core import Group
from pipeline.config.errors import rule_problems


class RenderConfig(Group):
    """The open-world test sets: MNIST test digits drawn, written as numbers, photographed."""

    seed: int = Field(ge=0, lt=2**31)
    drawn: bool
    drawn_limit: int | None = Field(ge=1, le=10000)  # test digits per drawn rendering and per style; null = all
    photos: int = Field(ge=0, le=10000)
    numbers_per_length: int = Field(ge=0, le=10000)
    number_lengths: list[int] = Field(min_length=1)
    scenes_per_family: int = Field(ge=0, le=10000)  # scenes testing each family of each kind (conf/families/)

    @model_validator(mode="after")
    def _number_lengths(self) -> RenderConfig:
        """Numbers of 2 to 6 digits: what the number generator writes and evaluate reports."""
        rule_problems(
            [
                f"render.number_lengths[{i}] = {n}: out of range; allowed: 2 to 6 digits"
                for i, n in enumerate(self.number_lengths)
                if not 2 <= n <= 6
            ]
        )
        return self
