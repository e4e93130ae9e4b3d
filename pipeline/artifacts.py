"""Reading what earlier stages wrote, with messages that name the file, what is wrong and the stage to rerun.

Writers live in :mod:`pipeline.atomic`; paths in :mod:`pipeline.paths`.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.config.train import TrainSections
from pipeline.errors import StageError


def read_json(path: Path, stage: str, required: Iterable[str] = ()) -> dict[str, Any]:
    """A JSON object written by ``stage``; missing, unreadable or lacking ``required`` keys says to rerun it."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise StageError(f"{path} is missing; run `dvc repro {stage}` first") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise StageError(f"{path} is not valid JSON ({exc}); run `dvc repro {stage}` again") from exc
    except OSError as exc:
        raise StageError(f"cannot read {path} ({exc.strerror or exc}); run `dvc repro {stage}` again") from exc
    if not isinstance(data, dict):
        raise StageError(f"{path} should hold a JSON object, not {type(data).__name__}; run `dvc repro {stage}` again")
    require(data, required, path, stage)
    return data


def require(data: dict[str, Any], keys: Iterable[str], path: Path, stage: str) -> None:
    """Fail with one message listing every key of ``keys`` that ``data`` lacks."""
    missing = [k for k in keys if k not in data]
    if missing:
        raise StageError(
            f"{path} lacks {', '.join(missing)} (written by an older or interrupted run?); "
            f"run `dvc repro -f {stage}` to rewrite it"
        )


def read_csv(path: Path, stage: str, required: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Rows of a numeric CSV written by ``stage`` (ints stay ints); checks the header has ``required``."""
    path = Path(path)
    try:
        with open(path, newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            header = reader.fieldnames or []
            rows = list(reader)
    except FileNotFoundError as exc:
        raise StageError(f"{path} is missing; run `dvc repro {stage}`") from exc
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise StageError(f"cannot read {path} ({exc}); run `dvc repro {stage}` again") from exc
    missing = [c for c in required if c not in header]
    if missing:
        raise StageError(
            f"{path} lacks the column(s) {', '.join(missing)} (header: {','.join(header) or 'none'}); "
            f"run `dvc repro -f {stage}` to rewrite it"
        )
    try:
        return [{k: _number(v) for k, v in row.items()} for row in rows]
    except (ValueError, TypeError, AttributeError) as exc:
        raise StageError(f"{path} has a malformed row ({exc}); run `dvc repro {stage}` again") from exc


def _number(text: str) -> Any:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def ensure_trained_with(params: TrainSections, train_json: Path) -> None:
    """Fail when ``params.yaml``'s train/model sections are not the ones the model was trained with.

    A ``dvc exp run`` started while ``dvc repro`` trains rewrites ``params.yaml`` before DVC's
    lock refuses it; without this check the later stages would record params the model
    never saw.
    """
    trained = read_json(train_json, "train", ["params_hash"])["params_hash"]
    now = params.section_hash("train", "model")
    if trained != now:
        raise StageError(
            f"params.yaml's train/model settings (hash {now}) are not the ones the model was trained with "
            f"({trained}, in {train_json}): params.yaml changed after training (another `dvc exp run`, or an "
            "edit). Run `dvc repro` to retrain with the current params, or restore params.yaml "
            "(`git checkout params.yaml`)."
        )
