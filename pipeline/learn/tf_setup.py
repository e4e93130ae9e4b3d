"""Import TensorFlow once, quietly and deterministically, and pick a distribution strategy.

Every stage that needs TensorFlow calls :func:`import_tf` instead of importing it directly,
so that log noise, logical CPU devices (for testing ``mirrored`` on a CPU) and op
determinism are set before TensorFlow initialises.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

log = logging.getLogger(__name__)

_configured = False

#: oneDNN's instruction-set cap for training (read once, when TensorFlow loads; see import_tf).
ONEDNN_ISA = "AVX2"
#: oneDNN on for training whatever the CPU (see import_tf).
ONEDNN_OPTS = "1"


def import_tf() -> Any:
    """Return the ``tensorflow`` module, configured on first use.

    ``DIGITS_LOGICAL_CPUS=N`` splits the CPU into N logical devices, which lets
    ``train.strategy=mirrored`` run (and be tested) on a machine without GPUs.
    """
    global _configured
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # oneDNN picks its kernels by the CPU's instruction set, and kernels of another width sum in
    # another order: a reference-model epoch gave other weights with AVX-512 than with AVX2 (this
    # Xeon, ONEDNN_MAX_CPU_ISA=AVX512_CORE and unset alike against AVX2). Every x86-64 CPU of the
    # last ten years has AVX2, so capping there gives AVX-512 machines the same weights as the rest;
    # it costs them time (3 epochs of 12,000 digits: 16-19 s uncapped, 26-28 s capped, here). Set
    # ONEDNN_MAX_CPU_ISA=ALL to trade that for speed: the weights then match only AVX-512 machines.
    os.environ.setdefault("ONEDNN_MAX_CPU_ISA", ONEDNN_ISA)
    # TensorFlow turns oneDNN on by itself only where the CPU has AVX-512 VNNI, BF16 or AMX; elsewhere its
    # convolutions and dense layers run Eigen's kernels, which sum in another order. An AVX2-only AMD EPYC
    # (Zen 3) trained the default classifier to other weights than an Intel Xeon and an AMD EPYC with AVX-512
    # (both capped at AVX2: the same bytes), and ONEDNN_VERBOSE listed no convolution at all; with oneDNN on, it
    # runs the very kernels they run (brg_conv avx2, jit:avx2, x64:gemm:jit). So oneDNN is on everywhere.
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", ONEDNN_OPTS)
    with _without_banners():
        import tensorflow as tf

    if not _configured:
        _configured = True
        n_logical = _env_count("DIGITS_LOGICAL_CPUS")
        if n_logical > 1:
            cpu = tf.config.list_physical_devices("CPU")[0]
            tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * n_logical)
        # Same params and seed give the same weights: pick deterministic kernels (on the CPU
        # this costs nothing measurable for these models: bench/train_throughput.py).
        tf.config.experimental.enable_op_determinism()
    return tf


#: What TensorFlow writes to the standard error while it loads, whatever TF_CPP_MIN_LOG_LEVEL says:
#: absl's C++ log, not yet initialised, prints the oneDNN notice (twice) before any setting is read.
_BANNERS = (
    "All log messages before absl::InitializeLog() is called",
    "oneDNN custom operations are on",
    "cpu_feature_guard",
    "To enable the following instructions",
)


@contextlib.contextmanager
def _without_banners() -> Iterator[None]:
    """Hold the standard error (the file descriptor, where C++ writes) while TensorFlow loads, then
    pass on every line but the load-time banners, so a stage prints its own progress and results."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no file descriptor 2 (an embedding host): nothing to hold
        yield
        return
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            kept = [
                line
                for line in held.read().decode(errors="replace").splitlines()
                if not any(b in line for b in _BANNERS)
            ]
            if kept:
                sys.stderr.write("\n".join(kept) + "\n")


def _env_count(name: str) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return 0
    if not raw.isdigit():
        from pipeline.errors import StageError

        raise StageError(f"{name}={raw!r}: expected a whole number of devices (e.g. {name}=2), or leave it unset")
    return int(raw)


def make_strategy(name: str) -> Any:
    """``default``: one device. ``mirrored``: every GPU, or every logical CPU when there is none.

    ``multi_worker``: data-parallel over the machines named in ``$TF_CONFIG`` (the standard
    variable cluster managers set: every worker's address and this worker's index).
    """
    tf = import_tf()
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "multi_worker":
        cluster = cluster_spec()
        strategy = tf.distribute.MultiWorkerMirroredStrategy()
        log.info(
            "multi-worker strategy: worker %d of %d, %d replica(s) in sync",
            cluster["index"],
            cluster["workers"],
            strategy.num_replicas_in_sync,
        )
        return strategy
    if name == "mirrored":
        devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
        names = [d.name for d in devices]
        log.info("mirrored strategy over %d device(s): %s", len(names), ", ".join(names))
        return tf.distribute.MirroredStrategy(devices=names)
    raise ValueError(f"unknown strategy {name!r}; allowed: default, mirrored, multi_worker")


def cluster_spec() -> dict[str, Any]:
    """This worker's place in ``$TF_CONFIG``; say what is wrong with it in words."""
    import json

    from pipeline.errors import StageError

    raw = os.environ.get("TF_CONFIG", "")
    example = (
        'TF_CONFIG=\'{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", "index": 0}}\''
    )
    if not raw:
        raise StageError(f"train.strategy=multi_worker needs $TF_CONFIG naming the workers, e.g. {example}")
    try:
        spec = json.loads(raw)
        workers = spec["cluster"]["worker"]
        task = spec["task"]
        index = int(task["index"])
        kind = task.get("type", "worker")
    except (ValueError, KeyError, TypeError) as exc:
        raise StageError(f"$TF_CONFIG is not valid ({exc}); it looks like {example}") from exc
    if kind not in ("worker", "chief") or not 0 <= index < len(workers):
        raise StageError(f"$TF_CONFIG's task {task} does not name one of its {len(workers)} workers")
    return {"workers": len(workers), "index": index, "chief": (index == 0 and kind == "worker") or kind == "chief"}


def is_chief(strategy_name: str) -> bool:
    """Only the chief writes artifacts (the first worker, unless a chief task is named)."""
    return strategy_name != "multi_worker" or bool(cluster_spec()["chief"])
