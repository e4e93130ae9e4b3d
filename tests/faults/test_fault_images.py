"""Hostile and unusual pictures: a clear ImageError, never a crash; the batch goes on."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.images import MAX_PIXELS, ImageError, decode, load_picture
from tests.helpers import PEAK_KIB


def bomb_png(width: int = 20000, height: int = 20000) -> bytes:
    """A tiny PNG whose header claims width x height pixels (case 1: 400 MP in a few hundred bytes)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def test_a_decompression_bomb_is_refused_before_decoding(tmp_path):
    data = bomb_png()
    assert len(data) < 300
    with pytest.raises(ImageError, match=r"20000 x 20000 pixels is too large \(limit 40 megapixels\)"):
        decode(data, "bomb.png")
    (tmp_path / "bomb.png").write_bytes(data)
    with pytest.raises(ImageError, match="too large"):
        load_picture(tmp_path / "bomb.png")
    assert MAX_PIXELS < 179_000_000  # below Pillow's own hard limit: we refuse first, with our message


def test_a_phones_48_megapixel_jpeg_is_read_shrunk_and_a_png_that_size_is_refused(sample):
    """A JPEG is decoded at a fraction of its size, so a phone's photo past MAX_PIXELS is read (an 8000 x 5688
    photo was refused); a PNG of that size would be decoded whole, and is still refused in our words."""
    from app.images import MAX_JPEG_PIXELS

    page = Image.new("L", (8000, 6000), 255)
    page.paste(Image.fromarray(255 - np.kron(sample.x_test[0], np.ones((80, 80), np.uint8))), (3000, 2000))
    buf = io.BytesIO()
    page.save(buf, format="JPEG", quality=85)
    picture = decode(buf.getvalue(), "phone.jpg")
    assert max(picture.pixels.shape) <= 2 * 1024 and picture.scale >= 4
    assert MAX_PIXELS < 8000 * 6000 < MAX_JPEG_PIXELS
    with pytest.raises(ImageError, match=r"8000 x 6000 pixels is too large \(limit 40 megapixels\)"):
        decode(bomb_png(8000, 6000), "page.png")


def test_a_damaged_picture_says_what_to_do_without_pythons_words():
    buf = io.BytesIO()
    Image.new("RGB", (300, 300), (200, 10, 10)).save(buf, format="PNG")
    with pytest.raises(ImageError) as err:
        decode(buf.getvalue()[:-80], "cut.png")
    message = str(err.value)
    assert message.startswith("cut.png: damaged or unreadable picture") and "save it again" in message
    assert "OSError" not in message and "Error:" not in message


def test_the_cli_reports_a_bomb_and_reads_the_rest(tmp_path, published_model, sample, capsys):
    from app.cli import main

    (tmp_path / "a_bomb.png").write_bytes(bomb_png())
    Image.fromarray(255 - np.kron(sample.x_test[0], np.ones((5, 5), np.uint8))).save(tmp_path / "b_digit.png")
    code = main(
        [str(tmp_path / "a_bomb.png"), str(tmp_path / "b_digit.png"), "--json", "--model", str(published_model)]
    )
    out, err = capsys.readouterr()
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 1 and "too large" in records[0]["error"] and records[1]["digit"] == sample.y_test[0]
    assert "Traceback" not in err


def test_a_float_tiff_in_0_1_is_read_as_its_picture(tmp_path, sample):
    """Case 19: Pillow's convert("L") clipped float pixels to 0..255, so [0, 1] came out black."""
    digit = np.kron(sample.x_test[0], np.ones((4, 4), np.uint8)).astype(np.float32) / 255.0
    Image.fromarray(digit, mode="F").save(tmp_path / "digit.tif")
    pixels = load_picture(tmp_path / "digit.tif").pixels
    assert pixels.dtype == np.uint8 and pixels.max() == 255 and np.corrcoef(pixels.ravel(), digit.ravel())[0, 1] > 0.99
    Image.fromarray((digit * 65535).astype(np.uint16)).save(tmp_path / "digit16.png")
    assert load_picture(tmp_path / "digit16.png").pixels.max() >= 254


def test_an_animated_gif_says_which_frame_was_read(tmp_path, sample):
    frames = [Image.fromarray(np.kron(sample.x_test[i], np.ones((3, 3), np.uint8))) for i in range(3)]
    frames[0].save(tmp_path / "anim.gif", save_all=True, append_images=frames[1:], duration=100)
    picture = load_picture(tmp_path / "anim.gif")
    assert picture.notes == [f"{tmp_path / 'anim.gif'} has 3 frames; the first one was read"]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "the file is empty"),
        (b"GIF89a" + b"\x00" * 10, "not a picture this app can open|damaged or unreadable"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not a picture this app can open"),
        (b"just text", "not a picture this app can open"),
    ],
)
def test_damaged_files_get_a_reason(content, says):
    with pytest.raises(ImageError, match=says):
        decode(content, "x")


def test_a_truncated_jpeg_is_a_clear_error_or_a_picture():
    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (200, 10, 10)).save(buf, format="JPEG")
    data = buf.getvalue()[:200]
    try:
        decode(data, "cut.jpg")
    except ImageError as exc:
        assert "cut.jpg" in str(exc)


EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 20 20\n%%EndComments\n"
    b"newpath 2 2 moveto 18 18 lineto stroke\nshowpage\n%%EOF\n"
)
PS = b"%!PS-Adobe-3.0\n%%BoundingBox: 0 0 20 20\n{} loop\nshowpage\n"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _ico(sample) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(sample.x_test[0]).resize((32, 32)).save(buf, format="ICO")
    return buf.getvalue()


def _other(fmt: str, sample) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(sample.x_test[0]).convert("RGB").save(buf, format=fmt)
    return buf.getvalue()


@pytest.mark.parametrize("kind", ["eps", "ps", "pdf", "ico", "ppm", "tga", "pcx"])
def test_a_format_outside_the_list_is_refused_by_content_and_ghostscript_never_starts(
    kind, tmp_path, sample, monkeypatch
):
    """An EPS/PostScript file named x.png was handed to Ghostscript (a `{} loop` hung the reader for ever)."""
    marker = tmp_path / "gs-ran"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("gs", "gsx", "gswin32c", "gswin64c"):
        fake = bin_dir / name
        fake.write_text(f"#!/bin/sh\ntouch {marker}\nexit 1\n")
        fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{__import__('os').environ['PATH']}")
    content = {"eps": EPS, "ps": PS, "pdf": PDF}.get(kind) or (
        _ico(sample) if kind == "ico" else _other(kind.upper(), sample)
    )
    path = tmp_path / "x.png"  # whatever the name says
    path.write_bytes(content)
    with pytest.raises(ImageError, match="not a picture this app can open"):
        load_picture(path)
    with pytest.raises(ImageError, match="not a picture this app can open"):
        decode(content, "pasted")
    assert not marker.exists(), "Ghostscript was started"


def test_only_regular_files_are_read(tmp_path):
    """A FIFO hung the reader for ever; /dev/zero (or a link to it) was read until memory ran out."""
    import os

    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    link = tmp_path / "zero.png"
    link.symlink_to("/dev/zero")
    for path in (fifo, link, Path("/dev/zero")):
        with pytest.raises(ImageError, match="not a regular file"):
            load_picture(path)


def test_the_cli_refuses_a_fifo_without_waiting(tmp_path, published_model):
    import os
    import subprocess
    import sys

    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", str(fifo), "--json", "--model", str(published_model)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in done.stderr
    (record,) = [json.loads(line) for line in done.stdout.splitlines()]
    assert "not a regular file" in record["error"]


def _digit_file(folder: Path, sample, name: str) -> Path:
    path = folder / name
    Image.fromarray(255 - np.kron(sample.x_test[0], np.ones((4, 4), np.uint8))).save(path, format="PNG")
    return path


@pytest.mark.parametrize("where", ["closed", "full"])
def test_the_cli_says_when_it_cannot_write_its_results(where, tmp_path, sample, published_model):
    """Standard output closed (`>&-`) gave an AttributeError traceback; `>/dev/full` an OSError one."""
    import subprocess
    import sys

    picture = _digit_file(tmp_path, sample, "d.png")
    cmd = [sys.executable, "-m", "app.cli", str(picture), "--model", str(published_model)]
    if where == "closed":
        done = subprocess.run(
            cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            preexec_fn=lambda: __import__("os").close(1),
        )
        says = "standard output is closed"
    else:
        with open("/dev/full", "w") as full:
            done = subprocess.run(cmd, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60)
        says = "No space left on device"
    assert done.returncode != 0 and says in done.stderr and "Traceback" not in done.stderr, done.stderr


@pytest.mark.parametrize("mode", [[], ["--csv"], ["--json"]])
def test_a_file_name_that_is_not_utf8_is_printed_and_the_batch_goes_on(mode, tmp_path, sample, published_model):
    """Under a strict UTF-8 locale a non-UTF-8 name ended in a UnicodeEncodeError traceback and stopped the batch."""
    import os
    import subprocess
    import sys

    odd = _digit_file(tmp_path, sample, os.fsdecode(b"caf\xe9.png"))
    plain = _digit_file(tmp_path, sample, "plain.png")
    env = {**os.environ, "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8:strict"}
    cmd = [sys.executable, "-m", "app.cli", str(odd), str(plain), "--model", str(published_model), *mode]
    done = subprocess.run(cmd, capture_output=True, timeout=60, env=env)
    assert done.returncode == 0 and b"Traceback" not in done.stderr, done.stderr
    # plain and CSV print the name's own bytes; JSON stays ASCII and escapes the undecodable byte
    name = b"caf\\udce9.png" if mode == ["--json"] else b"caf\xe9.png"
    assert name in done.stdout and b"plain.png" in done.stdout


@pytest.mark.slow  # a child process and 160 MB of pixels to write the file
@pytest.mark.parametrize("mode", ["F", "I;16"])
def test_a_huge_float_or_16_bit_picture_is_read_in_bounded_memory(mode, tmp_path, published_model):
    """A 252 KB float TIFF of 6300x6300 pixels took 1.94 GB and a 77 KB 16-bit PNG 1.78 GB."""
    if mode == "F":
        pixels = np.zeros((6300, 6300), np.float32)
        pixels[2000:4000, 3000:3300] = 1.0  # a "1"
        path = tmp_path / "huge.tif"
        Image.fromarray(pixels, "F").save(path, compression="tiff_deflate")
    else:
        pixels = np.zeros((6300, 6300), np.uint16)
        pixels[2000:4000, 3000:3300] = 60000
        path = tmp_path / "huge.png"
        Image.fromarray(pixels).save(path)
    del pixels
    # digit-predict in a process of its own, which reports its own peak memory as it ends
    child = (
        "import sys\nfrom app.cli import main\ncode = main(sys.argv[1:])\n"
        f"print({PEAK_KIB}, file=sys.stderr)\nsys.exit(code)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", child, "--json", "--model", str(published_model), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0 and json.loads(proc.stdout)["digit"] == 1, proc.stderr
    peak_mb = int(proc.stderr.split()[-1]) / 1024
    assert peak_mb < 500, f"{peak_mb:.0f} MB"


def test_a_tiff_whose_later_page_is_damaged_is_read_from_its_first_page(tmp_path, sample):
    """The first page read fine, but counting the pages hit the damaged second one and refused the file."""
    first = 255 - np.kron(sample.x_test[2], np.ones((3, 3), np.uint8))  # a 1
    buf = io.BytesIO()
    Image.fromarray(first).save(buf, format="TIFF", save_all=True, append_images=[Image.fromarray(first)])
    data = bytearray(buf.getvalue())
    ifd = struct.unpack("<I", data[4:8])[0]
    entries = struct.unpack("<H", data[ifd : ifd + 2])[0]
    at = ifd + 2 + 12 * entries  # where the first page says the second one starts
    data[at : at + 4] = struct.pack("<I", len(data) + 1000)  # past the end of the file
    picture = decode(bytes(data), "two-pages.tif")
    assert picture.pixels.shape[:2] == first.shape
    assert picture.notes == ["two-pages.tif: its later pages are damaged; the first one was read"]
