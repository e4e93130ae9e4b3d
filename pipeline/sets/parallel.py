"""Run independent jobs on every CPU core, in order, with the same results on any number of cores.

The data stages render and read tens of thousands of pictures in pure numpy, one core each.
Work is cut into a *fixed* list of jobs (never "one per core"), each seeded by its own
index, so the output does not depend on how many workers ran it. ``DIGITS_WORKERS=N`` sets
the number of processes (default: the CPU count; 1 runs in this process).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


def workers() -> int:
    raw = os.environ.get("DIGITS_WORKERS", "").strip()
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            from pipeline.errors import StageError

            raise StageError(f"DIGITS_WORKERS={raw!r}: expected a whole number of processes, at least 1")
        return int(raw)
    return max(1, os.cpu_count() or 1)


def run_jobs(fn: Callable[..., T], jobs: Sequence[tuple[Any, ...]], what: str = "jobs") -> list[T]:
    """``[fn(*job) for job in jobs]``, spread over processes (``fn`` must be a module-level function)."""
    from tqdm import tqdm

    n = min(workers(), len(jobs))
    if n <= 1:
        return [fn(*job) for job in tqdm(jobs, desc=what, unit="job", disable=None, leave=False)]
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from pipeline.stage import die_with_parent

    with ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context("fork"), initializer=die_with_parent) as pool:
        futures = [pool.submit(fn, *job) for job in jobs]
        with tqdm(total=len(futures), desc=what, unit="job", disable=None, leave=False) as bar:
            results = []
            for f in futures:
                results.append(f.result())
                bar.update()
    return results
