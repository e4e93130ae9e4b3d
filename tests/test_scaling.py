"""Past one machine: multi-worker training, a DVC remote, experiments shared between clones, GPUs (slow)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from pipeline.sandbox import GIT_ENV, QUICK, ROOT, free_ports, make_clone, run_cmd

pytestmark = pytest.mark.slow

WORKER = """
import json, logging, os, sys
logging.basicConfig(level=logging.INFO)
import numpy as np
from pipeline.tools.compose import compose_yaml
from pipeline.config.params import params_from_dict
from pipeline.data import load_mnist
from pipeline.learn.training import train
import yaml
strategy = sys.argv[2]
p = params_from_dict(yaml.safe_load(compose_yaml([
    "train.epochs=1", "train.limit=4000", "train.lr_schedule=constant", "train.app_framed=false",
    f"train.strategy={strategy}"])))
r = train(p, load_mnist(sys.argv[1]), progress=False)
np.savez(sys.argv[3], *[np.asarray(w) for w in r.model.get_weights()])
print("METRICS", json.dumps(r.metrics))
"""


def _env(**extra: str) -> dict[str, str]:
    # one CPU thread each, as if each worker were its own small machine
    return {**os.environ, "TF_NUM_INTRAOP_THREADS": "1", "TF_NUM_INTEROP_THREADS": "1", **extra}


def test_two_workers_train_in_lockstep_and_match_one_worker(mnist_npz, tmp_path):
    """Two processes on 127.0.0.1 (TF_CONFIG) end with bit-identical weights and the one-worker run's metrics."""
    ports = free_ports(2)
    cluster = {"worker": [f"127.0.0.1:{p}" for p in ports]}
    procs = []
    for index in range(2):
        tf_config = json.dumps({"cluster": cluster, "task": {"type": "worker", "index": index}})
        procs.append(
            subprocess.Popen(
                [sys.executable, "-c", WORKER, str(mnist_npz), "multi_worker", str(tmp_path / f"w{index}.npz")],
                cwd=ROOT,
                env=_env(TF_CONFIG=tf_config),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    outs = [p.communicate(timeout=900) for p in procs]
    for p, (_, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err[-3000:]
    assert "multi-worker strategy: worker 0 of 2, 2 replica(s) in sync" in outs[0][1]
    with np.load(tmp_path / "w0.npz") as a, np.load(tmp_path / "w1.npz") as b:
        for key in a.files:
            np.testing.assert_array_equal(a[key], b[key])  # the workers hold one model
    single = subprocess.run(
        [sys.executable, "-c", WORKER, str(mnist_npz), "default", str(tmp_path / "one.npz")],
        cwd=ROOT,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert single.returncode == 0, single.stderr[-3000:]
    multi = json.loads(outs[0][0].split("METRICS")[1])
    one = json.loads(single.stdout.split("METRICS")[1])
    assert abs(multi["val_accuracy"] - one["val_accuracy"]) < 0.03, (multi, one)  # the same global batch
    assert multi["train_examples"] == one["train_examples"]


def test_a_broken_tf_config_says_what_it_should_look_like(tmp_path):
    from pipeline.errors import StageError
    from pipeline.learn.tf_setup import cluster_spec

    for raw in ("", "{not json", json.dumps({"cluster": {"worker": ["a:1"]}, "task": {"index": 3}})):
        os.environ["TF_CONFIG"] = raw
        try:
            with pytest.raises(StageError, match="TF_CONFIG"):
                cluster_spec()
        finally:
            del os.environ["TF_CONFIG"]


@pytest.fixture(scope="session")  # built once, also when pytest-xdist interleaves modules
def shared(tmp_path_factory, dvc_cache):
    """A bare git repository and a DVC remote, and clone A holding the project (pipeline run once)."""
    root = tmp_path_factory.mktemp("shared")
    origin = root / "origin.git"
    remote = root / "dvc-remote"
    a = make_clone(root / "a", dvc_cache)
    run_cmd(["python", "-m", "pipeline.tools.compose", *QUICK], a)
    run_cmd(["git", "commit", "-qam", "quick params"], a, env=GIT_ENV)
    run_cmd(["git", "init", "-q", "--bare", "-b", "main", str(origin)], root)
    run_cmd(["git", "remote", "add", "origin", str(origin)], a)
    run_cmd(["git", "push", "-q", "origin", "main"], a)
    run_cmd(["dvc", "remote", "modify", "--local", "shared", "url", str(remote)], a)
    run_cmd(["dvc", "repro"], a, timeout=1800)
    run_cmd(["git", "commit", "-qam", "ran the pipeline"], a, env=GIT_ENV)  # dvc.lock: what the remote holds
    run_cmd(["git", "push", "-q", "origin", "main"], a)
    run_cmd(["dvc", "push"], a)
    return root, origin, remote, a


def _clone_b(root, origin, remote, name: str, dvc_cache):
    b = root / name
    run_cmd(["git", "clone", "-q", str(origin), str(b)], root)
    run_cmd(["dvc", "remote", "modify", "--local", "shared", "url", str(remote)], b)
    run_cmd(["dvc", "cache", "dir", "--local", str(root / f"{name}-cache")], b)  # its own cache: all from the remote
    return b


def _quick() -> list[str]:
    """``dvc exp run`` recomposes params.yaml from conf/: the quick settings go in as overrides."""
    return [arg for o in QUICK for arg in ("-S", o)]


def _exp_metrics(clone) -> dict[str, float]:
    rows = json.loads(run_cmd(["dvc", "exp", "show", "--json"], clone).stdout)
    found = {}
    for commit in rows:
        for exp in commit.get("experiments") or []:
            for rev in exp.get("revs", []):
                data = rev.get("data", {})
                name = rev.get("name") or data.get("name") or rev.get("rev")
                acc = data.get("metrics", {}).get("artifacts/metrics/headline.json", {}).get("data", {}).get("test")
                if acc is not None:
                    found[name] = acc
    return found


def test_a_fresh_clone_pulls_the_artifacts_instead_of_retraining(shared, dvc_cache):
    root, origin, remote, _ = shared
    b = _clone_b(root, origin, remote, "b-pull", dvc_cache)
    run_cmd(["dvc", "pull"], b)
    assert "up to date" in run_cmd(["dvc", "status"], b).stdout  # nothing to rerun
    from app.inference import Classifier

    assert Classifier(b / "artifacts/model/model.onnx").info.test_accuracy > 0.5


def test_experiments_travel_between_clones(shared, dvc_cache):
    root, origin, remote, a = shared
    # the teammate's experiment of test_pipeline_e2e: restored from the shared run cache when that ran first
    one_epoch = ["-S", "train.epochs=1", "-S", "train.seed=1234"]
    run_cmd(["dvc", "exp", "run", "-n", "one-epoch", *_quick(), *one_epoch], a, timeout=1800)
    run_cmd(["dvc", "exp", "push", "origin", "one-epoch"], a)
    b = _clone_b(root, origin, remote, "b-exp", dvc_cache)
    run_cmd(["dvc", "exp", "pull", "origin", "one-epoch"], b)
    assert "one-epoch" in _exp_metrics(b)
    run_cmd(["dvc", "exp", "apply", "one-epoch"], b)
    run_cmd(["dvc", "pull"], b)
    history = (b / "artifacts/train/history.csv").read_text().splitlines()
    assert len(history) == 2  # the experiment's one epoch, not the baseline's two
    assert (b / "artifacts/model/model.onnx").is_file()


def test_a_sweep_split_across_two_machines_is_seen_whole(shared, dvc_cache):
    root, origin, remote, a = shared
    c = _clone_b(root, origin, remote, "c-sweep", dvc_cache)
    run_cmd(["dvc", "pull"], c)
    # each machine runs its part of the sweep (over a report option: the machinery is what is tested here, and
    # neither part trains; the training runs of `dvc exp run` are test_pipeline_e2e's)
    for clone, shown in ((a, "24"), (c, "30")):
        args = ["-n", f"gallery-{shown}", *_quick(), "-S", f"report.misclassified={shown}"]
        run_cmd(["dvc", "exp", "run", *args], clone, timeout=1800)
        run_cmd(["dvc", "exp", "push", "origin", f"gallery-{shown}"], clone)
    run_cmd(["dvc", "exp", "pull", "origin", "gallery-30"], a)
    seen = _exp_metrics(a)
    assert {"gallery-24", "gallery-30"} <= set(seen), seen


@pytest.mark.gpu
def test_mixed_precision_trains_on_a_gpu(mnist):
    """Runs only where TensorFlow sees a GPU (see conftest: skipped with the reason elsewhere)."""
    from pipeline.config.params import load_params
    from pipeline.learn.training import train

    p = load_params(ROOT / "params.yaml")
    quick = {"epochs": 1, "limit": 6000, "precision": "mixed_float16", "app_framed": False}
    p = p.model_copy(update={"train": p.train.model_copy(update=quick)})
    result = train(p, mnist, progress=False)
    assert result.metrics["val_accuracy"] > 0.9 and result.model.get_layer("probs").dtype == "float32"
