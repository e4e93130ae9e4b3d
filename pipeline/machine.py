"""What machine a stage ran on, for its timing file: a difference between two runs can then be
traced to the CPU, its SIMD level, the BLAS kernel or the oneDNN cap."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def describe() -> dict[str, Any]:
    """CPU model, cores, numpy's SIMD levels in use, OpenBLAS's kernel and the oneDNN cap."""
    import numpy as np

    features = getattr(np._core._multiarray_umath, "__cpu_features__", {})
    dispatch = getattr(np._core._multiarray_umath, "__cpu_dispatch__", [])
    out: dict[str, Any] = {
        "cpu": cpu_model(),
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "numpy_simd": [f for f in dispatch if features.get(f)],
        "workers": os.environ.get("DIGITS_WORKERS") or "all cores",
        "onednn_max_cpu_isa": os.environ.get("ONEDNN_MAX_CPU_ISA") or "unset",
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
    try:
        from threadpoolctl import threadpool_info

        blas = [f"{p.get('internal_api')} {p.get('version')} {p.get('architecture')}" for p in threadpool_info()]
        out["blas"] = [b for b in blas if b.startswith(("openblas", "mkl", "blis"))]
    except ImportError:  # the app-only install has no threadpoolctl; stages always do
        pass
    return out
