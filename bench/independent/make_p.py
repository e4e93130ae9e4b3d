"""Independent set P: numbers drawn with a round pen as a mouse draws them, neighbours touching (400 pictures).

Made by a helper in a style of its own (its own 2-3 skeletons of each digit, one hand a number: slant, pen width
5-12% of the height, tremor, points every ~2 px), without reading this repository's generators or reader, and
never tuned on the reader (the reader was not run on these pictures while they were made). Twenty-eighth session.

    python bench/independent/make_p.py OUT_DIR     # then: python bench/independent/score.py OUT_DIR

Writes PNG pictures (black ink on white) into OUT_DIR/{touching,overlapping,one_touching,gapped}/ and
OUT_DIR/manifest.csv with header  path,kind,truth,what. Deterministic (fixed seeds); numpy + Pillow only.

Kinds (100 each):
  touching      2-5 digits, each touching the one before (gap -3% .. 0% of the height, measured row by row)
  overlapping   2-5 digits overlapping by 3-12% of the height
  one_touching  3-5 digits with ordinary gaps (15-40% of the height) but one pair touching
  gapped        2-5 digits with ordinary gaps (a control)
"""

import csv
import itertools
import math
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

OUT = sys.argv[1] if len(sys.argv) == 2 else None
N_PER_KIND = 100
TUCK_MAX = 0.06
SEEDS = {"touching": 7101, "overlapping": 7202, "one_touching": 7303, "gapped": 7404}


# ----------------------------------------------------------------------------
# skeleton helpers (unit box: x 0..1 left->right, y 0..1 top->bottom)
# ----------------------------------------------------------------------------
def arc(cx, cy, rx, ry, a0, a1, step=4.0):
    """Elliptic arc, angles in degrees, math convention (90 = top, increasing =
    counter-clockwise on screen)."""
    n = max(2, int(abs(a1 - a0) / step) + 1)
    t = np.radians(np.linspace(a0, a1, n))
    return np.stack([cx + rx * np.cos(t), cy - ry * np.sin(t)], 1)


def line(*pts):
    pts = np.asarray(pts, float)
    out = [pts[0:1]]
    for a, b in itertools.pairwise(pts):
        n = max(2, int(np.hypot(*(b - a)) / 0.02) + 1)
        t = np.linspace(0, 1, n)[1:, None]
        out.append(a + (b - a) * t)
    return np.concatenate(out)


def spline(*pts, per=16):
    """Catmull-Rom spline through the given points (ends duplicated)."""
    p = np.asarray(pts, float)
    p = np.vstack([p[0], p, p[-1]])
    out = [p[1:2]]
    t = np.linspace(0, 1, per + 1)[1:, None]
    for i in range(1, len(p) - 2):
        p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
        out.append(
            0.5
            * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2 + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3)
        )
    return np.concatenate(out)


def join(*parts):
    return np.concatenate(parts)


def rot(pts, deg, c=(0.5, 0.5)):
    a = math.radians(deg)
    c = np.asarray(c)
    R = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return (pts - c) @ R.T + c


# each variant: (name, function returning list of strokes)
def _d0a():
    return [arc(0.5, 0.5, 0.46, 0.49, 95, 95 + 372)]


def _d0b():
    return [rot(arc(0.5, 0.5, 0.42, 0.5, 60, 60 + 385), -8)]


def _d0c():
    return [
        spline(
            (0.58, 0.02), (0.2, 0.2), (0.05, 0.6), (0.35, 0.99), (0.78, 0.88), (0.95, 0.45), (0.78, 0.1), (0.45, 0.05)
        )
    ]


def _d1a():
    return [line((0.52, 0.0), (0.47, 1.0))]


def _d1b():
    return [line((0.12, 0.3), (0.6, 0.0), (0.55, 1.0))]


def _d1c():
    return [line((0.15, 0.28), (0.58, 0.0), (0.55, 1.0)), line((0.15, 1.0), (0.92, 0.99))]


def _d2a():
    return [
        join(
            arc(0.5, 0.29, 0.42, 0.28, 160, -30),
            spline((0.86, 0.43), (0.5, 0.72), (0.04, 1.0))[1:],
            line((0.04, 1.0), (0.96, 0.98))[1:],
        )
    ]


def _d2b():
    return [
        join(
            arc(0.5, 0.29, 0.42, 0.28, 160, -30),
            spline(
                (0.86, 0.43),
                (0.58, 0.66),
                (0.36, 0.84),
                (0.22, 0.97),
                (0.13, 0.87),
                (0.22, 0.76),
                (0.36, 0.85),
                (0.5, 0.98),
                (0.96, 0.97),
            )[1:],
        )
    ]


def _d2c():
    return [
        join(
            spline((0.08, 0.22), (0.45, 0.0), (0.85, 0.15), (0.8, 0.42)),
            line((0.8, 0.42), (0.05, 1.0), (0.95, 1.0))[1:],
        )
    ]


def _d3a():
    return [join(arc(0.47, 0.26, 0.4, 0.26, 150, -95), arc(0.47, 0.745, 0.46, 0.255, 95, -155))]


def _d3b():
    return [join(line((0.1, 0.02), (0.9, 0.02), (0.4, 0.42)), arc(0.46, 0.7, 0.46, 0.3, 100, -150))]


def _d4a():
    return [line((0.7, 0.0), (0.03, 0.66), (1.0, 0.66)), line((0.7, 0.0), (0.7, 1.0))]


def _d4b():
    return [line((0.14, 0.0), (0.07, 0.62), (0.97, 0.62)), line((0.72, 0.12), (0.72, 1.0))]


def _d5a():
    return [
        join(line((0.22, 0.02), (0.16, 0.45)), arc(0.47, 0.7, 0.45, 0.29, 130, -150)),
        line((0.22, 0.02), (0.92, 0.0)),
    ]


def _d5b():
    return [join(line((0.92, 0.0), (0.22, 0.02), (0.16, 0.45)), arc(0.47, 0.7, 0.45, 0.29, 130, -150))]


def _d6a():
    return [join(spline((0.82, 0.02), (0.45, 0.1), (0.15, 0.4), (0.06, 0.72)), arc(0.5, 0.72, 0.44, 0.27, 180, 520))]


def _d6b():
    return [join(line((0.75, 0.0), (0.1, 0.66)), arc(0.5, 0.72, 0.42, 0.27, 195, 535))]


def _d7a():
    return [line((0.04, 0.03), (0.96, 0.03), (0.35, 1.0))]


def _d7b():
    return [line((0.04, 0.03), (0.96, 0.03), (0.35, 1.0)), line((0.3, 0.52), (0.86, 0.5))]


def _d7c():
    return [join(line((0.04, 0.22), (0.06, 0.03), (0.96, 0.05)), spline((0.96, 0.05), (0.7, 0.45), (0.42, 1.0))[1:])]


def _d8a():
    return [
        spline(
            (0.8, 0.12),
            (0.5, 0.0),
            (0.2, 0.12),
            (0.22, 0.32),
            (0.5, 0.48),
            (0.82, 0.65),
            (0.85, 0.88),
            (0.5, 1.0),
            (0.15, 0.88),
            (0.18, 0.65),
            (0.5, 0.48),
            (0.78, 0.32),
            (0.8, 0.12),
            (0.62, 0.02),
        )
    ]


def _d8b():
    return [arc(0.5, 0.25, 0.34, 0.25, 20, 20 + 370), arc(0.5, 0.73, 0.45, 0.27, 90, 90 - 370)]


def _d9a():
    return [join(arc(0.5, 0.28, 0.42, 0.28, 20, 375), line((0.92, 0.26), (0.86, 1.0))[1:])]


def _d9b():
    return [join(arc(0.5, 0.28, 0.42, 0.28, 20, 375), spline((0.92, 0.26), (0.9, 0.6), (0.74, 0.9), (0.35, 1.0))[1:])]


VARIANTS = {
    0: [("oval", _d0a), ("tilted", _d0b), ("egg", _d0c)],
    1: [("bar", _d1a), ("flag", _d1b), ("flagbase", _d1c)],
    2: [("plain", _d2a), ("loop", _d2b), ("angular", _d2c)],
    3: [("round", _d3a), ("flattop", _d3b)],
    4: [("closed", _d4a), ("open", _d4b)],
    5: [("twostroke", _d5a), ("onestroke", _d5b)],
    6: [("curved", _d6a), ("straight", _d6b)],
    7: [("plain", _d7a), ("crossed", _d7b), ("hook", _d7c)],
    8: [("sstroke", _d8a), ("twoloops", _d8b)],
    9: [("straight", _d9a), ("curved", _d9b)],
}


# ----------------------------------------------------------------------------
# hand model
# ----------------------------------------------------------------------------
def resample(p, step):
    d = np.hypot(*np.diff(p, axis=0).T)
    s = np.concatenate([[0], np.cumsum(d)])
    if s[-1] <= 0:
        return p[:1]
    n = max(2, int(math.ceil(s[-1] / step)) + 1)
    t = np.linspace(0, s[-1], n)
    return np.stack([np.interp(t, s, p[:, 0]), np.interp(t, s, p[:, 1])], 1)


def smooth_noise(rng, s, H, amp):
    """Smooth 2-D displacement along arc length s (pixels)."""
    out = np.zeros((len(s), 2))
    for k in range(2):
        for _ in range(3):
            lam = rng.uniform(0.25, 1.2) * H
            out[:, k] += rng.uniform(0.3, 1.0) * np.sin(2 * np.pi * s / lam + rng.uniform(0, 2 * np.pi))
    return out * amp / 2.0


def digit_strokes(rng, d, hand, H):
    """Pixel-space strokes of one digit, local frame: baseline y=0 (ink above
    is negative y), left edge of unit box at x=0."""
    name, fn = VARIANTS[d][hand["variant"][d]]
    strokes = fn()
    h = H * (1 + rng.uniform(-0.10, 0.10))
    w = h * rng.uniform(0.45, 0.85)
    base = H * rng.uniform(-0.05, 0.05)
    extra_rot = rng.uniform(-3, 3)
    tan_s = math.tan(math.radians(hand["slant"]))
    # low-frequency spatial warp of the unit shape (consistent at crossings)
    wa = rng.uniform(-0.03, 0.03, 4)
    wf = rng.uniform(0.5, 1.3, 4)
    wp = rng.uniform(0, 2 * np.pi, 4)
    out = []
    for st in strokes:
        p = rot(st, extra_rot)
        u, v = p[:, 0].copy(), p[:, 1].copy()
        u = u + wa[0] * np.sin(np.pi * wf[0] * v + wp[0]) + wa[1] * np.sin(np.pi * wf[1] * u + wp[1])
        v = v + wa[2] * np.sin(np.pi * wf[2] * u + wp[2]) + wa[3] * np.sin(np.pi * wf[3] * v + wp[3])
        x = u * w
        y = (v - 1.0) * h + base  # baseline at y=base, top at base-h
        x = x + (base - y) * tan_s  # slant: higher ink leans right for slant>0
        q = resample(np.stack([x, y], 1), 0.5)
        s = np.concatenate([[0], np.cumsum(np.hypot(*np.diff(q, axis=0).T))])
        q = q + smooth_noise(rng, s, H, hand["tremor"] * H)
        # mouse reports: roughly every ~2 px, integer coordinates
        step = hand["step"]
        s = np.concatenate([[0], np.cumsum(np.hypot(*np.diff(q, axis=0).T))])
        ts = [0.0]
        while ts[-1] < s[-1]:
            ts.append(ts[-1] + step * rng.uniform(0.7, 1.3))
        ts[-1] = s[-1]
        ts = np.asarray(ts)
        m = np.stack([np.interp(ts, s, q[:, 0]), np.interp(ts, s, q[:, 1])], 1)
        out.append(m)
    return out, name, h


def render_mask(strokes, pen, ox, oy, W, Hc):
    """Binary ink mask (bool) of strokes shifted by (ox, oy)."""
    img = Image.new("L", (W, Hc), 0)
    dr = ImageDraw.Draw(img)
    r = pen / 2.0
    for st in strokes:
        pts = [(int(round(x + ox)), int(round(y + oy))) for x, y in st]
        if len(pts) > 1:
            dr.line(pts, fill=255, width=pen)
        for x, y in pts:
            dr.ellipse([x - r + 0.5, y - r + 0.5, x + r - 0.5, y + r - 0.5], fill=255)
    return np.asarray(img) > 0


# ----------------------------------------------------------------------------
# placement
# ----------------------------------------------------------------------------
NEG = -(10**6)
POS = 10**6


def right_profile(mask):
    has = mask.any(1)
    idx = mask.shape[1] - 1 - np.argmax(mask[:, ::-1], 1)
    return np.where(has, idx, NEG)


def left_profile(mask):
    has = mask.any(1)
    return np.where(has, np.argmax(mask, 1), POS)


def offset_for_gap(comp, new, gap_px, sep_rows=0, sep_px=0):
    """Horizontal shift of `new` (local mask, same rows as comp) so that the
    row-by-row gap between comp's ink and new's ink is exactly gap_px
    (negative = overlap by that many pixels). Optional extra separation:
    within +-sep_rows rows at least sep_px columns apart (used for gaps)."""
    R = right_profile(comp)
    L = left_profile(new)
    both = (R > NEG) & (L < POS)
    if not both.any():
        raise ValueError("no common rows")
    dx = gap_px + 1 + int(np.max(R[both] - L[both]))
    if sep_rows > 0:
        Rd = R.copy()
        for k in range(1, sep_rows + 1):
            Rd[k:] = np.maximum(Rd[k:], R[:-k])
            Rd[:-k] = np.maximum(Rd[:-k], R[k:])
        b2 = (Rd > NEG) & (L < POS)
        dx = max(dx, sep_px + 1 + int(np.max(Rd[b2] - L[b2])))
    return dx


def touches(a, b):
    """True if masks a and b are 8-adjacent or overlapping."""
    d = a.copy()
    d[1:] |= a[:-1]
    d[:-1] |= a[1:]
    e = d.copy()
    e[:, 1:] |= d[:, :-1]
    e[:, :-1] |= d[:, 1:]
    return bool((e & b).any())


def median_span(mask):
    R = right_profile(mask)
    L = left_profile(mask)
    ok = R > NEG
    return float(np.median(R[ok] - L[ok] + 1))


def row_gap(a, b):
    R = right_profile(a)
    L = left_profile(b)
    both = (R > NEG) & (L < POS)
    return int(np.min(L[both] - R[both] - 1))


def make_picture(rng, kind, n):
    digits = [int(d) for d in rng.integers(0, 10, n)]
    H = int(rng.integers(40, 141))
    hand = {
        "slant": float(rng.uniform(-15, 20)),
        "pen_frac": float(rng.uniform(0.05, 0.12)),
        "tremor": float(rng.uniform(0.01, 0.03)),
        "step": float(rng.uniform(1.6, 2.6)),
        "variant": {d: int(rng.integers(len(VARIANTS[d]))) for d in range(10)},
    }
    pen = max(2, int(round(hand["pen_frac"] * H)))
    # gaps between consecutive digits (fraction of H)
    if kind == "touching":
        rngs = [(-0.03, 0.0)] * (n - 1)
    elif kind == "overlapping":
        rngs = [(-0.12, -0.03)] * (n - 1)
    elif kind == "one_touching":
        j = int(rng.integers(n - 1))
        rngs = [(0.20, 0.40)] * (n - 1)
        rngs[j] = (-0.03, 0.0)
    elif kind == "gapped":
        rngs = [(0.15, 0.40)] * (n - 1)
    else:
        raise ValueError(kind)
    gaps = [float(rng.uniform(a, b)) for a, b in rngs]

    tan_s = math.tan(math.radians(hand["slant"]))
    pad = pen + 4
    top, bot = -1.40 * H, 0.35 * H  # generous row range around the baseline
    Hc = int(math.ceil(bot - top)) + 2 * pad
    oy = pad - top
    maxw = int(H * 1.6) + 2 * pad
    Wtot = n * maxw + int(H * 0.5 * n) + 10
    comp = np.zeros((Hc, Wtot), bool)
    placed, names, real_gaps, tucks = [], [], [], []
    prev_umax = None
    for k, d in enumerate(digits):
        g = gaps[k - 1] if k else None
        ok = False
        for _attempt in range(8):
            st, nm, _ = digit_strokes(rng, d, hand, H)
            p = np.concatenate(st)
            if p[:, 1].min() - pen < top or p[:, 1].max() + pen > bot:
                continue
            ox = pad - p[:, 0].min()
            Wl = int(math.ceil(p[:, 0].max() - p[:, 0].min())) + 2 * pad
            new = render_mask(st, pen, ox, oy, Wl, Hc)
            u = p[:, 0] + ox + p[:, 1] * tan_s  # de-slanted x, local frame
            if k == 0:
                dx = 4
            else:
                lo, hi = rngs[k - 1]
                lo_px, hi_px = math.ceil(lo * H), math.floor(hi * H)
                gpx = min(max(int(round(g * H)), lo_px), hi_px)
                if g > 0:
                    dx = offset_for_gap(comp, new, gpx, sep_rows=max(1, int(0.15 * H)), sep_px=max(3, int(0.10 * H)))
                else:
                    # legibility: never push more than ~60% of the thinner digit's
                    # typical row span (a "1" must not vanish inside its neighbour)
                    span = min(median_span(placed[-1]), median_span(new))
                    gpx = min(max(gpx, -int(0.6 * span)), hi_px)
                    # slide against the previous digit's ink only
                    dx = offset_for_gap(placed[-1], new, gpx)
                # a hand does not tuck the next digit deep under the previous one:
                # limit overlap of de-slanted extents (beyond the requested overlap)
                tuck = (prev_umax - (u.min() + dx)) / H
                if tuck > TUCK_MAX + max(0.0, -g):
                    continue
            if dx < 0 or dx + Wl > Wtot:
                continue
            full = np.zeros_like(comp)
            full[:, dx : dx + Wl] = new
            if k:
                if g <= 0:
                    if not touches(placed[-1], full):  # must touch the *previous* digit
                        continue
                    rg = row_gap(placed[-1], full)
                    # ... and must not dig deeper into any earlier digit
                    if k >= 2:
                        earlier = np.logical_or.reduce(placed[:-1])
                        if ((right_profile(earlier) > NEG) & (left_profile(full) < POS)).any() and row_gap(
                            earlier, full
                        ) < gpx:
                            continue
                        if kind == "one_touching" and touches(earlier, full):
                            continue
                else:
                    if touches(comp, full):
                        continue
                    rg = row_gap(comp, full)
                real_gaps.append(rg / H)
                tucks.append(tuck)
            ok = True
            break
        if not ok:
            return None
        comp |= full
        placed.append(full)
        names.append(nm)
        prev_umax = u.max() + dx
    # for touching-type pairs make sure the non-touching neighbours are apart
    if kind == "one_touching":
        for k in range(1, n):
            if gaps[k - 1] > 0 and touches(np.logical_or.reduce(placed[:k]), placed[k]):
                return None
    global LAST_TUCKS
    LAST_TUCKS = tucks
    ys, xs = np.nonzero(comp)
    crop = comp[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    mt, mb, ml, mr = [int(math.ceil(rng.uniform(0.5, 0.8) * H)) for _ in range(4)]
    canvas = np.full((crop.shape[0] + mt + mb, crop.shape[1] + ml + mr), 255, np.uint8)
    canvas[mt : mt + crop.shape[0], ml : ml + crop.shape[1]][crop] = 0
    truth = "".join(map(str, digits))
    what = "slant=%d pen=%.2f h=%d gaps=%s styles=%s" % (
        round(hand["slant"]),
        pen / H,
        H,
        "/".join("%+.3f" % g for g in real_gaps),
        "/".join(names),
    )
    return canvas, truth, what


def main():
    if OUT is None:
        print(f"usage: {os.path.basename(sys.argv[0])} OUT_DIR")
        sys.exit(2)
    os.makedirs(OUT, exist_ok=True)
    rows = []
    for kind, seed in SEEDS.items():
        rng = np.random.default_rng(seed)
        os.makedirs(os.path.join(OUT, kind), exist_ok=True)
        i = 0
        while i < N_PER_KIND:
            # number of digits cycles so every length is equally represented
            n = 3 + i % 3 if kind == "one_touching" else 2 + i % 4
            r = make_picture(rng, kind, n)
            if r is None:
                continue
            img, truth, what = r
            rel = "%s/%s_%03d.png" % (kind, kind, i)
            Image.fromarray(img, "L").save(os.path.join(OUT, rel), optimize=True)
            rows.append((rel, kind, truth, what))
            i += 1
        print(kind, i, file=sys.stderr)
    with open(os.path.join(OUT, "manifest.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["path", "kind", "truth", "what"])
        w.writerows(rows)


if __name__ == "__main__":
    main()
