"""``evaluate``: how the exported model is run on the test sets."""

from __future__ import annotations

from pydantic import Field

from pipeline.config.core import Group


class EvaluateConfig(Group):
    batch_size: int = Field(ge=1, le=10000)
