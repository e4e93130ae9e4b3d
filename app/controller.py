"""Between the widgets and the Qt-free inference: what Run, Clear, Undo, Open and Live do."""

from __future__ import annotations

import logging
import time

import numpy as np
from PyQt5.QtCore import QObject, QTimer

from app.inference import Classifier, Prediction
from app.preprocess import EmptyImage
from app.widgets import MainWindow

log = logging.getLogger(__name__)

#: While drawing, Live recognises at most this often (about 25 times a second): each run
#: takes 1-3 ms here, so the pen never lags.
LIVE_DELAY_MS = 40


class Controller(QObject):
    def __init__(self, window: MainWindow, classifier: Classifier, live: bool = True) -> None:
        super().__init__(window)
        self.window = window
        self.classifier = classifier
        self.live = live
        self.picture: np.ndarray | None = None  # an opened picture, classified at full resolution
        self.last: Prediction | None = None
        self.last_ms = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(LIVE_DELAY_MS)
        self._timer.timeout.connect(self.run)

        window.run_requested.connect(self.run)
        window.clear_requested.connect(self.clear)
        window.undo_requested.connect(self.undo)
        window.open_requested.connect(self.open_picture)
        window.live_toggled.connect(self.set_live)
        window.canvas.changed.connect(self._canvas_changed)
        window.canvas.stroke_finished.connect(self._stroke_finished)
        window.set_model_text(classifier.info.summary)
        window.result.show_message("Draw a digit, then press Run (or keep Live on)")

    # ----------------------------------------------------------------- actions
    def run(self) -> Prediction | None:
        """Classify what is on the canvas now; show the result or why there is none."""
        self._timer.stop()
        started = time.perf_counter()
        canvas = self.window.canvas
        source = self.picture if self.picture is not None and canvas.stroke_count() == 0 else canvas.to_array()
        try:
            prediction = self.classifier.predict(source)
        except EmptyImage:
            self.last = None
            self.window.result.show_message("Nothing drawn yet")
            self.window.input_view.set_image(None)
            self.window.show_status("Nothing drawn: draw a digit or open a picture (Ctrl+O)", 4000)
            return None
        self.last_ms = (time.perf_counter() - started) * 1e3
        self.last = prediction
        log.debug("recognised %d (%.3f) in %.1f ms", prediction.digit, prediction.confidence, self.last_ms)
        labels = self.classifier.info.labels
        self.window.result.show_prediction(labels[prediction.digit], prediction.confidence, prediction.probs, labels)
        self.window.input_view.set_image(prediction.prepared.image)
        self.window.show_status(f"{labels[prediction.digit]} in {self.last_ms:.1f} ms")
        return prediction

    def clear(self) -> None:
        self.picture = None
        self.last = None
        self.window.canvas.clear()
        self.window.result.show_message("Draw a digit")
        self.window.input_view.set_image(None)

    def undo(self) -> None:
        if self.window.canvas.stroke_count() == 0:
            self.picture = None
        self.window.canvas.undo()
        if self.live or self.last is not None:
            self.run()

    def open_picture(self, path: str) -> None:
        from app.images import ImageError, load_image

        try:
            picture = load_image(path)
        except ImageError as exc:
            self.window.show_status(str(exc), 8000)
            self.window.result.show_message("Cannot read that file")
            return
        self.picture = picture
        self.window.canvas.set_picture(picture)
        self.run()

    def set_live(self, on: bool) -> None:
        self.live = on
        if on:
            self.run()

    # ------------------------------------------------------------------ events
    def _canvas_changed(self) -> None:
        if self.live and not self.window.canvas.is_empty() and not self._timer.isActive():
            self._timer.start()  # throttle, not debounce: the result follows the pen while it moves

    def _stroke_finished(self) -> None:
        if self.live:
            self.run()
