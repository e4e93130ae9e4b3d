"""Saving a correction: the person's click on a digit to the record on disk and the window updated.

The app's own window and controller (Qt offscreen unless $DISPLAY is set) with the app's model:
a three-digit number is drawn once (MNIST test digits traced stroke by stroke) and read; each
timed run is one ``correct_digit`` (what a digit picked in the box's menu calls): the label is
made, the record written (three 28x28 PNGs, record.json with every stroke, in a hidden folder
renamed into place), the history strip, the canvas tags, the note and the count updated. Ctrl+Z
(untimed) takes each save back, so every timed run writes a new record. ``save_record`` alone
and ``count_digits`` over 1,000 records (what the app reads at start) are timed too. The folder
is a temporary one beside the checkout's ``userdata/`` (the same file system), removed after.
Target: under 50 ms.

    python bench/userdata_save.py [--runs 200] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

from _common import ROOT, np, percentiles_ms

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")


def cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from PyQt5.QtWidgets import QApplication

    from app import userdata
    from app.document import Stroke
    from app.main import build, parse_args
    from pipeline.data import load_mnist

    sample = load_mnist(ROOT / "tests" / "data" / "mnist_sample.npz", counts=None)
    app = QApplication.instance() or QApplication(["bench"])
    with tempfile.TemporaryDirectory(dir=ROOT, prefix=".bench-userdata-") as tmp:
        os.environ[userdata.ENV_FOLDER] = tmp
        window, controller = build(parse_args(["--no-live"]))
        window.resize(1000, 660)
        window.show()
        app.processEvents()
        for k, i in enumerate((0, 1, 2)):
            ink = sample.x_test[i] > 100
            left, top, size = 0.04 + 0.32 * k, 0.35, 0.27
            for y in range(28):
                xs = np.flatnonzero(ink[y])
                for run in np.split(xs, np.flatnonzero(np.diff(xs) > 1) + 1) if xs.size else []:
                    cy = top + (y + 0.5) / 28 * size
                    a, b = left + run[0] / 28 * size, left + (run[-1] + 0.5) / 28 * size
                    controller.add_stroke(Stroke(((a, cy), (b, cy)), size / 28))
        reading = controller.run()
        assert reading is not None and len(reading.pieces) == 3, reading
        controller.correct_digit(1, "0")  # the first save also hashes the model file (once per model)
        controller.undo()
        times = []
        for r in range(args.runs):
            started = time.perf_counter()
            ok = controller.correct_digit(r % 3, str(r % 10))
            times.append(time.perf_counter() - started)
            app.processEvents()
            assert ok and userdata.count_records(tmp) == 1
            controller.undo()
        p50, p99 = percentiles_ms(times)
        inputs = [p.image for p in reading.pieces]
        alone = []
        for _ in range(args.runs):
            started = time.perf_counter()
            path = userdata.save_record(Path(tmp) / "alone", label="123", inputs=inputs, read_as="124")
            alone.append(time.perf_counter() - started)
            userdata.delete_record(path)
        a50, a99 = percentiles_ms(alone)
        for _ in range(1000):
            userdata.save_record(Path(tmp) / "many", label="123", inputs=inputs)
        counts = []
        for _ in range(20):
            started = time.perf_counter()
            digits = userdata.count_digits(Path(tmp) / "many")
            counts.append(time.perf_counter() - started)
        assert digits == 3000
        c50, _ = percentiles_ms(counts)
        window.close()
    result = {
        "cpu": cpu(),
        "cores": os.cpu_count(),
        "runs": args.runs,
        "correct_digit_p50_ms": round(p50, 2),
        "correct_digit_p99_ms": round(p99, 2),
        "save_record_p50_ms": round(a50, 2),
        "save_record_p99_ms": round(a99, 2),
        "count_digits_1000_records_ms": round(c50, 1),
        "strokes": len(controller.document.strokes),
    }
    if args.json:
        print(json.dumps(result))
        return
    where = f"{result['cpu']}, {result['cores']} cores"
    print(f"{where}; {args.runs} corrections of a 3-digit drawing ({result['strokes']} strokes)")
    print(f"correct_digit (click to saved and shown): p50 {p50:.1f} ms, p99 {p99:.1f} ms (target < 50 ms)")
    print(f"save_record alone:                        p50 {a50:.1f} ms, p99 {a99:.1f} ms")
    print(f"count_digits over 1,000 records (start):  {c50:.1f} ms")


if __name__ == "__main__":
    main()
