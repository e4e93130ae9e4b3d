"""Stage ``publish``: ship the exported model inside the app package (``app/models/digits.onnx``).

A DVC output with ``cache: false``, so git tracks it and a person who installs only the
app's extra (no TensorFlow, no pipeline run) gets a working model. The copy is checked with
the app's own loader first, so a model the app would reject is never published.
"""

from __future__ import annotations

import logging
from pathlib import Path

from pipeline.atomic import atomic_write_bytes
from pipeline.stage import ARTIFACTS, StageError, run

log = logging.getLogger(__name__)

SOURCE = ARTIFACTS / "model" / "model.onnx"
TARGET = Path("app") / "models" / "digits.onnx"


def publish(source: Path = SOURCE, target: Path = TARGET) -> Path:
    from app.inference import Classifier, ModelError

    if not Path(source).is_file():
        raise StageError(f"{source} is missing; run `dvc repro export`")
    try:
        info = Classifier(source).info
    except ModelError as exc:
        raise StageError(f"refusing to publish {source}: {exc}") from exc
    atomic_write_bytes(target, Path(source).read_bytes())
    log.info("published %s to %s (%s)", source, target, info.summary)
    return Path(target)


def main() -> None:
    publish()


if __name__ == "__main__":
    run(main)
