"""Shared by the independent sets' scripts that write a folder per kind (make_m.py, make_n.py): the folders,
``manifest.csv`` (path,kind,truth,what, as score.py reads it) and the count of each kind."""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Callable, Sequence

Kinds = Sequence[tuple[str, int, Callable[[str, int], Sequence[str]]]]


def main(kinds: Kinds) -> None:
    """The scripts' command line: ``SCRIPT OUT_DIR``, then :func:`write_set` into it."""
    if len(sys.argv) != 2:
        print(f"usage: {os.path.basename(sys.argv[0])} OUT_DIR")
        sys.exit(2)
    write_set(sys.argv[1], kinds)


def write_set(outdir: str, kinds: Kinds) -> None:
    """Make ``count`` pictures of each ``(kind, count, make)`` in turn, ``make(outdir, i)`` writing picture ``i``
    into ``outdir/kind/`` and returning its manifest row; then write the manifest and print the counts."""
    for kind, _, _ in kinds:
        os.makedirs(os.path.join(outdir, kind), exist_ok=True)
    rows = [make(outdir, i) for _, count, make in kinds for i in range(count)]
    with open(os.path.join(outdir, "manifest.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["path", "kind", "truth", "what"])
        w.writerows(rows)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r[1]] = counts.get(r[1], 0) + 1
    for k, v in counts.items():
        print(f"{k:<9s} {v}")
    print(f"total     {len(rows)}")
