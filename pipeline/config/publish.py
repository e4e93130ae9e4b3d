"""``publish``: the gate ``python -m pipeline.tools.publish`` applies (no DVC stage reads it)."""

from __future__ import annotations

from pydantic import Field

from pipeline.config.core import Group


class PublishConfig(Group):
    """The gate ``python -m pipeline.tools.publish`` applies before a model replaces the app's."""

    min_test_accuracy: float = Field(ge=0, le=1)
    #: a model taught a person's digits (``user.enabled``) may be this far below the shipped model
    #: on MNIST test: it reads its person better, and a few test digits move with any fine-tuning
    user_data_tolerance: float = Field(ge=0, le=0.01)
