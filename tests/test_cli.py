"""digit-predict: one line, JSON object or CSV row per input; a record for every file that fails."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.cli import RECORD_KEYS, main


def exe() -> str:
    return shutil.which("digit-predict") or str(Path(sys.executable).parent / "digit-predict")


@pytest.fixture
def pictures(tmp_path, sample):
    big = np.kron(sample.x_test[:3], np.ones((1, 5, 5), np.uint8))  # 140x140
    paths = []
    Image.fromarray(np.pad(255 - big[0], 30, constant_values=255)).save(tmp_path / "scan.png")
    paths.append(tmp_path / "scan.png")
    Image.fromarray(np.stack([big[1]] * 3, -1)).convert("RGB").save(tmp_path / "photo.jpg", quality=90)
    paths.append(tmp_path / "photo.jpg")
    rgba = np.zeros((*big[2].shape, 4), np.uint8)
    rgba[..., 3] = big[2]  # black strokes on a transparent layer
    Image.fromarray(rgba, "RGBA").save(tmp_path / "layer.png")
    paths.append(tmp_path / "layer.png")
    return paths, sample.y_test[:3].tolist()


@pytest.fixture
def number_png(tmp_path, sample):
    """A picture of the number written with test digits 3, 4 and 5, dark on light, with its truth."""
    digits = [np.pad(sample.x_test[i], ((0, 0), (2, 2))) for i in (3, 4, 5)]
    strip = np.concatenate(digits, axis=1)
    picture = 255 - np.kron(np.pad(strip, 8), np.ones((4, 4), np.uint8))
    path = tmp_path / "number.png"
    Image.fromarray(picture).save(path)
    return path, "".join(str(sample.y_test[i]) for i in (3, 4, 5)), picture.shape


def run(args, capsys):
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lines_for_every_picture(pictures, published_model, capsys):
    paths, labels = pictures
    code, out, _ = run([*map(str, paths), "--model", str(published_model), "--json"], capsys)
    assert code == 0
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["file"] for line in lines] == [str(p) for p in paths]
    assert [line["digit"] for line in lines] == labels
    for line, label in zip(lines, labels, strict=True):
        assert len(line["probs"]) == 10 and abs(sum(line["probs"]) - 1) < 1e-3
        assert line["confidence"] == max(line["probs"])
        assert line["number"] == str(label) and line["rejected"] is None
        assert len(line["digits"]) == 1 and len(line["digits"][0]["box"]) == 4


def test_a_speck_beside_a_digit_is_listed_as_ignored_and_the_digit_stays(tmp_path, sample, published_model, capsys):
    """A scan of one digit with a speck beside it: the answer is the digit (with its probabilities),
    and the speck is listed under ``ignored`` with its box."""
    digit = sample.x_test[0]
    cols = np.flatnonzero(digit.max(0) > 0)
    canvas = np.zeros((28, 44), np.uint8)
    canvas[:, 4 : 4 + cols[-1] - cols[0] + 1] = digit[:, cols[0] : cols[-1] + 1]
    right = 4 + cols[-1] - cols[0] + 10
    canvas[17:21, right : right + 3] = 255
    path = tmp_path / "speck.png"
    Image.fromarray(255 - np.kron(np.pad(canvas, 6), np.ones((4, 4), np.uint8))).save(path)
    code, out, _ = run([str(path), "--model", str(published_model), "--json"], capsys)
    rec = json.loads(out)
    label = int(sample.y_test[0])
    assert code == 0 and rec["number"] == str(label) and rec["digit"] == label and len(rec["probs"]) == 10
    assert len(rec["ignored"]) == 1 and rec["ignored"][0]["box"][1] > rec["digits"][0]["box"][3]


def test_a_number_gets_its_digits_and_boxes_in_the_pictures_pixels(number_png, published_model, capsys):
    path, truth, shape = number_png
    code, out, _ = run([str(path), "--model", str(published_model), "--json"], capsys)
    rec = json.loads(out)
    assert code == 0 and rec["number"] == truth
    assert rec["digit"] is None and rec["confidence"] is None and rec["probs"] is None
    assert [d["digit"] for d in rec["digits"]] == [int(c) for c in truth]
    boxes = [d["box"] for d in rec["digits"]]
    assert all(0 <= t < b <= shape[0] and 0 <= left < r <= shape[1] for t, left, b, r in boxes)
    assert [b[1] for b in boxes] == sorted(b[1] for b in boxes)  # left to right
    code, out, _ = run([str(path), "--model", str(published_model)], capsys)
    assert out.startswith(f"{path}: {truth}  (")


def test_plain_output_and_a_record_for_every_bad_file(pictures, published_model, tmp_path, capsys):
    paths, labels = pictures
    (tmp_path / "notes.txt").write_text("not a picture")
    (tmp_path / "blank.png").write_bytes(b"")
    bad = ["notes.txt", "missing.png", "blank.png"]
    args = [str(paths[0]), *(str(tmp_path / b) for b in bad), "--model", str(published_model)]
    code, out, err = run(args, capsys)
    assert code == 1
    assert out.startswith(f"{paths[0]}: {labels[0]} (") and " 9:" in out
    reasons = err.strip().splitlines()
    assert len(reasons) == 3
    assert "notes.txt: not a picture" in reasons[0]
    assert "missing.png: no such file" in reasons[1]
    assert "blank.png: not a picture" in reasons[2]
    code, out, _ = run([*args, "--json"], capsys)
    records = [json.loads(line) for line in out.splitlines()]
    assert [Path(r["file"]).name for r in records] == [paths[0].name, *bad]  # every input, in order
    assert all(r["error"] and r["digit"] is None for r in records[1:]) and records[0]["error"] is None
    assert all(tuple(r)[: len(RECORD_KEYS)] == RECORD_KEYS for r in records)  # same keys, same order


def test_csv_has_a_header_and_a_row_per_input(pictures, published_model, tmp_path, capsys):
    paths, labels = pictures
    code, out, _ = run([*map(str, paths), str(tmp_path / "nope.png"), "--model", str(published_model), "--csv"], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 1 and len(rows) == 4
    assert [r["answer"] for r in rows[:3]] == [str(v) for v in labels]
    assert rows[3]["error"] and rows[3]["answer"] == ""
    assert abs(sum(float(rows[0][f"p{d}"]) for d in range(10)) - 1) < 1e-3


def test_folders_recursion_and_names_on_stdin(pictures, published_model, tmp_path, capsys, monkeypatch):
    paths, _ = pictures
    (tmp_path / "deeper").mkdir()
    shutil.copy(paths[0], tmp_path / "deeper" / "a.png")
    (tmp_path / "readme.txt").write_text("skipped: not a picture name")
    code, out, _ = run([str(tmp_path), "--model", str(published_model), "--json"], capsys)
    assert code == 0
    assert [Path(json.loads(x)["file"]).name for x in out.splitlines()] == sorted(p.name for p in paths)
    _, out, _ = run([str(tmp_path), "-r", "--model", str(published_model), "--json"], capsys)
    assert len(out.splitlines()) == 4 and "deeper" in out
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{paths[1]}\n\n{paths[2]}\n"))
    _code, out, _ = run(["-", "--model", str(published_model), "--json"], capsys)
    assert [json.loads(x)["file"] for x in out.splitlines()] == [str(paths[1]), str(paths[2])]


def test_top_k_and_version(pictures, published_model, capsys):
    paths, labels = pictures
    _code, out, _ = run([str(paths[0]), "--model", str(published_model), "--json", "--top-k", "3"], capsys)
    top = json.loads(out)["top"]
    assert len(top) == 3 and top[0]["digit"] == labels[0]
    assert top[0]["probability"] >= top[1]["probability"] >= top[2]["probability"]
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0 and "digit-predict" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        main([str(paths[0]), "--top-k", "11"])
    assert info.value.code == 2


def test_one_model_session_for_a_whole_batch(pictures, published_model, tmp_path, monkeypatch, capsys):
    import app.inference as inference

    made = []
    real = inference.Classifier.__init__

    def counting(self, *args, **kwargs):
        made.append(1)
        real(self, *args, **kwargs)

    monkeypatch.setattr(inference.Classifier, "__init__", counting)
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(60):
        shutil.copy(pictures[0][i % 3], folder / f"{i:03d}{pictures[0][i % 3].suffix}")
    code, out, _ = run([str(folder), "--model", str(published_model)], capsys)
    assert code == 0 and len(out.splitlines()) == 60 and made == [1]


def test_missing_model_exits_2_with_what_to_do(pictures, tmp_path, capsys):
    code, _, err = run([str(pictures[0][0]), "--model", str(tmp_path / "none.onnx")], capsys)
    assert code == 2 and "does not exist" in err and "--model" in err


def test_console_script_survives_a_closed_pipe_and_bad_thread_settings(pictures, published_model):
    paths, labels = pictures
    many = [str(p) for p in paths] * 30
    proc = subprocess.run(
        f"'{exe()}' {' '.join(many)} --model '{published_model}' | head -1",
        shell=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.stdout.startswith(f"{paths[0]}: {labels[0]}")
    assert "Traceback" not in proc.stderr and "BrokenPipe" not in proc.stderr
    proc = subprocess.run(
        [exe(), str(paths[0]), "--model", str(published_model)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DIGITS_ORT_THREADS": "abc"},
    )
    assert proc.returncode == 2 and "DIGITS_ORT_THREADS='abc'" in proc.stderr and "Traceback" not in proc.stderr


def test_boxes_are_in_the_files_pixels_even_when_it_is_read_shrunk(sample, published_model, tmp_path, capsys):
    """A 3000x2000 scan is read at 1024 px, but its boxes are reported in the file's own pixels."""
    digit = 255 - np.kron(sample.x_test[1], np.ones((25, 25), np.uint8))  # 700x700, dark on light
    page = np.full((2000, 3000), 255, np.uint8)
    page[900:1600, 1700:2400] = digit
    Image.fromarray(page).save(tmp_path / "scan.png")
    code, out, _ = run([str(tmp_path / "scan.png"), "--model", str(published_model), "--json"], capsys)
    rec = json.loads(out)
    assert code == 0 and rec["digit"] == sample.y_test[1]
    ink = np.argwhere(page < 255)
    truth = [*ink.min(0), *(ink.max(0) + 1)]  # top, left, bottom, right of the ink
    box = rec["digits"][0]["box"]
    assert all(abs(a - b) <= 12 for a, b in zip(box, [truth[0], truth[1], truth[2], truth[3]], strict=True)), box


def test_a_drawing_on_a_transparent_layer_is_flattened_onto_paper(tmp_path):
    """Black strokes on transparent black: shown and saved as black on white, not a black square."""
    from app.images import load_picture

    rgba = np.zeros((60, 60, 4), np.uint8)
    rgba[10:50, 28:32, 3] = 255  # a black bar, the rest transparent black
    Image.fromarray(rgba, "RGBA").save(tmp_path / "layer.png")
    pixels = load_picture(tmp_path / "layer.png").pixels
    assert pixels.shape == (60, 60, 3)
    assert (pixels[0, 0] == 255).all() and (pixels[30, 30] == 0).all()
    white = np.zeros((60, 60, 4), np.uint8)
    white[10:50, 28:32] = 255  # white strokes on a transparent layer: over black, still visible
    Image.fromarray(white, "RGBA").save(tmp_path / "chalk.png")
    pixels = load_picture(tmp_path / "chalk.png").pixels
    assert (pixels[0, 0] == 0).all() and (pixels[30, 30] == 255).all()


def test_the_papers_ruling_is_ignored_and_reported(tmp_path, sample, published_model, capsys):
    """A number written on ruled paper: read as the number, and the JSON says the ruling was ignored."""
    from PIL import Image

    from tests.helpers import page, ruling

    path = tmp_path / "ruled.png"
    Image.fromarray(page(sample, [0, 1, 2], lines=ruling())).save(path)
    code, out, _ = run([str(path), "--model", str(published_model), "--json"], capsys)
    record = json.loads(out)
    assert code == 0 and record["removed"] == ["ruling"]
    assert record["number"] == "".join(str(int(sample.y_test[i])) for i in (0, 1, 2))
    code, out, _ = run([str(path), "--model", str(published_model)], capsys)
    assert "ruling of the paper ignored" in out


# ------------------------------------------------------------------ wording and shape
def test_a_rejected_piece_is_worded_without_contradiction_and_has_no_confidence(sample, tmp_path, capsys):
    """A model that rejects everything: "not a digit (if it were one: 4)", not "closest digit 4, 100.0%"."""
    from tests.models import template_model

    strict = template_model(tmp_path / "strict.onnx", sample.x_train, sample.y_train, threshold=0.0)
    path = tmp_path / "four.png"
    Image.fromarray(255 - np.kron(sample.x_test[4], np.ones((4, 4), np.uint8))).save(path)
    code, out, _ = run([str(path), "--model", str(strict)], capsys)
    assert code == 0
    closest = json.loads(run([str(path), "--model", str(strict), "--json"], capsys)[1])["closest"]["digit"]
    assert out.strip() == f"{path}: not a digit (if it were one: {closest})"
    rec = json.loads(run([str(path), "--model", str(strict), "--json"], capsys)[1])
    assert rec["digit"] is None and rec["confidence"] is None and rec["rejected"] == "not a digit"
    row = next(csv.DictReader(io.StringIO(run([str(path), "--model", str(strict), "--csv"], capsys)[1])))
    assert row["digit"] == "" and row["confidence"] == "" and row["closest"] == str(closest)


def test_a_blank_picture_is_an_answer_as_in_the_window_and_a_missing_folder_is_named_once(
    published_model, tmp_path, capsys
):
    from app.wording import NOTHING

    Image.new("L", (50, 50), 255).save(tmp_path / "blank.png")
    code, out, err = run([str(tmp_path / "blank.png"), "--model", str(published_model)], capsys)
    assert code == 0 and out.strip() == f"{tmp_path / 'blank.png'}: {NOTHING}" and err == ""
    rec = json.loads(run([str(tmp_path / "blank.png"), "--model", str(published_model), "--json"], capsys)[1])
    assert rec["rejected"] == NOTHING and rec["error"] is None and rec["digits"] == []
    assert tuple(rec)[: len(RECORD_KEYS)] == RECORD_KEYS
    missing = f"{tmp_path / 'gone'}/"
    code, _, err = run([missing, "--model", str(published_model)], capsys)
    assert code == 1 and err.count(str(tmp_path / "gone")) == 1, err


def test_subfolders_left_unread_are_counted(pictures, published_model, tmp_path, capsys):
    paths, _ = pictures
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        shutil.copy(paths[0], tmp_path / name / "x.png")
    code, out, err = run([str(tmp_path), "--model", str(published_model)], capsys)
    assert code == 0 and len(out.splitlines()) == 3
    assert f"{tmp_path}: 2 subfolders not read (--recursive reads them)" in err
    _, _, err = run([str(tmp_path), "-r", "--model", str(published_model)], capsys)
    assert "subfolder" not in err


def test_the_shell_gets_the_windows_hints(sample, published_model, tmp_path, capsys):
    """Two rows of digits: digit-predict says what the window says under the answer."""
    from app.wording import SEVERAL_LINES

    rows = [np.concatenate([np.pad(sample.x_test[i], 4) for i in pair], axis=1) for pair in ((0, 1), (2, 3))]
    picture = 255 - np.kron(
        np.concatenate([rows[0], np.zeros((20, rows[0].shape[1]), np.uint8), rows[1]]), np.ones((3, 3), np.uint8)
    )
    Image.fromarray(picture).save(tmp_path / "rows.png")
    _, out, err = run([str(tmp_path / "rows.png"), "--model", str(published_model), "--json"], capsys)
    assert SEVERAL_LINES in json.loads(out)["hints"]
    assert f"hint: {tmp_path / 'rows.png'}: {SEVERAL_LINES}" in err


# ------------------------------------------------------------------ --label
def test_label_saves_each_file_whose_pieces_fit(number_png, pictures, published_model, tmp_path, capsys):
    from app.images import load_picture
    from app.userdata import load_records

    path, truth, _ = number_png
    folder = tmp_path / "digits"
    code, out, err = run(
        ["--label", truth, str(path), "--model", str(published_model), "--userdata", str(folder)], capsys
    )
    assert code == 0, err
    assert out.startswith(f"{path}: saved {truth} (read as {truth}) in {folder}") and "1 saved" in err
    [record] = load_records(folder).records
    assert (record.label, record.read_as, record.source, len(record.pieces)) == (truth, truth, "file", 3)
    assert record.model["sha256"] and record.model["name"]
    from PIL import Image

    np.testing.assert_array_equal(np.asarray(Image.open(record.picture)), load_picture(path).pixels)


def test_label_says_per_file_why_it_was_not_saved(number_png, pictures, published_model, tmp_path, capsys):
    from app.userdata import count_records

    path, truth, _ = number_png
    one_digit, _ = pictures
    folder = tmp_path / "digits"
    args = ["--label", truth[:2], str(path), str(one_digit[0]), str(tmp_path / "missing.png")]
    code, out, err = run([*args, "--model", str(published_model), "--userdata", str(folder)], capsys)
    assert code == 1 and out == ""
    lines = err.splitlines()
    assert f"{path}: not saved: read as {truth} in 3 pieces, but the label {truth[:2]} has 2 digits" in lines[0]
    assert f"{one_digit[0]}: not saved: read as" in lines[1] and "in 1 piece," in lines[1]
    assert "missing.png: not saved:" in lines[2] and "0 saved" in lines[3]
    assert count_records(folder) == 0


def test_label_into_an_unwritable_folder_says_what_to_do(number_png, published_model, tmp_path, capsys):
    path, truth, _ = number_png
    (tmp_path / "a-file").write_text("")
    folder = tmp_path / "a-file" / "digits"
    code, _, err = run(
        ["--label", truth, str(path), "--model", str(published_model), "--userdata", str(folder)], capsys
    )
    assert code == 1 and "cannot save to" in err and "DIGITS_USERDATA=PATH" in err


def test_a_label_is_digits_only(number_png, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--label", "7a", str(number_png[0])])
    assert exc.value.code == 2 and "0-9 only" in capsys.readouterr().err
