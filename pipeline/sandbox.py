"""A sandbox: a throwaway copy of this repository to run the pipeline in, for the tests and benchmarks.

:func:`make_clone` copies the working tree (uncommitted work included) into a fresh git repository
with its own DVC remote, :func:`run_cmd` runs a command there and shows its output when it fails,
:data:`QUICK` composes a pipeline small enough to run end to end in a few minutes on 2 cores, and
:func:`free_ports` finds ports for a local multi-worker cluster. No stage imports it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: ``python -m pipeline.tools.compose`` overrides for a quick pipeline: MNIST slices, two epochs, a few
#: pictures of each kind (the e2e, fault, scaling tests and bench/queue_reliability.py run it).
QUICK = [
    "train.limit=6000",
    "train.epochs=2",
    "train.lr_schedule=constant",
    "export.latency_runs=50",
    # a two-epoch model on a slice (about 92%) is far from what the int8 limit guards; its
    # quantisation loses a few tenths of a point or none, depending on the framed digits
    "export.int8.max_accuracy_drop=0.01",
    "render.drawn_limit=100",
    "render.photos=100",
    "render.numbers_per_length=20",
    # scenes were 60% of a quick run's render stage (150 of each of 22 families, 3,000 for training):
    # a few of each family suffice here
    "render.scenes_per_family=6",
    "openset.limit=6000",
    "openset.negatives.train=2000",
    "openset.negatives.validation=400",
    "openset.negatives.eval=400",
    "openset.positives.drawn_per_rendering=100",
    "openset.positives.photos=200",
    "openset.positives.numbers=100",
    "openset.positives.scenes=100",
    "gate.epochs=1",
    "gate.max_false_reject_mnist=0.01",
    "gate.max_false_reject_drawn=0.02",
    # the string model: a few hundred strings, one epoch (a few seconds)
    "strings.examples=600",
    "strings.validation_examples=60",
    "strings.epochs=1",
]


GIT_ENV = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}


def make_clone(dest: Path, cache_dir: Path | None = None) -> Path:
    """A fresh git repository holding the working tree's tracked and unignored files.

    Like a fresh clone of main, but it includes uncommitted work, so the slow tests check
    what is about to be committed. With ``cache_dir``, clones share one DVC cache, and with
    it DVC's run cache: a stage one clone ran with the same inputs is restored, not rerun.
    """
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for rel in filter(None, listed):
        src = ROOT / rel
        if not src.is_file():
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)
    env = {**os.environ, **GIT_ENV}
    for cmd in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"], ["git", "commit", "-q", "-m", "clone"]):
        subprocess.run(cmd, cwd=dest, check=True, env=env, capture_output=True)
    # never the user's default remote: each test clone gets its own, beside it
    subprocess.run(
        ["dvc", "remote", "modify", "--local", "shared", "url", str(dest.parent / f"{dest.name}-remote")],
        cwd=dest,
        check=True,
        capture_output=True,
    )
    if cache_dir is not None:
        subprocess.run(["dvc", "cache", "dir", "--local", str(cache_dir)], cwd=dest, check=True, capture_output=True)
    return dest


def run_cmd(
    cmd: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 900, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure show its output in the assertion message."""
    proc = subprocess.run(
        cmd, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=timeout
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"{' '.join(cmd)} exited {proc.returncode}\n--- stdout\n{proc.stdout[-4000:]}\n"
            f"--- stderr\n{proc.stderr[-6000:]}"
        )
    return proc


def free_ports(n: int) -> list[int]:
    """``n`` TCP ports free on 127.0.0.1 right now (for a local multi-worker cluster)."""
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


# ----------------------------------------------------------------- pictures of paper
