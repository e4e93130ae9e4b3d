"""Independent set K: touching and gapped numbers, single digits, drawn non-digits (700 pictures).

Made by a helper in a style of its own (twenty-first session), without reading this repository's
generators or reader; MNIST test digits with index 5000 and up only. numpy and Pillow only.

    python bench/independent/make_k.py OUT_DIR     # then: python bench/independent/score.py OUT_DIR
"""

import csv
import io
import math
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

OUT = sys.argv[1] if len(sys.argv) > 1 else "independent-k"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
rng = np.random.default_rng(20240611)

d = np.load(os.path.join(REPO, "artifacts", "data", "mnist.npz"))
X, Y = d["x_test"], d["y_test"]
POOL = rng.permutation(np.arange(5000, 10000))
_next = [0]
by_digit = {k: [] for k in range(10)}
for i in POOL:
    by_digit[int(Y[i])].append(int(i))
used = set()


def take(digit=None):
    """Next unused index (optionally of a given digit)."""
    if digit is None:
        while True:
            i = int(POOL[_next[0]])
            _next[0] += 1
            if i not in used:
                used.add(i)
                return i
    for i in by_digit[digit]:
        if i not in used:
            used.add(i)
            return i
    return int(rng.choice(by_digit[digit]))  # pool exhausted: reuse


def crop_ink(a, thr=30):
    ys, xs = np.where(a > thr)
    return a[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def resize_f(a, w, h):
    return np.array(Image.fromarray(a.astype(np.float32), "F").resize((w, h), Image.BILINEAR))


def prep_digit(idx, scale, shear):
    a = crop_ink(X[idx]).astype(np.float32)
    h, w = a.shape
    nh, nw = max(3, round(h * scale)), max(2, round(w * scale))
    a = resize_f(a, nw, nh)
    if shear:
        # slant: x_out = x_in + shear*(nh-1-y); inverse map for PIL AFFINE
        pad = int(math.ceil(abs(shear) * nh)) + 1
        off = 0 if shear > 0 else pad
        im = Image.fromarray(a, "F").transform(
            (nw + pad, nh), Image.AFFINE, (1, shear, -shear * (nh - 1) - off, 0, 1, 0), resample=Image.BILINEAR
        )
        a = np.array(im)
        a = crop_ink(a, 10) if (a > 10).any() else a
    return np.clip(a, 0, 255)


def compose(digits, touching):
    scales = rng.uniform(0.85, 1.15, len(digits))
    shear = rng.uniform(-0.2, 0.2) if rng.random() < 0.5 else 0.0
    parts = [prep_digit(take(dg), s, shear) for dg, s in zip(digits, scales)]
    H = max(p.shape[0] for p in parts) + 12
    W = sum(p.shape[1] for p in parts) + 12 * len(parts) + 20
    canvas = np.zeros((H, W), np.float32)
    x_right_bbox = None
    for p in parts:
        ph, pw = p.shape
        y = (H - ph) // 2 + int(rng.integers(-3, 4))
        y = int(np.clip(y, 0, H - ph))
        if x_right_bbox is None:
            x = 6
        elif touching:
            k = int(rng.integers(0, 4))  # overlap 0..3 px
            ink = canvas > 80
            rows = range(y, y + ph)
            best = None
            for r in rows:
                cr = np.where(ink[r])[0]
                nl = np.where(p[r - y] > 80)[0]
                if len(cr) and len(nl):
                    v = cr.max() - nl.min() + 1
                    best = v if best is None else max(best, v)
            x = (best - k) if best is not None else (x_right_bbox + 1 - k)
            x = max(x, 1)
        else:
            x = x_right_bbox + 1 + int(rng.integers(3, 11))
        canvas[y : y + ph, x : x + pw] = np.maximum(canvas[y : y + ph, x : x + pw], p)
        x_right_bbox = max(x_right_bbox or 0, x + pw - 1)
    return crop_ink(canvas, 10)


def render(ink, fmin, fmax, mmin, mmax, bg=255.0, fg=0.0):
    f = rng.uniform(fmin, fmax)
    h, w = ink.shape
    big = resize_f(ink, round(w * f), round(h * f))
    img = bg - (bg - fg) * (np.clip(big, 0, 255) / 255.0)
    t, b, l, r = (int(v) for v in rng.integers(mmin, mmax + 1, 4))
    img = np.pad(img, ((t, b), (l, r)), constant_values=bg)
    return np.clip(img, 0, 255).astype(np.uint8)


def number_digits(n):
    ds = [int(rng.integers(1, 10))] + [int(rng.integers(0, 10)) for _ in range(n - 1)]
    return ds  # no leading zero (keeps "digit string" == number unambiguous)


rows = []


def save(kind, name, arr, truth, what=""):
    p = f"{kind}/{name}"
    Image.fromarray(arr).save(os.path.join(OUT, p))
    rows.append((p, kind, truth, what))


# ---------------------------------------------------------------- numbers
for kind, count, touching in (("touching", 200, True), ("gapped", 150, False)):
    os.makedirs(os.path.join(OUT, kind), exist_ok=True)
    lengths = [2 + (i % 4) for i in range(count)]
    for i, n in enumerate(lengths):
        ds = number_digits(n)
        img = render(compose(ds, touching), 3, 5, 10, 40)
        save(kind, f"{kind}_{i:03d}.png", img, "".join(map(str, ds)))

# ---------------------------------------------------------------- single
os.makedirs(os.path.join(OUT, "single"), exist_ok=True)
for i in range(150):
    dg = i % 10
    idx = take(dg)
    ink = crop_ink(X[idx]).astype(np.float32)
    mode = i % 4  # 0 clean, 1 grey bg, 2 jpeg, 3 grey+jpeg
    bg = float(rng.uniform(170, 225)) if mode in (1, 3) else 255.0
    fg = float(rng.uniform(0, 50))
    img = render(ink, 3, 8, 5, 40, bg, fg)
    if mode in (2, 3):
        img = np.clip(img + rng.normal(0, rng.uniform(2, 6), img.shape), 0, 255).astype(np.uint8)
        buf = io.BytesIO()
        Image.fromarray(img).save(buf, "JPEG", quality=int(rng.integers(25, 70)))
        img = np.array(Image.open(io.BytesIO(buf.getvalue())).convert("L"))
    save("single", f"single_{i:03d}.png", img, str(dg))


# ---------------------------------------------------------------- non-digits
def arc(cx, cy, rx, ry, a0, a1, n=24):
    t = np.radians(np.linspace(a0, a1, n))
    return list(zip(cx + rx * np.cos(t), cy + ry * np.sin(t)))


def smooth(pts, n=8):
    """Catmull-Rom through pts."""
    P = np.array(pts, float)
    P = np.vstack([P[0], P, P[-1]])
    out = []
    for i in range(1, len(P) - 2):
        p0, p1, p2, p3 = P[i - 1], P[i], P[i + 1], P[i + 2]
        for t in np.linspace(0, 1, n, endpoint=False):
            out.append(
                0.5
                * (
                    (2 * p1)
                    + (-p0 + p2) * t
                    + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t * t
                    + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3
                )
            )
    out.append(P[-2])
    return [tuple(p) for p in out]


DOT = "dot"  # marker: (DOT, x, y) -> filled dot


def G_letters():
    L = {}
    L["A"] = (0.8, [[(0, 1), (0.5, 0), (1, 1)], [(0.22, 0.62), (0.78, 0.62)]])
    L["B"] = (
        0.65,
        [
            [(0, 0), (0, 1)],
            [(0, 0)] + arc(0.5, 0.25, 0.4, 0.25, -90, 90) + [(0, 0.5)],
            [(0, 0.5)] + arc(0.55, 0.75, 0.45, 0.25, -90, 90) + [(0, 1)],
        ],
    )
    L["E"] = (0.65, [[(1, 0), (0, 0), (0, 1), (1, 1)], [(0, 0.5), (0.75, 0.5)]])
    L["F"] = (0.6, [[(1, 0), (0, 0), (0, 1)], [(0, 0.48), (0.75, 0.48)]])
    L["H"] = (0.75, [[(0, 0), (0, 1)], [(1, 0), (1, 1)], [(0, 0.5), (1, 0.5)]])
    L["K"] = (0.7, [[(0, 0), (0, 1)], [(1, 0), (0, 0.58)], [(0.3, 0.38), (1, 1)]])
    L["M"] = (0.9, [[(0, 1), (0, 0), (0.5, 0.6), (1, 0), (1, 1)]])
    L["N"] = (0.75, [[(0, 1), (0, 0), (1, 1), (1, 0)]])
    L["R"] = (
        0.7,
        [[(0, 1), (0, 0), (0.5, 0)] + arc(0.5, 0.25, 0.45, 0.25, -90, 90) + [(0, 0.5)], [(0.35, 0.5), (1, 1)]],
    )
    L["V"] = (0.8, [[(0, 0), (0.5, 1), (1, 0)]])
    L["W"] = (1.1, [[(0, 0), (0.25, 1), (0.5, 0.3), (0.75, 1), (1, 0)]])
    L["X"] = (0.8, [[(0, 0), (1, 1)], [(1, 0), (0, 1)]])
    L["Y"] = (0.8, [[(0, 0), (0.5, 0.5), (1, 0)], [(0.5, 0.5), (0.5, 1)]])
    L["Z"] = (0.75, [[(0, 0), (1, 0), (0, 1), (1, 1)]])
    L["T"] = (0.75, [[(0, 0), (1, 0)], [(0.5, 0), (0.5, 1)]])
    L["L"] = (0.6, [[(0, 0), (0, 1), (0.9, 1)]])
    L["P"] = (0.6, [[(0, 1), (0, 0), (0.5, 0)] + arc(0.5, 0.25, 0.45, 0.25, -90, 90) + [(0, 0.5)]])
    L["D"] = (0.7, [[(0, 0), (0, 1)], [(0, 0), (0.4, 0)] + arc(0.4, 0.5, 0.6, 0.5, -90, 90) + [(0, 1)]])
    L["U"] = (0.75, [[(0, 0), (0, 0.6)] + arc(0.5, 0.6, 0.5, 0.4, 180, 0) + [(1, 0)]])
    L["a"] = (0.7, [arc(0.45, 0.7, 0.35, 0.3, -20, -380), [(0.82, 0.4), (0.82, 0.9), (0.95, 1)]])
    L["e"] = (0.75, [[(0.08, 0.7), (0.92, 0.7)] + arc(0.5, 0.7, 0.42, 0.3, 0, -320)])
    L["k"] = (0.6, [[(0, 0), (0, 1)], [(0.8, 0.4), (0, 0.75)], [(0.3, 0.62), (0.85, 1)]])
    L["m"] = (
        1.0,
        [
            [(0, 0.4), (0, 1)],
            [(0, 0.6)] + arc(0.25, 0.6, 0.25, 0.2, 180, 360) + [(0.5, 1)],
            [(0.5, 0.6)] + arc(0.75, 0.6, 0.25, 0.2, 180, 360) + [(1, 1)],
        ],
    )
    L["w"] = (0.95, [[(0, 0.4), (0.25, 1), (0.5, 0.55), (0.75, 1), (1, 0.4)]])
    L["x"] = (0.7, [[(0.05, 0.4), (0.95, 1)], [(0.95, 0.4), (0.05, 1)]])
    L["h"] = (0.6, [[(0, 0), (0, 1)], [(0, 0.68)] + arc(0.42, 0.68, 0.42, 0.25, 180, 360) + [(0.84, 1)]])
    L["n"] = (0.7, [[(0, 0.4), (0, 1)], [(0, 0.66)] + arc(0.45, 0.66, 0.45, 0.25, 180, 360) + [(0.9, 1)]])
    L["r"] = (0.5, [[(0, 0.4), (0, 1)], [(0, 0.68)] + arc(0.45, 0.68, 0.45, 0.25, 180, 300)])
    L["u"] = (0.7, [[(0, 0.4), (0, 0.75)] + arc(0.4, 0.75, 0.4, 0.25, 180, 0), [(0.8, 0.4), (0.8, 0.9), (0.95, 1)]])
    L["c"] = (0.6, [arc(0.5, 0.7, 0.45, 0.3, -40, -320)])
    L["t"] = (0.5, [[(0.45, 0), (0.45, 0.88), (0.65, 1), (0.9, 0.95)], [(0.05, 0.35), (0.9, 0.35)]])
    return L


def G_shapes(aspect_r):
    S = {}
    S["square"] = (1.0, [[(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]])
    S["rectangle"] = (aspect_r, [[(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]])
    S["triangle"] = (1.0, [[(0.5, 0), (1, 1), (0, 1), (0.5, 0)]])
    S["diamond"] = (0.8, [[(0.5, 0), (1, 0.5), (0.5, 1), (0, 0.5), (0.5, 0)]])
    st = []
    for k in range(11):
        a = math.radians(-90 + 36 * k)
        r = 0.5 if k % 2 == 0 else 0.2
        st.append((0.5 + r * math.cos(a), 0.52 + r * math.sin(a)))
    S["star"] = (1.0, [st])
    S["star_pentagram"] = (
        1.0,
        [
            [
                (0.5 + 0.5 * math.cos(math.radians(-90 + 144 * k)), 0.52 + 0.5 * math.sin(math.radians(-90 + 144 * k)))
                for k in range(6)
            ]
        ],
    )
    t = np.linspace(0, 2 * math.pi, 60)
    hx = 16 * np.sin(t) ** 3
    hy = -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
    S["heart"] = (1.0, [list(zip((hx + 17) / 34, (hy + 17) / 30))])
    S["arrow"] = (1.6, [[(0, 0.5), (1, 0.5)], [(0.72, 0.15), (1, 0.5), (0.72, 0.85)]])
    c = [
        (0.35, 0),
        (0.65, 0),
        (0.65, 0.35),
        (1, 0.35),
        (1, 0.65),
        (0.65, 0.65),
        (0.65, 1),
        (0.35, 1),
        (0.35, 0.65),
        (0, 0.65),
        (0, 0.35),
        (0.35, 0.35),
        (0.35, 0),
    ]
    S["cross"] = (1.0, [c])
    S["house"] = (0.9, [[(0, 0.4), (0, 1), (1, 1), (1, 0.4), (0, 0.4), (0.5, 0), (1, 0.4)]])
    return S


def G_symbols():
    Y_ = {}
    Y_["plus"] = (1.0, [[(0.5, 0), (0.5, 1)], [(0, 0.5), (1, 0.5)]])
    Y_["hash"] = (
        0.9,
        [[(0.4, 0), (0.3, 1)], [(0.75, 0), (0.65, 1)], [(0.05, 0.32), (1, 0.32)], [(0, 0.68), (0.95, 0.68)]],
    )
    Y_["question"] = (0.6, [arc(0.5, 0.28, 0.45, 0.26, 200, 450) + [(0.5, 0.58), (0.5, 0.75)], [(DOT, 0.5, 0.95)]])
    Y_["percent"] = (
        0.9,
        [[(0.9, 0), (0.1, 1)], arc(0.22, 0.2, 0.17, 0.17, 0, 360), arc(0.78, 0.8, 0.17, 0.17, 0, 360)],
    )
    Y_["ampersand"] = (
        0.75,
        [
            smooth(
                [
                    (0.95, 1),
                    (0.35, 0.42),
                    (0.25, 0.2),
                    (0.42, 0.02),
                    (0.62, 0.12),
                    (0.58, 0.32),
                    (0.12, 0.68),
                    (0.18, 0.95),
                    (0.5, 1),
                    (0.78, 0.8),
                    (0.92, 0.58),
                ]
            )
        ],
    )
    Y_["at"] = (
        1.0,
        [
            arc(0.47, 0.5, 0.17, 0.2, 0, 360),
            [(0.64, 0.3), (0.64, 0.62)]
            + smooth([(0.64, 0.62), (0.8, 0.7), (0.95, 0.5)])
            + arc(0.5, 0.5, 0.47, 0.47, 0, -300),
        ],
    )
    Y_["equals"] = (1.2, [[(0, 0.32), (1, 0.32)], [(0, 0.68), (1, 0.68)]])
    Y_["check"] = (1.0, [[(0, 0.55), (0.33, 1), (1, 0)]])
    Y_["asterisk"] = (1.0, [[(0.5, 0), (0.5, 1)], [(0.07, 0.25), (0.93, 0.75)], [(0.93, 0.25), (0.07, 0.75)]])
    Y_["tilde"] = (2.0, [smooth([(0, 0.65), (0.25, 0.35), (0.5, 0.55), (0.75, 0.7), (1, 0.35)])])
    Y_["less_than"] = (0.7, [[(1, 0), (0, 0.5), (1, 1)]])
    return Y_


def G_scribble(name):
    if name == "curve":
        return 1.2, [smooth([tuple(rng.uniform(0, 1, 2)) for _ in range(int(rng.integers(6, 11)))], 10)]
    if name == "zigzag":
        n = int(rng.integers(4, 9))
        return 2.0, [[(k / n, 0.0 if k % 2 else 1.0) for k in range(n + 1)]]
    if name == "spiral":
        t = np.linspace(0, 2 * math.pi * rng.uniform(2, 3.5), 120)
        r = 0.05 + 0.45 * t / t.max()
        return 1.0, [list(zip(0.5 + r * np.cos(t), 0.5 + r * np.sin(t)))]
    if name == "loops":
        t = np.linspace(0, 2 * math.pi * int(rng.integers(3, 6)), 200)
        x = t / t.max() * 0.8 + 0.12 * np.cos(t) + 0.08
        y = 0.5 + 0.4 * np.sin(t)
        return 2.2, [list(zip(x, y))]
    if name == "scratch":
        pts = []
        for k in range(int(rng.integers(6, 12))):
            pts += [(0.0 + rng.uniform(0, 0.1), k / 11), (1.0 - rng.uniform(0, 0.1), k / 11 + 0.04)]
        return 1.3, [pts]
    if name == "wave":
        t = np.linspace(0, 1, 80)
        return 2.5, [list(zip(t, 0.5 + 0.4 * np.sin(2 * math.pi * t * rng.uniform(1.5, 3))))]
    if name in ("smiley", "sad_face"):
        mouth = arc(0.5, 0.55, 0.25, 0.18, 20, 160) if name == "smiley" else arc(0.5, 0.82, 0.25, 0.15, 200, 340)
        return 1.0, [arc(0.5, 0.5, 0.5, 0.5, 0, 360, 48), [(DOT, 0.33, 0.36)], [(DOT, 0.67, 0.36)], mouth]
    raise ValueError(name)


def draw_glyph(strokes, aspect, W, H, pen):
    """Fit strokes into a random box on the canvas with wobble; draw at 2x then downsample."""
    S = 2
    im = Image.new("L", (W * S, H * S), 255)
    dr = ImageDraw.Draw(im)
    frac = rng.uniform(0.35, 0.85)
    bh = frac * min(H, W / max(aspect, 0.3))
    bw = bh * aspect
    if bw > W * 0.9:
        bw = W * 0.9
        bh = bw / aspect
    bh = min(bh, H * 0.9)
    m = pen / 2 + 2
    x0 = rng.uniform(m, max(m + 1, W - bw - m))
    y0 = rng.uniform(m, max(m + 1, H - bh - m))
    rot = math.radians(rng.uniform(-12, 12))
    shear = rng.uniform(-0.15, 0.15)
    cx, cy = x0 + bw / 2, y0 + bh / 2
    ink = int(rng.integers(0, 60))
    sig = rng.uniform(0.004, 0.012) * max(bw, bh)

    def tf(u, v):
        x = (u - 0.5) * bw + shear * (v - 0.5) * bh
        y = (v - 0.5) * bh
        return (cx + x * math.cos(rot) - y * math.sin(rot), cy + x * math.sin(rot) + y * math.cos(rot))

    for st in strokes:
        if st and st[0][0] == DOT:
            x, y = tf(st[0][1], st[0][2])
            r = pen * rng.uniform(0.6, 0.9)
            dr.ellipse([(x - r) * S, (y - r) * S, (x + r) * S, (y + r) * S], fill=ink)
            continue
        P = np.array([tf(u, v) for u, v in st])
        # densify to ~3px steps, then low-pass wobble
        seg = np.r_[0, np.cumsum(np.hypot(*np.diff(P, axis=0).T))]
        n = max(2, int(seg[-1] / 3))
        s = np.linspace(0, seg[-1], n)
        P = np.c_[np.interp(s, seg, P[:, 0]), np.interp(s, seg, P[:, 1])]
        noise = rng.normal(0, sig, P.shape)
        kl = min(9, len(P))
        k = np.ones(kl) / kl
        noise = np.c_[np.convolve(noise[:, 0], k, "same"), np.convolve(noise[:, 1], k, "same")] * 2.5
        P = P + noise
        pts = [tuple(p * S) for p in P]
        w = int(pen * S)
        dr.line(pts, fill=ink, width=w, joint="curve")
        for p in (pts[0], pts[-1]):
            dr.ellipse([p[0] - w / 2, p[1] - w / 2, p[0] + w / 2, p[1] + w / 2], fill=ink)
    return np.array(im.resize((W, H), Image.LANCZOS))


os.makedirs(os.path.join(OUT, "nondigit"), exist_ok=True)
L = G_letters()
SY = G_symbols()
plan = ([("letter", k) for k in L] * 3)[:80]
plan += [
    ("shape", k)
    for k in [
        "square",
        "rectangle",
        "triangle",
        "diamond",
        "star",
        "star_pentagram",
        "heart",
        "arrow",
        "cross",
        "house",
    ]
    * 5
]
plan += ([("symbol", k) for k in SY] * 4)[:40]
plan += [
    ("scribble", k)
    for k in ["curve", "zigzag", "spiral", "loops", "scratch", "wave", "smiley", "sad_face", "curve", "smiley"] * 3
]
assert len(plan) == 200, len(plan)
for i, (grp, name) in enumerate(plan):
    W, H = (int(v) for v in rng.integers(150, 301, 2))
    pen = float(rng.uniform(5, 12))
    if grp == "letter":
        aspect, strokes = L[name]
    elif grp == "shape":
        ar = float(rng.choice([rng.uniform(1.6, 2.4), rng.uniform(0.4, 0.6)]))
        aspect, strokes = G_shapes(ar)[name]
        if name == "arrow":  # random direction: rotate strokes in unit space
            ang = float(rng.choice([0, 90, 180, 270, 45, 225]))
            ca, sa = math.cos(math.radians(ang)), math.sin(math.radians(ang))
            strokes = [
                [(0.5 + (u - 0.5) * ca - (v - 0.5) * sa, 0.5 + (u - 0.5) * sa + (v - 0.5) * ca) for u, v in s]
                for s in strokes
            ]
            if ang in (90, 270):
                aspect = 1 / aspect
            elif ang in (45, 225):
                aspect = 1.0
    elif grp == "symbol":
        aspect, strokes = SY[name]
    else:
        aspect, strokes = G_scribble(name)
    aspect *= rng.uniform(0.85, 1.15)
    img = draw_glyph(strokes, aspect, W, H, pen)
    safe = name if grp != "letter" else (name + ("_upper" if name.isupper() else "_lower"))
    save("nondigit", f"nondigit_{i:03d}_{grp}_{safe}.png", img, "none", f"{grp}:{name}")

with open(os.path.join(OUT, "manifest.csv"), "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["path", "kind", "truth", "what"])
    for r in rows:
        w.writerow(r)
print(len(rows), "pictures; MNIST indices used:", len(used))
