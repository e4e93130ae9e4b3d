"""The model: its layers and parameters, and the exported float model against its int8 copy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipeline.report.common import pct

if TYPE_CHECKING:
    from plotly.graph_objects import Figure


def fig_layers(layers: list[dict[str, Any]]) -> Figure:
    """A table of the layers, their output shapes and parameters, with the total."""
    import plotly.graph_objects as go

    total = sum(r["params"] for r in layers)
    cells = [
        [r["name"] for r in layers] + ["total"],
        [r["type"] for r in layers] + [""],
        [r["output_shape"] for r in layers] + [""],
        [f"{r['params']:,}" for r in layers] + [f"{total:,}"],
    ]
    fig = go.Figure(
        go.Table(
            header={"values": ["layer", "type", "output shape", "parameters"], "align": "left"},
            cells={"values": cells, "align": "left"},
        )
    )
    row_px = 28  # a table row's height in Plotly's default font
    fig.update_layout(height=60 + row_px * (len(layers) + 2), margin={"t": 10, "b": 10})
    return fig


def fig_edge(export: dict[str, Any], timing: dict[str, Any]) -> Figure:
    """Float32 against int8: test accuracy, file size and the latency of one digit."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    q = export["int8"]
    lat = (timing.get("latency_ms_p50", 0.0), timing.get("int8", {}).get("latency_ms_p50", 0.0))
    fig = make_subplots(rows=1, cols=3, subplot_titles=("test accuracy", "file size (KiB)", "latency, one digit (ms)"))
    names = ["float32", "int8"]
    panels = [
        ([export["onnx_accuracy"], q["accuracy"]], [pct(export["onnx_accuracy"]), pct(q["accuracy"])]),
        (
            [export["size_bytes"] / 1024, q["size_bytes"] / 1024],
            [f"{export['size_bytes'] / 1024:.0f}", f"{q['size_bytes'] / 1024:.0f}"],
        ),
        (list(lat), [f"p50 {v:.3f}" for v in lat]),
    ]
    for col, (values, text) in enumerate(panels, start=1):
        fig.add_trace(
            go.Bar(
                x=names,
                y=values,
                text=text,
                textposition="outside",
                showlegend=False,
                marker_color=["#6b7fd7", "#e0823d"],
            ),
            row=1,
            col=col,
        )
    low = min(export["onnx_accuracy"], q["accuracy"])
    fig.update_yaxes(range=[max(0.0, low - 0.01), 1.0], tickformat=".1%", row=1, col=1)
    fig.update_layout(height=380, margin={"t": 40})
    return fig
