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
        n_logical = int(os.environ.get("DIGITS_LOGICAL_CPUS", "0") or 0)
        if n_logical > 1:
            cpu = tf.config.list_physical_devices("CPU")[0]
            tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * n_logical)
        # Same params and seed give the same weights: pick deterministic kernels. Measured
        # here, this costs nothing on the CPU for these models.
        tf.config.experimental.enable_op_determinism()
    return tf


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
