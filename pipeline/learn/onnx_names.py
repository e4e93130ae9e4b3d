"""Keras to ONNX, with graphs named by position, so that the same weights give the same bytes (the
digit model's export and the string model)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pipeline.learn.tf_setup import import_tf

#: The symbolic name of the batch dimension of every exported input and output.
BATCH = "N"


def convert(outputs: Callable[[Any], dict[str, Any]], shape: tuple[int, ...], input_name: str, opset: int) -> Any:
    """The ONNX graph of ``outputs(image)`` (a dict of named Keras outputs) for an input ``input_name``
    of ``shape`` (a batch of any size, named ``N``), names by position (:func:`canonical_names`).

    ``tf2onnx.convert.from_function`` (its ``from_keras`` has open bugs with Keras 3).
    """
    tf = import_tf()
    import tf2onnx

    spec = (tf.TensorSpec([None, *shape], tf.float32, name=input_name),)
    proto, _ = tf2onnx.convert.from_function(
        tf.function(outputs, input_signature=spec), input_signature=spec, opset=opset
    )
    for value in (*proto.graph.input, *proto.graph.output):
        value.type.tensor_type.shape.dim[0].dim_param = BATCH
    return canonical_names(proto)


def canonical_names(proto: Any) -> Any:
    """Rename nodes and inner tensors by position (``n0``, ``t0``, ``w0``...), keep inputs and outputs.

    Initializers are ordered by first use, so the bytes depend only on the graph's structure
    and weights, never on names TensorFlow made up in this process.
    """
    graph = proto.graph
    keep = {v.name for v in (*graph.input, *graph.output)}
    inits = {t.name: t for t in graph.initializer}
    rename: dict[str, str] = {}
    order: list[str] = []
    counters = {"w": 0, "t": 0}

    def new(name: str, kind: str) -> str:
        if name in keep or not name:
            return name
        if name not in rename:
            rename[name] = f"{kind}{counters[kind]}"
            counters[kind] += 1
        return rename[name]

    for i, node in enumerate(graph.node):
        for j, name in enumerate(node.input):
            if name in inits and name not in rename:
                order.append(name)
            node.input[j] = new(name, "w" if name in inits else "t")
        for j, name in enumerate(node.output):
            node.output[j] = new(name, "t")
        node.name = f"n{i}"
        node.doc_string = ""
    unused = sorted(set(inits) - set(order))
    for name in unused:
        new(name, "w")
    tensors = [inits[name] for name in [*order, *unused]]
    for t in tensors:
        t.name = rename.get(t.name, t.name)
    del graph.initializer[:]
    graph.initializer.extend(tensors)
    # shape hints of tensors that no node uses any more would now name someone else's tensor
    value_info = [v for v in graph.value_info if v.name in rename]
    for info in value_info:
        info.name = rename[info.name]
    value_info.sort(key=lambda v: v.name)
    del graph.value_info[:]
    graph.value_info.extend(value_info)
    _canonical_dims(graph)
    graph.name = "digits"
    graph.doc_string = ""
    return proto


def _canonical_dims(graph: Any) -> None:
    """Name the symbolic dimensions other than the batch's by position (``d0``, ``d1``...).

    tf2onnx names a dimension it cannot infer from a process-wide counter (``unk__111``), and the
    counter's value differed between two runs of the strings stage on the same inputs: the model's
    weights were identical and its bytes were not (a forced rerun in `make test` caught it).
    """
    rename: dict[str, str] = {}
    for value in (*graph.input, *graph.output, *graph.value_info):
        for dim in value.type.tensor_type.shape.dim:
            if dim.HasField("dim_param") and dim.dim_param != BATCH:
                dim.dim_param = rename.setdefault(dim.dim_param, f"d{len(rename)}")
