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

from app.contract import FIELD
from pipeline.atomic import atomic_write_npz
from pipeline.config.core import Sections, load
from pipeline.config.families import FamiliesConfig
from pipeline.config.openset import OpensetConfig
from pipeline.data import framed_key, load_mnist, source_key
from pipeline.errors import StageError
from pipeline.families import NON_DIGITS, unknown
from pipeline.paths import FRAMED_NPZ, MNIST_NPZ, OPENSET_NPZ
from pipeline.sets.splits import gate_split
from pipeline.sets.trainsets import digits_as_drawn, negatives, scene_sets
from pipeline.stage import run
from pipeline.synth.styles import written_in_styles

log = logging.getLogger(__name__)


class OpensetParams(Sections):
    """The groups of params.yaml this stage reads."""

    openset: OpensetConfig
    families: FamiliesConfig


def main() -> None:
    from pipeline.synth.nondigit import FontError

    params = load(OpensetParams)
    cfg, fam = params.openset, params.families
    if problems := unknown(fam.all):
        raise StageError("; ".join(problems))
    data = load_mnist(MNIST_NPZ)
    split = gate_split(data.y_train, cfg)
    # some 1s and 7s written as much of the world writes them, before the app frames them in every way
    styles = tuple(fam.seen("style"))
    styled = written_in_styles(data.x_train, data.y_train, styles, cfg.styled, cfg.seed)
    train_x, val_x = styled[split.train], styled[split.validation]
    p = cfg.positives
    arrays, framed_arrays = {}, {}
    for name, part, x, share, seed in (
        ("train", split.train, train_x, 1, cfg.seed),
        ("validation", split.validation, val_x, 5, cfg.seed + 1),
    ):
        drawn = tuple(fam.seen("drawn"))
        families = digits_as_drawn(
            x, p.drawn_per_rendering // share, p.photos // share, p.numbers // share, seed, drawn
        )
        scenes = scene_sets(x, p.scenes // share, fam, seed)
        families["scenes"] = scenes.digits
        for family, framed in families.items():
            framed_arrays[framed_key(name, family)] = framed.images
            framed_arrays[source_key(name, family)] = part[framed.source]  # index in x_train: the label's home
        arrays[f"miscuts_{name}"] = scenes.miscuts
    try:
        for name, count, digits in (
            ("train", cfg.negatives.train, train_x),
            ("validation", cfg.negatives.validation, val_x),
            ("eval", cfg.negatives.eval, data.x_test),
        ):
            # training and the threshold see only the families not held out; evaluation sees every one
            kinds = tuple(fam.all.non_digit if name == "eval" else fam.seen("non_digit"))
            neg = negatives(name, count, cfg.seed, digits, kinds)
            miscuts = arrays.pop(f"miscuts_{name}", np.zeros((0, FIELD, FIELD), np.uint8))
            if "miscut" not in kinds:
                miscuts = miscuts[:0]
            arrays[f"negatives_{name}"] = np.concatenate([neg.images, miscuts])
            family = np.full(len(miscuts), NON_DIGITS.index("miscut"), np.uint8)
            arrays[f"family_{name}"] = np.concatenate([neg.family, family])
    except FontError as exc:
        raise StageError(str(exc)) from exc
    for path, content in ((OPENSET_NPZ, arrays), (FRAMED_NPZ, framed_arrays)):
        atomic_write_npz(path, content)
        log.info("wrote %s: %s", path, ", ".join(f"{k} {v.shape[0]}" for k, v in content.items()))


if __name__ == "__main__":
    run(main, outputs=[OPENSET_NPZ, FRAMED_NPZ])
