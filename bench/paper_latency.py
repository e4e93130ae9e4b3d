"""Reading a photo of paper: a 1600x1200 page of ruled, squared and comb-field paper, through the app's path.

Each page is a number written on paper (MNIST test digits, dark blue ink) photographed: the
paper's structure, a light gradient, grain and JPEG. It is opened as a person opens it
(``load_picture`` then ``Classifier.read``, the CLI's and the window's path for a file) and timed
end to end, several rounds each. Target: a 1600x1200 photo of ruled paper read in at most 150 ms.
``--against DIR`` also times another checkout (a git worktree) in the same rounds, for a ratio.

    python bench/paper_latency.py [--rounds 7] [--against DIR]
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, np, percentiles_ms

KINDS = ("ruled", "ruled_margin", "squared", "comb")
SIZE = (1200, 1600)  # rows, columns


def page(kind: str, seed: int) -> bytes:
    """A JPEG of a number written on ``kind`` of paper."""
    from PIL import Image, ImageDraw

    rng = np.random.default_rng(seed)
    h, w = SIZE
    im = Image.new("RGB", (w, h), (246, 244, 236))
    draw = ImageDraw.Draw(im)
    blue = (150, 175, 215)
    if kind.startswith("ruled") or kind == "squared":
        for y in range(60, h, 56):
            draw.line((0, y, w, y), fill=blue, width=2)
    if kind == "squared":
        for x in range(30, w, 56):
            draw.line((x, 0, x, h), fill=blue, width=2)
    if kind == "ruled_margin":
        draw.line((180, 0, 180, h), fill=(220, 90, 90), width=3)
    mnist = np.load(ROOT / "tests" / "data" / "mnist_sample.npz")
    digits = rng.choice(len(mnist["x_test"]), 5, replace=False)
    height, pitch, left, base = 160, 150, 420, 620
    if kind == "comb":
        draw.line((left - 20, base + 6, left - 20 + pitch * 5, base + 6), fill=(60, 60, 60), width=3)
        for k in range(6):
            x = left - 20 + pitch * k
            draw.line((x, base + 6 - 60, x, base + 6), fill=(60, 60, 60), width=3)
    grey = np.asarray(im, np.float32)
    for k, i in enumerate(digits):
        ink = np.asarray(Image.fromarray(mnist["x_test"][i]).resize((height, height)), np.float32) / 255
        top, x = base - height, left + pitch * k - 10
        region = grey[top:base, x : x + height]
        region[:] = region * (1 - ink[..., None]) + np.array([30, 40, 110], np.float32) * ink[..., None]
    yy, xx = np.mgrid[0:h, 0:w]
    light = 0.85 + 0.15 * (xx / w) * (1 - 0.3 * yy / h)  # the lamp on one side
    grey = grey * light[..., None] + rng.normal(0, 4, grey.shape)
    buf = io.BytesIO()
    Image.fromarray(np.clip(grey, 0, 255).astype(np.uint8)).save(buf, format="JPEG", quality=85)
    return buf.getvalue()


def time_reads(files: list[Path], rounds: int, code: str | None, model: str) -> dict[str, list[float]]:
    """Seconds per read of each file, in a process of its own (``code``: another checkout's app)."""
    script = (
        "import json, sys, time\n"
        f"sys.path.insert(0, {code or str(ROOT)!r})\n"
        "from app.threads import single_threaded_blas\nsingle_threaded_blas()\n"  # as digit-predict and the app do
        "from app.images import load_picture\nfrom app.inference import load_classifier\n"
        f"c = load_classifier({model!r})\nout = {{}}\n"
        f"for f in {[str(f) for f in files]!r}:\n"
        "    c.read(load_picture(f).pixels)\n"  # the first read of a file warms nothing else
        "    t = []\n"
        f"    for _ in range({rounds}):\n"
        "        s = time.perf_counter(); c.read(load_picture(f).pixels); t.append(time.perf_counter() - s)\n"
        "    out[f] = t\n"
        "print(json.dumps(out))\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--against", metavar="DIR", help="also time this checkout's app (e.g. a git worktree)")
    parser.add_argument("--model", default=str(ROOT / "app" / "models" / "digits.onnx"), help="default: the app's own")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for n, kind in enumerate(KINDS):
            files.append(Path(tmp) / f"{kind}.jpg")
            files[-1].write_bytes(page(kind, n))
        mine = time_reads(files, args.rounds, None, args.model)
        other = time_reads(files, args.rounds, args.against, args.model) if args.against else None
        for f in files:
            p50, p99 = percentiles_ms(mine[str(f)])
            line = f"{f.stem:14s} {SIZE[1]}x{SIZE[0]} photo: p50 {p50:6.1f} ms  p99 {p99:6.1f} ms"
            if other is not None:
                o50, _ = percentiles_ms(other[str(f)])
                line += f"   {args.against}: p50 {o50:6.1f} ms ({p50 / o50:.2f}x)"
            print(line)
    print("target: a 1600x1200 photo of ruled paper read in at most 150 ms")


if __name__ == "__main__":
    t0 = time.perf_counter()
    main()
    print(f"({time.perf_counter() - t0:.0f} s)")
