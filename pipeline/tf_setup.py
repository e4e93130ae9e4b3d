"""Import TensorFlow once, quietly and deterministically, and pick a distribution strategy.

Every stage that needs TensorFlow calls :func:`import_tf` instead of importing it directly,
so that log noise, logical CPU devices (for testing ``mirrored`` on a CPU) and op
determinism are set before TensorFlow initialises.
"""

from __future__ import annotations

import logging
import os
from typing import Any

log = logging.getLogger(__name__)

_configured = False


def import_tf() -> Any:
    """Return the ``tensorflow`` module, configured on first use.

    ``DIGITS_LOGICAL_CPUS=N`` splits the CPU into N logical devices, which lets
    ``train.strategy=mirrored`` run (and be tested) on a machine without GPUs.
    """
    global _configured
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
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


def _env_count(name: str) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return 0
    if not raw.isdigit():
        from pipeline.stage import StageError

        raise StageError(f"{name}={raw!r}: expected a whole number of devices (e.g. {name}=2), or leave it unset")
    return int(raw)


def make_strategy(name: str) -> Any:
    """``default``: one device. ``mirrored``: every GPU, or every logical CPU when there is none."""
    tf = import_tf()
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        devices = tf.config.list_logical_devices("GPU") or tf.config.list_logical_devices("CPU")
        names = [d.name for d in devices]
        log.info("mirrored strategy over %d device(s): %s", len(names), ", ".join(names))
        return tf.distribute.MirroredStrategy(devices=names)
    raise ValueError(f"unknown strategy {name!r}; allowed: default, mirrored")
