"""The person's own digits, taught from the window: correct a piece or the whole answer, confirm it,
undo a save, and the history strip's marks. A part of :class:`app.controller.Controller` (a mixin: it
reads and edits the controller's drawing, reading and history), kept apart because it is the one part
that writes files the pipeline learns from (:mod:`app.userdata`)."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from app import userdata, wording
from app.inference import Reading
from app.reading import DigitReading
from app.view import HISTORY, HistoryItem, guarded

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Saved:
    """One save of the drawing on the canvas: its record and how to write it again (undo of a later one)."""

    path: Path
    label: str
    read_as: str
    args: dict[str, Any] = field(repr=False)
    labels: dict[tuple[int, int, int, int], str] = field(repr=False)


class Teaching:
    """The controller's actions on the person's digits. It uses the controller's ``view``, ``document``,
    ``last`` (and ``_read_of``, ``_stale``, ``live``), ``history``, ``classifier`` and the state set up
    in its ``__init__`` (``_labels``, ``_saves``, ``_recalled``, ``userdata``, ``session``, ``writer``,
    ``saved_digits``, ``save_ms``, ``_model_stamp``, ``_undo``, ``_redo``)."""

    @guarded
    def correct_digit(self, index: int, digit: str) -> bool:
        """The person says piece ``index`` (the answer's pieces, then those set aside) is ``digit``; saves the reading.

        One gesture after choosing the piece: the record is saved at once, and a further correction of
        the same drawing replaces it (one record per drawing).
        """
        reading = self._current()
        if reading is None:
            return False
        pieces = [*reading.pieces, *reading.ignored]
        if not (0 <= index < len(pieces)) or digit not in "0123456789" or len(digit) != 1:
            return False
        self._labels[pieces[index].box] = digit
        return self._save_labelled(reading)

    @guarded
    def correct_text(self, text: str) -> bool:
        """The person typed the whole answer: one digit per piece of the answer (or of every piece, set aside too)."""
        reading = self._current()
        if reading is None:
            return False
        digits = "".join(text.split())
        if not digits or not digits.isascii() or not digits.isdigit():
            self.view.show_status(wording.ONLY_DIGITS)
            return False
        pieces = pieces_for(reading, len(digits))
        if len(digits) != len(pieces):
            self.view.show_status("Not saved: the typed answer does not fit the drawing")
            self.view.show_error("The answer does not fit the drawing", wording.misfit(len(digits), len(pieces)))
            return False
        self._labels.update({p.box: d for p, d in zip(pieces, digits, strict=True)})
        return self._save_labelled(reading)

    @guarded
    def confirm(self) -> bool:
        """The answer is right: save it as it was read (with any digit the person corrected)."""
        reading = self._current()
        if reading is None:
            return False
        if not self._labels and (reading.rejected or not reading.pieces):
            self.view.show_status(wording.CONFIRM_NOTHING)
            return False
        return self._save_labelled(reading)

    @guarded
    def open_userdata(self) -> bool:
        """Show the folder of the person's digits (made if missing)."""
        try:
            (self.userdata / userdata.RECORDS).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            why = wording.cannot_open_folder(str(self.userdata), exc.strerror or str(exc))
            self.view.show_error("Cannot open your digits folder", why)
            return False
        self.view.open_folder(self.userdata)
        return True

    def _current(self) -> Reading | None:
        """The reading of the drawing as it is now, or None (and the status says why)."""
        if self.document.is_empty():
            self.view.show_status(wording.CORRECT_EMPTY)
            return None
        fresh = self.last is not None and self._read_of is self.document
        if self._stale or (not fresh and not self.live):  # the person has not seen a reading of this drawing
            self.view.show_status(wording.CORRECT_STALE)
            return None
        if not fresh:
            self._cancel_pending()
            self._read(self.document)  # a preview's reading was of the stroke in progress
        if self.last is None or self._read_of is not self.document:
            return None
        return self.last

    def _labelled(self, reading: Reading) -> tuple[list[DigitReading], str | None, int]:
        """(the pieces to save left to right, their label or None, the 1-based position of a piece with no digit)."""
        chosen = [*reading.pieces, *(p for p in reading.ignored if p.box in self._labels)]
        if reading.ignored and len(chosen) > len(reading.pieces):
            chosen = _left_to_right(chosen)
        digits = []
        for i, piece in enumerate(chosen):
            digit = self._labels.get(piece.box)
            if digit is None and piece.digit is None:
                return chosen, None, i + 1
            digits.append(digit if digit is not None else str(piece.digit))
        return chosen, "".join(digits), 0

    def _save_labelled(self, reading: Reading) -> bool:
        pieces, label, missing = self._labelled(reading)
        if label is None:
            self._show_labels(reading)
            self.view.show_status(wording.not_a_digit_piece(missing, len(pieces)))
            return False
        recalled = self._recalled if not self._saves and self._recalled and self._recalled.path.is_dir() else None
        previous = self._saves[-1] if self._saves else recalled  # this visit's save, or an earlier visit's
        if previous is not None and previous.label == label:
            self.view.show_status(f"{label} is already saved to your digits")
            return True
        if recalled is not None:  # saved in an earlier visit: this save replaces that record
            self._saves.append(recalled)
            self._recalled = None
        args = self._record(reading, pieces, label)
        started = time.perf_counter()
        try:
            path = userdata.save_record(self.userdata, **args)
        except userdata.UserDataError as exc:
            log.warning("not saved: %s", exc)
            self._labels = dict(self._saves[-1].labels) if self._saves else {}
            self.view.show_status("Not saved: your digits folder cannot be written (the drawing is kept)")
            self.view.show_error("Cannot save your digits", str(exc))
            return False
        if self._saves:  # the drawing's new label replaces its record (undo brings the old one back)
            userdata.delete_record(self._saves[-1].path)
            self.saved_digits -= len(self._saves[-1].label)
        self.save_ms = (time.perf_counter() - started) * 1e3
        log.info("saved %s (read as %s) to %s in %.1f ms", label, reading.text, path, self.save_ms)
        self._saves.append(Saved(path, label, reading.text, args, dict(self._labels)))
        self.saved_digits += len(label)
        self._mark(self._saves[-1])
        self._show_labels(reading)
        self.view.show_userdata(self.saved_digits, self.userdata)
        self.view.set_edit_state(True, bool(self._redo))
        self.view.show_status(wording.saved(label, reading.text, self.save_ms))
        return True

    def _record(self, reading: Reading, pieces: list[DigitReading], label: str) -> dict[str, Any]:
        """What :func:`app.userdata.save_record` writes for this drawing (kept to write it again on undo)."""
        picture = self.document.picture
        return {
            "label": label,
            "inputs": [p.image for p in pieces],
            "boxes": [p.box for p in pieces],
            "read_as": reading.text,
            "source": "drawing" if picture is None else "picture",
            "strokes": [
                {"points": [list(pt) for pt in s.points], "width": s.width, "erase": s.erase}
                for s in self.document.strokes
            ],
            "picture": None if picture is None else picture.pixels,
            "model": self._model(),
            "session": self.session,
            "writer": self.writer,
        }

    def _undo_save(self) -> None:
        """Remove the record saved last; a label it replaced is written again."""
        last = self._saves.pop()
        userdata.delete_record(last.path)
        self.saved_digits -= len(last.label)
        status = wording.removed(last.label)
        if self._saves:
            before = self._saves[-1]
            try:
                path = userdata.save_record(self.userdata, **before.args)
            except userdata.UserDataError as exc:
                self._saves.clear()
                self.view.show_error("Cannot save your digits", str(exc))
            else:
                self._saves[-1] = replace(before, path=path)
                self.saved_digits += len(before.label)
                status = f"Back to {before.label} in your digits"
        self._labels = dict(self._saves[-1].labels) if self._saves else {}
        if self._saves:
            self._mark(self._saves[-1])
        else:
            self._unmark(last.read_as)
        if self.last is not None and self._read_of is self.document:
            self._show_labels(self.last)
        self.view.show_userdata(self.saved_digits, self.userdata)
        self.view.set_edit_state(bool(self._undo) or bool(self._saves), bool(self._redo))
        self.view.show_status(status)

    def _show_labels(self, reading: Reading) -> None:
        pieces = [*reading.pieces, *reading.ignored]
        labels = [self._labels.get(p.box) for p in pieces]
        note = wording.saved_note(self._saves[-1].label, self._saves[-1].read_as) if self._saves else ""
        self.view.show_labels(labels, note)

    def _mark(self, saved: Saved) -> None:
        """The drawing goes to the front of the history strip, marked as corrected or confirmed."""
        mark = "confirmed" if saved.label == saved.read_as else "corrected"
        item = HistoryItem(self.document, saved.label, mark, saved.read_as, saved.path, saved)
        self._unsaved = None
        self.history = [item, *(h for h in self.history if h.document != self.document)][:HISTORY]
        self.view.show_history(self.history)

    def _unmark(self, read_as: str) -> None:
        self.history = [
            HistoryItem(h.document, read_as) if h.document == self.document and h.mark else h for h in self.history
        ]
        self.view.show_history(self.history)

    def _model(self) -> dict[str, str]:
        """The model that read it: name, the file's sha256 (hashed once per model) and its params hash."""
        path = self.classifier.path
        if self._model_stamp is None or self._model_stamp[0] != path:
            info = self.classifier.info
            self._model_stamp = (path, userdata.model_stamp(path, info.name, info.metadata.get("params_hash", "")))
        return dict(self._model_stamp[1])


def _left_to_right(pieces: Sequence[DigitReading]) -> list[DigitReading]:
    return sorted(pieces, key=lambda p: p.box[1])


def pieces_for(reading: Reading, digits: int) -> list[DigitReading]:
    """The pieces a label of ``digits`` digits names: the answer's, or, when the label counts them too, every
    piece left to right (the marks set aside were digits). Their count differs from ``digits`` when it fits
    neither."""
    pieces = list(reading.pieces)
    if len(pieces) != digits and len(pieces) + len(reading.ignored) == digits:
        pieces = _left_to_right([*reading.pieces, *reading.ignored])
    return pieces
