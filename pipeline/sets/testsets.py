"""The render stage's open-world test sets, from MNIST's test digits, read up to the model.

Drawn digits (framed as the app frames a drawing), whole numbers and photos of paper, each
read by the app's reader up to its candidates (:mod:`pipeline.sets.plans`). Seeded: the same
seed draws the same pictures, on any number of cores.
"""

from __future__ import annotations

import numpy as np

from pipeline.sets.plans import PlanSet, concat, plan_pictures
from pipeline.streams import Stream
from pipeline.synth.number import number
from pipeline.synth.photo import photo


def _numbers_job(x: np.ndarray, y: np.ndarray, length: int, first: int, count: int, seed: int) -> PlanSet:
    pictures, truths = [], []
    for k in range(first, first + count):
        rng = np.random.default_rng([seed, Stream.TEST_NUMBERS, length, k])
        idx = rng.integers(0, len(x), length)
        pictures.append(number(x[idx], rng))
        truths.append("".join(str(int(v)) for v in y[idx]))
    return plan_pictures(pictures, truths)


def _photos_job(x: np.ndarray, y: np.ndarray, first: int, seed: int) -> PlanSet:
    pictures = [photo(x[i], np.random.default_rng([seed, Stream.TEST_PHOTOS, first + i])) for i in range(len(x))]
    return plan_pictures(pictures, [str(int(v)) for v in y])


def _drawn_job(x: np.ndarray, transform: str, seed: int) -> np.ndarray:
    from app.preprocess import prepare
    from pipeline.synth.pen import drawn_inputs

    return np.rint(drawn_inputs(x, transform, lambda c: prepare(c).image, seed) * 255).astype(np.uint8)


def _scenes_job(
    x: np.ndarray, y: np.ndarray, kind: str, family: str, seen: dict[str, list[str]], first: int, count: int, seed: int
) -> PlanSet:
    """Scenes whose ``kind`` is ``family`` (the other kinds drawn from the families training uses)."""
    from pipeline.families import KINDS
    from pipeline.synth.scene import digit_count, pick_families, scene

    pictures, truths = [], []
    for k in range(first, first + count):
        rng = np.random.default_rng([seed, Stream.TEST_SCENES, list(KINDS).index(kind), KINDS[kind].index(family), k])
        chosen = pick_families(seen, rng, **{kind: family})
        idx = rng.integers(0, len(x), digit_count(chosen, rng))
        written = scene(x[idx], y[idx], chosen, rng)
        pictures.append(written.pixels)
        truths.append(written.truth)
    return plan_pictures(pictures, truths)


def render_sets(data, cfg, families) -> dict[str, np.ndarray]:
    """Every open-world test set (``render`` params; scenes of every family in ``families``), for ``renderings.npz``."""
    from pipeline.families import DRAWN
    from pipeline.sets.parallel import run_jobs

    chunk = 250
    out: dict[str, np.ndarray] = {}
    if cfg.drawn:
        n = len(data.x_test) if cfg.drawn_limit is None else min(cfg.drawn_limit, len(data.x_test))
        parts = run_jobs(_drawn_job, [(data.x_test[:n], name, 0) for name in DRAWN], "drawn digits")
        out["drawn_x"] = np.concatenate(parts)
        out["drawn_y"] = np.tile(data.y_test[:n], len(DRAWN))
        out["drawn_kind"] = np.repeat(np.arange(len(DRAWN), dtype=np.uint8), n)
    jobs = [
        (data.x_test, data.y_test, length, first, min(chunk, cfg.numbers_per_length - first), cfg.seed)
        for length in cfg.number_lengths
        for first in range(0, cfg.numbers_per_length, chunk)
    ]
    if jobs:
        sets = run_jobs(_numbers_job, jobs, "numbers")
        out |= concat(sets).save("numbers")
        out["numbers_length"] = np.asarray([len(t) for ps in sets for t in ps.truth], np.int32)
    n = min(cfg.photos, len(data.x_test))
    jobs = [
        (data.x_test[a : min(a + chunk, n)], data.y_test[a : min(a + chunk, n)], a, cfg.seed)
        for a in range(0, n, chunk)
    ]
    if jobs:
        out |= concat(run_jobs(_photos_job, jobs, "photos")).save("photos")
    out |= _scene_sets(data, cfg, families, chunk)
    if cfg.drawn:
        out |= _style_set(data, families, cfg.seed, cfg.drawn_limit)
    out |= _examples(data, cfg, n)
    return out


def _style_set(data, families, seed: int, limit: int | None) -> dict[str, np.ndarray]:
    """MNIST's test 1s and 7s as they are ("plain") and written in every style of ``families`` (held out or
    not), drawn in the app's window: ``styles_x`` framed inputs, ``styles_y`` labels, ``styles_kind``
    (index in :data:`pipeline.families.STYLES`); the first ``limit`` digits of each style (None: all)."""
    from pipeline.families import STYLES
    from pipeline.synth.styles import DIGIT, written_in_styles

    xs, ys, kinds = [], [], []
    for style in families.all.style:
        idx = np.flatnonzero(np.isin(data.y_test, [DIGIT[style]] if style in DIGIT else sorted(set(DIGIT.values()))))
        idx = idx[:limit]  # a quick pipeline: all 2,163 test 1s and 7s in 4 styles were a quarter of its render
        x = (
            data.x_test[idx]
            if style not in DIGIT
            else written_in_styles(data.x_test[idx], data.y_test[idx], (style,), 1.0, seed)
        )
        xs.append(_drawn_job(x, "centred", seed))
        ys.append(data.y_test[idx])
        kinds.append(np.full(len(idx), STYLES.index(style), np.uint8))
    return {"styles_x": np.concatenate(xs), "styles_y": np.concatenate(ys), "styles_kind": np.concatenate(kinds)}


def _scene_sets(data, cfg, families, chunk: int) -> dict[str, np.ndarray]:
    """Scenes: each family of each kind in turn, the other kinds drawn from the families training uses;
    with the kind and family each picture was made to test, and whether training held that family out."""
    from pipeline.families import SCENE_KINDS
    from pipeline.sets.parallel import run_jobs

    seen = {k: families.seen(k) for k in SCENE_KINDS}
    wanted = [(kind, f) for kind in SCENE_KINDS for f in getattr(families.all, kind)]
    jobs = [
        (data.x_test, data.y_test, kind, f, seen, first, min(chunk, cfg.scenes_per_family - first), cfg.seed)
        for kind, f in wanted
        for first in range(0, cfg.scenes_per_family, chunk)
    ]
    if not jobs:
        return {}
    sets = run_jobs(_scenes_job, jobs, "scenes")
    out = concat(sets).save("scenes")
    made = [(job[2], job[3], len(ps.truth)) for job, ps in zip(jobs, sets, strict=True)]
    out["scenes_kind"] = np.concatenate([np.full(n, kind, "U12") for kind, _, n in made])
    out["scenes_family"] = np.concatenate([np.full(n, f, "U16") for _, f, n in made])
    out["scenes_held_out"] = np.concatenate([np.full(n, f in getattr(families.held_out, kind)) for kind, f, n in made])
    return out


def _examples(data, cfg, photos: int) -> dict[str, np.ndarray]:
    """A few pictures as people would see them, for the report: numbers and photos."""
    out = {}
    for k in range(min(4, cfg.numbers_per_length)):
        length = list(cfg.number_lengths)[k % len(cfg.number_lengths)]
        rng = np.random.default_rng([cfg.seed, Stream.TEST_NUMBERS, length, 0])
        out[f"example_number_{k}"] = number(data.x_test[rng.integers(0, len(data.x_test), length)], rng)
    for k in range(min(4, photos)):
        out[f"example_photo_{k}"] = photo(data.x_test[k], np.random.default_rng([cfg.seed, Stream.TEST_PHOTOS, k]))
    return out
