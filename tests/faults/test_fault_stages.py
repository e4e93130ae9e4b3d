"""Stages killed or raced in a real DVC clone (slow): nothing stale stays, nothing wrong is recorded."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from pipeline.sandbox import GIT_ENV, QUICK, make_clone, run_cmd

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")  # built once, also when pytest-xdist interleaves modules
def built(tmp_path_factory, dvc_cache):
    """A clone with every stage run once on quick params (restored from the shared run cache when it can)."""
    clone = make_clone(tmp_path_factory.mktemp("faults") / "repo", dvc_cache)
    run_cmd(["python", "-m", "pipeline.tools.compose", *QUICK], clone)
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


def test_params_changed_while_training_are_put_back_and_the_run_is_kept(built):
    """Case 2: a second `dvc exp run` rewrote params.yaml while `dvc repro` trained (DVC writes an
    experiment's params before its lock refuses it). Before, the first run either recorded params it
    never used or failed at the end; now training puts back the params it ran with, the run finishes
    and records them, and the other version is kept aside.

    The race is made certain, not hoped for: training is paused (SIGSTOP) once its first epoch is
    logged, so it has read its params; params.yaml is rewritten as the experiment would; then it goes on.
    """
    import shutil

    from pipeline.stage import REPLACED_PARAMS

    run_cmd(["python", "-m", "pipeline.tools.compose", *QUICK, "train.epochs=3"], built)  # a change to train
    ran_with = (built / "params.yaml").read_bytes()
    live = built / "artifacts/train/live"
    shutil.rmtree(live, ignore_errors=True)
    repro = subprocess.Popen(
        ["dvc", "repro"], cwd=built, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    assert _wait_for(lambda: (live / "metrics.json").is_file() or repro.poll() is not None, 900)
    assert repro.poll() is None, repro.communicate()[0]  # still training: the check below is a real race
    os.killpg(repro.pid, signal.SIGSTOP)
    try:
        run_cmd(["python", "-m", "pipeline.tools.compose", *QUICK, "train.epochs=1"], built)
        other = (built / "params.yaml").read_bytes()
    finally:
        os.killpg(repro.pid, signal.SIGCONT)
    out, _ = repro.communicate(timeout=1200)
    assert repro.returncode == 0, out  # the running pipeline finished
    assert "put back" in out and "Traceback" not in out, out
    assert other != ran_with and (built / "params.yaml").read_bytes() == ran_with
    assert [p.read_bytes() for p in (built / REPLACED_PARAMS).iterdir()] == [other]
    # and what DVC recorded is what was run: the workspace is up to date under the params it trained with
    assert "up to date" in run_cmd(["dvc", "status"], built).stdout
    run_cmd(["git", "checkout", "params.yaml"], built)
