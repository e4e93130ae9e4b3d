"""Stage ``adapt``: with ``user.enabled``, the trained classifier taught the person's own digits.

``artifacts/model/adapted.keras`` is what ``export`` ships. Without ``user.enabled`` it is the
trained model, byte for byte (so a clean clone, or a person who has not opted in, builds exactly
the default model), and ``adapt.json`` still says how the trained model reads the person's
held-out digits, when there are any.
"""

from __future__ import annotations

import logging

import numpy as np

from app.contract import FIELD
from pipeline.atomic import atomic_write_bytes, atomic_write_json
from pipeline.config.core import Sections, load
from pipeline.config.train import TrainConfig
from pipeline.config.user import UserConfig
from pipeline.data import load_framed, load_mnist, read_npz
from pipeline.errors import StageError
from pipeline.learn.adapt import adapt, measure
from pipeline.learn.keras_model import load_model, save_model
from pipeline.paths import ADAPT_JSON, ADAPTED_KERAS, FRAMED_NPZ, MNIST_NPZ, MODEL_KERAS, USER_NPZ
from pipeline.stage import run
from pipeline.userdata import UserSet

log = logging.getLogger(__name__)


class AdaptParams(Sections):
    """The groups of params.yaml this stage reads."""

    user: UserConfig
    train: TrainConfig


def main() -> None:
    params = load(AdaptParams)
    if not MODEL_KERAS.is_file():
        raise StageError(f"{MODEL_KERAS} is missing; run `dvc repro train`")
    arrays = read_npz(USER_NPZ, "userdata")
    try:
        users = UserSet.from_arrays(arrays)
    except (KeyError, ValueError) as exc:
        raise StageError(f"{USER_NPZ} is not the userdata stage's ({exc}); run `dvc repro userdata`") from exc
    if not params.user.enabled or len(users.y_train) == 0:
        if params.user.enabled:
            log.warning(
                "user.enabled is true but %s holds no digits to learn from: the trained model is kept", USER_NPZ
            )
        atomic_write_bytes(ADAPTED_KERAS, MODEL_KERAS.read_bytes())
        metrics: dict = {"enabled": False}
        if len(users.y_held):  # how the trained model reads the person's digits, for the report
            metrics["before"] = measure(
                load_model(MODEL_KERAS), users, np.zeros((0, FIELD, FIELD), np.uint8), np.zeros(0)
            )
        atomic_write_json(ADAPT_JSON, metrics)
        return
    framed = load_framed(FRAMED_NPZ) if params.train.app_framed else None  # replay what training learned from
    result = adapt(load_model(MODEL_KERAS), params, load_mnist(MNIST_NPZ), users, framed)
    save_model(result.model, ADAPTED_KERAS)
    atomic_write_json(ADAPT_JSON, result.metrics)
    b, a = result.metrics["before"], result.metrics["after"]
    log.info(
        "the person's held-out digits: %s -> %s; MNIST validation %s -> %s (%.0f s)",
        b.get("accuracy"),
        a.get("accuracy"),
        b.get("mnist_val_accuracy"),
        a.get("mnist_val_accuracy"),
        result.seconds,
    )


if __name__ == "__main__":
    run(main, outputs=[ADAPTED_KERAS, ADAPT_JSON])
