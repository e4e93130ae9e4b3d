"""A screenshot of a correction in a real window for docs/userdata.md (run under Xvfb).

Draws "1 1 4" with Qt mouse events (the second 1 with a long flat flag, as some people write
it), lets the app read it, then corrects the digit it read wrong as a person does, with real
X events from xdotool: a click on the digit's tag, then the key of the right digit. Grabs the X
screen after. The digits are saved to a temporary folder (DIGITS_USERDATA), not the checkout's.

    xvfb-run -a -s "-screen 0 1100x700x24" python .ci/correction_screenshot.py docs/correction.png
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / ".ci"))
sys.path.insert(0, str(ROOT))

from app_screenshot import path, stroke  # noqa: E402

WRITTEN = "114"


def draw_114(canvas) -> None:
    """A 1 with a flag and a foot, a 1 with a long flat flag and no foot (the app's model reads it
    as a 7: "174", the issue's example), and an open 4, apart."""
    stroke(canvas, path(canvas, (0.04, 0.40), (0.18, 0.33), (0.18, 0.66)))
    stroke(canvas, path(canvas, (0.11, 0.66), (0.25, 0.66)))
    stroke(canvas, path(canvas, (0.31, 0.35), (0.44, 0.33), (0.41, 0.66)))
    stroke(canvas, path(canvas, (0.71, 0.33), (0.64, 0.55), (0.84, 0.55)))
    stroke(canvas, path(canvas, (0.78, 0.40), (0.78, 0.67)))


def main() -> None:
    out = Path(sys.argv[1])
    os.environ["DIGITS_USERDATA"] = tempfile.mkdtemp(prefix="correction-shot-")
    from PyQt5.QtCore import QSettings, QTimer
    from PyQt5.QtWidgets import QApplication

    from app.main import build, parse_args

    app = QApplication(sys.argv[:1])
    QSettings.setPath(QSettings.NativeFormat, QSettings.UserScope, tempfile.mkdtemp(prefix="correction-settings-"))
    window, controller = build(parse_args([]))
    window.set_dark(False, save=False)
    window.resize(1000, 640)
    window.move(0, 0)
    window.show()
    app.processEvents()
    draw_114(window.canvas)
    reading = controller.run()
    read = reading.text if reading else None
    print(f"read {read!r}")
    wrong = [i for i, p in enumerate(reading.pieces) if i < len(WRITTEN) and p.label != WRITTEN[i]]
    if len(reading.pieces) != len(WRITTEN) or not wrong:
        raise SystemExit(f"the drawing read {read!r}: nothing to correct in this screenshot")
    index = wrong[0]
    canvas = window.canvas
    rect, label, _ = canvas.boxes[index]
    _, tag = canvas._box_geometry(rect, label, canvas.width())
    where = canvas.mapToGlobal(tag.center().toPoint())
    env = dict(os.environ)

    def click() -> None:  # gesture 1: a real click on the digit's tag
        subprocess.run(["xdotool", "mousemove", str(where.x()), str(where.y()), "click", "1"], env=env, check=True)

    def key() -> None:  # gesture 2: the right digit's key in the menu
        subprocess.run(["xdotool", "key", WRITTEN[index]], env=env, check=True)
        subprocess.run(["xdotool", "mousemove", "990", "630"], env=env, check=True)  # the pointer out of the way

    def grab() -> None:
        frame = window.frameGeometry()
        shot = app.primaryScreen().grabWindow(0, 0, 0, frame.width(), frame.height())
        shot.save(str(out))
        saved = controller._saves[-1].label if controller._saves else None
        print(f"saved {out} ({shot.width()}x{shot.height()}); read {read}, corrected to {saved}")
        app.quit()

    QTimer.singleShot(400, click)
    QTimer.singleShot(900, key)
    QTimer.singleShot(1600, grab)
    app.exec_()


if __name__ == "__main__":
    main()
