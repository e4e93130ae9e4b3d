"""What is on the canvas, as data: strokes as vectors and an optional picture underneath. No Qt.

A :class:`Document` is immutable, so undo and redo are two stacks of documents (Clear and
Open are undoable like a stroke). Coordinates are canvas units: the canvas is the unit
square, (0, 0) top left, so a drawing means the same at any window size and on any screen.

What the model reads is an *ink map* (ink 1, background 0), rendered at a fixed working
resolution whatever the window size: the pen adds ink, the eraser removes it. Drawing over
an opened picture works the same way: the picture's own ink (found by
:func:`app.preprocess.ink_map`, so dark ink on paper and chalk on a board alike) plus the
pen's, minus the eraser's.
"""

from __future__ import annotations

import math
import weakref
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np

#: Working resolution of a drawing for the model: the canvas is rendered at this many pixels
#: a side, whatever the window's size (a digit ends up 20 px tall anyway).
DRAWING_SIDE = 256
#: With a picture underneath, more pixels: a small digit in a large photo keeps its detail.
PICTURE_SIDE = 640
#: The eraser reaches this many pixels (at DRAWING_SIDE) wider than the pen of the same width.
ERASER_GROW = 2.0
#: The default pen: a digit drawn across most of the canvas gets MNIST-like stroke proportions.
DEFAULT_PEN = 1 / 15


@dataclass(frozen=True)
class Stroke:
    """A polyline in canvas units, drawn with a round pen ``width`` canvas units wide."""

    points: tuple[tuple[float, float], ...]
    width: float = DEFAULT_PEN
    erase: bool = False


@dataclass(frozen=True, eq=False)
class Picture:
    """An opened picture: its pixels and where in the canvas square it is shown (fitted, centred)."""

    pixels: np.ndarray  # grey (H,W), RGB (H,W,3) or RGBA (H,W,4) uint8
    name: str = "picture"
    notes: tuple[str, ...] = ()

    @property
    def rect(self) -> tuple[float, float, float, float]:
        """(left, top, width, height) in canvas units."""
        h, w = self.pixels.shape[:2]
        if w >= h:
            return 0.0, (1 - h / w) / 2, 1.0, h / w
        return (1 - w / h) / 2, 0.0, w / h, 1.0

    @cached_property
    def ink(self) -> tuple[np.ndarray, bool]:
        """The picture's ink map (at most PICTURE_SIDE a side) and whether it is dark ink on light."""
        from app.preprocess import ink_from_image

        # the same ink as `digit-predict` reads: dark regions hugging the edge (a table beyond the paper) dropped
        return ink_from_image(self.pixels, PICTURE_SIDE)


@dataclass(frozen=True)
class Document:
    strokes: tuple[Stroke, ...] = ()
    picture: Picture | None = None
    name: str = field(default="", compare=False)
    #: the document this one adds a stroke to: its ink is rendered once and reused
    parent: Document | None = field(default=None, compare=False, repr=False)

    def is_empty(self) -> bool:
        return not self.strokes and self.picture is None

    def with_stroke(self, stroke: Stroke) -> Document:
        return replace(self, strokes=(*self.strokes, stroke), parent=self)

    @property
    def ink_strokes(self) -> int:
        return sum(not s.erase for s in self.strokes)

    def dark_on_light(self) -> bool:
        """The ink's polarity: the picture's, or dark on light for a drawing."""
        return True if self.picture is None else self.picture.ink[1]

    def render_image(self, side: int = 512) -> np.ndarray:
        """The canvas as an RGB picture (for saving, and the history strip's thumbnails)."""
        return render_image(self, side)

    def render_ink(self, side: int | None = None) -> np.ndarray:
        """The ink map (side x side float32, ink 1 on 0) that the model reads (read-only, cached).

        While drawing, each new document is its parent plus one stroke, so only that stroke
        is rasterised: the cost does not grow with the drawing.
        """
        side = side or (DRAWING_SIDE if self.picture is None else PICTURE_SIDE)
        key = (id(self), side)
        hit = _CACHE.get(key)
        if hit is not None and hit[0]() is self:
            return hit[1]
        parent = self.parent
        if parent is not None and parent.strokes == self.strokes[:-1] and parent.picture is self.picture:
            ink = _apply(parent.render_ink(side), self.strokes[-1:], side)
        else:
            base = np.zeros((side, side), np.float32)
            if self.picture is not None:
                _place(base, self.picture.ink[0], self.picture.rect)
            ink = _apply(base, self.strokes, side)
        ink.flags.writeable = False
        _CACHE[key] = (weakref.ref(self), ink)
        while len(_CACHE) > 32:
            _CACHE.pop(next(iter(_CACHE)))
        return ink


_CACHE: dict[tuple[int, int], tuple[weakref.ref, np.ndarray]] = {}


def _apply(ink: np.ndarray, strokes: tuple[Stroke, ...], side: int) -> np.ndarray:
    """``ink`` with ``strokes`` drawn in order (pen adds, eraser removes).

    Each stroke is drawn on the box it covers and combined there: a new stroke costs its own
    size, not the canvas's, and a drawing rendered stroke by stroke while it is made has the
    same pixels as the same strokes rendered at once (each depends on its stroke alone).
    """
    out = ink.copy()
    for stroke in strokes:
        drawn = _rasterize_box(stroke, side, _grow(stroke.erase, side))
        if drawn is not None:
            (top, left), mask = drawn
            region = out[top : top + mask.shape[0], left : left + mask.shape[1]]
            if stroke.erase:
                np.minimum(region, 1 - mask, out=region)
            else:
                np.maximum(region, mask, out=region)
    return out


def _grow(erase: bool, side: int) -> float:
    """Extra width in pixels at ``side``: the eraser reaches at least one pixel further each side,
    at any size (a small thumbnail too), so the pen's rounding never leaves a rim of ink behind."""
    return max(ERASER_GROW, ERASER_GROW * side / DRAWING_SIDE) if erase else 0.0


def rasterize(stroke: Stroke, side: int) -> np.ndarray:
    """One stroke as a (side, side) float32 mask in [0, 1] (Pillow: fast, no Qt)."""
    out = np.zeros((side, side), np.float32)
    drawn = _rasterize_box(stroke, side, 0.0)
    if drawn is not None:
        (top, left), mask = drawn
        out[top : top + mask.shape[0], left : left + mask.shape[1]] = mask
    return out


def _rasterize_box(stroke: Stroke, side: int, grow: float) -> tuple[tuple[int, int], np.ndarray] | None:
    """The stroke drawn on the part of the (side, side) canvas it covers: ((top, left), mask), or None.

    The box reaches past the pen's edge and shapes are moved by whole pixels, so this is the
    whole-canvas drawing but for Pillow's single-precision filling of wide lines, which can put
    an edge pixel of a long straight segment one pixel over (14 of 4,000 two-point strokes
    differ, by up to 6 pixels; strokes sampled as a mouse sends them, none in thousands).
    """
    from PIL import Image, ImageDraw

    pts = [(x * side, y * side) for x, y in stroke.points]
    if not pts:
        return None
    reach = max(1.0, stroke.width * side + grow) / 2 + 2
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    left, top = max(0, math.floor(min(xs) - reach)), max(0, math.floor(min(ys) - reach))
    right, bottom = min(side, math.ceil(max(xs) + reach) + 1), min(side, math.ceil(max(ys) + reach) + 1)
    if right <= left or bottom <= top:
        return None
    img = Image.new("L", (right - left, bottom - top), 0)
    _draw_stroke(ImageDraw.Draw(img), stroke, side, grow, 255, (left, top))
    return (top, left), np.asarray(img, np.float32) * np.float32(1 / 255)


def _draw_stroke(
    draw: Any, stroke: Stroke, side: int, grow: float, fill: Any, origin: tuple[int, int] = (0, 0)
) -> None:
    """One stroke as the canvas paints it: a round pen, so round joins and caps.

    Straight segments, then a disc on every point. (Pillow's own ``joint="curve"`` leaves
    cracks across a stroke made of many short segments, as a mouse makes them, and costs
    five times as much.) ``origin`` is the canvas pixel at the image's top left corner.
    """
    ox, oy = origin
    pts = [(x * side - ox, y * side - oy) for x, y in stroke.points]
    w = max(1.0, stroke.width * side + grow)
    r = w / 2
    if len(pts) > 1:
        draw.line(pts, fill=fill, width=max(1, round(w)))
    for x, y in pts:
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)


def _place(canvas: np.ndarray, ink: np.ndarray, rect: tuple[float, float, float, float]) -> None:
    """Resize ``ink`` into ``rect`` (canvas units) of the square ``canvas``, in place."""
    from app.preprocess import resize

    side = canvas.shape[0]
    left, top, width, height = rect
    x0, y0 = round(left * side), round(top * side)
    w, h = max(1, round(width * side)), max(1, round(height * side))
    w, h = min(w, side - x0), min(h, side - y0)
    canvas[y0 : y0 + h, x0 : x0 + w] = np.clip(resize(ink, h, w), 0, 1)


def _colours(document: Document) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    """(paper, ink) as RGB: the picture's own, or black on white for a drawing."""
    if document.picture is None:
        return (255, 255, 255), (0, 0, 0)
    rgb = np.asarray(document.picture.pixels)
    rgb = np.repeat(rgb[..., None], 3, axis=2) if rgb.ndim == 2 else rgb[..., :3]
    paper = tuple(int(v) for v in np.median(rgb.reshape(-1, 3)[:: max(1, rgb.size // 30000)], axis=0))
    ink = (0, 0, 0) if document.dark_on_light() else (255, 255, 255)
    return paper, ink  # type: ignore[return-value]


def render_image(document: Document, side: int = 512) -> np.ndarray:
    """The canvas as a picture (side x side RGB uint8) that reads the same when opened again."""
    from PIL import Image, ImageDraw

    paper, ink = _colours(document)
    img = Image.new("RGB", (side, side), paper)
    if document.picture is not None:
        pic = Image.fromarray(np.ascontiguousarray(document.picture.pixels)).convert("RGBA")
        left, top, width, height = document.picture.rect
        pic = pic.resize((max(1, round(width * side)), max(1, round(height * side))), Image.Resampling.LANCZOS)
        img.paste(pic, (round(left * side), round(top * side)), pic)
    draw = ImageDraw.Draw(img)
    for stroke in document.strokes:
        _draw_stroke(draw, stroke, side, _grow(stroke.erase, side), paper if stroke.erase else ink)
    return np.asarray(img)
