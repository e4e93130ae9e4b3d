"""Stage ``train``: fit the configured CNN on MNIST, deterministically.

Outputs (each written atomically): ``artifacts/model/model.keras``, the per-epoch
``artifacts/train/history.csv`` (epoch, accuracy, loss, val_accuracy, val_loss) and the
final figures in ``artifacts/metrics/train.json``.

Why a custom loop rather than ``model.fit``: measured here on 2 cores, ``fit`` (numpy
arrays or ``tf.data``) flips between ~2,300 and ~1,250 samples/s from one epoch to the
next, because the input pipeline's threads compete with the kernels' thread pool and
leave one core idle. Keeping the whole training set in memory as one uint8 tensor and
gathering each batch *inside* the compiled step removes that pipeline: it holds ~2,400
samples/s steadily (``bench/train_throughput.py`` measures both in one run). Batches are
the same size and the same loss, optimizer and schedule apply, so accuracy is unchanged.
"""

from __future__ import annotations

import logging
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.atomic import atomic_path, atomic_write_csv, atomic_write_json
from pipeline.augment import make_augment
from pipeline.config import Params, TrainConfig, load_params
from pipeline.data import MNIST_NPZ, Mnist, class_counts, load_mnist, split_indices
from pipeline.models import build_model
from pipeline.stage import ARTIFACTS, StageError, run
from pipeline.tf_setup import import_tf, make_strategy

log = logging.getLogger(__name__)

MODEL_PATH = ARTIFACTS / "model" / "model.keras"
HISTORY_PATH = ARTIFACTS / "train" / "history.csv"
METRICS_PATH = ARTIFACTS / "metrics" / "train.json"
HISTORY_COLUMNS = ("epoch", "accuracy", "loss", "val_accuracy", "val_loss")


@dataclass
class TrainResult:
    model: Any
    history: list[dict[str, float]]
    metrics: dict[str, Any] = field(default_factory=dict)


def make_optimizer(cfg: TrainConfig, total_steps: int) -> Any:
    import keras

    lr: Any = cfg.learning_rate
    if cfg.lr_schedule == "cosine":
        lr = keras.optimizers.schedules.CosineDecay(
            initial_learning_rate=cfg.learning_rate, decay_steps=max(total_steps, 1), alpha=cfg.min_lr_fraction
        )
    if cfg.optimizer == "adam":
        return keras.optimizers.Adam(lr)
    if cfg.optimizer == "adamw":
        return keras.optimizers.AdamW(lr, weight_decay=cfg.weight_decay)
    if cfg.optimizer == "sgd":
        return keras.optimizers.SGD(lr, momentum=0.9, nesterov=True)
    return keras.optimizers.RMSprop(lr)


_FORWARD: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()


def _forward(model: Any) -> Any:
    """One compiled inference function per model (traced once for any batch size)."""
    if model not in _FORWARD:
        tf = import_tf()

        @tf.function(input_signature=[tf.TensorSpec([None, 28, 28, 1], tf.float32)])
        def forward(x: Any) -> Any:
            return model(x, training=False)

        _FORWARD[model] = forward
    return _FORWARD[model]


def predict_probs(model: Any, images: np.ndarray, batch_size: int = 1000) -> np.ndarray:
    """Softmax probabilities, in inference mode, batch by batch.

    ``images`` (N,28,28): uint8 pixels (scaled to [0,1] here) or float32 already in [0,1].
    """
    forward = _forward(model)
    scale = 255.0 if images.dtype == np.uint8 else 1.0

    def batch(i: int) -> np.ndarray:
        return (images[i : i + batch_size, ..., None] / scale).astype(np.float32)

    out = [forward(batch(i)).numpy() for i in range(0, len(images), batch_size)]
    return np.concatenate(out) if out else np.zeros((0, 10), np.float32)


def _score(model: Any, images: np.ndarray, labels: np.ndarray, batch_size: int) -> tuple[float, float]:
    from pipeline.metrics import cross_entropy

    probs = predict_probs(model, images, batch_size)
    return float((probs.argmax(1) == labels).mean()), cross_entropy(probs, labels)


def train(params: Params, data: Mnist, *, progress: bool | None = None) -> TrainResult:
    """Train ``params.model`` with ``params.train`` on ``data``; return the model, history and figures."""
    tf = import_tf()
    import keras
    from tqdm import tqdm

    cfg = params.train
    keras.utils.set_random_seed(cfg.seed)
    try:
        split = split_indices(data.y_train, cfg.validation_fraction, cfg.seed, cfg.limit)
    except ValueError as exc:
        raise StageError(str(exc)) from exc
    n_train, batch = len(split.train), cfg.batch_size
    if batch > n_train:
        raise StageError(
            f"train.batch_size = {batch} is larger than the training split ({n_train} examples); "
            "lower train.batch_size or raise train.limit"
        )
    strategy = make_strategy(cfg.strategy)
    replicas = strategy.num_replicas_in_sync
    if batch % replicas:
        raise StageError(f"train.batch_size = {batch} must be a multiple of the {replicas} replicas")
    steps = n_train // batch  # the remainder is reshuffled into the next epoch
    total_steps = steps * cfg.epochs

    x_all = tf.constant(data.x_train[split.train][..., None])  # uint8, gathered inside the step
    y_all = tf.constant(data.y_train[split.train].astype(np.int32))
    x_val, y_val = data.x_train[split.validation], data.y_train[split.validation]

    with strategy.scope():
        model = build_model(params.model)
        optimizer = make_optimizer(cfg, total_steps)
        optimizer.build(model.trainable_variables)
    augment = make_augment(cfg.augment, cfg.seed)
    smoothing = cfg.label_smoothing

    def step_fn(idx: Any, step: Any) -> tuple[Any, Any]:
        x = tf.cast(tf.gather(x_all, idx), tf.float32) / 255.0
        y = tf.gather(y_all, idx)
        if augment is not None:
            x = augment(x, step)
        with tf.GradientTape() as tape:
            probs = model(x, training=True)
            per_example = keras.losses.categorical_crossentropy(tf.one_hot(y, 10), probs, label_smoothing=smoothing)
            loss = tf.nn.compute_average_loss(per_example, global_batch_size=batch)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(probs, 1, output_type=tf.int32), y), tf.float32))
        return tf.reduce_sum(per_example), correct

    @tf.function
    def train_step(idx: Any, step: Any) -> tuple[Any, Any]:
        loss_sum, correct = strategy.run(step_fn, args=(idx, step))
        return strategy.reduce("SUM", loss_sum, axis=None), strategy.reduce("SUM", correct, axis=None)

    log.info(
        "training %s (%d parameters) on %d examples, validating on %d; %d epochs of %d steps of %d, %s",
        params.model.name,
        model.count_params(),
        n_train,
        len(split.validation),
        cfg.epochs,
        steps,
        batch,
        f"{replicas} replicas" if replicas > 1 else "one device",
    )
    history: list[dict[str, float]] = []
    timings: list[tuple[float, float]] = []  # (seconds in the training loop, samples/s) per epoch
    started = time.perf_counter()
    global_step = 0
    for epoch in range(1, cfg.epochs + 1):
        order = np.random.default_rng([cfg.seed, epoch]).permutation(n_train).astype(np.int32)
        sums = []
        t0 = time.perf_counter()
        with tqdm(
            total=steps,
            desc=f"epoch {epoch}/{cfg.epochs}",
            unit="step",
            disable=None if progress is None else not progress,
        ) as bar:
            for s in range(steps):
                parts = np.split(order[s * batch : (s + 1) * batch], replicas)
                idx = strategy.experimental_distribute_values_from_function(
                    lambda ctx, parts=parts: tf.constant(parts[ctx.replica_id_in_sync_group])
                )
                sums.append(train_step(idx, tf.constant(global_step, tf.int64)))
                global_step += 1
                bar.update()
        loss_sum = float(tf.add_n([s[0] for s in sums]))
        correct = float(tf.add_n([s[1] for s in sums]))
        seconds = time.perf_counter() - t0
        timings.append((seconds, steps * batch / seconds))
        val_acc, val_loss = _score(model, x_val, y_val, params.evaluate.batch_size)
        row = {
            "epoch": epoch,
            "accuracy": round(correct / (steps * batch), 6),
            "loss": round(loss_sum / (steps * batch), 6),
            "val_accuracy": round(val_acc, 6),
            "val_loss": round(val_loss, 6),
        }
        history.append(row)
        log.info(
            "epoch %d/%d: loss %.4f accuracy %.4f | val_loss %.4f val_accuracy %.4f | %.0f s, %.0f samples/s",
            epoch,
            cfg.epochs,
            row["loss"],
            row["accuracy"],
            row["val_loss"],
            row["val_accuracy"],
            seconds,
            timings[-1][1],
        )
    last = history[-1]
    steady = [t[1] for t in timings[1:]] or [timings[0][1]]
    metrics = {
        "accuracy": last["accuracy"],
        "loss": last["loss"],
        "val_accuracy": last["val_accuracy"],
        "val_loss": last["val_loss"],
        "model": params.model.name,
        "parameters": int(model.count_params()),
        "epochs": cfg.epochs,
        "train_examples": n_train,
        "val_examples": len(split.validation),
        "seconds": round(time.perf_counter() - started, 1),
        "train_loop_seconds": round(sum(t[0] for t in timings), 1),
        "samples_per_s": round(float(np.median(steady)), 1),
        "epoch_samples_per_s": [round(t[1], 1) for t in timings],
        "params_hash": params.section_hash("train", "model"),
        "class_counts": {
            "train": class_counts(data.y_train[split.train]),
            "validation": class_counts(data.y_train[split.validation]),
            "test": class_counts(data.y_test),
        },
    }
    return TrainResult(model=model, history=history, metrics=metrics)


def save(
    result: TrainResult,
    model_path: Path = MODEL_PATH,
    history_path: Path = HISTORY_PATH,
    metrics_path: Path = METRICS_PATH,
) -> None:
    """Write the model, the history and the figures, each atomically."""
    with atomic_path(model_path) as tmp:
        result.model.save(tmp)
    atomic_write_csv(history_path, result.history, HISTORY_COLUMNS)
    atomic_write_json(metrics_path, result.metrics)
    log.info("wrote %s, %s, %s", model_path, history_path, metrics_path)


def load_model(path: Path = MODEL_PATH) -> Any:
    """Load the trained Keras model; say to rerun ``train`` when it is missing or unreadable."""
    import_tf()
    import keras

    path = Path(path)
    if not path.is_file():
        raise StageError(f"{path} is missing; run `dvc repro train` to (re)create it")
    try:
        return keras.models.load_model(path, compile=False)
    except Exception as exc:  # Keras raises many types for a damaged archive
        raise StageError(f"{path} is not a readable Keras model ({exc}); run `dvc repro train` again") from exc


def main() -> None:
    params = load_params()
    data = load_mnist(MNIST_NPZ)
    save(train(params, data))


if __name__ == "__main__":
    run(main)
