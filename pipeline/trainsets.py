"""The openset stage's sets: generated non-digits for the gate, and digits as the app frames them.

- :func:`negatives`: framed non-digit inputs (:mod:`pipeline.synth.nondigit`) for training,
  validation and evaluation, with disjoint seeds and fonts;
- :func:`digits_as_drawn`: training digits drawn, photographed and written in numbers
  (:mod:`pipeline.synth`), cut and framed by the app's own code, each with the index of its
  source digit (its label's home).

Every input goes through the app's reading path (:func:`app.preprocess.segment`, then MNIST
framing), so the models learn on exactly the 28x28 inputs the app will give them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from app.preprocess import EmptyImage, frame, normalise, segment
from pipeline.data import DIGIT_FAMILIES, Framed
from pipeline.families import NON_DIGITS
from pipeline.synth.nondigit import (
    FONT_SPLITS,
    fragment,
    glyph,
    hatching,
    load_fonts,
    noise,
    pair,
    scribble,
    shape,
    stroke,
)


@dataclass(frozen=True)
class Negatives:
    images: np.ndarray  # (N, 28, 28) uint8: the framed inputs
    family: np.ndarray  # (N,) index into NON_DIGITS


def framed_pieces(ink: np.ndarray) -> Iterator[np.ndarray]:
    """The 28x28 inputs the app would score for this ink: the whole, and each piece if there are several."""
    try:
        ink = normalise(ink)
    except EmptyImage:
        return
    pieces = segment(ink)
    yield frame(ink)
    if len(pieces) > 1:
        for p in pieces:
            try:
                yield frame(p.ink)
            except EmptyImage:
                continue


def generate(split: str, count: int, seed: int, digits: np.ndarray, chunk: int = 0) -> Negatives:
    """``count`` framed non-digit inputs of every family, for ``split`` (its own fonts and seed stream)."""
    fonts = load_fonts(split)
    makers: dict[str, Callable[[np.random.Generator], np.ndarray]] = {
        "glyph": lambda r: glyph(r, fonts),
        "stroke": stroke,
        "scribble": scribble,
        "shape": shape,
        "hatching": hatching,
        "noise": noise,
        "fragment": fragment,
        "pair": lambda r: pair(r, digits),
    }
    weights = np.array([5, 2, 1, 3, 1, 1, 2, 2], np.float64)
    weights /= weights.sum()
    rng = np.random.default_rng([seed, list(FONT_SPLITS).index(split), chunk])
    images, family = [], []
    while len(images) < count:
        f = int(rng.choice(len(NON_DIGITS), p=weights))
        ink = makers[NON_DIGITS[f]](rng)
        for img in framed_pieces(ink):
            if len(images) < count:
                images.append(np.rint(img * 255).astype(np.uint8))
                family.append(f)
            if NON_DIGITS[f] not in ("noise", "fragment"):
                break  # the whole drawing; only specks and bits are each a non-digit piece on their own
    return Negatives(np.stack(images), np.asarray(family, np.uint8))


CHUNK = 2000  # jobs of this many pictures: the output is the same on any number of cores


def negatives(split: str, count: int, seed: int, digits: np.ndarray) -> Negatives:
    """:func:`generate` in fixed chunks over every core."""
    from pipeline.parallel import run_jobs

    jobs = [(split, min(CHUNK, count - start), seed, digits, k) for k, start in enumerate(range(0, count, CHUNK))]
    parts = run_jobs(generate, jobs, f"non-digits ({split})")
    return Negatives(np.concatenate([p.images for p in parts]), np.concatenate([p.family for p in parts]))


def _drawn_job(digits: np.ndarray, pick: np.ndarray, transform: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``digits`` (the picked ones, ``pick`` their indices) drawn with ``transform``, framed as one digit each."""
    from app.preprocess import prepare
    from pipeline.synth.pen import render

    framed = [np.rint(prepare(c).image * 255).astype(np.uint8) for c in render(digits, transform, seed)]
    return np.stack(framed), pick


def _photo_job(digits: np.ndarray, pick: np.ndarray, seed: int, first: int) -> tuple[np.ndarray, np.ndarray]:
    """Photos of ``digits`` (``pick`` their indices), framed as the app reads a photo: its one piece, no specks."""
    from app.preprocess import ink_from_image
    from pipeline.synth.photo import photo

    out, source = [], []
    for i, (digit, k) in enumerate(zip(digits, pick, strict=True)):
        picture = photo(digit, np.random.default_rng([seed, 3, first + i]))
        try:
            pieces = segment(normalise(ink_from_image(picture)[0]))
        except EmptyImage:
            continue
        if len(pieces) == 1:  # read as one digit, as written
            out.append(np.rint(frame(pieces[0].ink) * 255).astype(np.uint8))
            source.append(k)
    return _stacked(out, source)


def _number_job(images: np.ndarray, seed: int, first: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The digits of whole numbers written with ``images``, as the app cuts and frames them."""
    from app.preprocess import ink_from_image
    from pipeline.synth.number import number

    out, source = [], []
    for k in range(first, first + count):
        rng = np.random.default_rng([seed, 5, k])
        picked = rng.integers(0, len(images), int(rng.integers(2, 6)))
        try:
            pieces = segment(normalise(ink_from_image(number(images[picked], rng))[0]))
        except EmptyImage:
            continue
        if len(pieces) == len(picked):  # cut as written: each piece is one digit
            out.extend(np.rint(frame(p.ink) * 255).astype(np.uint8) for p in pieces)
            source.extend(picked)
    return _stacked(out, source)


def _stacked(images: list[np.ndarray], source: list[int]) -> tuple[np.ndarray, np.ndarray]:
    if not images:
        return np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.int64)
    return np.stack(images), np.asarray(source, np.int64)


def digits_as_drawn(images: np.ndarray, per_rendering: int, photos: int, numbers: int, seed: int) -> dict[str, Framed]:
    """Digits as the app sees them when people draw, photograph or write them in numbers.

    Per family: the framed uint8 inputs and, for each, the index in ``images`` of its digit.
    """
    from pipeline.families import DRAWN
    from pipeline.parallel import run_jobs

    rng = np.random.default_rng([seed, 4])
    jobs: list[tuple] = []
    if per_rendering:
        for name in DRAWN:
            pick = np.sort(rng.choice(len(images), min(per_rendering, len(images)), replace=False))
            jobs.append(("drawn", images[pick], pick, name, seed))
    pick = np.sort(rng.choice(len(images), min(photos, len(images)), replace=False))
    for start in range(0, len(pick), CHUNK // 4):
        part = pick[start : start + CHUNK // 4]
        jobs.append(("photos", images[part], part, seed, start))
    for start in range(0, numbers, CHUNK // 8):
        jobs.append(("numbers", images, seed, start, min(CHUNK // 8, numbers - start)))
    parts = run_jobs(_digit_job, jobs, "digits drawn, photographed and written as numbers")
    out = {}
    for family in DIGIT_FAMILIES:
        mine = [p for job, p in zip(jobs, parts, strict=True) if job[0] == family] or [_stacked([], [])]
        out[family] = Framed(np.concatenate([m[0] for m in mine]), np.concatenate([m[1] for m in mine]))
    return out


def _digit_job(kind: str, *args) -> tuple[np.ndarray, np.ndarray]:
    return {"drawn": _drawn_job, "photos": _photo_job, "numbers": _number_job}[kind](*args)
