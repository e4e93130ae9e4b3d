"""Independent set N: touching numbers, digits in printed boxes, ruled notebook paper, drawn non-digits (400 pictures).

Made by a helper in a style of its own, without reading this repository's generators or reader, and never
tuned on the reader (the reader was not run on these pictures while they were made).

    python bench/independent/make_n.py OUT_DIR     # then: python bench/independent/score.py OUT_DIR

Writes PNG pictures (the "photographed" ones have been through a JPEG round trip) into
OUT_DIR/{touching,boxes,ruled,nondigit}/ and OUT_DIR/manifest.csv with header  path,kind,truth,what
(truth is the digit string, or "none" for the non-digits).
Digits come from MNIST *test* images with index 5000..9999 only; digits a person might misread are dropped
(nearer another class's mean than their own, outvoted by their nearest neighbours, or of odd ink amount).
Deterministic: every picture uses its own fixed-seed RNG; the same bytes every run.
Dependencies: numpy + Pillow only.

Kinds:
  touching (200)  2-5 digits written quickly, neighbours touching or overlapping by 0-4 px at MNIST scale
                  (mostly 0-2), per-digit size/baseline/slant jitter, some cursive joining strokes, black /
                  blue ballpoint / pencil ink, about half photographed (light gradient, grain, blur, JPEG 60-90).
  boxes    (80)   3-6 digits, one per printed box: separate boxes, comb fields (shared sides), tick combs;
                  grey or coloured outlines; digits crossing the top/bottom line, 1s touching both lines;
                  some with a printed caption on the left; some photographed tilted by up to 3 degrees.
  ruled    (60)   2-5 digits on ruled notebook paper (blue or grey lines 30-50 px apart, maybe a red margin),
                  digits sitting on a line and sometimes crossing the line above; photographed.
  nondigit (60)   handwritten-looking letters (pen strokes with jitter, some font-based), symbols, shapes,
                  scribbles and hatching, on plain paper, in a box or on ruled paper; truth "none".
"""

import io
import itertools
import math
import os

import _set
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MNIST = os.path.join(ROOT, "artifacts", "data", "mnist.npz")
N_TOUCH, N_BOX, N_RULED, N_NON = 200, 80, 60, 60
SEED_BASE = {"touching": 7_310_000, "boxes": 7_320_000, "ruled": 7_330_000, "nondigit": 7_340_000}

FONT_DIRS = ["/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/opentype/urw-base35"]
CAPTION_FONTS = ["DejaVuSans.ttf", "DejaVuSansCondensed.ttf", "NimbusSans-Regular.otf", "NimbusRoman-Regular.otf"]
HAND_FONTS = ["Z003-MediumItalic.otf", "DejaVuSans-Oblique.ttf", "URWBookman-LightItalic.otf", "NimbusSans-Italic.otf"]


# --------------------------------------------------------------------------
# MNIST source (test digits 5000..9999 only) and a readability filter
# --------------------------------------------------------------------------
def _load_pool():
    d = np.load(MNIST)
    x = d["x_test"][5000:10000]
    y = d["y_test"][5000:10000].astype(int)
    return x, y


XS, YS = _load_pool()


def _centre(img):
    """Shift a 28x28 digit so its centre of mass sits at the image centre (integer roll)."""
    tot = img.sum()
    if tot <= 0:
        return img
    r = np.arange(28, dtype=np.float64)
    cy = (img.sum(1) * r).sum() / tot
    cx = (img.sum(0) * r).sum() / tot
    return np.roll(np.roll(img, int(round(13.5 - cy)), 0), int(round(13.5 - cx)), 1)


def _readable_pool():
    """Indices (into XS) of digits a person would read as their label, per label.

    A digit is kept when (a) its own class mean is the nearest (cosine, after centring and a light blur)
    by a margin above the class's 12th percentile, (b) at least 4 of its 5 nearest neighbours (leave-one-out,
    same 5000 digits) share its label, and (c) its amount of ink is within the class's 3rd-97th percentile."""
    n = len(XS)
    f = np.stack([_centre(XS[i].astype(np.float64)) for i in range(n)]).astype(np.float32)
    b = f.copy()
    b[:, 1:, :] += 0.5 * f[:, :-1, :]
    b[:, :-1, :] += 0.5 * f[:, 1:, :]
    b[:, :, 1:] += 0.5 * f[:, :, :-1]
    b[:, :, :-1] += 0.5 * f[:, :, 1:]
    v = b.reshape(n, -1)
    v /= np.linalg.norm(v, axis=1, keepdims=True) + 1e-6
    lab = YS
    means = np.stack([v[lab == k].mean(0) for k in range(10)])
    means /= np.linalg.norm(means, axis=1, keepdims=True)
    s = v @ means.T
    own = s[np.arange(n), YS].copy()
    s[np.arange(n), YS] = -9.0
    margin = own - s.max(1)
    agree = np.zeros(n, dtype=int)
    for a in range(0, n, 1000):
        g = v[a : a + 1000] @ v.T
        g[np.arange(len(g)), np.arange(a, a + len(g))] = -9.0
        nn = np.argsort(-g, axis=1, kind="stable")[:, :5]
        agree[a : a + 1000] = (YS[nn] == YS[a : a + 1000, None]).sum(1)
    ink = (XS > 100).reshape(n, -1).sum(1)
    out = {}
    for k in range(10):
        idx = np.nonzero(lab == k)[0]
        m_thr = max(float(np.quantile(margin[idx], 0.12)), 0.0)
        lo, hi = np.quantile(ink[idx], [0.03, 0.97])
        ok = (margin[idx] > m_thr) & (agree[idx] >= 4) & (ink[idx] >= lo) & (ink[idx] <= hi)
        out[k] = idx[ok]
    return out


POOL = _readable_pool()


def drop_specks(img, thr=40, keep=0.15):
    """Remove small stray blobs (8-connected components under `keep` of the largest) from a 28x28 digit."""
    m = img > thr
    lab = np.zeros(m.shape, int)
    sizes = [0]
    for y0, x0 in zip(*np.nonzero(m)):
        if lab[y0, x0]:
            continue
        n = len(sizes)
        lab[y0, x0] = n
        stack, cnt = [(y0, x0)], 0
        while stack:
            y, x = stack.pop()
            cnt += 1
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    yy, xx = y + dy, x + dx
                    if 0 <= yy < 28 and 0 <= xx < 28 and m[yy, xx] and not lab[yy, xx]:
                        lab[yy, xx] = n
                        stack.append((yy, xx))
        sizes.append(cnt)
    big = max(sizes)
    out = img.copy()
    for n, c in enumerate(sizes[1:], 1):
        if c < keep * big:
            out[lab == n] = 0
    # faint pixels not touching a kept component's neighbourhood are dropped too
    kept = np.isin(lab, [n for n, c in enumerate(sizes) if n and c >= keep * big])
    near = kept.copy()
    near[1:] |= kept[:-1]
    near[:-1] |= kept[1:]
    near[:, 1:] |= near[:, :-1].copy()
    near[:, :-1] |= near[:, 1:].copy()
    out[~near] = 0
    return out


def mnist_digit(rng, label):
    """A random readable digit of this label: float alpha in [0,1], ink = 1."""
    i = int(rng.choice(POOL[label]))
    return drop_specks(XS[i]).astype(np.float32) / 255.0


# --------------------------------------------------------------------------
# small image helpers
# --------------------------------------------------------------------------
def bbox(a, thr=0.08):
    ys, xs = np.nonzero(a > thr)
    if len(ys) == 0:
        return 0, 0, a.shape[0], a.shape[1]
    return ys.min(), xs.min(), ys.max() + 1, xs.max() + 1


def tight(a, thr=0.08, pad=0):
    y0, x0, y1, x1 = bbox(a, thr)
    a = a[y0:y1, x0:x1]
    if pad:
        a = np.pad(a, pad)
    return a


def to_l(a):
    return Image.fromarray(np.clip(a * 255.0 + 0.5, 0, 255).astype(np.uint8), "L")


def from_l(im):
    return np.asarray(im, dtype=np.float32) / 255.0


def stamp(canvas, a, y, x):
    """Max-composite alpha a into canvas with top-left at (y, x), clipping at the borders."""
    h, w = a.shape
    H, W = canvas.shape
    y0, x0 = max(y, 0), max(x, 0)
    y1, x1 = min(y + h, H), min(x + w, W)
    if y1 <= y0 or x1 <= x0:
        return
    canvas[y0:y1, x0:x1] = np.maximum(canvas[y0:y1, x0:x1], a[y0 - y : y1 - y, x0 - x : x1 - x])


def stroke_width(a):
    """Rough pen width of an alpha image: median of the shorter of horizontal/vertical ink runs."""
    m = a > 0.5
    runs = []
    for mat in (m, m.T):
        for row in mat:
            if not row.any():
                continue
            d = np.diff(np.concatenate([[0], row.astype(np.int8), [0]]))
            st = np.nonzero(d == 1)[0]
            en = np.nonzero(d == -1)[0]
            runs.extend((en - st).tolist())
    if not runs:
        return 2.0
    return float(np.quantile(runs, 0.35))


# --------------------------------------------------------------------------
# one MNIST digit, enlarged and "re-written"
# --------------------------------------------------------------------------
def shape_digit(rng, label, scale, slant=0.0, rot=0.0, pen=0):
    """Enlarge a 28x28 MNIST digit by `scale`, shear it by `slant` (x shift per y pixel, +: top leans right),
    rotate by `rot` degrees, sharpen the edges like a pen line and thicken (pen>0) or thin (pen<0) it."""
    a = tight(mnist_digit(rng, label), 0.1, pad=1)
    h, w = a.shape
    W, H = max(2, int(round(w * scale))), max(2, int(round(h * scale)))
    im = to_l(a).resize((W, H), Image.BICUBIC)
    if abs(slant) > 1e-3:
        extra = int(math.ceil(abs(slant) * (H - 1)))
        c = -slant * (H - 1) if slant > 0 else 0.0
        im = im.transform((W + extra, H), Image.AFFINE, (1.0, slant, c, 0.0, 1.0, 0.0), resample=Image.BICUBIC)
    if abs(rot) > 0.05:
        im = im.rotate(rot, resample=Image.BICUBIC, expand=True)
    lo = rng.uniform(0.22, 0.34)
    ramp = rng.uniform(0.28, 0.4)
    # a pen line is thinner than an enlarged MNIST stroke: erode towards a width of 5-10% of the digit height
    target = max(4.0, rng.uniform(0.07, 0.12) * H)
    sw = stroke_width(np.clip((from_l(im) - lo) / ramp, 0, 1))
    k = int(min((sw - target) / 2.0, sw * 0.2))
    if k >= 1 and scale >= 2.2:
        im = im.filter(ImageFilter.MinFilter(2 * k + 1))
    if pen > 0:
        im = im.filter(ImageFilter.MaxFilter(2 * pen + 1))
    elif pen < 0:
        im = im.filter(ImageFilter.MinFilter(2 * (-pen) + 1))
    a = from_l(im)
    # pen-like edge: steep ramp, keeps a one-pixel soft rim
    a = np.clip((a - lo) / ramp, 0.0, 1.0)
    return tight(a, 0.05)


# --------------------------------------------------------------------------
# paper, ink and camera
# --------------------------------------------------------------------------
INKS = {
    "black": (22, 22, 28),
    "blue": (28, 46, 150),
    "darkblue": (20, 30, 95),
    "pencil": (88, 88, 96),
}


def paper(rng, h, w, tone=None):
    """Off-white paper with a faint low-frequency fibre texture. Returns float RGB in 0..255."""
    if tone is None:
        tone = rng.choice(["white", "cream", "grey"])
    base = {"white": (246, 246, 244), "cream": (245, 239, 222), "grey": (232, 232, 230)}[tone]
    base = np.array(base, np.float32) + rng.uniform(-5, 4, 3).astype(np.float32)
    sm = rng.normal(0, 1, (max(2, h // 16 + 2), max(2, w // 16 + 2))).astype(np.float32)
    sm = from_l(to_l(0.5 + 0.12 * sm).resize((w, h), Image.BICUBIC)) - 0.5
    out = base[None, None, :] + 10.0 * sm[:, :, None]
    return np.clip(out, 0, 255)


def apply_ink(rng, rgb, alpha, ink):
    """Multiplicative ink on paper (lines underneath stay faintly visible through light strokes)."""
    col = np.array(INKS[ink], np.float32)
    a = alpha
    if ink == "pencil":
        grain = rng.uniform(0, 1, alpha.shape).astype(np.float32)
        grain = from_l(to_l(grain).filter(ImageFilter.GaussianBlur(0.6)))
        a = a * (0.45 + 0.9 * grain) * rng.uniform(0.72, 0.9)
        a = np.clip(a, 0, 1)
    elif ink in ("blue", "darkblue"):
        a = a * rng.uniform(0.85, 1.0)
    return rgb * (1.0 - a[:, :, None] * (1.0 - col[None, None, :] / 255.0))


def camera(rng, im, tilt=0.0, jpeg=True, keystone=0.0):
    """Photograph a flat RGB image: optional tilt / keystone, uneven light, colour cast, blur, grain, JPEG."""
    if abs(tilt) > 0.01:
        corner = tuple(int(v) for v in np.asarray(im)[1, 1])
        im = im.rotate(tilt, resample=Image.BICUBIC, expand=True, fillcolor=corner)
    if keystone > 0:
        w, h = im.size
        dx = keystone * w
        side = rng.choice([-1, 1])
        # one edge of the page nearer the camera than the other
        quad = (0, 0, -dx, h, w + dx, h, w, 0) if side > 0 else (-dx, 0, 0, h, w, h, w + dx, 0)
        corner = tuple(int(v) for v in np.asarray(im)[1, 1])
        im = im.transform((w, h), Image.QUAD, quad, resample=Image.BICUBIC, fillcolor=corner)
    a = np.asarray(im, dtype=np.float32)
    h, w = a.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    yy /= max(h - 1, 1)
    xx /= max(w - 1, 1)
    ang = rng.uniform(0, 2 * math.pi)
    grad = (xx - 0.5) * math.cos(ang) + (yy - 0.5) * math.sin(ang)
    light = 1.0 - rng.uniform(0.06, 0.22) * (grad + 0.5)
    cx, cy = rng.uniform(0.2, 0.8, 2)
    light -= rng.uniform(0.0, 0.12) * ((xx - cx) ** 2 + (yy - cy) ** 2)
    cast = np.array([1.0, rng.uniform(0.96, 1.0), rng.uniform(0.88, 0.99)], np.float32)
    a = a * light[:, :, None] * cast[None, None, :] * rng.uniform(0.9, 1.02)
    im = Image.fromarray(np.clip(a + 0.5, 0, 255).astype(np.uint8), "RGB")
    im = im.filter(ImageFilter.GaussianBlur(rng.uniform(0.35, 1.1)))
    a = np.asarray(im, dtype=np.float32)
    a = a + rng.normal(0, rng.uniform(2.0, 6.0), a.shape[:2])[:, :, None]
    a = a + rng.normal(0, 1.5, a.shape)
    im = Image.fromarray(np.clip(a + 0.5, 0, 255).astype(np.uint8), "RGB")
    if jpeg:
        buf = io.BytesIO()
        im.save(buf, format="JPEG", quality=int(rng.integers(60, 91)))
        buf.seek(0)
        im = Image.open(buf).convert("RGB")
    return im


def scanner(rng, im):
    """A flat scan: very light blur and noise only."""
    im = im.filter(ImageFilter.GaussianBlur(rng.uniform(0.2, 0.5)))
    a = np.asarray(im, dtype=np.float32) + rng.normal(0, 1.2, (im.size[1], im.size[0], 1))
    return Image.fromarray(np.clip(a + 0.5, 0, 255).astype(np.uint8), "RGB")


def fit_height(rng, im, lo=60, hi=400):
    """Keep the picture between lo and hi pixels tall (pad with border colour or shrink)."""
    w, h = im.size
    if h > hi:
        s = hi / h
        im = im.resize((max(1, int(w * s)), hi), Image.LANCZOS)
    elif h < lo:
        corner = tuple(int(v) for v in np.asarray(im)[0, 0])
        top = (lo - h) // 2
        new = Image.new("RGB", (w, lo), corner)
        new.paste(im, (0, top))
        im = new
    return im


def rgb_img(a):
    return Image.fromarray(np.clip(a + 0.5, 0, 255).astype(np.uint8), "RGB")


def random_number(rng, nd, lead_zero_ok=False):
    s = [int(rng.integers(0, 10)) for _ in range(nd)]
    if not lead_zero_ok and s[0] == 0 and rng.uniform() < 0.8:
        s[0] = int(rng.integers(1, 10))
    return s


def font(name, size):
    for d in FONT_DIRS:
        p = os.path.join(d, name)
        if os.path.exists(p):
            return ImageFont.truetype(p, size)
    return ImageFont.load_default()


# --------------------------------------------------------------------------
# pen strokes (ligatures, letters, symbols, shapes)
# --------------------------------------------------------------------------
def bez(p0, p1, p2, p3, n=24):
    t = np.linspace(0, 1, n)[:, None]
    p0, p1, p2, p3 = (np.asarray(p, float) for p in (p0, p1, p2, p3))
    return (1 - t) ** 3 * p0 + 3 * (1 - t) ** 2 * t * p1 + 3 * (1 - t) * t**2 * p2 + t**3 * p3


def arc(cx, cy, rx, ry, a0, a1, n=40):
    t = np.radians(np.linspace(a0, a1, n))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], 1)


def seg(*pts):
    return np.asarray(pts, float)


def draw_polylines(lines, size, width, ss=4):
    """Draw pixel-space polylines (list of Nx2 arrays, x,y) with round pen of `width` px, antialiased."""
    W, H = size
    im = Image.new("L", (W * ss, H * ss), 0)
    d = ImageDraw.Draw(im)
    r = width * ss / 2.0
    for pl in lines:
        pts = [(float(x) * ss, float(y) * ss) for x, y in pl]
        if len(pts) > 1:
            d.line(pts, fill=255, width=max(1, int(round(width * ss))), joint="curve")
        for x, y in (pts[0], pts[-1]):
            d.ellipse((x - r, y - r, x + r, y + r), fill=255)
    return from_l(im.resize((W, H), Image.BOX))


def resample_line(pl, step):
    """Resample a polyline at roughly `step` spacing (keeps corners)."""
    out = [pl[0]]
    for a, b in itertools.pairwise(pl):
        L = float(np.hypot(*(b - a)))
        k = max(1, int(math.ceil(L / step)))
        for j in range(1, k + 1):
            out.append(a + (b - a) * j / k)
    return np.array(out)


def hand_strokes(rng, strokes, height, pen, jitter=0.03, slant=0.0, rot=0.0, aspect=1.0, wobble=0.008):
    """Render unit-box strokes (y down, glyph height 1) as a hand would: jittered control points, a slow wobble
    along the line, slant/rotation/aspect, pen width `pen` px. Returns a tight alpha image."""
    lines = []
    for st in strokes:
        st = np.asarray(st, float)
        if len(st) <= 8:
            st = st + rng.normal(0, jitter, (len(st), 2))
        else:  # a drawn curve: move it as a whole and stretch it slightly, no per-point shake
            c0 = st.mean(0)
            st = c0 + (st - c0) * rng.uniform(0.92, 1.08, 2) + rng.normal(0, jitter, 2)
        st = resample_line(st, 0.02)
        n = len(st)
        t = np.linspace(0, 1, n)
        for _ in range(2):
            f = rng.uniform(0.4, 1.4)
            ph = rng.uniform(0, 2 * math.pi, 2)
            st = st + wobble * np.stack([np.sin(2 * math.pi * f * t + ph[0]), np.sin(2 * math.pi * f * t + ph[1])], 1)
        lines.append(st)
    allp = np.concatenate(lines)
    c = allp.mean(0)
    ca, sa = math.cos(math.radians(rot)), math.sin(math.radians(rot))
    out = []
    for st in lines:
        p = st - c
        p[:, 0] *= aspect
        p[:, 0] += -slant * p[:, 1]
        p = np.stack([ca * p[:, 0] - sa * p[:, 1], sa * p[:, 0] + ca * p[:, 1]], 1)
        out.append(p * height)
    allp = np.concatenate(out)
    mn = allp.min(0) - pen - 2
    mx = allp.max(0) + pen + 2
    out = [p - mn for p in out]
    size = (int(math.ceil(mx[0] - mn[0])) + 1, int(math.ceil(mx[1] - mn[1])) + 1)
    return tight(draw_polylines(out, size, pen), 0.05)


# letters that do not look like digits; unit box, y down, cap height 0..1, x-height 0.45..1
LETTERS = {
    "A": [seg((0, 1), (0.36, 0), (0.72, 1)), seg((0.15, 0.6), (0.57, 0.6))],
    "E": [seg((0.6, 0), (0, 0), (0, 1), (0.62, 1)), seg((0, 0.5), (0.45, 0.5))],
    "F": [seg((0.6, 0), (0, 0), (0, 1)), seg((0, 0.48), (0.45, 0.48))],
    "H": [seg((0, 0), (0, 1)), seg((0.62, 0), (0.62, 1)), seg((0, 0.5), (0.62, 0.5))],
    "K": [seg((0, 0), (0, 1)), seg((0.58, 0), (0.02, 0.56), (0.62, 1))],
    "M": [seg((0, 1), (0.04, 0), (0.38, 0.62), (0.72, 0), (0.76, 1))],
    "N": [seg((0, 1), (0, 0), (0.62, 1), (0.62, 0))],
    "R": [
        np.concatenate([seg((0, 1), (0, 0), (0.3, 0)), arc(0.3, 0.25, 0.27, 0.25, -90, 90)[1:], seg((0, 0.5))]),
        seg((0.24, 0.5), (0.62, 1)),
    ],
    "W": [seg((0, 0), (0.2, 1), (0.42, 0.32), (0.64, 1), (0.84, 0))],
    "X": [seg((0, 0), (0.64, 1)), seg((0.64, 0), (0, 1))],
    "Y": [seg((0, 0), (0.32, 0.5), (0.64, 0)), seg((0.32, 0.5), (0.32, 1))],
    "a": [arc(0.25, 0.73, 0.23, 0.26, -30, -390, 50), seg((0.5, 0.47), (0.5, 0.94), (0.58, 1.0))],
    "e": [np.concatenate([seg((0.03, 0.73), (0.5, 0.73)), arc(0.27, 0.73, 0.24, 0.27, 0, -315, 50)])],
    "h": [
        seg((0, 0), (0, 1)),
        np.concatenate([bez((0, 0.66), (0.08, 0.42), (0.46, 0.38), (0.46, 0.66)), seg((0.46, 1))]),
    ],
    "k": [seg((0, 0), (0, 1)), seg((0.42, 0.46), (0.03, 0.74), (0.44, 1))],
    "m": [
        seg((0, 0.45), (0, 1)),
        np.concatenate([bez((0, 0.62), (0.05, 0.42), (0.31, 0.4), (0.31, 0.62)), seg((0.31, 1))]),
        np.concatenate([bez((0.31, 0.62), (0.36, 0.42), (0.62, 0.4), (0.62, 0.62)), seg((0.62, 1))]),
    ],
    "n": [
        seg((0, 0.45), (0, 1)),
        np.concatenate([bez((0, 0.63), (0.06, 0.42), (0.44, 0.38), (0.44, 0.63)), seg((0.44, 1))]),
    ],
    "r": [seg((0, 0.45), (0, 1)), bez((0, 0.68), (0.06, 0.48), (0.22, 0.42), (0.4, 0.47))],
    "w": [seg((0, 0.45), (0.15, 1), (0.31, 0.62), (0.47, 1), (0.62, 0.45))],
    "x": [seg((0, 0.45), (0.48, 1)), seg((0.48, 0.45), (0, 1))],
}


def _star():
    pts = [
        (0.5 + 0.5 * math.cos(math.radians(-90 + 144 * k)), 0.52 + 0.5 * math.sin(math.radians(-90 + 144 * k)))
        for k in range(6)
    ]
    return [seg(*pts)]


def _heart():
    t = np.linspace(0, 2 * math.pi, 80)
    x = 16 * np.sin(t) ** 3
    y = 13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t)
    return [np.stack([0.5 + x / 34.0, 0.5 - y / 34.0], 1)]


def symbol_strokes(rng, name):
    if name == "+":
        return [seg((0.35, 0.12), (0.35, 0.88)), seg((0, 0.5), (0.7, 0.5))]
    if name == "=":
        return [seg((0, 0.36), (0.8, 0.36)), seg((0.02, 0.64), (0.8, 0.64))]
    if name == "#":
        return [
            seg((0.3, 0), (0.2, 1)),
            seg((0.62, 0), (0.52, 1)),
            seg((0, 0.32), (0.82, 0.32)),
            seg((-0.04, 0.66), (0.78, 0.66)),
        ]
    if name == "?":
        return [
            np.concatenate(
                [arc(0.3, 0.26, 0.27, 0.24, -170, 50, 40), bez((0.47, 0.44), (0.32, 0.5), (0.3, 0.56), (0.3, 0.72))]
            ),
            arc(0.3, 0.95, 0.025, 0.025, 0, 360, 12),
        ]
    if name == "%":
        return [
            arc(0.16, 0.2, 0.16, 0.19, 0, 360, 30),
            arc(0.62, 0.8, 0.16, 0.19, 0, 360, 30),
            seg((0.7, 0.0), (0.04, 1.0)),
        ]
    if name == "oplus":
        return [arc(0.5, 0.5, 0.5, 0.5, 0, 360, 60), seg((0.5, 0.02), (0.5, 0.98)), seg((0.02, 0.5), (0.98, 0.5))]
    if name == "otimes":
        d = 0.5 / math.sqrt(2)
        return [
            arc(0.5, 0.5, 0.5, 0.5, 0, 360, 60),
            seg((0.5 - d, 0.5 - d), (0.5 + d, 0.5 + d)),
            seg((0.5 + d, 0.5 - d), (0.5 - d, 0.5 + d)),
        ]
    if name == "star":
        return _star()
    if name == "heart":
        return _heart()
    if name == "arrow":
        return [seg((0, 0.5), (1.0, 0.5)), seg((0.74, 0.28), (1.0, 0.5), (0.74, 0.72))]
    raise ValueError(name)


def scribble_strokes(rng, kind):
    if kind == "tangle":
        k = int(rng.integers(12, 20))
        p = rng.uniform(0, 1, (k, 2)) * np.array([1.4, 1.0])
        # Catmull-Rom through random points: a messy tangle
        pts = []
        for i in range(1, k - 2):
            p0, p1, p2, p3 = p[i - 1], p[i], p[i + 1], p[i + 2]
            pts.append(bez(p1, p1 + (p2 - p0) / 6, p2 - (p3 - p1) / 6, p2, 12))
        return [np.concatenate(pts)]
    if kind == "zigzag":
        n = int(rng.integers(7, 13))
        w = rng.uniform(1.0, 1.8)
        ys = np.linspace(0.05, 0.95, n)
        pts = [(w * (i % 2) + rng.normal(0, 0.05), y) for i, y in enumerate(ys)]
        return [seg(*pts)]
    if kind == "loops":
        t = np.linspace(0, 2 * math.pi * rng.uniform(5, 8), 400)
        r = rng.uniform(0.25, 0.4)
        x = 0.12 * t + r * np.cos(t)
        y = 0.5 + r * 1.2 * np.sin(t)
        return [np.stack([x, y], 1)]
    if kind in ("hatch", "crosshatch"):
        # shading strokes at about 45 degrees, closer together than a row of 1s would be
        n = int(rng.integers(11, 18))
        lines = []
        w = rng.uniform(0.9, 1.5)
        lean = rng.uniform(0.75, 1.0) * rng.choice([-1, 1])
        for i in range(n):
            o = i / (n - 1) * w
            lines.append(seg((o, 0.0), (o + lean, 1.0)))
        if kind == "crosshatch":
            for i in range(n):
                o = i / (n - 1) * w
                lines.append(seg((o + lean, 0.0), (o, 1.0)))
        return lines
    raise ValueError(kind)


# --------------------------------------------------------------------------
# kind 1: touching numbers
# --------------------------------------------------------------------------
def row_profiles(a, thr=0.3):
    """Leftmost and rightmost ink column per row (-1 / big where none)."""
    m = a > thr
    has = m.any(1)
    left = np.where(has, m.argmax(1), 10**6)
    right = np.where(has, a.shape[1] - 1 - m[:, ::-1].argmax(1), -(10**6))
    return left, right


def write_touching(rng, labels, scale, ov_list, slant, ligs):
    """Place digits left to right so that each touches (ov 0) or overlaps (ov>0 MNIST px) the text so far,
    measured row by row. Returns the alpha canvas."""
    H = int(scale * 28 * 2.2) + 40
    W = int(scale * 28 * (len(labels) + 2)) + 80
    cv = np.zeros((H, W), np.float32)
    base_y = int(H * 0.72)
    prev = None
    pw = None
    for i, lab in enumerate(labels):
        s = scale * rng.uniform(0.88, 1.12)
        pen = 1 if (s > 2.6 and lab in (1, 4, 7) and rng.uniform() < 0.3) else 0  # no loops to fill
        a = shape_digit(rng, lab, s, slant + rng.normal(0, 0.05), rng.normal(0, 3.0), pen)
        h, w = a.shape
        bot = base_y + int(round(rng.normal(0, 1.2 * scale)))
        top = bot - h
        if prev is None:
            x = 30
        else:
            _, rprev = row_profiles(cv)
            lnew, _ = row_profiles(a)
            rows = np.arange(h) + top
            valid = (rows >= 0) & (rows < H)
            gaps = rprev[rows[valid]] - lnew[valid]
            gaps = gaps[(lnew[valid] < 10**5) & (rprev[rows[valid]] > -(10**5))]
            ov = ov_list[i - 1]
            # an overlap never covers more than about a fifth of the narrower digit
            ov_px = int(round(min(ov * scale, 0.2 * min(w, pw - prev)))) if ov > 0 else int(round(ov * scale))
            ov_list[i - 1] = int(round(ov_px / scale))  # what was really written
            # with no rows in common the boxes simply abut
            x = pw - ov_px if len(gaps) == 0 else int(gaps.max()) + 1 - ov_px
            # never tuck a digit deep under its neighbour's overhang (a 1 under a 7's bar would vanish)
            x = max(x, pw - int(round(max(ov_px, 0) + 0.3 * min(w, pw - prev))))
        if prev is not None and ligs[i - 1]:
            ligature(rng, cv, a, top, x)
        stamp(cv, a, top, x)
        prev = x
        pw = x + w
    return cv


def ligature(rng, cv, a, top, x):
    """A quick joining stroke from the lower right of the writing so far to the left side of the next digit."""
    _, rprev = row_profiles(cv)
    lnew, _ = row_profiles(a)
    h = a.shape[0]
    rows_new = np.nonzero(lnew < 10**5)[0]
    if len(rows_new) == 0:
        return
    # start: a row in the lower part of the previous digit, near its rightmost ink
    ink_rows = np.nonzero(rprev > -(10**5))[0]
    lo, hi = ink_rows.min(), ink_rows.max()
    cand = ink_rows[(ink_rows > lo + 0.55 * (hi - lo)) & (ink_rows < lo + 0.95 * (hi - lo))]
    if len(cand) == 0:
        return
    r0 = int(rng.choice(cand))
    p0 = (float(rprev[r0]) - 1, float(r0))
    cand2 = rows_new[(rows_new > 0.35 * h) & (rows_new < 0.8 * h)]
    if len(cand2) == 0:
        return
    r1 = int(rng.choice(cand2))
    p1 = (float(x + lnew[r1]) + 1, float(top + r1))
    dx = p1[0] - p0[0]
    sag = min(max(abs(dx), 6.0) * rng.uniform(0.3, 0.7), 0.12 * h)
    low = max(p0[1], p1[1]) + sag
    pts = bez(p0, (p0[0] + 0.3 * dx + 2, low), (p1[0] - 0.3 * dx - 2, low), p1, 20)
    wpx = max(1.5, stroke_width(a) * rng.uniform(0.55, 0.8))
    H, W = cv.shape
    lig = draw_polylines([pts], (W, H), wpx)
    np.maximum(cv, lig, out=cv)


def make_touching(outdir, i):
    rng = np.random.default_rng(SEED_BASE["touching"] + i)
    nd = int(rng.choice([2, 3, 3, 4, 4, 5]))
    labels = random_number(rng, nd)
    scale = float(rng.uniform(1.5, 4.0))
    ov_list = [int(rng.choice([0, 1, 2, 3, 4], p=[0.42, 0.3, 0.16, 0.08, 0.04])) for _ in range(nd - 1)]
    slant = float(rng.normal(0.12, 0.1))
    want_lig = rng.uniform() < 0.3
    ligs = [want_lig and rng.uniform() < 0.6 for _ in range(nd - 1)]
    # a joined pair is written with a little air between the digits, the joining stroke closes it
    ov_list = [-int(rng.integers(1, 4)) if lg else ov for ov, lg in zip(ov_list, ligs)]
    alpha = write_touching(rng, labels, scale, ov_list, slant, ligs)
    y0, x0, y1, x1 = bbox(alpha, 0.05)
    m = int(rng.integers(8, 30))
    alpha = np.pad(alpha[y0:y1, x0:x1], m)
    ink = str(rng.choice(["black", "blue", "darkblue", "pencil"], p=[0.35, 0.3, 0.1, 0.25]))
    rgb = apply_ink(rng, paper(rng, *alpha.shape), alpha, ink)
    im = rgb_img(rgb)
    photo = rng.uniform() < 0.55
    im = camera(rng, im, tilt=float(rng.normal(0, 1.2))) if photo else scanner(rng, im)
    im = fit_height(rng, im)
    name = "touching/touching_%03d.png" % i
    im.save(os.path.join(outdir, name))
    what = "%dd_ov%d_%s_%s%s" % (
        nd,
        max(max(ov_list), 0),
        ink,
        "photo" if photo else "scan",
        "_lig" if any(ligs) else "",
    )
    return [name, "touching", "".join(map(str, labels)), what]


# --------------------------------------------------------------------------
# kind 2: one digit per printed box
# --------------------------------------------------------------------------
BOX_COLOURS = {
    "grey": (178, 178, 182),
    "lightgrey": (200, 200, 204),
    "red": (226, 120, 118),
    "blue": (118, 150, 218),
    "green": (112, 176, 132),
    "dark": (70, 70, 76),
}
CAPTIONS = ["Code:", "Amount", "Amount:", "Ref.", "PIN:", "Total", "Qty", "Account", "Zip:", "Ticket"]


def make_boxes(outdir, i):
    rng = np.random.default_rng(SEED_BASE["boxes"] + i)
    nd = int(rng.integers(3, 7))
    labels = random_number(rng, nd, lead_zero_ok=True)
    S = int(rng.integers(44, 100))  # box side (px)
    bh = int(S * rng.uniform(1.05, 1.35))  # box height
    style = str(rng.choice(["separate", "comb", "ticks"], p=[0.4, 0.4, 0.2]))
    gap = int(rng.integers(4, 18)) if style == "separate" else 0
    lw = int(rng.choice([1, 2, 2, 3]))
    lcol_name = str(rng.choice(list(BOX_COLOURS), p=[0.25, 0.15, 0.2, 0.2, 0.1, 0.1]))
    lcol = BOX_COLOURS[lcol_name]
    caption = str(rng.choice(CAPTIONS)) if rng.uniform() < 0.4 else ""
    fsize = int(bh * rng.uniform(0.32, 0.45))
    fnt = font(str(rng.choice(CAPTION_FONTS)), fsize)
    cap_w = 0
    if caption:
        l, t, r, b = fnt.getbbox(caption)
        cap_w = r - l + int(rng.integers(10, 24))
    mx, my = int(rng.integers(14, 34)), int(rng.integers(18, 40))
    W = mx * 2 + cap_w + nd * S + (nd - 1) * gap
    H = my * 2 + bh
    rgb = paper(rng, H, W)
    im = rgb_img(rgb)
    d = ImageDraw.Draw(im)
    x0 = mx + cap_w
    yt, yb = my, my + bh
    boxes = []
    for k in range(nd):
        bx = x0 + k * (S + gap)
        boxes.append((bx, bx + S))
    if style == "separate":
        for bx0, bx1 in boxes:
            d.rectangle((bx0, yt, bx1, yb), outline=lcol, width=lw)
    elif style == "comb":
        d.rectangle((boxes[0][0], yt, boxes[-1][1], yb), outline=lcol, width=lw)
        for bx0, _ in boxes[1:]:
            d.line((bx0, yt, bx0, yb), fill=lcol, width=lw)
    else:  # ticks: bottom line with short separators
        tick = int(bh * rng.uniform(0.25, 0.45))
        d.line((boxes[0][0], yb, boxes[-1][1], yb), fill=lcol, width=lw)
        for bx0, _ in boxes:
            d.line((bx0, yb - tick, bx0, yb), fill=lcol, width=lw)
        d.line((boxes[-1][1], yb - tick, boxes[-1][1], yb), fill=lcol, width=lw)
    if caption:
        l, t, r, b = fnt.getbbox(caption)
        ty = (yt + yb) // 2 - (t + b) // 2
        d.text((mx - l, ty), caption, font=fnt, fill=(40, 40, 46))
    rgb = np.asarray(im, dtype=np.float32)
    # digits
    alpha = np.zeros((H, W), np.float32)
    slant = float(rng.normal(0.08, 0.08))
    crossing = 0
    base = rng.uniform(0.66, 0.84)  # this writer's digit height, as a fraction of the box height
    for k, lab in enumerate(labels):
        bx0, bx1 = boxes[k]
        mode = rng.uniform()
        if lab == 1 and mode < 0.45:
            target = bh + lw  # a 1 spanning both lines
            place = "span"
        elif mode < 0.32:
            target = bh * min(1.05, base * rng.uniform(1.1, 1.3))
            place = str(rng.choice(["up", "down"]))
        else:
            target = bh * base * rng.uniform(0.93, 1.07)
            place = "in"
        scale = target / 20.0
        a = shape_digit(
            rng,
            lab,
            scale,
            slant + rng.normal(0, 0.05),
            rng.normal(0, 2.5),
            1 if scale > 3.2 and lab in (1, 4, 7) and rng.uniform() < 0.25 else 0,
        )
        # keep the height we asked for (MNIST ink height varies)
        f = target / a.shape[0]
        if abs(f - 1) > 0.04:
            a = tight(
                from_l(to_l(a).resize((max(2, int(a.shape[1] * f)), max(2, int(round(target)))), Image.BICUBIC)), 0.05
            )
        h, w = a.shape
        if w > S * 1.05:  # too wide for its box: narrow it a little
            a = tight(from_l(to_l(a).resize((int(S * 0.95), h), Image.BICUBIC)), 0.05)
            h, w = a.shape
        cx = (bx0 + bx1) // 2 + int(rng.normal(0, S * 0.05))
        if place == "span":
            top = yt - lw // 2
        elif place == "up":
            top = yt - int(h * rng.uniform(0.08, 0.22))
            crossing += 1
        elif place == "down":
            top = yb - h + int(h * rng.uniform(0.08, 0.22))
            crossing += 1
        else:
            top = (yt + yb) // 2 - h // 2 + int(rng.normal(0, bh * 0.06))
        stamp(alpha, a, top, cx - w // 2)
        if place == "span":
            crossing += 1
    ink = str(rng.choice(["black", "blue", "darkblue", "pencil"], p=[0.35, 0.35, 0.15, 0.15]))
    rgb = apply_ink(rng, rgb, alpha, ink)
    im = rgb_img(rgb)
    photo = rng.uniform() < 0.5
    tilt = float(rng.uniform(-3, 3)) if photo else 0.0
    im = camera(rng, im, tilt=tilt) if photo else scanner(rng, im)
    im = fit_height(rng, im)
    name = "boxes/boxes_%03d.png" % i
    im.save(os.path.join(outdir, name))
    what = "%dd_%s_%s_%s%s%s" % (
        nd,
        style,
        lcol_name,
        ink,
        "_cap" if caption else "",
        ("_photo_tilt%+.1f" % tilt) if photo else "_scan",
    )
    if crossing:
        what += "_cross%d" % crossing
    return [name, "boxes", "".join(map(str, labels)), what]


# --------------------------------------------------------------------------
# kind 3: ruled notebook paper
# --------------------------------------------------------------------------
def ruled_paper(rng, H, W, L, y_first, lcol, margin_x):
    rgb = paper(rng, H, W, tone=str(rng.choice(["white", "cream"])))
    im = rgb_img(rgb)
    d = ImageDraw.Draw(im)
    y = y_first
    lw = int(rng.choice([1, 1, 2]))
    while y < H:
        d.line((0, y, W, y), fill=lcol, width=lw)
        y += L
    if margin_x is not None:
        d.line((margin_x, 0, margin_x, H), fill=(222, 118, 122), width=2)
    return np.asarray(im, dtype=np.float32)


def make_ruled(outdir, i):
    rng = np.random.default_rng(SEED_BASE["ruled"] + i)
    nd = int(rng.integers(2, 6))
    labels = random_number(rng, nd)
    L = int(rng.integers(30, 51))
    lcol_name = str(rng.choice(["blue", "grey"], p=[0.65, 0.35]))
    lcol = (150, 182, 228) if lcol_name == "blue" else (176, 176, 180)
    margin = rng.uniform() < 0.45
    # digit heights relative to the line spacing; some reach over the line above
    tall = rng.uniform() < 0.4
    rel0 = rng.uniform(1.08, 1.3) if tall else rng.uniform(0.65, 0.95)
    slant = float(rng.normal(0.1, 0.1))
    glyphs = []
    for lab in labels:
        rel = rel0 * rng.uniform(0.9, 1.1)
        target = rel * L
        a = shape_digit(rng, lab, target / 20.0, slant + rng.normal(0, 0.05), rng.normal(0, 3.0))
        f = target / a.shape[0]
        a = tight(
            from_l(to_l(a).resize((max(2, int(a.shape[1] * f)), max(2, int(round(target)))), Image.BICUBIC)), 0.05
        )
        glyphs.append(a)
    n_above = int(rng.integers(1, 3))
    n_below = int(rng.integers(1, 3))
    y_first = int(rng.integers(4, L - 4))
    base_idx = n_above + 1
    H = y_first + (base_idx + n_below) * L + int(rng.integers(0, L))
    base_y = y_first + base_idx * L
    margin_x = int(rng.integers(24, 60)) if margin else None
    x = (margin_x or 0) + int(rng.integers(16, 50))
    pos = []
    for a in glyphs:
        pos.append(x)
        x += a.shape[1] + int(rng.integers(-2, max(3, L // 4)))
    W = x + int(rng.integers(30, 90))
    rgb = ruled_paper(rng, H, W, L, y_first, lcol, margin_x)
    alpha = np.zeros((H, W), np.float32)
    crossing = 0
    for a, px in zip(glyphs, pos):
        bot = base_y + int(rng.integers(-3, 3))
        stamp(alpha, a, bot - a.shape[0], px)
        if a.shape[0] > L + 2:
            crossing += 1
    ink = str(rng.choice(["black", "blue", "darkblue", "pencil"], p=[0.25, 0.4, 0.15, 0.2]))
    rgb = apply_ink(rng, rgb, alpha, ink)
    im = camera(rng, rgb_img(rgb), tilt=float(rng.normal(0, 1.3)), keystone=float(rng.uniform(0, 0.05)))
    im = fit_height(rng, im)
    name = "ruled/ruled_%03d.png" % i
    im.save(os.path.join(outdir, name))
    what = "%dd_L%d_%s_%s%s_photo" % (nd, L, lcol_name, ink, "_margin" if margin else "")
    if crossing:
        what += "_over%d" % crossing
    return [name, "ruled", "".join(map(str, labels)), what]


# --------------------------------------------------------------------------
# kind 4: things that are not digits
# --------------------------------------------------------------------------
LETTER_SET = list("AEFHKMNRWXY") + list("aehkmnrwx")
SYMBOLS = ["+", "=", "#", "?", "%", "&", "@"]
SHAPES = ["oplus", "otimes", "star", "heart", "arrow"]
SCRIBBLES = ["tangle", "zigzag", "loops", "hatch", "crosshatch"]


def font_glyph(rng, text, height):
    """A glyph or word from a system font, warped a little (shear + jitter) so it is not perfectly printed."""
    f = font(str(rng.choice(HAND_FONTS)), int(height * 1.4))
    l, t, r, b = f.getbbox(text)
    im = Image.new("L", (r - l + 20, b - t + 20), 0)
    ImageDraw.Draw(im).text((10 - l, 10 - t), text, font=f, fill=255)
    sh = float(rng.normal(0, 0.12))
    w, h = im.size
    im = im.transform(
        (w + int(abs(sh) * h) + 2, h), Image.AFFINE, (1, sh, -sh * h if sh > 0 else 0, 0, 1, 0), resample=Image.BICUBIC
    )
    im = im.rotate(float(rng.normal(0, 4)), resample=Image.BICUBIC, expand=True)
    a = tight(from_l(im), 0.05)
    f2 = height / a.shape[0]
    return tight(from_l(to_l(a).resize((max(2, int(a.shape[1] * f2)), int(height)), Image.BICUBIC)), 0.05)


def nondigit_alpha(rng, cat, height):
    pen = max(2.0, height * rng.uniform(0.07, 0.12))
    sl = float(rng.normal(0.12, 0.1))
    if cat == "letters":
        k = int(rng.choice([1, 1, 2, 3]))
        word = "".join(str(rng.choice(LETTER_SET)) for _ in range(k))
        if rng.uniform() < 0.2:
            return font_glyph(rng, word, height), word, "font"
        parts = []
        for ch in word:
            a = hand_strokes(
                rng, LETTERS[ch], height, pen, slant=sl, rot=rng.normal(0, 3), aspect=rng.uniform(0.85, 1.15)
            )
            if ch.islower():
                # keep lower-case letters on the same baseline as capitals
                a = np.pad(a, ((max(0, int(height) - a.shape[0]), 0), (0, 0)))
            parts.append(a)
        Hh = max(p.shape[0] for p in parts)
        gap = int(height * rng.uniform(0.08, 0.2))
        W = sum(p.shape[1] for p in parts) + gap * (len(parts) - 1)
        cv = np.zeros((Hh, W), np.float32)
        x = 0
        for p in parts:
            stamp(cv, p, Hh - p.shape[0], x)
            x += p.shape[1] + gap
        return tight(cv, 0.05), word, "strokes"
    if cat == "symbols":
        s = str(rng.choice(SYMBOLS))
        if s in ("&", "@") or rng.uniform() < 0.15:
            return font_glyph(rng, s, height), s, "font"
        return hand_strokes(rng, symbol_strokes(rng, s), height, pen, slant=sl * 0.5), s, "strokes"
    if cat == "shapes":
        s = str(rng.choice(SHAPES))
        rot = float(rng.normal(0, 5))
        if s == "arrow":
            rot += float(rng.choice([0, 180, 35, -35, 145, -145]))
        return hand_strokes(rng, symbol_strokes(rng, s), height, pen, rot=rot, jitter=0.025), s, "strokes"
    s = str(rng.choice(SCRIBBLES))
    pen = max(1.5, pen * (rng.uniform(0.35, 0.55) if "hatch" in s else rng.uniform(0.5, 0.9)))
    return (hand_strokes(rng, scribble_strokes(rng, s), height, pen, jitter=0.02, slant=sl * 0.5), s, "strokes")


def make_nondigit(outdir, i):
    rng = np.random.default_rng(SEED_BASE["nondigit"] + i)
    cat = ["letters", "symbols", "shapes", "scribbles"][i % 4]
    height = float(rng.uniform(40, 110))
    a, item, how = nondigit_alpha(rng, cat, height)
    ctx = str(rng.choice(["plain", "box", "ruled"], p=[0.55, 0.25, 0.2]))
    h, w = a.shape
    if ctx == "box":
        my, mx = int(h * 0.25) + 6, int(h * 0.2) + 6
        Hh, Ww = h + 2 * my + 24, w + 2 * mx + 24
        im = rgb_img(paper(rng, Hh, Ww))
        d = ImageDraw.Draw(im)
        lcol = BOX_COLOURS[str(rng.choice(["grey", "red", "blue", "dark"]))]
        d.rectangle((12, 12, Ww - 12, Hh - 12), outline=lcol, width=int(rng.integers(1, 3)))
        rgb = np.asarray(im, dtype=np.float32)
        alpha = np.zeros((Hh, Ww), np.float32)
        stamp(alpha, a, 12 + my + int(rng.integers(-4, 5)), 12 + mx + int(rng.integers(-4, 5)))
    elif ctx == "ruled":
        L = int(np.clip(h * rng.uniform(0.95, 1.3), 30, 50))
        y_first = int(rng.integers(4, L - 4))
        base_y = y_first + (int(math.ceil(h / L)) + 1) * L
        Hh = base_y + L + int(rng.integers(4, L))
        Ww = w + int(rng.integers(60, 140))
        rgb = ruled_paper(rng, Hh, Ww, L, y_first, (150, 182, 228), None)
        alpha = np.zeros((Hh, Ww), np.float32)
        stamp(alpha, a, base_y - h + int(rng.integers(-2, 3)), int(rng.integers(20, Ww - w - 20)))
    else:
        m = int(rng.integers(10, 40))
        alpha = np.pad(a, m)
        rgb = paper(rng, *alpha.shape)
    ink = str(rng.choice(["black", "blue", "darkblue", "pencil"], p=[0.35, 0.3, 0.1, 0.25]))
    rgb = apply_ink(rng, rgb, alpha, ink)
    im = rgb_img(rgb)
    photo = ctx == "ruled" or rng.uniform() < 0.5
    im = camera(rng, im, tilt=float(rng.normal(0, 1.2))) if photo else scanner(rng, im)
    im = fit_height(rng, im)
    name = "nondigit/nondigit_%03d.png" % i
    im.save(os.path.join(outdir, name))
    tag = {"+": "plus", "=": "equals", "#": "hash", "?": "question", "%": "percent", "&": "amp", "@": "at"}.get(
        item, item
    )
    what = "%s_%s_%s_%s_%s_%s" % (cat, tag, how, ctx, ink, "photo" if photo else "scan")
    return [name, "nondigit", "none", what]


# --------------------------------------------------------------------------
def main():
    _set.main(
        [
            ("touching", N_TOUCH, make_touching),
            ("boxes", N_BOX, make_boxes),
            ("ruled", N_RULED, make_ruled),
            ("nondigit", N_NON, make_nondigit),
        ]
    )


if __name__ == "__main__":
    main()
