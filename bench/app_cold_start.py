"""Cold start: process start to the window shown with the model loaded, against importing TensorFlow.

Starts ``digit-app`` (offscreen unless $DISPLAY is set) with ``DIGITS_STARTUP_PROBE=1``, which
prints the time the window was shown with its model loaded, and ``python -c "import
tensorflow"``, alternately, several times in this one run; prints medians and the ratio.
Targets (issue 5): at most 0.6 s and at least 10x faster than the TensorFlow import.

    python bench/app_cold_start.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

from _common import ROOT


def app_start(env: dict[str, str]) -> float:
    exe = shutil.which("digit-app") or str(ROOT / ".venv" / "bin" / "digit-app")
    t0 = time.time()
    out = subprocess.run([exe], env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)
    if out.returncode != 0 or "shown" not in out.stdout:
        raise SystemExit(f"digit-app failed: {out.stderr[-1000:]}")
    return float(out.stdout.split("shown")[1].split()[0]) - t0


def tf_import() -> float:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import tensorflow"], check=True, capture_output=True, timeout=120)
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    env = {**os.environ, "DIGITS_STARTUP_PROBE": "1"}
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    app_start(env)  # warm the file cache once, for both sides alike
    tf_import()
    apps, tfs = [], []
    for _ in range(args.rounds):
        apps.append(app_start(env))
        tfs.append(tf_import())
    a, t = statistics.median(apps), statistics.median(tfs)
    platform = "xcb on " + env["DISPLAY"] if env.get("DISPLAY") else "offscreen"
    print(f"digit-app to window shown with model loaded ({platform}): median {a:.3f} s  {[round(v, 3) for v in apps]}")
    print(f"python -c 'import tensorflow':                       median {t:.3f} s  {[round(v, 2) for v in tfs]}")
    print(f"ratio: {t / a:.1f}x faster than importing TensorFlow (target >= 10x); app {a:.3f} s (target <= 0.6 s)")


if __name__ == "__main__":
    main()
