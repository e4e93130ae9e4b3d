"""Screenshot of the app's window with a digit drawn, for README.md (run under Xvfb: `make screenshot`).

Draws a hand-written '4' on the canvas with real mouse events (two strokes, as a person
would), lets Live mode recognise it, then grabs the X screen (not a Qt re-render) with
QScreen.grabWindow.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
from PyQt5.QtCore import QEvent, QPointF, Qt, QTimer
from PyQt5.QtGui import QMouseEvent
from PyQt5.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.main import build, parse_args  # noqa: E402


def stroke(canvas, points) -> None:
    """Press at the first point, move through every point, release at the last."""

    def send(kind, x, y, button, held):
        QApplication.sendEvent(canvas, QMouseEvent(kind, QPointF(x, y), button, held, Qt.NoModifier))
        QApplication.processEvents()

    send(QEvent.MouseButtonPress, *points[0], Qt.LeftButton, Qt.LeftButton)
    for x, y in points[1:]:
        send(QEvent.MouseMove, x, y, Qt.NoButton, Qt.LeftButton)
    send(QEvent.MouseButtonRelease, *points[-1], Qt.LeftButton, Qt.NoButton)


def path(canvas, *corners, steps=25):
    """Points along a polyline given in canvas fractions, with a little hand tremor."""
    rng = np.random.default_rng(4)
    w, h = canvas.width(), canvas.height()
    pts = []
    for (x0, y0), (x1, y1) in itertools.pairwise(corners):
        for t in np.linspace(0, 1, steps, endpoint=False):
            pts.append(((x0 + t * (x1 - x0)) * w + rng.normal(0, 1.2), (y0 + t * (y1 - y0)) * h + rng.normal(0, 1.2)))
    pts.append((corners[-1][0] * w, corners[-1][1] * h))
    return pts


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / ".github" / "screenshots" / "app.png"
    app = QApplication(sys.argv[:1])
    window, controller = build(parse_args([]))
    window.resize(1000, 640)
    window.move(0, 0)
    window.show()
    canvas = window.canvas
    app.processEvents()
    stroke(canvas, path(canvas, (0.46, 0.18), (0.30, 0.55), (0.68, 0.56)))
    stroke(canvas, path(canvas, (0.60, 0.32), (0.58, 0.84)))
    controller.run()

    def grab() -> None:
        shot = app.primaryScreen().grabWindow(0, 0, 0, window.frameGeometry().width(), window.frameGeometry().height())
        shot.save(str(out))
        print(f"saved {out} ({shot.width()}x{shot.height()}); read {controller.last.text if controller.last else None}")
        app.quit()

    QTimer.singleShot(800, grab)
    app.exec_()


if __name__ == "__main__":
    main()
