"""Multi-worker training on one machine: two one-thread workers against one two-thread process.

Both train the reference CNN on the same slice with the same global batch, in this one run;
prints seconds, samples/s and validation accuracy of each, and the ratio. On one machine the
workers add the cost of their all-reduce over loopback and gain nothing: the figure is the
overhead a cluster pays per step, which machines with their own cores repay.

    python bench/multi_worker.py [--examples 12000] [--epochs 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from _common import ROOT

sys.path.insert(0, str(ROOT))

from pipeline.sandbox import free_ports

RUN = """
import json, sys, yaml
from pipeline.tools.compose import compose_yaml
from pipeline.config.params import params_from_dict
from pipeline.data import load_mnist
from pipeline.learn.training import train
p = params_from_dict(yaml.safe_load(compose_yaml(sys.argv[2:])))
r = train(p, load_mnist(sys.argv[1]), progress=False)
print("RESULT", json.dumps({**r.metrics, **r.timing}))
"""


def run(overrides: list[str], threads: int, workers: int) -> dict:
    env = {**os.environ, "TF_NUM_INTRAOP_THREADS": str(threads), "TF_NUM_INTEROP_THREADS": str(threads)}
    npz = str(ROOT / "artifacts" / "data" / "mnist.npz")
    if workers == 1:
        cmds = [([sys.executable, "-c", RUN, npz, *overrides], env)]
    else:
        cluster = {"worker": [f"127.0.0.1:{p}" for p in free_ports(workers)]}
        cmds = [
            (
                [sys.executable, "-c", RUN, npz, *overrides, "train.strategy=multi_worker"],
                {**env, "TF_CONFIG": json.dumps({"cluster": cluster, "task": {"type": "worker", "index": i}})},
            )
            for i in range(workers)
        ]
    t0 = time.perf_counter()
    procs = [
        subprocess.Popen(c, cwd=ROOT, env=e, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c, e in cmds
    ]
    outs = [p.communicate() for p in procs]
    seconds = time.perf_counter() - t0
    for p, (_, err) in zip(procs, outs, strict=True):
        if p.returncode:
            raise SystemExit(err[-2000:])
    result = json.loads(outs[0][0].split("RESULT")[1])
    return {"seconds": round(seconds, 1), **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=12000)
    parser.add_argument("--epochs", type=int, default=2)
    args = parser.parse_args()
    overrides = [
        f"train.limit={args.examples}",
        f"train.epochs={args.epochs}",
        "train.lr_schedule=constant",
        "train.app_framed=false",  # MNIST alone: the loop's speed, not the data's
    ]
    one = run(overrides, threads=2, workers=1)
    two = run(overrides, threads=1, workers=2)
    for name, r in (("one process, 2 threads", one), ("two workers, 1 thread each", two)):
        print(
            f"{name:28s} {r['seconds']:6.1f} s in all, {r['samples_per_s']:7.0f} samples/s, "
            f"val accuracy {r['val_accuracy']:.4f}"
        )
    print(f"ratio (two workers / one process), samples/s: {two['samples_per_s'] / one['samples_per_s']:.2f}x")


if __name__ == "__main__":
    main()
