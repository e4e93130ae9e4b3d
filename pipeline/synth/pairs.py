"""What the pair model learns (:mod:`app.pairs`): two MNIST digits written touching, and what is not two digits.

A pair is drawn as a hurried writer makes one: the second digit (scaled 0.85-1.15x, moved up or
down by up to 12% of the height, the whole pair slanted now and then) slides left until its ink
first meets the first digit's, then on by a layout's overlap (a share of the height, from
:data:`pipeline.synth.scene.SPACING`; only the layout families training may use: ``tight``
leaves a gap, ``touching`` overlaps up to 7%, the held-out ``overlapping`` is never drawn here).
``OTHER`` is what the reader may also hand the pair model: one digit (some stretched wide),
three touching digits, a pair with part of a third or a digit with part of a second, and
non-digits of the families training may use. Every example is the pair field
(:func:`app.pairs.frame_pair`), so the model sees what the reader shows it.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from app.pairs import OTHER, frame_pair
from pipeline.synth.scene import SPACING

#: Layout families a pair may be drawn in (those of them training may use).
PAIR_LAYOUTS = ("tight", "touching", "overlapping")
#: Non-digit families that may stand for "not two digits" (a ``pair`` is two digits, a ``miscut`` may be).
OTHER_NON_DIGITS = ("glyph", "stroke", "scribble", "shape", "hatching", "noise", "fragment")
#: Shares of the OTHER examples: one digit, three digits, part of a pair, a non-digit.
OTHER_SHARES = (0.3, 0.25, 0.25, 0.2)


def _crop(digit: np.ndarray) -> np.ndarray:
    """An MNIST digit (uint8) cropped to its ink, as float32 in [0, 1]."""
    on = digit > 40
    rows, cols = np.flatnonzero(on.any(axis=1)), np.flatnonzero(on.any(axis=0))
    return digit[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].astype(np.float32) / 255.0


def _resize(ink: np.ndarray, height: int, width: int) -> np.ndarray:
    return np.asarray(Image.fromarray(ink, "F").resize((width, height), Image.BILINEAR), np.float32)


def _slant(ink: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``ink`` sheared by up to a quarter of its height, either way."""
    s = float(rng.uniform(-0.25, 0.25))
    h, w = ink.shape
    width = w + int(abs(s) * h) + 1
    shift = -s * h if s > 0 else 0.0
    return np.asarray(
        Image.fromarray(ink, "F").transform((width, h), Image.AFFINE, (1, s, shift, 0, 1, 0), Image.BILINEAR),
        np.float32,
    )


def touch(a: np.ndarray, b: np.ndarray, overlap: float, rng: np.random.Generator) -> np.ndarray:
    """``b`` written right of ``a``: slid left until their ink meets, then ``overlap`` x a's height further."""
    h = a.shape[0]
    scale = float(rng.uniform(0.85, 1.15)) * h / b.shape[0]
    b = _resize(b, max(1, round(b.shape[0] * scale)), max(1, round(b.shape[1] * scale)))
    dy = int(rng.integers(-round(0.12 * h), round(0.12 * h) + 1))
    top = min(0, dy)
    height = max(h, dy + b.shape[0]) - top
    ya, yb = -top, dy - top
    left = np.zeros((height, a.shape[1]), np.float32)
    left[ya : ya + h] = a
    right = np.zeros((height, b.shape[1]), np.float32)
    right[yb : yb + b.shape[0]] = b
    lon, ron = left > 0.3, right > 0.3
    rows = lon.any(axis=1) & ron.any(axis=1)
    if rows.any():  # b's offset where the two first meet: a's right outline against b's left one
        edge = a.shape[1] - np.argmax(lon[:, ::-1], axis=1)
        start = np.argmax(ron, axis=1)
        x = int(np.max(edge[rows] - start[rows]))
    else:
        x = a.shape[1]
    x = max(0, x - round(overlap * h))
    out = np.zeros((height, max(a.shape[1], x + b.shape[1])), np.float32)
    out[:, : a.shape[1]] = left
    out[:, x : x + b.shape[1]] = np.maximum(out[:, x : x + b.shape[1]], right)
    return out


def pair_examples(
    digits: np.ndarray,
    labels: np.ndarray,
    per_pair: int,
    others: int,
    layouts: list[str],
    non_digits: list[str],
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """``per_pair`` examples of each of the 100 pairs and ``others`` of OTHER: (fields (N,32,64), classes (N,))."""
    from pipeline.synth import nondigit

    layouts = [f for f in layouts if f in PAIR_LAYOUTS]
    kinds = [k for k in non_digits if k in OTHER_NON_DIGITS]
    if not layouts:
        raise ValueError(f"pair examples need one of the layout families {', '.join(PAIR_LAYOUTS)}")
    by_class = [np.flatnonzero(labels == d) for d in range(10)]
    fonts = nondigit.load_fonts("train") if "glyph" in kinds else []

    def digit(d: int | None = None) -> np.ndarray:
        d = int(rng.integers(10)) if d is None else d
        return _crop(digits[int(rng.choice(by_class[d]))])

    def overlap() -> float:
        lo, hi = SPACING[layouts[int(rng.integers(len(layouts)))]]
        return -float(rng.uniform(lo, hi))  # a space is a negative overlap

    def slanted(ink: np.ndarray) -> np.ndarray:
        return _slant(ink, rng) if rng.random() < 0.3 else ink

    fields, classes = [], []
    for a in range(10):
        for b in range(10):
            for _ in range(per_pair):
                fields.append(frame_pair(slanted(touch(digit(a), digit(b), overlap(), rng))))
                classes.append(10 * a + b)
    shares = np.cumsum(OTHER_SHARES)
    made = 0
    while made < others:
        kind = float(rng.random())
        if kind < shares[0]:  # one digit, half of them stretched wide
            ink = digit()
            if rng.random() < 0.5:
                ink = _resize(ink, ink.shape[0], max(1, round(ink.shape[1] * rng.uniform(1.2, 2.2))))
        elif kind < shares[1]:  # three digits
            ink = touch(touch(digit(), digit(), overlap(), rng), digit(), overlap(), rng)
        elif kind < shares[2] or not kinds:  # a pair with part of a third, or part of a pair
            ink = touch(digit(), digit(), overlap(), rng)
            if rng.random() < 0.5:
                third = digit()
                part = max(1, int(third.shape[1] * rng.uniform(0.2, 0.55)))
                ink = (
                    touch(ink, third[:, :part], 0.0, rng)
                    if rng.random() < 0.5
                    else touch(third[:, -part:], ink, 0.0, rng)
                )
            else:
                keep = max(1, int(ink.shape[1] * rng.uniform(0.6, 0.85)))
                ink = ink[:, :keep] if rng.random() < 0.5 else ink[:, -keep:]
        else:  # something that is not digits
            name = kinds[int(rng.integers(len(kinds)))]
            ink = nondigit.glyph(rng, fonts) if name == "glyph" else getattr(nondigit, name)(rng)
            ink = np.asarray(ink, np.float32)
        field = frame_pair(slanted(np.ascontiguousarray(ink, np.float32)))
        if field.max() <= 0:
            continue
        fields.append(field)
        classes.append(OTHER)
        made += 1
    return np.stack(fields), np.asarray(classes, np.int64)
