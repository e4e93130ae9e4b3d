"""How a stroke becomes the model's pixels: the app's round pen against Pillow's ``joint="curve"``.

A mouse sends a point every few pixels, so a stroke is many short segments. Pillow's curved
joints are computed in Python for every point and leave cracks across such a stroke (pixels
well inside the pen's width left empty); the app draws straight segments and a disc on every
point. Both are timed in this one run on the same strokes, at the model's working resolution,
and the pixels each inks that the other does not are counted.

    python bench/stroke_render.py [--runs 200] [--json]
"""

from __future__ import annotations

import argparse
import json
import time

from _common import np, percentiles_ms


def mouse_stroke(n: int, seed: int):
    """A slanted stroke of ``n`` points, about 2 px apart, each a fraction of a pixel off the line."""
    from app.document import Stroke

    rng = np.random.default_rng(seed)
    t = np.arange(n) / max(n - 1, 1)
    x = 0.15 + 0.6 * t + rng.uniform(-0.0015, 0.0015, n)
    y = 0.2 + 0.5 * t + rng.uniform(-0.0015, 0.0015, n)
    return Stroke(tuple(zip(x.tolist(), y.tolist(), strict=True)), 0.05)


def pillow_curve(stroke, side: int) -> np.ndarray:
    """The way the app drew strokes before: Pillow's wide line with ``joint="curve"``, round ends."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(img)
    pts = [(x * side, y * side) for x, y in stroke.points]
    w = max(1.0, stroke.width * side)
    draw.line(pts, fill=255, width=max(1, round(w)), joint="curve")
    for x, y in (pts[0], pts[-1]):
        draw.ellipse((x - w / 2, y - w / 2, x + w / 2, y + w / 2), fill=255)
    return np.asarray(img, np.float32) / 255


def timed(fn, stroke, side: int, runs: int) -> float:
    fn(stroke, side)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn(stroke, side)
        times.append(time.perf_counter() - t0)
    return percentiles_ms(times)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from app.document import DRAWING_SIDE, rasterize

    rows = []
    for n in (20, 80, 200):
        stroke = mouse_stroke(n, seed=n)
        app_ms = timed(rasterize, stroke, DRAWING_SIDE, args.runs)
        curve_ms = timed(pillow_curve, stroke, DRAWING_SIDE, args.runs)
        app_px, curve_px = rasterize(stroke, DRAWING_SIDE), pillow_curve(stroke, DRAWING_SIDE)
        rows.append(
            {
                "points": n,
                "app_p50_ms": round(app_ms, 3),
                "pillow_curve_p50_ms": round(curve_ms, 3),
                "speedup": round(curve_ms / app_ms, 2),
                # pixels the round pen inks and joint="curve" leaves empty: mostly at joints and edges;
                # cracks right across a stroke are what tests/test_document.py checks for
                "pixels_only_app_inks": int(((app_px == 1) & (curve_px < 1)).sum()),
                "pixels_only_pillow_curve_inks": int(((curve_px > 0) & (app_px == 0)).sum()),
            }
        )
    if args.json:
        print(json.dumps({"side": DRAWING_SIDE, "rows": rows}))
        return
    for r in rows:
        print(
            f"{r['points']:4d} points: app {r['app_p50_ms']:.3f} ms, Pillow joint=curve "
            f"{r['pillow_curve_p50_ms']:.3f} ms ({r['speedup']:.1f}x); pixels only the app inks "
            f"{r['pixels_only_app_inks']}, only joint=curve {r['pixels_only_pillow_curve_inks']}"
        )


if __name__ == "__main__":
    main()
