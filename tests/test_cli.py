"""digit-predict: one line (or JSON object) per picture; a reason per unreadable file."""

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from app.cli import main


@pytest.fixture
def pictures(tmp_path, sample):
    big = np.kron(sample.x_test[:3], np.ones((1, 5, 5), np.uint8))  # 140x140
    paths = []
    ink = 255 - big[0]  # dark ink on white, as a scan
    Image.fromarray(np.pad(ink, 30, constant_values=255)).save(tmp_path / "scan.png")
    paths.append(tmp_path / "scan.png")
    Image.fromarray(np.stack([big[1]] * 3, -1)).convert("RGB").save(tmp_path / "photo.jpg", quality=90)
    paths.append(tmp_path / "photo.jpg")
    rgba = np.zeros((*big[2].shape, 4), np.uint8)
    rgba[..., 3] = big[2]  # black strokes on a transparent layer
    Image.fromarray(rgba, "RGBA").save(tmp_path / "layer.png")
    paths.append(tmp_path / "layer.png")
    return paths, sample.y_test[:3].tolist()


def test_json_lines_for_every_picture(pictures, published_model, capsys):
    paths, labels = pictures
    assert main([*map(str, paths), "--model", str(published_model), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["file"] for line in lines] == [str(p) for p in paths]
    assert [line["digit"] for line in lines] == labels
    for line in lines:
        assert len(line["probs"]) == 10 and abs(sum(line["probs"]) - 1) < 1e-3
        assert line["confidence"] == max(line["probs"])


def test_plain_output_and_bad_files(pictures, published_model, tmp_path, capsys):
    paths, labels = pictures
    (tmp_path / "notes.txt").write_text("not a picture")
    (tmp_path / "blank.png").write_bytes(b"")
    Image.new("L", (50, 50), 255).save(tmp_path / "empty.png")
    args = [
        str(paths[0]),
        str(tmp_path / "notes.txt"),
        str(tmp_path / "missing.png"),
        str(tmp_path / "empty.png"),
        str(tmp_path / "blank.png"),
        "--model",
        str(published_model),
    ]
    assert main(args) == 1
    out, err = capsys.readouterr()
    assert out.startswith(f"{paths[0]}: {labels[0]} (") and " 9:" in out
    reasons = err.strip().splitlines()
    assert len(reasons) == 4
    assert "notes.txt: not a picture" in reasons[0]
    assert "missing.png: no such file" in reasons[1]
    assert "empty.png: nothing is drawn" in reasons[2]
    assert "blank.png: not a picture" in reasons[3]


def test_missing_model_exits_2_with_the_build_command(pictures, tmp_path, capsys):
    assert main([str(pictures[0][0]), "--model", str(tmp_path / "none.onnx")]) == 2
    assert "make pipeline" in capsys.readouterr().err


def test_console_script_is_installed(pictures, published_model):
    exe = __import__("shutil").which("digit-predict") or str(
        __import__("pathlib").Path(sys.executable).parent / "digit-predict"
    )
    proc = subprocess.run(
        [exe, str(pictures[0][0]), "--model", str(published_model), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["digit"] == pictures[1][0]
