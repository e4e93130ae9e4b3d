"""Fitting the configured CNN on MNIST, deterministically: same params and data, same weights.

Why a custom loop rather than ``model.fit``: on a 2-core CPU ``fit`` (numpy arrays or
``tf.data``) flips between ~2,300 and ~1,250 samples/s from one epoch to the next, because
its input pipeline's threads compete with the kernels' thread pool. Keeping the whole
training set in memory as one uint8 tensor and gathering each batch *inside* the compiled
step removes that pipeline (``bench/train_throughput.py`` measures both in one run).
Batches are the same size and the same loss, optimizer and schedule apply.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pipeline.config.model import ModelConfig
from pipeline.config.train import TrainConfig, TrainSections
from pipeline.data import Framed, Mnist, Split, class_counts, split_indices, with_framed
from pipeline.errors import StageError
from pipeline.learn.augment import make_augment
from pipeline.learn.keras_model import predict_probs
from pipeline.learn.loop import Epochs, cosine_decay, one_epoch
from pipeline.learn.models import build_model
from pipeline.learn.tf_setup import import_tf, make_strategy
from pipeline.metrics import accuracy, cross_entropy

log = logging.getLogger(__name__)

EpochCallback = Callable[[dict[str, float]], None]


@dataclass
class TrainResult:
    model: Any
    history: list[dict[str, float]]
    #: results only: the same for the same params and data on any machine
    metrics: dict[str, Any] = field(default_factory=dict)
    #: wall-clock figures, kept apart so that the results stay byte-reproducible
    timing: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Batching:
    """How the training set is cut: the split, the batch, the steps per epoch."""

    split: Split
    batch: int
    steps: int
    epochs: int
    seed: int

    @property
    def walk(self) -> Epochs:
        """How :mod:`pipeline.learn.loop` walks the training split (each epoch's shuffle seeded by seed and epoch)."""
        return Epochs(len(self.split.train), self.batch, self.steps, self.epochs, self.seed)


def make_split(cfg: TrainConfig, labels: np.ndarray) -> Split:
    try:
        return split_indices(labels, cfg.validation_fraction, cfg.seed, cfg.limit)
    except ValueError as exc:
        raise StageError(str(exc)) from exc


def make_batching(cfg: TrainConfig, split: Split, replicas: int = 1) -> Batching:
    n_train = len(split.train)
    if cfg.batch_size > n_train:
        raise StageError(
            f"train.batch_size = {cfg.batch_size} is larger than the training split ({n_train} examples); "
            "lower train.batch_size or raise train.limit"
        )
    if cfg.batch_size % replicas:
        raise StageError(f"train.batch_size = {cfg.batch_size} must be a multiple of the {replicas} replicas")
    # the remainder of each epoch's shuffle is left out (another one next epoch)
    return Batching(split, cfg.batch_size, n_train // cfg.batch_size, cfg.epochs, cfg.seed)


def make_optimizer(cfg: TrainConfig, total_steps: int) -> Any:
    import keras

    lr: Any = cfg.learning_rate
    if cfg.lr_schedule == "cosine":
        lr = cosine_decay(cfg.learning_rate, total_steps, cfg.min_lr_fraction)
    if cfg.optimizer == "adam":
        return keras.optimizers.Adam(lr)
    if cfg.optimizer == "adamw":
        return keras.optimizers.AdamW(lr, weight_decay=cfg.weight_decay)
    if cfg.optimizer == "sgd":
        return keras.optimizers.SGD(lr, momentum=0.9, nesterov=True)
    return keras.optimizers.RMSprop(lr)


def build_in_scope(strategy: Any, model_cfg: ModelConfig, cfg: TrainConfig, total_steps: int) -> tuple[Any, Any]:
    """The model and its optimizer, created under ``strategy`` so their variables are mirrored.

    With ``train.precision=mixed_float16`` layers compute in float16 (the output stays float32)
    and the optimizer scales the loss so small gradients survive (Keras' LossScaleOptimizer).
    """
    import keras

    keras.mixed_precision.set_global_policy(cfg.precision)
    with strategy.scope():
        model = build_model(model_cfg)
        optimizer = make_optimizer(cfg, total_steps)
        if cfg.precision == "mixed_float16":
            optimizer = keras.optimizers.LossScaleOptimizer(optimizer)
        optimizer.build(model.trainable_variables)
    keras.mixed_precision.set_global_policy("float32")
    return model, optimizer


def make_train_step(
    model: Any, optimizer: Any, strategy: Any, data: Mnist, batching: Batching, cfg: TrainConfig
) -> Any:
    """A compiled step: gather a batch by index inside the graph, augment, one optimizer update.

    Returns ``step(idx, global_step) -> (sum of losses, number right)`` over the global batch.
    """
    tf = import_tf()
    import keras

    x_all = tf.constant(data.x_train[batching.split.train][..., None])  # uint8, gathered inside the step
    y_all = tf.constant(data.y_train[batching.split.train].astype(np.int32))
    augment = make_augment(cfg.augment, cfg.seed)

    def step_fn(idx: Any, step: Any) -> tuple[Any, Any]:
        x = tf.cast(tf.gather(x_all, idx), tf.float32) / 255.0
        y = tf.gather(y_all, idx)
        if augment is not None:
            x = augment(x, step)
        with tf.GradientTape() as tape:
            probs = model(x, training=True)
            per_example = keras.losses.categorical_crossentropy(
                tf.one_hot(y, 10), probs, label_smoothing=cfg.label_smoothing
            )
            loss = tf.nn.compute_average_loss(per_example, global_batch_size=batching.batch)
            if hasattr(optimizer, "scale_loss"):  # LossScaleOptimizer (mixed precision); identity otherwise
                loss = optimizer.scale_loss(loss)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(probs, 1, output_type=tf.int32), y), tf.float32))
        return tf.reduce_sum(per_example), correct

    @tf.function
    def train_step(idx: Any, step: Any) -> tuple[Any, Any]:
        loss_sum, correct = strategy.run(step_fn, args=(idx, step))
        return strategy.reduce("SUM", loss_sum, axis=None), strategy.reduce("SUM", correct, axis=None)

    return train_step


def run_epoch(
    train_step: Any, strategy: Any, batching: Batching, epoch: int, progress: bool | None
) -> tuple[float, float]:
    """One pass over this epoch's shuffle; returns (mean loss, accuracy) on the batches seen."""
    tf = import_tf()
    replicas = strategy.num_replicas_in_sync

    def step(batch: np.ndarray, global_step: Any) -> Any:
        parts = np.split(batch, replicas)
        idx = strategy.experimental_distribute_values_from_function(
            lambda ctx: tf.constant(parts[ctx.replica_id_in_sync_group])
        )
        return train_step(idx, global_step)

    sums = one_epoch(step, batching.walk, epoch, f"epoch {epoch}/{batching.epochs}", progress)
    seen = batching.steps * batching.batch
    return float(tf.add_n([s[0] for s in sums])) / seen, float(tf.add_n([s[1] for s in sums])) / seen


def score(model: Any, images: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """(accuracy, loss) of ``model`` on ``images`` in inference mode."""
    probs = predict_probs(model, images)
    return accuracy(probs, labels), cross_entropy(probs, labels)


def history_row(epoch: int, loss: float, acc: float, val_acc: float, val_loss: float) -> dict[str, float]:
    r = 6
    return {
        "epoch": epoch,
        "accuracy": round(acc, r),
        "loss": round(loss, r),
        "val_accuracy": round(val_acc, r),
        "val_loss": round(val_loss, r),
    }


def train(
    params: TrainSections,
    data: Mnist,
    *,
    framed: Framed | None = None,
    progress: bool | None = None,
    on_epoch: EpochCallback | None = None,
) -> TrainResult:
    """Train ``params.model`` with ``params.train`` on ``data``; return the model, history and figures.

    ``framed`` (with ``train.app_framed``): digits as the app frames them; those made from
    this run's training digits are trained on too (:func:`pipeline.data.with_framed`).
    """
    import_tf()
    import keras

    cfg = params.train
    strategy = make_strategy(cfg.strategy)  # first: a multi-worker strategy must exist before any op
    keras.utils.set_random_seed(cfg.seed)
    split = make_split(cfg, data.y_train)
    mnist_train = len(split.train)
    if cfg.app_framed:
        if framed is None:
            raise StageError("train.app_framed is true but no framed digits were given (framed.npz)")
        data, split = with_framed(data, split, framed)
    batching = make_batching(cfg, split, strategy.num_replicas_in_sync)
    model, optimizer = build_in_scope(strategy, params.model, cfg, batching.steps * batching.epochs)
    step = make_train_step(model, optimizer, strategy, data, batching, cfg)
    x_val, y_val = data.x_train[batching.split.validation], data.y_train[batching.split.validation]
    _log_start(params, model, batching, strategy.num_replicas_in_sync)
    history, seconds = [], []
    for epoch in range(1, batching.epochs + 1):
        t0 = time.perf_counter()
        loss, acc = run_epoch(step, strategy, batching, epoch, progress)
        seconds.append(time.perf_counter() - t0)
        history.append(history_row(epoch, loss, acc, *score(model, x_val, y_val)))
        _log_epoch(history[-1], batching, seconds[-1])
        if on_epoch is not None:
            on_epoch(history[-1])
    figures = results(params, model, batching, data, history)
    figures["framed_examples"] = len(batching.split.train) - mnist_train
    return TrainResult(model, history, figures, timing(batching, seconds))


def results(
    params: TrainSections, model: Any, batching: Batching, data: Mnist, history: list[dict[str, float]]
) -> dict[str, Any]:
    """The reproducible figures of a run (``train.json``)."""
    last = history[-1]
    return {
        "accuracy": last["accuracy"],
        "loss": last["loss"],
        "val_accuracy": last["val_accuracy"],
        "val_loss": last["val_loss"],
        "model": params.model.name,
        "parameters": int(model.count_params()),
        "epochs": batching.epochs,
        "train_examples": len(batching.split.train),
        "val_examples": len(batching.split.validation),
        "params_hash": params.section_hash("train", "model"),
        "class_counts": {
            "train": class_counts(data.y_train[batching.split.train]),
            "validation": class_counts(data.y_train[batching.split.validation]),
            "test": class_counts(data.y_test),
        },
    }


def timing(batching: Batching, seconds: list[float]) -> dict[str, Any]:
    """Wall-clock figures of a run (``artifacts/timing/train.json``): they differ from run to run."""
    rates = [batching.steps * batching.batch / s for s in seconds]
    steady = rates[1:] or rates  # the first epoch includes tracing
    return {
        "train_loop_seconds": round(sum(seconds), 1),
        "samples_per_s": round(float(np.median(steady)), 1),
        "epoch_seconds": [round(s, 2) for s in seconds],
        "epoch_samples_per_s": [round(r, 1) for r in rates],
    }


def _log_start(params: TrainSections, model: Any, batching: Batching, replicas: int) -> None:
    log.info(
        "training %s (%d parameters) on %d examples, validating on %d; %d epochs of %d steps of %d, %s",
        params.model.name,
        model.count_params(),
        len(batching.split.train),
        len(batching.split.validation),
        batching.epochs,
        batching.steps,
        batching.batch,
        f"{replicas} replicas" if replicas > 1 else "one device",
    )


def _log_epoch(row: dict[str, float], batching: Batching, seconds: float) -> None:
    log.info(
        "epoch %d/%d: loss %.4f accuracy %.4f | val_loss %.4f val_accuracy %.4f | %.0f s, %.0f samples/s",
        row["epoch"],
        batching.epochs,
        row["loss"],
        row["accuracy"],
        row["val_loss"],
        row["val_accuracy"],
        seconds,
        batching.steps * batching.batch / seconds,
    )
