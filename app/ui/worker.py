"""Work off the window's thread: :func:`in_background` is the controller's ``Background`` for Qt.

The work runs on a Python thread (onnxruntime releases the GIL while it runs a model, so the window
keeps drawing); its result comes back to the window's thread through a queued signal. A cancelled
job's result is dropped when it arrives (a thread cannot be stopped from outside; a model's test run
ends by itself within :data:`app.inference.PROBE_SECONDS`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PyQt5.QtCore import QObject, pyqtSignal


class _Job(QObject):
    finished = pyqtSignal(object, object)

    def __init__(self, done: Callable[[Any, BaseException | None], None]) -> None:
        super().__init__()
        self.cancelled = False
        self._done = done
        self.finished.connect(self._deliver)  # queued: emitted on the worker thread, run on this one

    def _deliver(self, result: Any, error: BaseException | None) -> None:
        _running.discard(self)
        if not self.cancelled:
            self._done(result, error)

    def cancel(self) -> None:
        self.cancelled = True


_running: set[_Job] = set()  # a job lives until its result is delivered, cancelled or not


def in_background(work: Callable[[], Any], done: Callable[[Any, BaseException | None], None]) -> _Job:
    """Run ``work()`` on a thread; then ``done(result, None)`` or ``done(None, error)`` on this thread."""
    job = _Job(done)
    _running.add(job)

    def target() -> None:
        try:
            result: Any = work()
        except BaseException as exc:  # handed to the window's thread, which decides what to say
            job.finished.emit(None, exc)
        else:
            job.finished.emit(result, None)

    threading.Thread(target=target, name="app-background", daemon=True).start()
    return job
