"""The "not a digit" gate: a small CNN that scores how unlike a digit a 28x28 input is.

It is trained apart from the digit classifier (whose weights stay exactly as they are) on
digits (MNIST's training split as is, and the same digits drawn and photographed, through
the app's preprocessing) against generated non-digits (:mod:`pipeline.sets.trainsets`). Its
decision threshold is chosen on the *validation* split only (:func:`pick_threshold` says
how). Export puts it beside the classifier in one ONNX model.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.contract import FIELD, INPUT_NAME, REJECT_OUTPUT_NAME, THRESHOLD_DECIMALS, rejects
from pipeline.config.gate import GateConfig, GateNetwork
from pipeline.data import DIGIT_FAMILIES, Split, framed_key
from pipeline.errors import StageError
from pipeline.learn.loop import Epochs, cosine_decay, one_epoch
from pipeline.learn.tf_setup import import_tf
from pipeline.streams import Stream

log = logging.getLogger(__name__)

OUTPUT = REJECT_OUTPUT_NAME


@dataclass
class GateData:
    """Inputs (N,28,28) uint8 and labels (1 = not a digit) for training, with the validation sets apart."""

    x_train: np.ndarray
    y_train: np.ndarray
    val_mnist: np.ndarray  # validation digits, as MNIST has them
    val_drawn: dict[str, np.ndarray]  # validation digits drawn, photographed, in numbers: by family
    val_negatives: np.ndarray


def gate_data(x_train: np.ndarray, split: Split, openset: dict[str, np.ndarray], scenes_repeat: int = 1) -> GateData:
    """The gate's examples from MNIST's training set (``split``: the gate's own) and the openset stage's
    arrays: the digits as MNIST has them and as the app frames them (0) against the non-digits (1); the digits
    cut from written scenes ``scenes_repeat`` times each."""
    wanted = [framed_key(s, f) for s in ("train", "validation") for f in DIGIT_FAMILIES]
    missing = [k for k in [*wanted, "negatives_train", "negatives_validation"] if k not in openset]
    if missing:
        raise StageError(f"the openset stage's files lack {', '.join(missing)}; run `dvc repro openset`")
    drawn = [
        openset[framed_key("train", f)] for f in DIGIT_FAMILIES for _ in range(scenes_repeat if f == "scenes" else 1)
    ]  # a repeat is the same array listed again: the one concatenation below copies it
    digits = np.concatenate([x_train[split.train], *drawn])
    negatives = openset["negatives_train"]
    x = np.concatenate([digits, negatives])
    y = np.concatenate([np.zeros(len(digits), np.uint8), np.ones(len(negatives), np.uint8)])
    validation = {f: openset[framed_key("validation", f)] for f in DIGIT_FAMILIES}
    return GateData(x, y, x_train[split.validation], validation, openset["negatives_validation"])


@dataclass
class GateResult:
    model: Any
    threshold: float
    metrics: dict[str, Any]
    history: list[dict[str, float]]


def build_gate(network: GateNetwork, name: str = "gate") -> Any:
    import_tf()
    import keras
    from keras import layers

    inputs = keras.Input(shape=(FIELD, FIELD, 1), name=INPUT_NAME)
    x = inputs
    for k, filters in enumerate(network.conv_filters, 1):
        x = layers.Conv2D(filters, 3, activation="relu", name=f"g_conv{k}")(x)
        x = layers.MaxPooling2D(2, name=f"g_pool{k}")(x)
    x = layers.Flatten(name="g_flatten")(x)
    x = layers.Dense(network.dense_units, activation="relu", name="g_dense")(x)
    x = layers.Dropout(network.dropout, name="g_drop")(x)
    outputs = layers.Dense(1, activation="sigmoid", name=OUTPUT)(x)
    return keras.Model(inputs, outputs, name=name)


def train_gate(data: GateData, cfg: GateConfig, seed: int, progress: bool | None = None) -> GateResult:
    """Fit the gate (binary cross-entropy, balanced classes, augmentation) and choose its threshold."""
    tf = import_tf()
    import keras

    from pipeline.learn.augment import make_augment

    keras.utils.set_random_seed(seed)
    model = build_gate(cfg.network)
    n = len(data.x_train)
    steps = n // cfg.batch_size
    optimizer = keras.optimizers.Adam(cosine_decay(cfg.learning_rate, steps * cfg.epochs, cfg.min_lr_fraction))
    optimizer.build(model.trainable_variables)
    augment = make_augment(cfg.augment, seed)
    x_all = tf.constant(data.x_train[..., None])
    y_all = tf.constant(data.y_train.astype(np.float32))
    positive_share = float(data.y_train.mean())
    weights = tf.constant([0.5 / (1 - positive_share), 0.5 / positive_share], tf.float32)  # balance the classes

    @tf.function
    def step(idx: Any, global_step: Any) -> Any:
        x = augment(tf.cast(tf.gather(x_all, idx), tf.float32) / 255.0, global_step)
        y = tf.gather(y_all, idx)
        with tf.GradientTape() as tape:
            p = tf.squeeze(model(x, training=True), 1)
            w = tf.gather(weights, tf.cast(y, tf.int32))
            loss = tf.reduce_mean(w * keras.losses.binary_crossentropy(y[:, None], p[:, None]))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    walk = Epochs(n, cfg.batch_size, steps, cfg.epochs, seed, stream=(Stream.GATE_ORDER,))
    history = []
    for epoch in range(1, cfg.epochs + 1):
        losses = one_epoch(
            lambda idx, at: step(tf.constant(idx), at), walk, epoch, f"gate epoch {epoch}/{cfg.epochs}", progress
        )
        history.append({"epoch": epoch, "loss": round(float(tf.add_n(losses)) / steps, 6)})
        log.info("gate epoch %d/%d: loss %.4f", epoch, cfg.epochs, history[-1]["loss"])
    threshold, metrics = choose_threshold(model, data, cfg)
    return GateResult(model, threshold, metrics, history)


def gate_scores(model: Any, images: np.ndarray) -> np.ndarray:
    from pipeline.learn.keras_model import predict_probs

    return predict_probs(model, images)[:, 0] if len(images) else np.zeros(0, np.float32)


def _decimals(value: float, up: bool) -> float:
    """``value`` to the decimals the model's metadata keeps, rounded up or down (never to nearest)."""
    scaled = value * 10**THRESHOLD_DECIMALS
    return (math.ceil(scaled) if up else math.floor(scaled)) / 10**THRESHOLD_DECIMALS


def pick_threshold(
    digits: dict[str, np.ndarray], negatives: np.ndarray, limits: dict[str, float], min_rejected: float
) -> float:
    """The gate's operating point, from validation scores only (a score >= threshold is rejected).

    The digit limits give the lowest threshold allowed: no family of digits may lose more than
    its limit. Above that, the threshold rises as long as at least ``min_rejected`` of the
    non-digits are still turned away: slack the gate has on non-digits is spent on rejecting
    fewer real digits, which matters most in a number (one rejected digit loses all of it).
    Without non-digits (or with ``min_rejected`` beyond reach) it is the lowest allowed.
    """
    digits = {f: s for f, s in digits.items() if len(s)}
    if not digits:
        raise ValueError("no validation digits to choose the gate's threshold on; the validation split is empty")
    lowest = float(max(np.quantile(s, 1 - limits[f], method="higher") for f, s in digits.items()))
    lowest = _decimals(float(np.nextafter(np.float32(lowest), np.float32(1))), up=True)  # the quantile is accepted
    highest = lowest
    if len(negatives):
        # the fewest non-digits that must stay rejected: the first count whose share, computed as
        # gate.json computes it, reaches min_rejected (a rounded product can be a count off either way)
        n = len(negatives)
        keep = next(k for k in range(max(1, math.floor(min_rejected * n) - 1), n + 1) if k / n >= min_rejected)
        highest = _decimals(float(np.sort(negatives)[len(negatives) - keep]), up=False)
    return min(max(lowest, highest), 0.999)


def _share(flags: np.ndarray) -> float | None:
    return round(float(flags.mean()), 6) if len(flags) else None


def choose_threshold(model: Any, data: GateData, cfg: GateConfig) -> tuple[float, dict[str, Any]]:
    """:func:`pick_threshold` on the validation split, and the rates it gives there (as the app decides)."""
    scores = {"mnist": gate_scores(model, data.val_mnist)}
    scores |= {f: gate_scores(model, x) for f, x in data.val_drawn.items() if len(x)}
    negatives = gate_scores(model, data.val_negatives)
    limits = {f: cfg.max_false_reject_mnist if f == "mnist" else cfg.max_false_reject_drawn for f in scores}
    threshold = pick_threshold(scores, negatives, limits, cfg.min_non_digits_rejected)
    rejected = {f"{f}_rejected": _share(rejects(s, threshold)) for f, s in scores.items()}
    metrics = {
        "threshold": threshold,
        "validation": {
            **rejected,
            "non_digits_rejected": _share(rejects(negatives, threshold)),
            "examples": {f: len(s) for f, s in scores.items()} | {"non_digits": len(negatives)},
        },
    }
    log.info(
        "gate threshold %.4f (validation): rejects %s; %s of non-digits",
        threshold,
        ", ".join(f"{100 * v:.2f}% of {k.removesuffix('_rejected')}" for k, v in rejected.items() if v is not None),
        "none"
        if metrics["validation"]["non_digits_rejected"] is None
        else f"{100 * metrics['validation']['non_digits_rejected']:.2f}%",
    )
    return threshold, metrics
