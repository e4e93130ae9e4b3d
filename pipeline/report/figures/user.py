"""The person's own handwriting: their held-out digits, read by the trained and the shipped model."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from plotly.graph_objects import Figure


def fig_user(user: dict[str, Any], adapt: dict[str, Any]) -> Figure:
    """The person's held-out digits: accuracy of the trained and the shipped model, and the confusion."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.35, 0.65],
        subplot_titles=("Held-out digits read right", "Confusion (shipped model)"),
    )
    bars = [("trained model", adapt.get("before", {}).get("accuracy")), ("shipped model", user.get("accuracy"))]
    names = [n for n, v in bars if v is not None]
    values = [100 * v for _, v in bars if v is not None]
    fig.add_trace(go.Bar(x=names, y=values, text=[f"{v:.1f}%" for v in values], textposition="outside"), 1, 1)
    z = np.asarray(user["confusion"])
    fig.add_trace(
        go.Heatmap(
            z=z,
            x=list(range(10)),
            y=list(range(10)),
            colorscale="Blues",
            showscale=False,
            text=z,
            texttemplate="%{text}",
        ),
        1,
        2,
    )
    fig.update_yaxes(range=[0, 105], title_text="%", row=1, col=1)
    fig.update_xaxes(title_text="read as", row=1, col=2)
    fig.update_yaxes(title_text="written", autorange="reversed", row=1, col=2)
    fig.update_layout(height=420, showlegend=False, margin={"t": 50})
    return fig
