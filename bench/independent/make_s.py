"""Set S: 522 pictures from a helper's review of the thirty-second session's paper rules (app/paper.py
`_writing_left`): numbers in two-line form fields (some as wide as the number, digits at the lines' ends), close
crops of ruled paper, printed boxes, faint/thin/small writing on ruled, squared, dotted paper and grids, lone digits
between two lines, thin 1s/4s/7s against box sides, photos of fine graph paper, and drawn non-digit figures
(squares, rectangles, frames, tables, '#').

    python bench/independent/make_s.py OUT_DIR     # then: python bench/independent/score.py OUT_DIR
"""

import csv
import math
import os
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter


def _down(big, w, h):
    """Area-average a supersampled uint8 layer down to (w, h), as coverage in [0, 1]."""
    return np.asarray(Image.fromarray(big).resize((w, h), Image.BOX), np.float32) / 255.0


def _resize(a, w, h, filt=Image.BICUBIC):
    return np.asarray(Image.fromarray(np.asarray(a, np.float32), "F").resize((int(w), int(h)), filt), np.float32)


def _morph(a, n, grow):
    im = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    for _ in range(n):
        im = im.filter(ImageFilter.MaxFilter(3) if grow else ImageFilter.MinFilter(3))
    return np.asarray(im, np.float32)


def _rotate(a, angle, center):
    im = Image.fromarray(np.asarray(a, np.float32), "F")
    return np.asarray(im.rotate(angle, resample=Image.BILINEAR, center=center), np.float32)


REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = sys.argv[1] if len(sys.argv) > 1 else "independent-s"

_d = np.load(os.path.join(REPO, "artifacts", "data", "mnist.npz"))
XS, YS = _d["x_test"], _d["y_test"]
BY = {k: np.flatnonzero(k == YS) for k in range(10)}


def _slant(img):
    ys, xs = np.nonzero(img > 60)
    if len(xs) < 5:
        return 0.0
    c = np.cov(xs, ys)
    return c[0, 1] / max(c[1, 1], 1e-6)


UPRIGHT = {k: [i for i in BY[k][:600] if abs(_slant(XS[i])) < 0.12] for k in (1, 4, 7)}


class Sheet:
    """A paper: float RGB (1 = white), with an ink layer for the writing and one for the print."""

    def __init__(self, rng, h, w, tone=0.93, grain=0.012):
        self.rng, self.h, self.w = rng, h, w
        yy, xx = np.mgrid[0:h, 0:w]
        shade = 1 - 0.05 * rng.random() * (xx / max(w, 1)) - 0.04 * rng.random() * (yy / max(h, 1))
        self.paper = (tone * shade)[..., None] * np.array([1.0, 0.99, 0.96])
        self.paper = self.paper + rng.normal(0, grain, (h, w, 1))
        self.print_ = np.zeros((h, w))  # coverage of printed lines
        self.write = np.zeros((h, w))  # coverage of pen

    # --- print -------------------------------------------------------------------------------
    def line(self, p, q, t=1.0):
        """An anti-aliased straight line from p to q (x, y floats), t px thick, onto the print layer."""
        S = 4
        im = Image.new("L", (self.w * S, self.h * S), 0)
        ImageDraw.Draw(im).line([(p[0] * S, p[1] * S), (q[0] * S, q[1] * S)], fill=255, width=max(1, int(round(t * S))))
        small = _down(np.asarray(im), self.w, self.h)
        self.print_ = np.maximum(self.print_, small)

    def rect(self, x0, y0, x1, y1, t=1.0, angle=0.0):
        c = ((x0 + x1) / 2, (y0 + y1) / 2)
        pts = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        pts = [_rot(p, c, angle) for p in pts]
        for i in range(4):
            self.line(pts[i], pts[(i + 1) % 4], t)

    def dot(self, x, y, r):
        S = 4
        im = Image.new("L", (self.w * S, self.h * S), 0)
        ImageDraw.Draw(im).ellipse([(x - r) * S, (y - r) * S, (x + r) * S, (y + r) * S], fill=255)
        self.print_ = np.maximum(self.print_, _down(np.asarray(im), self.w, self.h))

    # --- pen ---------------------------------------------------------------------------------
    def glyph(self, alpha, x, y):
        """Put a glyph (float coverage) with its top-left at (x, y); clipped to the sheet."""
        gh, gw = alpha.shape
        x, y = int(round(x)), int(round(y))
        ys0, xs0 = max(0, -y), max(0, -x)
        ye, xe = min(gh, self.h - y), min(gw, self.w - x)
        if ye <= ys0 or xe <= xs0:
            return
        region = self.write[y + ys0 : y + ye, x + xs0 : x + xe]
        np.maximum(region, alpha[ys0:ye, xs0:xe], out=region)

    def stroke(self, pts, t=2.5):
        S = 4
        im = Image.new("L", (self.w * S, self.h * S), 0)
        ImageDraw.Draw(im).line(
            [(p[0] * S, p[1] * S) for p in pts], fill=255, width=max(1, int(round(t * S))), joint="curve"
        )
        self.write = np.maximum(self.write, _down(np.asarray(im), self.w, self.h))

    def render(self, print_rgb=(0.05, 0.05, 0.05), pen_rgb=(0.08, 0.08, 0.15), print_dark=0.9, pen_dark=0.9, blur=0.0):
        out = self.paper.copy()
        pr = np.array(print_rgb)
        pe = np.array(pen_rgb)
        out = out * (1 - self.print_[..., None] * print_dark * (1 - pr))
        out = out * (1 - self.write[..., None] * pen_dark * (1 - pe))
        out = np.clip(out * 255, 0, 255).astype(np.uint8)
        if blur > 0:
            out = np.asarray(Image.fromarray(out).filter(ImageFilter.GaussianBlur(float(blur))))
        return out


def _rot(p, c, deg):
    a = math.radians(deg)
    x, y = p[0] - c[0], p[1] - c[1]
    return (c[0] + x * math.cos(a) - y * math.sin(a), c[1] + x * math.sin(a) + y * math.cos(a))


def glyph(rng, digit, height, pen=0, upright=False):
    """A MNIST digit as float coverage, cropped to its ink and scaled to ``height`` px; pen<0 thins, >0 thickens."""
    pool = UPRIGHT.get(digit) if upright else None
    idx = int(rng.choice(pool if pool else BY[digit]))
    g = XS[idx].astype(np.float32)
    big = np.clip(_resize(g, 112, 112), 0, 255)
    if pen:
        big = _morph(big, abs(pen) * 2, pen > 0)
    ys, xs = np.nonzero(big > 60)
    big = big[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    hh, ww = big.shape
    w = max(1, int(round(ww * height / hh)))
    out = _resize(big, w, int(height), Image.BOX) / 255.0
    return np.clip(out * 1.15, 0, 1)


def number_glyphs(rng, text, height, pen=0, upright_ends=False):
    gs = []
    for i, ch in enumerate(text):
        up = upright_ends and (i == 0 or i == len(text) - 1)
        gs.append(glyph(rng, int(ch), height * rng.uniform(0.92, 1.0) if len(text) > 1 else height, pen, up))
    return gs


def write_number(sheet, gs, x, base, gap, jitter=0):
    """Write glyphs left to right, bottoms on ``base``; returns their boxes (x0, y0, x1, y1)."""
    boxes = []
    for g in gs:
        gh, gw = g.shape
        y = base - gh + (sheet.rng.integers(-jitter, jitter + 1) if jitter else 0)
        sheet.glyph(g, x, y)
        boxes.append((x, y, x + gw, y + gh))
        x += gw + gap
    return boxes


def width_of(gs, gap):
    return sum(g.shape[1] for g in gs) + gap * (len(gs) - 1)


ROWS = []


def save(name, arr, kind, truth):
    """Write picture ``name`` into its kind's folder, and its manifest row (path,kind,truth,what)."""
    os.makedirs(os.path.join(OUT, kind), exist_ok=True)
    Image.fromarray(arr).save(os.path.join(OUT, kind, f"{name}.png"))
    ROWS.append((f"{kind}/{name}.png", kind, truth, f"{name.split('_')[0]}:{name}"))


def num(rng, n, favour=(1, 4, 7)):
    s = "".join(str(int(rng.choice(favour)) if rng.random() < 0.6 else rng.integers(0, 10)) for _ in range(n))
    if n > 1 and s[0] == "0":
        s = str(int(rng.integers(1, 10))) + s[1:]
    return s


PRINTS = [((0.05, 0.05, 0.05), 0.9), ((0.35, 0.55, 0.95), 0.7), ((0.3, 0.3, 0.3), 0.7), ((0.2, 0.3, 0.8), 0.9)]
PENS = [(0.05, 0.05, 0.2), (0.1, 0.1, 0.1), (0.15, 0.2, 0.6)]


def pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


# ===================================================================================================
# A. two-line form field, no sides; the number fills it, first/last digit at the lines' ends
def field(i, text, rng, end_mode, tilt=0.0, margin=None, line_t=None, kind="field"):
    H = int(rng.integers(24, 56))  # digit height = gap between lines
    pen = int(rng.choice([0, 0, 1, -1]))
    gs = number_glyphs(rng, text, H, pen, upright_ends=True)
    gs = [np.clip(_resize(g, g.shape[1], H), 0, 1) for g in gs]  # every digit touches both lines
    gap = int(rng.integers(2, max(3, H // 3)))
    wn = width_of(gs, gap)
    m = margin if margin is not None else int(rng.integers(8, 30))
    t = line_t if line_t is not None else float(rng.choice([1, 1.5, 2, 3]))
    W, Hh = wn + 2 * m, H + 2 * m
    sh = Sheet(rng, Hh, W)
    top, bot = m, m + H
    boxes = write_number(sh, gs, m, bot, gap)
    x0, x1 = boxes[0][0], boxes[-1][2] - 1
    if end_mode == "flush":
        a, b = x0, x1
    elif end_mode == "inside":  # the lines end within the end digits
        a, b = x0 + gs[0].shape[1] * rng.uniform(0.2, 0.6), x1 - gs[-1].shape[1] * rng.uniform(0.2, 0.6)
    elif end_mode == "near":  # a few px past or short
        a, b = x0 + rng.integers(-3, 4), x1 + rng.integers(-3, 4)
    else:  # "past": clearly longer than the number
        a, b = x0 - rng.integers(5, m), x1 + rng.integers(5, m)
    c = (W / 2, Hh / 2)
    for y in (top - t / 2 + 0.5, bot + t / 2 - 0.5):
        sh.line(_rot((a, y), c, tilt), _rot((b, y), c, tilt), t)
    pr, pd = pick(rng, PRINTS)
    arr = sh.render(pr, pick(rng, PENS), pd)
    save(f"{kind}_{i:03d}_{end_mode}", arr, kind, text)


# ===================================================================================================
# B. ruled paper, cropped close: two lines in view; digits touch/cross them; lines may stop short
def ruled_crop(i, rng):
    n = int(rng.choice([1, 2, 2, 2, 3, 4]))
    text = num(rng, n)
    space = int(rng.integers(22, 60))
    H = int(space * rng.uniform(0.8, 1.15))
    pen = int(rng.choice([0, 0, 1, -1]))
    gs = number_glyphs(rng, text, H, pen, upright_ends=rng.random() < 0.5)
    gap = int(rng.integers(-2, max(0, H // 4) + 1))
    wn = width_of(gs, gap)
    side = int(rng.integers(4, 9))
    W = wn + 2 * side
    vpad = int(rng.integers(5, 16))
    Hh = space + 2 * vpad
    sh = Sheet(rng, Hh, W)
    y_top, y_bot = vpad, vpad + space
    base = y_bot + int(rng.integers(-2, 4))
    write_number(sh, gs, side, base, gap, jitter=1)
    t = float(rng.choice([1, 1.5, 2]))
    mode = pick(rng, ["edge", "short1", "short3", "keystone"])
    for y in (y_top, y_bot):
        if mode == "edge":
            a, b = -2, W + 2
        elif mode == "short1":
            a, b = 1 + rng.random(), W - 2 - rng.random()
        elif mode == "short3":
            a, b = rng.integers(2, 5), W - rng.integers(3, 6)
        else:
            a, b = rng.integers(1, 4), W - rng.integers(2, 5)
        dy = rng.uniform(-1.5, 1.5) if mode == "keystone" else 0
        sh.line((a, y - dy), (b, y + dy), t)
    # the ruled lines out of view above and below: none (two in view)
    pr, pd = pick(rng, PRINTS)
    save(f"ruled_{i:03d}_{mode}", sh.render(pr, pick(rng, PENS), pd, blur=rng.choice([0, 0, 0.6])), "ruled", text)


# ===================================================================================================
# C. printed boxes
def boxes_pic(i, rng):
    style = pick(rng, ["single", "row_apart", "comb", "thick", "tiny_in_big", "touching", "tilted"])
    n = 1 if style == "single" else int(rng.integers(1, 5))
    text = num(rng, n, favour=(1, 7, 4, 0, 8))
    bw = int(rng.integers(24, 60))
    bh = int(bw * rng.uniform(1.0, 1.4))
    t = float(rng.choice([1, 1.5, 2]))
    if style == "thick":
        t = float(rng.choice([3, 4, 5]))
    gap_b = 0 if style == "comb" else int(rng.integers(4, 14))
    m = int(rng.integers(10, 25))
    W = n * bw + (n - 1) * gap_b + 2 * m
    Hh = bh + 2 * m
    sh = Sheet(rng, Hh, W)
    angle = rng.uniform(-3, 3) if style == "tilted" else rng.uniform(-0.6, 0.6)
    c = (W / 2, Hh / 2)
    for k, ch in enumerate(text):
        bx = m + k * (bw + gap_b)
        if style == "comb" and k > 0:
            pass
        sh.rect(*_rot((bx, m), (bx, m), 0), bx + bw, m + bh, t, 0)
        if style == "tiny_in_big":
            gh = int(bh * rng.uniform(0.2, 0.35))
        elif style == "touching":
            gh = int(bh - 2 * t + rng.integers(0, 3))
        else:
            gh = int(bh * rng.uniform(0.5, 0.8))
        g = glyph(rng, int(ch), max(6, gh), int(rng.choice([0, 0, -1, 1])))
        if style == "touching":
            gx = bx + (rng.choice([t, bw - t - g.shape[1]]) if rng.random() < 0.6 else (bw - g.shape[1]) / 2)
            gy = m + t
        else:
            gx = bx + (bw - g.shape[1]) / 2 + rng.integers(-3, 4)
            gy = m + (bh - g.shape[0]) / 2 + rng.integers(-3, 4)
        sh.glyph(g, gx, gy)
    if abs(angle) > 0.01:  # tilt the print only (the writer writes in the tilted box: tilt both)
        sh.print_ = _rotate(sh.print_, angle, c)
        sh.write = _rotate(sh.write, angle, c)
    pr, pd = pick(rng, PRINTS)
    save(f"box_{i:03d}_{style}", sh.render(pr, pick(rng, PENS), pd), "boxes", text)


# ===================================================================================================
# D. faint, thin, small writing on ruled, squared, dotted paper, and in boxes
def faint_pic(i, rng):
    paper = pick(rng, ["ruled", "squared", "dotted", "finegrid", "box"])
    level = pick(rng, ["faint", "veryfaint", "thin", "small"])
    n = int(rng.choice([1, 2, 3, 4]))
    text = num(rng, n, favour=tuple(range(10)))
    pitch = int(rng.integers(14, 30)) if paper != "finegrid" else int(rng.integers(5, 9))
    if level == "small":
        H = int(rng.integers(8, 14))
    elif paper == "finegrid":
        H = int(rng.integers(20, 50))
    else:
        H = int(pitch * rng.uniform(0.6, 1.6))
    pen = -1 if level == "thin" else int(rng.choice([0, -1]))
    gs = number_glyphs(rng, text, H, pen)
    gap = int(rng.integers(1, max(2, H // 4)))
    wn = width_of(gs, gap)
    W = max(wn + int(rng.integers(40, 120)), 4 * pitch)
    Hh = max(H + int(rng.integers(30, 80)), 3 * pitch)
    sh = Sheet(rng, Hh, W)
    t = float(rng.choice([1, 1.5])) if paper != "box" else float(rng.choice([1.5, 2, 3]))
    off = rng.uniform(0, pitch)
    if paper in ("ruled", "squared", "finegrid"):
        y = off
        while y < Hh:
            sh.line((-2, y), (W + 2, y), t)
            y += pitch
        if paper != "ruled":
            x = rng.uniform(0, pitch)
            while x < W:
                sh.line((x, -2), (x, Hh + 2), t)
                x += pitch
    elif paper == "dotted":
        y = off
        x0d = 0.0  # the first row's x, set on that row
        while y < Hh:
            x = rng.uniform(0, pitch) if y == off else x0d
            x0d = x
            while x < W:
                sh.dot(x, y, rng.uniform(0.8, 1.3) if False else 1.0)
                x += pitch
            y += pitch
    x = (W - wn) // 2 + int(rng.integers(-10, 11))
    if paper == "ruled":
        # bottoms on a line
        lines = [off + k * pitch for k in range(100) if off + k * pitch < Hh]
        base = min(lines, key=lambda v: abs(v - (Hh + H) / 2))
        base = int(base + rng.integers(-1, 2))
    else:
        base = (Hh + H) // 2
    boxes = write_number(sh, gs, x, base, gap)
    if paper == "box":
        p = int(rng.integers(3, 10))
        sh.rect(
            boxes[0][0] - p,
            min(b[1] for b in boxes) - p,
            boxes[-1][2] + p,
            max(b[3] for b in boxes) + p,
            t,
            rng.uniform(-1.5, 1.5),
        )
    pen_dark = {"faint": rng.uniform(0.12, 0.25), "veryfaint": rng.uniform(0.05, 0.12)}.get(level, 0.9)
    pr = (0.05, 0.05, 0.05) if rng.random() < 0.5 else (0.25, 0.35, 0.85)
    arr = sh.render(pr, (0.3, 0.3, 0.3) if level in ("faint", "veryfaint") else pick(rng, PENS), 0.9, pen_dark)
    save(f"faint_{i:03d}_{paper}_{level}", arr, "faint", text)


# ===================================================================================================
# E. lone 1/7 between two lines; a 0/8 drawn like a closed figure between two lines
def lone(i, rng):
    d = pick(rng, [1, 1, 7, 7, 0, 8, 4])
    H = int(rng.integers(24, 60))
    g = glyph(rng, d, H, int(rng.choice([0, 1])), upright=d in (1, 4, 7))
    g = np.clip(_resize(g, g.shape[1], H), 0, 1)
    mode = pick(rng, ["flush", "inside", "past", "ruled_edge"])
    m = int(rng.integers(8, 25))
    extra = int(rng.integers(30, 90)) if mode in ("past", "ruled_edge") else 0
    W = g.shape[1] + 2 * m + 2 * extra
    Hh = H + 2 * m
    sh = Sheet(rng, Hh, W)
    gx = m + extra
    sh.glyph(g, gx, m)
    t = float(rng.choice([1, 2, 3]))
    if mode == "flush":
        a, b = gx, gx + g.shape[1] - 1
    elif mode == "inside":
        a, b = gx + g.shape[1] * 0.3, gx + g.shape[1] * 0.7
    elif mode == "past":
        a, b = m, W - m
    else:
        a, b = -2, W + 2
    for y in (m, m + H - 1):
        sh.line((a, y), (b, y), t)
    pr, pd = pick(rng, PRINTS)
    save(f"lone_{i:03d}_{d}_{mode}", sh.render(pr, pick(rng, PENS), pd), "lone", str(d))


# ===================================================================================================
# F. non-digit figures, drawn by pen (and a few printed): rectangles, squares, frames, #, tables
def wobble(rng, p, q, n=6, amp=0.8):
    pts = []
    for k in range(n + 1):
        s = k / n
        pts.append((p[0] + (q[0] - p[0]) * s + rng.normal(0, amp), p[1] + (q[1] - p[1]) * s + rng.normal(0, amp)))
    return pts


def figure(i, rng):
    what = pick(rng, ["rect", "square", "frame", "hash", "table", "rect_on_ruled", "square_tilted"])
    W, Hh = int(rng.integers(100, 260)), int(rng.integers(80, 200))
    sh = Sheet(rng, Hh, W)
    t = float(rng.uniform(1.5, 4))
    amp = rng.uniform(0.2, 1.2)
    cx, cy = W / 2, Hh / 2
    ang = rng.uniform(-6, 6) if what == "square_tilted" else rng.uniform(-1.5, 1.5)

    def seg(p, q):
        sh.stroke(wobble(rng, _rot(p, (cx, cy), ang), _rot(q, (cx, cy), ang), amp=amp), t)

    if what in ("rect", "rect_on_ruled"):
        w, h = W * rng.uniform(0.5, 0.8), Hh * rng.uniform(0.25, 0.5)
    elif what in ("square", "square_tilted", "frame"):
        w = h = min(W, Hh) * rng.uniform(0.4, 0.7)
    if what in ("rect", "square", "square_tilted", "rect_on_ruled"):
        x0, y0 = cx - w / 2, cy - h / 2
        seg((x0, y0), (x0 + w, y0))
        seg((x0 + w, y0), (x0 + w, y0 + h))
        seg((x0 + w, y0 + h), (x0, y0 + h))
        seg((x0, y0 + h), (x0, y0))
    elif what == "frame":
        x0, y0 = cx - w / 2, cy - h / 2
        for r in (0, rng.uniform(6, 12)):
            seg((x0 + r, y0 + r), (x0 + w - r, y0 + r))
            seg((x0 + w - r, y0 + r), (x0 + w - r, y0 + h - r))
            seg((x0 + w - r, y0 + h - r), (x0 + r, y0 + h - r))
            seg((x0 + r, y0 + h - r), (x0 + r, y0 + r))
    elif what == "hash":
        s = min(W, Hh) * rng.uniform(0.5, 0.8)
        x0, y0 = cx - s / 2, cy - s / 2
        for f in (1 / 3, 2 / 3):
            seg((x0 + s * f, y0), (x0 + s * f + rng.uniform(-4, 4), y0 + s))
            seg((x0, y0 + s * f), (x0 + s, y0 + s * f + rng.uniform(-4, 4)))
    elif what == "table":
        rows, cols = int(rng.integers(2, 4)), int(rng.integers(2, 5))
        w, h = W * 0.8, Hh * 0.7
        x0, y0 = cx - w / 2, cy - h / 2
        for r in range(rows + 1):
            seg((x0, y0 + h * r / rows), (x0 + w, y0 + h * r / rows))
        for c in range(cols + 1):
            seg((x0 + w * c / cols, y0), (x0 + w * c / cols, y0 + h))
    if what == "rect_on_ruled":
        pitch = rng.integers(18, 30)
        y = rng.uniform(0, pitch)
        while y < Hh:
            sh.line((-2, y), (W + 2, y), 1)
            y += pitch
    pr, pd = pick(rng, PRINTS)
    save(f"fig_{i:03d}_{what}", sh.render(pr, pick(rng, PENS), pd), "figure", "none")


# ===================================================================================================
# Round 2: pictures aimed at the two new rules' trigger conditions (the reviewer's second script)
def clusters_field(i, rng, text, split, kind, crop=False, end="flush", gap_mid=None):
    """``text`` written as two joined clusters (text[:split] and text[split:]), digits in a cluster overlapping so
    they touch, every digit spanning the two lines; clusters at the lines' two ends. ``crop``: a close crop of ruled
    paper (lines stop 1-3 px short of the picture's edges, the writing 4-6 px in)."""
    H = int(rng.integers(22, 50))
    pen = int(rng.choice([0, 0, 1]))
    gs = [
        np.clip(_resize(g, g.shape[1], H), 0, 1)
        for g in (glyph(rng, int(c), H, pen, upright=(k in (0, len(text) - 1))) for k, c in enumerate(text))
    ]
    overlap = max(2, H // 10)
    left = gs[:split]
    right = gs[split:]

    def wid(cl):
        return sum(g.shape[1] for g in cl) - overlap * (len(cl) - 1)

    need = 2.7 * H  # lines at least LONE_LINE (2.5) writing heights long
    inner = gap_mid if gap_mid is not None else max(int(rng.integers(4, 12)), int(need - wid(left) - wid(right)) + 2)
    total = wid(left) + inner + wid(right)
    if crop:
        side = int(rng.integers(4, 7))
        vpad = int(rng.integers(6, 14))
    else:
        side = int(rng.integers(8, 26))
        vpad = int(rng.integers(8, 26))
    W, Hh = total + 2 * side, H + 2 * vpad
    sh = Sheet(rng, Hh, W)
    x = side
    for cl in (left, right):
        for g in cl:
            sh.glyph(g, x, vpad)
            x += g.shape[1] - overlap
        x += overlap + inner
    t = float(rng.choice([1, 1.5, 2]))
    if crop:
        a, b = float(rng.integers(1, 4)), float(W - rng.integers(2, 4))
    elif end == "flush":
        a, b = side, side + total - 1
    elif end == "near":
        a, b = side + rng.integers(-3, 4), side + total - 1 + rng.integers(-3, 4)
    else:  # inside the end digits
        a, b = side + gs[0].shape[1] * 0.4, side + total - 1 - gs[-1].shape[1] * 0.4
    dy = rng.uniform(-1.2, 1.2) if crop and rng.random() < 0.5 else 0.0
    for y in (vpad - t / 2 + 0.5, vpad + H - 1 + t / 2 - 0.5):
        sh.line((a, y - dy), (b, y + dy), t)
    pr, pd = pick(rng, PRINTS)
    save(f"{kind}_{i:03d}_{end if not crop else 'crop'}", sh.render(pr, pick(rng, PENS), pd), kind, text)


def ones_on_grid(i, rng):
    """Squared paper; the number's strokes (1s) written hugging vertical grid lines, thin pen."""
    pitch = int(rng.integers(14, 26))
    n = int(rng.integers(1, 4))
    text = "".join(pick(rng, ["1", "1", "7", "4"]) for _ in range(n))
    W, Hh = pitch * int(rng.integers(7, 11)), pitch * int(rng.integers(4, 6))
    sh = Sheet(rng, Hh, W)
    ox, oy = rng.uniform(2, pitch), rng.uniform(2, pitch)
    t = float(rng.choice([1, 1.5]))
    xs = [ox + k * pitch for k in range(40) if ox + k * pitch < W]
    ys = [oy + k * pitch for k in range(40) if oy + k * pitch < Hh]
    for x in xs:
        sh.line((x, -2), (x, Hh + 2), t)
    for y in ys:
        sh.line((-2, y), (W + 2, y), t)
    H = int(pitch * rng.uniform(0.8, 1.9))
    row = ys[1] if len(ys) > 2 else ys[0]
    for k, c in enumerate(text):
        g = glyph(rng, int(c), H, -1, upright=True)
        col = xs[2 + 2 * k]
        hug = rng.integers(-1, 3)  # the digit's right edge at/just by the grid line
        sh.glyph(g, col - g.shape[1] + hug, row + pitch - H + rng.integers(0, 2))
    pr, pd = pick(rng, PRINTS)
    save(f"grid1_{i:03d}", sh.render(pr, pick(rng, PENS), pd), "grid_hug", text)


def box_hug(i, rng):
    """A row of printed boxes, each digit (1, 4, 7) touching its box's left or right side, thin pen."""
    n = int(rng.integers(1, 4))
    text = "".join(pick(rng, ["1", "1", "1", "7", "4"]) for _ in range(n))
    bw, bh = int(rng.integers(22, 40)), int(rng.integers(28, 50))
    gap = int(rng.choice([0, rng.integers(4, 12)]))
    t = float(rng.choice([1, 1.5, 2, 3]))
    m = int(rng.integers(10, 20))
    W, Hh = n * bw + (n - 1) * gap + 2 * m, bh + 2 * m
    sh = Sheet(rng, Hh, W)
    for k, c in enumerate(text):
        x0 = m + k * (bw + gap)
        sh.rect(x0, m, x0 + bw, m + bh, t)
        g = glyph(rng, int(c), int(bh * rng.uniform(0.55, 0.95)), int(rng.choice([-1, -1, 0])), upright=True)
        right = rng.random() < 0.5
        gx = x0 + bw - t / 2 - g.shape[1] + 1 if right else x0 + t / 2
        gy = m + (bh - g.shape[0]) / 2
        sh.glyph(g, gx, gy)
    pr, pd = pick(rng, PRINTS)
    save(f"boxhug_{i:03d}", sh.render(pr, pick(rng, PENS), pd), "box_hug", text)


def big_finegrid(i, rng):
    """A large photo of fine graph paper (pitch 9-15 px; 3.5-6 px once shrunk to 640) with a number across it."""
    W = int(rng.integers(1100, 1700))
    Hh = int(W * rng.uniform(0.45, 0.7))
    pitch = float(rng.uniform(9, 15))
    sh = Sheet(rng, Hh, W)
    t = float(rng.choice([1.5, 2, 2.5]))
    x = rng.uniform(0, pitch)
    while x < W:
        sh.line((x, -2), (x, Hh + 2), t)
        x += pitch
    y = rng.uniform(0, pitch)
    while y < Hh:
        sh.line((-2, y), (W + 2, y), t)
        y += pitch
    text = num(rng, int(rng.integers(1, 4)), favour=tuple(range(10)))
    H = int(Hh * rng.uniform(0.25, 0.5))
    gs = [glyph(rng, int(c), H, int(rng.choice([-1, 0]))) for c in text]
    gap = H // 6
    wn = sum(g.shape[1] for g in gs) + gap * (len(gs) - 1)
    x = (W - wn) / 2
    for g in gs:
        sh.glyph(g, x, (Hh - H) / 2)
        x += g.shape[1] + gap
    pr, pd = pick(rng, PRINTS)
    save(f"biggrid_{i:03d}", sh.render(pr, pick(rng, PENS), pd), "big_finegrid", text)


def main():
    rng = np.random.default_rng(3203)
    k = 0
    # A: two-digit fields, all end modes, 1/4/7 heavy
    pairs = ["11", "17", "71", "77", "14", "41", "44", "47", "74", "10", "19", "31", "42", "87", "21", "70"]
    for j in range(80):
        text = pairs[j % len(pairs)] if j < 48 else num(rng, 2)
        mode = ["flush", "inside", "near", "flush", "past"][j % 5]
        tilt = rng.uniform(-2, 2) if j % 7 == 3 else 0.0
        field(k, text, np.random.default_rng(1000 + j), mode, tilt=tilt)
        k += 1
    # A3: one, three and four digits in a field (three with the middle touching an end digit)
    for j in range(30):
        r = np.random.default_rng(2000 + j)
        text = num(r, [1, 3, 3, 4][j % 4])
        field(k, text, r, ["flush", "inside", "near"][j % 3], kind="field_n")
        k += 1
    # B-F: one kind each, its pictures seeded from its own base
    for make, count, base in [
        (ruled_crop, 50, 3000),
        (boxes_pic, 60, 4000),
        (faint_pic, 70, 5000),
        (lone, 30, 6000),
        (figure, 42, 7000),
    ]:
        for j in range(count):
            make(k, np.random.default_rng(base + j))
            k += 1
    # round 2, numbered from 400 as the reviewer's second script numbered them
    k = 400
    twos = ["17", "71", "14", "41", "11", "47", "74", "77", "44", "19", "12", "43", "90", "38", "25", "61"]
    for j in range(40):  # G1: wide fields, two digits at the two ends
        r = np.random.default_rng(8000 + j)
        clusters_field(k, r, twos[j % len(twos)], 1, "wide2", end=["flush", "near", "inside", "flush"][j % 4])
        k += 1
    for j in range(30):  # G2: 3-5 digits in two joined clusters at the two ends
        r = np.random.default_rng(8100 + j)
        n = [3, 4, 4, 5, 5][j % 5]
        text = num(r, n)
        split = int(r.integers(1, n))
        clusters_field(
            k, r, text, split, "joined", end=["flush", "near", "inside"][j % 3], gap_mid=int(r.integers(2, 10))
        )
        k += 1
    for j in range(30):  # G3: ruled-paper close crops, two or joined clusters
        r = np.random.default_rng(8200 + j)
        n = [2, 2, 3, 4][j % 4]
        text = num(r, n)
        clusters_field(
            k,
            r,
            text,
            1 if n == 2 else int(r.integers(1, n)),
            "cropjoin",
            crop=True,
            gap_mid=None if n == 2 else int(r.integers(2, 12)),
        )
        k += 1
    for j in range(20):
        ones_on_grid(k, np.random.default_rng(8300 + j))
        k += 1
    for j in range(25):
        box_hug(k, np.random.default_rng(8400 + j))
        k += 1
    for j in range(15):
        big_finegrid(k, np.random.default_rng(8500 + j))
        k += 1
    with open(os.path.join(OUT, "manifest.csv"), "w", newline="") as f:
        wr = csv.writer(f)
        wr.writerow(["path", "kind", "truth", "what"])
        wr.writerows(ROWS)
    print(f"wrote {len(ROWS)} pictures to {OUT}")


if __name__ == "__main__":
    main()
