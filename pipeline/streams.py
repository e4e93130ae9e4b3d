"""Each random draw's own stream: ``np.random.default_rng([seed, Stream.X, ...])``.

A stage seeds every job from its config's seed and a tag naming what the job draws, so two jobs
never share a stream, a job draws the same whatever else runs (and on any number of workers),
and adding a draw elsewhere moves nothing. The values are part of the outputs' bytes: never
renumber one. Tags are unique within a seed's config group; ``ADAPT_REPLAY`` shares 1 with
``TEST_NUMBERS`` under a different seed (``user.seed``, not ``render.seed``).
"""

from __future__ import annotations

from enum import IntEnum


class Stream(IntEnum):
    TEST_NUMBERS = 1  # render: numbers written with MNIST test digits (per length, per number)
    ADAPT_REPLAY = 1  # adapt: which MNIST training digits are replayed beside the person's (user.seed)
    TEST_PHOTOS = 2  # render: photos of MNIST test digits (per digit)
    FRAMED_PHOTOS = 3  # openset: photos of training digits (per digit)
    FRAMED_DRAWN = 4  # openset: which training digits each drawn rendering draws
    FRAMED_NUMBERS = 5  # openset: numbers written with training digits (per number)
    FRAMED_SCENES = 6  # openset: scenes of training digits read by the reader (per chunk)
    TEST_SCENES = 7  # render: scenes of each family (per kind, family, scene)
    CALIBRATION = 8  # export: the int8 calibration digits
    GATE_ORDER = 9  # gate: each epoch's order of the training examples
    STRING_EXAMPLES = 10  # strings: the touching strings and the non-digits (training, validation)
    STRING_ORDER = 11  # strings: each epoch's order of the training examples
