"""Training throughput: the train stage's loop against a plain ``model.fit`` on numpy arrays.

Both train the reference CNN (same batch size, optimizer, learning-rate schedule and
data) in this one process, alternating, so machine load affects both alike. Prints
samples/s per epoch, their medians and means, the ratio, and the validation accuracy each
reached, so "faster at the same accuracy" can be read off one run.

    python bench/train_throughput.py [--examples 16000] [--epochs 4]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np

from pipeline.config.params import load_params
from pipeline.data import load_mnist, split_indices
from pipeline.paths import MNIST_NPZ


def stage_loop(params, data) -> tuple[list[float], float]:
    from pipeline.learn.training import train

    result = train(params, data, progress=False)
    return result.metrics["epoch_samples_per_s"], result.metrics["val_accuracy"]


def plain_fit(params, data) -> tuple[list[float], float]:
    import keras

    from pipeline.learn.keras_model import predict_probs
    from pipeline.learn.models import build_model
    from pipeline.learn.training import make_optimizer

    cfg = params.train
    keras.utils.set_random_seed(cfg.seed)
    split = split_indices(data.y_train, cfg.validation_fraction, cfg.seed, cfg.limit)
    x = data.x_train[split.train][..., None].astype(np.float32) / 255.0
    y = data.y_train[split.train].astype(np.int64)
    model = build_model(params.model)
    steps = len(x) // cfg.batch_size
    model.compile(make_optimizer(cfg, steps * cfg.epochs), "sparse_categorical_crossentropy", metrics=["accuracy"])
    rates: list[float] = []

    class Timer(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.t0 = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            rates.append(len(x) / (time.perf_counter() - self.t0))

    model.fit(x, y, batch_size=cfg.batch_size, epochs=cfg.epochs, verbose=0, callbacks=[Timer()])
    probs = predict_probs(model, data.x_train[split.validation])
    return rates, float((probs.argmax(1) == data.y_train[split.validation]).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=16000, help="training slice (train + validation)")
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds of each")
    args = parser.parse_args()

    base = load_params()
    quick = {"limit": args.examples, "epochs": args.epochs, "app_framed": False}
    params = base.model_copy(update={"train": base.train.model_copy(update=quick)})
    data = load_mnist(MNIST_NPZ)
    ours, theirs, acc_ours, acc_theirs = [], [], [], []
    for r in range(args.rounds):
        rates, acc = plain_fit(params, data)
        theirs += rates[1:]  # the first epoch includes tracing for both
        acc_theirs.append(acc)
        rates, acc = stage_loop(params, data)
        ours += rates[1:]
        acc_ours.append(acc)
        print(
            f"round {r + 1}: model.fit {[round(v) for v in theirs[-(args.epochs - 1) :]]} samples/s, "
            f"stage loop {[round(v) for v in ours[-(args.epochs - 1) :]]} samples/s",
            flush=True,
        )
    print(f"batch {params.train.batch_size}, {args.examples} examples, {args.epochs} epochs x {args.rounds} rounds")
    print(
        f"model.fit (numpy arrays): median {statistics.median(theirs):7.0f} samples/s, "
        f"mean {statistics.mean(theirs):7.0f}, val accuracy {statistics.mean(acc_theirs):.4f}"
    )
    print(
        f"stage training loop     : median {statistics.median(ours):7.0f} samples/s, "
        f"mean {statistics.mean(ours):7.0f}, val accuracy {statistics.mean(acc_ours):.4f}"
    )
    print(
        f"ratio (stage / fit)     : median {statistics.median(ours) / statistics.median(theirs):.2f}x, "
        f"mean {statistics.mean(ours) / statistics.mean(theirs):.2f}x"
    )


if __name__ == "__main__":
    main()
