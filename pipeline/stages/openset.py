"""Stage ``openset``: what teaches the gate "not a digit".

``artifacts/data/openset.npz``: generated non-digits for training, validation and evaluation
(disjoint seeds, and fonts training never sees for evaluation). ``artifacts/data/framed.npz``:
digits as the app sees them drawn, photographed and written in numbers, from the gate's own
training and validation split of MNIST's training set (never the test set; independent of
the classifier's, so a sweep over ``train.seed`` reuses the gate). Each framed digit keeps
the index of its source digit in ``x_train``: the classifier trains on those whose source is
in its own training split (``train.app_framed``). Two files, so that the classifier, which
depends on the framed digits only, is not trained again when the non-digits change.
"""

from __future__ import annotations

import logging

import numpy as np

from pipeline.atomic import atomic_path
from pipeline.config import load_params
from pipeline.data import framed_key, load_mnist, source_key
from pipeline.paths import FRAMED_NPZ, MNIST_NPZ, OPENSET_NPZ
from pipeline.splits import gate_split
from pipeline.stage import StageError, run
from pipeline.trainsets import digits_as_drawn, negatives

log = logging.getLogger(__name__)


def main() -> None:
    from pipeline.synth.nondigit import FontError

    params = load_params()
    cfg = params.openset
    data = load_mnist(MNIST_NPZ)
    split = gate_split(data.y_train, cfg)
    train_x, val_x = data.x_train[split.train], data.x_train[split.validation]
    try:
        arrays, framed_arrays = {}, {}
        for name, count, digits in (
            ("train", cfg.negatives.train, train_x),
            ("validation", cfg.negatives.validation, val_x),
            ("eval", cfg.negatives.eval, data.x_test),
        ):
            neg = negatives(name, count, cfg.seed, digits)
            arrays[f"negatives_{name}"], arrays[f"family_{name}"] = neg.images, neg.family
    except FontError as exc:
        raise StageError(str(exc)) from exc
    p = cfg.positives
    for name, part, x, share, seed in (
        ("train", split.train, train_x, 1, cfg.seed),
        ("validation", split.validation, val_x, 5, cfg.seed + 1),
    ):
        families = digits_as_drawn(x, p.drawn_per_rendering // share, p.photos // share, p.numbers // share, seed)
        for family, framed in families.items():
            framed_arrays[framed_key(name, family)] = framed.images
            framed_arrays[source_key(name, family)] = part[framed.source]  # index in x_train: the label's home
    for path, content in ((OPENSET_NPZ, arrays), (FRAMED_NPZ, framed_arrays)):
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:
            np.savez(fh, **content)
        log.info("wrote %s: %s", path, ", ".join(f"{k} {v.shape[0]}" for k, v in content.items()))


if __name__ == "__main__":
    run(main, outputs=[OPENSET_NPZ, FRAMED_NPZ])
