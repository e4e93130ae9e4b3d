"""``digit-predict IMAGE|FOLDER|- ... [--model PATH] [--json | --csv] [--top-k K]``: read pictures from the shell.

One line per picture: the digit or number (or "not a digit"), its confidence and the ten
probabilities. ``--json`` writes one object per input, ``--csv`` a header and one row per
input; a file that cannot be read gets a record with its ``error`` too, so a batch job sees
every input in its output. A folder is read in sorted order (``--recursive`` for its
subfolders); ``-`` reads file names from standard input, one per line.

Exit status: 0 every input was read, 1 some could not be, 2 no usable model (or bad usage).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from app import wording
from app.document import Document, Picture, read
from app.images import ImageError, load_picture
from app.inference import Classifier, ModelError, ModelRunError, load_classifier
from app.preprocess import EmptyImage
from app.reading import Reading

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pgm", ".ppm", ".pbm"}
# every JSON record has these keys, in this order (optional extras follow)
RECORD_KEYS = ("file", "digit", "confidence", "probs", "number", "digits", "rejected", "not_digit", "error")
#: CSV: the answer first, the ten probabilities, then what was added later (new columns go last)
CSV_COLUMNS = [
    "file", "answer", "digit", "confidence", "number", "rejected", "error", *[f"p{d}" for d in range(10)],
    "sure", "closest", "hints",
]  # fmt: skip


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    from app.version import VersionAction

    parser = argparse.ArgumentParser(
        prog="digit-predict",
        description="Read handwritten digits and numbers in pictures.",
        epilog="Exit status: 0 all read, 1 some inputs could not be read, 2 no usable model.",
    )
    parser.add_argument("inputs", nargs="+", metavar="IMAGE", help="picture files, folders, or - for names on stdin")
    parser.add_argument("--model", help="ONNX model (default: the pipeline's, else the app's own)")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="one JSON object per line")
    out.add_argument("--csv", action="store_true", help="CSV: a header, then one row per input")
    parser.add_argument("--top-k", type=int, default=0, metavar="K", help="also list the K most likely digits")
    parser.add_argument("--recursive", "-r", action="store_true", help="read folders' subfolders too")
    parser.add_argument(
        "--label",
        metavar="LABEL",
        help="the digits written in every file: save each to your digits (when its pieces fit the label)",
    )
    parser.add_argument("--userdata", metavar="PATH", help="the folder of your digits (default: as the app's)")
    parser.add_argument("--version", action=VersionAction)
    args = parser.parse_args(argv)
    if not 0 <= args.top_k <= 10:
        parser.error(f"--top-k must be between 0 and 10, got {args.top_k}")
    if args.label is not None and not (args.label.isascii() and args.label.isdigit()):
        parser.error(f"--label is the digits written, 0-9 only (e.g. --label 7 or --label 114), got {args.label!r}")
    return args


def expand(inputs: Iterable[str], recursive: bool, stdin: TextIO, err: TextIO | None = None) -> Iterator[str]:
    """Every file to read: files as given, folders' pictures sorted, names from stdin for ``-``.

    Without ``recursive``, a folder's subfolders are not read, and ``err`` is told how many.
    """
    for item in inputs:
        if item == "-":
            for line in stdin:
                name = line.rstrip("\n")
                if name.strip():
                    yield name
            continue
        path = Path(item)
        if path.is_dir():
            walk = list(path.rglob("*") if recursive else path.iterdir())
            found = sorted((p for p in walk if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES), key=str)
            subfolders = sum(p.is_dir() for p in walk) if not recursive else 0
            if subfolders and err is not None:
                s = "s" if subfolders > 1 else ""
                err.write(f"digit-predict: note: {item}: {subfolders} subfolder{s} not read (--recursive reads them)\n")
            if not found:
                yield item  # reported as "no pictures in this folder"
            yield from (str(p) for p in found)
        else:
            yield item


def record(
    path: str, reading: Reading, top_k: int, notes: list[str], scale: float = 1.0, hints: Sequence[str] = ()
) -> dict[str, Any]:
    """The JSON object for one input (``shared/design/contract.md``); boxes times ``scale`` (the file's pixels)."""
    single = reading.single
    one = single is not None and not reading.rejected  # one digit read (pieces set aside are under "ignored")

    def top(piece) -> list[dict[str, Any]]:
        return [{"digit": d, "probability": round(p, 6)} for d, p in piece.top(top_k)]

    digits = []
    for p in reading.pieces:
        entry = {"digit": p.digit, "confidence": round(p.confidence, 6), "box": _box(p.box, scale)}
        if p.not_digit is not None:
            entry["not_digit"] = round(p.not_digit, 6)
        if p.more:  # the string model reads more digits in this digit's piece: it may hold one the answer leaves out
            entry["more"] = p.more
        if top_k:
            entry["top"] = top(p)
        digits.append(entry)
    out: dict[str, Any] = {
        "file": path,
        "digit": single.digit if one else None,
        "confidence": round(single.confidence, 6) if one else None,
        # the ten probabilities of one piece (a non-digit's too)
        "probs": [round(float(p), 6) for p in single.probs] if single is not None else None,
        "number": reading.number,
        "digits": digits,
        "rejected": reading.rejected,
        "not_digit": round(single.not_digit, 6) if single is not None and single.not_digit is not None else None,
        "error": None,
        "sure": wording.is_sure(reading),
    }
    if single is not None and reading.rejected:
        out["closest"] = {"digit": int(single.probs.argmax()), "confidence": round(single.confidence, 6)}
    if reading.ignored:
        out["ignored"] = [{"box": _box(p.box, scale), "closest": p.label} for p in reading.ignored]
    out["removed"] = list(reading.removed)  # the paper's structure taken out before reading: "ruling", "boxes"...
    if top_k and single is not None:
        out["top"] = top(single)
    if notes:
        out["notes"] = notes
    if hints:
        out["hints"] = list(hints)
    return out


def _box(box: tuple[int, int, int, int], scale: float) -> list[int]:
    return [round(v * scale) for v in box]


def blank_record(path: str, notes: list[str]) -> dict[str, Any]:
    """A picture in which nothing is written: an answer ("nothing written", as the window says), not an error."""
    rec: dict[str, Any] = dict.fromkeys(RECORD_KEYS)
    rec.update(file=path, digits=[], rejected=wording.NOTHING, sure=True)
    if notes:
        rec["notes"] = notes
    return rec


def error_record(path: str, reason: str) -> dict[str, Any]:
    """The same keys as a reading's record, with the reason and nothing read."""
    rec: dict[str, Any] = dict.fromkeys(RECORD_KEYS)
    rec.update(file=path, digits=[], error=reason)
    return rec


def _reason(path: str, exc: Exception) -> str:
    """The reason alone: the record already names the file (as given, or as the system spells it)."""
    text = str(exc)
    for name in (path, str(Path(path))):
        if text.startswith(f"{name}: "):
            return text[len(name) + 2 :]
    return text


def csv_row(rec: dict[str, Any]) -> dict[str, Any]:
    row = {k: rec.get(k) for k in ("file", "digit", "confidence", "number", "rejected", "error", "sure")}
    row["answer"] = rec.get("rejected") or rec.get("number") or ""
    row["closest"] = (rec.get("closest") or {}).get("digit")
    row["hints"] = " | ".join(rec.get("hints", ()))
    for d, p in enumerate(rec.get("probs") or [None] * 10):
        row[f"p{d}"] = p
    return {k: ("" if v is None else v) for k, v in row.items()}


def read_one(classifier: Classifier, path: str) -> tuple[Reading, list[str]]:
    """Read one file as the window reads an opened picture (raises ``EmptyImage`` when nothing is written)."""
    reading, notes, _, _ = read_file(classifier, path)
    if reading is None:
        raise EmptyImage(f"{path}: {wording.NOTHING}")
    return reading, notes


def read_file(classifier: Classifier, path: str) -> tuple[Reading | None, list[str], float, list[str]]:
    """(reading or None when nothing is written, notes on the file, scale from the ink map's pixels to the
    file's, hints), on the window's own reading path."""
    if Path(path).is_dir():
        raise ImageError(f"{path}: no pictures in this folder (use --recursive for subfolders)")
    picture = load_picture(path)
    try:
        reading, ink = read(classifier, Document(picture=Picture(picture.pixels, Path(path).name)))
    except EmptyImage:
        return None, picture.notes, 1.0, []
    scale = picture.scale * max(picture.pixels.shape[:2]) / max(ink.shape)
    return reading, picture.notes, scale, wording.hints(reading, ink)


def _read_record(classifier: Classifier, path: str, top_k: int) -> dict[str, Any]:
    reading, notes, scale, hints = read_file(classifier, path)
    if reading is None:
        return blank_record(path, notes)
    return record(path, reading, top_k, notes, scale, hints)


def run(args: argparse.Namespace, classifier: Classifier, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    failed = 0
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n") if args.csv else None
    if writer is not None:
        writer.writeheader()
    seen = 0
    for path in expand(args.inputs, args.recursive, stdin, err):
        seen += 1
        try:
            rec = _read_record(classifier, path, args.top_k)
        except (ImageError, ValueError) as exc:
            if isinstance(exc, ModelError) and not isinstance(exc, ModelRunError):
                raise  # the model itself is broken; one that failed on this picture may read the others
            failed += 1
            reason = _reason(path, exc)
            err.write(f"digit-predict: {path}: {reason}\n")
            rec = error_record(path, reason)
            if not (args.json or writer):
                continue
        else:
            for note in rec.get("notes", ()):
                err.write(f"digit-predict: note: {note}\n")
            for hint in rec.get("hints", ()):
                err.write(f"digit-predict: hint: {path}: {hint}\n")
        if args.json:
            out.write(json.dumps(rec) + "\n")
        elif writer is not None:
            writer.writerow(csv_row(rec))
        else:
            out.write(wording.shell_line(path, rec) + "\n")
        out.flush()
    if seen == 0:
        err.write("digit-predict: no pictures to read (standard input had no file names)\n")
        return 1
    return 1 if failed else 0


def save_labelled(args: argparse.Namespace, classifier: Classifier, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    """``--label``: read each file as usual and save it to the person's digits when its pieces fit the label.

    One line per file (the usual answer, then "saved" and the record's folder); a file that is not
    saved gets a line on ``err`` saying why. Exit status 1 when any file was not saved.
    """
    from app import userdata

    folder = Path(args.userdata).expanduser() if args.userdata else userdata.default_folder()
    label = args.label
    info = classifier.info
    fixed = {
        "label": label,
        "source": "file",
        "model": userdata.model_stamp(classifier.path, info.name, info.metadata.get("params_hash", "")),
        "session": userdata.new_session(),
        "writer": userdata.writer_name(),
    }
    failed = saved = 0
    for path in expand(args.inputs, args.recursive, stdin, err):
        found = _labelled_pieces(classifier, path, label, err)
        if found is None:
            failed += 1
            continue
        picture, reading, pieces = found
        try:
            record_path = userdata.save_record(
                folder,
                inputs=[p.image for p in pieces],
                boxes=[p.box for p in pieces],
                read_as=reading.text,
                picture=picture,
                **fixed,
            )
        except userdata.UserDataError as exc:
            err.write(f"digit-predict: {exc}\n")  # every later file would fail the same way
            return 1
        saved += 1
        out.write(f"{path}: saved {label} (read as {reading.text}) in {record_path}\n")
        out.flush()
    err.write(f"digit-predict: {saved} saved to {folder}, {failed} not saved\n")
    return 1 if failed or not saved else 0


def _labelled_pieces(classifier: Classifier, path: str, label: str, err: TextIO) -> tuple[Any, Reading, list] | None:
    """(the picture's pixels, its reading, the pieces the label names) for one ``--label`` file, or None with
    the reason written on ``err``."""
    from app.teaching import pieces_for

    try:
        if Path(path).is_dir():
            raise ImageError(f"{path}: no pictures in this folder (use --recursive for subfolders)")
        picture = load_picture(path)
        reading, _ = read(classifier, Document(picture=Picture(picture.pixels, Path(path).name)))
    except EmptyImage:
        err.write(f"digit-predict: {path}: not saved: {wording.NOTHING}\n")
        return None
    except (ImageError, ValueError) as exc:
        if isinstance(exc, ModelError) and not isinstance(exc, ModelRunError):
            raise
        err.write(f"digit-predict: {path}: not saved: {_reason(path, exc)}\n")
        return None
    pieces = pieces_for(reading, len(label))
    if len(pieces) != len(label):
        n = len(reading.pieces)
        err.write(
            f"digit-predict: {path}: not saved: read as {reading.text or wording.NOTHING} in {n} piece"
            f"{'s' if n != 1 else ''}, but the label {label} has {len(label)} digit{'s' if len(label) != 1 else ''}"
            " (one piece per digit: leave gaps between digits, or label each digit's picture)\n"
        )
        return None
    return picture.pixels, reading, pieces


def main(argv: list[str] | None = None) -> int:
    from app.threads import single_threaded_blas

    args = parse_args(argv)
    single_threaded_blas()
    try:
        classifier = load_classifier(args.model)
    except ModelError as exc:
        print(f"digit-predict: {exc}", file=sys.stderr)
        return 2
    if sys.stdout is None:  # started with standard output closed (`>&-`)
        print(
            "digit-predict: standard output is closed: nothing could be written; give it a file or a pipe",
            file=sys.stderr,
        )
        return 2
    # a file name that is not UTF-8 is printed as its own bytes, not a UnicodeEncodeError that stops the batch
    with contextlib.suppress(AttributeError, ValueError):
        sys.stdout.reconfigure(errors="surrogateescape")
    try:
        code = (save_labelled if args.label is not None else run)(args, classifier, sys.stdout, sys.stderr, sys.stdin)
        sys.stdout.flush()  # a full disk shows here, not in an unreadable exit-time message
        return code
    except ModelError as exc:
        print(f"digit-predict: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # the reader stopped early (`| head`): stop quietly, like other Unix tools
        _drop_stdout()
        return 1
    except OSError as exc:  # standard output on a full disk (`>/dev/full`), or a device that failed
        _drop_stdout()
        print(
            f"digit-predict: cannot write the results: {exc.strerror or exc}; free some space or write elsewhere",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        return 130


def _drop_stdout() -> None:
    """Point standard output at /dev/null, so Python's own flush at exit does not fail a second time."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":
    sys.exit(main())
