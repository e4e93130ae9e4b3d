"""Build the CNN that ``params.yaml``'s ``model`` section describes.

The default (``model=seed_cnn``) is the seed app's network layer for layer. The input is
named ``image`` (float32 [N,28,28,1] in [0,1], white on black) and the softmax output
``probs``, the names the ONNX model keeps.
"""

from __future__ import annotations

from typing import Any

from app.contract import FIELD, INPUT_NAME, OUTPUT_NAME
from pipeline.config.model import ModelConfig
from pipeline.learn.tf_setup import import_tf


def build_model(cfg: ModelConfig) -> Any:
    import_tf()
    import keras
    from keras import layers

    inputs = keras.Input(shape=(FIELD, FIELD, 1), name=INPUT_NAME)
    x = inputs
    for b, block in enumerate(cfg.conv_blocks, start=1):
        for c in range(1, block.convs + 1):
            name = f"conv{b}" if block.convs == 1 else f"conv{b}_{c}"
            conv = layers.SeparableConv2D if block.separable and x.shape[-1] > 1 else layers.Conv2D
            if block.batch_norm:
                x = conv(block.filters, block.kernel_size, padding=block.padding, use_bias=False, name=name)(x)
                x = layers.BatchNormalization(name=f"{name}_bn")(x)
                x = layers.Activation("relu", name=f"{name}_relu")(x)
            else:
                x = conv(block.filters, block.kernel_size, padding=block.padding, activation="relu", name=name)(x)
        if block.pool:
            x = layers.MaxPooling2D(2, name=f"pool{b}")(x)
        if block.dropout:
            x = layers.Dropout(block.dropout, name=f"drop{b}")(x)
    x = layers.Flatten(name="flatten")(x) if cfg.pooling == "flatten" else layers.GlobalAveragePooling2D(name="gap")(x)
    for d, units in enumerate(cfg.dense_units, start=1):
        x = layers.Dense(units, activation="relu", name=f"dense{d}")(x)
        if cfg.dense_dropout:
            x = layers.Dropout(cfg.dense_dropout, name=f"dense{d}_drop")(x)
    # float32 probabilities even under a mixed_float16 policy (softmax in float16 loses the small ones)
    outputs = layers.Dense(10, activation="softmax", name=OUTPUT_NAME, dtype="float32")(x)
    return keras.Model(inputs, outputs, name=cfg.name)


def layer_table(model: Any) -> list[dict[str, Any]]:
    """One row per layer (name, type, output shape, parameters), for the report."""
    rows = []
    for layer in model.layers:
        shape = getattr(layer, "output", None)
        rows.append(
            {
                "name": layer.name,
                "type": type(layer).__name__,
                "output_shape": str(tuple(shape.shape)) if shape is not None else "",
                "params": int(layer.count_params()),
            }
        )
    return rows
