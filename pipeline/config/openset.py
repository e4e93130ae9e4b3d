"""``openset``: the data that teaches the gate what is not a digit."""

from __future__ import annotations

from pydantic import Field

from pipeline.config.core import Group


class NegativeCounts(Group):
    """Generated non-digits for the gate's training, its threshold (validation) and evaluate."""

    train: int = Field(ge=100, le=1_000_000)
    validation: int = Field(ge=100, le=100_000)
    eval: int = Field(ge=100, le=100_000)


class PositiveCounts(Group):
    """Training digits as the app frames them, by how they were made."""

    drawn_per_rendering: int = Field(ge=0, le=54_000)  # drawn renderings of training digits, per rendering
    photos: int = Field(ge=0, le=54_000)  # photos of training digits
    numbers: int = Field(ge=0, le=100_000)  # whole numbers written with training digits (their digits)
    scenes: int = Field(ge=0, le=100_000)  # scenes (pen, layout, paper, degradation) read by the reader


class OpensetConfig(Group):
    """The data that teaches the gate what is not a digit (pipeline/sets/trainsets.py, pipeline/synth/)."""

    seed: int = Field(ge=0, lt=2**31)
    validation_fraction: float = Field(gt=0, lt=1)  # of MNIST's training set: the gate's threshold is chosen there
    limit: int | None = Field(ge=100, le=60000)  # use only N training digits (quick runs); null = all
    negatives: NegativeCounts
    positives: PositiveCounts
    styled: float = Field(ge=0, le=1)  # share of the 1s and 7s written in a style of conf/families' (not plain)
