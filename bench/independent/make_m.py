"""Independent set M: touching numbers, one digit per printed box, ruled paper, drawn non-digits (560 pictures).

Made by a helper in a style of its own (twenty-second session), after that session's reader changes and never
tuned on, without reading this repository's generators or reader.

    python bench/independent/make_m.py OUT_DIR     # then: python bench/independent/score.py OUT_DIR

Writes PNG/JPEG pictures into OUTDIR/{touching,boxes,ruled,nondigit}/ and
OUTDIR/manifest.csv with header  path,kind,truth,what.
Digits come from MNIST *test* images with index 0..4999 only.
Deterministic: every picture uses its own fixed-seed RNG.
Dependencies: numpy + Pillow only.
"""

import math
import os

import _set
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

MNIST = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "artifacts", "data", "mnist.npz"
)
N_TOUCH, N_BOX, N_RULED, N_NON = 200, 120, 120, 120

# --------------------------------------------------------------------------
# MNIST source (test digits 0..4999 only)
# --------------------------------------------------------------------------
_d = np.load(MNIST)
XT = _d["x_test"][:5000]
YT = _d["y_test"][:5000].astype(int)


def _typicality_filter(keep_frac=0.88):
    """Drop the most atypical test digits (those that look more like another
    class mean than their own) so every picture stays readable to a person.
    Uses only the class means of the same test digits 0..4999."""
    x = XT.reshape(len(XT), -1).astype(np.float32)
    # light blur so near-misses in position still match
    img = XT.astype(np.float32)
    bl = img.copy()
    bl[:, 1:, :] += img[:, :-1, :]
    bl[:, :-1, :] += img[:, 1:, :]
    bl[:, :, 1:] += img[:, :, :-1]
    bl[:, :, :-1] += img[:, :, 1:]
    x = bl.reshape(len(XT), -1)
    x = x / (np.linalg.norm(x, axis=1, keepdims=True) + 1e-6)
    means = np.stack([x[YT == k].mean(0) for k in range(10)])
    means /= np.linalg.norm(means, axis=1, keepdims=True)
    sims = x @ means.T
    own = sims[np.arange(len(x)), YT]
    sims[np.arange(len(x)), YT] = -1
    margin = own - sims.max(1)
    out = {}
    for k in range(10):
        idx = np.nonzero(YT == k)[0]
        thr = np.quantile(margin[idx], 1 - keep_frac)
        out[k] = idx[margin[idx] >= max(thr, 0.0)]
    return out


BY_LABEL = _typicality_filter()


def pick_digit(rng, label):
    idx = int(rng.choice(BY_LABEL[label]))
    return XT[idx].astype(np.float32) / 255.0


# --------------------------------------------------------------------------
# generic helpers
# --------------------------------------------------------------------------
def crop_alpha(a, thr=0.05):
    ys, xs = np.nonzero(a > thr)
    if len(ys) == 0:
        return a
    return a[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]


def sharpen_alpha(a, lo=0.12, hi=0.65):
    """MNIST digits upscaled are soft; give them a pen-like edge."""
    return np.clip((a - lo) / (hi - lo), 0.0, 1.0)


def stroke_width(alpha):
    """Rough stroke width estimate: 2 * ink area / boundary length."""
    m = alpha > 0.5
    if m.sum() < 4:
        return 0.0
    inner = m.copy()
    inner[1:-1, 1:-1] = m[1:-1, 1:-1] & m[:-2, 1:-1] & m[2:, 1:-1] & m[1:-1, :-2] & m[1:-1, 2:]
    boundary = (m & ~inner).sum()
    return 2.0 * m.sum() / max(boundary, 1)


def render_digit(rng, label, height, shear=0.0, rot=0.0, width_change=0, aspect=1.0, pen=None):
    """Return float alpha (ink=1) of an MNIST test digit scaled so that its
    ink height is about `height` px, sheared (x += shear*(y-yc)), rotated,
    with stroke thickened (width_change>0) or thinned (<0).  If `pen` (px)
    is given, width_change is chosen so the stroke width comes out near it."""
    a = pick_digit(rng, label)
    a = crop_alpha(a, 0.1)
    h0, w0 = a.shape
    s = height / float(h0)
    pad = 4
    a = np.pad(a, pad)
    big_h = max(4, int(round(a.shape[0] * s)))
    big_w = max(4, int(round(a.shape[1] * s * aspect)))
    im = Image.fromarray((a * 255).astype(np.uint8), "L").resize((big_w, big_h), Image.BICUBIC)
    # shear + rotate via one affine transform on an enlarged canvas
    W, H = im.size
    ext = int(abs(shear) * H) + int(0.3 * max(W, H) * abs(math.sin(math.radians(rot)))) + 4
    canvas = Image.new("L", (W + 2 * ext, H + 2 * ext), 0)
    canvas.paste(im, (ext, ext))
    cw, ch = canvas.size
    cx, cy = cw / 2.0, ch / 2.0
    t = math.radians(rot)
    c, sn = math.cos(t), math.sin(t)
    # forward: p' = R * S * (p - c) + c, with S = [[1, shear],[0,1]]
    # inverse needed by PIL: p = S^-1 R^-1 (p' - c) + c
    # R^-1 = [[c, sn],[-sn, c]];  S^-1 = [[1,-shear],[0,1]]
    m00 = c - shear * (-sn)
    m01 = sn - shear * c
    m10 = -sn
    m11 = c
    tx = cx - m00 * cx - m01 * cy
    ty = cy - m10 * cx - m11 * cy
    canvas = canvas.transform((cw, ch), Image.AFFINE, (m00, m01, tx, m10, m11, ty), Image.BICUBIC)
    if pen is not None:
        # smooth dilate/erode: blur, then re-threshold at the level whose
        # stroke width is closest to the pen width; never drop thin parts.
        raw = np.asarray(canvas, np.float32) / 255.0
        core = raw > 0.8
        ncore = max(1, int(core.sum()))
        sig = max(1.0, 0.6 * s)
        blurred = np.asarray(canvas.filter(ImageFilter.GaussianBlur(sig)), np.float32) / 255.0
        best = None
        for lev in (0.08, 0.12, 0.17, 0.23, 0.3, 0.38, 0.46):
            cand = np.clip((blurred - lev) / 0.14 + 0.5, 0.0, 1.0)
            if (cand[core] > 0.5).sum() < 0.97 * ncore:
                continue
            err = abs(stroke_width(cand) - pen)
            if best is None or err < best[0]:
                best = (err, cand)
        if best is not None:
            return crop_alpha(best[1], 0.05)
    if width_change > 0:
        canvas = canvas.filter(ImageFilter.MaxFilter(2 * width_change + 1))
    elif width_change < 0:
        canvas = canvas.filter(ImageFilter.MinFilter(2 * (-width_change) + 1))
    out = np.asarray(canvas, dtype=np.float32) / 255.0
    out = sharpen_alpha(out)
    return crop_alpha(out, 0.05)


INKS = {
    "black": (20, 20, 25),
    "blue_ballpoint": (25, 40, 140),
    "dark_blue": (15, 25, 90),
    "pencil": (70, 70, 75),
    "grey": (55, 55, 60),
    "black_gel": (5, 5, 10),
}


def pick_ink(rng):
    names = list(INKS)
    p = np.array([0.3, 0.25, 0.12, 0.1, 0.1, 0.13])
    name = names[int(rng.choice(len(names), p=p))]
    base = np.array(INKS[name], dtype=np.float32)
    base = np.clip(base + rng.normal(0, 6, 3), 0, 255)
    return name, base


def make_paper(rng, w, h, textured=None):
    tint = np.array([rng.uniform(236, 252), rng.uniform(234, 250), rng.uniform(226, 246)], dtype=np.float32)
    if rng.random() < 0.3:  # pure white printer paper
        tint = np.array([252, 252, 252], dtype=np.float32) - rng.uniform(0, 5)
    paper = np.ones((h, w, 3), np.float32) * tint
    if textured is None:
        textured = rng.random() < 0.5
    if textured:
        # low-frequency blotches + fine fibre noise
        gh, gw = max(2, h // 40), max(2, w // 40)
        g = rng.normal(0, 1, (gh, gw)).astype(np.float32)
        low = np.asarray(Image.fromarray(g).resize((w, h), Image.BICUBIC))
        paper += (low * rng.uniform(1.5, 4.0))[..., None]
        fine = rng.normal(0, rng.uniform(1.5, 4.0), (h, w)).astype(np.float32)
        if rng.random() < 0.5:  # horizontal fibres
            k = int(rng.integers(3, 7))
            fine = sum(np.roll(fine, j, axis=1) for j in range(k)) / math.sqrt(k)
        paper += fine[..., None]
    return np.clip(paper, 0, 255)


def blend(img, alpha, color, x0=0, y0=0, strength=1.0):
    """Multiply-style ink blend of alpha (h,w) at (x0,y0) into img (H,W,3)."""
    H, W = img.shape[:2]
    h, w = alpha.shape
    xa, ya = max(0, x0), max(0, y0)
    xb, yb = min(W, x0 + w), min(H, y0 + h)
    if xa >= xb or ya >= yb:
        return
    a = alpha[ya - y0 : yb - y0, xa - x0 : xb - x0][..., None] * strength
    reg = img[ya:yb, xa:xb]
    ink = np.asarray(color, np.float32)
    # ink darkens: result = reg * (1-a) + min(reg, ink) * a
    img[ya:yb, xa:xb] = reg * (1 - a) + np.minimum(reg, ink) * a


def photograph(rng, img, rotate=True):
    """Phone-photo look: lighting gradient, blur, noise, small rotation."""
    h, w = img.shape[:2]
    # lighting gradient (multiplicative) with slight colour cast
    ang = rng.uniform(0, 2 * math.pi)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    t = (xx / w - 0.5) * math.cos(ang) + (yy / h - 0.5) * math.sin(ang)
    lo, hi = rng.uniform(0.68, 0.88), rng.uniform(0.97, 1.05)
    gain = lo + (hi - lo) * (t - t.min()) / (t.max() - t.min() + 1e-6)
    if rng.random() < 0.4:  # vignetting
        r = np.sqrt(((xx / w - 0.5) ** 2 + (yy / h - 0.5) ** 2))
        gain = gain * (1 - rng.uniform(0.05, 0.2) * r / r.max())
    cast = np.array([1.0, rng.uniform(0.97, 1.0), rng.uniform(0.9, 0.99)], np.float32)
    img = img * gain[..., None] * cast
    im = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    if rotate:
        deg = rng.uniform(-2, 2)
        edge = tuple(int(v) for v in np.asarray(im)[2, 2])
        im = im.rotate(deg, resample=Image.BICUBIC, fillcolor=edge)
    im = im.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.1)))
    a = np.asarray(im, np.float32)
    a = a + rng.normal(0, rng.uniform(2, 6), a.shape[:2])[..., None] + rng.normal(0, 1.5, a.shape)
    return np.clip(a, 0, 255)


def save(img, outdir, rel, rng, jpeg_p=0.0, force_jpeg=False, gray_p=0.15):
    im = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")
    if im.size[0] > 600:  # keep pictures at most 600 px wide
        im = im.resize((600, max(1, round(im.size[1] * 600 / im.size[0]))), Image.LANCZOS)
    if rng.random() < gray_p:
        im = im.convert("L")
    if force_jpeg or rng.random() < jpeg_p:
        rel = rel + ".jpg"
        im.save(os.path.join(outdir, rel), "JPEG", quality=int(rng.integers(55, 90)))
    else:
        rel = rel + ".png"
        im.save(os.path.join(outdir, rel), "PNG")
    return rel


def random_number(rng, n):
    return "".join(str(int(d)) for d in rng.integers(0, 10, n))


def get_font(size, rng=None):
    try:
        return ImageFont.load_default(size=size)
    except Exception:  # very old Pillow / no freetype
        return ImageFont.load_default()


# --------------------------------------------------------------------------
# 1. touching
# --------------------------------------------------------------------------
def row_extents(mask):
    """For each row: leftmost and rightmost ink column (or -1)."""
    h, w = mask.shape
    any_ = mask.any(axis=1)
    left = np.where(any_, mask.argmax(axis=1), -1)
    right = np.where(any_, w - 1 - mask[:, ::-1].argmax(axis=1), -1)
    return left, right


def compose_touching(rng, glyphs, overlaps, yoffs, max_cover=0.04):
    """Place glyph alphas left to right so that each new glyph's ink touches
    (overlap 0) or overlaps by up to `overlap` px the ink already placed.
    The overlap is reduced while more than `max_cover` of the smaller
    glyph's ink would be covered (keeps the digits readable).
    Returns the layers and the overlaps actually used."""
    H = max(g.shape[0] + y for g, y in zip(glyphs, yoffs)) + 2
    W = sum(g.shape[1] for g in glyphs) + 10
    layers, used = [], []
    comp = np.zeros((H, W), bool)
    xpos = []
    prev_ink = 1
    for i, (g, y) in enumerate(zip(glyphs, yoffs)):
        gm = g > 0.35
        gh, gw = gm.shape
        ink = max(1, int(gm.sum()))
        if i == 0:
            x = 0
        else:
            # rightmost ink of composite in the rows of g
            _, rc = row_extents(comp[y : y + gh])
            lg, _ = row_extents(gm)
            ok = (rc >= 0) & (lg >= 0)
            if ok.sum() >= 2:
                x0 = int(np.max(rc[ok] - lg[ok])) + 1
            else:  # no shared rows: butt bounding boxes
                cols = np.nonzero(comp.any(axis=0))[0]
                x0 = int(cols.max()) + 1
            ov = overlaps[i - 1]
            while True:
                x = max(x0 - ov, xpos[-1] + 3)
                if x + gw > comp.shape[1]:
                    comp = np.pad(comp, ((0, 0), (0, x + gw - comp.shape[1] + 5)))
                cover = (comp[y : y + gh, x : x + gw] & gm).sum()
                if ov <= 0 or cover <= max_cover * min(ink, prev_ink):
                    break
                ov -= 1
            used.append(ov)
        xpos.append(x)
        if x + gw > comp.shape[1]:
            comp = np.pad(comp, ((0, 0), (0, x + gw - comp.shape[1] + 5)))
        comp[y : y + gh, x : x + gw] |= gm
        layers.append((g, x, y))
        prev_ink = ink
    return layers, used


def make_touching(outdir, i):
    rng = np.random.default_rng(1_000_000 + i)
    n = int(rng.choice([2, 3, 4, 5], p=[0.3, 0.3, 0.25, 0.15]))
    truth = random_number(rng, n)
    if n >= 3 and truth[0] == "0" and rng.random() < 0.7:
        truth = str(int(rng.integers(1, 10))) + truth[1:]
    scale = rng.uniform(2.0, 4.0)  # MNIST scale factor
    base_h = 20 * scale  # MNIST ink is ~20 px tall
    slant = rng.uniform(-0.35, 0.25)  # person's habitual slant
    pen = base_h * rng.uniform(0.06, 0.12)  # writer's pen width
    ink_name, ink = pick_ink(rng)
    glyphs, yoffs, strengths = [], [], []
    for ch in truth:
        h = base_h * rng.uniform(0.8, 1.2)
        g = render_digit(
            rng,
            int(ch),
            h,
            shear=slant + rng.normal(0, 0.06),
            rot=rng.normal(0, 4),
            pen=pen * rng.uniform(0.85, 1.15),
            aspect=rng.uniform(0.85, 1.15),
        )
        glyphs.append(g)
        strengths.append(rng.uniform(0.75, 1.0))
    maxh = max(g.shape[0] for g in glyphs)
    for g in glyphs:
        # baseline-ish alignment with vertical jitter (up to ~12% of height)
        jitter = rng.normal(0, 0.06 * base_h)
        yoffs.append(int(np.clip(maxh - g.shape[0] + jitter + 0.12 * base_h, 0, None)))
    ov_mnist = 4.0 * rng.random(n - 1) ** 2.0  # overlap 0..4 px at MNIST scale, mostly small
    overlaps = [
        int(round(min(o * scale, 0.15 * min(glyphs[k].shape[1], glyphs[k + 1].shape[1]))))
        for k, o in enumerate(ov_mnist)
    ]
    layers, overlaps = compose_touching(rng, glyphs, overlaps, yoffs)
    inkw = max(x + g.shape[1] for g, x, y in layers)
    inkh = max(y + g.shape[0] for g, x, y in layers)
    mx, my = int(rng.integers(15, 60)), int(rng.integers(12, 45))
    W, H = inkw + 2 * mx, inkh + 2 * my
    if W > 600:  # keep within a reasonable size
        pass
    paper = make_paper(rng, W, H)
    for (g, x, y), s in zip(layers, strengths):
        blend(paper, g, ink, mx + x, my + y, strength=s)
    what = "%dd_s%.1f_ov%s_%s" % (n, scale, "-".join("%d" % o for o in overlaps), ink_name)
    photo = rng.random() < 0.25
    if photo:
        paper = photograph(rng, paper)
        what += "_photo"
    img = paper
    # downscale very large pictures to <= 600 px wide
    if img.shape[1] > 600:
        f = 600.0 / img.shape[1]
        im = Image.fromarray(img.astype(np.uint8)).resize((600, max(1, int(img.shape[0] * f))), Image.LANCZOS)
        img = np.asarray(im, np.float32)
    rel = save(img, outdir, "touching/touching_%03d" % i, rng, jpeg_p=0.35 if not photo else 0.8)
    return rel, "touching", truth, what


# --------------------------------------------------------------------------
# 2. boxes
# --------------------------------------------------------------------------
BOX_INKS = {
    "black": (15, 15, 15),
    "grey": (120, 120, 125),
    "blue": (60, 90, 190),
    "red": (200, 50, 50),
    "lightblue": (110, 150, 215),
    "darkgrey": (70, 70, 70),
}
CAPTIONS = [
    "Code",
    "Zip",
    "Amount",
    "ID",
    "Date",
    "Qty",
    "No.",
    "PIN",
    "Room",
    "Total",
    "Age",
    "Ref",
    "Seat",
    "Score",
    "Postcode",
    "Account",
    "Year",
    "Class",
]


def make_boxes(outdir, i):
    rng = np.random.default_rng(2_000_000 + i)
    n = int(rng.integers(3, 7))
    truth = random_number(rng, n)
    bw = int(rng.integers(48, 100))
    bh = int(bw * rng.uniform(0.95, 1.35))
    if n >= 5:
        bw = int(bw * 0.85)
    lw = int(rng.choice([1, 1, 2, 2, 3]))
    shared = rng.random() < 0.45
    gap = 0 if shared else int(rng.integers(4, 22))
    line_name = list(BOX_INKS)[int(rng.integers(len(BOX_INKS)))]
    line_col = np.array(BOX_INKS[line_name], np.float32)
    caption = None
    cap_pos = None
    if rng.random() < 0.4:
        caption = CAPTIONS[int(rng.integers(len(CAPTIONS)))]
        cap_pos = "left" if rng.random() < 0.6 else "above"
        if rng.random() < 0.5:
            caption += ":"
    font_size = int(rng.integers(16, 28))
    font = get_font(font_size)
    cap_w = cap_h = 0
    if caption:
        tmp = ImageDraw.Draw(Image.new("L", (10, 10)))
        bb = tmp.textbbox((0, 0), caption, font=font)
        cap_w, cap_h = bb[2] - bb[0], bb[3] - bb[1]
    row_w = n * bw + (n - 1) * gap if not shared else n * bw
    mx, my = int(rng.integers(15, 45)), int(rng.integers(15, 40))
    ox = mx + (cap_w + 12 if cap_pos == "left" else 0)
    oy = my + (cap_h + 10 if cap_pos == "above" else 0)
    W, H = ox + row_w + mx, oy + bh + my
    paper = make_paper(rng, W, H, textured=rng.random() < 0.3)

    # printed form: boxes and caption drawn as a mask then blended
    form = Image.new("L", (W, H), 0)
    dr = ImageDraw.Draw(form)
    for k in range(n):
        x0 = ox + k * (bw + gap)
        dr.rectangle([x0, oy, x0 + bw, oy + bh], outline=255, width=lw)
    blend(paper, np.asarray(form, np.float32) / 255.0, line_col, 0, 0, strength=rng.uniform(0.8, 1.0))
    if caption:
        cm = Image.new("L", (W, H), 0)
        cd = ImageDraw.Draw(cm)
        if cap_pos == "left":
            pos = (mx, oy + bh // 2 - cap_h // 2 - 3)
        else:
            pos = (ox, my - 3)
        cd.text(pos, caption, fill=255, font=font)
        cap_col = np.array((20, 20, 20) if rng.random() < 0.6 else BOX_INKS[line_name], np.float32)
        blend(paper, np.asarray(cm, np.float32) / 255.0, cap_col, 0, 0)

    ink_name, ink = pick_ink(rng)
    big_mode = rng.random() < 0.3  # writer ignores the box size
    slant = rng.uniform(-0.3, 0.2)
    pen = bh * rng.uniform(0.06, 0.12)
    scale_ref = bh
    crosses = 0
    for k, ch in enumerate(truth):
        x0 = ox + k * (bw + gap)
        if big_mode:
            h = scale_ref * rng.uniform(0.9, 1.2)
        else:
            h = scale_ref * rng.uniform(0.55, 0.85)
        maxw = bw * (rng.uniform(1.0, 1.15) if big_mode else 0.9)
        dseed = int(rng.integers(1 << 30))
        squeeze = 1.0
        for _ in range(5):  # a writer narrows (then shrinks) a wide digit to fit
            drng = np.random.default_rng(dseed)
            g = render_digit(
                drng,
                int(ch),
                h,
                shear=slant + drng.normal(0, 0.05),
                rot=drng.normal(0, 4),
                pen=pen * drng.uniform(0.9, 1.1),
                aspect=drng.uniform(0.85, 1.1) * squeeze,
            )
            gh, gw = g.shape
            if gw <= maxw:
                break
            f = maxw / gw
            if squeeze > 0.65:
                squeeze = max(0.65, squeeze * f)
            else:
                h *= max(0.8, f)
        cx = x0 + bw / 2 + rng.normal(0, bw * 0.06)
        cy = oy + bh / 2 + rng.normal(0, bh * 0.06)
        gx, gy = int(cx - gw / 2), int(cy - gh / 2)
        if gx < x0 + lw or gy < oy + lw or gx + gw > x0 + bw or gy + gh > oy + bh:
            crosses += 1
        blend(paper, g, ink, gx, gy, strength=rng.uniform(0.8, 1.0))
    what = "n%d_%s_%s_lw%d" % (n, "shared" if shared else "gap", line_name, lw)
    if caption:
        what += "_caption-" + cap_pos
    if crosses:
        what += "_crossing%d" % crosses
    photo = rng.random() < 0.45
    if photo:
        paper = photograph(rng, paper)
        what += "_photo"
    rel = save(paper, outdir, "boxes/boxes_%03d" % i, rng, jpeg_p=0.8 if photo else 0.2)
    return rel, "boxes", truth, what


# --------------------------------------------------------------------------
# 3. ruled
# --------------------------------------------------------------------------
def make_ruled(outdir, i):
    rng = np.random.default_rng(3_000_000 + i)
    n = int(rng.choice([2, 3, 4]))
    truth = random_number(rng, n)
    sp = int(rng.integers(25, 46))  # line spacing
    line_col = np.array((140, 170, 215) if rng.random() < 0.65 else (165, 165, 170), np.float32)
    line_col = np.clip(line_col + rng.normal(0, 8, 3), 0, 255)
    margin = rng.random() < 0.4
    ink_name, ink = pick_ink(rng)
    hfac = rng.uniform(0.9, 1.7)  # digit height / spacing
    slant = rng.uniform(-0.35, 0.2)
    pen = max(2.5, sp * hfac * rng.uniform(0.06, 0.12))
    glyphs = []
    for ch in truth:
        h = sp * hfac * rng.uniform(0.88, 1.12)
        h = max(h, 30)
        g = render_digit(
            rng,
            int(ch),
            h,
            shear=slant + rng.normal(0, 0.05),
            rot=rng.normal(0, 4),
            pen=pen * rng.uniform(0.9, 1.1),
            aspect=rng.uniform(0.85, 1.1),
        )
        glyphs.append(g)
    gaps = [int(rng.uniform(0.15, 0.6) * sp) for _ in range(n - 1)]
    num_w = sum(g.shape[1] for g in glyphs) + sum(gaps)
    left_pad = int(rng.integers(20, 80))
    margin_x = None
    if margin:
        margin_x = int(rng.integers(15, 50))
        left_pad = margin_x + int(rng.integers(10, 50))
    W = int(max(left_pad + num_w + rng.integers(30, 160), 160))
    n_lines_above = int(rng.integers(1, 3))
    n_lines_below = int(rng.integers(1, 3))
    top = int(rng.integers(5, sp))
    lines_y = [top + k * sp for k in range(n_lines_above + 1 + n_lines_below + 4)]
    base_idx = n_lines_above + int(math.ceil(hfac * 1.1))
    base_y = lines_y[base_idx]
    H = min(lines_y[-1], base_y + n_lines_below * sp) + int(rng.integers(8, sp))
    paper = make_paper(rng, W, H, textured=rng.random() < 0.5)
    lines = Image.new("L", (W, H), 0)
    dr = ImageDraw.Draw(lines)
    lwid = int(rng.choice([1, 1, 2]))
    for y in lines_y:
        if y < H:
            dr.line([(0, y), (W, y)], fill=255, width=lwid)
    blend(paper, np.asarray(lines, np.float32) / 255.0, line_col, 0, 0, strength=rng.uniform(0.7, 1.0))
    if margin_x is not None:
        mm = Image.new("L", (W, H), 0)
        ImageDraw.Draw(mm).line([(margin_x, 0), (margin_x, H)], fill=255, width=int(rng.choice([1, 2])))
        blend(
            paper,
            np.asarray(mm, np.float32) / 255.0,
            np.array((215, 90, 95), np.float32),
            0,
            0,
            strength=rng.uniform(0.7, 1.0),
        )
    x = left_pad
    for k, g in enumerate(glyphs):
        gh, gw = g.shape
        # digit bottom sits on the base line, sometimes dips a bit below
        bottom = base_y + int(rng.normal(0.02, 0.06) * gh)
        blend(paper, g, ink, x, bottom - gh, strength=rng.uniform(0.8, 1.0))
        x += gw + (gaps[k] if k < n - 1 else 0)
    what = "n%d_sp%d_h%.1f_%s" % (n, sp, hfac, ink_name)
    if margin:
        what += "_margin"
    photo = i % 2 == 1
    if photo:
        paper = photograph(rng, paper)
        what += "_photo"
    rel = save(paper, outdir, "ruled/ruled_%03d" % i, rng, jpeg_p=0.8 if photo else 0.15)
    return rel, "ruled", truth, what


# --------------------------------------------------------------------------
# 4. nondigit: pen-drawn strokes
# --------------------------------------------------------------------------
def arc(cx, cy, rx, ry, a0, a1, n=24):
    """Points on an ellipse arc; angles in degrees, 0 = right, 90 = down."""
    ts = np.linspace(math.radians(a0), math.radians(a1), n)
    return [(cx + rx * math.cos(t), cy + ry * math.sin(t)) for t in ts]


def L(*pts):
    return [tuple(p) for p in pts]


# glyphs in a unit box: x 0..1, y 0..1 (y down). Each = list of strokes.
LETTERS_UP = {
    "A": [L((0.1, 1), (0.5, 0), (0.9, 1)), L((0.27, 0.6), (0.73, 0.6))],
    "E": [L((0.85, 0), (0.15, 0), (0.15, 1), (0.85, 1)), L((0.15, 0.5), (0.7, 0.5))],
    "F": [L((0.85, 0), (0.15, 0), (0.15, 1)), L((0.15, 0.48), (0.7, 0.48))],
    "H": [L((0.15, 0), (0.15, 1)), L((0.85, 0), (0.85, 1)), L((0.15, 0.5), (0.85, 0.5))],
    "K": [L((0.15, 0), (0.15, 1)), L((0.85, 0), (0.17, 0.55)), L((0.38, 0.4), (0.88, 1))],
    "M": [L((0.05, 1), (0.12, 0), (0.5, 0.65), (0.88, 0), (0.95, 1))],
    "N": [L((0.12, 1), (0.12, 0), (0.88, 1), (0.88, 0))],
    "P": [L((0.15, 1), (0.15, 0)) + arc(0.45, 0.25, 0.4, 0.25, -90, 90, 18)[1:] + [(0.15, 0.5)]],
    "R": [
        L((0.15, 1), (0.15, 0)) + arc(0.45, 0.25, 0.4, 0.25, -90, 90, 18)[1:] + [(0.15, 0.5)],
        L((0.4, 0.5), (0.88, 1)),
    ],
    "V": [L((0.08, 0), (0.5, 1), (0.92, 0))],
    "W": [L((0.02, 0), (0.25, 1), (0.5, 0.3), (0.75, 1), (0.98, 0))],
    "X": [L((0.1, 0), (0.9, 1)), L((0.9, 0), (0.1, 1))],
    "Y": [L((0.1, 0), (0.5, 0.5), (0.9, 0)), L((0.5, 0.5), (0.5, 1))],
}
# C open on the right, U with a round bottom
LETTERS_UP["C"] = [arc(0.55, 0.5, 0.45, 0.5, -40, -320, 30)]
LETTERS_UP["U"] = [[(0.12, 0.0)] + arc(0.5, 0.6, 0.38, 0.4, 180, 0, 20) + [(0.88, 0.0)]]

LETTERS_LO = {  # x-height glyphs drawn in the lower part of the box
    "a": [arc(0.45, 0.65, 0.33, 0.33, -30, -330, 26) + [(0.8, 0.4), (0.8, 1.0)]],
    "c": [arc(0.55, 0.65, 0.38, 0.35, -45, -315, 24)],
    "e": [[(0.15, 0.65), (0.85, 0.65)] + arc(0.5, 0.65, 0.35, 0.33, 0, -300, 26)],
    "h": [L((0.18, 0), (0.18, 1)), [(0.18, 0.6)] + arc(0.5, 0.62, 0.32, 0.25, 200, 360, 12) + [(0.82, 1.0)]],
    "k": [L((0.2, 0), (0.2, 1)), L((0.75, 0.35), (0.22, 0.7), (0.8, 1))],
    "m": [
        [(0.08, 0.35), (0.08, 1.0)],
        [(0.08, 0.55)] + arc(0.29, 0.55, 0.21, 0.2, 180, 360, 10) + [(0.5, 1.0)],
        [(0.5, 0.55)] + arc(0.71, 0.55, 0.21, 0.2, 180, 360, 10) + [(0.92, 1.0)],
    ],
    "n": [[(0.15, 0.35), (0.15, 1.0)], [(0.15, 0.6)] + arc(0.5, 0.6, 0.35, 0.25, 180, 360, 12) + [(0.85, 1.0)]],
    "r": [[(0.2, 0.35), (0.2, 1.0)], [(0.2, 0.65)] + arc(0.5, 0.6, 0.3, 0.2, 190, 300, 8)],
    "t": [L((0.45, 0.05), (0.45, 0.85)) + arc(0.62, 0.85, 0.17, 0.15, 180, 80, 8), L((0.15, 0.35), (0.8, 0.35))],
    "v": [L((0.12, 0.35), (0.5, 1), (0.88, 0.35))],
    "w": [L((0.03, 0.35), (0.25, 1), (0.5, 0.5), (0.75, 1), (0.97, 0.35))],
    "x": [L((0.15, 0.35), (0.85, 1)), L((0.85, 0.35), (0.15, 1))],
    "y": [L((0.12, 0.2), (0.5, 0.65)), L((0.88, 0.2), (0.3, 1.0), (0.15, 1.0))],
    "f": [arc(0.65, 0.2, 0.2, 0.17, -20, -180, 10) + [(0.45, 1.0)], L((0.18, 0.45), (0.78, 0.45))],
}
# lower-case u: down, round bottom, up, then a short stem
LETTERS_LO["u"] = [[(0.15, 0.35)] + arc(0.48, 0.72, 0.33, 0.28, 180, 0, 14), L((0.81, 0.35), (0.83, 1.0))]


def _star(k=5, r2=0.4):
    pts = []
    for j in range(2 * k + 1):
        r = 0.5 if j % 2 == 0 else 0.5 * r2
        t = -math.pi / 2 + j * math.pi / k
        pts.append((0.5 + r * math.cos(t), 0.52 + r * math.sin(t)))
    return [pts]


def _star_one_stroke():
    pts = []
    for j in range(6):
        t = -math.pi / 2 + j * 4 * math.pi / 5
        pts.append((0.5 + 0.5 * math.cos(t), 0.55 + 0.5 * math.sin(t)))
    return [pts]


def _heart():
    pts = []
    for t in np.linspace(0, 2 * math.pi, 50):
        x = 16 * math.sin(t) ** 3
        y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        pts.append((0.5 + x / 34.0, 0.45 - y / 34.0))
    return [pts]


def _spiral(rng):
    turns = rng.uniform(2.0, 3.5)
    n = 80
    pts = []
    for j in range(n):
        f = j / (n - 1)
        t = f * turns * 2 * math.pi
        r = 0.03 + 0.47 * f
        pts.append((0.5 + r * math.cos(t), 0.5 + r * math.sin(t)))
    return [pts]


def _smiley(rng):
    face = arc(0.5, 0.5, 0.48, 0.48, 0, 360, 40)
    eye1 = arc(0.34, 0.36, 0.04, 0.05, 0, 360, 8)
    eye2 = arc(0.66, 0.36, 0.04, 0.05, 0, 360, 8)
    mouth = arc(0.5, 0.52, 0.26, 0.22, 20, 160, 14)
    return [face, eye1, eye2, mouth]


def _house():
    return [
        L((0.15, 1), (0.15, 0.45), (0.85, 0.45), (0.85, 1), (0.15, 1)),
        L((0.08, 0.5), (0.5, 0.05), (0.92, 0.5)),
        L((0.42, 1), (0.42, 0.72), (0.58, 0.72), (0.58, 1)),
    ]


def _scribble(rng):
    kind = rng.integers(0, 3)
    if kind == 0:  # cursive-like loops ("eeee") or a scratched-out blob
        if rng.random() < 0.6:
            loops = rng.uniform(3, 6)
            n = int(loops * 24)
            amp = rng.uniform(0.9, 1.1)
            pts = []
            for j in range(n):
                f = j / (n - 1)
                t = f * loops * 2 * math.pi
                pts.append((0.12 + 0.76 * f - 0.1 * math.cos(t), 0.55 - 0.3 * amp * math.sin(t)))
            return [pts]
        n = int(rng.integers(40, 90))
        pts = []
        cx, cy = 0.5, 0.5
        t0 = rng.uniform(0, 6)
        for j in range(n):
            t = t0 + j * rng.uniform(0.35, 0.6)
            cx += rng.normal(0, 0.02) + 0.6 / n
            cy += rng.normal(0, 0.02)
            pts.append((cx - 0.3 + 0.22 * math.cos(t), cy + 0.25 * math.sin(t * 1.1)))
        return [pts]
    if kind == 1:  # zigzag hatch
        n = int(rng.integers(6, 14))
        pts = []
        for j in range(n):
            x = j / (n - 1)
            pts.append((x + rng.normal(0, 0.03), (0.1 if j % 2 else 0.9) + rng.normal(0, 0.06)))
        return [pts]
    # random smooth blob-walk
    pts = [(0.5, 0.5)]
    ang = rng.uniform(0, 2 * math.pi)
    for j in range(60):
        ang += rng.normal(0, 0.7)
        x = pts[-1][0] + 0.06 * math.cos(ang)
        y = pts[-1][1] + 0.06 * math.sin(ang)
        if not (0 < x < 1):
            ang = math.pi - ang
            x = min(max(x, 0), 1)
        if not (0 < y < 1):
            ang = -ang
            y = min(max(y, 0), 1)
        pts.append((x, y))
    return [pts]


SYMBOLS = {
    "plus": [L((0.5, 0.1), (0.5, 0.9)), L((0.1, 0.5), (0.9, 0.5))],
    "equals": [L((0.1, 0.35), (0.9, 0.35)), L((0.1, 0.65), (0.9, 0.65))],
    "hash": [
        L((0.35, 0.05), (0.28, 0.95)),
        L((0.72, 0.05), (0.65, 0.95)),
        L((0.08, 0.33), (0.95, 0.33)),
        L((0.05, 0.67), (0.92, 0.67)),
    ],
    "question": [arc(0.5, 0.27, 0.3, 0.25, 190, 420, 20) + [(0.5, 0.7)], arc(0.5, 0.92, 0.035, 0.035, 0, 360, 8)],
    "exclam": [L((0.5, 0.0), (0.5, 0.7)), arc(0.5, 0.92, 0.04, 0.04, 0, 360, 8)],
    "percent": [
        L((0.85, 0.05), (0.15, 0.95)),
        arc(0.25, 0.2, 0.13, 0.15, 0, 360, 14),
        arc(0.75, 0.8, 0.13, 0.15, 0, 360, 14),
    ],
    "asterisk": [L((0.5, 0.05), (0.5, 0.95)), L((0.1, 0.27), (0.9, 0.73)), L((0.9, 0.27), (0.1, 0.73))],
    "less": [L((0.85, 0.1), (0.15, 0.5), (0.85, 0.9))],
    "greater": [L((0.15, 0.1), (0.85, 0.5), (0.15, 0.9))],
    "arrow_right": [L((0.05, 0.5), (0.95, 0.5)), L((0.65, 0.22), (0.95, 0.5), (0.65, 0.78))],
    "arrow_left": [L((0.95, 0.5), (0.05, 0.5)), L((0.35, 0.22), (0.05, 0.5), (0.35, 0.78))],
    "arrow_up": [L((0.5, 0.95), (0.5, 0.05)), L((0.22, 0.35), (0.5, 0.05), (0.78, 0.35))],
    "check": [L((0.05, 0.55), (0.35, 0.9), (0.95, 0.05))],
}
# ampersand and at (multi-part curves)
SYMBOLS["ampersand"] = [
    [(0.92, 0.98)]
    + [(0.33, 0.38)]
    + arc(0.45, 0.2, 0.16, 0.17, 150, -150, 18)[1:]
    + [(0.28, 0.55)]
    + arc(0.45, 0.76, 0.28, 0.22, 225, 90, 12)
    + arc(0.45, 0.76, 0.28, 0.22, 90, 20, 6)[1:]
    + [(0.88, 0.5)]
]
SYMBOLS["at"] = [
    arc(0.52, 0.52, 0.16, 0.18, 0, 360, 16),
    [(0.68, 0.36), (0.68, 0.66), (0.78, 0.72), (0.9, 0.62)] + arc(0.5, 0.5, 0.42, 0.45, 10, -300, 36)[1:],
]

SHAPES = {
    "star": None,
    "star_outline": None,
    "heart": None,
    "triangle": [L((0.5, 0.05), (0.95, 0.92), (0.05, 0.92), (0.5, 0.05))],
    "cross": [
        L((0.1, 0.1), (0.9, 0.9)),
        L((0.9, 0.1), (0.1, 0.9)),
        L((0.05, 0.05), (0.95, 0.05), (0.95, 0.95), (0.05, 0.95), (0.05, 0.05)),
    ],
    "spiral": None,
    "house": None,
    "smiley": None,
    "square": [L((0.1, 0.1), (0.9, 0.1), (0.9, 0.9), (0.1, 0.9), (0.1, 0.12))],
    "cloud": None,
    "sun": None,
}


def shape_strokes(name, rng):
    if name == "star":
        return _star_one_stroke()
    if name == "star_outline":
        return _star(5, rng.uniform(0.35, 0.5))
    if name == "heart":
        return _heart()
    if name == "spiral":
        return _spiral(rng)
    if name == "house":
        return _house()
    if name == "smiley":
        return _smiley(rng)
    if name == "cloud":
        pts = []
        centers = [(0.25, 0.6, 0.2), (0.45, 0.4, 0.22), (0.7, 0.45, 0.2), (0.8, 0.65, 0.15)]
        pts += arc(0.25, 0.6, 0.2, 0.2, 90, 250, 10)
        pts += arc(0.45, 0.4, 0.22, 0.22, 200, 330, 10)
        pts += arc(0.7, 0.45, 0.2, 0.2, 230, 360, 10)
        pts += arc(0.8, 0.65, 0.15, 0.15, 280, 450, 10)
        pts.append(pts[0])
        return [pts]
    if name == "sun":
        st = [arc(0.5, 0.5, 0.22, 0.22, 0, 360, 24)]
        for j in range(8):
            t = j * math.pi / 4
            st.append(
                [
                    (0.5 + 0.3 * math.cos(t), 0.5 + 0.3 * math.sin(t)),
                    (0.5 + 0.48 * math.cos(t), 0.5 + 0.48 * math.sin(t)),
                ]
            )
        return st
    return SHAPES[name]


def densify(pts, step=0.02):
    out = [pts[0]]
    for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:]):
        d = math.hypot(x1 - x0, y1 - y0)
        k = max(1, int(d / step))
        for j in range(1, k + 1):
            out.append((x0 + (x1 - x0) * j / k, y0 + (y1 - y0) * j / k))
    return np.array(out, np.float64)


def smooth_noise(rng, n, amp, corr=8):
    m = max(2, n // corr + 2)
    ctrl = rng.normal(0, amp, m)
    xs = np.linspace(0, m - 1, n)
    return np.interp(xs, np.arange(m), ctrl)


def draw_pen(rng, strokes, box_w, box_h, pen_w, ss=3):
    """Render unit-box strokes to an alpha image of size (box_w, box_h) plus
    margin, with wobble, random affine and width variation."""
    rot = math.radians(rng.normal(0, 7))
    shear = rng.normal(0, 0.12)
    sx = box_w * rng.uniform(0.9, 1.05)
    sy = box_h * rng.uniform(0.9, 1.05)
    c, s = math.cos(rot), math.sin(rot)
    marg = pen_w * 2 + 6
    W = int(box_w * 1.4 + 2 * marg)
    H = int(box_h * 1.4 + 2 * marg)
    im = Image.new("L", (W * ss, H * ss), 0)
    dr = ImageDraw.Draw(im)
    wob = rng.uniform(0.005, 0.014)
    for st in strokes:
        p = densify(st)
        n = len(p)
        # hand wobble: smooth perpendicular-ish noise in both axes
        p = p + np.stack([smooth_noise(rng, n, wob), smooth_noise(rng, n, wob)], 1)
        # overshoot / sloppy start
        p[0] += rng.normal(0, 0.015, 2)
        x = (p[:, 0] - 0.5) * sx
        y = (p[:, 1] - 0.5) * sy
        x = x + shear * y
        X = c * x - s * y + W / 2
        Y = s * x + c * y + H / 2
        wv = pen_w * (1 + smooth_noise(rng, n, 0.12, 12))
        wv = np.clip(wv, 2.5, None)
        pts = list(zip(X * ss, Y * ss))
        for j in range(n - 1):
            w = float(wv[j]) * ss
            dr.line([pts[j], pts[j + 1]], fill=255, width=max(1, int(round(w))))
        for j in range(n):
            r = float(wv[j]) * ss / 2.0
            dr.ellipse([pts[j][0] - r, pts[j][1] - r, pts[j][0] + r, pts[j][1] + r], fill=255)
    im = im.resize((W, H), Image.LANCZOS)
    a = np.asarray(im, np.float32) / 255.0
    # ballpoint: slightly uneven ink along strokes
    a = a * np.clip(1 - np.abs(rng.normal(0, 0.08, a.shape)), 0.75, 1)
    return crop_alpha(a, 0.05)


def nondigit_item(rng, i):
    # fixed mix: 40 letters, 35 symbols, 30 shapes, 15 scribbles
    if i < 40:
        if i % 2 == 0:
            keys = sorted(LETTERS_UP)
            k = keys[(i // 2) % len(keys)]
            return "letter_" + k, LETTERS_UP[k], 1.0
        keys = sorted(LETTERS_LO)
        k = keys[(i // 2 + 3) % len(keys)]
        return "letter_" + k, LETTERS_LO[k], 1.0
    if i < 75:
        keys = sorted(SYMBOLS)
        k = keys[(i - 40) % len(keys)]
        return "symbol_" + k, SYMBOLS[k], 1.0
    if i < 105:
        keys = sorted(SHAPES)
        k = keys[(i - 75) % len(keys)]
        return "shape_" + k, shape_strokes(k, rng), 1.0
    return "scribble", _scribble(rng), 1.0


def make_nondigit(outdir, i):
    rng = np.random.default_rng(4_000_000 + i)
    what, strokes, _ = nondigit_item(rng, i)
    hbox = int(rng.integers(60, 150))
    aspect = 0.8
    if what.startswith("symbol_arrow") or what in ("symbol_equals", "scribble"):
        aspect = rng.uniform(1.0, 1.6)
    elif what.startswith("letter_") and what[-1] in "MWmw":
        aspect = 1.0
    elif what.startswith("shape_"):
        aspect = rng.uniform(0.9, 1.1)
    else:
        aspect = rng.uniform(0.65, 0.9)
    wbox = int(hbox * aspect)
    pen_w = rng.uniform(3, 8)
    a = draw_pen(rng, strokes, wbox, hbox, pen_w)
    ah, aw = a.shape
    ink_name, ink = pick_ink(rng)
    setting = rng.choice(["plain", "plain", "plain", "box", "ruled"])
    mx, my = int(rng.integers(20, 70)), int(rng.integers(18, 55))
    W, H = aw + 2 * mx, ah + 2 * my
    paper = make_paper(rng, W, H)
    gx, gy = mx, my
    if setting == "box":
        pad = int(rng.integers(6, 20))
        m = Image.new("L", (W, H), 0)
        ImageDraw.Draw(m).rectangle(
            [mx - pad, my - pad, mx + aw + pad, my + ah + pad], outline=255, width=int(rng.integers(1, 3))
        )
        col = BOX_INKS[list(BOX_INKS)[int(rng.integers(len(BOX_INKS)))]]
        blend(paper, np.asarray(m, np.float32) / 255.0, np.array(col, np.float32))
    elif setting == "ruled":
        sp = int(rng.integers(25, 46))
        m = Image.new("L", (W, H), 0)
        dr = ImageDraw.Draw(m)
        base = my + ah - int(rng.uniform(0, 0.08) * ah)
        y = base % sp
        while y < H:
            dr.line([(0, y), (W, y)], fill=255, width=1)
            y += sp
        blend(paper, np.asarray(m, np.float32) / 255.0, np.array((140, 170, 215), np.float32), strength=0.8)
    blend(paper, a, ink, gx, gy, strength=rng.uniform(0.8, 1.0))
    photo = rng.random() < 0.3
    if photo:
        paper = photograph(rng, paper)
    rel = save(paper, outdir, "nondigit/nondigit_%03d" % i, rng, jpeg_p=0.8 if photo else 0.2)
    return rel, "nondigit", "none", what


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
