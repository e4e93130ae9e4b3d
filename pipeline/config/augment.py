"""``train.augment``: the random distortions of training batches (its own module: the gate uses them too)."""

from __future__ import annotations

from pydantic import Field

from pipeline.config.core import Group


class AugmentConfig(Group):
    """Random distortions applied to training batches only (never in the exported graph)."""

    enabled: bool
    rotation_deg: float = Field(ge=0, le=45)
    shift_px: float = Field(ge=0, le=8)
    scale: float = Field(ge=0, lt=0.5)
    thickness: float = Field(ge=0, le=1)
