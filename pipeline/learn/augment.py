"""Random distortions of training batches, as TensorFlow ops inside the training step.

Small rotations, shifts and scaling (one affine warp per image) and stroke thickening or
thinning by one pixel. They run in the input pipeline only: the exported graph never
contains them. Randomness is stateless, keyed by (seed, step, replica), so a run is
reproducible.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from app.contract import FIELD
from pipeline.config.augment import AugmentConfig
from pipeline.learn.tf_setup import import_tf

CENTRE = 13.5  # pixel centre of a 28x28 image


def make_augment(cfg: AugmentConfig, seed: int) -> Callable[[Any, Any], Any] | None:
    """Return ``augment(images, step)`` for float images [B,28,28,1], or None when disabled."""
    if not cfg.enabled:
        return None
    tf = import_tf()

    def augment(images: Any, step: Any) -> Any:
        batch = tf.shape(images)[0]
        ctx = tf.distribute.get_replica_context()
        replica = ctx.replica_id_in_sync_group if ctx is not None else 0
        base = tf.cast(step, tf.int32) * 8 + tf.cast(replica, tf.int32) * 1_000_003

        def uniform(k: int, low: float, high: float) -> Any:
            return tf.random.stateless_uniform([batch], seed=tf.stack([seed, base + k]), minval=low, maxval=high)

        angle = uniform(1, -cfg.rotation_deg, cfg.rotation_deg) * (math.pi / 180.0)
        scale = uniform(2, 1.0 - cfg.scale, 1.0 + cfg.scale)
        tx = uniform(3, -cfg.shift_px, cfg.shift_px)
        ty = uniform(4, -cfg.shift_px, cfg.shift_px)
        # output pixel -> input pixel: in = c + R(-angle) (out - c - t) / scale
        a0 = tf.cos(angle) / scale
        a1 = tf.sin(angle) / scale
        b0, b1 = -a1, a0
        a2 = CENTRE - a0 * (CENTRE + tx) - a1 * (CENTRE + ty)
        b2 = CENTRE - b0 * (CENTRE + tx) - b1 * (CENTRE + ty)
        zeros = tf.zeros_like(a0)
        transforms = tf.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)
        out = tf.raw_ops.ImageProjectiveTransformV3(
            images=images,
            transforms=transforms,
            output_shape=tf.constant([FIELD, FIELD]),
            fill_value=0.0,
            interpolation="BILINEAR",
            fill_mode="CONSTANT",
        )
        if cfg.thickness > 0:
            choice = uniform(5, 0.0, 1.0)[:, None, None, None]
            thick = tf.nn.max_pool2d(out, ksize=2, strides=1, padding="SAME")
            thin = -tf.nn.max_pool2d(-out, ksize=2, strides=1, padding="SAME")
            half = cfg.thickness / 2
            out = tf.where(choice < half, thick, tf.where(choice < cfg.thickness, thin, out))
        return tf.clip_by_value(out, 0.0, 1.0)

    return augment
