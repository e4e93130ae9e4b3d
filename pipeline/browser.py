"""Headless Chromium: render a page, read its DOM and console, take a screenshot.

Used by the report stage (screenshot) and the tests (every plot renders, the console stays
silent). Flags as this machine needs them: no sandbox as root, no GPU, and no background
networking (the closed network here refuses those connections).
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

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
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise BrowserError(f"Chromium did not finish within {timeout:.0f} s") from exc


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
