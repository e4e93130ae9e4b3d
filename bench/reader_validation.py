"""The reader's rules judged on validation: scenes written with the classifier's validation digits.

The reader's constants (``app/reader.py``: when a piece is cut, what a cut costs) decide how numbers
are read, and they must not be chosen on the test set. Here the render stage's own scene generator
writes the classifier's validation digits (``train.seed``, ``train.validation_fraction``: never
trained on, in any form) with a seed of its own, every family of every kind in turn, and the app's
reader reads them with a model. Per family: the share read right.

    python bench/reader_validation.py [--model app/models/digits.onnx] [--per-family 150] [--kinds layout]

The planned candidates and their scores are kept in ``--cache`` (default under /tmp) for the same
reader code, model and options, so a second run costs seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from _common import np, validation_digits

#: The render stage uses render.seed (11); these scenes get their own.
SEED = 779


def plan_scenes(per_family: int, kinds: list[str]) -> tuple[object, list[tuple[str, str]], np.ndarray]:
    """Every family's scenes planned by the app's reader: the PlanSet, (kind, family) per picture."""
    from pipeline.families import SCENE_KINDS
    from pipeline.sets.parallel import run_jobs
    from pipeline.sets.plans import concat
    from pipeline.sets.testsets import _scenes_job

    params, x, y = validation_digits()
    fam = params.families
    seen = {k: fam.seen(k) for k in SCENE_KINDS}
    wanted = [(kind, f) for kind in SCENE_KINDS if kind in kinds for f in getattr(fam.all, kind)]
    jobs = [(x, y, kind, f, seen, 0, per_family, SEED) for kind, f in wanted]
    sets = run_jobs(_scenes_job, jobs, "validation scenes")
    which = np.asarray([f"{kind}/{f}" for (kind, f), ps in zip(wanted, sets, strict=True) for _ in ps.truth])
    return concat(sets), wanted, which


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="app/models/digits.onnx")
    ap.add_argument("--per-family", type=int, default=150)
    ap.add_argument("--kinds", nargs="+", default=["layout", "paper", "degradation", "pen"])
    ap.add_argument("--cache", default="/tmp/reader_validation.npz")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    from app.inference import Classifier
    from pipeline.sets.plans import PlanSet, resolve_all

    cache = Path(args.cache)
    reader = hashlib.sha256(b"".join(p.read_bytes() for p in sorted(Path("app").glob("*.py")))).hexdigest()
    key = json.dumps([args.model, args.per_family, sorted(args.kinds), SEED, reader])
    if cache.exists() and str(np.load(cache)["key"]) == key:
        npz = np.load(cache)
        ps, which, probs, reject = PlanSet.load(npz, "v"), npz["which"], npz["probs"], npz["reject"]
    else:
        ps, _, which = plan_scenes(args.per_family, args.kinds)
        probs, reject = Classifier(args.model).score_all(ps.images)
        np.savez(cache, key=key, which=which, probs=probs, reject=reject, **ps.save("v"))
    threshold = Classifier(args.model).info.reject[1]
    readings = resolve_all(ps, probs, reject, threshold)
    right = np.asarray([(r.number or "") if r is not None else "" for r in readings]) == ps.truth
    figures = {w: round(float(right[which == w].mean()) * 100, 2) for w in dict.fromkeys(which.tolist())}
    figures["all"] = round(float(right.mean()) * 100, 2)
    if args.json:
        print(json.dumps(figures))
    else:
        for w, v in figures.items():
            print(f"{w:28s} {v:6.2f}%")


if __name__ == "__main__":
    main()
