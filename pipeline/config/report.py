"""``report``: what the HTML report shows (no stage before the report reads it)."""

from __future__ import annotations

from pydantic import Field

from pipeline.config.core import Group


class ReportConfig(Group):
    """How many misread test digits the report shows, and which test digit it shows pixel by pixel."""

    misclassified: int = Field(ge=0, le=500)
    digit_index: int = Field(ge=0, le=9999)  # one of MNIST's 10,000 test images
