"""Stage ``render``: the open-world test sets from MNIST's test digits, read up to the model.

Drawn renderings (framed like the app frames a drawing), whole numbers and photos of paper
(each read by the app's reader up to its candidates) go to ``artifacts/data/renderings.npz``;
evaluate only has to run the model. Nothing here depends on the model, so training never
reruns this.
"""

from __future__ import annotations

import logging

from pipeline.atomic import atomic_write_npz
from pipeline.config.core import Sections, load
from pipeline.config.families import FamiliesConfig
from pipeline.config.render import RenderConfig
from pipeline.data import load_mnist
from pipeline.errors import StageError
from pipeline.families import unknown
from pipeline.paths import MNIST_NPZ, RENDERINGS_NPZ
from pipeline.sets.testsets import render_sets
from pipeline.stage import run

log = logging.getLogger(__name__)


class RenderParams(Sections):
    """The groups of params.yaml this stage reads."""

    render: RenderConfig
    families: FamiliesConfig


def main() -> None:
    params = load(RenderParams)
    if problems := unknown(params.families.all):
        raise StageError("; ".join(problems))
    arrays = render_sets(load_mnist(MNIST_NPZ), params.render, params.families)
    atomic_write_npz(RENDERINGS_NPZ, arrays)
    log.info("wrote %s (%d arrays)", RENDERINGS_NPZ, len(arrays))


if __name__ == "__main__":
    run(main, outputs=[RENDERINGS_NPZ])
