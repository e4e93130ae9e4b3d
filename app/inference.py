"""Run the exported ONNX model through onnxruntime. No Qt, no TensorFlow.

:class:`Classifier` checks that a model file is what the pipeline exports (input ``image``
float32 [N,28,28,1], output ``probs`` [N,10], optionally a "not a digit" score) and reads
its ``metadata_props``, including the rule that turns the score into a decision; anything
else is a :class:`ModelError` that says what is wrong, worded for whoever will read it.
Every output is checked to be probabilities before anyone sees it.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from app.contract import FIELD, INPUT_NAME, LABELS, OUTPUT_NAME, PIPELINE_MODEL, PUBLISHED_MODEL, Meta
from app.preprocess import EmptyImage, Prepared, prepare
from app.reader import Memo, read_ink
from app.reading import DigitReading, Reading
from app.string_votes import Voting
from app.strings import StringModel, string_path

#: No digit model is anywhere near this; a larger file is refused before it is read.
MAX_MODEL_BYTES = 256 << 20
THREADS_ENV = "DIGITS_ORT_THREADS"
log = logging.getLogger(__name__)
#: Probabilities sum to 1 within this: an int8 model's are quantized to steps of 1/255 each.
SUM_TOLERANCE = 0.03
#: The load-time probe (two small pictures) must answer within this. The reference model takes
#: ~1 ms; a graph that loops for ever (an ONNX Loop of 1e15 turns) is stopped here, not waited on.
PROBE_SECONDS = 5.0


class ModelError(ValueError):
    """The model file is missing, unreadable, or not a digit classifier with the agreed interface."""


class ModelNotFound(ModelError):
    """No model file to use."""


class ModelRunError(ModelError):
    """The model loaded and passed its probe but failed on one picture: that picture has no reading."""


def in_checkout() -> bool:
    """Running from the project's source tree (a developer), not from an installed app."""
    root = Path(__file__).resolve().parent.parent
    return (root / "dvc.yaml").is_file() and (root / "pipeline").is_dir()


def fix_hint() -> str:
    """What to do about an unusable model, for the shell (the window gives its own: File > Open model)."""
    if in_checkout():
        return "Build one with `make pipeline` (runs `dvc repro`), or choose another with --model PATH."
    return "Choose another model file (File > Open model... in the app, --model PATH on the command line)."


@dataclass(frozen=True)
class Prediction:
    """One prepared input's classification (kept for callers that read a single digit)."""

    digit: int
    confidence: float
    probs: np.ndarray  # (10,)
    prepared: Prepared  # what the model saw


@dataclass(frozen=True)
class ModelInfo:
    path: Path
    labels: list[str]
    test_accuracy: float | None
    metadata: dict[str, str] = field(default_factory=dict)
    #: the "not a digit" rule from the metadata: (output name, threshold), or None
    reject: tuple[str, float] | None = None

    @property
    def name(self) -> str:
        return self.metadata.get(Meta.MODEL_NAME, "model")

    @property
    def summary(self) -> str:
        acc = f"test accuracy {100 * self.test_accuracy:.2f}%" if self.test_accuracy is not None else "no accuracy"
        return f"{self.path.name} ({self.name}), {acc}, labels {','.join(self.labels)}"

    @property
    def published(self) -> dict[str, str]:
        """Provenance written by ``pipeline.tools.publish`` (empty for a model straight from the pipeline)."""
        try:
            value = json.loads(self.metadata.get(Meta.PUBLISHED, "{}"))
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def resolve_model(explicit: str | Path | None = None, root: Path | None = None) -> Path:
    """``--model`` when given; else the pipeline's ``artifacts/model/model.onnx``; else the published model."""
    if explicit is not None:
        path = Path(explicit).expanduser()
        if not path.is_file():
            raise ModelNotFound(f"The model file {path} does not exist. {fix_hint()}")
        return path
    roots = [Path.cwd()] if root is None else [root]
    if root is None and in_checkout():
        roots.append(Path(__file__).resolve().parent.parent)
    for base in roots:
        candidate = base / PIPELINE_MODEL
        if candidate.is_file() and candidate.stat().st_size > 0:
            return candidate
    if PUBLISHED_MODEL.is_file():
        return PUBLISHED_MODEL
    if in_checkout():
        raise ModelNotFound(f"No model found (looked for {PIPELINE_MODEL} and {PUBLISHED_MODEL}). {fix_hint()}")
    raise ModelNotFound(
        f"The app's own model ({PUBLISHED_MODEL}) is missing: the installation is incomplete. Reinstall the app, "
        "or choose a model file with --model PATH."
    )


def ort_threads() -> int:
    """``DIGITS_ORT_THREADS`` (default 1: the steadiest latency for one drawing, ``bench/app_latency.py``).

    Two threads read a drawing about 0.15 ms sooner on an idle 2-core machine, but with one other
    busy process their p99 was 7.2 ms against 2.9 ms (a worker waits for a core): one thread stays.
    """
    raw = os.environ.get(THREADS_ENV, "").strip()
    if not raw:
        return 1
    # ASCII digits only: str.isdigit() takes "²" (int() then fails), and 99999999999 overflowed onnxruntime
    if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
        raise ModelError(f"{THREADS_ENV}={raw!r} is not a number of threads; use a whole number such as 1, or unset it")
    cores = os.cpu_count() or 1
    if int(raw) > cores:
        # 1000 threads took 35 s a picture and 100000 grew memory without bound: no more threads than cores
        log.warning("%s=%s is more than this machine's %d cores: using %d", THREADS_ENV, raw, cores, cores)
        return cores
    return int(raw)


class _Watch(threading.Thread):
    """Sets a run's terminate flag when ``limit`` seconds pass or ``stop`` is set, whichever is first."""

    def __init__(self, options, limit: float, stop: threading.Event) -> None:
        super().__init__(name="model-watch")
        self.options, self.limit, self.stop = options, limit, stop
        self.done = threading.Event()

    def run(self) -> None:
        import time

        deadline = time.monotonic() + self.limit
        while not self.done.wait(0.02):  # the run ended: nothing to stop
            if self.stop.is_set() or time.monotonic() >= deadline:
                self.options.terminate = True
                return

    def cancel(self) -> None:
        self.done.set()


class Classifier:
    """An onnxruntime session over a checked digit model."""

    def __init__(
        self,
        path: str | Path,
        threads: int | None = None,
        cancel: threading.Event | None = None,
        data: bytes | None = None,
    ) -> None:
        """``cancel``: set from another thread, it stops the load-time check at once (the window's Cancel,
        the app quitting: onnxruntime aborts the process if a run is still going when it exits).
        ``data``: the model's bytes when they are not a file yet (export checks a model before it writes
        it); ``path`` then only names it in messages."""
        import onnxruntime as ort

        self.path = Path(path)
        from_file = data is None
        if data is None:
            data = self._read(self.path)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads if threads is not None else ort_threads()
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        try:
            # from bytes, not the path: a model whose weights point at files beside it cannot load
            self.session = ort.InferenceSession(data, opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own exception types for bad files
            text = str(exc)
            if "external" in text.lower() or "model_path must not be empty" in text:
                raise ModelError(
                    f"{self.path} keeps its weights in separate files (ONNX external data), which the app does not "
                    "load; use a self-contained .onnx model"
                ) from exc
            raise ModelError(
                f"{self.path} is damaged or not an ONNX model (onnxruntime: {_first_line(exc)}). {fix_hint()}"
            ) from exc
        self._check_interface()
        self.info = self._read_info()
        self._outputs = [OUTPUT_NAME] + ([self.info.reject[0]] if self.info.reject else [])
        self._memo = Memo()  # this model's recent pieces: a new stroke re-reads only what it changed
        # touching digits read whole (app.strings) in several framings (app.string_votes), when the string model
        # is beside this one; opened on first use
        beside = string_path(self.path)
        self.strings = (
            Voting(StringModel(beside, opts.intra_op_num_threads))
            if from_file and beside.is_file() and beside.stat().st_size
            else None
        )
        self._cancel = cancel
        try:
            self._probe()
        finally:
            self._cancel = None  # only the load-time check is stopped from outside

    def _read(self, path: Path) -> bytes:
        import stat

        try:
            info = path.stat()  # one look, as app.images.load_picture takes: a link to /dev/zero is a device
        except FileNotFoundError:
            raise ModelNotFound(f"The model file {path} does not exist. {fix_hint()}") from None
        except OSError as exc:
            raise ModelError(f"cannot read {path} ({exc.strerror or exc})") from exc
        if stat.S_ISDIR(info.st_mode):
            raise ModelError(f"{path} is a folder, not a model file: give the .onnx file in it")
        if not stat.S_ISREG(info.st_mode):
            raise ModelError(f"{path} is not a regular file (a device, pipe or socket); give an .onnx model file")
        size = info.st_size
        if size == 0:
            why = "the file is incomplete or was never written"
            if path.name.endswith(".int8.onnx") and in_checkout():
                why = (
                    "the pipeline leaves model.int8.onnx empty when export.int8.enabled is false "
                    "(set it to true and run `dvc repro export`)"
                )
            raise ModelError(f"{path} is empty (0 bytes): {why}. {fix_hint()}")
        if size > MAX_MODEL_BYTES:
            raise ModelError(f"{path} is {size >> 20} MiB, far larger than any digit model; {fix_hint()}")
        try:
            return path.read_bytes()
        except OSError as exc:
            raise ModelError(f"cannot read {path} ({exc.strerror or exc})") from exc

    def _check_interface(self) -> None:
        inputs, outputs = self.session.get_inputs(), self.session.get_outputs()
        if len(inputs) != 1 or inputs[0].name != INPUT_NAME:
            got = ", ".join(f"{i.name}{i.shape}" for i in inputs)
            raise ModelError(f"{self.path} is not a digit model: expected one input '{INPUT_NAME}', got {got}")
        inp = inputs[0]
        if inp.type != "tensor(float)" or len(inp.shape) != 4 or list(inp.shape[1:]) != [FIELD, FIELD, 1]:
            raise ModelError(
                f"{self.path}: input '{INPUT_NAME}' must be float32 [N,28,28,1], got {inp.type} {inp.shape}"
            )
        names = [o.name for o in outputs]
        if OUTPUT_NAME not in names:
            raise ModelError(f"{self.path} is not a digit model: no output '{OUTPUT_NAME}' (outputs: {names})")
        if isinstance(inp.shape[0], int):
            raise ModelError(
                f"{self.path}: input '{INPUT_NAME}' takes a fixed batch of {inp.shape[0]}, but the reader classifies "
                "all the digits of a number at once; export the model with a free batch dimension (N)"
            )
        out = outputs[names.index(OUTPUT_NAME)]
        if len(out.shape) != 2 or out.shape[1] != 10:
            raise ModelError(f"{self.path}: output '{OUTPUT_NAME}' must be [N,10], got {out.shape}")

    def _read_info(self) -> ModelInfo:
        meta = dict(self.session.get_modelmeta().custom_metadata_map)
        labels = meta.get(Meta.LABELS, "").split(",") if meta.get(Meta.LABELS) else list(LABELS)
        if len(labels) != 10:
            raise ModelError(f"{self.path}: metadata lists {len(labels)} labels, expected 10")
        try:
            accuracy = float(meta[Meta.TEST_ACCURACY]) if Meta.TEST_ACCURACY in meta else None
        except ValueError:
            accuracy = None
        return ModelInfo(self.path, labels, accuracy, meta, self._reject_rule(meta))

    def _reject_rule(self, meta: dict[str, str]) -> tuple[str, float] | None:
        """The "not a digit" rule: reject when output ``REJECT_OUTPUT`` [N,1] >= ``REJECT_THRESHOLD``."""
        name = meta.get(Meta.REJECT_OUTPUT)
        if not name:
            return None
        outputs = {o.name: o for o in self.session.get_outputs()}
        try:
            threshold = float(meta[Meta.REJECT_THRESHOLD])
        except (KeyError, ValueError) as exc:
            raise ModelError(f"{self.path}: metadata names '{name}' but no numeric {Meta.REJECT_THRESHOLD}") from exc
        if name not in outputs or not 0 <= threshold <= 1:
            raise ModelError(f"{self.path}: the metadata's not-a-digit rule does not match the model's outputs")
        return name, threshold

    # ----------------------------------------------------------------- running
    def _probe(self) -> None:
        """Run a blank picture and a stroke, in a time limit: a model that hangs, fails on ink, or does not
        give probabilities is refused now, at load, not in the middle of someone's batch."""
        probe = np.zeros((2, FIELD, FIELD), np.float32)
        probe[1, 6:22, 13:15] = 1.0  # a "1"
        try:
            self.score(probe, limit=PROBE_SECONDS)
        except ModelRunError as exc:
            raise ModelError(str(exc).replace("failed on this picture", "fails on a test picture", 1)) from exc

    def _run(self, x: np.ndarray, limit: float | None) -> list:
        import onnxruntime as ort

        options = ort.RunOptions()
        options.log_severity_level = 4  # the failure is reported once, as a ModelError, not also by onnxruntime
        timer: _Watch | None = None
        stop = self._cancel
        if limit is not None:
            # onnxruntime checks the flag between kernels (also inside a Loop), so the run stops soon after
            timer = _Watch(options, limit, stop or threading.Event())
            timer.daemon = True
            timer.start()
        try:
            return self.session.run(self._outputs, {INPUT_NAME: x}, options)
        except Exception as exc:  # onnxruntime's own exception types, MemoryError
            if options.terminate and stop is not None and stop.is_set():
                raise ModelError(f"checking {self.path} was stopped") from exc
            if options.terminate:
                raise ModelError(
                    f"{self.path} did not answer within {limit:g} s on two small pictures (the reference model takes "
                    f"about a millisecond); it cannot be used. {fix_hint()}"
                ) from exc
            raise ModelRunError(
                f"{self.path} failed on this picture (onnxruntime: {_first_line(exc)}); the model is broken. "
                f"{fix_hint()}"
            ) from exc
        finally:
            if timer is not None:
                timer.cancel()

    def score(self, images: np.ndarray, limit: float | None = None) -> tuple[np.ndarray, np.ndarray | None]:
        """(probabilities (N,10), not-a-digit scores (N,) or None) for prepared inputs (N,28,28) in [0,1].

        Raises :class:`ModelRunError` when onnxruntime fails, :class:`ModelError` when the outputs are not
        probabilities; ``limit`` (seconds) stops a run that takes longer.
        """
        x = np.asarray(images, dtype=np.float32)
        if x.ndim == 2:
            x = x[None]
        if x.ndim != 3 or x.shape[1:] != (FIELD, FIELD):
            raise ValueError(f"expected prepared images of shape (N, 28, 28), got {x.shape}")
        outs = self._run(x[..., None], limit)
        probs = np.asarray(outs[0], np.float32)
        _check_probabilities(probs, len(x), self.path)
        reject = None
        if len(outs) > 1:
            reject = np.asarray(outs[1], np.float32).reshape(len(x), -1)[:, 0]
            if not (np.isfinite(reject).all() and (reject >= 0).all() and (reject <= 1).all()):
                raise ModelError(f"{self.path}: its not-a-digit score is not in [0, 1]; the model is broken")
        return probs, reject

    def score_all(self, images: np.ndarray, batch: int = 1000) -> tuple[np.ndarray, np.ndarray | None]:
        """:meth:`score` over any number of inputs (N,28,28), ``batch`` at a time (the pipeline's test sets):
        uint8 pixels, scaled to [0, 1] here, or floats already in [0, 1]."""
        probs, reject = [], []
        for i in range(0, len(images), batch):
            x = images[i : i + batch]
            p, r = self.score(x.astype(np.float32) / 255.0 if x.dtype == np.uint8 else x)
            probs.append(p)
            if r is not None:
                reject.append(r)
        if not probs:
            return np.zeros((0, 10), np.float32), None
        return np.concatenate(probs), (np.concatenate(reject) if reject else None)

    def probabilities(self, images: np.ndarray) -> np.ndarray:
        """Probabilities (N,10) for prepared inputs (N,28,28) or (28,28), float in [0, 1]."""
        return self.score(images)[0]

    def predict(self, image: np.ndarray) -> Prediction:
        """Prepare a drawing or picture as one digit, the MNIST way, and classify it (raises ``EmptyImage``)."""
        prepared = prepare(image)
        probs = self.probabilities(prepared.image)[0]
        digit = int(np.argmax(probs))
        return Prediction(digit=digit, confidence=float(probs[digit]), probs=probs, prepared=prepared)

    def read(self, image: np.ndarray, source_scale: float = 1.0) -> Reading:
        """Read a picture (grey, RGB or RGBA): one digit, a number, or "not a digit" (raises ``EmptyImage``).

        Boxes are in the picture's own pixels, times ``source_scale`` (a file read shrunk gives its own).
        """
        from app.paper import ink_variants

        variants, dark_on_light = ink_variants(image)
        scale = source_scale * max(np.asarray(image).shape[:2]) / max(variants[0][0].shape)
        return self.read_variants(variants, dark_on_light=dark_on_light, scale=scale)

    def read_variants(self, variants: list, *, dark_on_light: bool = True, scale: float = 1.0) -> Reading:
        """Read a picture's ink variants (:func:`app.paper.ink_variants`) and keep the better reading."""
        from app.reader import read_variants

        threshold = self.info.reject[1] if self.info.reject else None
        return read_variants(
            variants,
            self.score,
            threshold,
            self.info.labels,
            dark_on_light=dark_on_light,
            scale=scale,
            memo=self._memo,
            strings=self.strings,
        )

    def read_ink(self, ink: np.ndarray, *, dark_on_light: bool = True, scale: float = 1.0) -> Reading:
        """Read an ink map (ink 1 on 0): segment it, classify every piece in one batch, decide."""
        threshold = self.info.reject[1] if self.info.reject else None
        return read_ink(
            ink,
            self.score,
            threshold,
            self.info.labels,
            dark_on_light=dark_on_light,
            scale=scale,
            memo=self._memo,
            strings=self.strings,
        )


def _check_probabilities(probs: np.ndarray, n: int, path: Path) -> None:
    if probs.shape != (n, 10):
        raise ModelError(f"{path}: expected probabilities of shape ({n}, 10), got {probs.shape}")
    if not np.isfinite(probs).all() or (probs < -1e-6).any() or (probs > 1 + 1e-6).any():
        raise ModelError(f"{path}: its outputs are not probabilities (values outside [0, 1]); the model is broken")
    if np.abs(probs.sum(axis=1) - 1).max() > SUM_TOLERANCE:
        raise ModelError(f"{path}: its outputs do not sum to 1 (not softmax probabilities); the model is broken")


def _first_line(exc: BaseException) -> str:
    """The part of an error a person can use: onnxruntime's "[ONNXRuntimeError] : 7 : CODE :" prefix dropped."""
    text = str(exc).strip().splitlines()
    first = re.sub(r"^\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*\w+\s*:\s*", "", text[0]) if text else ""
    return first.rstrip(". ")[:300] or type(exc).__name__


def load_classifier(explicit: str | Path | None = None) -> Classifier:
    return Classifier(resolve_model(explicit))


__all__ = [
    "Classifier",
    "DigitReading",
    "EmptyImage",
    "ModelError",
    "ModelInfo",
    "ModelNotFound",
    "ModelRunError",
    "Prediction",
    "Reading",
    "load_classifier",
    "resolve_model",
]
