"""Work off the window's thread: :func:`in_background` is the controller's ``Background`` for Qt.

The work runs on a Python thread (onnxruntime releases the GIL while it runs a model, so the window
keeps drawing); its result comes back to the window's thread through a queued signal. The work is
given a ``stop`` event: cancelling a job sets it (a model's test run ends at once), and so does the
application quitting, which then waits for the threads, briefly: onnxruntime aborts the process
(SIGABRT) if it is still running when the interpreter exits. A cancelled job's result is dropped.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PyQt5.QtCore import QCoreApplication, QObject, pyqtSignal

#: On quit, wait this long for stopped work to end (a stopped model run ends within milliseconds).
QUIT_WAIT_SECONDS = 2.0


class _Job(QObject):
    finished = pyqtSignal(object, object)

    def __init__(self, done: Callable[[Any, BaseException | None], None]) -> None:
        super().__init__()
        self.cancelled = False
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None
        self._done = done
        self.finished.connect(self._deliver)  # queued: emitted on the worker thread, run on this one

    def _deliver(self, result: Any, error: BaseException | None) -> None:
        _running.discard(self)
        if not self.cancelled:
            self._done(result, error)

    def cancel(self) -> None:
        self.cancelled = True
        self.stop.set()


_running: set[_Job] = set()  # a job lives until its result is delivered, cancelled or not
_quit_hooked = False


def _stop_all() -> None:
    """The application is quitting: stop every job and give its thread a moment to end."""
    for job in list(_running):
        job.cancel()
    for job in list(_running):
        if job.thread is not None:
            job.thread.join(QUIT_WAIT_SECONDS)


def in_background(work: Callable[[threading.Event], Any], done: Callable[[Any, BaseException | None], None]) -> _Job:
    """Run ``work(stop)`` on a thread; then ``done(result, None)`` or ``done(None, error)`` on this thread."""
    global _quit_hooked
    app = QCoreApplication.instance()
    if app is not None and not _quit_hooked:
        app.aboutToQuit.connect(_stop_all)
        _quit_hooked = True
    job = _Job(done)
    _running.add(job)

    def target() -> None:
        try:
            result: Any = work(job.stop)
        except BaseException as exc:  # handed to the window's thread, which decides what to say
            job.finished.emit(None, exc)
        else:
            job.finished.emit(result, None)

    job.thread = threading.Thread(target=target, name="app-background", daemon=True)
    job.thread.start()
    return job
