"""``families``: every generator's families of pictures, and those held out of training (``conf/families/``)."""

from __future__ import annotations

from pydantic import model_validator

from pipeline.config.core import Group
from pipeline.config.errors import rule_problems


class FamilyKinds(Group):
    """Family names by kind (``pipeline.families`` names them; a stage that uses them checks the names)."""

    pen: list[str]
    layout: list[str]
    paper: list[str]
    degradation: list[str]
    drawn: list[str]
    non_digit: list[str]
    style: list[str]


class FamiliesConfig(Group):
    """Every generator's families, and those held out of training (``conf/families/``)."""

    all: FamilyKinds
    held_out: FamilyKinds

    def seen(self, kind: str) -> list[str]:
        """The families of ``kind`` that training uses, in their listed order."""
        out = set(getattr(self.held_out, kind))
        return [f for f in getattr(self.all, kind) if f not in out]

    @model_validator(mode="after")
    def _held_out_of_the_listed(self) -> FamiliesConfig:
        """Each kind lists a family once, holds out only listed ones and leaves training at least one."""
        problems = []
        for kind in FamilyKinds.model_fields:
            listed, held = getattr(self.all, kind), getattr(self.held_out, kind)
            if len(set(listed)) != len(listed):
                problems.append(f"families.all.{kind}: names must be unique, got {listed}")
            if unknown := [h for h in held if h not in listed]:
                problems.append(f"families.held_out.{kind}: {unknown} are not listed in families.all.{kind}")
            if not self.seen(kind):
                problems.append(f"families.held_out.{kind}: holds out every family; training needs at least one")
        rule_problems(problems)
        return self
