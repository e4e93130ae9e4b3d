"""Screenshots of the app's window for README.md (run under Xvfb: `make screenshot`).

Draws with real mouse events (stroke by stroke, as a person would), lets Live mode read the
drawing, then grabs the X screen (not a Qt re-render) with QScreen.grabWindow.

    python .ci/app_screenshot.py OUT.png [--scene number|digit|nondigit|ruled] [--dark] [--scale 2]

``ruled`` opens a photo of a number on margin-ruled paper, made by the pipeline's own scene
generator from the test sample's digits (the app shows the ruling it ignored, faint).

A HiDPI screen is an X server at 192 dpi (``xvfb-run -s "-dpi 192"``): Qt scales by 2 from the
screen's density, as on a real HiDPI monitor. ``--scale`` sets QT_SCALE_FACTOR on top of that (a
user's own setting); ``--dark`` the app's dark mode.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def stroke(canvas, points) -> None:
    """Press at the first point, move through every point, release at the last."""
    from PyQt5.QtCore import QEvent, QPointF, Qt
    from PyQt5.QtGui import QMouseEvent
    from PyQt5.QtWidgets import QApplication

    def send(kind, x, y, button, held):
        QApplication.sendEvent(canvas, QMouseEvent(kind, QPointF(x, y), button, held, Qt.NoModifier))
        QApplication.processEvents()

    send(QEvent.MouseButtonPress, *points[0], Qt.LeftButton, Qt.LeftButton)
    for x, y in points[1:]:
        send(QEvent.MouseMove, x, y, Qt.NoButton, Qt.LeftButton)
    send(QEvent.MouseButtonRelease, *points[-1], Qt.LeftButton, Qt.NoButton)


def path(canvas, *corners, steps=25, seed=4):
    """Points along a polyline given in canvas fractions, with a little hand tremor."""
    rng = np.random.default_rng(seed)
    w, h = canvas.width(), canvas.height()
    pts = []
    for (x0, y0), (x1, y1) in itertools.pairwise(corners):
        for t in np.linspace(0, 1, steps, endpoint=False):
            pts.append(((x0 + t * (x1 - x0)) * w + rng.normal(0, 1.0), (y0 + t * (y1 - y0)) * h + rng.normal(0, 1.0)))
    pts.append((corners[-1][0] * w, corners[-1][1] * h))
    return pts


def arc(cx, cy, rx, ry, start, end, steps=30):
    """Canvas-fraction points on an elliptic arc (angles in degrees, 0 = right, clockwise on screen)."""
    t = np.radians(np.linspace(start, end, steps))
    return [(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in t]


def draw_number(canvas) -> None:
    """4 0 7 1, written by hand across the canvas, apart (digits that touch: README, The app)."""
    stroke(canvas, path(canvas, (0.14, 0.32), (0.06, 0.55), (0.21, 0.56)))
    stroke(canvas, path(canvas, (0.175, 0.40), (0.17, 0.68)))
    stroke(canvas, path(canvas, *arc(0.385, 0.5, 0.07, 0.15, -90, 275)))
    stroke(canvas, path(canvas, (0.53, 0.37), (0.67, 0.36), (0.58, 0.66)))
    stroke(canvas, path(canvas, (0.80, 0.35), (0.81, 0.66)))


def draw_digit(canvas) -> None:
    stroke(canvas, path(canvas, (0.46, 0.18), (0.30, 0.55), (0.68, 0.56)))
    stroke(canvas, path(canvas, (0.60, 0.32), (0.58, 0.84)))


def draw_nondigit(canvas) -> None:
    """A star: five strokes that are not a digit."""
    pts = [(0.5 + 0.3 * np.cos(np.radians(a - 90)), 0.5 + 0.3 * np.sin(np.radians(a - 90))) for a in range(0, 800, 144)]
    stroke(canvas, path(canvas, *pts, steps=12))


def open_ruled(controller) -> None:
    """A photographed number on ruled paper with a margin, opened as a person opens a file."""
    import tempfile

    from PIL import Image

    from pipeline.data import load_mnist
    from pipeline.synth.scene import scene

    sample = load_mnist(ROOT / "tests" / "data" / "mnist_sample.npz", counts=None)
    rng = np.random.default_rng([2026, 0])
    idx = rng.integers(0, len(sample.x_train), 4)
    families = {"pen": "ballpoint", "layout": "spaced", "paper": "margin", "degradation": "photo"}
    written = scene(sample.x_train[idx], sample.y_train[idx], families, rng)
    path = Path(tempfile.mkdtemp()) / "notebook.png"
    Image.fromarray(written.pixels).save(path)
    controller.open_file(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scene", choices=["number", "digit", "nondigit", "ruled"], default="number")
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    if args.scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)

    from PyQt5.QtCore import QSettings, Qt, QTimer
    from PyQt5.QtWidgets import QApplication

    from app.main import build, parse_args

    QApplication.setAttribute(Qt.AA_EnableHighDpiScaling, True)
    QApplication.setAttribute(Qt.AA_UseHighDpiPixmaps, True)
    app = QApplication(sys.argv[:1])
    QSettings.setPath(QSettings.NativeFormat, QSettings.UserScope, str(args.out.parent / ".screenshot-settings"))
    window, controller = build(parse_args([]))
    window.set_dark(args.dark, save=False)
    window.resize(1000, 640)
    window.move(0, 0)
    window.show()
    app.processEvents()
    if args.scene == "ruled":
        open_ruled(controller)
    else:
        {"number": draw_number, "digit": draw_digit, "nondigit": draw_nondigit}[args.scene](window.canvas)
        controller.run()

    def grab() -> None:
        frame = window.frameGeometry()
        shot = app.primaryScreen().grabWindow(0, 0, 0, frame.width(), frame.height())
        shot.save(str(args.out))
        read = controller.last.text if controller.last else None
        ratio = app.primaryScreen().devicePixelRatio()
        print(f"saved {args.out} ({shot.width()}x{shot.height()}, device pixel ratio {ratio:g}); read {read}")
        app.quit()

    QTimer.singleShot(800, grab)
    app.exec_()


if __name__ == "__main__":
    main()
