"""Headless Chromium: render a page, read its DOM and console, take a screenshot.

Used by ``make screenshot`` and the tests (every plot renders, the console stays silent).
Flags for a headless server: no sandbox (needed as root), no GPU, and no background
networking (a closed network refuses those connections, many at a time). Chromium is
started in its own process group, which is killed on timeout, and dies with its parent.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pipeline.stage import die_with_parent

log = logging.getLogger(__name__)

_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--enable-logging=stderr",
    "--v=0",
]
_CONSOLE = re.compile(r":CONSOLE[^\]]*\]\s*(.*)")


class BrowserError(RuntimeError):
    """Chromium is missing or failed to render the page."""


@dataclass
class Rendered:
    dom: str
    console: list[str]  # every console message and uncaught error the page produced


def find_chromium() -> str | None:
    for name in _CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


def _run(args: list[str], timeout: float) -> subprocess.CompletedProcess[str]:
    exe = find_chromium()
    if exe is None:
        raise BrowserError("Chromium is not installed (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        cmd = [exe, *_FLAGS, f"--user-data-dir={profile}", *args]
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise BrowserError(f"Chromium did not finish within {timeout:.0f} s") from exc
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)  # renderers and zygotes too
            proc.wait()
        return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def render(page: Path, *, budget_ms: int = 15000, timeout: float = 120) -> Rendered:
    """Load ``page``, let its scripts run for ``budget_ms`` of virtual time, return DOM and console."""
    proc = _run([f"--virtual-time-budget={budget_ms}", "--dump-dom", Path(page).resolve().as_uri()], timeout)
    if proc.returncode != 0 or not proc.stdout.strip():
        raise BrowserError(f"Chromium failed on {page} (exit {proc.returncode}): {proc.stderr[-800:]}")
    console = [m.group(1) for m in map(_CONSOLE.search, proc.stderr.splitlines()) if m]
    return Rendered(dom=proc.stdout, console=console)


def screenshot(
    page: Path, out: Path, *, width: int = 1280, height: int = 1600, budget_ms: int = 15000, timeout: float = 120
) -> Path:
    """Save a PNG of the top ``width`` x ``height`` of ``page``."""
    out = Path(out).resolve()
    proc = _run(
        [
            f"--window-size={width},{height}",
            f"--virtual-time-budget={budget_ms}",
            f"--screenshot={out}",
            Path(page).resolve().as_uri(),
        ],
        timeout,
    )
    if proc.returncode != 0 or not out.is_file():
        raise BrowserError(f"Chromium could not screenshot {page} (exit {proc.returncode}): {proc.stderr[-800:]}")
    return out


def main(argv: list[str] | None = None) -> int:
    """``python -m pipeline.browser PAGE PNG``: screenshot a page (``make screenshot``)."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m pipeline.browser", description=main.__doc__)
    parser.add_argument("page", type=Path)
    parser.add_argument("png", type=Path)
    args = parser.parse_args(argv)
    if not args.page.is_file():
        print(f"{args.page} is missing; run `make pipeline` first", file=sys.stderr)
        return 1
    try:
        out = screenshot(args.page, args.png)
    except BrowserError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"saved {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
