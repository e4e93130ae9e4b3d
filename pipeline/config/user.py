"""``user``: the person's own digits, held out per session and, when enabled, taught to the classifier."""

from __future__ import annotations

from pydantic import Field

from pipeline.config.core import Group


class UserConfig(Group):
    """The person's own digits (``userdata/``, written by the app): held out per session, and, when
    ``enabled``, taught to the trained classifier by the ``adapt`` stage (README: Teach it your handwriting)."""

    enabled: bool
    folder: str
    held_out_fraction: float = Field(ge=0, lt=1)
    seed: int = Field(ge=0, lt=2**31)
    epochs: int = Field(ge=1, le=100)
    learning_rate: float = Field(gt=0, le=1)
    batch_size: int = Field(ge=8, le=4096)
    #: each of the person's training digits is seen this many times an epoch ...
    repeats: int = Field(ge=1, le=1000)
    #: ... beside this many of MNIST's training digits (a seeded draw from the training split, never
    #: validation), so the model keeps everyone else's handwriting while it learns this person's
    replay: int = Field(ge=0, le=54000)
