"""The string model (:mod:`app.strings`): a CNN over the 32x128 string field, 11 classes a column, CTC.

Trained by the one training loop (:mod:`pipeline.learn.loop`) with TensorFlow's CTC loss, exported to
ONNX with the names :mod:`app.strings` reads, and checked with onnxruntime against Keras on the
validation examples before it is written.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.strings import BLANK, STRING_COLUMNS, STRING_HEIGHT, STRING_INPUT, STRING_OUTPUT, STRING_SURE, STRING_WIDTH
from app.strings import decode as decode_string
from pipeline.config.strings import StringNetwork, StringsConfig
from pipeline.errors import StageError
from pipeline.learn.loop import Epochs, cosine_decay, one_epoch
from pipeline.learn.onnx_names import convert
from pipeline.learn.tf_setup import import_tf
from pipeline.streams import Stream

log = logging.getLogger(__name__)

#: onnxruntime may differ from Keras by this much in a probability (float32 kernels sum in another order).
MAX_ABS_DIFF = 1e-4
OPSET = 17
#: log(0) guard for the CTC loss, which takes log-probabilities.
EPSILON = 1e-7


@dataclass
class StringResult:
    model: Any
    history: list[dict[str, float]]


def build_strings(net: StringNetwork) -> Any:
    """Convolutions over the field, pooled down to 2 rows of STRING_COLUMNS columns, then per-column layers."""
    import keras

    x = keras.layers.Input((STRING_HEIGHT, STRING_WIDTH, 1))
    h = x
    for n, filters in enumerate(net.conv_filters):
        h = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(h)
        h = keras.layers.MaxPooling2D((2, 2) if n < 2 else (2, 1))(h)
    rows = STRING_HEIGHT // 16
    h = keras.layers.Permute((2, 1, 3))(h)  # columns first
    h = keras.layers.Reshape((STRING_COLUMNS, rows * net.conv_filters[-1]))(h)
    for _ in range(2):
        h = keras.layers.Conv1D(net.column_units, 3, padding="same", activation="relu")(h)
        h = keras.layers.Dropout(net.dropout)(h)
    return keras.Model(x, keras.layers.Dense(BLANK + 1, activation="softmax")(h))


def train_strings(
    x: np.ndarray, digits: np.ndarray, lengths: np.ndarray, cfg: StringsConfig, progress: bool | None = None
) -> StringResult:
    """Fit the string model (CTC) on fields ``x`` (N,32,128) float32 and their ``digits`` (N,k), -1 padded."""
    tf = import_tf()
    import keras

    keras.utils.set_random_seed(cfg.seed)
    model = build_strings(cfg.network)
    n = len(x)
    steps = n // cfg.batch_size
    if steps < 1:
        raise StageError(f"strings.batch_size = {cfg.batch_size} is larger than the {n} examples")
    optimizer = keras.optimizers.Adam(cosine_decay(cfg.learning_rate, steps * cfg.epochs, cfg.min_lr_fraction))
    optimizer.build(model.trainable_variables)
    x_all = tf.constant(x[..., None])
    y_all, l_all = tf.constant(np.maximum(digits, 0).astype(np.int32)), tf.constant(lengths.astype(np.int32))
    columns = tf.fill([cfg.batch_size], STRING_COLUMNS)

    @tf.function
    def step(idx: Any) -> Any:
        with tf.GradientTape() as tape:
            p = model(tf.gather(x_all, idx), training=True)
            loss = tf.reduce_mean(
                tf.nn.ctc_loss(
                    tf.gather(y_all, idx),
                    tf.math.log(p + EPSILON),
                    tf.gather(l_all, idx),
                    columns,
                    logits_time_major=False,
                    blank_index=BLANK,
                )
            )
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    walk = Epochs(n, cfg.batch_size, steps, cfg.epochs, cfg.seed, stream=(Stream.STRING_ORDER,))
    history = []
    for epoch in range(1, cfg.epochs + 1):
        losses = one_epoch(
            lambda idx, at: step(tf.constant(idx)), walk, epoch, f"strings epoch {epoch}/{cfg.epochs}", progress
        )
        history.append({"epoch": epoch, "loss": round(float(tf.add_n(losses)) / steps, 6)})
        log.info("strings epoch %d/%d: loss %.4f", epoch, cfg.epochs, history[-1]["loss"])
    return StringResult(model, history)


def to_onnx(model: Any) -> bytes:
    """The string model as ONNX bytes (input ``image`` [N,32,128,1], output ``probs`` [N,32,11])."""

    def serve(image: Any) -> dict[str, Any]:
        return {STRING_OUTPUT: model(image, training=False)}

    return convert(serve, (STRING_HEIGHT, STRING_WIDTH, 1), STRING_INPUT, OPSET).SerializeToString()


def verified_onnx(model: Any, x_val: np.ndarray) -> tuple[bytes, np.ndarray]:
    """The ONNX bytes, once onnxruntime reads the validation fields as Keras does; and its probabilities."""
    import onnxruntime as ort

    data = to_onnx(model)
    session = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    got = np.concatenate(
        [
            session.run([STRING_OUTPUT], {STRING_INPUT: x_val[i : i + 1000, ..., None]})[0]
            for i in range(0, len(x_val), 1000)
        ]
    )
    want = np.concatenate(
        [np.asarray(model(x_val[i : i + 1000, ..., None], training=False)) for i in range(0, len(x_val), 1000)]
    )
    diff = float(np.abs(got - want).max())
    if diff > MAX_ABS_DIFF or (got.argmax(-1) != want.argmax(-1)).any():
        raise StageError(f"the exported string model disagrees with Keras (max difference {diff:.2g}); not written")
    return data, got


def string_metrics(probs: np.ndarray, digits: np.ndarray, lengths: np.ndarray) -> dict[str, float]:
    """Validation figures: strings read exactly, by length, and what the reader's STRING_SURE keeps."""
    reads = [decode_string(p) for p in probs]
    truth = [tuple(int(d) for d in row[:k]) for row, k in zip(digits, lengths, strict=True)]
    right = np.array([r.digits == t for r, t in zip(reads, truth, strict=True)])
    sure = np.array([r.labelling >= STRING_SURE for r in reads])
    several = lengths >= 2
    out = {
        "exact": round(float(right.mean()), 6),
        # what the reader uses: two or more digits read at STRING_SURE or more
        "several_sure_and_right": round(float((sure & right)[several].mean()), 6) if several.any() else 0.0,
        "several_sure_and_wrong": round(float((sure & ~right)[several].mean()), 6) if several.any() else 0.0,
    }
    for k in range(int(lengths.max()) + 1 if len(lengths) else 0):
        if (lengths == k).any():
            out[f"exact_{k}_digits"] = round(float(right[lengths == k].mean()), 6)
    return out
