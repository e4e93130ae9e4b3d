"""ONNX models built from fixed weights, for tests that need a model but not a trained one.

:func:`template_model` matches the input against the mean image of each digit (from the
committed MNIST sample): real onnxruntime, the agreed interface (``image`` -> ``probs``, plus
a ``not_digit`` score and the rule in its metadata), no training. It reads clean digits
fairly well and calls an input "not a digit" when it resembles no digit template.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from app.contract import INPUT_NAME, OUTPUT_NAME, Meta


def template_weights(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(784, 10) unit-norm, zero-mean class templates and a bias, from uint8 digits and labels."""
    flat = x.reshape(len(x), -1).astype(np.float32) / 255.0
    templates = np.stack([flat[y == d].mean(0) for d in range(10)], 1)
    templates -= templates.mean(0, keepdims=True)
    templates /= np.linalg.norm(templates, axis=0, keepdims=True)
    return templates.astype(np.float32), np.zeros(10, np.float32)


def template_model(
    path: Path,
    x: np.ndarray,
    y: np.ndarray,
    *,
    reject: bool = True,
    sharpness: float = 12.0,
    threshold: float = 0.5,
    meta: dict[str, str] | None = None,
) -> Path:
    """Write the template-matching model to ``path`` and return it."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    w, b = template_weights(x, y)
    nodes = [
        helper.make_node("Reshape", [INPUT_NAME, "shape"], ["flat"]),
        helper.make_node("ReduceL2", ["flat"], ["norm"], axes=[1], keepdims=1),
        helper.make_node("Add", ["norm", "eps"], ["norm_eps"]),
        helper.make_node("Div", ["flat", "norm_eps"], ["unit"]),
        helper.make_node("MatMul", ["unit", "w"], ["cos"]),
        helper.make_node("Mul", ["cos", "sharp"], ["logits0"]),
        helper.make_node("Add", ["logits0", "b"], ["logits"]),
        helper.make_node("Softmax", ["logits"], [OUTPUT_NAME], axis=1),
    ]
    inits = [
        numpy_helper.from_array(np.array([-1, 784], np.int64), "shape"),
        numpy_helper.from_array(np.array(1e-6, np.float32), "eps"),
        numpy_helper.from_array(w, "w"),
        numpy_helper.from_array(np.array(sharpness, np.float32), "sharp"),
        numpy_helper.from_array(b, "b"),
    ]
    outputs = [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["N", 10])]
    props = {Meta.LABELS: ",".join(str(d) for d in range(10)), Meta.MODEL_NAME: "templates", **(meta or {})}
    if reject:
        # not a digit when the best cosine similarity to a template is low: sigmoid(20 * (0.45 - best))
        nodes += [
            helper.make_node("ReduceMax", ["cos"], ["best"], axes=[1], keepdims=1),
            helper.make_node("Sub", ["pivot", "best"], ["gap"]),
            helper.make_node("Mul", ["gap", "steep"], ["z"]),
            helper.make_node("Sigmoid", ["z"], ["not_digit"]),
        ]
        inits += [
            numpy_helper.from_array(np.array(0.45, np.float32), "pivot"),
            numpy_helper.from_array(np.array(20.0, np.float32), "steep"),
        ]
        outputs.append(helper.make_tensor_value_info("not_digit", TensorProto.FLOAT, ["N", 1]))
        props.update(
            {
                Meta.REJECT_OUTPUT: "not_digit",
                Meta.REJECT_THRESHOLD: str(threshold),
                Meta.REJECT_RULE: f"not a digit when not_digit >= {threshold}",
            }
        )
    graph = helper.make_graph(
        nodes,
        "templates",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, ["N", 28, 28, 1])],
        outputs,
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="tests")
    onnx.helper.set_model_props(model, props)
    onnx.checker.check_model(model)
    path.write_bytes(model.SerializeToString())
    return path
