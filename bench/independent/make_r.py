"""Independent set R: writing on paper with two lines in view, close crops, boxes with bold sides (184 pictures).

Made by a helper reviewing a rule of the thirty-first session (figures drawn with straight strokes are not
paper), to find writing that such a rule would harm; written without reading the reader's own generators.
MNIST test digits 0-23 only. numpy and Pillow only. Kinds (the letter of each group in ``what``):

- ``close_ruled``: a number on its ruled line, one more line in view, the lines stopping a few px short of the
  picture's ends (A), looser crops (A2), ruling to the edges of a page turned 1.5-5 degrees (C), one digit (E),
  the close crops scanned at half and a third size (G), and a first pilot with lines 2-12 px short (c1);
- ``two_lines``: digits touching both lines (B), a form's two-line field (F2);
- ``margins``: two vertical margins, each digit of a 2-digit number touching one (D);
- ``box``: one printed box around a number, 2-6 px sides, digits 12-40 px tall (F1);
- ``small_boxes``: a row of boxes with 3-7 px sides, 14-22 px inside, digits 4 px shorter (H).

    python bench/independent/make_r.py OUT_DIR     # then: python bench/independent/score.py OUT_DIR
"""

import csv
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = sys.argv[1] if len(sys.argv) > 1 else "independent-r"
KINDS = {
    "c1": "close_ruled",
    "A": "close_ruled",
    "A2": "close_ruled",
    "C": "close_ruled",
    "E": "close_ruled",
    "G": "close_ruled",
    "B": "two_lines",
    "F2": "two_lines",
    "D": "margins",
    "F1": "box",
    "H": "small_boxes",
}
ROWS = []


def save(name, idx, im):
    """Write picture ``name`` (its group letter first) into its kind's folder and its manifest row."""
    group = name.split("_")[0]
    kind = KINDS[group]
    os.makedirs(os.path.join(OUT, kind), exist_ok=True)
    im.save(os.path.join(OUT, kind, name))
    ROWS.append((f"{kind}/{name}", kind, label(idx), f"{group}:{name[:-4]}"))


D = np.load(os.path.join(REPO, "artifacts", "data", "mnist.npz"))
XT, YT = D["x_test"], D["y_test"]


def digit(i, height):
    d = XT[i]
    cols = np.flatnonzero(d.max(0) > 0)
    rows = np.flatnonzero(d.max(1) > 0)
    d = d[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    w = max(1, round(d.shape[1] * height / d.shape[0]))
    return np.asarray(Image.fromarray(d).resize((w, height), Image.Resampling.BILINEAR), np.float32) / 255


def page(
    size,
    hlines=(),
    vlines=(),
    digits=(),
    height=40,
    x=20,
    baseline=None,
    gap=None,
    rects=(),
    bg=245,
    rotate=0.0,
    scale=1.0,
    ink=0.85,
    tops=None,
    extra=None,
):
    """size (H,W); hlines: (y, x0, x1, thick, grey); digits: MNIST test idx; baseline: bottom row of digits
    (or per-digit list)."""
    H, W = size
    im = Image.new("L", (W, H), bg)
    dr = ImageDraw.Draw(im)
    for y, x0, x1, t, g in hlines:
        dr.rectangle((x0, y, x1 - 1, y + t - 1), fill=g)
    for xx, y0, y1, t, g in vlines:
        dr.rectangle((xx, y0, xx + t - 1, y1 - 1), fill=g)
    for box, t, g in rects:
        dr.rectangle(box, outline=g, width=t)
    if extra:
        extra(dr)
    grey = np.asarray(im, np.float32) / 255
    gap = height // 4 if gap is None else gap
    for k, i in enumerate(digits):
        d = digit(i, height if not isinstance(height, list) else height[k])
        b = baseline[k] if isinstance(baseline, list) else baseline
        reg = grey[b - d.shape[0] : b, x : x + d.shape[1]]
        np.minimum(reg, 1 - ink * d[: reg.shape[0], : reg.shape[1]], out=reg)
        x += d.shape[1] + gap
    im = Image.fromarray(np.rint(np.clip(grey, 0, 1) * 255).astype(np.uint8))
    if rotate:
        im = im.rotate(rotate, resample=Image.Resampling.BICUBIC, fillcolor=bg)
    if scale != 1.0:
        im = im.resize((round(W * scale), round(H * scale)), Image.Resampling.LANCZOS)
    return im


def label(idx):
    return "".join(str(int(YT[i])) for i in idx)


def number_width(idx, height):
    """The width :func:`page` gives the digits ``idx`` written ``height`` tall with its default gap."""
    return sum(digit(i, height).shape[1] for i in idx) + (len(idx) - 1) * (height // 4)


def g1():
    idx = [0, 1, 2, 3]
    # tight crop: two ruled lines 2px, stopping 6px short of both ends, digits sitting on bottom line
    for short in (2, 6, 12):
        for touch in ("bottom", "both", "none"):
            H, W = 90, 250
            top, bot = 18, 68
            h = {"bottom": 40, "both": 52, "none": 36}[touch]
            base = bot + (1 if touch != "none" else -4)
            if touch == "both":
                base = bot + 1
            im = page(
                (H, W),
                hlines=[(top, short, W - short, 2, 150), (bot, short, W - short, 2, 150)],
                digits=idx,
                height=h,
                x=30,
                baseline=base,
            )
            save(f"c1_short{short}_{touch}.png", idx, im)


def g2():
    sets = [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9, 10, 11], [12, 13], [14, 15, 16, 17], [18, 19, 20]]
    # A: tight crop, digits on baseline only, lines stop m px short, horizontal padding p
    for si, idx in enumerate(sets):
        for m in (5, 10):
            for rot in (0, 2.5):
                h = 40
                w = number_width(idx, h)
                W = w + 2 * m + 24
                H = 100
                top, bot = 22, 74
                im = page(
                    (H, W),
                    hlines=[(top, m, W - m, 2, 150), (bot, m, W - m, 2, 150)],
                    digits=idx,
                    height=h,
                    x=m + 12,
                    baseline=bot + 1,
                    rotate=rot,
                )
                save(f"A_s{si}_m{m}_r{rot}.png", idx, im)
                # B: touching both lines
                im = page(
                    (H, W),
                    hlines=[(top, m, W - m, 2, 150), (bot, m, W - m, 2, 150)],
                    digits=idx,
                    height=bot - top + 1,
                    x=m + 12,
                    baseline=bot + 1,
                    rotate=rot,
                )
                save(f"B_s{si}_m{m}_r{rot}.png", idx, im)


def g3():
    sets = [[0, 1, 2, 3], [4, 5, 6], [12, 13], [14, 15, 16, 17], [18, 19, 20], [21, 22, 23]]
    # C: lines run edge to edge of the (unrotated) page; page rotated -> in a photo the lines reach the picture's edge
    for si, idx in enumerate(sets):
        for rot in (1.5, 3, 5):
            h = 40
            w = number_width(idx, h)
            W = w + 30
            H = 110
            top, bot = 27, 79
            # lines wider than the page, so after rotation they still reach the edges
            im = page(
                (H, W),
                hlines=[(top, -20, W + 20, 2, 150), (bot, -20, W + 20, 2, 150)],
                digits=idx,
                height=h,
                x=15,
                baseline=bot + 1,
                rotate=rot,
            )
            save(f"C_s{si}_r{rot}.png", idx, im)
    # A2 : bigger, looser crops - digits on baseline, lines stop short
    for si, idx in enumerate(sets):
        for pad in (20, 40):
            h = 40
            w = number_width(idx, h)
            W = w + 2 * pad
            H = 110
            m = 6
            top, bot = 27, 79
            im = page(
                (H, W),
                hlines=[(top, m, W - m, 2, 150), (bot, m, W - m, 2, 150)],
                digits=idx,
                height=h,
                x=pad,
                baseline=bot + 1,
            )
            save(f"A2_s{si}_p{pad}.png", idx, im)


def g4():
    # D: two vertical margins, a 2-digit number each touching one margin; picture taller so lines stop short
    for si, idx in enumerate([[0, 1], [4, 5], [12, 13], [18, 19]]):
        h = 40
        ws = [digit(i, h).shape[1] for i in idx]
        W = 40 + ws[0] + ws[1] + 14 + 40
        H = 120
        l, r = 38, 38 + ws[0] + ws[1] + 14 + 2
        im = page(
            (H, W),
            vlines=[(l, 8, H - 8, 2, 150), (r, 8, H - 8, 2, 150)],
            digits=idx,
            height=h,
            x=l + 2,
            gap=14,
            baseline=80,
        )
        save(f"D_s{si}.png", idx, im)
    # E: single digit on a ruled line, line above, cropped around it
    for si, i in enumerate([0, 1, 2, 3, 4, 7, 8, 9, 11]):
        h = 40
        w = digit(i, h).shape[1]
        W = w + 40
        H = 100
        im = page(
            (H, W), hlines=[(22, 6, W - 6, 2, 150), (74, 6, W - 6, 2, 150)], digits=[i], height=h, x=20, baseline=75
        )
        save(f"E_d{si}.png", [i], im)
    # G: small low-res: A-type scaled 0.5 and 0.35
    for si, idx in enumerate([[0, 1, 2, 3], [14, 15, 16, 17], [18, 19, 20], [21, 22, 23]]):
        for sc in (0.5, 0.35):
            h = 40
            w = number_width(idx, h)
            W = w + 60
            H = 110
            im = page(
                (H, W),
                hlines=[(27, 10, W - 10, 3, 150), (79, 10, W - 10, 3, 150)],
                digits=idx,
                height=h,
                x=30,
                baseline=80,
                scale=sc,
            )
            save(f"G_s{si}_sc{sc}.png", idx, im)


def g5():
    # F1: single printed box, number inside, various box thickness and digit size
    for si, idx in enumerate([[0, 1, 2], [14, 15], [3]]):
        for t in (2, 4, 6):
            for h in (12, 16, 24, 40):
                w = number_width(idx, h)
                W = w + 2 * t + 8 + 60
                H = h + 2 * t + 8 + 60
                box = (30, 30, 30 + w + 2 * t + 7, 30 + h + 2 * t + 7)
                im = page(
                    (H, W), rects=[(box, t, 60)], digits=idx, height=h, x=30 + t + 4, baseline=30 + t + 4 + h, ink=0.9
                )
                save(f"F1_s{si}_t{t}_h{h}.png", idx, im)
    # F2: two-line form field (top and bottom lines only), digits touching top and bottom, lines a bit past the writing
    for si, idx in enumerate([[0, 1, 2, 3], [14, 15, 16, 17], [18, 19, 20], [4, 5, 6]]):
        h = 44
        w = number_width(idx, h)
        W = w + 120
        H = 130
        im = page(
            (H, W), hlines=[(40, 40, W - 40, 2, 90), (84, 40, W - 40, 2, 90)], digits=idx, height=h, x=60, baseline=85
        )
        save(f"F2_s{si}.png", idx, im)


def g6():
    # H: row of small boxes with thick sides, small digits inside, i.e. all writing close to the cut
    for si, idx in enumerate([[0, 1, 2], [14, 15, 16], [18, 19, 20], [3, 4, 5]]):
        for t in (3, 5, 7):
            for inner in (14, 18, 22):
                h = inner - 4
                n = len(idx)
                pitch = inner + 2 * t + 6
                W = 40 + n * pitch + 40
                H = inner + 2 * t + 60
                rects = []
                for k in range(n):
                    x0 = 40 + k * pitch
                    rects.append(((x0, 30, x0 + inner + 2 * t - 1, 30 + inner + 2 * t - 1), t, 60))
                im = page((H, W), rects=rects, digits=[], height=h)

                g = np.asarray(im, np.float32) / 255
                for k, i in enumerate(idx):
                    d = digit(i, h)
                    x0 = 40 + k * pitch + t + (inner - d.shape[1]) // 2
                    y0 = 30 + t + 2
                    reg = g[y0 : y0 + h, x0 : x0 + d.shape[1]]
                    np.minimum(reg, 1 - 0.9 * d[:, : reg.shape[1]], out=reg)
                im = Image.fromarray(np.rint(g * 255).astype(np.uint8))
                save(f"H_s{si}_t{t}_i{inner}.png", idx, im)


if __name__ == "__main__":
    for make in (g1, g2, g3, g4, g5, g6):
        make()
    with open(os.path.join(OUT, "manifest.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["path", "kind", "truth", "what"])
        w.writerows(ROWS)
    print(f"wrote {len(ROWS)} pictures to {OUT}")
