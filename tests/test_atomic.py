"""Atomic writes: the old artifact, the complete new one, or nothing; never a partial file."""

import os
import stat

import pytest

from pipeline.atomic import FILE_MODE, atomic_dir, atomic_path, atomic_write_json


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    dest = tmp_path / "model.onnx"
    dest.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(dest) as tmp:
        tmp.write_bytes(b"half")
        raise RuntimeError("interrupted")
    assert dest.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["model.onnx"]


def test_successful_write_replaces_with_normal_permissions(tmp_path):
    dest = tmp_path / "sub" / "eval.json"
    atomic_write_json(dest, {"accuracy": 0.99})
    assert dest.read_text() == '{\n  "accuracy": 0.99\n}\n'
    assert stat.S_IMODE(dest.stat().st_mode) == FILE_MODE
    assert os.listdir(dest.parent) == ["eval.json"]


def test_temporary_keeps_the_suffix_writers_check(tmp_path):
    with atomic_path(tmp_path / "model.keras") as tmp:
        assert tmp.suffix == ".keras" and tmp.parent == tmp_path
        tmp.write_bytes(b"x")


def test_directory_is_replaced_whole_or_not_at_all(tmp_path):
    dest = tmp_path / "reports"
    with atomic_dir(dest) as tmp:
        (tmp / "index.html").write_text("v1")
    with pytest.raises(KeyboardInterrupt), atomic_dir(dest) as tmp:
        (tmp / "index.html").write_text("v2 partial")
        raise KeyboardInterrupt
    assert (dest / "index.html").read_text() == "v1"
    assert sorted(os.listdir(tmp_path)) == ["reports"]
    with atomic_dir(dest) as tmp:
        (tmp / "other.html").write_text("v3")
    assert os.listdir(dest) == ["other.html"]
    assert stat.S_IMODE(dest.stat().st_mode) & 0o755 == 0o755


def test_an_npz_written_atomically_is_the_bytes_numpy_writes(tmp_path):
    import io

    import numpy as np

    from pipeline.atomic import atomic_write_npz

    arrays = {"x": np.arange(12, dtype=np.uint8).reshape(3, 4), "names": np.array(["a", "bc"])}
    expected = io.BytesIO()
    np.savez(expected, **arrays)
    atomic_write_npz(tmp_path / "a.npz", arrays)
    assert (tmp_path / "a.npz").read_bytes() == expected.getvalue()
    assert [p.name for p in tmp_path.iterdir()] == ["a.npz"]  # no temporary file left


def test_an_npz_a_stage_cannot_use_names_the_file_and_the_stage_to_rerun(tmp_path):
    import numpy as np

    from pipeline.data import read_npz
    from pipeline.errors import StageError

    with pytest.raises(StageError, match=r"gone\.npz is missing; run `dvc repro render`"):
        read_npz(tmp_path / "gone.npz", "render")
    np.savez(tmp_path / "good.npz", x=np.zeros(3))
    (tmp_path / "cut.npz").write_bytes((tmp_path / "good.npz").read_bytes()[:40])
    with pytest.raises(StageError, match=r"cut\.npz is damaged .*`dvc repro openset`"):
        read_npz(tmp_path / "cut.npz", "openset")
    np.savez(tmp_path / "objects.npz", x=np.array([{"a": 1}], dtype=object))
    with pytest.raises(StageError) as caught:  # numpy's advice would be to load it unsafely: never given
        read_npz(tmp_path / "objects.npz", "evaluate")
    assert "pickle" not in str(caught.value) and "damaged" in str(caught.value)
    with pytest.raises(StageError, match=r"lacks y, z; run `dvc repro userdata`"):
        read_npz(tmp_path / "good.npz", "userdata", ("x", "y", "z"))
    assert set(read_npz(tmp_path / "good.npz", "userdata", ("x",))) == {"x"}
