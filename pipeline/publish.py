"""``python -m pipeline.publish [--force]``: ship the exported model inside the app package.

Not a DVC stage on purpose: ``dvc repro`` and every ``dvc exp run`` leave the git-tracked
``app/models/digits.onnx`` alone, and replacing the model people get when they install
the app is one explicit, gated step. The model must

- load with the app's own checks (interface, labels, outputs that are probabilities),
- reach ``publish.min_test_accuracy`` on the MNIST test set (its ``test_accuracy``, which
  export measured with onnxruntime on all 10,000 test images), and
- not be less accurate than the model it replaces,

unless ``--force``. The copy carries its provenance in ``metadata_props["published"]``
(source file and its SHA-256, git commit, date), which the app shows in Help > About.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import logging
import subprocess
import sys
from pathlib import Path

from app.contract import Meta
from pipeline.atomic import atomic_write_bytes
from pipeline.config import PublishConfig, load_params
from pipeline.paths import ONNX_MODEL, PUBLISHED
from pipeline.stage import StageError, run

log = logging.getLogger(__name__)


def _git_commit(cwd: Path) -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=cwd, capture_output=True, text=True)
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "params.yaml", "dvc.lock"], cwd=cwd, capture_output=True, text=True
        )
    except OSError:
        return "unknown"
    if rev.returncode != 0:
        return "unknown"
    return rev.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def _accuracy(path: Path) -> float | None:
    from app.inference import Classifier, ModelError

    try:
        return Classifier(path).info.test_accuracy
    except ModelError:
        return None


def gate(source: Path, target: Path, cfg: PublishConfig, force: bool) -> float:
    """The source model's test accuracy, after refusing a model the app would reject or that is worse."""
    from app.inference import Classifier, ModelError

    if not source.is_file():
        raise StageError(f"{source} is missing; run `dvc repro export` first")
    try:
        accuracy = Classifier(source).info.test_accuracy
    except ModelError as exc:
        raise StageError(f"refusing to publish {source}: {exc}") from exc
    if accuracy is None:
        raise StageError(f"refusing to publish {source}: its metadata holds no test_accuracy")
    current = _accuracy(target) if target.is_file() else None
    problems = []
    if accuracy < cfg.min_test_accuracy:
        problems.append(
            f"its test accuracy {accuracy:.2%} is below publish.min_test_accuracy = {cfg.min_test_accuracy:.2%}"
        )
    if current is not None and accuracy < current:
        problems.append(f"its test accuracy {accuracy:.2%} is below the published model's {current:.2%}")
    if problems and not force:
        raise StageError(
            f"refusing to publish {source}: " + "; ".join(problems) + ". Train a better model, or pass --force."
        )
    for p in problems:
        log.warning("publishing anyway (--force): %s", p)
    return accuracy


def with_provenance(model_bytes: bytes, source: Path, root: Path) -> bytes:
    """The model with ``metadata_props["published"]``: where it came from and when."""
    import onnx

    proto = onnx.load_from_string(model_bytes)
    record = {
        "source": str(source),
        "source_sha256": hashlib.sha256(model_bytes).hexdigest(),
        "git_commit": _git_commit(root),
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    meta = {p.key: p.value for p in proto.metadata_props}
    meta[Meta.PUBLISHED] = json.dumps(record, sort_keys=True)
    del proto.metadata_props[:]
    onnx.helper.set_model_props(proto, meta)
    return proto.SerializeToString(deterministic=True)


def publish(cfg: PublishConfig, source: Path = ONNX_MODEL, target: Path = PUBLISHED, *, force: bool = False) -> Path:
    """Check ``source`` and copy it, with provenance, to ``target`` atomically."""
    from app.inference import Classifier, ModelError

    source, target = Path(source), Path(target)
    accuracy = gate(source, target, cfg, force)
    data = with_provenance(source.read_bytes(), source, Path.cwd())
    atomic_write_bytes(target, data)
    try:
        info = Classifier(target).info
    except ModelError as exc:  # unreachable unless the disk lies; never leave a broken app model
        raise StageError(f"the published copy {target} does not load: {exc}") from exc
    log.info("published %s to %s (test accuracy %.2f%%; %s)", source, target, 100 * accuracy, info.summary)
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.publish", description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="publish even below the accuracy gate")
    parser.add_argument("--source", type=Path, default=ONNX_MODEL, help=f"model to publish (default {ONNX_MODEL})")
    args = parser.parse_args(argv)
    publish(load_params().publish, args.source, PUBLISHED, force=args.force)


if __name__ == "__main__":
    run(lambda: main(sys.argv[1:]))
