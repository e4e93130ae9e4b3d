"""Stage ``download``: the real MNIST, checksum-verified, into ``artifacts/data/mnist.npz``."""

from __future__ import annotations

from pipeline.config import load_params
from pipeline.fetch import download
from pipeline.paths import MNIST_NPZ
from pipeline.stage import run


def main() -> None:
    download(load_params().data, MNIST_NPZ)


if __name__ == "__main__":
    run(main, outputs=[MNIST_NPZ])
