"""Real-path latency: from the pen leaving the canvas to the answer set in the widgets, at real window sizes.

The app's own window and controller (Qt offscreen unless $DISPLAY is set): a drawing is
made of pen strokes (MNIST test digits traced stroke by stroke, with a point every 2 px of
the default canvas as a mouse sends them), and each timed run is the
last stroke being finished: the controller adds it, renders the drawing at the model's
fixed working resolution, segments, frames every candidate, runs onnxruntime once, decides,
and sets the result panel, the bars, the input views and the canvas boxes. Rows: the
default window, 1920x1080 and 3840x2160, one digit; one with several digits; and two digits whose
ink meets (one piece: cut, and read whole by the string model when it lies beside the digit model). Painting
follows on Qt's event loop and is not in the figure (the model works at a fixed resolution,
so a window's size changes only its painting).

Live reads nothing while the pen moves (only once it rests PAUSE_MS), so what is timed here
is the whole wait after a pen-up. Every timed run finishes a stroke the app has not seen (moved by a few pixels),
so the digit being written is always framed and classified anew; the other digits of a
number are reused from the previous reading by the app's per-piece memo, as when a person
writes a number stroke by stroke. ``classified`` is how many 28x28 inputs the model ran on
per run (median).

    python bench/app_latency.py [--runs 300] [--model PATH] [--json]

``--keras`` also times the Keras model's ``model(x)`` on the same prepared input (imports
TensorFlow) for the ratio the project started from.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from _common import ROOT, np, percentiles_ms

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen" if not os.environ.get("DISPLAY") else "xcb")


#: A mouse reports a moving pen every few pixels: a point every 2 px of the default window's canvas.
POINT_SPACING = 2 / 464


def digit_strokes(digit: np.ndarray, left: float, top: float, size: float):
    """Pen strokes tracing an MNIST digit, one per run of ink in every other row, in canvas units,
    each with as many points as a mouse would send along it (rasterizing them is part of the cost)."""
    from app.document import Stroke
    from pipeline.synth.strokes import digit_strokes as traced

    return [Stroke(tuple(p), size / 14) for p in traced(digit, left, top, size, every=2, spacing=POINT_SPACING)]


def shifted(stroke, i: int):
    """The stroke moved by whole pixels of the working resolution: 81 different positions, more
    than the app's memo keeps, so the run never finds this digit's pixels already read. The
    stroke traces the digit's lowest row, so it moves sideways and down, never onto the row above."""
    from app.document import DRAWING_SIDE, Stroke

    dx, dy = ((i % 9) - 4) / DRAWING_SIDE, ((i // 9) % 9 + 1) / DRAWING_SIDE
    return Stroke(tuple((x + dx, y + dy) for x, y in stroke.points), stroke.width, stroke.erase)


def time_finish_stroke(window, controller, strokes, runs: int) -> tuple[list[float], list[int]]:
    """Seconds from the last stroke's pen-up to the result set in the widgets, and inputs classified, per run."""
    controller.clear()
    for s in strokes[:-1]:
        controller.add_stroke(s)
    classifier = controller.classifier
    score, count = classifier.score, [0]

    def counting(images):
        count[0] += len(images)
        return score(images)

    classifier.score = counting
    times, classified = [], []
    try:
        for i in range(runs + 10):
            last = shifted(strokes[-1], i)
            count[0] = 0
            t0 = time.perf_counter()
            window.canvas.stroke_finished.emit(last)  # what the canvas does on pen-up
            elapsed = time.perf_counter() - t0
            if i >= 10:  # warm-up
                times.append(elapsed)
                classified.append(count[0])
            controller.undo()  # (Live reads the drawing without the stroke again: not timed)
    finally:
        del classifier.score
    if controller.last is None:
        raise RuntimeError("the app read nothing")
    return times, classified


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--model", help="ONNX model (default: as the app chooses)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--keras", help="also time this Keras model's model(x) (imports TensorFlow)")
    args = parser.parse_args()

    from PyQt5.QtWidgets import QApplication

    from app.main import build, parse_args
    from pipeline.data import load_mnist

    sample = load_mnist(ROOT / "tests" / "data" / "mnist_sample.npz", counts=None)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    window, controller = build(parse_args(["--model", args.model] if args.model else []))
    # Live as the app starts without a remembered choice: on (this machine's last run may have left it off,
    # and then a stroke is not read at all)
    window.act_live.setChecked(True)
    controller.set_live(True)
    window.show()
    one = digit_strokes(sample.x_test[0], 0.15, 0.15, 0.7)
    several = [s for k in range(4) for s in digit_strokes(sample.x_test[k + 1], 0.04 + k * 0.24, 0.35, 0.22)]
    # two digits written so close that their ink meets (a 2 and a 0: one piece, cut or read whole as a string)
    touching = [s for k, left in ((1, 0.2), (3, 0.37)) for s in digit_strokes(sample.x_test[k], left, 0.3, 0.3)]
    rows = []
    for label, size, strokes, digits in (
        ("default window", (1000, 660), one, 1),
        ("1920x1080 window", (1920, 1080), one, 1),
        ("3840x2160 window", (3840, 2160), one, 1),
        ("1920x1080 window, a 4-digit number", (1920, 1080), several, 4),
        ("1920x1080 window, 2 digits touching", (1920, 1080), touching, 2),
    ):
        window.resize(*size)
        app.processEvents()
        canvas = window.canvas.size()
        times, classified = time_finish_stroke(window, controller, strokes, args.runs)
        p50, p99 = percentiles_ms(times)
        rows.append(
            {
                "label": label,
                "window": list(size),
                "canvas": [canvas.width(), canvas.height()],
                "digits": digits,
                "answer": controller.last.text,
                "p50_ms": round(p50, 3),
                "p99_ms": round(p99, 3),
                "runs": len(times),
                "classified": int(np.median(classified)),
            }
        )
    result = {
        "model": str(controller.classifier.path),
        "platform": os.environ["QT_QPA_PLATFORM"],
        "cpus": os.cpu_count(),
        "real_path": rows,
    }
    if args.keras:
        from pipeline.learn.keras_model import load_model

        model = load_model(args.keras)
        x = controller.last.pieces[0].image[None, ..., None]
        model(x, training=False)
        t = []
        for _ in range(100):
            t0 = time.perf_counter()
            model(x, training=False).numpy()
            t.append(time.perf_counter() - t0)
        result["keras_model_call_p50_ms"] = round(percentiles_ms(t)[0], 3)
    if args.json:
        print(json.dumps(result))
        return
    print(f"model {result['model']} ({result['platform']}, {result['cpus']} CPUs); pen-up to answer in the widgets:")
    for r in rows:
        print(
            f"  {r['label']:38s} canvas {r['canvas'][0]}x{r['canvas'][1]:<5d} read {r['answer']:>6s}  "
            f"p50 {r['p50_ms']:6.2f} ms  p99 {r['p99_ms']:6.2f} ms  ({r['runs']} runs, "
            f"{r['classified']} classified)"
        )
    print("target: p50 <= 2 ms and p99 <= 5 ms in every row")
    if "keras_model_call_p50_ms" in result:
        print(f"Keras model(x) alone, one prepared digit: p50 {result['keras_model_call_p50_ms']:.2f} ms")


if __name__ == "__main__":
    main()
