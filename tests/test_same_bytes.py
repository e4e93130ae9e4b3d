"""The data stages' pictures, and the string model's strings, are the same bytes on any CPU and any number of cores.

Each run is a fresh process, since the BLAS kernel, numpy's SIMD level and the worker count are
chosen when a process starts. ``OPENBLAS_CORETYPE`` makes OpenBLAS use another CPU's kernels
here: that is how a machine of another kind (an AMD EPYC picks Haswell-like kernels where an
AVX-512 Intel picks SkylakeX) is imitated on this one. Before resizing became exact arithmetic,
12 of the job's 67 arrays differed between the default kernel and Haswell's on an AVX-512 Intel.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# A little of everything render and openset make: drawn digits, numbers, photos, scenes of every
# family, framed digits of every kind, read scenes (digits and wrong cuts), generated non-digits.
JOB = """
import hashlib, sys
import numpy as np
from pipeline.config.params import RenderConfig, load_params
from pipeline.data import load_mnist
from pipeline.sets.testsets import render_sets
from pipeline.sets.trainsets import digits_as_drawn, negatives, scene_sets

m = load_mnist(sys.argv[1], counts=None)
p = load_params(sys.argv[2])
cfg = RenderConfig(seed=1, drawn=True, drawn_limit=8, photos=12, numbers_per_length=3, number_lengths=[2, 4],
                   scenes_per_family=1)
out = render_sets(m, cfg, p.families)
for family, framed in digits_as_drawn(m.x_train[:120], 2, 12, 4, 3).items():
    out["framed_" + family] = framed.images
scenes = scene_sets(m.x_train[:120], 6, p.families, 3)
out["scene_digits"], out["miscuts"] = scenes.digits.images, scenes.miscuts
out["non_digits"] = negatives("train", 60, 3, m.x_train[:120]).images
# the string model's training strings, MNIST's and a pen's (its weights are the same on any CPU with AVX2 only if
# they are)
from pipeline.synth.strings import string_examples
out["strings"] = string_examples(m.x_train[:120], m.y_train[:120], 40, ["touching", "overlapping"],
                                 ["glyph", "scribble", "shape"], np.random.default_rng(3), 0.5)[0]
for k in sorted(out):
    v = np.ascontiguousarray(out[k])
    print(k, v.dtype, v.shape, hashlib.md5(v.tobytes()).hexdigest())
"""


def _cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    line = next((ln for ln in text.splitlines() if ln.startswith("flags")), "")
    return set(line.partition(":")[2].split())


def _hashes(**env: str) -> dict[str, str]:
    from tests.conftest import SAMPLE_NPZ

    run_env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "NPY_DISABLE_CPU_FEATURES")}
    run_env |= {"DIGITS_WORKERS": "1", "PYTHONPATH": str(ROOT)} | env
    done = subprocess.run(
        [sys.executable, "-c", JOB, str(SAMPLE_NPZ), str(ROOT / "params.yaml")],
        env=run_env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    assert len(rows) > 40, rows  # every kind of picture was made
    return rows


@pytest.fixture(scope="session")  # built once, also when pytest-xdist interleaves modules
def default() -> dict[str, str]:
    return _hashes()


def _differences(a: dict[str, str], b: dict[str, str]) -> list[str]:
    return sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))


@pytest.mark.slow
def test_same_bytes_with_another_cpus_blas_kernels(default):
    # Prescott's kernels (SSE3) run on any x86-64; Haswell's need AVX2 and are an AMD EPYC's choice
    kinds = ["PRESCOTT"] + (["HASWELL"] if "avx2" in _cpu_flags() else [])
    for kind in kinds:
        assert _differences(default, _hashes(OPENBLAS_CORETYPE=kind)) == [], kind


@pytest.mark.slow
def test_same_bytes_with_numpys_simd_capped_and_on_two_cores(default):
    # numpy's dispatch above its x86-64-v2 baseline switched off, as on an older CPU; and two workers
    capped = _hashes(NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4 AVX512_ICL AVX512_SPR")
    assert _differences(default, capped) == []
    assert _differences(default, _hashes(DIGITS_WORKERS="2")) == []


TRAIN = """
import hashlib, sys
from pipeline.config.params import load_params
from pipeline.data import load_mnist
from pipeline.learn.training import train

p = load_params(sys.argv[2])
p = p.model_copy(update={"train": p.train.model_copy(update=dict(epochs=1, limit=600, lr_schedule="constant",
                                                                  app_framed=False))})
model = train(p, load_mnist(sys.argv[1], counts=None), progress=False).model
print(hashlib.md5(b"".join(w.tobytes() for w in model.get_weights())).hexdigest())
"""


def _weights(**env: str) -> str:
    from tests.conftest import SAMPLE_NPZ

    inherited = {k: v for k, v in os.environ.items() if k not in ("ONEDNN_MAX_CPU_ISA", "TF_ENABLE_ONEDNN_OPTS")}
    run_env = inherited | {"PYTHONPATH": str(ROOT)} | env
    done = subprocess.run(
        [sys.executable, "-c", TRAIN, str(SAMPLE_NPZ), str(ROOT / "params.yaml")],
        env=run_env,
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()[-1]


@pytest.mark.slow
def test_training_uses_the_kernels_of_an_avx2_machine_by_default():
    """An AVX-512 CPU trains with oneDNN's AVX2 kernels unless told otherwise, so its weights are an
    AVX2 machine's (on an AVX2 machine both runs use AVX2 anyway: the test then checks only that
    training is repeatable in a fresh process)."""
    from pipeline.learn.tf_setup import ONEDNN_ISA

    assert _weights() == _weights(ONEDNN_MAX_CPU_ISA=ONEDNN_ISA)


@pytest.mark.slow
def test_training_runs_onednn_on_every_cpu():
    """TensorFlow turns oneDNN on by itself only on CPUs with AVX-512 VNNI, BF16 or AMX, and Eigen's kernels
    give other weights: training asks for oneDNN, so an AVX2-only CPU trains as the others do. Fails before on
    an AVX2-only CPU (an AMD EPYC, Zen 3: the default was Eigen's weights); on an AVX-512 one it checks that
    the choice matters (oneDNN off gives other weights) and that the default is oneDNN."""
    from pipeline.learn.tf_setup import ONEDNN_OPTS

    default = _weights()
    assert default == _weights(TF_ENABLE_ONEDNN_OPTS=ONEDNN_OPTS) != _weights(TF_ENABLE_ONEDNN_OPTS="0")
