"""The whole of ``params.yaml`` (:class:`Params`), and every public name of :mod:`pipeline.config` in one place.

For ``python -m pipeline.tools.compose`` (which checks a composed file before writing it), the tools
and the tests. No stage imports this module (an import-linter contract checks it): a stage
imports the groups it reads, so that a change to another group's schema is not its dep.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.config.augment import AugmentConfig
from pipeline.config.core import GROUPS, PARAMS_FILE, Group, Sections, from_dict, load
from pipeline.config.data import DataConfig, Source, url_problem
from pipeline.config.errors import ParamsError
from pipeline.config.evaluate import EvaluateConfig
from pipeline.config.export import ExportConfig, Int8Config
from pipeline.config.families import FamiliesConfig, FamilyKinds
from pipeline.config.gate import GateConfig
from pipeline.config.model import MAX_WEIGHTS, ConvBlock, ModelConfig, weight_count
from pipeline.config.openset import NegativeCounts, OpensetConfig, PositiveCounts
from pipeline.config.publish import PublishConfig
from pipeline.config.render import RenderConfig
from pipeline.config.report import ReportConfig
from pipeline.config.strings import StringsConfig
from pipeline.config.train import TrainConfig, Trained
from pipeline.config.user import UserConfig

__all__ = [
    "GROUPS",
    "MAX_WEIGHTS",
    "PARAMS_FILE",
    "AugmentConfig",
    "ConvBlock",
    "DataConfig",
    "EvaluateConfig",
    "ExportConfig",
    "FamiliesConfig",
    "FamilyKinds",
    "GateConfig",
    "Group",
    "Int8Config",
    "ModelConfig",
    "NegativeCounts",
    "OpensetConfig",
    "Params",
    "ParamsError",
    "PositiveCounts",
    "PublishConfig",
    "RenderConfig",
    "ReportConfig",
    "Sections",
    "Source",
    "StringsConfig",
    "TrainConfig",
    "Trained",
    "UserConfig",
    "load_params",
    "params_from_dict",
    "url_problem",
    "weight_count",
]


class Params(Sections):
    """Every group of ``params.yaml`` (in the order the loader has always named them)."""

    data: DataConfig
    train: TrainConfig
    model: ModelConfig
    evaluate: EvaluateConfig
    families: FamiliesConfig
    render: RenderConfig
    openset: OpensetConfig
    gate: GateConfig
    strings: StringsConfig
    export: ExportConfig
    report: ReportConfig
    publish: PublishConfig
    user: UserConfig


def params_from_dict(raw: Any, source: str = "params.yaml") -> Params:
    """Validate a composed config and return it typed; raise :class:`ParamsError` listing all problems."""
    return from_dict(Params, raw, source)


def load_params(path: str | Path = PARAMS_FILE) -> Params:
    """Read and validate the whole of ``params.yaml``."""
    return load(Params, path)
