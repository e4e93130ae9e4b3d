"""Cold start: process start to the window shown with the model loaded, against importing TensorFlow.

Starts ``digit-app`` (offscreen unless $DISPLAY is set) with ``DIGITS_STARTUP_PROBE=1``, which
prints the time the window was shown with its model (classifier and not-a-digit gate) and the
reader loaded, and ``python -c "import tensorflow"``, alternately, several times in this one
run; prints medians and the ratio. Targets: at most 0.2 s, and at least 10x faster than the
TensorFlow import. The CPU time (user + system) of the app's process is printed too: on a
machine shared with other work it moves far less than the wall time. ``--against DIR`` also
starts another checkout's app (first on the path, e.g. a git worktree of an older commit) in
the same rounds, for a before/after ratio measured in one run.

    python bench/app_cold_start.py [--rounds 5] [--against DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

from _common import ROOT


def app_start(env: dict[str, str], code: str | None = None) -> tuple[float, float]:
    """(wall seconds from starting the process to its window shown, its CPU seconds); ``code``: another checkout."""
    cmd = [shutil.which("digit-app") or str(ROOT / ".venv" / "bin" / "digit-app")]
    if code is not None:
        # first on the path: ``python -c`` puts the working directory (this checkout) before PYTHONPATH
        start = f"import sys; sys.path.insert(0, {code!r}); from app.main import main; sys.exit(main([]))"
        cmd = [sys.executable, "-c", start]
    t0, before = time.time(), resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0 or "shown" not in out.stdout:
        raise SystemExit(f"digit-app failed: {out.stderr[-1000:]}")
    if code is None and ("no-gate" in out.stdout or "no-reader" in out.stdout):
        raise SystemExit(f"the window was shown without the gate or the reader: {out.stdout.strip()}")
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return float(out.stdout.split("shown")[1].split()[0]) - t0, cpu


def tf_import() -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import tensorflow"], check=True, capture_output=True, timeout=120)
    return time.perf_counter() - t0


def _row(label: str, runs: list[tuple[float, float]]) -> tuple[float, float]:
    wall, cpu = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
    print(f"{label}: median {wall:.3f} s (CPU {cpu:.3f} s)  {[round(r[0], 3) for r in runs]}")
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--against", metavar="DIR", help="also time the app of this checkout (e.g. a git worktree)")
    args = parser.parse_args()
    env = {**os.environ, "DIGITS_STARTUP_PROBE": "1"}
    # pip compiles an installed app's modules; a shell with PYTHONDONTWRITEBYTECODE=1 would time the
    # compiler instead (85 ms of the start here): the warm-up run writes the bytecode
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    app_start(env)  # warm the file cache once, for every side alike
    tf_import()
    if args.against:
        app_start(env, args.against)
    apps, others, mine, tfs = [], [], [], []
    for _ in range(args.rounds):
        apps.append(app_start(env))
        if args.against:  # both checkouts started the same way, for the ratio
            others.append(app_start(env, args.against))
            mine.append(app_start(env, str(ROOT)))
        tfs.append(tf_import())
    platform = "xcb on " + env["DISPLAY"] if env.get("DISPLAY") else "offscreen"
    a, _ = _row(f"digit-app to window shown with model loaded ({platform})", apps)
    t = statistics.median(tfs)
    print(f"python -c 'import tensorflow': median {t:.3f} s  {[round(v, 2) for v in tfs]}")
    print(f"ratio: {t / a:.1f}x faster than importing TensorFlow (target >= 10x); app {a:.3f} s (target <= 0.2 s)")
    if others:
        m, my_cpu = _row("this checkout, started as the other is", mine)
        o, other_cpu = _row(f"{args.against}", others)
        print(f"this checkout takes {m / o:.2f}x the other's time and {my_cpu / other_cpu:.2f}x its CPU")


if __name__ == "__main__":
    main()
