"""The one training loop: the digit classifier, the not-a-digit gate and a person's fine-tuning.

What differs between them is the loss and the data, so each network brings its own compiled
``step(indices, global_step)`` (the loss, the gradient update) and this module walks the
training set: one seeded shuffle per epoch, fixed-size batches (the remainder of a shuffle is
left out; another one next epoch), a progress bar, and the learning-rate schedule they share.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.learn.tf_setup import import_tf

#: ``step(indices (batch,) int32, global step (int64 tensor)) -> outputs`` of one optimizer update.
Step = Callable[[np.ndarray, Any], Any]


@dataclass(frozen=True)
class Epochs:
    """How ``n`` training examples are walked: ``epochs`` passes of ``steps`` batches of ``batch``."""

    n: int
    batch: int
    steps: int
    epochs: int
    seed: int
    #: extra words of the shuffle's seed, so that two networks trained with one seed walk their sets apart
    stream: tuple[int, ...] = ()

    def order(self, epoch: int) -> np.ndarray:
        """This epoch's shuffle of the indices 0..n-1 (seeded by the seed, the stream and the epoch)."""
        return np.random.default_rng([self.seed, *self.stream, epoch]).permutation(self.n).astype(np.int32)


def one_epoch(step: Step, walk: Epochs, epoch: int, desc: str, progress: bool | None) -> list[Any]:
    """One pass over ``epoch``'s shuffle, a batch per ``step``; the steps' outputs in order.

    ``progress``: None shows the bar on a terminal only, True or False always or never.
    """
    tf = import_tf()
    from tqdm import tqdm

    order, first = walk.order(epoch), (epoch - 1) * walk.steps
    outputs = []
    with tqdm(total=walk.steps, desc=desc, unit="step", disable=None if progress is None else not progress) as bar:
        for s in range(walk.steps):
            outputs.append(step(order[s * walk.batch : (s + 1) * walk.batch], tf.constant(first + s, tf.int64)))
            bar.update()
    return outputs


def cosine_decay(learning_rate: float, total_steps: int, min_fraction: float) -> Any:
    """The rate from ``learning_rate`` down to ``min_fraction`` of it over ``total_steps`` (Keras' CosineDecay)."""
    import keras

    return keras.optimizers.schedules.CosineDecay(
        initial_learning_rate=learning_rate, decay_steps=max(total_steps, 1), alpha=min_fraction
    )
