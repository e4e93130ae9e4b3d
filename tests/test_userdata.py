"""The person's own digits on disk: records written atomically, read back exactly, malformed ones named and skipped."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from app import userdata


def _inputs(n: int, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.random((28, 28, 1)).astype(np.float32) for _ in range(n)]


def _save(folder: Path, label: str = "114", **kwargs) -> Path:
    return userdata.save_record(
        folder,
        label=label,
        inputs=_inputs(len(label)),
        boxes=[(1, 2, 3, 4)] * len(label),
        read_as=kwargs.pop("read_as", "174"),
        strokes=[{"points": [[0.1, 0.2], [0.3, 0.4]], "width": 0.03, "erase": False}],
        model={"name": "reference_cnn", "sha256": "ab" * 32},
        session="s1",
        writer="alice",
        **kwargs,
    )


def test_a_record_reads_back_as_written(tmp_path: Path) -> None:
    path = _save(tmp_path)
    loaded = userdata.load_records(tmp_path)
    assert loaded.problems == []
    [record] = loaded.records
    assert record.folder == path and record.id == path.name
    assert record.label == "114" and record.read_as == "174" and record.corrected
    assert [p.label for p in record.pieces] == ["1", "1", "4"]
    expected = [userdata.as_input(x) for x in _inputs(3)]
    for piece, want in zip(record.pieces, expected, strict=True):
        assert piece.image.dtype == np.uint8 and piece.image.shape == (28, 28)
        np.testing.assert_array_equal(piece.image, want)
        assert piece.box == (1, 2, 3, 4)
    assert record.strokes[0]["points"] == [[0.1, 0.2], [0.3, 0.4]]
    assert (record.writer, record.session, record.model["name"]) == ("alice", "s1", "reference_cnn")
    assert loaded.counts() == [0, 2, 0, 0, 1, 0, 0, 0, 0, 0]
    assert userdata.count_records(tmp_path) == 1


def test_a_picture_is_kept_with_its_record(tmp_path: Path) -> None:
    picture = np.full((40, 30, 3), 200, np.uint8)
    _save(tmp_path, label="7", source="picture", picture=picture)
    [record] = userdata.load_records(tmp_path).records
    assert record.source == "picture" and record.picture is not None and record.picture.is_file()


@pytest.mark.parametrize(
    ("label", "n", "match"),
    [("", 1, "digits"), ("1a", 2, "digits"), ("١", 1, "digits"), ("12", 1, "2 digit"), ("1", 2, "2 piece")],
)
def test_a_label_must_fit_the_reading(tmp_path: Path, label: str, n: int, match: str) -> None:
    with pytest.raises(ValueError, match=match):
        userdata.save_record(tmp_path, label=label, inputs=_inputs(n))
    assert userdata.count_records(tmp_path) == 0


def test_an_unwritable_folder_says_what_to_do_and_leaves_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")  # a folder under a file cannot be made, even by root
    with pytest.raises(userdata.UserDataError, match=r"drawing is kept.*DIGITS_USERDATA"):
        _save(blocker / "data")
    assert list(tmp_path.iterdir()) == [blocker]


def test_a_half_written_record_is_not_part_of_the_dataset(tmp_path: Path) -> None:
    _save(tmp_path)
    (tmp_path / "records" / ".tmp-20261203T000000Z-abcdef12").mkdir()
    loaded = userdata.load_records(tmp_path)
    assert len(loaded.records) == 1 and loaded.problems == []
    assert userdata.count_records(tmp_path) == 1


def _damage(record: Path, how: str) -> None:
    meta_path = record / "record.json"
    meta = json.loads(meta_path.read_text())
    if how == "json":
        meta_path.write_text("{ not json")
        return
    if how == "label":
        meta["label"] = "11"
    elif how == "digit-label":
        meta["inputs"][0]["label"] = "7"
    elif how == "png":
        (record / "digit-0.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    elif how == "missing":
        os.remove(record / "digit-1.png")
    elif how == "escape":
        meta["inputs"][0]["file"] = "../../secret.png"
    elif how == "format":
        meta["format"] = 99
    meta_path.write_text(json.dumps(meta))


@pytest.mark.parametrize(
    ("how", "match"),
    [
        ("json", "cannot be read"),
        ("label", "holds 3 input"),
        ("digit-label", "labelled '7'"),
        ("png", "sha256"),
        ("missing", "cannot be read"),
        ("escape", "not a file of the record"),
        ("format", "format 99"),
    ],
)
def test_a_malformed_record_is_named_and_skipped(tmp_path: Path, how: str, match: str) -> None:
    good = _save(tmp_path, label="5", read_as="5")
    bad = _save(tmp_path)
    _damage(bad, how)
    loaded = userdata.load_records(tmp_path)
    assert [r.folder for r in loaded.records] == [good]
    [problem] = loaded.problems
    assert bad.name in problem and match in problem and "skipped" in problem


def test_a_stray_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "notes.txt").write_text("hi")
    loaded = userdata.load_records(tmp_path)
    assert loaded.records == [] and "notes.txt" in loaded.problems[0]


def test_no_folder_is_an_empty_dataset(tmp_path: Path) -> None:
    loaded = userdata.load_records(tmp_path / "none")
    assert loaded.records == [] and loaded.problems == [] and loaded.counts() == [0] * 10


def test_the_folder_follows_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(userdata.ENV_FOLDER, str(tmp_path / "mine"))
    assert userdata.default_folder() == tmp_path / "mine"
    monkeypatch.delenv(userdata.ENV_FOLDER)
    assert userdata.default_folder() == Path(__file__).resolve().parent.parent / "userdata"


# ------------------------------------------------------------------ the pipeline's view
def _records(tmp_path: Path, writer: str, sessions: int, per_session: int) -> None:
    for s in range(sessions):
        for i in range(per_session):
            userdata.save_record(
                tmp_path, label=str(i % 10), inputs=_inputs(1, seed=i), session=f"{writer}-{s}", writer=writer
            )


def test_held_out_digits_are_whole_sittings_and_stay_put_as_records_are_added(tmp_path: Path) -> None:
    from pipeline.userdata import build, held_out, summary

    _records(tmp_path, "alice", sessions=8, per_session=5)  # enough sittings: split by sitting
    _records(tmp_path, "bob", sessions=1, per_session=40)  # one sitting: split record by record
    loaded = userdata.load_records(tmp_path)
    flags = dict(zip((r.id for r in loaded.records), held_out(loaded.records, 0.25, seed=7), strict=True))
    by_session: dict[str, set[bool]] = {}
    for r in loaded.records:
        by_session.setdefault(r.session, set()).add(flags[r.id])
    assert all(len(v) == 1 for k, v in by_session.items() if k.startswith("alice")), by_session
    assert {True, False} <= {f for k, v in by_session.items() if k.startswith("alice") for f in v}
    assert by_session["bob-0"] == {True, False}  # bob's one sitting is split
    users = build(loaded, 0.25, seed=7)
    assert len(users.y_train) + len(users.y_held) == 80 and users.x_held.dtype == np.uint8
    assert [users.ids[i] for i in users.r_held] == [r.id for r in loaded.records if flags[r.id]]
    info = summary(loaded, users)
    assert info["split_by_session"] == ["alice"] and info["records"] == 80 and info["writers"] == 2
    # a new sitting does not move anything already placed
    _records(tmp_path, "alice", sessions=1, per_session=5)
    again = userdata.load_records(tmp_path)
    flags2 = dict(zip((r.id for r in again.records), held_out(again.records, 0.25, seed=7), strict=True))
    assert all(flags2[k] == v for k, v in flags.items())


def test_an_empty_dataset_makes_empty_arrays(tmp_path: Path) -> None:
    from pipeline.userdata import UserSet, build

    users = build(userdata.load_records(tmp_path), 0.25, seed=7)
    assert users.empty and users.x_train.shape == (0, 28, 28)
    again = UserSet.from_arrays(users.arrays())
    assert again.empty and again.ids == ()
