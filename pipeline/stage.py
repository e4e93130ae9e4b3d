"""What every stage's ``main()`` shares: logging set-up and clean failure messages.

Expected failures (bad params, missing or corrupt inputs, unreachable sources) are raised
as :class:`StageError` or :class:`~pipeline.config.ParamsError` and end the process with
one readable message and exit status 1, not a traceback.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from pipeline.config import ParamsError

log = logging.getLogger(__name__)

ARTIFACTS = Path("artifacts")


class StageError(RuntimeError):
    """A failure the user can act on; the message says what is wrong and what to do."""


def read_json(path: Path, stage: str) -> dict:
    """A JSON artifact of ``stage``; missing or unreadable says to rerun that stage."""
    import json

    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise StageError(f"{path} is missing; run `dvc repro {stage}` first") from exc
    except ValueError as exc:
        raise StageError(f"{path} is not valid JSON ({exc}); run `dvc repro {stage}` again") from exc


def setup_logging(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%H:%M:%S")


def run(main: Callable[[], object]) -> None:
    """Run a stage's ``main`` and turn expected failures into a message and exit status 1."""
    setup_logging(logging.DEBUG if os.environ.get("DIGITS_DEBUG") else logging.INFO)
    try:
        main()
    except (StageError, ParamsError) as exc:
        log.error("%s", exc)
        sys.exit(1)
    except KeyboardInterrupt:
        log.error("interrupted; no partial artifact was written")
        sys.exit(130)
