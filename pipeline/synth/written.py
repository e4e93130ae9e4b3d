"""Letters and symbols written with a pen: the "glyph" non-digits as a hand makes them, not a printer.

Outline fonts (:func:`pipeline.synth.nondigit.glyph`) fill their letters; people draw one line
of even width, slanted, wobbling, in proportions of their own. Hershey's stroke fonts (public
domain, the ``Hershey-Fonts`` package) give each letter as that line: here it is redrawn with
a hand's slant, rotation, proportions and wobble and the app's range of pen widths.

Why: the gate learned "not a digit" from printed letters and read pen-written ones as digits
(an independent set: n -> 7, H and A -> 4, a -> 0; 48% of its non-digits turned away).
Evaluation uses stroke fonts training never sees, as it does outline fonts.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np

from pipeline.synth.nondigit import CANVAS, GLYPHS, draw_polylines, pen_width

#: The glyphs a stroke font has (the ASCII ones of :data:`GLYPHS`: letters and symbols not like a digit).
WRITTEN = "".join(c for c in GLYPHS if c.isascii())

#: Stroke fonts per split: simplex (one line) and complex (a doubled line, as a pen going over it
#: twice) roman, script and cursive; validation and evaluation each have hands training never sees.
STROKE_FONT_SPLITS = {
    "train": ["futural", "rowmans", "scripts", "timesr"],
    "validation": ["cursive"],
    "eval": ["futuram", "scriptc", "timesi"],
}


@cache
def _font(name: str) -> object:
    from HersheyFonts import HersheyFonts

    font = HersheyFonts()
    font.load_default_font(name)
    return font


def font_lines(font: str, char: str) -> list[np.ndarray]:
    """The character's lines in font units (y down), each a (K, 2) array of points (single points dropped)."""
    return [np.asarray(s, np.float64) for s in _font(font).strokes_for_text(char) if len(s) > 1]


def _wobble(line: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The line resampled every unit of length or so, with a hand's slow drift that keeps its ends."""
    steps = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(line, axis=0).T))])
    if steps[-1] == 0:
        return line
    index = np.arange(len(line))
    at = np.interp(np.linspace(0, steps[-1], max(2, 4 * len(line))), steps, index)
    line = np.stack([np.interp(at, index, line[:, 0]), np.interp(at, index, line[:, 1])], 1)
    drift = np.cumsum(rng.normal(0, 0.6, line.shape), 0)
    drift -= np.linspace(drift[0], drift[-1], len(drift))  # pinned at both ends: the letter keeps its joins
    return line + drift + rng.normal(0, 1.5, 2)


def hand_matrix(
    rng: np.random.Generator, max_turn: float, widths: tuple[float, float], slants: tuple[float, float]
) -> np.ndarray:
    """A hand's way with a font's lines, 2x2 for points (x, y down) as rows: made wider or narrower by a factor
    drawn from ``widths``, sheared by a share of the height drawn from ``slants`` (negative leans the top right),
    then turned by up to ``max_turn`` radians either way. The draws are turn, width, slant, in that order: the
    pictures' bytes depend on it."""
    t = rng.uniform(-max_turn, max_turn)
    rotate = np.array([[math.cos(t), -math.sin(t)], [math.sin(t), math.cos(t)]])
    return rotate @ np.array([[rng.uniform(*widths), rng.uniform(*slants)], [0.0, 1.0]])


def _box(lines: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    points = np.concatenate(lines)
    return points.min(0), points.max(0)


def hand_drawn(lines: list[np.ndarray], scale: float, hand: np.ndarray, rng: np.random.Generator) -> list[np.ndarray]:
    """A font's ``lines`` centred on their box, scaled by ``scale`` into pixels (the wobble, :func:`_wobble`, is a
    hand's in pixels), wobbling and in ``hand`` (:func:`hand_matrix`)."""
    low, high = _box(lines)
    return [_wobble((line - (low + high) / 2) * scale, rng) @ hand.T for line in lines]


def extent(lines: list[np.ndarray]) -> np.ndarray:
    """The width and height of a font's ``lines``."""
    low, high = _box(lines)
    return high - low


def written(rng: np.random.Generator, fonts: list[str]) -> np.ndarray:
    """A letter or symbol of :data:`WRITTEN` in one of ``fonts``, written with a pen on a ``CANVAS`` square."""
    char = WRITTEN[int(rng.integers(len(WRITTEN)))]
    lines = font_lines(fonts[int(rng.integers(len(fonts)))], char)
    scale = CANVAS * rng.uniform(0.55, 0.8) / max(float(extent(lines).max()), 1.0)
    hand = hand_matrix(rng, 0.2, (0.75, 1.25), (-0.35, 0.25))
    return draw_polylines([line + CANVAS / 2 for line in hand_drawn(lines, scale, hand, rng)], pen_width(rng))
