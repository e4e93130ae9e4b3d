"""Test helpers shared by several test modules (small data, local servers); a sandbox clone of the
repository is :mod:`pipeline.sandbox`'s (the benchmarks use it too)."""

from __future__ import annotations

import functools
import gzip
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from pipeline.fetch import sha256
from pipeline.idx import write_idx

ROOT = Path(__file__).resolve().parent.parent

#: Set by CI (``.ci/run``), which installs every system package: a test that needs one must
#: fail there, not skip. Elsewhere (no root, no sudo) such tests are skipped with the reason.
REQUIRE_SYSDEPS = os.environ.get("DIGITS_REQUIRE_SYSDEPS") == "1"


#: Python source that prints this process's own peak memory in KiB (VmHWM). Not getrusage's ru_maxrss:
#: Linux carries it over from the parent across fork and exec, so a child of a pytest-xdist worker that had
#: loaded TensorFlow reported the worker's 5.3 GB as its own.
PEAK_KIB = "[int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]"


def missing_system_package(why: str) -> None:
    """Skip the running test because a system package is missing (fail instead under CI)."""
    import pytest

    if REQUIRE_SYSDEPS:
        pytest.fail(f"{why} (DIGITS_REQUIRE_SYSDEPS=1: CI installs every system package)")
    pytest.skip(f"{why}; `make test` installs it as root or with sudo")


def needs_program(name: str, what: str):
    """A marker: skip when ``name`` is not on PATH (outside CI), naming ``what`` is missing."""
    import pytest

    return pytest.mark.skipif(
        shutil.which(name) is None and not REQUIRE_SYSDEPS, reason=f"{what} is not installed (`make test` installs it)"
    )


def tiny_mnist(n_train: int = 30, n_test: int = 10, seed: int = 0) -> dict[str, bytes]:
    """Four small but well-formed IDX files named like MNIST's."""
    rng = np.random.default_rng(seed)
    return {
        "train-images-idx3-ubyte": write_idx(rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8)),
        "train-labels-idx1-ubyte": write_idx((np.arange(n_train) % 10).astype(np.uint8)),
        "t10k-images-idx3-ubyte": write_idx(rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8)),
        "t10k-labels-idx1-ubyte": write_idx((np.arange(n_test) % 10).astype(np.uint8)),
    }


def checksums(files: dict[str, bytes]) -> dict[str, str]:
    return {name: sha256(data) for name, data in files.items()}


def write_gz_mirror(root: Path, files: dict[str, bytes]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (root / f"{name}.gz").write_bytes(gzip.compress(data))


class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self.server.requests.append(self.path)  # type: ignore[attr-defined]
        super().do_GET()


@contextmanager
def serve_directory(root: Path) -> Iterator[tuple[str, list[str]]]:
    """Serve ``root`` on 127.0.0.1; yield (base URL, list of requested paths)."""
    handler = functools.partial(_Handler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.requests = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", server.requests  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


def _digit_inks(sample, idx: list[int], height: int = 60) -> list[np.ndarray]:
    """MNIST digits as ink (1 on 0), ``height`` pixels tall, cropped to their columns."""
    out = []
    for i in idx:
        d = sample.x_test[i]
        cols = np.flatnonzero(d.max(0) > 0)
        img = Image.fromarray(d[:, cols[0] : cols[-1] + 1]).resize(
            (max(1, round((cols[-1] - cols[0] + 1) * height / 28)), height), Image.Resampling.BILINEAR
        )
        out.append(np.asarray(img, np.float32) / 255)
    return out


def page(sample, idx, lines=(), boxes=(), dots=0, size=(260, 520), tilt=0.0, line_grey=170, gap=30):
    """A grey picture of paper (tests of ruling, grids, boxes): digits (dark) written left to right from
    x=80 with their baseline at y=150, over ruling or grid ``lines`` ((x0, y0, x1, y1), light) and
    ``boxes`` (dark), maybe a dot grid, tilted by ``tilt``."""
    h, w = size
    page = Image.new("L", (w, h), 250)
    draw = ImageDraw.Draw(page)
    for line in lines:
        draw.line(line, fill=line_grey, width=2)
    for box in boxes:
        draw.rectangle(box, outline=40, width=2)
    if dots:
        for y in range(5, h, dots):
            for x in range(5, w, dots):
                draw.ellipse((x - 1.5, y - 1.5, x + 1.5, y + 1.5), fill=line_grey)
    grey = np.asarray(page, np.float32) / 255
    x = 80
    for ink in _digit_inks(sample, idx):
        region = grey[150 - ink.shape[0] : 150, x : x + ink.shape[1]]
        np.minimum(region, 1 - 0.9 * ink, out=region)
        x += ink.shape[1] + gap
    out = Image.fromarray(np.rint(grey * 255).astype(np.uint8))
    if tilt:
        out = out.rotate(tilt, resample=Image.Resampling.BILINEAR, fillcolor=250)
    return np.asarray(out)


def ruling(h=260, w=520, step=40, first=30):
    return [(0, y, w, y) for y in range(first, h, step)]


def onnx_against_keras(
    onnx_bytes: bytes, model, images: np.ndarray, output: str
) -> tuple[float, np.ndarray, np.ndarray]:
    """(max |difference|, ONNX outputs, Keras outputs) on ``images``, with a session of its own: a check
    that does not go through export's (which refuses a model beyond its limit before it returns)."""
    import onnxruntime as ort

    from app.contract import INPUT_NAME
    from pipeline.learn.keras_model import predict_probs

    session = ort.InferenceSession(onnx_bytes, providers=["CPUExecutionProvider"])
    got = session.run([output], {INPUT_NAME: images[..., None].astype(np.float32) / 255.0})[0]
    want = predict_probs(model, images)
    return float(np.abs(got - want).max()), got, want


# ------------------------------------------------------------------ the mouse, for the Qt tests
def mouse(widget, kind: str, pos: tuple[float, float], held: bool) -> None:
    """One mouse event (``kind``: press, move or release) at ``pos``; ``held``: the left button is down after it."""
    from PyQt5.QtCore import QEvent, QPointF, Qt
    from PyQt5.QtGui import QMouseEvent
    from PyQt5.QtWidgets import QApplication

    types = {"press": QEvent.MouseButtonPress, "move": QEvent.MouseMove, "release": QEvent.MouseButtonRelease}
    button = Qt.NoButton if kind == "move" else Qt.LeftButton
    QApplication.sendEvent(
        widget, QMouseEvent(types[kind], QPointF(*pos), button, Qt.LeftButton if held else Qt.NoButton, Qt.NoModifier)
    )


def mouse_stroke(widget, points, release: bool = True) -> None:
    """Press, move through every point with the button held, release: what a mouse sends for one stroke."""
    mouse(widget, "press", points[0], True)
    for p in points[1:]:
        mouse(widget, "move", p, True)
    if release:
        mouse(widget, "release", points[-1], False)
