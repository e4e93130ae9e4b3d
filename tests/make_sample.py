"""Write ``tests/data/mnist_sample.npz``: a small, fixed slice of the real MNIST for the fast tests.

``python -m tests.make_sample`` (after ``dvc repro download``). 100 training images per
digit (the first of each class in file order) and the first 500 test images: enough to
train a model for a smoke test and to draw real digits into the app, without the 55 MB
download. MNIST is CC BY-SA 3.0 (Y. LeCun, C. Cortes, C. Burges).
"""

from __future__ import annotations

import numpy as np

from pipeline.data import load_mnist
from pipeline.paths import MNIST_NPZ
from tests.helpers import ROOT

SAMPLE = ROOT / "tests" / "data" / "mnist_sample.npz"


def main() -> None:
    data = load_mnist(MNIST_NPZ)
    train = np.sort(np.concatenate([np.flatnonzero(data.y_train == d)[:100] for d in range(10)]))
    with open(SAMPLE, "wb") as fh:
        np.savez_compressed(
            fh,
            x_train=data.x_train[train],
            y_train=data.y_train[train],
            x_test=data.x_test[:500],
            y_test=data.y_test[:500],
        )
    print(f"wrote {SAMPLE} ({SAMPLE.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
