"""`digit-predict` on 1,000 files in one call (one model session) against one call per file.

Writes 1,000 pictures of MNIST test digits (scanned-looking: dark ink on white, 140x140) to
a temporary folder, reads them all with one `digit-predict FOLDER --json`, then times ten
single-file calls; prints both and the ratio per file, measured in this one run.

    python bench/cli_batch.py [--files 1000]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    args = parser.parse_args()
    from PIL import Image

    from pipeline.data import load_mnist

    sample = load_mnist(ROOT / "tests" / "data" / "mnist_sample.npz", counts=None)
    exe = shutil.which("digit-predict") or str(Path(sys.executable).parent / "digit-predict")
    with tempfile.TemporaryDirectory(prefix="cli-batch-") as tmp:
        folder = Path(tmp)
        for i in range(args.files):
            digit = sample.x_test[i % len(sample.x_test)]
            Image.fromarray(np.pad(255 - np.kron(digit, np.ones((5, 5), np.uint8)), 0)).save(folder / f"{i:05d}.png")
        t0 = time.perf_counter()
        proc = subprocess.run([exe, str(folder), "--json"], capture_output=True, text=True)
        batch = time.perf_counter() - t0
        records = [json.loads(line) for line in proc.stdout.splitlines()]
        truth = [str(int(sample.y_test[i % len(sample.y_test)])) for i in range(args.files)]
        right = sum(r.get("number") == t for r, t in zip(records, truth, strict=False))
        singles = []
        for i in range(10):
            t0 = time.perf_counter()
            subprocess.run([exe, str(folder / f"{i:05d}.png")], capture_output=True, text=True)
            singles.append(time.perf_counter() - t0)
    per_file_batch = batch / args.files
    per_file_single = float(np.median(singles))
    print(
        f"one call, {args.files} files: {batch:.1f} s ({1e3 * per_file_batch:.1f} ms a file), "
        f"{len(records)} records, {right} read right, exit {proc.returncode}"
    )
    print(f"one call per file: {per_file_single:.2f} s a file (median of 10; starting Python and the model each time)")
    print(f"ratio: {per_file_single / per_file_batch:.0f}x faster per file in one call")


if __name__ == "__main__":
    main()
