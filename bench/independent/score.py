"""Score a checkout's reader on an independent set (bench/independent/make_*.py), file by file.

Each picture is read by ``python -m app.cli --json`` run in the checkout (``--reader``, default this one),
as a user's ``digit-predict`` reads it; the answer is the JSON ``number``, or "none" when it is rejected.
A non-digit is right when answered "none". Prints each kind's share read right (and, for non-digits,
each group's), writes every file's answer (``--out``), and with ``--against`` an earlier run's answers,
lists the files whose rightness changed and counts them per kind.

    python bench/independent/score.py SET_DIR [--reader DIR] [--model M] [--out A.json] [--against B.json]
"""

from __future__ import annotations

import argparse
import collections
import csv
import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BATCH = 100


def answer(record: dict | None) -> str:
    if record is None or record.get("error"):
        return "error"
    number = record.get("number")
    return "none" if record.get("rejected") or number is None else str(number)


def read_all(files: list[Path], reader: Path, model: str | None) -> dict[str, dict]:
    """The reader's JSON record of each file, by its absolute path."""
    got: dict[str, dict] = {}
    for i in range(0, len(files), BATCH):
        command = [sys.executable, "-m", "app.cli", "--json", *(["--model", model] if model else [])]
        done = subprocess.run(
            command + [str(f) for f in files[i : i + BATCH]], cwd=reader, capture_output=True, text=True
        )
        records = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
        # 1: some inputs could not be read, each with its record; with no record at all the reader itself failed
        # (run outside the venv, onnxruntime missing: every answer was "error" and the set scored 0%)
        if done.returncode not in (0, 1) or not records:
            sys.exit(f"the reader failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
        for record in records:
            got[str(Path(reader, record["file"]).resolve())] = record
    return got


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("set", type=Path, help="a folder with manifest.csv (path,kind,truth[,what])")
    parser.add_argument("--reader", type=Path, default=REPO, help="the checkout whose reader reads (default: this)")
    parser.add_argument("--model", help="ONNX model (default: as digit-predict chooses in that checkout)")
    parser.add_argument("--out", type=Path, help="write every file's answer here (JSON)")
    parser.add_argument("--against", type=Path, help="an earlier --out: list what changed")
    args = parser.parse_args()

    with open(args.set / "manifest.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    files = [(args.set / r["path"]).resolve() for r in rows]
    model = str(Path(args.model).resolve()) if args.model else None
    got = read_all(files, args.reader.resolve(), model)
    answers = {r["path"]: answer(got.get(str(f))) for r, f in zip(rows, files, strict=True)}

    kinds: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    groups: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    for r in rows:
        right = answers[r["path"]] == r["truth"]
        kinds[r["kind"]][0] += 1
        kinds[r["kind"]][1] += right
        if r.get("what"):
            group = r["what"].split(":")[0]
            groups[group][0] += 1
            groups[group][1] += right
    print(f"reader {args.reader}, model {args.model or '(as digit-predict chooses)'}")
    for name, (n, right) in kinds.items():
        print(f"{name:12s} {n:4d}  {100 * right / n:5.1f}% right")
    for name, (n, right) in groups.items():
        print(f"  {name:10s} {n:4d}  {100 * right / n:5.1f}% right")
    if args.out:
        args.out.write_text(json.dumps(answers, indent=0, sort_keys=True))
    if args.against:
        before = json.loads(args.against.read_text())
        changed: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
        for r in rows:
            a, b = before.get(r["path"]), answers[r["path"]]
            if a is None or (a == r["truth"]) == (b == r["truth"]):
                continue
            changed[r["kind"]][0 if b == r["truth"] else 1] += 1
            print(f"{'FIXED ' if b == r['truth'] else 'BROKEN'} {r['path']}  truth {r['truth']}: {a} -> {b}")
        for name in kinds:
            print(f"{name:12s} fixed {changed[name][0]:3d}  broken {changed[name][1]:3d}")


if __name__ == "__main__":
    main()
