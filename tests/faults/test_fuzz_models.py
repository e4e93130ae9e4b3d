"""Fuzzing models: 200 mutated ONNX files (a small digit model and the shipped one) through the app's loader.

Every file ends in a usable model or :class:`app.inference.ModelError`, never another exception,
a crash or a hang: each is loaded (with its probe) and run on three pictures in a child process,
so a crash in onnxruntime's native code would show as a failed run here, not end pytest.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.slow

CHILD = r"""
import json, random, sys, time
from pathlib import Path
import numpy as np
from app.inference import Classifier, ModelError
from tests.faults.test_fault_models import _model

small = Path(_model(Path(sys.argv[1]) / "small.onnx")).read_bytes()
shipped = Path(sys.argv[2]).read_bytes()
rng = random.Random(0)
for k in range(200):
    data = bytearray(small if k < 170 else shipped)
    for _ in range(rng.randint(1, 8)):
        kind, pos = rng.choice(["flip", "set", "cut", "insert"]), rng.randrange(len(data) or 1)
        if kind == "flip" and data:
            data[pos] ^= 1 << rng.randrange(8)
        elif kind == "set" and data:
            data[pos] = rng.randrange(256)
        elif kind == "cut":
            data = data[: rng.randrange(len(data) + 1)]
        else:
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    path = Path(sys.argv[1]) / f"m{k}.onnx"
    path.write_bytes(bytes(data))
    started = time.monotonic()
    try:
        Classifier(path).score(np.random.default_rng(k).random((3, 28, 28), dtype=np.float32))
        outcome = "usable"
    except ModelError:
        outcome = "refused"
    except Exception as exc:
        outcome = f"{type(exc).__name__}: {exc}"[:300]
    print(json.dumps({"model": k, "outcome": outcome, "seconds": round(time.monotonic() - started, 2)}), flush=True)
"""


def test_mutated_models_end_in_a_model_or_our_own_error(tmp_path, published_model):
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path), str(published_model)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]  # no crash in native code
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["model"] for r in results] == list(range(200))  # every file accounted for
    others = [r for r in results if r["outcome"] not in ("usable", "refused")]
    assert others == [], others
    assert max(r["seconds"] for r in results) < 10  # no hang: the probe's limit is 5 s
    assert sum(r["outcome"] == "refused" for r in results) > 100  # the mutations did damage
