"""``python -m pipeline.tools.seeds [--model NAME] [--json]``: a seed sweep's figures as mean +- sd (dvc exp show).

One run's accuracy is partly luck (initialisation, batch order, dropout). The honest figure
for a recipe is its mean and sample standard deviation over seeds, every run chosen the same
way (the last epoch; thresholds on the validation split), none picked by its test score:

    dvc exp run --queue -S model=improved_cnn -S 'train.seed=1,2,3,4,5' && dvc queue start
    python -m pipeline.tools.seeds --model improved_cnn

Only successful experiments count; runs that differ in anything but ``train.seed`` are
refused rather than averaged together.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

from pipeline.errors import StageError
from pipeline.stage import run

#: The metrics file of dvc.yaml that holds the figures (pipeline.paths.HEADLINE_JSON; a string here, since
#: this tool reads ``dvc exp show``'s output, not the file).
HEADLINE = "artifacts/metrics/headline.json"
#: (label, metrics file, dotted key, scale): what the README's model table reports.
FIGURES = (
    ("test accuracy", HEADLINE, "test", 100),
    ("undisputed digits", HEADLINE, "undisputed", 100),
    ("drawn digits", HEADLINE, "drawn", 100),
    ("numbers (2-5 digits)", HEADLINE, "numbers", 100),
    ("photos of paper", HEADLINE, "photos", 100),
    ("int8 test accuracy", HEADLINE, "int8", 100),
    ("validation accuracy", HEADLINE, "validation", 100),
    ("training seconds", "artifacts/timing/train.json", "train_loop_seconds", 1),
)


def _get(tree: Any, dotted: str) -> Any:
    for part in dotted.split("."):
        if not isinstance(tree, dict) or part not in tree:
            return None
        tree = tree[part]
    return tree


def _flat(tree: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(tree, dict):
        return {prefix: tree}
    out: dict[str, Any] = {}
    for k, v in tree.items():
        out |= _flat(v, f"{prefix}.{k}" if prefix else k)
    return out


def experiments(show: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every finished experiment in ``dvc exp show --json`` output: name, params, metrics."""
    for baseline in show:
        for exp in baseline.get("experiments") or []:
            # a running experiment shows the baseline's metrics until it finishes: only finished ones count
            if (exp.get("executor") or {}).get("state") not in (None, "success"):
                continue
            for rev in (exp.get("revs") or [])[:1]:
                data = rev.get("data") or {}
                if rev.get("error") or not data.get("metrics"):
                    continue
                params = ((data.get("params") or {}).get("params.yaml") or {}).get("data") or {}
                metrics = {path: m.get("data", {}) for path, m in data["metrics"].items()}
                name = rev.get("name") or exp.get("name") or rev.get("rev")
                yield {"name": name, "params": params, "metrics": metrics}


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean, sample sd, min and max of each figure over the runs (which must differ only in the seed)."""
    if len(runs) < 2:
        raise StageError(f"a seed summary needs at least two finished experiments, found {len(runs)}")
    seeds = [_get(r["params"], "train.seed") for r in runs]
    if len(set(seeds)) != len(seeds):
        raise StageError(f"seeds repeat ({seeds}): the same seed twice is one run counted twice; pass names")
    flat = [_flat({k: v for k, v in r["params"].items()}) for r in runs]
    differing = sorted(k for k in set().union(*flat) if len({json.dumps(f.get(k)) for f in flat}) > 1)
    others = [k for k in differing if k != "train.seed"]
    if others:
        raise StageError(
            "these experiments differ in more than train.seed (" + ", ".join(others[:8]) + "); "
            "pass the names of one sweep's experiments"
        )
    figures: dict[str, Any] = {}
    for label, path, key, scale in FIGURES:
        values = [_get(r["metrics"].get(path, {}), key) for r in runs]
        values = [float(v) * scale for v in values if isinstance(v, int | float)]
        if len(values) < 2:
            continue
        figures[label] = {
            "mean": round(statistics.fmean(values), 4),
            "sd": round(statistics.stdev(values), 4),
            "min": round(min(values), 4),
            "max": round(max(values), 4),
            "n": len(values),
        }
    return {
        "model": _get(runs[0]["params"], "model.name"),
        "runs": [{"name": r["name"], "seed": _get(r["params"], "train.seed")} for r in runs],
        "figures": figures,
    }


def select(show: list[dict[str, Any]], model: str | None, names: list[str]) -> list[dict[str, Any]]:
    runs = [
        r
        for r in experiments(show)
        if (not names or r["name"] in names) and (model is None or _get(r["params"], "model.name") == model)
    ]
    missing = sorted(set(names) - {r["name"] for r in runs})
    if missing:
        raise StageError(f"no finished experiment named {', '.join(missing)} (see `dvc exp show`)")
    return sorted(runs, key=lambda r: (_get(r["params"], "train.seed") or 0, r["name"]))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m pipeline.tools.seeds", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="experiment names (default: every finished one)")
    parser.add_argument("--model", help="only experiments of this model (model.name)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    # every commit's experiments: a sweep queued on an earlier commit is still the sweep
    proc = subprocess.run(["dvc", "exp", "show", "--json", "--all-commits"], capture_output=True, text=True)
    if proc.returncode != 0:
        raise StageError(f"`dvc exp show --json --all-commits` failed: {proc.stderr.strip()[-400:]}")
    summary = summarize(select(json.loads(proc.stdout), args.model, args.names))
    if args.json:
        print(json.dumps(summary, indent=2))
        return
    runs = ", ".join(f"{r['name']} (seed {r['seed']})" for r in summary["runs"])
    print(f"{summary['model']}: {len(summary['runs'])} runs: {runs}")
    for label, f in summary["figures"].items():
        only = f", {f['n']} runs only" if f["n"] < len(summary["runs"]) else ""
        print(f"  {label:22s} {f['mean']:9.2f} +- {f['sd']:.2f}   (min {f['min']:.2f}, max {f['max']:.2f}{only})")


if __name__ == "__main__":
    run(lambda: main(sys.argv[1:]))
