"""Stage ``download``: the real MNIST, checksum-verified, into ``artifacts/data/mnist.npz``."""

from __future__ import annotations

from pipeline.config.core import Sections, load
from pipeline.config.data import DataConfig
from pipeline.fetch import download
from pipeline.paths import MNIST_NPZ
from pipeline.stage import run


class DownloadParams(Sections):
    """The groups of params.yaml this stage reads."""

    data: DataConfig


def main() -> None:
    download(load(DownloadParams).data, MNIST_NPZ)


if __name__ == "__main__":
    run(main, outputs=[MNIST_NPZ])
