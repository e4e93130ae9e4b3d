"""``evaluate``: how the exported model is run on the test sets."""

from __future__ import annotations

from pydantic import Field

from pipeline.config.core import Group


class EvaluateConfig(Group):
    """How many pictures onnxruntime reads at once."""

    batch_size: int = Field(ge=1, le=10000)
