"""``python -m pipeline.tools.publish [--force]``: ship the exported model inside the app package.

Not a DVC stage on purpose: ``dvc repro`` and every ``dvc exp run`` leave the git-tracked
``app/models/digits.onnx`` alone, and replacing the model people get when they install
the app is one explicit, checked step. The model must

- load with the app's own checks (interface, labels, outputs that are probabilities),
- reach ``publish.min_test_accuracy`` on the MNIST test set, measured here with onnxruntime on
  all 10,000 test images (and agree with the ``test_accuracy`` its metadata claims), and
- not be less accurate than the model it replaces, measured the same way (a model taught a
  person's digits may be ``publish.user_data_tolerance`` below),

unless ``--force``. The copy carries its provenance in ``metadata_props["published"]``
(source file and its SHA-256, git commit, date), which the app shows in Help > About.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import logging
import math
import subprocess
import sys
from pathlib import Path

from app.contract import Meta
from pipeline.atomic import atomic_write_bytes
from pipeline.config.core import Sections, load
from pipeline.config.publish import PublishConfig
from pipeline.errors import StageError
from pipeline.metrics import accuracy
from pipeline.paths import MNIST_NPZ, ONNX_MODEL, PUBLISHED
from pipeline.stage import run

log = logging.getLogger(__name__)


class PublishParams(Sections):
    """The group of params.yaml publishing reads."""

    publish: PublishConfig


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


def _claimed(path: Path) -> float | None:
    """The test accuracy a model's metadata claims, when it is a real fraction (NaN, inf and 5 are not)."""
    from app.inference import Classifier, ModelError

    try:
        value = Classifier(path).info.test_accuracy
    except ModelError:
        return None
    return value if value is not None and math.isfinite(value) and 0.0 <= value <= 1.0 else None


def measured(path: Path, mnist: Path = MNIST_NPZ) -> float | None:
    """The model's accuracy on MNIST's test set, read here with onnxruntime (None without the data)."""
    from app.inference import Classifier, ModelError

    if not mnist.is_file():
        return None
    from pipeline.data import load_mnist

    data = load_mnist(mnist, counts=None)
    try:
        classifier = Classifier(path)
        probs = classifier.score_all(data.x_test)[0]
    except (ModelError, ValueError) as exc:
        raise StageError(f"refusing to publish {path}: it cannot read the test set ({exc})") from exc
    return accuracy(probs, data.y_test)


def check_release(source: Path, target: Path, cfg: PublishConfig, force: bool, mnist: Path | None = None) -> float:
    """The source model's test accuracy, after refusing a model the app would reject or that is worse.

    The figure is measured on the test set when the data is there, not taken from the metadata: a
    model claiming ``test_accuracy: nan`` passed both comparisons (NaN < x is false) and replaced the
    shipped model. A model taught a person's digits may be ``publish.user_data_tolerance`` below."""
    from app.inference import Classifier, ModelError

    mnist = MNIST_NPZ if mnist is None else mnist
    if not source.is_file():
        raise StageError(f"{source} is missing; run `dvc repro export` first")
    try:
        info = Classifier(source).info
    except ModelError as exc:
        raise StageError(f"refusing to publish {source}: {exc}") from exc
    claimed = _claimed(source)
    test_accuracy = measured(source, mnist)
    was_measured = test_accuracy is not None
    if test_accuracy is None:
        if claimed is None:
            raise StageError(
                f"refusing to publish {source}: its metadata holds no usable test_accuracy "
                f"({info.test_accuracy!r}) and {mnist} is not there to measure it; run `dvc repro download`"
            )
        test_accuracy = claimed
    current = None
    if target.is_file():  # measured too: a shipped model with a corrupt claim must not block genuine ones
        current = measured(target, mnist) if mnist.is_file() else _claimed(target)
    tolerance = cfg.user_data_tolerance if Meta.USER_DATA in info.metadata else 0.0
    problems = []
    if was_measured and (claimed is None or abs(claimed - test_accuracy) > 5e-4):
        problems.append(
            f"its metadata claims test accuracy {info.test_accuracy!r} but it reads {test_accuracy:.2%} of the "
            "test set (export it again with `dvc repro export`)"
        )
    if test_accuracy < cfg.min_test_accuracy:
        problems.append(
            f"its test accuracy {test_accuracy:.2%} is below publish.min_test_accuracy = {cfg.min_test_accuracy:.2%}"
        )
    if current is not None and test_accuracy < current - tolerance - 1e-12:
        allowed = f" (a model taught your digits may be {100 * tolerance:.2f} point below)" if tolerance else ""
        problems.append(f"its test accuracy {test_accuracy:.2%} is below the published model's {current:.2%}{allowed}")
    if problems and not force:
        raise StageError(
            f"refusing to publish {source}: " + "; ".join(problems) + ". Train a better model, or pass --force."
        )
    for p in problems:
        log.warning("publishing anyway (--force): %s", p)
    return test_accuracy


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


def publish(
    cfg: PublishConfig,
    source: Path = ONNX_MODEL,
    target: Path = PUBLISHED,
    *,
    force: bool = False,
    mnist: Path | None = None,
) -> Path:
    """Check ``source`` and copy it, with provenance, to ``target`` atomically."""
    from app.inference import Classifier, ModelError

    source, target = Path(source), Path(target)
    accuracy = check_release(source, target, cfg, force, mnist)
    data = with_provenance(source.read_bytes(), source, Path.cwd())
    atomic_write_bytes(target, data)
    try:
        info = Classifier(target).info
    except ModelError as exc:  # unreachable unless the disk lies; never leave a broken app model
        raise StageError(f"the published copy {target} does not load: {exc}") from exc
    log.info("published %s to %s (test accuracy %.2f%%; %s)", source, target, 100 * accuracy, info.summary)
    publish_strings(source, target)
    return target


def publish_strings(source: Path = ONNX_MODEL, target: Path = PUBLISHED) -> Path | None:
    """Copy the string model beside ``source`` (app.strings) to beside ``target``, with provenance; when the
    pipeline made none (``strings.enabled: false``), remove the shipped one, so the app cuts touching digits alone."""
    import onnxruntime as ort

    from app.strings import string_path

    src, dest = string_path(source), string_path(target)
    if not src.is_file() or src.stat().st_size == 0:
        if dest.is_file():
            dest.unlink()
            log.info("removed %s: the pipeline made no string model", dest)
        return None
    data = with_provenance(src.read_bytes(), src, Path.cwd())
    try:
        ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own types
        raise StageError(
            f"refusing to publish {src}: onnxruntime cannot load it ({exc}); run `dvc repro strings`"
        ) from exc
    atomic_write_bytes(dest, data)
    log.info("published %s to %s", src, dest)
    return dest


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.tools.publish", description=__doc__.splitlines()[0])
    parser.add_argument("--force", action="store_true", help="publish even below the accuracy bar")
    parser.add_argument("--source", type=Path, default=ONNX_MODEL, help=f"model to publish (default {ONNX_MODEL})")
    parser.add_argument(
        "--strings-only", action="store_true", help="publish only the string model beside the source (app/strings.py)"
    )
    args = parser.parse_args(argv)
    if args.strings_only:
        publish_strings(args.source, PUBLISHED)
        return
    publish(load(PublishParams).publish, args.source, PUBLISHED, force=args.force)


if __name__ == "__main__":
    run(lambda: main(sys.argv[1:]))
