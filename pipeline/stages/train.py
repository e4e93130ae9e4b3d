"""Stage ``train``: fit the configured CNN; write the model, its history, layers and figures.

With ``train.app_framed`` the training digits also come as the app frames them when they
are drawn, photographed or written in numbers (``framed.npz``, made by the openset stage).

Per-epoch metrics are logged with dvclive as they come (``artifacts/train/live/``, so
``dvc plots show`` follows a running ``dvc exp run``); wall-clock figures go to
``artifacts/timing/train.json``, apart from the reproducible ``train.json``.
"""

from __future__ import annotations

from pipeline.atomic import atomic_write_csv, atomic_write_json
from pipeline.config.core import load
from pipeline.config.train import Trained
from pipeline.data import load_framed, load_mnist
from pipeline.learn.keras_model import save_model
from pipeline.learn.live import live_epochs
from pipeline.learn.models import layer_table
from pipeline.learn.tf_setup import is_chief
from pipeline.learn.training import train
from pipeline.paths import (
    FRAMED_NPZ,
    HISTORY_COLUMNS,
    HISTORY_CSV,
    LAYER_COLUMNS,
    LAYERS_CSV,
    LIVE_DIR,
    MNIST_NPZ,
    MODEL_KERAS,
    TRAIN_JSON,
    TRAIN_TIMING_JSON,
)
from pipeline.stage import run

OUTPUTS = [MODEL_KERAS, HISTORY_CSV, LAYERS_CSV, LIVE_DIR, TRAIN_JSON, TRAIN_TIMING_JSON]


def main() -> None:
    params = load(Trained)
    data = load_mnist(MNIST_NPZ)
    framed = load_framed(FRAMED_NPZ) if params.train.app_framed else None
    if not is_chief(params.train.strategy):  # a worker of a multi-worker run trains, the chief writes
        train(params, data, framed=framed)
        return
    with live_epochs(LIVE_DIR) as on_epoch:
        result = train(params, data, framed=framed, on_epoch=on_epoch)
    save_model(result.model, MODEL_KERAS)
    atomic_write_csv(HISTORY_CSV, result.history, HISTORY_COLUMNS)
    atomic_write_csv(LAYERS_CSV, layer_table(result.model), LAYER_COLUMNS)
    atomic_write_json(TRAIN_JSON, result.metrics)
    atomic_write_json(TRAIN_TIMING_JSON, result.timing)


if __name__ == "__main__":
    run(main, outputs=OUTPUTS)
