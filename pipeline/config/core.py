"""Reading ``params.yaml`` into the groups a stage reads, and nothing else.

A stage names its groups as the fields of a :class:`Sections` model (``train: TrainConfig``,
...) and calls :func:`load`: the file is read, its top-level keys checked against
:data:`GROUPS`, and only those groups validated. So the stage imports, and ``dvc.yaml`` lists
as its deps, only the schemas of the groups it reads.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from pipeline.config.errors import ParamsError, fmt, problems_of

PARAMS_FILE = Path("params.yaml")

#: params.yaml's top-level groups, in Params' order (a test checks they are its fields). Named
#: here, not taken from Params, so a stage refuses a misspelt group without importing every schema.
GROUPS = (
    "data",
    "train",
    "model",
    "evaluate",
    "families",
    "render",
    "openset",
    "gate",
    "strings",
    "export",
    "report",
    "publish",
    "user",
)


class Group(BaseModel):
    """A mapping of ``params.yaml``: frozen, no unknown keys, and strict as YAML is written.

    Strict: a bool is ``true`` or ``false`` (not 1), an integer is not a bool nor ``2.0``, a number
    is an int or a float (an int is made a float, as the value is used and hashed), a string is
    a non-empty string. No float may be infinite or NaN.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True, allow_inf_nan=False, str_min_length=1)


S = TypeVar("S", bound="Sections")


class Sections(Group):
    """Some of ``params.yaml``'s top-level groups: each field is one, named as in the file."""

    def section_hash(self, *sections: str) -> str:
        """A short, stable hash of the named sections (all when none), for provenance."""
        raw = self.model_dump()
        chosen = {k: raw[k] for k in (sections or raw)}
        blob = json.dumps(chosen, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def from_dict(view: type[S], raw: Any, source: str = "params.yaml") -> S:
    """Validate ``view``'s groups of a composed config; raise :class:`ParamsError` listing all problems."""
    if not isinstance(raw, Mapping):
        raise ParamsError([f"<top level> = {fmt(raw)}: expected a mapping of keys to values"], source)
    problems = [
        f"{unknown}: unknown key; allowed here: {', '.join(GROUPS)}"
        for unknown in sorted(set(raw) - set(GROUPS), key=str)
    ]
    try:
        params = view.model_validate({k: v for k, v in raw.items() if k in view.model_fields})
    except ValidationError as exc:
        problems += problems_of(exc, view)
    if problems:
        raise ParamsError(problems, source)
    return params


def read_yaml(path: str | Path) -> Any:
    """The parsed YAML of ``path``, or :class:`ParamsError` saying it is missing or does not parse."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise ParamsError([f"{path} does not exist"], str(path))
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParamsError([f"cannot parse YAML: {exc}"], str(path)) from exc


def load(view: type[S], path: str | Path = PARAMS_FILE) -> S:
    """Read ``params.yaml`` and validate the groups ``view`` names (the stages' single source of parameters)."""
    return from_dict(view, read_yaml(path), str(path))
