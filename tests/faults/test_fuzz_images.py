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
from app.paper import ink_from_image
from app.preprocess import EmptyImage, normalise
from app.reader import plan
from tests.helpers import PEAK_KIB

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


def _mutate(data: bytearray, rng: np.random.Generator) -> bytes:
    """The mutations of :func:`mutated`, drawn from a seeded generator (for files written up front)."""
    for _ in range(int(rng.integers(1, 13))):
        kind = rng.choice(["flip", "set", "cut", "insert", "repeat"])
        pos = int(rng.integers(0, max(1, len(data))))
        if kind == "flip" and data:
            data[pos] ^= 1 << int(rng.integers(0, 8))
        elif kind == "set" and data:
            data[pos] = int(rng.integers(0, 256))
        elif kind == "cut":
            data = data[: int(rng.integers(0, len(data) + 1))]
        elif kind == "insert":
            data[pos:pos] = rng.bytes(int(rng.integers(1, 17)))
        elif kind == "repeat" and data:
            data[pos:pos] = data[pos : pos + int(rng.integers(1, 33))] * int(rng.integers(1, 9))
    return bytes(data)


def test_two_thousand_mutated_files_through_digit_predict_are_each_answered(tmp_path, published_model):
    """The fuzz through the command people run, in a process of its own: every file is accounted for
    once in ``--json`` output (a result or an error), no traceback, no file takes 10 s, and the
    process's peak memory stays under 500 MB."""
    import json
    import subprocess
    import sys
    import time

    rng = np.random.default_rng(2026)
    folder = tmp_path / "fuzz"
    folder.mkdir()
    suffix = {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "TIFF": "tif", "WEBP": "webp"}
    names = []
    for i in range(2000):
        fmt = FORMATS[i % len(FORMATS)]
        names.append(f"{i:04d}.{suffix[fmt]}")
        (folder / names[-1]).write_bytes(_mutate(bytearray(SEEDS[fmt]), rng))
    child = (
        "import sys\nsys.stdout.reconfigure(line_buffering=True)\nfrom app.cli import main\n"
        "code = main(sys.argv[1:])\n"
        f"print('peak', {PEAK_KIB}, file=sys.stderr)\nsys.exit(code)"
    )
    err_file = tmp_path / "stderr.txt"  # a file, not a pipe: 2,000 error lines would fill a pipe no one reads
    with err_file.open("w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", child, "--json", "--model", str(published_model), str(folder)],
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    records, gaps, last = [], [], None
    assert proc.stdout is not None
    for line in proc.stdout:  # one line a file, as it is read: the gaps are the time each file took
        now = time.monotonic()
        if last is not None:
            gaps.append(now - last)
        last = now
        records.append(json.loads(line))
    code = proc.wait(timeout=60)
    stderr = err_file.read_text()
    assert code in (0, 1), stderr[-2000:]
    assert "Traceback" not in stderr, stderr[-2000:]
    assert sorted(r["file"].rsplit("/", 1)[-1] for r in records) == names  # each file once
    answered = sum(r.get("error") is None for r in records)
    assert 0 < answered < len(names)  # some mutations still decode, most do not: both paths were taken
    print(f"{answered} of {len(names)} answered, the slowest file {max(gaps):.3f} s", end=" ")
    assert max(gaps) < 10, f"a file took {max(gaps):.1f} s"
    peak_mb = int(stderr.split("peak")[-1].split()[0]) / 1024
    print(f"peak memory {peak_mb:.0f} MB")
    assert peak_mb < 500, f"peak memory {peak_mb:.0f} MB"
