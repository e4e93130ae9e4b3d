"""One BLAS thread: numpy's small matrix products must not wait for each other.

numpy's OpenBLAS splits even an 80x224 product across threads that spin-wait for each
other; on a 2-core machine with anything else running, one resize took 46 ms instead of
0.27 ms (and the app's status bar showed 60-100 ms "under load"). Preprocessing is many
small products: one thread is both faster and steadier, and the same bytes every run.
"""

from __future__ import annotations

#: OpenBLAS and MKL read these when numpy loads them.
BLAS_THREADS_ENV = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def single_threaded_blas() -> None:
    """Limit numpy's BLAS to one thread in this process (and the processes it starts).

    Before numpy is imported the environment does it for nothing; afterwards threadpoolctl
    does (importing it and asking the loaded libraries cost 10-25 ms of the app's cold start).
    """
    import os
    import sys

    if "numpy" not in sys.modules:
        for name in BLAS_THREADS_ENV:
            os.environ[name] = "1"
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency; without it, run as before
        return
    threadpool_limits(1, user_api="blas")
