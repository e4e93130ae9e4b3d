"""The random streams' tags are part of every generated output's bytes."""

from __future__ import annotations

import numpy as np

from pipeline.streams import Stream


def test_stream_tags_keep_the_numbers_the_outputs_were_made_with():
    # renumbering a tag changes render's, openset's, export's, gate's, strings' or adapt's bytes (dvc.lock)
    assert {s.name: int(s) for s in Stream.__members__.values()} == {
        "TEST_NUMBERS": 1,
        "TEST_PHOTOS": 2,
        "FRAMED_PHOTOS": 3,
        "FRAMED_DRAWN": 4,
        "FRAMED_NUMBERS": 5,
        "FRAMED_SCENES": 6,
        "TEST_SCENES": 7,
        "CALIBRATION": 8,
        "GATE_ORDER": 9,
        "STRING_EXAMPLES": 10,
        "STRING_ORDER": 11,
    }
    assert Stream.ADAPT_REPLAY == 1  # under user.seed, not render.seed


def test_a_tag_seeds_as_its_number_does():
    for tag in Stream:
        a = np.random.default_rng([42, tag, 3]).integers(0, 2**31, 8)
        assert np.array_equal(a, np.random.default_rng([42, int(tag), 3]).integers(0, 2**31, 8))
