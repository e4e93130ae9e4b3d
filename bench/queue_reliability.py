"""Does `dvc queue start -j 2` land every queued experiment? Three rounds of six, counted.

DVC's queue with several workers is known upstream to lose an experiment now and then.
This makes a scratch clone of the project (quick params, the data stages run once), then,
``--rounds`` times, queues ``--experiments`` one-epoch experiments (a sweep over
``train.seed``), runs them with ``-j`` workers, and counts what `dvc queue status` and
`dvc exp show` report. When tasks stay queued with none running for a minute (the workers
exited early), it says so and restarts the workers once more: what works in practice.
Prints one line per round and a verdict.

    python bench/queue_reliability.py [--rounds 3] [--experiments 6] [--jobs 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT

sys.path.insert(0, str(ROOT))

from pipeline.sandbox import GIT_ENV, QUICK, make_clone, run_cmd
from pipeline.tools.seeds import experiments

#: One epoch on a slice: what counts is whether each experiment lands, so the int8 accuracy check
#: (which a 1-epoch model of ~86% can miss by a hair and fail its experiment) is left out.
ONE_EPOCH = ["train.epochs=1", "export.int8.enabled=false"]
#: Tasks queued and none running for this long: the workers are gone.
STALL_S = 60


def landed(clone: Path) -> set[str]:
    """Names of the finished experiments in `dvc exp show` (failed and running ones are listed too: not landed)."""
    rows = json.loads(run_cmd(["dvc", "exp", "show", "--json"], clone).stdout)
    return {r["name"] for r in experiments(rows)}


def tasks(status: str, state: str) -> list[str]:
    """The names of the tasks in `dvc queue status` output that are in ``state`` (Queued, Success...)."""
    return [line.split()[1] for line in status.splitlines() if len(line.split()) >= 2 and line.split()[-1] == state]


def failures(clone: Path, status: str) -> list[str]:
    """The last lines DVC logged for each failed task of the queue."""
    out = []
    for name in tasks(status, "Failed"):
        log = run_cmd(["dvc", "queue", "logs", name], clone, check=False).stdout.strip().splitlines()
        out.append(f"  {name} failed: " + " | ".join(log[-3:]))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--experiments", type=int, default=6)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="queue-") as tmp:
        clone = make_clone(Path(tmp) / "repo", Path(tmp) / "cache")
        run_cmd(["python", "-m", "pipeline.tools.compose", *QUICK, *ONE_EPOCH], clone)
        run_cmd(["git", "commit", "-qam", "quick params"], clone, env=GIT_ENV)
        run_cmd(["dvc", "repro"], clone, timeout=3600)
        results, stalls = [], []
        for r in range(args.rounds):
            seeds = ",".join(str(100 * r + k) for k in range(1, args.experiments + 1))
            before = landed(clone)
            # dvc exp run recomposes params.yaml from conf/: the quick settings go in as overrides
            quick = [arg for o in [*QUICK, *ONE_EPOCH] for arg in ("-S", o)]
            run_cmd(["dvc", "exp", "run", "--queue", *quick, "-S", f"train.seed={seeds}"], clone)
            t0 = time.monotonic()
            run_cmd(["dvc", "queue", "start", "-j", str(args.jobs)], clone)
            restarts, idle_since = 0, None
            while time.monotonic() - t0 < 3600:
                status = run_cmd(["dvc", "queue", "status"], clone).stdout
                if "Queued" not in status and "Running" not in status:
                    break
                # the known upstream failure: the workers exit while tasks are still queued
                if "Queued" in status and "Running" not in status:
                    idle_since = idle_since or time.monotonic()
                    if time.monotonic() - idle_since > STALL_S:
                        queued = len(tasks(status, "Queued"))
                        print(f"  stalled: {queued} queued, none running for {STALL_S} s; restarting the workers")
                        run_cmd(["dvc", "queue", "start", "-j", str(args.jobs)], clone)
                        restarts, idle_since = restarts + 1, None
                else:
                    idle_since = None
                time.sleep(5)
            run_cmd(["dvc", "queue", "stop"], clone, check=False)
            new = landed(clone) - before
            success, failed = len(tasks(status, "Success")), len(tasks(status, "Failed"))
            results.append(len(new))
            stalls.append(restarts)
            print(
                f"round {r + 1}: {len(new)} of {args.experiments} experiments in `dvc exp show` "
                f"(queue status: {success} Success, {failed} Failed), {time.monotonic() - t0:.0f} s, "
                f"{restarts} worker restart(s)",
                flush=True,
            )
            for line in failures(clone, status):
                print(line, flush=True)
            run_cmd(["dvc", "queue", "remove", "--success", "--failed"], clone, check=False)
        lost = sum(args.experiments - n for n in results)
        print(
            f"{args.rounds} rounds of {args.experiments} with -j {args.jobs}: "
            + ("every experiment landed" if lost == 0 else f"{lost} experiment(s) did not land")
            + (f", after {sum(stalls)} worker restart(s) when the workers had left tasks queued" if sum(stalls) else "")
        )


if __name__ == "__main__":
    main()
