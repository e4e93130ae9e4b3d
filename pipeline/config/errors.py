"""How ``params.yaml``'s problems are told: one line each, ``key = value: what is wrong; allowed: ...``.

pydantic finds the problems; this module words them as the loader always has, so a message
names the key as it is written in ``params.yaml`` (``model.conv_blocks[0].dropout``), the value
found and what is allowed, and lists every problem at once.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, Union

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

HOW_TO_FIX = (
    "Edit conf/ and recompose params.yaml with `python -m pipeline.tools.compose`, "
    "or override one value with `dvc exp run -S key=value`."
)

#: The error type of a rule that spans fields (a model validator); its context holds the sentences.
RULE = "params_rule"

_MAPPING = "expected a mapping of keys to values"
#: pydantic's error types, in the loader's words
_WORDS = {
    "bool_type": "expected true or false",
    "int_type": "expected an integer",
    "float_type": "expected a number",
    "finite_number": "expected a finite number",
    "string_type": "expected a non-empty string",
    "string_too_short": "expected a non-empty string",
    "list_type": "expected a list",
    "model_type": _MAPPING,
    "model_attributes_type": _MAPPING,
    "dict_type": _MAPPING,
}
_RANGE = {"greater_than", "greater_than_equal", "less_than", "less_than_equal"}
_BOUNDS = (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<="))


class ParamsError(ValueError):
    """``params.yaml`` is missing, unreadable or holds values a stage cannot use."""

    def __init__(self, problems: list[str], source: str = "params.yaml") -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source} is not valid ({len(problems)} problem(s)):\n{lines}\n{HOW_TO_FIX}")


def fmt(value: Any) -> str:
    """A value as the messages show it: YAML's ``null`` for None, else Python's repr."""
    return "null" if value is None else repr(value)


def rule_problems(problems: list[str]) -> None:
    """Raise a model validator's problems (whole sentences, keys named in full) for the loader to list."""
    if problems:
        raise PydanticCustomError(RULE, "{summary}", {"summary": "; ".join(problems), "problems": problems})


def key_of(loc: tuple[int | str, ...]) -> str:
    """``("data", "sources", 0, "url")`` -> ``data.sources[0].url``."""
    key = ""
    for part in loc:
        key += f"[{part}]" if isinstance(part, int) else f"{'.' if key else ''}{part}"
    return key or "<top level>"


def _unwrap(tp: Any) -> Any:
    """``X | None`` -> ``X``: null is checked before the type."""
    if typing.get_origin(tp) in (Union, types.UnionType):
        return next(a for a in typing.get_args(tp) if a is not type(None))
    return tp


def field_at(root: type[BaseModel], loc: tuple[int | str, ...]) -> tuple[Any, list[Any]]:
    """The annotation and constraints (``Ge``, ``Lt``, ...) of the value at ``loc``; ``(None, [])`` if none."""
    tp, meta = root, []
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(part, int) and typing.get_origin(tp) is list:
            tp, meta = typing.get_args(tp)[0], []  # an item has no constraints of its own
        elif isinstance(tp, type) and issubclass(tp, BaseModel) and part in tp.model_fields:
            info = tp.model_fields[str(part)]
            tp, meta = info.annotation, info.metadata
        else:
            return None, []
    return _unwrap(tp), meta


def range_text(meta: list[Any]) -> str:
    """``[Ge(0), Lt(1)]`` -> ``>= 0 and < 1``."""
    parts = []
    for attr, op in _BOUNDS:
        parts += [f"{op} {getattr(m, attr)}" for m in meta if hasattr(m, attr)]
    return " and ".join(parts)


def _what(error: ErrorDetails, tp: Any, meta: list[Any]) -> str:
    """What is wrong with the value, in the loader's words."""
    kind = error["type"]
    if kind in _RANGE:
        return f"out of range; allowed: {range_text(meta)}"
    if kind == "literal_error" and typing.get_origin(tp) is Literal:
        return f"unknown choice; allowed: {', '.join(map(str, typing.get_args(tp)))}"
    if kind == "too_short":
        return f"needs at least {error.get('ctx', {}).get('min_length')} item(s)"
    return _WORDS.get(kind, error["msg"])


def describe(error: ErrorDetails, root: type[BaseModel]) -> list[str]:
    """One pydantic error as the loader's sentences (a rule spanning fields may hold several)."""
    loc, value = tuple(error["loc"]), error["input"]
    if error["type"] == RULE:
        return list(error.get("ctx", {})["problems"])
    if error["type"] == "missing":
        return [f"{key_of(loc)}: missing"]
    if error["type"] == "extra_forbidden":
        parent, _ = field_at(root, loc[:-1])
        allowed = ", ".join(parent.model_fields) if parent is not None else "?"
        where = f"{key_of(loc[:-1])}." if loc[:-1] else ""
        return [f"{where}{loc[-1]}: unknown key; allowed here: {allowed}"]  # a key, even one YAML made a number
    if value is None:
        return [f"{key_of(loc)} = null: a value is required here"]
    tp, meta = field_at(root, loc)
    if tp is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)  # as the value is used: 0 for a float is 0.0
    return [f"{key_of(loc)} = {fmt(value)}: {_what(error, tp, meta)}"]


def problems_of(exc: ValidationError, root: type[BaseModel]) -> list[str]:
    """Every problem pydantic found validating ``root``, in the loader's words."""
    return [line for error in exc.errors(include_url=False) for line in describe(error, root)]
