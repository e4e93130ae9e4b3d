"""Per-epoch metrics with dvclive, the logger DVC users know: live plots during ``dvc exp run``.

Files go to ``artifacts/train/live/`` (``metrics.json``, ``plots/metrics/<name>.tsv``) as
each epoch ends, without timestamps so that the same run gives the same bytes. dvclive
neither edits ``dvc.yaml`` (the stage declares the directory) nor makes experiments of its
own (DVC does, around the stage).
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

log = logging.getLogger(__name__)


@contextlib.contextmanager
def live_epochs(directory: Path) -> Iterator[Callable[[dict[str, float]], None]]:
    """Yield ``on_epoch(row)``, which logs a history row (``epoch`` is the step) to ``directory``."""
    from dvclive import Live

    shutil.rmtree(directory, ignore_errors=True)  # a fresh run, not a resumed one
    with Live(str(directory), save_dvc_exp=False, dvcyaml=None, report=None, monitor_system=False) as live:

        def on_epoch(row: dict[str, float]) -> None:
            live.step = int(row["epoch"])
            for name, value in row.items():
                if name != "epoch":
                    live.log_metric(name, value, timestamp=False)
            live.next_step()

        yield on_epoch
