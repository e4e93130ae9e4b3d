"""Loading ``mnist.npz`` with clear errors, and the seeded, stratified train/validation split.

Pure numpy: the report, the app's benchmarks and the tests use it without TensorFlow.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from app.contract import FIELD
from pipeline.errors import StageError
from pipeline.paths import MNIST_NPZ

_KEYS = ("x_train", "y_train", "x_test", "y_test")
#: How many images each split of the real MNIST holds (checked where the data is loaded).
MNIST_COUNTS = {"train": 60000, "test": 10000}


@dataclass(frozen=True)
class Mnist:
    x_train: np.ndarray  # (N, 28, 28) uint8
    y_train: np.ndarray  # (N,) uint8
    x_test: np.ndarray
    y_test: np.ndarray


def read_npz(path: str | Path, stage: str, required: tuple[str, ...] = ()) -> dict[str, np.ndarray]:
    """Every array of an ``.npz`` that ``stage`` wrote; missing, damaged or lacking ``required`` says to rerun it."""
    rerun = f"run `dvc repro {stage}` to (re)create it"
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except FileNotFoundError as exc:
        raise StageError(f"{path} is missing; {rerun}") from exc
    except OSError as exc:
        raise StageError(f"cannot read {path} ({exc.strerror or exc}); {rerun}") from exc
    except (ValueError, zipfile.BadZipFile, EOFError) as exc:
        # numpy's own wording ("allow_pickle") would suggest loading the file unsafely: never say that
        raise StageError(f"{path} is damaged (not a complete .npz archive); {rerun}") from exc
    if missing := [k for k in required if k not in arrays]:
        raise StageError(f"{path} lacks {', '.join(missing)}; {rerun}")
    return arrays


def load_mnist(path: str | Path = MNIST_NPZ, counts: dict[str, int] | None = MNIST_COUNTS) -> Mnist:
    """Read and check ``mnist.npz``; say which stage to rerun when it is missing or broken.

    ``counts`` (images per split) is checked when given: an empty or one-image test split
    would otherwise let evaluate and export "pass" on nothing. Tests pass ``None`` for slices.
    """
    path = Path(path)
    rerun = "run `dvc repro download` to (re)create it"
    if not path.is_file():
        raise StageError(f"{path} is missing; {rerun}")
    if not zipfile.is_zipfile(path):
        raise StageError(f"{path} is corrupt (not an .npz archive); delete it and {rerun}")
    try:
        with np.load(path, allow_pickle=False) as npz:
            missing = [k for k in _KEYS if k not in npz.files]
            if missing:
                raise StageError(f"{path} lacks {', '.join(missing)}; delete it and {rerun}")
            arrays = {k: npz[k] for k in _KEYS}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        # numpy's own wording ("allow_pickle") would suggest loading the file unsafely: never say that
        raise StageError(f"{path} is corrupt (a damaged .npz archive); delete it and {rerun}") from exc
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.ndim != 3 or x.shape[1:] != (FIELD, FIELD) or x.dtype != np.uint8:
            raise StageError(f"{path}: x_{split} is {x.dtype}{x.shape}, expected uint8 (N, 28, 28); {rerun}")
        if y.shape != (len(x),) or y.dtype != np.uint8 or (y.size and y.max() > 9):
            raise StageError(f"{path}: y_{split} does not hold one digit label per image; {rerun}")
        if counts is not None and len(x) != counts[split]:
            raise StageError(
                f"{path}: the {split} split holds {len(x)} images, MNIST has {counts[split]}; delete it and {rerun}"
            )
    return Mnist(**arrays)


@dataclass(frozen=True)
class Split:
    train: np.ndarray  # indices into x_train
    validation: np.ndarray


def split_indices(labels: np.ndarray, validation_fraction: float, seed: int, limit: int | None = None) -> Split:
    """Seeded, stratified split of the training set into train and validation indices.

    With ``limit``, only the first ``limit`` examples of a seeded shuffle are split (quick
    runs that still see every class).
    """
    if not 0 < validation_fraction < 1:
        raise ValueError(f"validation_fraction must be in (0, 1), got {validation_fraction}")
    rng = np.random.default_rng(seed)
    pool = rng.permutation(len(labels))
    if limit is not None:
        pool = pool[:limit]
    train, val = [], []
    for digit in range(10):
        members = pool[labels[pool] == digit]
        n_val = round(len(members) * validation_fraction)
        val.append(members[:n_val])
        train.append(members[n_val:])
    train_idx = np.sort(np.concatenate(train)).astype(np.int64)
    val_idx = np.sort(np.concatenate(val)).astype(np.int64)
    if len(train_idx) == 0 or len(val_idx) == 0:
        raise ValueError(
            f"{len(pool)} examples split with validation_fraction={validation_fraction} leave "
            f"{len(train_idx)} for training and {len(val_idx)} for validation; raise train.limit"
        )
    return Split(train=train_idx, validation=val_idx)


# ------------------------------------------------- digits as the app sees them (framed.npz)
#: MNIST training digits drawn, photographed, written in numbers and in scenes (pens, layouts, papers,
#: degradations: :mod:`pipeline.synth.scene`), each framed as the app frames what it reads. The
#: openset stage makes them; the gate learns them as digits and the classifier
#: (``train.app_framed``) learns to read them.
DIGIT_FAMILIES = ("drawn", "photos", "numbers", "scenes")


def framed_key(split: str, family: str) -> str:
    """The 28x28 inputs (uint8) of ``family`` made from the gate's ``split`` of the training digits."""
    return f"digits_{split}_{family}"


def source_key(split: str, family: str) -> str:
    """The index in ``x_train`` of the digit each of those inputs was made from (its label is ``y_train``'s)."""
    return f"{framed_key(split, family)}_source"


@dataclass(frozen=True)
class Framed:
    images: np.ndarray  # (N, 28, 28) uint8
    source: np.ndarray  # (N,) int64: index in x_train


def load_framed(path: str | Path, splits: tuple[str, ...] = ("train", "validation")) -> Framed:
    """Every framed digit of ``framed.npz`` with its source digit; say which stage to rerun when it is missing."""
    rerun = "run `dvc repro openset` to (re)create it"
    keys = [(framed_key(s, f), source_key(s, f)) for s in splits for f in DIGIT_FAMILIES]
    arrays = read_npz(path, "openset", tuple(k for pair in keys for k in pair))
    images = np.concatenate([arrays[k] for k, _ in keys])
    source = np.concatenate([arrays[k] for _, k in keys]).astype(np.int64)
    if images.shape[1:] != (FIELD, FIELD) or len(source) != len(images):
        raise StageError(f"{path}: framed digits and their sources do not match; {rerun}")
    return Framed(images, source)


def with_framed(data: Mnist, split: Split, framed: Framed) -> tuple[Mnist, Split]:
    """``data`` and ``split`` with the framed digits of ``split.train``'s digits added to training.

    Only digits made from this run's training digits are added: the validation digits stay
    unseen in every form. Labels are the source digits' labels.
    """
    if len(framed.source) and (framed.source.min() < 0 or framed.source.max() >= len(data.y_train)):
        raise StageError("framed.npz's digits come from another MNIST; run `dvc repro openset`")
    keep = np.isin(framed.source, split.train)
    n = len(data.x_train)
    grown = Mnist(
        np.concatenate([data.x_train, framed.images[keep]]),
        np.concatenate([data.y_train, data.y_train[framed.source[keep]]]),
        data.x_test,
        data.y_test,
    )
    return grown, Split(np.concatenate([split.train, np.arange(n, n + int(keep.sum()))]), split.validation)


def class_counts(labels: np.ndarray) -> list[int]:
    return np.bincount(labels, minlength=10).astype(int).tolist()
