"""What the string model learns (:mod:`app.strings`): strings of MNIST digits written touching, and what is not digits.

A string is written as a hurried writer writes one: each next digit (scaled 0.75-1.2x, moved up or
down by up to 15% of the height) slides left until its ink first meets the ink before it, then on
by a layout's overlap (a share of the height, from :data:`pipeline.synth.scene.SPACING`; only the
layout families training may use: ``tight`` leaves a gap, ``touching`` overlaps up to 7%,
``overlapping`` 7-15%); the pen is now and then broader or finer than MNIST's, and the whole string
slanted. A string may hold one digit (the model must count), and a non-digit of the families
training may use reads as no digits at all. Every example is the string field
(:func:`app.strings.frame_string`), so the model sees what the reader shows it.

A share of the strings (``strings.pen_share``) is written with a pen instead: each digit a Hershey
stroke font's (:data:`pipeline.synth.written.STROKE_FONT_SPLITS` ``train``), redrawn with one hand's
slant, proportions, wobble and pen width for the whole string. Why: MNIST's digits are all the model
had seen, and it read digits drawn with the app's round pen short and sure ("56" read "5" at 0.98,
"200" read "2" at 0.96: pen-drawn numbers touching, 74 of 120 read right). The same share of the "no digits"
examples are words of 1-3 letters in a pen string's hand (:func:`_pen_word`), so that the shape alone tells
letters and symbols from digits.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
from PIL import Image, ImageFilter

from app.preprocess import bounding_box
from app.strings import frame_string
from pipeline.synth.nondigit import draw_polylines
from pipeline.synth.scene import SPACING
from pipeline.synth.written import STROKE_FONT_SPLITS, WRITTEN, extent, font_lines, hand_drawn, hand_matrix

#: Layout families a string may be drawn in (those of them training may use).
STRING_LAYOUTS = ("tight", "touching", "overlapping")
#: Non-digit families that may stand for "no digits" (a ``pair`` is two digits, a ``miscut`` may be).
NON_DIGITS = ("glyph", "stroke", "scribble", "shape", "hatching", "noise", "fragment")
#: The longest string drawn, and how often each length 0 (a non-digit) .. MAX_DIGITS is drawn.
MAX_DIGITS = 5
LENGTH_SHARES = (0.06, 0.1, 0.3, 0.24, 0.2, 0.1)


def _crop(digit: np.ndarray) -> np.ndarray:
    """An MNIST digit (uint8) cropped to its ink, as float32 in [0, 1]."""
    box = bounding_box(digit, 40)
    if box is None:
        raise ValueError("an MNIST digit without ink (no pixel above 40): is mnist.npz damaged? dvc repro download")
    top, left, bottom, right = box
    return digit[top:bottom, left:right].astype(np.float32) / 255.0


def _resize(ink: np.ndarray, height: int, width: int | None) -> np.ndarray:
    """``ink`` resized (Pillow's bilinear, which averages when it shrinks); ``width`` None keeps the aspect."""
    if width is None:
        width = max(1, round(ink.shape[1] * height / ink.shape[0]))
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


def _other_pen(ink: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``ink`` as a broader pen (a 3x3 maximum: one pixel more each side) or a finer one (the faint
    rim dropped) wrote it, a fifth of the time each; MNIST's own pen otherwise."""
    u = float(rng.random())
    if u < 0.2:
        return np.asarray(Image.fromarray(ink, "F").filter(ImageFilter.MaxFilter(3)), np.float32)
    if u < 0.4:
        return np.clip((ink - 0.35) / 0.65, 0.0, 1.0).astype(np.float32)
    return ink


#: Stroke fonts whose digits are one line each (the others of training's draw most digits twice, as outlines).
PEN_FONTS = tuple(f for f in STROKE_FONT_SPLITS["train"] if f in ("futural", "rowmans"))
#: A pen string's stroke width, as a share of a digit's height (MNIST's strokes are about 0.11; the app's
#: default pen is 0.05-0.13 of digits 50-140 px tall).
PEN_WIDTH = (0.06, 0.16)
#: Pen digits are drawn this many pixels tall, then brought to MNIST's ink height.
PEN_DRAWN, INK_HEIGHT = 64, 20


@dataclass(frozen=True)
class Hand:
    """How one person writes a whole string with a pen: font, slant and proportions, pen width."""

    font: str
    matrix: np.ndarray
    width: float

    @classmethod
    def pick(cls, fonts: list[str], rng: np.random.Generator) -> Hand:
        matrix = hand_matrix(rng, 0.12, (0.7, 1.25), (-0.35, 0.2))
        return cls(fonts[int(rng.integers(len(fonts)))], matrix, float(rng.uniform(*PEN_WIDTH)))

    def write(self, char: int | str, rng: np.random.Generator) -> np.ndarray:
        """``char`` (a digit or a letter) in this hand: ink (float32 in [0, 1]) cropped to itself, INK_HEIGHT tall."""
        lines = font_lines(self.font, str(char))
        drawn = hand_drawn(lines, PEN_DRAWN / max(float(extent(lines)[1]), 1.0), self.matrix, rng)
        every = np.concatenate(drawn)
        pen = self.width * PEN_DRAWN
        corner = every.min(0) - pen
        size = math.ceil(float((every.max(0) - corner).max() + pen))
        ink = draw_polylines([d - corner for d in drawn], pen, size)
        top, left, bottom, right = bounding_box(ink, 0.15)  # type: ignore[misc]  # a pen's line always inks
        return _resize(np.ascontiguousarray(ink[top:bottom, left:right], np.float32), INK_HEIGHT, None)


def touch(a: np.ndarray, b: np.ndarray, overlap: float, rng: np.random.Generator) -> np.ndarray:
    """``b`` written right of ``a``: slid left until their ink meets, then ``overlap`` x a's height further."""
    h = a.shape[0]
    scale = float(rng.uniform(0.75, 1.2)) * h / b.shape[0]
    b = _resize(b, max(1, round(b.shape[0] * scale)), max(1, round(b.shape[1] * scale)))
    dy = int(rng.integers(-round(0.15 * h), round(0.15 * h) + 1))
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


def _pen_word(rng: np.random.Generator, layouts: list[str]) -> np.ndarray:
    """1-3 letters or symbols of :data:`WRITTEN` in one pen hand, slid together as a string's digits are: no digits.

    In the hand and pen of the pen strings, so that only their shape tells letters from digits: a pen "V" read
    "11" when pen strings alone were learnt, and letters written otherwise (``written``) taught the model that
    a pen's style is no digits (set P's pen numbers refused 14 -> 87 of 300)."""
    hand = Hand.pick(list(PEN_FONTS), rng)
    ink = hand.write(WRITTEN[int(rng.integers(len(WRITTEN)))], rng)
    for _ in range(int(rng.integers(3))):
        ink = _then(ink, lambda: hand.write(WRITTEN[int(rng.integers(len(WRITTEN)))], rng), layouts, rng)
    return ink


def _then(ink: np.ndarray, write: Callable[[], np.ndarray], layouts: list[str], rng: np.random.Generator) -> np.ndarray:
    """``ink`` and what ``write`` writes next, as far apart as one of ``layouts`` spaces them (a space is a negative
    overlap). The draws are the layout, ``write``'s, then the space: the strings' bytes depend on it."""
    lo, hi = SPACING[layouts[int(rng.integers(len(layouts)))]]
    return touch(ink, write(), -float(rng.uniform(lo, hi)), rng)


def _digit(
    d: int, hand: Hand | None, digits: np.ndarray, by_class: list[np.ndarray], rng: np.random.Generator
) -> np.ndarray:
    """Digit ``d`` in ``hand``, or (no hand) one of MNIST's, cropped to its ink."""
    return hand.write(d, rng) if hand else _crop(digits[int(rng.choice(by_class[d]))])


def string_examples(
    digits: np.ndarray,
    labels: np.ndarray,
    n: int,
    layouts: list[str],
    non_digits: list[str],
    rng: np.random.Generator,
    pen_share: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` examples: (fields (n,32,128) float32, digits (n, MAX_DIGITS) int32 padded with -1, lengths (n,)).
    ``pen_share`` of the digit strings are written with a pen (:class:`Hand`), the rest with ``digits``; and the same
    share of the "no digits" examples are pen words (:func:`_pen_word`)."""
    from pipeline.synth import nondigit

    layouts = [f for f in layouts if f in STRING_LAYOUTS]
    kinds = [k for k in non_digits if k in NON_DIGITS]
    if not layouts:
        raise ValueError(f"string examples need one of the layout families {', '.join(STRING_LAYOUTS)}")
    by_class = [np.flatnonzero(labels == d) for d in range(10)]
    fonts = nondigit.load_fonts("train") if "glyph" in kinds else []
    shares = np.asarray(LENGTH_SHARES if kinds else (0.0, *LENGTH_SHARES[1:]), np.float64)
    lengths = rng.choice(MAX_DIGITS + 1, size=n, p=shares / shares.sum())
    fields = np.zeros((n, *frame_string(np.zeros((1, 1), np.float32)).shape), np.float32)
    written = np.full((n, MAX_DIGITS), -1, np.int32)
    made = 0
    while made < n:
        k = int(lengths[made])
        if k == 0 and pen_share > 0 and rng.random() < pen_share:
            ink = _pen_word(rng, layouts)
        elif k == 0:  # something that is not digits
            name = kinds[int(rng.integers(len(kinds)))]
            ink = nondigit.glyph(rng, fonts) if name == "glyph" else getattr(nondigit, name)(rng)
            ink = np.asarray(ink, np.float32)
        else:
            string = rng.integers(10, size=k)
            hand = Hand.pick(list(PEN_FONTS), rng) if pen_share > 0 and rng.random() < pen_share else None
            ink = _digit(int(string[0]), hand, digits, by_class, rng)
            for d in string[1:]:
                ink = _then(ink, partial(_digit, int(d), hand, digits, by_class, rng), layouts, rng)
            if not hand:
                ink = _other_pen(np.ascontiguousarray(ink, np.float32), rng)
        if rng.random() < 0.3:
            ink = _slant(np.ascontiguousarray(ink, np.float32), rng)
        field = frame_string(np.ascontiguousarray(ink, np.float32))
        if field.max() <= 0:
            continue
        fields[made] = field
        if k:
            written[made, :k] = string
        made += 1
    return fields, written, lengths.astype(np.int32)
