"""The person's own digits: readings they confirmed or corrected, kept as a dataset. No Qt.

One record per reading, in a folder of its own under ``<dataset>/records/``::

    records/20261203T232200Z-3f9a1c2b/
        record.json      the record's manifest (below)
        digit-0.png ...  the 28x28 inputs the model saw, white on black, one per digit of the label
        picture.png      an opened picture, as opened (absent for a drawing)

``record.json`` (``format`` 1)::

    {"format": 1, "id": "...", "label": "114", "read_as": "174", "source": "drawing",
     "writer": "alice", "session": "20261203T231500Z-ab12cd", "time": "2026-12-03T23:22:00Z",
     "model": {"name": "reference_cnn", "sha256": "...", "params_hash": "..."},
     "strokes": [{"points": [[x, y], ...], "width": 0.0267, "erase": false}, ...],
     "picture": null,
     "inputs": [{"file": "digit-0.png", "label": "1", "box": [top, left, bottom, right], "sha256": "..."}]}

Strokes are in canvas units (the canvas is the unit square), so a drawing can be rendered again
at any size. A record is written into a hidden temporary folder and renamed into place, so a
reader never sees half a record. Nothing leaves the machine: the dataset is a local folder,
git-ignored, and shared only if its owner tracks it with DVC (README, "Teach it your handwriting").

:func:`load_records` is the one reader of the format (the pipeline's ``userdata`` stage uses it):
a malformed record is reported by its folder's name and skipped, never silently used.
"""

from __future__ import annotations

import getpass
import io
import json
import os
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from app.contract import FIELD

FORMAT = 1
#: Where the app keeps the dataset: DIGITS_USERDATA, else ``userdata/`` of the checkout the app
#: runs from, else the platform's data folder.
ENV_FOLDER = "DIGITS_USERDATA"
RECORDS = "records"
RECORD_FILE = "record.json"
PICTURE_FILE = "picture.png"
SOURCES = ("drawing", "picture", "file")
_ID = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{6,32}$")


class UserDataError(OSError):
    """The dataset folder cannot be written (or read): what is wrong and what to do."""


@dataclass(frozen=True)
class Piece:
    """One labelled digit of a record: the model's 28x28 input (uint8, white on black) and its box."""

    label: str
    image: np.ndarray
    box: tuple[int, int, int, int] = (0, 0, 0, 0)


@dataclass(frozen=True)
class Record:
    """One confirmed or corrected reading."""

    id: str
    label: str
    pieces: tuple[Piece, ...]
    read_as: str | None = None
    source: str = "drawing"
    writer: str = ""
    session: str = ""
    time: str = ""
    model: dict[str, str] = field(default_factory=dict)
    strokes: tuple[dict[str, Any], ...] = ()
    picture: Path | None = None
    folder: Path | None = None

    @property
    def corrected(self) -> bool:
        return self.read_as is not None and self.read_as != self.label


@dataclass(frozen=True)
class Loaded:
    """What :func:`load_records` found: the usable records and a line per skipped one."""

    records: list[Record]
    problems: list[str]

    def counts(self) -> list[int]:
        """Digits held per class 0..9."""
        counts = [0] * 10
        for record in self.records:
            for piece in record.pieces:
                counts[int(piece.label)] += 1
        return counts


def default_folder() -> Path:
    """The dataset folder the app writes to (see ENV_FOLDER)."""
    if os.environ.get(ENV_FOLDER):
        return Path(os.environ[ENV_FOLDER]).expanduser()
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "dvc.yaml").is_file() and (checkout / "pipeline").is_dir():
        return checkout / "userdata"
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "digit-classifier" / "userdata"


def new_session() -> str:
    """An id for one run of the app (or one `digit-predict --label` call): the held-out split keeps sessions whole."""
    return f"{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime())}-{os.urandom(3).hex()}"


def writer_name() -> str:
    """Who writes: DIGITS_WRITER, else the login name (records of one writer stay on one side of the split)."""
    name = os.environ.get("DIGITS_WRITER")
    if name:
        return name
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container): one anonymous writer
        return "writer"


def model_stamp(path: str | Path, name: str, params_hash: str = "") -> dict[str, str]:
    """A record's ``model``: the model's name, its file's sha256 ("" when the file is gone) and params hash."""
    import hashlib  # here, not at the top: the window's cold start does not hash (3 ms)

    try:
        digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:  # the file went away after it was loaded: the name and params hash still say which
        digest = ""
    stamp = {"name": name, "sha256": digest}
    if params_hash:
        stamp["params_hash"] = params_hash
    return stamp


def _png(pixels: np.ndarray) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels)).save(buffer, format="PNG")
    return buffer.getvalue()


def as_input(image: np.ndarray) -> np.ndarray:
    """A model input (float in [0, 1], 28x28 or 28x28x1) as the uint8 picture stored."""
    pixels = np.asarray(image, dtype=np.float64).reshape(FIELD, FIELD)
    return np.clip(np.rint(pixels * 255.0), 0, 255).astype(np.uint8)


def save_record(
    folder: str | Path,
    *,
    label: str,
    inputs: Sequence[np.ndarray],
    boxes: Sequence[tuple[int, int, int, int]] = (),
    read_as: str | None = None,
    source: str = "drawing",
    strokes: Sequence[dict[str, Any]] = (),
    picture: np.ndarray | None = None,
    model: dict[str, str] | None = None,
    session: str = "",
    writer: str = "",
) -> Path:
    """Write one record (atomically: a hidden folder renamed into place) and return its folder.

    ``inputs`` are the model's inputs for the label's digits, left to right (one per digit).
    Raises ValueError for a label that does not fit the inputs, UserDataError when the folder
    cannot be written (the caller keeps the drawing).
    """
    _check_label(label, len(inputs), source)
    boxes = list(boxes) or [(0, 0, 0, 0)] * len(inputs)
    stamp = time.gmtime()
    record_id = f"{time.strftime('%Y%m%dT%H%M%SZ', stamp)}-{os.urandom(4).hex()}"
    files, entries = _input_files(label, inputs, boxes)
    if picture is not None:
        files[PICTURE_FILE] = _png(picture)
    record = {
        "format": FORMAT,
        "id": record_id,
        "label": label,
        "read_as": read_as,
        "source": source,
        "writer": writer or writer_name(),
        "session": session,
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", stamp),
        "model": dict(model or {}),
        "strokes": list(strokes),
        "picture": PICTURE_FILE if picture is not None else None,
        "inputs": entries,
    }
    return _write(Path(folder), record_id, files, record)


def _check_label(label: str, pieces: int, source: str) -> None:
    """ValueError unless ``label`` is digits, one per piece, from a known source."""
    if not label or not label.isascii() or not label.isdigit():
        raise ValueError(f"a label is the digits written, 0-9 only; got {label!r}")
    if pieces != len(label):
        raise ValueError(
            f"the label {label!r} has {len(label)} digit(s) but the reading has {pieces} piece(s): "
            "correct each digit's box, or draw the digits apart so each is its own piece"
        )
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}; got {source!r}")


def _input_files(
    label: str, inputs: Sequence[np.ndarray], boxes: Sequence[tuple[int, int, int, int]]
) -> tuple[dict[str, bytes], list[dict[str, Any]]]:
    """Each digit's input as a PNG by file name, and its entry in ``record.json`` (label, box, sha256)."""
    import hashlib

    files: dict[str, bytes] = {}
    entries = []
    for i, (digit, image, box) in enumerate(zip(label, inputs, boxes, strict=True)):
        data = _png(as_input(image))
        name = f"digit-{i}.png"
        files[name] = data
        entries.append(
            {"file": name, "label": digit, "box": [int(v) for v in box], "sha256": hashlib.sha256(data).hexdigest()}
        )
    return files, entries


def _write(folder: Path, record_id: str, files: dict[str, bytes], record: dict[str, Any]) -> Path:
    """The record's files in a hidden folder, renamed into place at once; UserDataError when it cannot be."""
    import shutil

    root = folder / RECORDS
    tmp = root / f".tmp-{record_id}"
    final = root / record_id
    try:
        tmp.mkdir(parents=True)
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        (tmp / RECORD_FILE).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, final)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise UserDataError(
            f"cannot save to {folder}: {exc.strerror or exc}. Your drawing is kept; choose a folder you can "
            f"write to with {ENV_FOLDER}=PATH, or free some space"
        ) from exc
    return final


def delete_record(path: str | Path) -> None:
    """Remove a record (undo of a save)."""
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def count_records(folder: str | Path) -> int:
    """How many records the folder holds (cheap: no file is read)."""
    root = Path(folder) / RECORDS
    try:
        return sum(1 for entry in os.scandir(root) if entry.is_dir() and not entry.name.startswith("."))
    except OSError:
        return 0


def count_digits(folder: str | Path) -> int:
    """How many digits the folder's records hold: their labels' lengths, from each record.json alone
    (no picture is read; a record that cannot be read counts 0). The app shows it at start."""
    root = Path(folder) / RECORDS
    total = 0
    try:
        entries = [e for e in os.scandir(root) if e.is_dir() and not e.name.startswith(".")]
    except OSError:
        return 0
    for entry in entries:
        try:
            label = json.loads(Path(entry.path, RECORD_FILE).read_text(encoding="utf-8")).get("label")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(label, str) and label.isascii() and label.isdigit():
            total += len(label)
    return total


def _read_png(path: Path) -> np.ndarray:
    from PIL import Image

    with Image.open(path, formats=["PNG"]) as image:
        image.load()
        if image.mode != "L":
            raise ValueError(f"{path.name} is {image.mode}, not 8-bit grey")
        return np.asarray(image, dtype=np.uint8)


def _record(folder: Path) -> Record:
    """One record, validated; ValueError says what is wrong."""
    meta = _meta(folder)
    label = meta.get("label")
    if not isinstance(label, str) or not label or not label.isascii() or not label.isdigit():
        raise ValueError(f"label {label!r} is not a string of digits")
    entries = meta.get("inputs")
    if not isinstance(entries, list) or len(entries) != len(label):
        got = len(entries) if isinstance(entries, list) else "no"
        raise ValueError(f"label {label!r} has {len(label)} digit(s) but the record holds {got} input(s)")
    pieces = [_piece(folder, i, entry, label[i]) for i, entry in enumerate(entries)]
    strokes = meta.get("strokes", [])
    if not isinstance(strokes, list) or not all(isinstance(s, dict) and "points" in s for s in strokes):
        raise ValueError("strokes is not a list of strokes with points")
    source = meta.get("source", "drawing")
    if source not in SOURCES:
        raise ValueError(f"source {source!r} is not one of {', '.join(SOURCES)}")
    read_as = meta.get("read_as")
    picture = folder / PICTURE_FILE if meta.get("picture") == PICTURE_FILE else None
    if picture is not None and not picture.is_file():
        raise ValueError(f"{PICTURE_FILE} is named but missing")
    model = meta.get("model") if isinstance(meta.get("model"), dict) else {}
    return Record(
        id=folder.name,
        label=label,
        pieces=tuple(pieces),
        read_as=read_as if isinstance(read_as, str) else None,
        source=source,
        writer=str(meta.get("writer", "")),
        session=str(meta.get("session", "")),
        time=str(meta.get("time", "")),
        model={str(k): str(v) for k, v in model.items()},
        strokes=tuple(strokes),
        picture=picture,
        folder=folder,
    )


def _meta(folder: Path) -> dict[str, Any]:
    """A record's ``record.json``, of this format; ValueError says what is wrong."""
    try:
        meta = json.loads((folder / RECORD_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"no {RECORD_FILE}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{RECORD_FILE} cannot be read: {exc}") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{RECORD_FILE} is not an object")
    if meta.get("format") != FORMAT:
        raise ValueError(f"format {meta.get('format')!r}, this version reads format {FORMAT}")
    return meta


def _piece(folder: Path, i: int, entry: Any, digit: str) -> Piece:
    """The record's input ``i`` (the label's digit ``digit``): its file checked against its sha256 and read."""
    import hashlib

    if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
        raise ValueError(f"input {i} is not an object with a file")
    name = entry["file"]
    if "/" in name or "\\" in name or name.startswith("."):
        raise ValueError(f"input {i} names {name!r}, not a file of the record")
    if entry.get("label") != digit:
        raise ValueError(f"input {i} is labelled {entry.get('label')!r} but the label's digit {i} is {digit!r}")
    path = folder / name
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{name} cannot be read: {exc.strerror or exc}") from None
    if entry.get("sha256") != hashlib.sha256(data).hexdigest():
        raise ValueError(f"{name} does not match its sha256 in {RECORD_FILE} (changed or damaged)")
    try:
        image = _read_png(path)
    except Exception as exc:  # Pillow's many errors: the record is skipped and named
        raise ValueError(f"{name} is not a usable PNG: {exc}") from None
    if image.shape != (FIELD, FIELD):
        raise ValueError(f"{name} is {image.shape[1]}x{image.shape[0]}, not {FIELD}x{FIELD}")
    box = entry.get("box", [0, 0, 0, 0])
    if not (isinstance(box, list) and len(box) == 4 and all(isinstance(v, int) for v in box)):
        raise ValueError(f"input {i}'s box {box!r} is not four whole numbers")
    return Piece(digit, image, tuple(box))  # type: ignore[arg-type]


def load_records(folder: str | Path) -> Loaded:
    """Every valid record under ``folder``, oldest first; each skipped one gives a line naming it and why.

    A missing folder is an empty dataset (a clean clone has none).
    """
    root = Path(folder) / RECORDS
    if not root.is_dir():
        return Loaded([], [])
    records: list[Record] = []
    problems: list[str] = []
    for entry in sorted(root.iterdir()):
        if entry.name.startswith("."):
            continue  # a record being written, or one whose writer died: not part of the dataset
        if not entry.is_dir() or not _ID.match(entry.name):
            problems.append(f"{entry}: not a record folder (records are named like 20261203T232200Z-3f9a1c2b)")
            continue
        try:
            records.append(_record(entry))
        except ValueError as exc:
            problems.append(f"{entry}: {exc}; skipped")
    return Loaded(records, problems)
