"""Where a `dvc repro` spends its time: each stage's wall time and share, from the stages' own timing files.

Every stage writes ``artifacts/timing/stages/<stage>.json`` when it runs (wall seconds and the
machine: CPU, cores, SIMD, BLAS kernel, workers, oneDNN's cap). This prints them in pipeline
order with each one's share of the total, and says when the stages ran on different machines
(a stage restored from a remote's run-cache keeps the timing of the machine that ran it).

    python bench/stage_shares.py [--json]
"""

from __future__ import annotations

import argparse
import json

import yaml
from _common import ROOT

#: what makes two stages' machines the same (oneDNN's cap is set by the TensorFlow stages only)
FIELDS = ("cpu", "cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON object instead of a table")
    args = parser.parse_args()
    stages = list(yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"])
    rows = []
    for stage in stages:
        path = ROOT / "artifacts" / "timing" / "stages" / f"{stage}.json"
        if path.is_file():
            rows.append(json.loads(path.read_text()))
    if not rows:
        print("no stage timings under artifacts/timing/stages/: run `make pipeline` (or `dvc repro`) first")
        return
    total = sum(r["wall_seconds"] for r in rows)
    machines = {tuple(str(r.get(f)) for f in FIELDS) for r in rows}
    if args.json:
        shares = {r["stage"]: {"seconds": r["wall_seconds"], "share": r["wall_seconds"] / total} for r in rows}
        print(json.dumps({"total_seconds": total, "stages": shares, "machines": len(machines)}, indent=2))
        return
    print(f"{'stage':<10} {'seconds':>8} {'share':>6}")
    for r in rows:
        print(f"{r['stage']:<10} {r['wall_seconds']:>8.1f} {100 * r['wall_seconds'] / total:>5.1f}%")
    print(f"{'total':<10} {total:>8.1f}  ({total / 60:.1f} min of stages)")
    missing = [s for s in stages if s not in {r["stage"] for r in rows}]
    if missing:
        print(f"not run here yet: {', '.join(missing)}")
    for machine in sorted(machines):
        print("ran on: " + ", ".join(f"{f} {v}" for f, v in zip(FIELDS, machine, strict=True)))
    if len(machines) > 1:
        print("the stages ran on different machines (or settings): their times do not add up to one run")


if __name__ == "__main__":
    main()
