"""``digit-app [--model PATH]``: the desktop window. Starts without TensorFlow.

With no usable model it shows a dialog that says what to do instead of a traceback, and no
exception in a slot or a timer can take the process down (PyQt5 aborts on one by default):
it is logged and shown, and the drawing is kept.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
import time
import traceback

from app.version import VersionAction

#: Set by the cold-start benchmark: print when the window is shown with the model loaded, then quit.
PROBE_ENV = "DIGITS_STARTUP_PROBE"
#: What Qt's X11 platform plugin (xcb) loads beyond the Qt wheels: Debian package -> library.
#: Without them Qt aborts with "Could not load the Qt platform plugin 'xcb'" (the Makefile's
#: SCREENSHOT_PACKAGES installs them; a test keeps the two lists together).
XCB_LIBRARIES = {
    "libxcb-icccm4": "libxcb-icccm.so.4",
    "libxcb-keysyms1": "libxcb-keysyms.so.1",
    "libxcb-xinerama0": "libxcb-xinerama.so.0",
    "libxcb-image0": "libxcb-image.so.0",
    "libxcb-render-util0": "libxcb-render-util.so.0",
    "libxcb-xkb1": "libxcb-xkb.so.1",
    "libxkbcommon-x11-0": "libxkbcommon-x11.so.0",
}

log = logging.getLogger("app")


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's own, told the terminal's width: left to find it, it imports shutil (and lzma, bz2),
    2.8 ms of the window's cold start, on every start, for a help text rarely shown."""

    def __init__(self, prog: str, *args, **kwargs) -> None:
        if kwargs.get("width") is None and len(args) < 3:
            given = os.environ.get("COLUMNS", "")
            try:
                columns = int(given) if given.isascii() and given.isdigit() else os.get_terminal_size(1).columns
            except (ValueError, OSError):  # not a terminal
                columns = 80
            kwargs["width"] = max(columns - 2, 20)  # as argparse does
        super().__init__(prog, *args, **kwargs)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="digit-app", description="Draw a digit or a number and see it read.", formatter_class=_HelpFormatter
    )
    parser.add_argument("--model", help="ONNX model (default: artifacts/model/model.onnx, else the app's own)")
    parser.add_argument("--no-live", action="store_true", help="read only on Run (Enter), not while drawing")
    parser.add_argument("--version", action=VersionAction)
    return parser.parse_args(argv)


class _Timer:
    """A single-shot QTimer with the controller's ``Cancel`` protocol."""

    def __init__(self, delay_ms: int, callback) -> None:
        from PyQt5.QtCore import QTimer

        self.timer = QTimer()
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(callback)
        self.timer.start(delay_ms)

    def cancel(self) -> None:
        self.timer.stop()


def connect(window, controller) -> None:
    """Wire the window's signals to the controller's actions (the only place they meet)."""
    from PyQt5.QtWidgets import QApplication

    window.run_requested.connect(controller.run)
    window.clear_requested.connect(controller.clear)
    window.undo_requested.connect(controller.undo)
    window.redo_requested.connect(controller.redo)
    window.open_requested.connect(controller.open_file)
    window.model_requested.connect(controller.use_model)
    window.save_requested.connect(controller.save_drawing)
    window.paste_requested.connect(controller.paste)
    window.live_toggled.connect(controller.set_live)
    window.recall_requested.connect(controller.recall)
    window.canvas.stroke_moved.connect(controller.preview)
    window.canvas.stroke_finished.connect(controller.add_stroke)
    window.correct_requested.connect(controller.correct_digit)
    window.answer_typed.connect(controller.correct_text)
    window.confirm_requested.connect(controller.confirm)
    window.userdata_requested.connect(controller.open_userdata)

    def copy() -> None:
        text = controller.result_text()
        if text:
            QApplication.clipboard().setText(text)
            window.show_status(f"Copied “{text}”")
        else:
            window.show_status("Nothing to copy: read a drawing first")

    window.copy_requested.connect(copy)


def build(args: argparse.Namespace):  # -> tuple[MainWindow, Controller]
    """Create the window and its controller; raises ``ModelError`` when the model is unusable.

    Live is as the last run left it, unless ``--no-live`` says otherwise.
    """
    from app.controller import Controller
    from app.inference import load_classifier
    from app.ui.window import MainWindow
    from app.ui.worker import in_background

    classifier = load_classifier(args.model)
    window = MainWindow(live=None if not args.no_live else False)
    controller = Controller(
        window, classifier, live=window.act_live.isChecked(), schedule=_Timer, background=in_background
    )
    connect(window, controller)
    return window, controller


def install_excepthook(window_getter) -> None:
    """Any exception that reaches Qt's event loop is logged and shown, never fatal."""

    def hook(kind, value, tb) -> None:
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, value, tb)))
        window = window_getter()
        if window is not None:
            with contextlib.suppress(Exception):  # the error display itself failed: the log has it
                window.show_error("Something went wrong", f"{kind.__name__}: {value}\n\nYour drawing is kept.")

    sys.excepthook = hook


def fit_to_screen(window, width: int = 1000, height: int = 660) -> None:
    """Open at the size the last run closed at (else a comfortable one), never larger than the screen."""
    screen = window.screen() if hasattr(window, "screen") else None
    from PyQt5.QtWidgets import QApplication

    remembered = window.remembered_size() if hasattr(window, "remembered_size") else None
    if remembered is not None:
        width, height = remembered
    area = (screen or QApplication.primaryScreen()).availableGeometry()
    window.resize(min(width, int(area.width() * 0.95)), min(height, int(area.height() * 0.92)))


def missing_display_packages(load=None) -> list[str]:
    """The Debian packages whose libraries Qt's X11 plugin would fail to load (none elsewhere, or offscreen)."""
    platform = os.environ.get("QT_QPA_PLATFORM", "xcb")
    if not sys.platform.startswith("linux") or not platform.startswith("xcb"):
        return []
    if load is None:
        import ctypes

        load = ctypes.CDLL
    missing = []
    for package, library in XCB_LIBRARIES.items():
        try:
            load(library)
        except OSError:
            missing.append(package)
    return missing


def _start_with_builtin(exc: Exception, args: argparse.Namespace) -> bool:
    """A model given with --model cannot be used: offer to start with the app's own instead."""
    from PyQt5.QtWidgets import QMessageBox

    from app.contract import PUBLISHED_MODEL
    from app.inference import fix_hint

    if args.model is None or os.environ.get(PROBE_ENV) or not PUBLISHED_MODEL.is_file():
        return False
    text = str(exc).replace(fix_hint(), "").rstrip(" ;.")
    answer = QMessageBox.question(
        None,
        "Cannot use this model",
        f"{text}.\n\nStart with the app's own model instead? (File > Open model chooses another later.)",
        QMessageBox.Yes | QMessageBox.No,
        QMessageBox.Yes,
    )
    if answer != QMessageBox.Yes:
        return False
    args.model = str(PUBLISHED_MODEL)
    return True


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    missing = missing_display_packages()
    if missing:  # Qt would abort with a message about its 'xcb' plugin, naming none of these
        print(
            f"digit-app: cannot open a window: Qt's X11 support needs {', '.join(missing)}. Install with:\n"
            f"  sudo apt-get install {' '.join(missing)}",
            file=sys.stderr,
        )
        return 2
    from app.threads import single_threaded_blas

    single_threaded_blas()
    from PyQt5.QtCore import Qt
    from PyQt5.QtWidgets import QApplication, QMessageBox

    from app.inference import ModelError, ModelNotFound

    # high-DPI screens: scale by the screen's ratio and keep pixmaps sharp (before the application exists)
    QApplication.setAttribute(Qt.AA_EnableHighDpiScaling, True)
    QApplication.setAttribute(Qt.AA_UseHighDpiPixmaps, True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Digit Classifier")
    holder: dict[str, object] = {}
    install_excepthook(lambda: holder.get("window"))
    try:
        window, _controller = build(args)
    except ModelError as exc:
        if not _start_with_builtin(exc, args):
            title = "No model to run" if isinstance(exc, ModelNotFound) else "Cannot use this model"
            print(f"digit-app: {exc}", file=sys.stderr)
            if not os.environ.get(PROBE_ENV):
                QMessageBox.critical(None, title, str(exc))
            return 2
        window, _controller = build(args)
    holder["window"] = window
    fit_to_screen(window)
    window.show()
    if os.environ.get(PROBE_ENV):
        app.processEvents()
        gate = "gate" if window.model_info is not None and window.model_info.reject else "no-gate"
        reader = "reader" if "app.reader" in sys.modules else "no-reader"
        print(f"shown {time.time():.6f} {gate} {reader}", flush=True)
        return 0
    return app.exec_()


if __name__ == "__main__":
    sys.exit(main())
