"""What the app does, without Qt: edits with undo and redo, reading the drawing, files, history.

The controller owns the :class:`~app.document.Document` and the classifier and talks to the
window through the few verbs of :class:`View`, so it runs (and is tested) with a stand-in
view and no widgets. No exception leaves a controller action: whatever goes wrong is
logged and shown as an error, and the drawing is kept.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from app import userdata, wording
from app.document import Document, Picture, Stroke, read
from app.inference import Classifier, ModelError, Reading, fix_hint
from app.preprocess import EmptyImage
from app.teaching import Saved, Teaching
from app.view import HISTORY, Background, Cancel, HistoryItem, Schedule, View, guarded

__all__ = ["HISTORY", "PAUSE_MS", "Controller", "HistoryItem", "Saved", "View"]

log = logging.getLogger(__name__)

#: With Live on, the drawing is read when the pen lifts, and while the pen is down only once it
#: has rested this long: reading every move flashed confident nonsense for half-written digits
#: (half a "2" read "17" at 98-100%). Half a second is about the pause of a person who waits.
PAUSE_MS = 500


class Controller(Teaching):
    def __init__(
        self,
        view: View,
        classifier: Classifier,
        *,
        live: bool = True,
        schedule: Schedule | None = None,
        background: Background | None = None,
        userdata_folder: str | Path | None = None,
    ) -> None:
        """``userdata_folder``: where corrections are saved (default :func:`app.userdata.default_folder`);
        ``background``: where another model is loaded and checked (None: at once, on this thread)."""
        self.view = view
        self.classifier = classifier
        self.live = live
        self.schedule = schedule
        self.background = background
        self._loading: tuple[Path, Cancel] | None = None  # the model being loaded in the background
        self.document = Document()
        self.last: Reading | None = None
        self.last_ms = 0.0
        self.history: list[HistoryItem] = []
        self._undo: list[Document] = []
        self._redo: list[Document] = []
        self._pending: Document | None = None
        self._timer: Cancel | None = None
        self._stale = False
        self._unsaved: HistoryItem | None = None  # the live reading of the drawing in progress
        self._read_of: Document | None = None  # the document ``last`` is a reading of
        # the person's digits: one session per run, so a held-out split keeps a run's drawings together
        self.userdata = Path(userdata_folder) if userdata_folder is not None else userdata.default_folder()
        self.session = userdata.new_session()
        self.writer = userdata.writer_name()
        self._labels: dict[tuple[int, int, int, int], str] = {}  # the person's digit per piece (by box)
        self._saves: list[Saved] = []  # this drawing's saves since its last edit: Ctrl+Z takes back the last
        self._recalled: Saved | None = None  # the record of a drawing brought back from the strip
        self._model_stamp: tuple[Path, dict[str, str]] | None = None
        self.save_ms = 0.0
        # from record.json alone: 1,000 records counted in 24 ms on this 2-core Xeon (bench/userdata_save.py)
        self.saved_digits = userdata.count_digits(self.userdata)
        view.show_model(classifier.info)
        view.show_message(wording.EMPTY)
        view.set_edit_state(False, False)
        view.show_userdata(self.saved_digits, self.userdata)

    # ------------------------------------------------------------------ reading
    @guarded
    def run(self) -> Reading | None:
        """Read what is on the canvas now; show the result, or why there is none."""
        self._cancel_pending()
        reading = self._read(self.document)
        if reading is not None:
            self._remember(HistoryItem(self.document, reading.text))
        return reading

    def _read(self, document: Document, preview: bool = False) -> Reading | None:
        started = time.perf_counter()
        if document.is_empty():
            return self._nothing(wording.EMPTY)
        try:
            reading, ink = read(self.classifier, document)
        except EmptyImage:
            return self._nothing(wording.EMPTY if document.picture is None else f"{wording.NOTHING.capitalize()} here")
        except ModelError as exc:  # no old answer may stay beside a picture the model could not read
            self._nothing("The model could not read this")
            if not preview:
                text = str(exc).replace(fix_hint(), "").rstrip(" ;.")
                self.view.show_error(
                    "The model could not read this",
                    f"{text}.\n\nYour drawing is kept. Choose another model with File > Open model…",
                )
            return None
        self.last_ms = (time.perf_counter() - started) * 1e3
        self.last = reading
        self._read_of = document
        self._stale = False
        frame = document.frame()
        hints = wording.hints(reading, ink, pen=pen_pixels(document, frame.unit), past_edge=frame.past_edge)
        self.view.show_reading(reading, note="\n".join(hints), frame=frame)
        if document is self.document:
            self._unsaved = HistoryItem(document, wording.short(reading))
            if self._labels or self._saves:  # read again (Run, another model): the person's digits stay
                self._show_labels(reading)
        if not preview:
            self.view.show_status(f"{wording.short(reading)} in {self.last_ms:.1f} ms")
        return reading

    def _nothing(self, message: str) -> None:
        self.last = None
        self.view.show_message(message)
        self.view.show_status("")

    def _remember(self, item: HistoryItem) -> None:
        """Put a reading in the history strip (once per drawing: live readings wait until it is done)."""
        self._unsaved = None
        if self.history and self.history[0].document == item.document:
            return
        # a drawing saved to the person's digits keeps its mark when it comes back to the front
        item = next((h for h in self.history if h.document == item.document and h.mark), item)
        # a drawing brought back from the strip moves to the front instead of appearing twice
        self.history = [h for h in self.history if h.document != item.document]
        self.history.insert(0, item)
        del self.history[HISTORY:]
        self.view.show_history(self.history)

    def _settle(self) -> None:
        """The drawing is being replaced (Clear, Open, a recalled one): its last live reading joins the history."""
        if self._unsaved is not None and self._unsaved.document == self.document:
            self._remember(self._unsaved)
        self._unsaved = None

    # ------------------------------------------------------------------- edits
    def _edit(self, document: Document) -> None:
        if document == self.document:
            return
        self._undo.append(self.document)
        self._redo.clear()
        self._set(document)

    def _set(self, document: Document) -> None:
        # a new drawing (or an edit): the saves stay saved, and Ctrl+Z goes back to undoing strokes
        self._saves.clear()
        self._labels.clear()
        self._recalled = None
        self.document = document
        self.view.show_document(document)
        self.view.set_edit_state(bool(self._undo), bool(self._redo))
        if self.live:
            self._cancel_pending()
            self._read(document)
        elif document.is_empty():
            self._nothing(wording.EMPTY)
        elif self.last is not None:
            self._stale = True
            self.view.show_reading(self.last, stale=True)
            self.view.show_status("The drawing changed: press Enter (Run) to read it again")
        else:
            self.view.show_message("Press Enter (Run) to read the drawing")

    @guarded
    def add_stroke(self, stroke: Stroke) -> None:
        """The pen left the canvas: the stroke becomes part of the drawing (undoable)."""
        self._edit(self.document.with_stroke(stroke))

    @guarded
    def preview(self, stroke: Stroke) -> None:
        """The pen is moving: with Live on, read the drawing with the stroke so far once the pen rests PAUSE_MS."""
        if not self.live or self.schedule is None:
            return
        self._pending = self.document.with_stroke(stroke)
        if self._timer is not None:
            self._timer.cancel()  # the pen moved: the pause starts again
        self._timer = self.schedule(PAUSE_MS, self._fire)

    def _fire(self) -> None:
        self._timer = None
        pending, self._pending = self._pending, None
        if pending is not None:
            try:
                self._read(pending, preview=True)
            except Exception:  # a timer callback must never take the app down
                log.exception("live reading failed")

    def _cancel_pending(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._pending = None

    @guarded
    def clear(self) -> None:
        self._cancel_pending()
        self._settle()
        self._edit(Document())

    @guarded
    def undo(self) -> None:
        """Take back the last save of this drawing if there is one (until the next edit), else the last edit."""
        if self._saves:
            self._undo_save()
            return
        if self._undo:
            self._redo.append(self.document)
            self._set(self._undo.pop())

    @guarded
    def redo(self) -> None:
        if self._redo:
            self._undo.append(self.document)
            self._set(self._redo.pop())

    @guarded
    def set_live(self, on: bool) -> None:
        self.live = on
        if on:
            self._read(self.document)

    @guarded
    def recall(self, index: int) -> None:
        """Bring back a drawing from the history strip (undoable)."""
        if 0 <= index < len(self.history):
            item = self.history[index]
            self._settle()
            self._edit(item.document)
            if item.saved is not None and item.saved.path.is_dir() and self.document == item.document:
                # saved before: correcting it again replaces that record (Ctrl+Z brings it back)
                self._recalled = item.saved
                self._labels = dict(item.saved.labels)
            if not self.live:
                self.run()
            elif self._recalled is not None and self.last is not None and self._read_of is self.document:
                self._show_labels(self.last)

    # ------------------------------------------------------------------- files
    @guarded
    def open_file(self, path: str | Path) -> bool:
        """Open a picture; a file that cannot be used is explained and leaves the canvas as it was."""
        from app.images import ImageError, load_picture

        try:
            picture = load_picture(path)
        except ImageError as exc:
            self._failed_open(Path(path).name, str(exc))
            return False
        self._open(Picture(picture.pixels, Path(path).name, tuple(picture.notes)))
        return True

    @guarded
    def paste(self, data: bytes | np.ndarray, name: str = "pasted picture") -> bool:
        """An image from the clipboard (encoded bytes or pixels)."""
        from app.images import ImageError, decode

        if isinstance(data, np.ndarray):
            self._open(Picture(np.ascontiguousarray(data), name))
            return True
        try:
            picture = decode(data, name)
        except ImageError as exc:
            self._failed_open(name, str(exc))
            return False
        self._open(Picture(picture.pixels, name, tuple(picture.notes)))
        return True

    def _open(self, picture: Picture) -> None:
        self._cancel_pending()
        self._settle()
        self._edit(Document(picture=picture))
        if not self.live:
            self.run()
        for note in picture.notes:
            self.view.show_status(note)

    def _failed_open(self, name: str, reason: str) -> None:
        """Explain why; the drawing on the canvas and its answer stay as they were (a failed Open changes nothing)."""
        self.view.show_status(f"Could not open {name}; the canvas is unchanged")
        self.view.show_error("Cannot open this picture", reason)

    @guarded
    def save_drawing(self, path: str | Path) -> bool:
        """Save what is on the canvas as a PNG (written atomically)."""
        from app.images import ImageError, save_png

        if self.document.is_empty():
            self.view.show_error("Nothing to save", "The canvas is empty: draw something or open a picture first.")
            return False
        try:
            saved = save_png(self.document.render_image(), path)
        except ImageError as exc:
            self.view.show_status("")
            self.view.show_error("Cannot save the drawing", f"{exc}\n\nChoose another folder.")
            return False
        self.view.show_status(f"Saved {saved}")
        return True

    @guarded
    def use_model(self, path: str | Path) -> bool:
        """Switch to another ONNX model; a model that cannot be used is explained and the old one kept.

        With a ``background``, the model is loaded and checked there (its test run may take up to
        :data:`app.inference.PROBE_SECONDS` before a model that never answers is refused), the window
        stays responsive, and :meth:`cancel_model` keeps the old one; returns whether loading began."""
        path = Path(path)
        self.cancel_model(quiet=True)
        if self.background is None:
            try:
                classifier = Classifier(path)
            except ModelError as exc:
                self._refuse_model(exc)
                return False
            self._switch_model(classifier)
            return True
        self.view.show_busy(f"Checking the model {path.name}…", self.cancel_model)
        self._loading = (path, self.background(lambda stop: Classifier(path, cancel=stop), self._model_loaded))
        return True

    @guarded
    def cancel_model(self, quiet: bool = False) -> None:
        """Stop waiting for a model being loaded; the one in use stays."""
        if self._loading is None:
            return
        path, job = self._loading
        self._loading = None
        job.cancel()
        self.view.show_busy(None)
        if not quiet:
            self.view.show_model(self.classifier.info)  # the model list shows the one in use again
            self.view.show_status(f"Kept {self.classifier.path.name}; {path.name} was not loaded")

    @guarded
    def _model_loaded(self, classifier: Classifier | None, error: BaseException | None) -> None:
        self._loading = None
        self.view.show_busy(None)
        if error is not None and not isinstance(error, ModelError):  # not expected: say it as the model's
            log.error("loading a model failed", exc_info=error)
            error = ModelError(f"loading it failed ({type(error).__name__}: {error})")
        if error is not None:
            self._refuse_model(error)
        elif classifier is not None:
            self._switch_model(classifier)

    def _refuse_model(self, exc: ModelError) -> None:
        self.view.show_model(self.classifier.info)  # the model list shows the one in use again
        # what is wrong, then the window's own way out (not the shell's --model PATH or `make pipeline`)
        text = str(exc).replace(fix_hint(), "").rstrip(" ;.")
        self.view.show_error(
            "Cannot use this model",
            f"{text}.\n\nThe app keeps using {self.classifier.path.name}; choose another with File > Open model…",
        )

    def _switch_model(self, classifier: Classifier) -> None:
        self.classifier = classifier
        self.view.show_model(classifier.info)
        if not self.document.is_empty():
            self.run()

    def result_text(self) -> str:
        """What Copy puts on the clipboard: the answer (the drawing is read first when it changed since), or ""."""
        if (self._stale or self.last is None) and not self.document.is_empty():
            self.run()
        return "" if self.last is None or self._stale else wording.answer_text(self.last)


def pen_pixels(document: Document, unit: int) -> float | None:
    """The drawing's pen width in the ink map's pixels (the median of its strokes'), or None for a picture."""
    widths = [s.width for s in document.strokes if not s.erase]
    if document.picture is not None or not widths:
        return None
    import statistics  # here: its import (fractions, decimal, random) is 3 ms of the cold start

    return statistics.median(widths) * unit  # on a few numbers, 30x cheaper than np.median
