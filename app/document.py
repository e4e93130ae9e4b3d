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

import hashlib
import math
import weakref
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np

#: Working resolution of a drawing for the model: the canvas is rendered at this many pixels
#: a side, whatever the window's size (a digit ends up 20 px tall anyway).
DRAWING_SIDE = 256
#: The eraser reaches this many pixels (at DRAWING_SIDE) wider than the pen of the same width.
ERASER_GROW = 2.0
#: The default pen, in canvas widths: thin enough that a number written with ordinary gaps keeps
#: them. Numbers of 4-6 digits written in a 480-pixel canvas (pipeline/synth/strokes.py; digits 60-90 px
#: tall, 0.2-0.3 of a digit's height apart): 79 of 90 read right with this pen (12.8 px), 9 of 90
#: with the former 1/15 (32 px), where neighbours touch; single digits 150-380 px tall, 60 of 60
#: with either (framing brings any stroke width back to MNIST's).
DEFAULT_PEN = 4 / 150


@dataclass(frozen=True)
class Stroke:
    """A polyline in canvas units, drawn with a round pen ``width`` canvas units wide."""

    points: tuple[tuple[float, float], ...]
    width: float = DEFAULT_PEN
    erase: bool = False


@dataclass(frozen=True)
class Frame:
    """Where an ink map lies on the canvas: the canvas units of its top-left corner and its pixels per unit.

    A drawing's frame is the canvas square at ``unit`` pixels a side, grown to keep ink that ran
    past an edge (a mouse held down outside the canvas still draws). An opened picture with no
    strokes over it is read in its own frame, exactly as ``digit-predict`` reads the file.
    """

    left: float = 0.0
    top: float = 0.0
    unit: int = DRAWING_SIDE
    shape: tuple[int, int] = (DRAWING_SIDE, DRAWING_SIDE)

    @property
    def origin(self) -> tuple[int, int]:
        """The canvas pixel (at ``unit`` pixels a unit) of the ink map's top-left corner: (x, y)."""
        return round(self.left * self.unit), round(self.top * self.unit)

    def to_canvas(self, box: tuple[int, int, int, int]) -> tuple[float, float, float, float]:
        """A box (top, left, bottom, right) in the ink map's pixels as (left, top, width, height) in canvas units."""
        t, left, b, r = box
        u = self.unit
        return self.left + left / u, self.top + t / u, (r - left) / u, (b - t) / u

    @property
    def past_edge(self) -> bool:
        """Does the ink map reach past the canvas square (ink drawn beyond an edge)?"""
        h, w = self.shape
        ox, oy = self.origin
        return ox < 0 or oy < 0 or ox + w > self.unit or oy + h > self.unit


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
    def variants(self) -> tuple[list, bool]:
        """The picture's ink maps (at most ``app.preprocess.WORKING_SIDE`` a side: without the paper's structure,
        and as it is, when it has any; :func:`app.paper.ink_variants`) and whether it is dark ink on light."""
        from app.paper import ink_variants

        # the same ink as `digit-predict` reads: dark regions hugging the edge (a table beyond the paper) dropped
        return ink_variants(self.pixels)

    @property
    def ink(self) -> tuple[np.ndarray, bool]:
        """The picture's ink map (the paper's structure removed, if it has any) and its polarity."""
        variants, dark_on_light = self.variants
        return variants[0][0], dark_on_light

    @cached_property
    def _digest(self) -> bytes:
        # the same file opened twice is the same picture (one place in the history, not two);
        # hashing the pixels once costs ~10 ms for 12 MP, comparing digests nothing after that
        return hashlib.blake2b(self.pixels.tobytes(), digest_size=16).digest()

    def __eq__(self, other: object) -> bool:
        """Pictures are equal when their pixels are (whatever file or name they came from)."""
        if not isinstance(other, Picture):
            return NotImplemented
        return self is other or (self.pixels.shape == other.pixels.shape and self._digest == other._digest)

    def __hash__(self) -> int:
        return hash(self._digest)


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

    def dark_on_light(self) -> bool:
        """The ink's polarity: the picture's, or dark on light for a drawing."""
        return True if self.picture is None else self.picture.ink[1]

    def render_image(self, side: int = 512) -> np.ndarray:
        """The canvas as an RGB picture (for saving, and the history strip's thumbnails)."""
        return render_image(self, side)

    @cached_property
    def ink_bounds(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) in canvas units of every pen stroke's ink (inf, inf, -inf, -inf: none).

        Kept per document and grown from its parent's, so a reading while drawing does not walk
        every point of the drawing again (that cost the pen-up-to-answer time a millisecond).
        """
        parent = self.parent
        if parent is not None and parent.strokes == self.strokes[:-1]:
            bounds, new = parent.ink_bounds, self.strokes[-1:]
        else:
            bounds, new = (math.inf, math.inf, -math.inf, -math.inf), self.strokes
        x0, y0, x1, y1 = bounds
        for stroke in new:
            if stroke.erase or not stroke.points:
                continue  # erasing past the edge leaves nothing to keep
            r = stroke.width / 2
            xs, ys = [p[0] for p in stroke.points], [p[1] for p in stroke.points]
            x0, y0, x1, y1 = min(x0, min(xs) - r), min(y0, min(ys) - r), max(x1, max(xs) + r), max(y1, max(ys) + r)
        return x0, y0, x1, y1

    def frame(self, side: int | None = None) -> Frame:
        """Where the ink map that the model reads lies on the canvas (see :class:`Frame`)."""
        return self._frame if side is None else self._frame_at(side)

    @cached_property
    def _frame(self) -> Frame:
        return self._frame_at(None)

    def _frame_at(self, side: int | None) -> Frame:
        if self.picture is not None and not self.strokes and side is None:
            h, w = self.picture.ink[0].shape
            left, top, _, _ = self.picture.rect
            return Frame(left, top, max(h, w), (h, w))
        from app.preprocess import WORKING_SIDE  # with a picture underneath, the side pictures are read at

        unit = side or (DRAWING_SIDE if self.picture is None else WORKING_SIDE)
        margin = 2 / unit  # antialiased edge pixels
        x0, y0, x1, y1 = (v + d for v, d in zip(self.ink_bounds, (-margin, -margin, margin, margin), strict=True))
        left, top = math.floor(min(0.0, x0) * unit), math.floor(min(0.0, y0) * unit)
        right, bottom = math.ceil(max(1.0, x1) * unit), math.ceil(max(1.0, y1) * unit)
        return Frame(left / unit, top / unit, unit, (bottom - top, right - left))

    def render_ink(self, side: int | None = None) -> np.ndarray:
        """The ink map (float32, ink 1 on 0) that the model reads, in :meth:`frame` (read-only, cached).

        While drawing, each new document is its parent plus one stroke, so only that stroke
        is rasterised: the cost does not grow with the drawing.
        """
        key = (id(self), side)
        hit = _CACHE.get(key)
        if hit is not None and hit[0]() is self:
            return hit[1]
        frame = self.frame(side)
        parent = self.parent
        if self.picture is not None and not self.strokes and side is None:
            ink = self.picture.ink[0].copy()  # the file's own ink map, as digit-predict reads it
        elif (
            parent is not None
            and parent.strokes == self.strokes[:-1]
            and parent.picture is self.picture
            and parent.frame(side) == frame
        ):
            ink = _apply(parent.render_ink(side), self.strokes[-1:], frame.unit, frame.origin)
        else:
            base = np.zeros(frame.shape, np.float32)
            if self.picture is not None:
                _place(base, self.picture.ink[0], self.picture.rect, frame)
            ink = _apply(base, self.strokes, frame.unit, frame.origin)
        ink.flags.writeable = False
        _CACHE[key] = (weakref.ref(self), ink)
        while len(_CACHE) > 32:
            _CACHE.pop(next(iter(_CACHE)))
        return ink


_CACHE: dict[tuple[int, int | None], tuple[weakref.ref, np.ndarray]] = {}


def _apply(ink: np.ndarray, strokes: tuple[Stroke, ...], side: int, origin: tuple[int, int] = (0, 0)) -> np.ndarray:
    """``ink`` with ``strokes`` drawn in order (pen adds, eraser removes).

    Each stroke is drawn on the box it covers and combined there: a new stroke costs its own
    size, not the canvas's, and a drawing rendered stroke by stroke while it is made has the
    same pixels as the same strokes rendered at once (each depends on its stroke alone).
    ``side`` is the canvas side in pixels; ``ink``'s top-left pixel is canvas pixel ``origin`` (x, y).
    """
    out = ink.copy()
    for stroke in strokes:
        drawn = _rasterize_box(stroke, side, _grow(stroke.erase, side), origin, out.shape)
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


def _rasterize_box(
    stroke: Stroke,
    side: int,
    grow: float,
    origin: tuple[int, int] = (0, 0),
    shape: tuple[int, int] | None = None,
) -> tuple[tuple[int, int], np.ndarray] | None:
    """The stroke drawn on the part of an ink map it covers: ((top, left), mask), or None.

    The ink map is ``shape`` (default the (side, side) canvas) with its top-left pixel at canvas
    pixel ``origin`` (x, y); the canvas is ``side`` pixels a side.

    The box reaches past the pen's edge and shapes are moved by whole pixels, so this is the
    whole-canvas drawing but for Pillow's single-precision filling of wide lines, which can put
    an edge pixel of a long straight segment one pixel over (14 of 4,000 two-point strokes
    differ, by up to 6 pixels; strokes sampled as a mouse sends them, none in thousands).
    """
    from PIL import Image, ImageDraw

    ox, oy = origin
    height, width = shape or (side, side)
    pts = [(x * side - ox, y * side - oy) for x, y in stroke.points]
    if not pts:
        return None
    reach = max(1.0, stroke.width * side + grow) / 2 + 2
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    left, top = max(0, math.floor(min(xs) - reach)), max(0, math.floor(min(ys) - reach))
    right, bottom = min(width, math.ceil(max(xs) + reach) + 1), min(height, math.ceil(max(ys) + reach) + 1)
    if right <= left or bottom <= top:
        return None
    img = Image.new("L", (right - left, bottom - top), 0)
    _draw_stroke(ImageDraw.Draw(img), stroke, side, grow, 255, (left + ox, top + oy))
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


def _place(canvas: np.ndarray, ink: np.ndarray, rect: tuple[float, float, float, float], frame: Frame) -> None:
    """Resize ``ink`` into ``rect`` (canvas units) of the ink map ``canvas`` laid out as ``frame``, in place."""
    from app.preprocess import resize

    side = frame.unit
    ox, oy = frame.origin
    left, top, width, height = rect
    x0, y0 = round(left * side), round(top * side)
    w, h = max(1, round(width * side)), max(1, round(height * side))
    w, h = min(w, side - x0), min(h, side - y0)
    canvas[y0 - oy : y0 - oy + h, x0 - ox : x0 - ox + w] = np.clip(resize(ink, h, w), 0, 1)


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


def read(classifier: Any, document: Document) -> tuple[Any, np.ndarray]:
    """(the reading, the ink map read): the one reading path of the window and ``digit-predict``.

    ``classifier`` is an :class:`app.inference.Classifier`. A picture with nothing drawn over it
    is read in its own frame at the same working size whichever front end opened it, so both
    give the same answer and the same confidences; boxes are in the ink map's pixels.
    """
    if document.picture is not None and not document.strokes:  # a picture as opened: read it both ways
        variants, dark_on_light = document.picture.variants
        reading = classifier.read_variants(variants, dark_on_light=dark_on_light)
        return reading, variants[0][0] if reading.removed else variants[-1][0]
    ink = document.render_ink()
    return classifier.read_ink(ink, dark_on_light=document.dark_on_light()), ink
