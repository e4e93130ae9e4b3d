"""Independent set L: numbers on ruled, squared and boxed paper, low-resolution scans, tight crops (620 pictures).

Made by a helper in a style of its own (twenty-first session), without reading this repository's
generators or reader; MNIST test digits 5000..9999 only.

Only numpy and Pillow are used. Every picture is composed as
    pixel = paper * (1 - a) + ink * a
where a in [0, 1] is the MNIST ink strength (resized), so printed lines show
through faint strokes, as real ink over paper would.

Usage:  python bench/independent/make_l.py OUT_DIR [--seed N]
Writes  OUT_DIR/<kind>/*.png|jpg  and  OUT_DIR/manifest.csv (path,kind,truth)
"""

import argparse
import csv
import math
import os

import numpy as np
from PIL import Image, ImageDraw

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MNIST = os.path.join(REPO, "artifacts", "data", "mnist.npz")
OUT = "independent-l"


class DigitPool:
    """Hands out test digits with index >= 5000, each at most once."""

    def __init__(self, rng):
        d = np.load(MNIST)
        self.x = d["x_test"]
        self.y = d["y_test"]
        self.rng = rng
        self.by_label = {k: [] for k in range(10)}
        order = rng.permutation(np.arange(5000, 10000))
        for i in order:
            self.by_label[int(self.y[i])].append(int(i))

    def take(self, label):
        lst = self.by_label[label]
        if not lst:
            raise RuntimeError("ran out of digit %d" % label)
        return lst.pop()

    def number(self, n):
        """n digit labels, no leading zero when n > 1."""
        labs = [int(self.rng.integers(1 if (k == 0 and n > 1) else 0, 10)) for k in range(n)]
        return labs, [self.take(l) for l in labs]


def ink_crop(img, thr=25):
    ys, xs = np.nonzero(img > thr)
    return img[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def resize_f(a, w, h, resample=Image.LANCZOS):
    """Resize float [0,1] array to (h, w)."""
    im = Image.fromarray((np.clip(a, 0, 1) * 255).astype(np.uint8))
    return np.asarray(im.resize((max(1, int(w)), max(1, int(h))), resample), np.float32) / 255.0


def digit_alpha(idx, pool, height, rng):
    """Ink strength of one MNIST digit cropped to ink, scaled to `height` px."""
    c = ink_crop(pool.x[idx]).astype(np.float32) / 255.0
    h, w = c.shape
    width = max(2, round(w * height / h * rng.uniform(0.92, 1.08)))
    a = resize_f(c, width, height)
    return np.clip(a * rng.uniform(1.0, 1.25), 0, 1)


def ink_colour(rng):
    if rng.random() < 0.5:  # dark blue ballpoint
        return np.array([rng.uniform(15, 45), rng.uniform(25, 60), rng.uniform(95, 150)], np.float32)
    v = rng.uniform(10, 40)
    return np.array([v, v, v + rng.uniform(0, 8)], np.float32)


def paper_colour(rng, off_white=True):
    if off_white and rng.random() < 0.6:
        base = rng.uniform(232, 250)
        return np.array(
            [base + rng.uniform(0, 5), base + rng.uniform(0, 4), base - rng.uniform(0, 10)], np.float32
        ).clip(0, 255)
    v = rng.uniform(246, 255)
    return np.array([v, v, v], np.float32)


def composite(canvas, alpha, x, y, ink):
    """Darken canvas (H,W,3 float) by ink alpha placed with top-left at (x, y)."""
    H, W, _ = canvas.shape
    h, w = alpha.shape
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(W, x + w), min(H, y + h)
    if x1 <= x0 or y1 <= y0:
        return
    a = alpha[y0 - y : y1 - y, x0 - x : x1 - x][..., None]
    region = canvas[y0:y1, x0:x1]
    canvas[y0:y1, x0:x1] = region * (1 - a) + ink * a


def light_and_grain(canvas, rng, amp=(0.04, 0.16), grain=(1.5, 5.0)):
    H, W, _ = canvas.shape
    th = rng.uniform(0, 2 * math.pi)
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    t = xx * math.cos(th) + yy * math.sin(th)
    t = (t - t.min()) / max(1e-6, t.max() - t.min())
    g = 1.0 - rng.uniform(*amp) * t
    canvas *= g[..., None]
    canvas += rng.normal(0, rng.uniform(*grain), size=(H, W, 1)).astype(np.float32)
    canvas += rng.normal(0, 1.0, size=canvas.shape).astype(np.float32)
    return canvas


def to_image(canvas):
    return Image.fromarray(np.clip(canvas, 0, 255).round().astype(np.uint8))


def save(img, kind, name, jpeg, rng, rows, truth):
    os.makedirs(os.path.join(OUT, kind), exist_ok=True)
    if jpeg:
        rel = "%s/%s.jpg" % (kind, name)
        img.save(os.path.join(OUT, rel), quality=int(rng.integers(70, 91)))
    else:
        rel = "%s/%s.png" % (kind, name)
        img.save(os.path.join(OUT, rel))
    rows.append((rel, kind, truth))


def lay_row(labs, idxs, pool, rng, hrange, gaps=(4, 15)):
    """Alphas of a handwritten number: per-digit heights around a base height."""
    base = rng.uniform(*hrange)
    alphas = []
    for i in idxs:
        h = int(np.clip(round(base * rng.uniform(0.9, 1.1)), hrange[0], hrange[1]))
        alphas.append(digit_alpha(i, pool, h, rng))
    gapl = [int(rng.integers(gaps[0], gaps[1] + 1)) for _ in range(len(alphas) - 1)]
    width = sum(a.shape[1] for a in alphas) + sum(gapl)
    return alphas, gapl, width


# ---------------------------------------------------------------- ruled
def make_ruled(k, pool, rng, rows):
    n = int(rng.integers(2, 5))
    labs, idxs = pool.number(n)
    W, H = int(rng.integers(600, 1001)), int(rng.integers(400, 701))
    paper = paper_colour(rng)
    canvas = np.ones((H, W, 3), np.float32) * paper
    im = Image.fromarray(canvas.astype(np.uint8))
    dr = ImageDraw.Draw(im)
    spacing = rng.uniform(30, 50)
    if rng.random() < 0.6:
        lc = (int(rng.uniform(150, 190)), int(rng.uniform(185, 215)), int(rng.uniform(225, 245)))
    else:
        g = int(rng.uniform(170, 205))
        lc = (g, g, g)
    lw = int(rng.integers(1, 3))
    tilt = math.radians(rng.uniform(-1.5, 1.5)) if rng.random() < 0.5 else 0.0
    slope = math.tan(tilt)
    top = rng.uniform(20, 80)
    # lines: y(x) = y0 + slope * x ; cover the whole picture
    lines = []
    y0 = top - abs(slope) * W - spacing * math.ceil(abs(slope) * W / spacing)
    while y0 < H + abs(slope) * W:
        lines.append(y0)
        dr.line([(0, y0), (W, y0 + slope * W)], fill=lc, width=lw)
        y0 += spacing
    margin_x = None
    if rng.random() < 0.34:
        margin_x = int(rng.uniform(50, 130))
        rc = (int(rng.uniform(200, 235)), int(rng.uniform(70, 130)), int(rng.uniform(80, 130)))
        dr.line([(margin_x, 0), (margin_x, H)], fill=rc, width=int(rng.integers(1, 3)))
        if rng.random() < 0.3:
            dr.line([(margin_x + 4, 0), (margin_x + 4, H)], fill=rc, width=1)
    canvas = np.asarray(im, np.float32).copy()

    alphas, gapl, width = lay_row(labs, idxs, pool, rng, (40, 70))
    xmin = (margin_x + 15) if margin_x else 30
    x = int(rng.uniform(xmin, max(xmin + 1, W - width - 30)))
    # pick a ruling line whose baseline leaves room above for the tallest digit
    tall = max(a.shape[0] for a in alphas)
    cands = [l for l in lines if l + slope * (x + width / 2) > tall + 15 and l + slope * (x + width / 2) < H - 25]
    base_line = cands[int(rng.integers(0, len(cands)))]
    ink = ink_colour(rng)
    for j, a in enumerate(alphas):
        h, w = a.shape
        cx = x + w / 2
        yb = base_line + slope * cx + rng.uniform(-4, 3)  # bottom near the line
        composite(canvas, a, int(x), int(round(yb - h)), ink)
        x += w + (gapl[j] if j < len(gapl) else 0)
    canvas = light_and_grain(canvas, rng)
    save(to_image(canvas), "ruled", "ruled_%03d" % k, k % 2 == 1, rng, rows, "".join(map(str, labs)))


# ---------------------------------------------------------------- boxes
def make_boxes(k, pool, rng, rows):
    n = int(rng.integers(3, 7))
    labs, idxs = pool.number(n)
    dh = int(rng.uniform(35, 70))
    alphas = [digit_alpha(i, pool, int(np.clip(dh * rng.uniform(0.9, 1.08), 30, 75)), rng) for i in idxs]
    bh = int(round(dh * rng.uniform(1.2, 1.6)))
    bw0 = int(round(bh * rng.uniform(0.7, 1.0)))
    bw = max(bw0, max(a.shape[1] for a in alphas) + 4)
    bh = max(bh, max(a.shape[0] for a in alphas) + 4)
    adjacent = rng.random() < 0.5
    sep = 0 if adjacent else int(rng.integers(4, 20))
    lw = int(rng.integers(1, 4))
    lcol = int(rng.uniform(0, 60)) if rng.random() < 0.5 else int(rng.uniform(80, 140))
    mx, my = int(rng.integers(20, 90)), int(rng.integers(20, 70))
    W = 2 * mx + n * bw + (n - 1) * sep + lw
    H = 2 * my + bh + lw
    paper = paper_colour(rng)
    im = Image.fromarray((np.ones((H, W, 3), np.float32) * paper).astype(np.uint8))
    dr = ImageDraw.Draw(im)
    boxes = []
    for j in range(n):
        bx = mx + j * (bw + sep)
        boxes.append((bx, my))
        dr.rectangle([bx, my, bx + bw, my + bh], outline=(lcol, lcol, lcol), width=lw)
    canvas = np.asarray(im, np.float32).copy()
    ink = ink_colour(rng)
    touch_p = rng.uniform(0.1, 0.4)
    for (bx, by), a in zip(boxes, alphas):
        h, w = a.shape
        lo_x, hi_x = bx + lw + 1, bx + bw - w - 1
        lo_y, hi_y = by + lw + 1, by + bh - h - 1
        ox = int(rng.integers(lo_x, max(lo_x, hi_x) + 1))
        oy = int(rng.integers(lo_y, max(lo_y, hi_y) + 1))
        if rng.random() < touch_p:  # push the digit onto a box line
            side = rng.integers(0, 4)
            over = int(rng.integers(0, lw + 3))
            if side == 0:
                oy = by - over + lw // 2
            elif side == 1:
                oy = by + bh - h + over - lw // 2
            elif side == 2:
                ox = bx - over + lw // 2
            else:
                ox = bx + bw - w + over - lw // 2
        composite(canvas, a, ox, oy, ink)
    canvas = light_and_grain(canvas, rng, amp=(0.0, 0.06), grain=(0.5, 3.0))
    save(to_image(canvas), "boxes", "boxes_%03d" % k, rng.random() < 0.3, rng, rows, "".join(map(str, labs)))


# ---------------------------------------------------------------- squared
def make_squared(k, pool, rng, rows):
    n = int(rng.integers(2, 5))
    labs, idxs = pool.number(n)
    alphas, gapl, width = lay_row(labs, idxs, pool, rng, (50, 80))
    tall = max(a.shape[0] for a in alphas)
    W = int(max(rng.uniform(450, 900), width + 80))
    H = int(max(rng.uniform(300, 600), tall + 80))
    paper = paper_colour(rng)
    im = Image.fromarray((np.ones((H, W, 3), np.float32) * paper).astype(np.uint8))
    dr = ImageDraw.Draw(im)
    step = rng.uniform(20, 35)
    if rng.random() < 0.5:
        lc = (int(rng.uniform(160, 200)), int(rng.uniform(190, 220)), int(rng.uniform(225, 245)))
    else:
        g = int(rng.uniform(180, 215))
        lc = (g, g, g)
    off = rng.uniform(0, step, 2)
    t = off[0]
    while t < W:
        dr.line([(t, 0), (t, H)], fill=lc, width=1)
        t += step
    t = off[1]
    while t < H:
        dr.line([(0, t), (W, t)], fill=lc, width=1)
        t += step
    canvas = np.asarray(im, np.float32).copy()
    ink = ink_colour(rng)
    x = int(rng.uniform(30, W - width - 30))
    yb = rng.uniform(tall + 30, H - 30)
    for j, a in enumerate(alphas):
        h, w = a.shape
        composite(canvas, a, x, int(round(yb - h + rng.uniform(-5, 5))), ink)
        x += w + (gapl[j] if j < len(gapl) else 0)
    canvas = light_and_grain(canvas, rng, amp=(0.02, 0.12), grain=(1.0, 4.0))
    save(to_image(canvas), "squared", "squared_%03d" % k, rng.random() < 0.5, rng, rows, "".join(map(str, labs)))


# ---------------------------------------------------------------- lowres
def make_lowres(k, pool, rng, rows):
    lab = int(rng.integers(0, 10))
    idx = pool.take(lab)
    img = pool.x[idx]
    ys, xs = np.nonzero(img > 25)
    if rng.random() < 0.8:  # ink touches top and bottom: no vertical margin
        y0, y1 = ys.min(), ys.max() + 1
    else:
        y0, y1 = max(0, ys.min() - 2), min(28, ys.max() + 3)
    h = y1 - y0
    cxm = (xs.min() + xs.max() + 1) / 2
    w = max(h, xs.max() + 1 - xs.min())
    crop = np.zeros((max(h, 1), w), np.float32)
    xa = int(round(cxm - w / 2))
    for cx in range(w):
        sx = xa + cx
        if 0 <= sx < 28:
            crop[:, cx] = img[y0:y1, sx]
    s = int(rng.integers(8, 17))
    small = Image.fromarray(crop.astype(np.uint8)).resize((s, s), Image.BOX)
    size = 64 if rng.random() < 0.5 else 96
    rs = Image.NEAREST if k % 2 == 0 else Image.BILINEAR
    big = np.asarray(small.resize((size, size), rs), np.float32)
    out = 255.0 - big  # dark on white
    save(Image.fromarray(out.clip(0, 255).astype(np.uint8)), "lowres", "lowres_%03d" % k, False, rng, rows, str(lab))


# ---------------------------------------------------------------- tightcrop
def make_tightcrop(k, pool, rng, rows):
    lab = int(rng.integers(0, 10))
    idx = pool.take(lab)
    f = rng.uniform(2, 6)
    size = int(round(28 * f))
    big = np.asarray(Image.fromarray(pool.x[idx]).resize((size, size), Image.BICUBIC), np.float32)
    ys, xs = np.nonzero(big > 40)
    m = int(rng.integers(0, 3))
    y0, y1 = max(0, ys.min() - m), min(size, ys.max() + 1 + m)
    x0, x1 = max(0, xs.min() - m), min(size, xs.max() + 1 + m)
    out = 255.0 - big[y0:y1, x0:x1]
    save(
        Image.fromarray(out.clip(0, 255).astype(np.uint8)),
        "tightcrop",
        "tightcrop_%03d" % k,
        rng.random() < 0.35,
        rng,
        rows,
        str(lab),
    )


def main():
    global OUT
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default=OUT, help="the folder to write the set to")
    ap.add_argument("--seed", type=int, default=20240611)
    args = ap.parse_args()
    OUT = args.out
    rng = np.random.default_rng(args.seed)
    pool = DigitPool(rng)
    rows = []
    plan = [(make_ruled, 120), (make_boxes, 120), (make_squared, 80), (make_lowres, 150), (make_tightcrop, 150)]
    for fn, count in plan:
        for k in range(count):
            fn(k, pool, rng, rows)
    with open(os.path.join(OUT, "manifest.csv"), "w", newline="") as fh:
        wr = csv.writer(fh)
        wr.writerow(["path", "kind", "truth"])
        wr.writerows(rows)
    print("wrote %d pictures to %s" % (len(rows), OUT))


if __name__ == "__main__":
    main()
