"""Digits and numbers as people hand them to the reader: a pen, a layout, a paper and a degradation.

A scene is made of MNIST digits and four independent choices, each a named family (the
names are in :mod:`pipeline.families`; which of them training may use is written in
``conf/families/``):

- **pen**: how thick the strokes are for the digit's size (``fine``, ``ballpoint``, ``felt``,
  ``marker``) and the ink's colour (black, blue, dark grey);
- **layout**: how digits sit side by side: ``single``, ``spaced`` (clear gaps), ``tight``
  (nearly touching), ``touching`` (ink meets or overlaps by up to 7% of the height: 0-2 px at
  MNIST scale), ``overlapping`` (7-15%), ``mixed_size`` (one digit half the others' size),
  ``tight_crop`` (the picture cut to the ink, 0-2 px margin);
- **paper**: ``plain``, ``ruled`` (light lines, the number sitting on one), ``margin`` (ruled,
  with a red margin line), ``squared``, ``dotted`` (a dot grid), ``boxes`` (one printed box a
  digit), ``comb`` (boxes that share their sides);
- **degradation**: ``clean``, ``photo`` (uneven light, grain, blur, a tilted page, JPEG),
  ``lowres_blocky`` (digits 8-20 px tall, scaled up with square pixels) and ``lowres_blurry``
  (the same, scaled up smoothly).

Everything is computed in float64 and rounded once to uint8, and drawn from the ``rng`` the
caller gives, so the same seed makes the same picture. :func:`scene` also returns each
digit's box in the picture, so the pieces a reader cuts can be told right from wrong.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np

from app.preprocess import luma, resize

#: Stroke width as a share of the digit's height (MNIST's own: about 0.11).
PEN_WIDTH = {"fine": (0.04, 0.07), "ballpoint": (0.07, 0.11), "felt": (0.11, 0.16), "marker": (0.16, 0.22)}
#: Ink colours (RGB in [0, 1]): black, blue, dark grey.
INKS = ((0.05, 0.05, 0.07), (0.10, 0.16, 0.55), (0.25, 0.25, 0.27))
#: The space between neighbours' ink, as a share of the digit height (negative: overlap).
SPACING = {
    "spaced": (0.15, 0.8),
    "tight": (0.03, 0.12),
    "touching": (-0.07, 0.0),
    "overlapping": (-0.15, -0.07),
    "mixed_size": (0.12, 0.6),
    "tight_crop": (0.1, 0.5),
}


@dataclass(frozen=True)
class Scene:
    """A picture and what is written in it."""

    pixels: np.ndarray  # (H, W) or (H, W, 3) uint8
    truth: str  # the digits, left to right
    boxes: np.ndarray  # (n, 4) int: each digit's ink box (top, left, bottom, right) in the picture
    owner: np.ndarray  # (H, W) int8: which digit's ink each pixel is (-1: none), for telling cuts right from wrong


def _grow(mask: np.ndarray, radius: int) -> np.ndarray:
    """Dilate (radius > 0) or erode (radius < 0) a float mask with a square of side 2|radius|+1."""
    if radius == 0:
        return mask
    op = np.maximum if radius > 0 else np.minimum
    r = abs(radius)
    fill = 0.0 if radius > 0 else 1.0
    out = mask
    for axis in (0, 1):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (r, r)
        padded = np.pad(out, pad, constant_values=fill)
        n = out.shape[axis]
        acc = np.take(padded, np.arange(0, n), axis=axis)
        for k in range(1, 2 * r + 1):
            acc = op(acc, np.take(padded, np.arange(k, k + n), axis=axis))
        out = acc
    return out


def pen_digit(digit: np.ndarray, height: int, width_share: float, rng: np.random.Generator) -> np.ndarray:
    """An MNIST digit (28x28 uint8, white on black) as pen ink ``height`` px tall: alpha in [0, 1]."""
    d = digit.astype(np.float64) / 255.0
    rows, cols = np.flatnonzero(d.max(1) > 0.1), np.flatnonzero(d.max(0) > 0.1)
    if rows.size == 0:
        return np.zeros((height, max(1, height // 2)))
    crop = d[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    width = max(1, round(height * crop.shape[1] / crop.shape[0]))
    big = np.clip(resize(crop, height, width), 0, 1)
    # MNIST's strokes are about 0.11 of the height at threshold 0.4; thicken or thin to the pen
    grow = round((width_share - 0.11) * height / 2)
    pad = max(0, grow) + 2
    big = np.pad(big, pad)
    ink = np.clip((big - rng.uniform(0.35, 0.45)) / 0.2 + 0.5, 0, 1)
    ink = _grow(ink, grow)
    rows, cols = np.flatnonzero(ink.max(1) > 0.05), np.flatnonzero(ink.max(0) > 0.05)
    if rows.size == 0:  # thinned away: a fine pen on a thin digit keeps the digit's own strokes
        return np.clip((big - 0.4) / 0.2 + 0.5, 0, 1)
    return ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _gap_to_place(left: np.ndarray, left_x: int, left_y: int, right: np.ndarray, right_y: int, space: float) -> int:
    """The x at which ``right`` leaves ``space`` px between its ink and ``left``'s (row by row; < 0 overlaps)."""
    top, bottom = max(left_y, right_y), min(left_y + left.shape[0], right_y + right.shape[0])
    a, b = left[top - left_y : bottom - left_y] > 0.3, right[top - right_y : bottom - right_y] > 0.3
    both = a.any(axis=1) & b.any(axis=1) if bottom > top else np.zeros(0, bool)
    if not both.any():  # no rows in common: place after the left digit's box
        return round(float(left_x + left.shape[1]) + space)
    last = a.shape[1] - 1 - np.argmax(a[:, ::-1], axis=1)  # the left digit's rightmost ink, row by row
    first = np.argmax(b, axis=1)  # the right digit's leftmost
    return round(float(left_x + (last[both] + 1 - first[both]).max()) + space)


def arrange(inks: list[np.ndarray], layout: str, height: int, rng: np.random.Generator):
    """Digits side by side on a common, slightly wobbling baseline: (alpha canvas, boxes)."""
    low, high = SPACING.get(layout, SPACING["spaced"])
    margin = height  # room for paper around the number
    tall = max(i.shape[0] for i in inks)
    ys = [margin + tall - i.shape[0] + int(rng.integers(-round(0.05 * height), round(0.05 * height) + 1)) for i in inks]
    xs = [margin]
    for k in range(1, len(inks)):
        space = rng.uniform(low, high) * height
        xs.append(_gap_to_place(inks[k - 1], xs[k - 1], ys[k - 1], inks[k], ys[k], space))
    x0 = min(xs)
    if x0 < margin:
        xs = [x + margin - x0 for x in xs]
    width = max(x + i.shape[1] for x, i in zip(xs, inks, strict=True)) + margin
    canvas = np.zeros((max(y + i.shape[0] for y, i in zip(ys, inks, strict=True)) + margin, width))
    boxes = []
    for x, y, i in zip(xs, ys, inks, strict=True):
        region = canvas[y : y + i.shape[0], x : x + i.shape[1]]
        np.maximum(region, i, out=region)
        boxes.append((y, x, y + i.shape[0], x + i.shape[1]))
    return canvas, np.asarray(boxes, np.int64)


def _owner(shape: tuple[int, int], inks: list[np.ndarray], boxes: np.ndarray) -> np.ndarray:
    """Which digit's ink each pixel is (-1 for none): the strongest where digits overlap."""
    owner = np.full(shape, -1, np.int8)
    best = np.zeros(shape)
    for k, (ink, (t, left, b, r)) in enumerate(zip(inks, boxes.tolist(), strict=True)):
        part = ink[: b - t, : r - left]
        region = best[t:b, left:r]
        mine = (part > 0.3) & (part > region)
        owner[t:b, left:r][mine] = k
        region[mine] = part[mine]
    return owner


def _boxed(inks: list[np.ndarray], height: int, comb: bool, rng: np.random.Generator):
    """One digit a printed box: (alpha canvas of the digits, boxes of the digits, the boxes' outlines)."""
    from PIL import Image, ImageDraw

    bw = round(height * rng.uniform(1.2, 1.6))
    bh = round(height * rng.uniform(1.3, 1.7))
    gap = 0 if comb else round(height * rng.uniform(0.1, 0.5))
    line = int(rng.integers(1, 4))
    margin = height
    n = len(inks)
    width = 2 * margin + n * bw + (n - 1) * gap
    canvas = np.zeros((bh + 2 * margin, width))
    frame = Image.new("L", (width, bh + 2 * margin), 0)
    draw = ImageDraw.Draw(frame)
    boxes = []
    for k, ink in enumerate(inks):
        left = margin + k * (bw + gap)
        draw.rectangle((left, margin, left + bw, margin + bh), outline=255, width=line)
        h, w = ink.shape
        # roughly centred; now and then a stroke reaches the box's line
        y = margin + (bh - h) // 2 + int(rng.integers(-round(0.12 * bh), round(0.12 * bh) + 1))
        x = left + (bw - w) // 2 + int(rng.integers(-round(0.12 * bw), round(0.12 * bw) + 1))
        y, x = (
            int(np.clip(y, margin - line, margin + bh - h + line)),
            int(np.clip(x, left - line, left + bw - w + line)),
        )
        region = canvas[y : y + h, x : x + w]
        np.maximum(region, ink[: region.shape[0], : region.shape[1]], out=region)
        boxes.append((y, x, y + h, x + w))
    return canvas, np.asarray(boxes, np.int64), np.asarray(frame, np.float64) / 255.0


def _paper(shape: tuple[int, int], paper: str, height: int, baseline: int, left: int, rng: np.random.Generator):
    """(RGB paper colour (3,), structure alpha (H, W), structure colour (3,), margin alpha, margin colour)."""
    from PIL import Image, ImageDraw

    h, w = shape
    tint = rng.uniform(0.86, 1.0, 3)
    structure = Image.new("L", (w, h), 0)
    margin_line = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(structure)
    colour = np.array([0.55, 0.7, 0.9]) if rng.random() < 0.7 else np.array([0.6, 0.6, 0.62])
    colour = np.clip(colour + rng.uniform(-0.08, 0.08, 3), 0, 1)
    width = int(rng.integers(1, 3))
    if paper in ("ruled", "margin"):
        step = height * rng.uniform(1.1, 1.7)
        y = baseline + rng.uniform(-0.08, 0.08) * height  # the number sits on a line
        first = y - math.floor(y / step) * step
        for k in range(int((h - first) / step) + 1):
            yy = round(first + k * step)
            draw.line((0, yy, w, yy), fill=255, width=width)
        if paper == "margin":
            x = max(2, left - round(height * rng.uniform(0.3, 1.0)))
            ImageDraw.Draw(margin_line).line((x, 0, x, h), fill=255, width=int(rng.integers(1, 3)))
    elif paper == "squared":
        step = height * rng.uniform(0.45, 0.9)
        ox, oy = rng.uniform(0, step, 2)
        for k in range(int(w / step) + 2):
            draw.line((round(ox + k * step), 0, round(ox + k * step), h), fill=255, width=1)
        for k in range(int(h / step) + 2):
            draw.line((0, round(oy + k * step), w, round(oy + k * step)), fill=255, width=1)
    elif paper == "dotted":
        step = height * rng.uniform(0.35, 0.8)
        ox, oy = rng.uniform(0, step, 2)
        r = max(1.0, height * rng.uniform(0.015, 0.035))
        for i in range(int(h / step) + 2):
            for j in range(int(w / step) + 2):
                cx, cy = ox + j * step, oy + i * step
                draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=255)
    alpha = np.asarray(structure, np.float64) / 255.0 * rng.uniform(0.6, 1.0)
    red = np.array([0.85, 0.3, 0.3]) + rng.uniform(-0.05, 0.05, 3)
    return tint, alpha, colour, np.asarray(margin_line, np.float64) / 255.0 * rng.uniform(0.6, 1.0), red


def _photo(rgb: np.ndarray, owner: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Uneven light, grain, a slightly tilted page, blur and JPEG: RGB uint8, and ``owner`` tilted alike."""
    from PIL import Image, ImageFilter

    h, w = rgb.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w] / max(h - 1, w - 1, 1)
    angle = rng.uniform(0, 2 * math.pi)
    t = np.cos(angle) * (xx - 0.5) + np.sin(angle) * (yy - 0.5)
    light = 1.0 - rng.uniform(0.1, 0.35) * np.clip(t + 0.5, 0, 1)
    rgb = rgb * light[..., None] + rng.normal(0, rng.uniform(0.005, 0.025), rgb.shape)
    img = Image.fromarray(np.rint(np.clip(rgb, 0, 1) * 255).astype(np.uint8), "RGB")
    fill = tuple(int(v) for v in np.rint(np.clip(rgb[0, 0], 0, 1) * 255))
    angle = float(rng.uniform(-3, 3))
    img = img.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=fill)
    tilted = Image.fromarray((owner.astype(np.int16) + 1).astype(np.uint8), "L").rotate(
        angle, resample=Image.Resampling.NEAREST, fillcolor=0
    )
    img = img.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.3, 1.0))))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=int(rng.integers(55, 92)))
    with Image.open(io.BytesIO(buf.getvalue())) as jpeg:
        return np.asarray(jpeg.convert("RGB")), (np.asarray(tilted).astype(np.int16) - 1).astype(np.int8)


def _lowres(grey: np.ndarray, digit_height: int, blocky: bool, rng: np.random.Generator):
    """The picture scanned so its digits are 8-20 px tall, then scaled up: (uint8 grey, its size's factor)."""
    from PIL import Image

    target = rng.uniform(8, 20)
    f = target / digit_height
    h, w = grey.shape
    sh, sw = max(2, round(h * f)), max(2, round(w * f))
    small = np.clip(resize(grey, sh, sw), 0, 1)
    # a binary fax (legible only from about 14 px up), a 4-bit scan, a grey one
    levels = int(rng.choice([2, 17, 256] if target >= 14 else [17, 256]))
    small = np.rint(small * (levels - 1)) / (levels - 1)
    k = int(rng.integers(3, 9))
    img = Image.fromarray(np.rint(small * 255).astype(np.uint8), "L")
    resample = Image.Resampling.NEAREST if blocky else Image.Resampling.BILINEAR
    out = np.asarray(img.resize((sw * k, sh * k), resample))
    return out, (sh * k) / h


def scene(digits: np.ndarray, labels: np.ndarray, families: dict[str, str], rng: np.random.Generator) -> Scene:
    """Write ``digits`` (MNIST 28x28 uint8, labels ``labels``) with the ``families`` chosen (pen, layout, paper,
    degradation): the picture, its truth and every digit's box."""
    height = int(rng.integers(40, 120))
    low, high = PEN_WIDTH[families["pen"]]
    inks = [pen_digit(d, height, rng.uniform(low, high), rng) for d in digits]
    if families["layout"] == "mixed_size" and len(inks) > 1:
        k = int(rng.integers(len(inks)))
        inks[k] = pen_digit(digits[k], round(height * rng.uniform(0.45, 0.7)), rng.uniform(low, high), rng)
    paper = families["paper"]
    if paper in ("boxes", "comb"):
        alpha, boxes, frame = _boxed(inks, height, paper == "comb", rng)
    else:
        alpha, boxes = arrange(inks, families["layout"], height, rng)
        frame = None
    h, w = alpha.shape
    owner = _owner((h, w), inks, boxes)
    tint, structure, colour, margin, red = _paper(
        alpha.shape, paper, height, int(boxes[:, 2].max()), int(boxes[0, 1]), rng
    )
    if frame is not None:  # printed boxes: black or grey
        structure, colour = frame, np.full(3, rng.uniform(0.0, 0.5))
    pen = np.clip(np.array(INKS[int(rng.integers(len(INKS)))]) + rng.uniform(-0.04, 0.04, 3), 0, 1)
    rgb = np.broadcast_to(tint, (h, w, 3)).copy()
    for a, c in ((structure, colour), (margin, red), (alpha, pen)):
        rgb = rgb * (1 - a[..., None]) + c * a[..., None]
    degradation = families["degradation"]
    if families["layout"] == "tight_crop":
        rgb, owner, boxes = _tight_crop(rgb, owner, boxes, alpha, rng)
    if degradation == "photo":
        pixels, owner = _photo(rgb, owner, rng)
    elif degradation in ("lowres_blocky", "lowres_blurry"):
        pixels, owner, boxes = _scan(rgb, owner, boxes, height, degradation == "lowres_blocky", rng)
    else:
        pixels = np.rint(np.clip(rgb, 0, 1) * 255).astype(np.uint8)
        if paper == "plain" and rng.random() < 0.25:
            pixels = 255 - pixels  # light ink on a dark board
    truth = "".join(str(int(v)) for v in labels)
    return Scene(pixels, truth, boxes, owner)


def _tight_crop(
    rgb: np.ndarray, owner: np.ndarray, boxes: np.ndarray, alpha: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The picture cropped to its ink with a margin of 0-2 px a side (a tight crop), and its owners and boxes."""
    h, w = alpha.shape
    ink = alpha > 0.3
    rows, cols = np.flatnonzero(ink.any(1)), np.flatnonzero(ink.any(0))
    m = rng.integers(0, 3, 4)
    t, b = max(0, rows[0] - m[0]), min(h, rows[-1] + 1 + m[1])
    left, right = max(0, cols[0] - m[2]), min(w, cols[-1] + 1 + m[3])
    return rgb[t:b, left:right], owner[t:b, left:right], boxes - np.array([t, left, t, left])


def _scan(
    rgb: np.ndarray, owner: np.ndarray, boxes: np.ndarray, height: int, blocky: bool, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A digit cut out of a low-resolution scan: the ink reaches the picture's edges, or nearly."""
    grey = luma(rgb)
    t, left = (
        max(0, int(boxes[:, 0].min()) - int(rng.integers(0, height // 3))),
        max(0, int(boxes[:, 1].min()) - int(rng.integers(0, height // 3))),
    )
    b, r = (
        int(boxes[:, 2].max()) + int(rng.integers(0, height // 3)),
        int(boxes[:, 3].max()) + int(rng.integers(0, height // 3)),
    )
    grey, owner = grey[t:b, left:r], owner[t:b, left:r]
    pixels, f = _lowres(grey, height, blocky, rng)
    boxes = np.rint((boxes - np.array([t, left, t, left])) * f).astype(np.int64)
    return pixels, resize_labels(owner, pixels.shape[:2]), boxes


def pick_families(choices: dict[str, list[str]], rng: np.random.Generator, **fixed: str) -> dict[str, str]:
    """One family of each scene kind: ``fixed`` where given, else drawn from ``choices[kind]``."""
    return {kind: fixed.get(kind) or str(rng.choice(names)) for kind, names in choices.items()}


def digit_count(families: dict[str, str], rng: np.random.Generator) -> int:
    """How many digits a scene of these families holds: one for ``single``, a few on a low-resolution
    scan, 2-5 in a number (1-5 in boxes and tight crops)."""
    if families["layout"] == "single":
        return 1
    if families["degradation"].startswith("lowres"):
        return int(rng.integers(1, 4))
    if families["layout"] == "tight_crop" or families["paper"] in ("boxes", "comb"):
        return int(rng.integers(1, 6))
    return int(rng.integers(2, 6))


def resize_labels(labels: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A label map resized to ``shape`` by nearest neighbour (pixel centres)."""
    h, w = labels.shape
    rows = np.minimum(((np.arange(shape[0]) + 0.5) * h / shape[0]).astype(np.int64), h - 1)
    cols = np.minimum(((np.arange(shape[1]) + 0.5) * w / shape[1]).astype(np.int64), w - 1)
    return labels[rows[:, None], cols[None, :]]
