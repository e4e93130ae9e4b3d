"""``digit-app [--model PATH]``: the desktop window. Starts without TensorFlow.

With no usable model it shows a dialog that says how to build one instead of a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

#: Set by the cold-start benchmark: print when the window is shown with the model loaded, then quit.
PROBE_ENV = "DIGITS_STARTUP_PROBE"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="digit-app", description="Draw a digit and see it recognised.")
    parser.add_argument("--model", help="ONNX model (default: artifacts/model/model.onnx, else the published one)")
    parser.add_argument("--no-live", action="store_true", help="recognise only on Run, not while drawing")
    return parser.parse_args(argv)


def build(args: argparse.Namespace):  # -> tuple[MainWindow, Controller]
    """Create the window and its controller; raises ``ModelError`` when the model is unusable."""
    from app.controller import Controller
    from app.inference import load_classifier
    from app.widgets import MainWindow

    classifier = load_classifier(args.model)
    window = MainWindow(live=not args.no_live)
    return window, Controller(window, classifier, live=not args.no_live)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from PyQt5.QtWidgets import QApplication, QMessageBox

    from app.inference import ModelError, ModelNotFound

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Digit Classifier")
    try:
        window, _controller = build(args)
    except ModelError as exc:
        title = "No model to run" if isinstance(exc, ModelNotFound) else "Cannot use this model"
        print(f"digit-app: {exc}", file=sys.stderr)
        if not os.environ.get(PROBE_ENV):
            QMessageBox.critical(None, title, str(exc))
        return 2
    window.resize(980, 620)
    window.show()
    if os.environ.get(PROBE_ENV):
        app.processEvents()
        print(f"shown {time.time():.6f}", flush=True)
        return 0
    return app.exec_()


if __name__ == "__main__":
    sys.exit(main())
