"""Turn a drawing or a picture into what MNIST looks like: ink, pieces, 28x28 fields. Pure numpy, no Qt.

1. **Ink** (:func:`ink_map`): which pixels are ink, 1 on a 0 background, whatever the
   polarity (dark on light or light on dark) and the lighting. The background is estimated
   *locally*, as a large-scale closing of the picture (opening for light ink), and the
   picture divided by it, so a lighting gradient, a shadow, a vignette or tinted paper is
   not mistaken for ink.
2. **Pieces** (:func:`segment`): connected strokes, with the pieces of one digit (a 5's
   detached bar, a broken 4) merged when they are stacked; :func:`split` cuts touching
   digits at the thinnest columns. :mod:`app.reader` picks among the cuts by recognition.
3. **MNIST framing** (:func:`frame`): crop to the ink, scale so the longer side is 20 px
   with anti-aliasing, strokes far from MNIST's width brought back to it, centre of mass at
   the centre of a 28x28 field. Shrinking a whole canvas to 28x28 instead leaves small,
   off-centre, thin or thick digits looking nothing like MNIST.

:func:`prepare` does all of it for a single digit (the whole ink is one digit).
"""

from __future__ import annotations

import functools
import itertools
from dataclasses import dataclass

import numpy as np

from app.contract import FIELD  # the model's input side

BOX = 20
#: Where MNIST puts the centre of mass, in pixel indices (measured: 13.99, 14.00).
CENTRE = 14.0
#: Ink below this fraction of the strongest stroke is treated as background noise.
INK_THRESHOLD = 0.1
#: Less ink than this (peak, after removing the background) means nothing was drawn.
MIN_CONTRAST = 0.08
#: Stroke width (2A/P, in pixels of the 28x28 field, measured at OVERSAMPLE x): MNIST's
#: median is 2.2 px, 10th percentile 1.7, 90th 3.0. Strokes far outside that (a thick pen
#: on a small digit, a hairline) are brought back to TARGET_STROKE. The drawn-digit
#: benchmark chose the limits: with the reference CNN, thick strokes 95.4% -> 98.3% and
#: thin ones 96.7% -> 98.5%; the other renderings lose at most 0.1 point.
MAX_STROKE = 3.4
MIN_STROKE = 1.4
TARGET_STROKE = 2.3
#: Work at this multiple of the 20 px box when thinning, so it stays smooth.
OVERSAMPLE = 4
#: Pictures are read at most this many pixels a side (a digit ends up 20 px tall anyway).
WORKING_SIDE = 640
#: The background is estimated on a grid this coarse (pixels a side), then smoothed and
#: scaled back: lighting varies over the whole picture, strokes over a few pixels.
BACKGROUND_GRID = 64
#: The closing that removes the ink spans this fraction of the picture's longer side: wider
#: than the strokes of a photographed digit, narrower than the light's variations. (Drawings
#: with strokes wider than this have an even frame and take the frame's level instead.)
BACKGROUND_SPAN = 1 / 6
#: A background cell's paper is this percentile of its pixels (100 minus it for light ink):
#: thin ink is a minority of a cell, and unlike the cell's brightest pixel the percentile is
#: not lifted by noise (the brightest of 100 grainy pixels sits ~2.5 sigma above the paper,
#: which turned a dim, grainy region of a photo into ink).
BACKGROUND_PERCENTILE = 90
#: Ink under the map's noise floor is noise: its median plus this many robust standard
#: deviations (1.4826 x the median absolute deviation) over the picture, which is mostly paper.
#: A drawing or a clean scan has a floor of 0 and is left as it is.
NOISE_FLOOR = 3.0
#: A frame this even (5th to 95th percentile of the outer pixels) is plain paper or a canvas:
#: its median is the background everywhere, exactly as the app always read drawings.
EVEN_FRAME = 0.04
#: A picture at most this many pixels a side is a scan cell or a crop of one digit or number, not
#: a photographed page: light cannot vary across it, and a closing a sixth of its side is no
#: wider than its strokes. (A digit scanned at 8x8 and blown up to 64 px has 8-16 px strokes:
#: the local background followed them and tore the ink to pieces, and with ink over half the
#: picture its median was ink, which flipped the polarity of 6 in 100 such scans.) Its paper is
#: its frame's median: ink may touch the frame, yet paper lines most of it.
SMALL_PICTURE = 128
#: Pieces are found by hysteresis: connected pixels above PIECE_LOW of the strongest ink make a
#: piece when one of them is above PIECE_HIGH. A number may hold a digit written much fainter
#: than its neighbours; noise reaches the low level but rarely the high one.
PIECE_LOW = 0.1
PIECE_HIGH = 0.3
#: Pieces smaller than this fraction of the largest (in ink) are specks: dust, JPEG noise.
SPECK = 0.02
#: Pieces that overlap horizontally by this much of the narrower one's width are one digit.
STACKED = 0.5


class EmptyImage(ValueError):
    """Nothing is drawn: no ink stands out from the background."""


@dataclass(frozen=True)
class Prepared:
    """The 28x28 model input and where it came from in the source image."""

    image: np.ndarray  # (28, 28) float32 in [0, 1], white digit on black
    bbox: tuple[int, int, int, int]  # top, left, bottom, right (exclusive) of the ink in the source
    inverted: bool  # the source was dark ink on a light background


def luma(rgb: np.ndarray) -> np.ndarray:
    """Rec. 601 luma of (..., 3) RGB, elementwise: a matrix product would go through BLAS, whose
    kernel, and so the last bit, depends on the CPU (see WEIGHT_BITS)."""
    return rgb[..., 0] * np.float32(0.299) + rgb[..., 1] * np.float32(0.587) + rgb[..., 2] * np.float32(0.114)


def to_grey(image: np.ndarray) -> np.ndarray:
    """Any grey, RGB or RGBA array (uint8 or float) as float32 grey in [0, 1]."""
    a = np.asarray(image)
    if a.dtype == np.bool_:
        a = a.astype(np.float32)
    if not np.issubdtype(a.dtype, np.number):
        raise ValueError(f"expected a numeric image array, got dtype {a.dtype}")
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[..., 0]
    if a.ndim == 3 and a.shape[2] in (3, 4):
        scale = 255.0 if np.issubdtype(a.dtype, np.integer) else 1.0
        rgb = a[..., :3].astype(np.float32) / scale
        grey = luma(rgb)
        if a.shape[2] == 4:
            alpha = a[..., 3].astype(np.float32) / scale
            if np.ptp(alpha) > 0.05:
                # a drawing on a transparent layer: its strokes are where it is opaque
                return np.clip(alpha, 0, 1).astype(np.float32)
        return np.clip(grey, 0, 1).astype(np.float32)
    if a.ndim != 2:
        raise ValueError(f"expected a 2-D grey image or an RGB/RGBA image, got shape {a.shape}")
    if a.shape[0] == 0 or a.shape[1] == 0:
        raise ValueError(f"the image is empty (shape {a.shape})")
    if np.issubdtype(a.dtype, np.integer):
        return (a.astype(np.float32) / 255.0).clip(0, 1)
    a = a.astype(np.float32)
    if not np.isfinite(a).all():
        raise ValueError("the image contains NaN or infinite values")
    return a.clip(0, 1) if a.max() <= 1.0 else (a / 255.0).clip(0, 1)


def shrink_to(grey: np.ndarray, side: int) -> np.ndarray:
    """``grey`` resized (anti-aliased) so its longer side is at most ``side``."""
    h, w = grey.shape
    if max(h, w) <= side:
        return grey
    nh, nw = fit_box(h, w, side)
    return np.clip(resize(grey, nh, nw), 0, 1).astype(np.float32)


def _sample(image: np.ndarray) -> np.ndarray:
    """Every k-th pixel, about 128 a side: enough for a picture's percentiles, at any size."""
    return image[:: max(1, image.shape[0] // 128), :: max(1, image.shape[1] // 128)]


def _frame(image: np.ndarray) -> np.ndarray:
    """The picture's outer pixels, side by side."""
    return np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]])


def dark_ink(grey: np.ndarray) -> bool:
    """Is the ink darker than the background? Ink is the minority: the far tail from the median."""
    sample = _sample(grey)
    low, median, high = np.percentile(sample, [0.5, 50, 99.5])
    if high - low < 1e-3:  # a blank picture: whichever way, nothing will stand out
        return bool(median >= 0.5)
    return bool(median - low >= high - median)


def even_frame(grey: np.ndarray) -> float | None:
    """The frame's level when the picture's outer pixels are all one shade (a drawing, a scan), else None."""
    low, median, high = np.percentile(_frame(grey), [5, 50, 95])
    return float(median) if high - low < EVEN_FRAME else None


def frame_level(grey: np.ndarray) -> float | None:
    """The paper's level read from the picture's frame: when the frame is all one shade, or when the
    picture is small (:data:`SMALL_PICTURE`) and the frame mostly paper; else None."""
    level = even_frame(grey)
    if level is None and max(grey.shape) <= SMALL_PICTURE:
        level = float(np.median(_frame(grey)))
    return level


def even_paper(grey: np.ndarray, dark_on_light: bool) -> float | None:
    """The paper's level when the paper is all one shade, though ink reaches the picture's edges (a tight crop).

    Ink is the minority: the brightest 40% of the pixels (darkest, for light ink) are paper,
    and on an evenly lit picture they all lie within :data:`EVEN_FRAME` of each other.
    """
    sample = _sample(grey)
    low, level, high = np.percentile(sample, [60, 90, 99.5] if dark_on_light else [0.5, 10, 40])
    return float(level) if high - low < EVEN_FRAME else None


def background(grey: np.ndarray, dark_on_light: bool) -> np.ndarray:
    """The picture without its ink: a closing (opening for light ink) at a large scale, smoothed.

    An evenly lit picture keeps one background level: its frame's (:func:`frame_level`: a drawing,
    a scan, a small picture), else its paper's when that is all one shade (a tight crop).
    """
    h, w = grey.shape
    level = frame_level(grey)
    if level is None:
        level = even_paper(grey, dark_on_light)
    if level is not None:
        return np.full((h, w), level, np.float32)
    cell = max(1, int(np.ceil(max(h, w) / BACKGROUND_GRID)))
    gh, gw = -(-h // cell), -(-w // cell)
    padded = np.pad(grey, ((0, gh * cell - h), (0, gw * cell - w)), mode="edge")
    blocks = padded.reshape(gh, cell, gw, cell).transpose(0, 2, 1, 3).reshape(gh, gw, cell * cell)
    # thin ink vanishes in a block: keep each block's paper (a bright percentile for dark ink)
    q = BACKGROUND_PERCENTILE if dark_on_light else 100 - BACKGROUND_PERCENTILE
    coarse = np.percentile(blocks, q, axis=2).astype(np.float32)
    span = max(3, round(max(gh, gw) * BACKGROUND_SPAN) | 1)
    first, second = (np.maximum, np.minimum) if dark_on_light else (np.minimum, np.maximum)
    coarse = morphology(morphology(coarse, span, first, "edge"), span, second, "edge")  # closing (opening)
    coarse = _box_blur(coarse, span)
    return np.clip(resize(coarse, h, w), 0, 1).astype(np.float32)


def _box_blur(image: np.ndarray, size: int) -> np.ndarray:
    """Mean over ``size`` x ``size`` windows (edges repeated), by running sums."""
    half = size // 2
    for axis in (0, 1):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (half + 1, half)
        c = np.cumsum(np.pad(image, pad, mode="edge"), axis=axis, dtype=np.float64)
        hi = np.take(c, np.arange(size, c.shape[axis]), axis=axis)
        lo = np.take(c, np.arange(0, c.shape[axis] - size), axis=axis)
        image = ((hi - lo) / size).astype(np.float32)
    return image


def ink_map(grey: np.ndarray, dark_on_light: bool | None = None) -> tuple[np.ndarray, bool]:
    """Ink strength in [0, 1] on a zero background, and whether the source was dark on light.

    Dark ink: ``1 - picture / background`` (the division undoes uneven light); light ink:
    ``(picture - background) / (1 - background)``. Values are relative to the ink's own
    contrast, not yet to its strongest pixel.
    """
    if dark_on_light is None:
        level = frame_level(grey)
        if level is None:
            dark_on_light = dark_ink(grey)
        else:  # the ink is whatever differs most from the frame, up or down
            low, high = np.percentile(_sample(grey), [0.5, 99.5])
            dark_on_light = bool(level - low >= high - level) if high - low >= 1e-3 else level >= 0.5
    bg = background(grey, dark_on_light)
    if dark_on_light:
        bg = np.maximum(bg, grey)
        ink = (bg - grey) / np.maximum(bg, 0.05)  # relative darkening: uneven light divides out
    else:
        bg = np.minimum(bg, grey)
        ink = (grey - bg) / np.maximum(1.0 - bg, 1e-3)
    ink = np.clip(ink, 0, 1).astype(np.float32)
    # a small picture's ink may be most of it: its noise is measured on its frame, which paper lines
    floor = noise_floor(_frame(ink)[None, :] if max(ink.shape) <= SMALL_PICTURE else ink)
    if floor > 0:  # grain and sensor noise, left over where the paper is dim
        ink = np.clip((ink - floor) / (1.0 - floor), 0, 1).astype(np.float32)
    return ink, dark_on_light


def noise_floor(ink: np.ndarray) -> float:
    """The ink level that noise reaches on the paper (:data:`NOISE_FLOOR`); 0 on a clean picture."""
    sample = _sample(ink)
    median = float(np.median(sample))
    spread = 1.4826 * float(np.median(np.abs(sample - median)))
    floor = median + NOISE_FLOOR * spread
    return floor if floor < 0.5 else 0.0  # mostly ink is no paper to measure noise on


#: A piece with more than this share of its pixels in the picture's outer band is clutter.
BORDER_SHARE = 0.3
#: The outer band: this fraction of the picture's shorter side (at least 2 pixels).
BORDER_BAND = 0.04
#: ...or that touches the edge along this fraction of the shorter side (a stroke touches it
#: for its width, a table's edge or a shadow along a whole side).
BORDER_CONTACT = 0.2
#: ...or that runs along a side it nearly touches, for this fraction of the side and at least
#: EDGE_THIN times longer than thick (the edge of the paper, a shadow line).
EDGE_RUN = 0.4
EDGE_THIN = 2.5
#: ...or that touches the edge and is never stronger than this fraction of the picture's strongest ink.
FAINT_EDGE = 0.5
#: A piece heavy on the edge is clutter only when it is this many times taller (its square: heavier)
#: than the writing clear of the edge: a digit cut tight or touching the edge stays.
CLUTTER_SIZE = 1.6


def _along_edge(boxes: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """(n + 1,) pieces that run along a side they (nearly) touch: long, thin and parallel to it."""
    h, w = shape
    top, left, bottom, right = boxes.T
    tall, wide = bottom - top, right - left
    near = max(2, round(BORDER_BAND * min(h, w)))
    along_side = (tall >= EDGE_RUN * h) & (tall >= EDGE_THIN * wide) & ((left <= near) | (right >= w - near))
    along_top = (wide >= EDGE_RUN * w) & (wide >= EDGE_THIN * tall) & ((top <= near) | (bottom >= h - near))
    return np.concatenate([[False], along_side | along_top])


def clear_border(ink: np.ndarray) -> np.ndarray:
    """``ink`` without the pieces that lie mostly along the picture's edge (a digit touching it stays)."""
    peak = float(ink.max()) if ink.size else 0.0
    if peak <= 0 or min(ink.shape) < 16:
        return ink
    labels, n, step, boxes = _strokes(ink)
    if n == 0:
        return ink
    mask = labels > 0
    band = max(1, round(min(mask.shape) * BORDER_BAND))
    edge = np.zeros(mask.shape, bool)
    edge[:band], edge[-band:], edge[:, :band], edge[:, -band:] = True, True, True, True
    frame_px = np.zeros(mask.shape, bool)
    frame_px[0], frame_px[-1], frame_px[:, 0], frame_px[:, -1] = True, True, True, True
    total = np.bincount(labels.ravel(), minlength=n + 1)
    on_edge = np.bincount(labels[edge], minlength=n + 1)
    contact = np.bincount(labels[frame_px], minlength=n + 1)
    heavy = (on_edge > BORDER_SHARE * np.maximum(total, 1)) | (contact >= BORDER_CONTACT * min(mask.shape))
    # the strongest ink is what the picture is of, wherever it lies
    strongest = np.unravel_index(int(np.argmax(ink)), ink.shape)
    main = labels[strongest[0] // step, strongest[1] // step]
    # a piece that reaches the edge is clutter when it is unlike the writing: far taller or heavier
    # than the pieces clear of the edge (or, when every piece touches it - a tight crop, a digit cut
    # out of a scan - than the strongest one)
    heights = np.concatenate([[0], boxes[:, 2] - boxes[:, 0]])
    inner = (contact == 0) & (total >= SPECK * total[1:].max())
    inner[0] = False
    ref = inner if inner.any() else (np.arange(n + 1) == main)
    unlike = (heights > CLUTTER_SIZE * heights[ref].max()) | (total > CLUTTER_SIZE**2 * total[ref].max())
    clutter = heavy & unlike
    clutter |= _along_edge(boxes, mask.shape)
    # faint regions cut by the edge (the desk or a shadow beyond a photo's paper): no stroke that
    # strong ink elsewhere outshines this much reaches the edge
    strength = np.zeros(n + 1, np.float32)
    small = ink if step == 1 else _block_max(ink, step)
    np.maximum.at(strength, labels.ravel(), small.ravel())
    clutter |= (contact > 0) & (strength < FAINT_EDGE * peak)
    clutter[0] = False
    clutter[main] = False
    if not clutter.any():
        return ink
    drop = clutter[labels]
    if step > 1:
        drop = np.repeat(np.repeat(drop, step, 0), step, 1)[: ink.shape[0], : ink.shape[1]]
    return np.where(drop, 0, ink).astype(np.float32)


#: Resizing is exact arithmetic, so that its result is the same whatever BLAS kernel does the sums.
#: OpenBLAS picks its kernel by CPU (SkylakeX on an AVX-512 Intel, Haswell-like on an AMD EPYC),
#: each adds in its own order, and float sums in another order differ in the last bit: that changed
#: the stored bytes of ``render`` and ``openset`` between CPU kinds (measured here with
#: ``OPENBLAS_CORETYPE=Haswell`` against the default SkylakeX: 12 of 67 arrays differed; numpy's
#: and OpenCV's own SIMD levels changed nothing). The weights are whole multiples of
#: 2**-WEIGHT_BITS and a picture is snapped to multiples of 2**-VALUE_BITS, so every product and
#: partial sum is an integer below 2**41 (values up to 255), which float64 holds exactly.
WEIGHT_BITS = 12
VALUE_BITS = 20


@functools.lru_cache(maxsize=1024)
def resample_matrix(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) weights of an anti-aliased linear resize (a tent filter widened when shrinking),
    as whole numbers: each row sums to exactly 2**WEIGHT_BITS.

    Cached (read-only): live drawing asks for the same few sizes over and over.
    """
    scale = n_in / n_out
    support = max(scale, 1.0)
    centres = (np.arange(n_out) + 0.5) * scale
    x = np.arange(n_in) + 0.5
    w = np.clip(1.0 - np.abs(x[None, :] - centres[:, None]) / support, 0, None)
    w = np.rint(w / w.sum(axis=1, keepdims=True) * 2.0**WEIGHT_BITS)
    # each row's largest weight takes what rounding lost or gained, so that a flat picture stays flat
    w[np.arange(n_out), w.argmax(axis=1)] += 2.0**WEIGHT_BITS - w.sum(axis=1)
    w.flags.writeable = False
    return w


def resize(image: np.ndarray, height: int, width: int) -> np.ndarray:
    """``image`` (H, W) resized to (height, width), float32; the same bytes on any CPU (see WEIGHT_BITS)."""
    # in place where the arrays are big: a fresh array per step cost 3x the arithmetic (page faults)
    a = np.multiply(image, 2.0**VALUE_BITS, dtype=np.float64)
    np.rint(a, out=a)
    a = resample_matrix(a.shape[0], height) @ a
    a *= 2.0**-WEIGHT_BITS
    np.rint(a, out=a)
    a = a @ resample_matrix(a.shape[1], width).T
    a *= 2.0**-WEIGHT_BITS
    np.rint(a, out=a)
    a *= 2.0**-VALUE_BITS
    return a.astype(np.float32)


def bounding_box(ink: np.ndarray, threshold: float) -> tuple[int, int, int, int] | None:
    above = ink > threshold
    rows = np.flatnonzero(above.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(above.any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def stroke_width(image: np.ndarray) -> float:
    """Mean stroke width in pixels: twice the ink over its outline length (2A/P).

    Padded first, so ink that touches the border (it always does in a tight crop) has an outline there too.
    """
    p = np.zeros((image.shape[0] + 2, image.shape[1] + 2), np.float32)  # np.pad's result, without its overhead
    p[1:-1, 1:-1] = image
    gy, gx = np.empty_like(p), np.empty_like(p)  # np.gradient's differences, without its overhead
    gy[1:-1] = (p[2:] - p[:-2]) * np.float32(0.5)
    gy[0], gy[-1] = p[1] - p[0], p[-1] - p[-2]
    gx[:, 1:-1] = (p[:, 2:] - p[:, :-2]) * np.float32(0.5)
    gx[:, 0], gx[:, -1] = p[:, 1] - p[:, 0], p[:, -1] - p[:, -2]
    outline = float(np.sqrt(gx * gx + gy * gy).sum())
    return 2.0 * float(image.sum()) / outline if outline > 0 else 0.0


def _sliding(a: np.ndarray, size: int, reduce: np.ufunc, axis: int) -> np.ndarray:
    """``reduce`` (max or min) over every window of ``size`` along ``axis`` (valid part only).

    Doubling: windows of 1, 2, 4... combined from shifted copies, then one overlapping step,
    so a window of k costs about log2(k) passes of contiguous numpy work.
    """
    a = np.moveaxis(a, axis, -1)
    out, span = a, 1
    while span * 2 <= size:
        out = reduce(out[..., :-span], out[..., span:])
        span *= 2
    if span < size:
        rest = size - span
        out = reduce(out[..., :-rest], out[..., rest:])
    return np.moveaxis(out, -1, axis)


def morphology(image: np.ndarray, size: int, reduce: np.ufunc, mode: str = "constant") -> np.ndarray:
    """Separable ``size`` x ``size`` grey morphology: ``np.minimum`` erodes, ``np.maximum`` dilates.

    ``mode`` pads the borders (``numpy.pad``): zeros for ink, ``"edge"`` for a background,
    which must not darken towards the picture's edges.
    """
    if size <= 1:
        return image
    lo, hi = size // 2, size - 1 - size // 2
    for axis in (0, 1):
        pad = [(0, 0), (0, 0)]
        pad[axis] = (lo, hi)
        image = _sliding(np.pad(image, pad, mode=mode), size, reduce, axis)
    return np.ascontiguousarray(image)


def scale_digit(crop: np.ndarray, height: int, width: int) -> np.ndarray:
    """Resize the cropped ink into its box, bringing strokes far from MNIST's width back to it."""
    big = np.clip(resize(crop, height * OVERSAMPLE, width * OVERSAMPLE), 0, 1)
    stroke = stroke_width(big) / OVERSAMPLE
    if stroke > MAX_STROKE:
        mass = float(big.sum())
        size = min(2 * round((stroke - TARGET_STROKE) / 2 * OVERSAMPLE) + 1, 2 * (min(big.shape) // 2) - 1)
        while size > 1:  # never thin a stroke away: keep at least a third of the ink
            thinned = morphology(big, size, np.minimum)
            if thinned.sum() >= mass / 3:
                big = thinned
                break
            size -= 2
    elif 0 < stroke < MIN_STROKE:
        big = morphology(big, 2 * round((TARGET_STROKE - stroke) / 2 * OVERSAMPLE) + 1, np.maximum)
    return np.clip(resize(big, height, width), 0, 1)


def fit_box(height: int, width: int, side: int) -> tuple[int, int]:
    """The size of a ``height`` x ``width`` patch scaled so its longer side is ``side``, aspect kept."""
    if height >= width:
        return side, max(1, round(side * width / height))
    return max(1, round(side * height / width)), side


def centre_of_mass(image: np.ndarray) -> tuple[float, float]:
    total = float(image.sum())
    ys, xs = np.indices(image.shape)
    return float((ys * image).sum() / total), float((xs * image).sum() / total)


def normalise(ink: np.ndarray) -> np.ndarray:
    """Ink relative to its strongest stroke (faint pencil and bold marker alike use the full range).

    Raises :class:`EmptyImage` when no ink stands out from the background.
    """
    peak = float(ink.max()) if ink.size else 0.0
    if peak < MIN_CONTRAST:
        raise EmptyImage("nothing is drawn: no ink stands out from the background")
    return ink / peak


def frame(ink: np.ndarray) -> np.ndarray:
    """The MNIST 28x28 field for the ink of one digit (any size; raises ``EmptyImage``).

    The ink is taken relative to this digit's own strongest stroke, so a faint digit beside a
    bold one is framed like any other.
    """
    peak = float(ink.max()) if ink.size else 0.0
    if peak <= 0:
        raise EmptyImage("nothing is drawn")
    ink = ink / peak
    bbox = bounding_box(ink, INK_THRESHOLD)
    if bbox is None:
        raise EmptyImage("nothing is drawn")
    top, left, bottom, right = bbox
    crop = np.where(ink[top:bottom, left:right] > INK_THRESHOLD / 2, ink[top:bottom, left:right], 0)
    nh, nw = fit_box(*crop.shape, BOX)
    digit = scale_digit(crop, nh, nw)
    cy, cx = centre_of_mass(digit)
    # integer shift that puts the centre of mass at the centre, keeping the digit in the field
    y0 = int(np.clip(round(CENTRE - cy), 0, FIELD - nh))
    x0 = int(np.clip(round(CENTRE - cx), 0, FIELD - nw))
    out = np.zeros((FIELD, FIELD), np.float32)
    out[y0 : y0 + nh, x0 : x0 + nw] = digit
    return out


def prepare(image: np.ndarray) -> Prepared:
    """MNIST-frame ``image`` as one digit; raise :class:`EmptyImage` when nothing is drawn."""
    ink, dark_on_light = ink_map(to_grey(image))
    ink = normalise(ink)
    bbox = bounding_box(ink, INK_THRESHOLD)
    if bbox is None:  # unreachable after normalise, kept for safety
        raise EmptyImage("nothing is drawn")
    return Prepared(image=frame(ink), bbox=bbox, inverted=dark_on_light)


# ---------------------------------------------------------------- segmentation
@dataclass(frozen=True)
class Piece:
    """Ink that may be one digit: its box in the ink map and the ink inside it (other pieces' removed)."""

    box: tuple[int, int, int, int]  # top, left, bottom, right (exclusive)
    ink: np.ndarray

    @property
    def height(self) -> int:
        return self.box[2] - self.box[0]

    @property
    def width(self) -> int:
        return self.box[3] - self.box[1]

    @property
    def mass(self) -> float:
        return float(self.ink.sum())


def label(mask: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    """8-connected components of a boolean mask: (labels, 0 for background; their count; boxes).

    The boxes are (count, 4) [top, left, bottom, right) of labels 1..count, numbered in the order
    of their first pixel. Only the rows and columns that hold ink are searched: a digit seldom
    fills the canvas, and the cost is mostly per row.
    """
    h, w = mask.shape
    rows_any = mask.any(axis=1)
    if not rows_any.any():
        return np.zeros((h, w), np.int32), 0, np.zeros((0, 4), np.int64)
    r = np.flatnonzero(rows_any)
    c = np.flatnonzero(mask.any(axis=0))
    r0, r1, c0, c1 = int(r[0]), int(r[-1]) + 1, int(c[0]), int(c[-1]) + 1
    inner, count, box = _label_runs(mask[r0:r1, c0:c1])
    labels = np.zeros((h, w), np.int32)
    labels[r0:r1, c0:c1] = inner
    box += (r0, c0, r0, c0)
    return labels, count, box


def _label_runs(mask: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    """:func:`label` of a mask with ink in its first and last rows and columns.

    Vectorised over runs of pixels in each row: runs in consecutive rows that touch are
    linked, and labels propagate along the links with pointer jumping (a few passes).
    """
    h, w = mask.shape
    w2 = w + 2
    padded = np.zeros((h, w2), bool)
    padded[:, 1:-1] = mask
    # a run starts where the padded row steps up and ends where it steps down: in each row the
    # changes alternate up, down, so one pass finds both (keys are row * w1 + column)
    change = np.flatnonzero(padded[:, 1:] != padded[:, :-1])
    start_key, end_key = change[0::2], change[1::2]  # runs are [start, end) in mask columns
    n = len(start_key)
    w1 = w + 1
    rows = start_key // w1
    starts, ends = start_key - rows * w1, end_key - rows * w1
    start_key, end_key = rows * w2 + starts, rows * w2 + ends
    above = (rows - 1) * w2
    lo = np.searchsorted(end_key, above + starts, "left")  # runs above ending at or after our start - 1
    hi = np.searchsorted(start_key, above + ends, "right")  # ...and starting at or before our end
    count = np.maximum(hi - lo, 0)
    b = np.repeat(np.arange(n), count)
    a = np.repeat(lo, count) + np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    comp = _components(n, a, b)
    total = int(comp.max())
    ids = comp - 1
    box = np.zeros((total, 4), np.int64)
    box[:, :2] = (h, w)
    np.minimum.at(box[:, 0], ids, rows)
    np.minimum.at(box[:, 1], ids, starts)
    np.maximum.at(box[:, 2], ids, rows + 1)
    np.maximum.at(box[:, 3], ids, ends)
    # every run's pixels get its component: flat indices row * w + column, run after run
    length = ends - starts
    before = np.cumsum(length) - length
    pixels = np.repeat(rows * w + starts - before, length) + np.arange(int(length.sum()))
    flat = np.zeros(h * w, np.int32)
    flat[pixels] = np.repeat(comp, length)
    return flat.reshape(h, w), total, box


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Each of ``n`` runs' component, 1.. in order of its first run, where run ``a[k]`` touches run ``b[k]``:
    labels propagate along the links with pointer jumping (a few passes)."""
    lab = np.arange(n)
    while a.size:
        low = np.minimum(lab[a], lab[b])
        new = lab.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]
        if (new == lab).all():
            break
        lab = new
    root = np.zeros(n, bool)
    root[lab] = True
    return (np.cumsum(root) - 1)[lab].astype(np.int32) + 1


def _strokes(ink: np.ndarray) -> tuple[np.ndarray, int, int, np.ndarray]:
    """Connected strokes by hysteresis, on a half-resolution mask: (labels, count, step, boxes).

    Pixels above PIECE_LOW of the strongest ink connect; a group counts when one of its
    pixels is above PIECE_HIGH.
    """
    peak = float(ink.max()) if ink.size else 0.0
    step = 2 if min(ink.shape) >= 64 else 1
    # a block has a pixel above t exactly when its largest pixel is above t: one pass at full size
    small = _block_max(ink, step) if step > 1 else ink
    low, high = small > PIECE_LOW * peak, small > PIECE_HIGH * peak
    labels, n, boxes = label(low)
    if n == 0:
        return labels, 0, step, boxes
    strong = np.bincount(labels[high], minlength=n + 1) > 0
    strong[0] = False
    if strong[1:].all():  # (the usual case) every group counts: labels stay as they are
        return labels, n, step, boxes
    relabel = (np.cumsum(strong) * strong).astype(np.int32)
    return relabel[labels], int(strong.sum()), step, boxes[strong[1:]]


def segment(ink: np.ndarray) -> list[Piece]:
    """The pieces of normalised ink, left to right: one per digit when digits do not touch.

    Connected strokes are found on a half-resolution mask (fast at any canvas size); specks
    go to the piece they sit in, or are dropped; pieces stacked over each other are merged.
    """
    labels, n, step, small_boxes = _strokes(ink)
    if n == 0:
        return []
    h, w = ink.shape
    if n == 1:  # no specks to weigh
        mass = np.ones(1)
    else:
        ink_small = ink if step == 1 else _block_sum(ink, step)
        mass = np.bincount(labels.ravel(), weights=ink_small.ravel(), minlength=n + 1)[1:]
    box = [
        (int(t) * step, int(left) * step, min(int(b) * step, h), min(int(r) * step, w)) for t, left, b, r in small_boxes
    ]
    # specks: dust or JPEG noise, unless they sit inside a bigger piece's box (an i's dot, a broken stroke)
    big = float(mass.max())
    keep = [i for i in range(n) if mass[i] >= SPECK * big]
    groups = {i: [i] for i in keep}
    for s in (i for i in range(n) if mass[i] < SPECK * big):
        host = next((k for k in keep if _inside(box[s], box[k])), None)
        if host is not None:
            groups[host].append(s)
    merged = _merge_stacked([(box[k], groups[k]) for k in keep])
    pieces = []
    for b, members in sorted(merged, key=lambda g: (g[0][1] + g[0][3]) / 2):
        top, left, bottom, right = b
        sub = labels[top // step : -(-bottom // step), left // step : -(-right // step)]
        sel = sub == members[0] + 1 if len(members) == 1 else np.isin(sub, np.asarray(members) + 1)
        if step > 1:  # each cell of the half-size mask covers step x step pixels
            hs, ws = sel.shape
            sel = np.broadcast_to(sel[:, None, :, None], (hs, step, ws, step)).reshape(hs * step, ws * step)
            sel = sel[: bottom - top, : right - left]
        pieces.append(Piece(b, np.where(sel, ink[top:bottom, left:right], 0).astype(np.float32)))
    return pieces


def _block_sum(image: np.ndarray, step: int) -> np.ndarray:
    """The sum of each ``step`` x ``step`` block (float32; padding adds zeros)."""
    h, w = image.shape
    gh, gw = -(-h // step), -(-w // step)
    image = image.astype(np.float32, copy=False)
    if (gh * step, gw * step) != (h, w):
        padded = np.zeros((gh * step, gw * step), np.float32)
        padded[:h, :w] = image
        image = padded
    out = image[::step, ::step].copy()
    for dy in range(step):
        for dx in range(step):
            if dy or dx:
                out += image[dy::step, dx::step]
    return out


def _block_max(image: np.ndarray, step: int) -> np.ndarray:
    """The largest value of each ``step`` x ``step`` block (ink is never negative: padding adds zeros)."""
    h, w = image.shape
    gh, gw = -(-h // step), -(-w // step)
    if (gh * step, gw * step) != (h, w):
        padded = np.zeros((gh * step, gw * step), image.dtype)
        padded[:h, :w] = image
        image = padded
    out = image[::step, ::step].copy()
    for dy in range(step):
        for dx in range(step):
            if dy or dx:
                np.maximum(out, image[dy::step, dx::step], out=out)  # strided views: faster than reshape-max
    return out


def _inside(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] >= b[0] and a[1] >= b[1] and a[2] <= b[2] and a[3] <= b[3]


def _union(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    return min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])


def _merge_stacked(groups: list[tuple[tuple[int, int, int, int], list[int]]]):
    """Merge pieces that overlap horizontally by STACKED of the narrower one (until none do)."""
    groups = list(groups)
    changed = True
    while changed:
        changed = False
        for i in range(len(groups)):
            for j in range(i + 1, len(groups)):
                (a, ma), (b, mb) = groups[i], groups[j]
                overlap = min(a[3], b[3]) - max(a[1], b[1])
                if overlap >= STACKED * min(a[3] - a[1], b[3] - b[1]):
                    groups[i] = (_union(a, b), ma + mb)
                    del groups[j]
                    changed = True
                    break
            if changed:
                break
    return groups


def join(pieces: list[Piece]) -> Piece:
    """One piece made of several (their ink side by side in the union box)."""
    box = pieces[0].box
    for p in pieces[1:]:
        box = _union(box, p.box)
    out = np.zeros((box[2] - box[0], box[3] - box[1]), np.float32)
    for p in pieces:
        dy, dx = p.box[0] - box[0], p.box[1] - box[1]
        region = out[dy : dy + p.height, dx : dx + p.width]
        np.maximum(region, p.ink, out=region)
    return Piece(box, out)


def split(piece: Piece, parts: int) -> list[Piece]:
    """Cut ``piece`` into ``parts`` side by side, at the columns with least ink near even spacing."""
    profile = piece.ink.sum(axis=0)
    w = piece.width
    cuts = [0]
    for k in range(1, parts):
        centre = k * w / parts
        lo, hi = int(max(cuts[-1] + 1, centre - w / (2 * parts))), int(min(w - 1, centre + w / (2 * parts)))
        if hi <= lo:
            return [piece]
        cuts.append(lo + int(np.argmin(profile[lo:hi])))
    cuts.append(w)
    out = []
    for a, b in itertools.pairwise(cuts):
        ink = piece.ink[:, a:b]
        rows = np.flatnonzero(ink.max(axis=1) > INK_THRESHOLD)
        if rows.size == 0:
            return [piece]
        top, bottom = int(rows[0]), int(rows[-1]) + 1
        t0, l0 = piece.box[0], piece.box[1]
        out.append(Piece((t0 + top, l0 + a, t0 + bottom, l0 + b), ink[top:bottom].copy()))
    return out


def plain_resize(image: np.ndarray) -> np.ndarray:
    """What most draw-a-digit apps do: shrink the whole canvas to 28x28 (the benchmark's baseline)."""
    grey = to_grey(image)
    return np.clip(resize(grey, FIELD, FIELD), 0, 1).astype(np.float32)
