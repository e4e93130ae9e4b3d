"""Fuzzing: mutated PNG/JPEG/GIF/TIFF/WebP bytes through decoding, ink and reading, 2,000+ cases.

Every input ends in a result or the project's own error (ImageError, EmptyImage), never
another exception. Seeded by hypothesis, so a failure is reproduced from its printed example.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from app.images import ImageError, decode
from app.preprocess import EmptyImage, ink_from_image, normalise
from app.reader import plan

pytestmark = pytest.mark.slow

FORMATS = ["PNG", "JPEG", "GIF", "TIFF", "WEBP"]


def _seed_images() -> dict[str, bytes]:
    rng = np.random.default_rng(0)
    digit = np.zeros((48, 40), np.uint8)
    digit[8:40, 18:24] = 255
    digit[8:14, 10:24] = 255
    out = {}
    for fmt in FORMATS:
        buf = io.BytesIO()
        mode_img = (
            Image.fromarray(255 - digit)
            if fmt != "PNG"
            else Image.fromarray(rng.integers(0, 255, (30, 30, 4), dtype=np.uint8), "RGBA")
        )
        mode_img.save(buf, format=fmt)
        out[fmt] = buf.getvalue()
    return out


SEEDS = _seed_images()


@st.composite
def mutated(draw):
    data = bytearray(SEEDS[draw(st.sampled_from(FORMATS))])
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["flip", "set", "cut", "insert", "repeat"]))
        pos = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set" and data:
            data[pos] = draw(st.integers(0, 255))
        elif kind == "cut":
            data = data[: draw(st.integers(0, len(data)))]
        elif kind == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "repeat" and data:
            data[pos:pos] = data[pos : pos + draw(st.integers(1, 32))] * draw(st.integers(1, 8))
    return bytes(data)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(mutated())
def test_mutated_pictures_end_in_a_result_or_our_own_error(data):
    import warnings

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            picture = decode(data, "fuzz")
        except ImageError:
            picture = None
    # Pillow's "Corrupt EXIF data" and "Tag data larger than file" once reached digit-predict's stderr
    assert not caught, [str(w.message) for w in caught]
    if picture is None:
        return
    assert picture.pixels.dtype == np.uint8 and picture.pixels.ndim in (2, 3)
    try:
        ink, _ = ink_from_image(picture.pixels)
        p = plan(ink)
    except EmptyImage:
        return
    assert np.isfinite(p.images).all() and p.images.shape[1:] == (28, 28)
    normalise(ink)
