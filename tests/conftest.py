"""Session fixtures: the real MNIST (from the download stage's cache) and a briefly trained model."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from pipeline.config import Params, load_params
from pipeline.data import Mnist
from tests.helpers import ROOT

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@pytest.fixture(scope="session")
def params() -> Params:
    return load_params(ROOT / "params.yaml")


def quick_params(params: Params, **train_overrides) -> Params:
    """The committed params with a short training run (two epochs on a slice of MNIST)."""
    quick = {"epochs": 2, "limit": 12000, "lr_schedule": "constant"}
    train = dataclasses.replace(params.train, **{**quick, **train_overrides})
    export = dataclasses.replace(params.export, latency_runs=50)
    return dataclasses.replace(params, train=train, export=export)


@pytest.fixture(scope="session")
def mnist_npz(tmp_path_factory, params) -> Path:
    """The real MNIST, fetched by the download stage's own code (cached across runs)."""
    from pipeline.download import download

    out = tmp_path_factory.mktemp("data") / "mnist.npz"
    download(params.data, out)
    return out


@pytest.fixture(scope="session")
def mnist(mnist_npz) -> Mnist:
    from pipeline.data import load_mnist

    return load_mnist(mnist_npz)


@pytest.fixture(scope="session")
def trained(params, mnist):
    """The reference CNN after two epochs on 10,800 MNIST images (about 10 s here)."""
    from pipeline.train import train

    return train(quick_params(params), mnist, progress=False)


os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(scope="session")
def onnx_model(tmp_path_factory, trained, mnist, params) -> Path:
    """The briefly trained reference CNN, exported by the export stage's own code."""
    from pipeline.export import export
    from pipeline.train import predict_probs

    accuracy = float((predict_probs(trained.model, mnist.x_test).argmax(1) == mnist.y_test).mean())
    result = export(trained.model, mnist, quick_params(params), accuracy)
    path = tmp_path_factory.mktemp("onnx") / "model.onnx"
    path.write_bytes(result.onnx_bytes)
    return path


@pytest.fixture(scope="session")
def qapp():
    """The one QApplication of the test session (offscreen)."""
    from PyQt5.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["digit-classifier-tests"])
    yield app
