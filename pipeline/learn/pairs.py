"""The pair model (:mod:`app.pairs`): a small CNN over the 32x64 pair field, 100 pairs and OTHER.

Trained by the one training loop (:mod:`pipeline.learn.loop`), exported to ONNX with the names
:mod:`app.pairs` reads, and checked with onnxruntime against Keras on the validation examples
before it is written.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from app.pairs import OTHER, PAIR_HEIGHT, PAIR_INPUT, PAIR_OUTPUT, PAIR_SURE, PAIR_WIDTH
from pipeline.config.pairs import PairNetwork, PairsConfig
from pipeline.errors import StageError
from pipeline.learn.loop import Epochs, cosine_decay, one_epoch
from pipeline.learn.onnx_names import canonical_names
from pipeline.learn.tf_setup import import_tf
from pipeline.streams import Stream

log = logging.getLogger(__name__)

#: onnxruntime may differ from Keras by this much in a probability (float32 kernels sum in another order).
MAX_ABS_DIFF = 1e-4
OPSET = 17


@dataclass
class PairResult:
    model: Any
    history: list[dict[str, float]]


def build_pairs(net: PairNetwork) -> Any:
    import keras

    layers = [keras.layers.Input((PAIR_HEIGHT, PAIR_WIDTH, 1))]
    for filters in net.conv_filters:
        layers += [keras.layers.Conv2D(filters, 3, padding="same", activation="relu"), keras.layers.MaxPooling2D()]
    layers += [
        keras.layers.Flatten(),
        keras.layers.Dense(net.dense_units, activation="relu"),
        keras.layers.Dropout(net.dropout),
        keras.layers.Dense(OTHER + 1, activation="softmax"),
    ]
    return keras.Sequential(layers)


def train_pairs(x: np.ndarray, y: np.ndarray, cfg: PairsConfig, progress: bool | None = None) -> PairResult:
    """Fit the pair model (cross-entropy over the 101 classes) on fields ``x`` (N,32,64) float32."""
    tf = import_tf()
    import keras

    keras.utils.set_random_seed(cfg.seed)
    model = build_pairs(cfg.network)
    n = len(x)
    steps = n // cfg.batch_size
    optimizer = keras.optimizers.Adam(cosine_decay(cfg.learning_rate, steps * cfg.epochs, cfg.min_lr_fraction))
    optimizer.build(model.trainable_variables)
    x_all, y_all = tf.constant(x[..., None]), tf.constant(y.astype(np.int32))

    @tf.function
    def step(idx: Any) -> Any:
        with tf.GradientTape() as tape:
            p = model(tf.gather(x_all, idx), training=True)
            loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(tf.gather(y_all, idx), p))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        return loss

    walk = Epochs(n, cfg.batch_size, steps, cfg.epochs, cfg.seed, stream=(Stream.PAIR_ORDER,))
    history = []
    for epoch in range(1, cfg.epochs + 1):
        losses = one_epoch(
            lambda idx, at: step(tf.constant(idx)), walk, epoch, f"pairs epoch {epoch}/{cfg.epochs}", progress
        )
        history.append({"epoch": epoch, "loss": round(float(tf.add_n(losses)) / steps, 6)})
        log.info("pairs epoch %d/%d: loss %.4f", epoch, cfg.epochs, history[-1]["loss"])
    return PairResult(model, history)


def to_onnx(model: Any) -> bytes:
    """The pair model as ONNX bytes (input ``image`` [N,32,64,1], output ``probs`` [N,101]), names by position."""
    tf = import_tf()
    import tf2onnx

    spec = (tf.TensorSpec([None, PAIR_HEIGHT, PAIR_WIDTH, 1], tf.float32, name=PAIR_INPUT),)

    @tf.function(input_signature=spec)
    def serve(image: Any) -> dict[str, Any]:
        return {PAIR_OUTPUT: model(image, training=False)}

    proto, _ = tf2onnx.convert.from_function(serve, input_signature=spec, opset=OPSET)
    for value in (*proto.graph.input, *proto.graph.output):
        value.type.tensor_type.shape.dim[0].dim_param = "N"
    return canonical_names(proto).SerializeToString()


def verified_onnx(model: Any, x_val: np.ndarray) -> tuple[bytes, np.ndarray]:
    """The ONNX bytes, once onnxruntime reads the validation fields as Keras does; and its probabilities."""
    import onnxruntime as ort

    data = to_onnx(model)
    session = ort.InferenceSession(data, providers=["CPUExecutionProvider"])
    got = np.concatenate(
        [
            session.run([PAIR_OUTPUT], {PAIR_INPUT: x_val[i : i + 1000, ..., None]})[0]
            for i in range(0, len(x_val), 1000)
        ]
    )
    want = np.concatenate(
        [np.asarray(model(x_val[i : i + 1000, ..., None], training=False)) for i in range(0, len(x_val), 1000)]
    )
    diff = float(np.abs(got - want).max())
    if diff > MAX_ABS_DIFF or (got.argmax(1) != want.argmax(1)).any():
        raise StageError(f"the exported pair model disagrees with Keras (max difference {diff:.2g}); not written")
    return data, got


def pair_metrics(probs: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Validation figures: pairs read right, OTHER told apart, and what the reader's PAIR_SURE keeps."""
    pred = probs.argmax(1)
    pairs = y != OTHER
    best_pair = probs[:, :OTHER].max(1)
    sure = best_pair >= PAIR_SURE
    return {
        "accuracy": round(float((pred == y).mean()), 6),
        "pairs_read_right": round(float((pred[pairs] == y[pairs]).mean()), 6),
        "others_read_as_other": round(float((pred[~pairs] == OTHER).mean()), 6),
        # what the reader uses: a pair read at PAIR_SURE or more
        "pairs_sure_and_right": round(float((sure[pairs] & (probs[pairs, :OTHER].argmax(1) == y[pairs])).mean()), 6),
        "pairs_sure_and_wrong": round(float((sure[pairs] & (probs[pairs, :OTHER].argmax(1) != y[pairs])).mean()), 6),
        "others_sure_as_a_pair": round(float(sure[~pairs].mean()), 6),
    }
