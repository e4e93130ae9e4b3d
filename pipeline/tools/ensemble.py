"""``python -m pipeline.tools.ensemble EXP|PATH ... [--name NAME]``: several trained models as one ONNX file.

Each argument is an experiment (a name or revision from ``dvc exp show``, whose
``model.keras`` is fetched from the DVC cache with ``dvc get``) or a ``.keras`` file. The
models' probabilities are averaged inside one graph with the same interface as a single
model (``image`` -> ``probs``, plus the gate's ``not_digit`` when the pipeline has one),
exported by the export stage's own code: onnx.checker, parity with Keras on the whole test
set, int8 with its accuracy limit; then scored by the evaluate stage's own code through the
app's reader (undisputed digits, drawn digits, numbers, photos, "not a digit"). Writes
``artifacts/ensemble/<name>.onnx``, ``<name>.int8.onnx`` and ``<name>.json`` (export and
evaluation figures, members).

One member is allowed: it re-exports that experiment's model beside the workspace's gate
and scores it, so an experiment's open-world figures can be measured again after the gate
or the reader changed, without training it again.

    dvc exp run --queue -S model=improved_cnn -S 'train.seed=1,2,3,4,5' && dvc queue start
    dvc exp show -A                                   # the experiments' names
    python -m pipeline.tools.ensemble gawsy-fees irony-love worse-luke aided-judo blank-lier --name improved_x5
    digit-app --model artifacts/ensemble/improved_x5.onnx
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from app.contract import FIELD, INPUT_NAME, OUTPUT_NAME
from pipeline.artifacts import read_json
from pipeline.atomic import atomic_write_bytes, atomic_write_json
from pipeline.config.core import load
from pipeline.config.evaluate import EvaluateConfig
from pipeline.config.export import ExportConfig
from pipeline.config.train import Trained
from pipeline.data import load_mnist, read_npz
from pipeline.errors import StageError
from pipeline.learn.keras_model import load_model
from pipeline.learn.onnx_export import export
from pipeline.learn.tf_setup import import_tf
from pipeline.paths import ARTIFACTS, GATE_JSON, GATE_KERAS, MNIST_NPZ, MODEL_KERAS, OPENSET_NPZ, RENDERINGS_NPZ
from pipeline.stage import run

log = logging.getLogger(__name__)

OUT_DIR = ARTIFACTS / "ensemble"


class EnsembleParams(Trained):
    """The groups of params.yaml an ensemble reads: the export's, and evaluate's to score it."""

    export: ExportConfig
    evaluate: EvaluateConfig


def fetch_member(ref: str, scratch: Path) -> Path:
    """A ``.keras`` path as given, or an experiment's ``model.keras`` from the DVC cache."""
    path = Path(ref)
    if path.suffix == ".keras":
        if not path.is_file():
            raise StageError(f"{path} does not exist")
        return path
    out = scratch / f"{len(list(scratch.iterdir()))}-{ref.replace('/', '_')}.keras"
    proc = subprocess.run(
        ["dvc", "get", ".", str(MODEL_KERAS), "--rev", ref, "-o", str(out)], capture_output=True, text=True
    )
    if proc.returncode != 0 or not out.is_file():
        raise StageError(
            f"cannot get {MODEL_KERAS} of experiment {ref!r}: {proc.stderr.strip()[-400:]} "
            "(names and revisions: `dvc exp show`; run `dvc pull` if it lives in a remote)"
        )
    return out


def average(models: list[Any], name: str) -> Any:
    """One Keras model whose output is the mean of the members' probabilities (the members are renamed)."""
    import_tf()
    import keras

    inputs = keras.Input(shape=(FIELD, FIELD, 1), name=INPUT_NAME)
    outs = []
    for i, m in enumerate(models):
        m.name = f"member{i}"  # unique names inside the new graph (members are often the same architecture)
        outs.append(m(inputs, training=False))
    probs = keras.layers.Average(name=OUTPUT_NAME)(outs) if len(outs) > 1 else outs[0]
    return keras.Model(inputs, probs, name=name)


def build(refs: list[str], name: str) -> dict[str, Any]:
    if not refs:
        raise StageError("give at least one experiment or .keras file")
    params = load(EnsembleParams)
    data = load_mnist(MNIST_NPZ)
    with tempfile.TemporaryDirectory(prefix="ensemble-") as tmp:
        members = [load_model(fetch_member(r, Path(tmp))) for r in refs]
    model = average(members, name)
    gate_info = read_json(GATE_JSON, "gate", ["enabled"])
    gate = load_model(GATE_KERAS) if gate_info["enabled"] else None
    threshold = float(gate_info["threshold"]) if gate is not None else None
    origin = f"ensemble of {len(refs)}: " + ", ".join(refs) if len(refs) > 1 else f"{refs[0]}, re-exported"
    overrides = {"model_name": name, "params_hash": origin}
    result = export(model, data, params, gate, threshold, overrides)
    out = OUT_DIR / f"{name}.onnx"
    atomic_write_bytes(out, result.onnx_bytes)
    atomic_write_bytes(out.with_suffix(".int8.onnx"), result.int8_bytes)
    figures = {"members": refs, **result.metrics, "timing": result.timing, "eval": score(out, data, params)}
    atomic_write_json(out.with_suffix(".json"), figures)
    log.info(
        "wrote %s: test accuracy %.4f (int8 %.4f)",
        out,
        result.metrics["onnx_accuracy"],
        result.metrics["int8"].get("accuracy", float("nan")),
    )
    return figures


def score(path: Path, data: Any, params: EnsembleParams) -> dict[str, Any]:
    """The evaluate stage's figures for the written model (the open-world sets when they exist)."""
    import numpy as np

    from app.inference import Classifier
    from pipeline.evaluation import evaluate

    def arrays(p: Path, stage: str) -> dict[str, np.ndarray]:
        if not p.is_file():
            log.warning("%s is missing (run `dvc repro`): scoring on MNIST's test set only", p)
            return {}
        return read_npz(p, stage)

    renderings, openset = arrays(RENDERINGS_NPZ, "render"), arrays(OPENSET_NPZ, "openset")
    result = evaluate(Classifier(path, threads=0), data, renderings, openset, params.evaluate)
    return result.metrics


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.tools.ensemble", description=__doc__.splitlines()[0])
    parser.add_argument("members", nargs="+", help="experiment names/revisions or .keras files")
    parser.add_argument("--name", default="ensemble", help="file name under artifacts/ensemble/")
    args = parser.parse_args(argv)
    build(args.members, args.name)


if __name__ == "__main__":
    run(lambda: main(sys.argv[1:]))
