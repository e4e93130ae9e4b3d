"""What every stage entry point shares: one readable message instead of a traceback.

Expected failures (a missing input, a bad parameter, no reachable data source) are raised
as :class:`StageError` or :class:`~pipeline.config.errors.ParamsError` and end the process with
one message and exit status 1. :func:`run` also removes temporary files a killed earlier
run left beside the stage's outputs, makes the stage's child processes die with it, and
fails the stage when ``params.yaml`` changes while it runs (a ``dvc exp run`` started
meanwhile rewrites it before DVC's lock refuses that run).
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from pipeline.config.core import PARAMS_FILE
from pipeline.config.errors import ParamsError
from pipeline.errors import StageError

log = logging.getLogger(__name__)


def setup_logging(level: int = logging.INFO) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", datefmt="%H:%M:%S")


def clean_stale_temps(outputs: Iterable[Path]) -> list[Path]:
    """Remove the temporary siblings (``.<name>.*.tmp*``, ``.<name>.old``) an interrupted run left.

    Only names of :mod:`pipeline.atomic`'s own making are touched, and only beside the
    stage's declared outputs. DVC runs one stage per workspace at a time, so nothing live
    uses them.
    """
    removed = []
    for out in outputs:
        out = Path(out)
        if not out.parent.is_dir():
            continue
        for stale in [*out.parent.glob(f".{out.name}.*.tmp*"), out.parent / f".{out.name}.old"]:
            if stale.is_dir() and not stale.is_symlink():
                shutil.rmtree(stale, ignore_errors=True)
            elif stale.exists() or stale.is_symlink():
                stale.unlink(missing_ok=True)
            else:
                continue
            removed.append(stale)
            log.info("removed %s, left by an interrupted run", stale)
    return removed


def clean_leftovers(root: Path = Path("artifacts")) -> list[Path]:
    """Every stage's temporaries under ``root``, not only this stage's: when DVC restores a stage
    from its run-cache the stage does not run, so what a killed run of it left would stay for ever
    (a kill -9 of report left 4.6 MiB in artifacts/.reports.*.tmp/ while `dvc status` said up to date)."""
    if not root.is_dir():
        return []
    removed = []
    for folder in [root, *(p for p in root.rglob("*") if p.is_dir() and not p.name.startswith("."))]:
        names = {p.name for p in folder.iterdir() if not p.name.startswith(".")}
        removed += clean_stale_temps(folder / name for name in names | _temp_targets(folder))
    return removed


def _temp_targets(folder: Path) -> set[str]:
    """Output names whose temporaries (``.<name>.<random>.tmp...`` or ``.<name>.old``) sit in ``folder``."""
    targets = set()
    for p in folder.glob(".*"):
        name = p.name[1:]
        if name.endswith(".old"):
            targets.add(name[: -len(".old")])
        elif ".tmp" in name:
            base = name.split(".tmp", 1)[0]  # <name>.<random>
            targets.add(base.rsplit(".", 1)[0])
    return targets


def _params_bytes(path: Path = PARAMS_FILE) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError:
        return None


#: Where a params.yaml written under a running stage is kept when the stage puts its own back: one file
#: each time, named by the time, never overwritten.
REPLACED_PARAMS = Path(".dvc") / "tmp" / "params-replaced"


def _keep_params(ran_with: bytes | None) -> None:
    """params.yaml changed while the stage ran: put back what it ran with, keep the other aside, say so.

    ``dvc exp run`` writes its params into the workspace before DVC's lock refuses it while another
    run holds the lock, so a second run started beside a first would leave the first recording
    results under params it never used (measured: the first failed at the end of training and the
    workspace held the second's params). Putting the params back lets the running pipeline finish
    and record what it made with the params it used; the refused run is started again later."""
    from pipeline.atomic import atomic_write_bytes

    now = _params_bytes()
    if ran_with is None or now == ran_with:
        return
    stamp, n = time.strftime("%Y%m%dT%H%M%S", time.gmtime()), 0
    while (kept := REPLACED_PARAMS / f"params.{stamp}.{os.getpid()}.{n}.yaml").exists():
        n += 1
    if now is not None:
        atomic_write_bytes(kept, now)
    atomic_write_bytes(PARAMS_FILE, ran_with)
    log.warning(
        "%s changed while this stage ran: another `dvc exp run` wrote its params (DVC writes them before "
        "its lock refuses a second run), or an edit. This run's params are put back, so what it made is "
        "recorded with the params it used; the version found is kept in %s. If a `dvc exp run` was "
        'refused ("Unable to acquire lock"), start it again when this run ends.',
        PARAMS_FILE,
        kept,
    )


def die_with_parent() -> None:
    """For ``subprocess.Popen(preexec_fn=...)``: the child gets SIGKILL when this process dies (Linux)."""
    if sys.platform.startswith("linux"):
        import contextlib
        import ctypes
        import signal

        with contextlib.suppress(OSError):  # not glibc: the child merely outlives a killed parent
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def timing_path(stage: str) -> Path:
    """``artifacts/timing/stages/<stage>.json``: the stage's wall time and the machine it ran on."""
    return Path("artifacts") / "timing" / "stages" / f"{stage}.json"


def record_timing(main: Callable[[], object], seconds: float) -> None:
    """Write the stage's timing file; the stage is named by its module, ``pipeline.stages.<name>``."""
    import json

    from pipeline.atomic import atomic_write_bytes
    from pipeline.machine import describe

    module = getattr(main, "__module__", "")
    if module == "__main__":  # `python -m pipeline.stages.<name>`, as dvc.yaml runs it
        module = getattr(getattr(sys.modules["__main__"], "__spec__", None), "name", "") or ""
    package, _, stage = module.rpartition(".")
    if package != "pipeline.stages":
        return  # not a stage of dvc.yaml (a test's own main): nothing to record
    record = {"stage": stage, "wall_seconds": round(seconds, 1), **describe()}
    atomic_write_bytes(timing_path(stage), (json.dumps(record, indent=2) + "\n").encode())


def run(main: Callable[[], object], outputs: Iterable[Path] = ()) -> None:
    """Run a stage's ``main`` and turn expected failures into a message and exit status 1."""
    from app.threads import single_threaded_blas

    setup_logging(logging.DEBUG if os.environ.get("DIGITS_DEBUG") else logging.INFO)
    single_threaded_blas()  # numpy's small products on one BLAS thread: faster, steadier, the same bytes
    clean_stale_temps(outputs)
    clean_leftovers()
    ran_with = _params_bytes()
    try:
        started = time.perf_counter()
        try:
            main()
        finally:
            _keep_params(ran_with)
        record_timing(main, time.perf_counter() - started)
    except (StageError, ParamsError) as exc:
        log.error("%s", exc)
        sys.exit(1)
    except KeyboardInterrupt:
        log.error("interrupted; no partial artifact was written")
        sys.exit(130)
    except OSError as exc:  # a full disk, a read-only checkout: the file and what to do, not a traceback
        log.debug("stage failed", exc_info=True)
        log.error("%s", os_error_message(exc))
        sys.exit(1)


def os_error_message(exc: OSError, rerun: str = "`dvc repro`") -> str:
    """One line for a failed read or write: which file, why, and what to do (the atomic writes left nothing)."""
    where = f" {exc.filename}" if exc.filename else ""
    why = exc.strerror or str(exc) or type(exc).__name__
    advice = {
        errno.ENOSPC: "free some disk space",
        errno.EDQUOT: "free some disk space (your quota is full)",
        errno.EROFS: "the file system is read-only: run the pipeline in a writable checkout",
        errno.EACCES: "check the folder's permissions",
        errno.EPERM: "check the folder's permissions",
    }.get(exc.errno or 0, "check the file and the disk")
    return (
        f"cannot read or write{where}: {why}; {advice}, then run {rerun} again "
        "(no half-written output was left; DIGITS_DEBUG=1 shows the traceback)"
    )
