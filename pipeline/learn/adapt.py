"""Teach the trained classifier one person's handwriting, without forgetting everyone else's.

Fine-tuning, not training anew: a few epochs from the trained weights at a small constant rate,
on the person's training digits (each repeated ``user.repeats`` times an epoch) mixed with
``user.replay`` digits drawn from what training learned from (MNIST's training digits and, with
``train.app_framed``, the same digits as the app frames them), through the very training step
and augmentation of :mod:`pipeline.learn.training`. Minutes instead of the quarter hour a full training takes, and the
model moves only as far as the person's digits pull it. Before and after are measured on the
person's held-out sittings and on MNIST validation (the test set is read by ``evaluate`` only).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from pipeline.config.train import TrainConfig
from pipeline.config.user import UserConfig
from pipeline.data import Framed, Mnist, Split, with_framed
from pipeline.learn.keras_model import predict_probs
from pipeline.learn.training import Batching, make_optimizer, make_split, make_train_step, run_epoch
from pipeline.metrics import accuracy
from pipeline.streams import Stream
from pipeline.userdata import UserSet

log = logging.getLogger(__name__)


class AdaptSections(Protocol):
    """The groups adapting reads (the adapt stage's, or ``Params``): the person's, and training's split and recipe."""

    @property
    def user(self) -> UserConfig: ...

    @property
    def train(self) -> TrainConfig: ...


@dataclass
class AdaptResult:
    model: Any
    metrics: dict[str, Any]
    seconds: float


def measure(model: Any, users: UserSet, x_val: np.ndarray, y_val: np.ndarray) -> dict[str, Any]:
    """Accuracy on the person's held-out digits (and which are wrong) and on MNIST validation."""
    out: dict[str, Any] = {"held_out": len(users.y_held)}
    if len(users.y_held):
        predicted = predict_probs(model, users.x_held).argmax(1)
        wrong = np.flatnonzero(predicted != users.y_held)
        out["accuracy"] = round(float(1 - len(wrong) / len(users.y_held)), 6)
        out["wrong"] = [
            {
                "index": int(i),
                "record": users.ids[users.r_held[i]],
                "true": int(users.y_held[i]),
                "predicted": int(predicted[i]),
            }
            for i in wrong
        ]
    if len(y_val):
        out["mnist_val_accuracy"] = round(accuracy(predict_probs(model, x_val), y_val), 6)
    return out


def training_mix(
    params: AdaptSections, mnist: Mnist, users: UserSet, framed: Framed | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The person's training digits, repeated, and a seeded draw of what training learned from: MNIST's
    training digits and ``framed``'s made from them (never a validation digit in any form).

    For the test writer of docs/userdata.md, replaying MNIST alone cost drawn digits 0.09 point
    (99.41 -> 99.32%, three standard errors); replaying what training learned from, 0.04 (within
    the noise), with MNIST test unchanged (99.56%).
    """
    cfg = params.user
    split = make_split(params.train, mnist.y_train)
    if framed is not None:
        mnist, split = with_framed(mnist, split, framed)
    rng = np.random.default_rng([cfg.seed, Stream.ADAPT_REPLAY])
    replay = np.sort(rng.choice(split.train, size=min(cfg.replay, len(split.train)), replace=False))
    x = np.concatenate([np.repeat(users.x_train, cfg.repeats, axis=0), mnist.x_train[replay]])
    y = np.concatenate([np.repeat(users.y_train, cfg.repeats), mnist.y_train[replay]])
    return x, y


def adapt(
    model: Any,
    params: AdaptSections,
    mnist: Mnist,
    users: UserSet,
    framed: Framed | None = None,
    progress: bool | None = None,
) -> AdaptResult:
    """Fine-tune ``model`` (in place) on the person's digits; return it with before and after figures."""
    import keras

    from pipeline.learn.tf_setup import make_strategy

    cfg = params.user
    strategy = make_strategy("default")
    keras.utils.set_random_seed(cfg.seed)
    val = make_split(params.train, mnist.y_train).validation
    x_val, y_val = mnist.x_train[val], mnist.y_train[val]
    before = measure(model, users, x_val, y_val)
    x, y = training_mix(params, mnist, users, framed)
    recipe = _recipe(params)
    batching = Batching(
        Split(np.arange(len(y)), np.zeros(0, np.int64)),
        min(cfg.batch_size, len(y)),
        max(len(y) // cfg.batch_size, 1),
        cfg.epochs,
        cfg.seed,
    )
    data = Mnist(x, y, mnist.x_test[:0], mnist.y_test[:0])
    optimizer = make_optimizer(recipe, batching.steps * batching.epochs)
    optimizer.build(model.trainable_variables)
    step = make_train_step(model, optimizer, strategy, data, batching, recipe)
    log.info(
        "adapting: %d of the person's digits x%d and %d replayed digits, %d epochs of %d steps",
        len(users.y_train),
        cfg.repeats,
        len(y) - len(users.y_train) * cfg.repeats,
        batching.epochs,
        batching.steps,
    )
    started = time.perf_counter()
    for epoch in range(1, batching.epochs + 1):
        loss, acc = run_epoch(step, strategy, batching, epoch, progress)
        log.info("epoch %d/%d: loss %.4f, accuracy %.4f", epoch, batching.epochs, loss, acc)
    seconds = time.perf_counter() - started
    after = measure(model, users, x_val, y_val)
    return AdaptResult(model, {"enabled": True, "before": before, "after": after, **fixed(before, after)}, seconds)


def _recipe(params: AdaptSections) -> Any:
    """Training's settings with the person's: their rate, batch, epochs and seed, a constant rate, no smoothing."""
    cfg = params.user
    return params.train.model_copy(
        update={
            "learning_rate": cfg.learning_rate,
            "lr_schedule": "constant",
            "batch_size": cfg.batch_size,
            "epochs": cfg.epochs,
            "seed": cfg.seed,
            "label_smoothing": 0.0,
        }
    )


def fixed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """How many of the trained model's errors on the held-out digits are gone, and how many are new."""
    if "wrong" not in before:
        return {}
    was = {w["index"] for w in before["wrong"]}
    now = {w["index"] for w in after.get("wrong", [])}
    return {"errors_before": len(before["wrong"]), "errors_fixed": len(was - now), "errors_new": len(now - was)}
