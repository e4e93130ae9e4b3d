"""Stages killed or raced in a real DVC clone (slow): nothing stale stays, nothing wrong is recorded."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from tests.helpers import GIT_ENV, make_clone, run_cmd
from tests.test_pipeline_e2e import QUICK

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory, dvc_cache):
    """A clone with every stage run once on quick params (restored from the shared run cache when it can)."""
    clone = make_clone(tmp_path_factory.mktemp("faults") / "repo", dvc_cache)
    run_cmd(["python", "-m", "pipeline.compose", *QUICK], clone)
    run_cmd(["git", "commit", "-qam", "quick params"], clone, env=GIT_ENV)
    run_cmd(["dvc", "repro"], clone, timeout=1800)
    return clone


def _wait_for(predicate, timeout: float = 120.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_kill_9_of_the_report_stage_leaves_nothing_a_rerun_does_not_clean(built):
    """Case 8: kill -9 during report left artifacts/.reports.*.tmp/ behind for good."""
    artifacts = built / "artifacts"
    proc = subprocess.Popen(
        ["python", "-m", "pipeline.stages.report"],
        cwd=built,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    assert _wait_for(lambda: any(artifacts.glob(".reports.*.tmp"))), "the stage never started writing"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert any(artifacts.glob(".reports.*.tmp"))  # what a killed run leaves
    run_cmd(["dvc", "repro", "-f", "report", "--single-item"], built, timeout=600)
    assert not list(artifacts.glob(".reports.*")) and (artifacts / "reports" / "index.html").is_file()
    assert "up to date" in run_cmd(["dvc", "status"], built).stdout


def test_an_experiment_started_during_a_run_cannot_make_it_record_wrong_params(built):
    """Case 2: `dvc exp run` rewrote params.yaml while `dvc repro` trained; repro recorded params it never used."""
    run_cmd(["python", "-m", "pipeline.compose", *QUICK, "train.epochs=3"], built)  # a change to train
    repro = subprocess.Popen(
        ["dvc", "repro"], cwd=built, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    log = []

    def training() -> bool:
        line = repro.stdout.readline()
        log.append(line)
        return "Running stage 'train'" in line or repro.poll() is not None

    assert _wait_for(training, 600), "".join(log)
    time.sleep(2)
    exp = run_cmd(["dvc", "exp", "run", "-S", "train.epochs=1"], built, check=False, timeout=600)
    out, _ = repro.communicate(timeout=1200)
    text = "".join(log) + out
    if exp.returncode == 0:
        pytest.skip("the experiment ran after the repro finished: no race to check this time")
    assert repro.returncode != 0, text  # the running pipeline noticed the params under it changed
    assert "params.yaml changed" in text or "not the ones the model was trained with" in text, text
    status = run_cmd(["dvc", "status"], built).stdout
    assert "up to date" not in status  # and DVC does not claim otherwise
    run_cmd(["git", "checkout", "params.yaml"], built)
