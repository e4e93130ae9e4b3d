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

from app.contract import FIELD
from app.preprocess import INK_THRESHOLD, EmptyImage, frame, normalise, segment
from pipeline.data import DIGIT_FAMILIES, Framed
from pipeline.families import DRAWN, NON_DIGITS
from pipeline.streams import Stream
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
from pipeline.synth.written import STROKE_FONT_SPLITS, written


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


#: How often each drawn non-digit family is made, relative to the others (``miscut`` comes from scenes).
#: A glyph is printed (an outline font) or written with a pen (a stroke font), half and half.
WEIGHTS = {"glyph": 8, "stroke": 2, "scribble": 1, "shape": 3, "hatching": 1, "noise": 1, "fragment": 2, "pair": 2}


def generate(
    split: str, count: int, seed: int, digits: np.ndarray, chunk: int = 0, kinds: tuple[str, ...] = tuple(WEIGHTS)
) -> Negatives:
    """``count`` framed non-digit inputs of the ``kinds`` families, for ``split`` (its own fonts and seed stream)."""
    fonts, hands = load_fonts(split), STROKE_FONT_SPLITS[split]
    makers: dict[str, Callable[[np.random.Generator], np.ndarray]] = {
        "glyph": lambda r: glyph(r, fonts) if r.random() < 0.5 else written(r, hands),
        "stroke": stroke,
        "scribble": scribble,
        "shape": shape,
        "hatching": hatching,
        "noise": noise,
        "fragment": fragment,
        "pair": lambda r: pair(r, digits),
    }
    drawn = [k for k in kinds if k in WEIGHTS]
    weights = np.array([WEIGHTS[k] for k in drawn], np.float64)
    weights /= weights.sum()
    rng = np.random.default_rng([seed, list(FONT_SPLITS).index(split), chunk])
    images, family = [], []
    while len(images) < count:
        f = NON_DIGITS.index(drawn[int(rng.choice(len(drawn), p=weights))])
        ink = makers[NON_DIGITS[f]](rng)
        for img in framed_pieces(ink):
            if len(images) < count:
                images.append(np.rint(img * 255).astype(np.uint8))
                family.append(f)
            if NON_DIGITS[f] not in ("noise", "fragment"):
                break  # the whole drawing; only specks and bits are each a non-digit piece on their own
    return Negatives(np.stack(images), np.asarray(family, np.uint8))


CHUNK = 2000  # jobs of this many pictures: the output is the same on any number of cores


def negatives(
    split: str, count: int, seed: int, digits: np.ndarray, kinds: tuple[str, ...] = tuple(WEIGHTS)
) -> Negatives:
    """:func:`generate` in fixed chunks over every core."""
    from pipeline.sets.parallel import run_jobs

    jobs = [
        (split, min(CHUNK, count - start), seed, digits, k, kinds) for k, start in enumerate(range(0, count, CHUNK))
    ]
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
    from app.paper import ink_from_image
    from pipeline.synth.photo import photo

    out, source = [], []
    for i, (digit, k) in enumerate(zip(digits, pick, strict=True)):
        picture = photo(digit, np.random.default_rng([seed, Stream.FRAMED_PHOTOS, first + i]))
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
    from app.paper import ink_from_image
    from pipeline.synth.number import number

    out, source = [], []
    for k in range(first, first + count):
        rng = np.random.default_rng([seed, Stream.FRAMED_NUMBERS, k])
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
        return np.zeros((0, FIELD, FIELD), np.uint8), np.zeros(0, np.int64)
    return np.stack(images), np.asarray(source, np.int64)


def digits_as_drawn(
    images: np.ndarray,
    per_rendering: int,
    photos: int,
    numbers: int,
    seed: int,
    drawn: tuple[str, ...] = DRAWN,
) -> dict[str, Framed]:
    """Digits as the app sees them when people draw (with the ``drawn`` renderings), photograph or write
    them in numbers.

    Per family: the framed uint8 inputs and, for each, the index in ``images`` of its digit.
    """
    from pipeline.sets.parallel import run_jobs

    rng = np.random.default_rng([seed, Stream.FRAMED_DRAWN])
    jobs: list[tuple] = []
    if per_rendering:
        for name in drawn:
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


# ------------------------------------------------------------ written scenes, read by the reader
#: A candidate is the digit whose ink it holds at least this share of, holding at most MAX_SPILL of
#: any other digit's...
MIN_COVER = 0.9
MAX_SPILL = 0.1
#: ...and is a wrong cut (a part of a digit, or two as one) when it covers under FRAGMENT of every
#: digit, or MERGED of two. Anything between is left out of training.
FRAGMENT = 0.35
MERGED = 0.5
#: A part narrower than this for its height looks like a 1: never taught as "not a digit".
ONE_LIKE = 0.45
#: Wrong cuts kept per scene (the rest are much alike).
MISCUTS_PER_SCENE = 4


@dataclass(frozen=True)
class SceneSets:
    digits: Framed  # the candidates the reader cut right: framed inputs and their source digits
    miscuts: np.ndarray  # (M, 28, 28) uint8: candidates cut wrongly (for the gate: not a digit)


def label_candidates(pieces: list, owner: np.ndarray, digits: int) -> np.ndarray:
    """For each candidate (its ink in the ink map: :class:`app.preprocess.Piece`), the index of the digit it
    is, -1 for a wrong cut, -2 unsure.

    ``owner``: which digit's ink each pixel of the ink map is (-1: none). A candidate is digit k when
    its ink holds nearly all of k's and little of any other's; a wrong cut when it holds MERGED of two
    digits' ink (two as one) or under FRAGMENT of every digit's (a small part). A bigger part of a
    digit may look just like another digit (a 9 cut at its loop is a 7), and a narrow upright part
    like a 1: those are left unsure, never taught as "not a digit"."""
    total = np.bincount(owner.ravel() + 1, minlength=digits + 1)[1:].astype(np.float64)
    out = np.full(len(pieces), -2, np.int64)
    for i, piece in enumerate(pieces):
        top, left, bottom, right = piece.box
        mine = owner[top:bottom, left:right][piece.ink > INK_THRESHOLD]
        share = np.bincount(mine + 1, minlength=digits + 1)[1:] / np.maximum(total, 1)
        k = int(np.argmax(share))
        others = np.delete(share, k)
        if share[k] >= MIN_COVER and (others.size == 0 or others.max() <= MAX_SPILL):
            out[i] = k
        elif digits > 1 and np.sort(share)[-2] >= MERGED:
            out[i] = -1  # two digits as one
        elif share.max() < FRAGMENT and (right - left) >= ONE_LIKE * (bottom - top):
            out[i] = -1  # a small part of a digit
    return out


def _scene_job(images: np.ndarray, families: object, seed: int, first: int, count: int) -> tuple:
    """Scenes ``first``..``first + count`` written with ``images``, read by the app's reader up to its
    candidates, each candidate labelled against where the digits really are."""
    from app.paper import ink_variants
    from app.reader import plan
    from pipeline.families import SCENE_KINDS
    from pipeline.synth.scene import digit_count, pick_families, resize_labels, scene

    digits, source, miscuts = [], [], []
    for k in range(first, first + count):
        rng = np.random.default_rng([seed, Stream.FRAMED_SCENES, k])
        chosen = pick_families({k: families.seen(k) for k in SCENE_KINDS}, rng)  # type: ignore[attr-defined]
        picked = rng.integers(0, len(images), digit_count(chosen, rng))
        written = scene(images[picked], np.zeros(len(picked), np.uint8), chosen, rng)
        variants, _ = ink_variants(written.pixels)
        owner = resize_labels(written.owner, variants[0][0].shape)
        wrong, seen = [], set()
        for v, (ink, _) in enumerate(variants):
            try:
                p = plan(ink, keep_pieces=True)
            except EmptyImage:
                continue
            labels = label_candidates(p.pieces, owner, len(picked))
            for image, label in zip(p.images, labels, strict=True):
                framed = np.rint(image * 255).astype(np.uint8)
                if framed.tobytes() in seen:
                    continue  # the same input from another candidate or variant
                seen.add(framed.tobytes())
                if label >= 0 and v == 0:  # digits as the reader reads them: the paper's structure removed
                    digits.append(framed)
                    source.append(picked[label])
                elif label == -1:  # wrong cuts, and what the paper's structure does when it stays
                    wrong.append(framed)
        for j in rng.permutation(len(wrong))[:MISCUTS_PER_SCENE]:
            miscuts.append(wrong[j])
    images_out, source_out = _stacked(digits, source)
    return images_out, source_out, np.stack(miscuts) if miscuts else np.zeros((0, FIELD, FIELD), np.uint8)


def scene_sets(images: np.ndarray, count: int, families: object, seed: int) -> SceneSets:
    """``count`` scenes written with ``images`` in the families training may use, read by the app's reader:
    the digits it cut right (with their index in ``images``) and what it cut wrongly."""
    from pipeline.sets.parallel import run_jobs

    step = CHUNK // 10
    jobs = [(images, families, seed, start, min(step, count - start)) for start in range(0, count, step)]
    parts = run_jobs(_scene_job, jobs, "written scenes") if jobs else []
    if not parts:
        return SceneSets(Framed(*_stacked([], [])), np.zeros((0, FIELD, FIELD), np.uint8))
    return SceneSets(
        Framed(np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])),
        np.concatenate([p[2] for p in parts]),
    )
