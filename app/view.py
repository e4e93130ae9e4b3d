"""What the controller needs from a window (:class:`View`), what it shows in the history strip, and how its
actions fail (:func:`guarded`): shared by :mod:`app.controller` and :mod:`app.teaching`, without Qt."""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from app.document import Document, Frame
from app.inference import ModelInfo, Reading

if TYPE_CHECKING:
    from app.teaching import Saved

log = logging.getLogger(__name__)

#: How many recent readings the history strip keeps.
HISTORY = 12


@dataclass(frozen=True)
class HistoryItem:
    document: Document
    text: str  # the answer as shown, e.g. "4071", "7", "not a digit"; what the person wrote once saved
    mark: str = ""  # "corrected" or "confirmed" once saved to the person's digits
    read_as: str = ""  # what the model read, when marked
    record: Path | None = None  # the saved record's folder, when marked
    saved: Saved | None = field(default=None, compare=False)  # that save, so a later correction replaces it


class View(Protocol):
    """What the controller needs from a window."""

    def show_document(self, document: Document) -> None: ...

    def show_reading(
        self, reading: Reading, *, stale: bool = False, note: str = "", frame: Frame | None = None
    ) -> None: ...

    def show_message(self, text: str) -> None: ...

    def show_status(self, text: str) -> None: ...

    def show_error(self, title: str, text: str) -> None: ...

    def show_model(self, info: ModelInfo) -> None: ...

    def show_history(self, items: Sequence[HistoryItem]) -> None: ...

    def set_edit_state(self, can_undo: bool, can_redo: bool) -> None: ...

    def show_labels(self, labels: Sequence[str | None], note: str) -> None:
        """The person's digit for each piece (answer's, then set aside; None: as read) and a line under the answer."""

    def show_userdata(self, count: int, folder: Path) -> None:
        """How many of the person's digits are saved, and where."""

    def open_folder(self, folder: Path) -> None:
        """Show the folder in the system's file manager."""

    def show_busy(self, text: str | None, cancel: Callable[[], None] | None = None) -> None:
        """Work in the background that the person may stop (``cancel``); None: it ended."""


class Cancel(Protocol):
    def cancel(self) -> None: ...


#: ``schedule(delay_ms, callback)``: run ``callback`` once after ``delay_ms`` (Qt: a single-shot timer).
Schedule = Callable[[int, Callable[[], None]], Cancel]
#: ``background(work, done)``: run ``work(stop)`` off the window's thread, then ``done(result, error)`` on it;
#: ``cancel()`` sets the ``stop`` event (work that checks it ends early) and ``done`` is never called
#: (Qt: :func:`app.ui.worker.in_background`).
Background = Callable[[Callable[[threading.Event], Any], Callable[[Any, BaseException | None], None]], Cancel]


def guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """Turn any exception of a controller action into a logged error shown to the user."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:
            log.exception("%s failed", method.__name__)
            self.view.show_error(
                "Something went wrong",
                f"{method.__name__.replace('_', ' ').capitalize()} failed: {type(exc).__name__}: {exc}\n\n"
                "Your drawing is kept. The details are in the log.",
            )
            return None

    return wrapper
