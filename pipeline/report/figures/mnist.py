"""MNIST's test set: class counts, the confusion matrix, per-class scores, the errors, one digit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from app.contract import LABELS
from pipeline.report.figures.pictures import digit_axes, gallery

if TYPE_CHECKING:
    from plotly.graph_objects import Figure


def fig_data(counts: dict[str, list[int]]) -> Figure:
    """Examples of each digit, one group of bars a split."""
    import plotly.graph_objects as go

    digits = list(LABELS)
    fig = go.Figure(
        [
            go.Bar(
                x=digits,
                y=c,
                name=f"{split} ({sum(c):,})",
                text=c,
                textposition="outside",
                hovertemplate=f"{split}: digit %{{x}}: %{{y}}<extra></extra>",
            )
            for split, c in counts.items()
        ]
    )
    fig.update_layout(barmode="group", height=400, margin={"t": 20})
    fig.update_xaxes(title_text="digit", type="category")
    return fig


def fig_confusion(confusion: list[list[int]]) -> Figure:
    """The confusion matrix, coloured on a log scale so that the few errors show beside the diagonal."""
    import plotly.graph_objects as go

    z = np.asarray(confusion)
    digits = [str(d) for d in range(len(z))]
    fig = go.Figure(
        go.Heatmap(
            z=np.log1p(z),
            x=digits,
            y=digits,
            text=z,
            texttemplate="%{text}",
            colorscale="Blues",
            showscale=False,
            hovertemplate="true %{y}, predicted %{x}: %{text}<extra></extra>",
        )
    )
    fig.update_layout(height=560, width=620, margin={"t": 20})
    fig.update_xaxes(title_text="predicted", side="top", type="category")
    fig.update_yaxes(title_text="true", autorange="reversed", type="category")
    return fig


def fig_per_class(per_class: dict[str, dict[str, float]]) -> Figure:
    """Precision, recall and F1 of each digit."""
    import plotly.graph_objects as go

    digits = sorted(per_class, key=int)
    fig = go.Figure(
        [
            go.Bar(
                x=digits,
                y=[per_class[d][m] for d in digits],
                name=m,
                hovertemplate=f"digit %{{x}}: {m} %{{y:.4f}}<extra></extra>",
            )
            for m in ("precision", "recall", "f1")
        ]
    )
    low = min(min(per_class[d][m] for m in ("precision", "recall", "f1")) for d in digits)
    fig.update_layout(barmode="group", height=380, margin={"t": 20}, yaxis={"range": [max(0.0, low - 0.02), 1.0]})
    fig.update_xaxes(title_text="digit", type="category")
    return fig


def fig_misclassified(wrong: list[dict[str, Any]], images: np.ndarray, limit: int) -> Figure:
    """The first ``limit`` misclassified test digits (evaluate lists the most confident first)."""
    shown = wrong[:limit]
    titles = [f"#{w['index']}: {w['true']} → {w['predicted']} ({100 * w['confidence']:.0f}%)" for w in shown]
    hovers = [
        f"test #{w['index']}<br>true {w['true']}, predicted {w['predicted']} "
        f"({100 * w['confidence']:.1f}%)<br>pixel (%{{x}}, %{{y}}) = %{{z}}<extra></extra>"
        for w in shown
    ]
    return gallery([images[w["index"]] for w in shown], titles, hovers, cols=6, row_px=190)


def fig_digit(image: np.ndarray, label: int, index: int) -> Figure:
    """One test digit twice: its pixel values written out, and as a heatmap."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    fig = make_subplots(
        rows=1,
        cols=2,
        horizontal_spacing=0.04,
        subplot_titles=(f"test #{index} (a {label}): pixel values 0..255", "heatmap"),
    )
    fig.add_trace(
        go.Heatmap(
            z=image,
            text=image,
            texttemplate="%{text}",
            textfont={"size": 7},
            colorscale="gray_r",
            zmin=0,
            zmax=1020,
            showscale=False,
            hovertemplate="(%{x}, %{y}) = %{z}<extra></extra>",
        ),
        row=1,
        col=1,
    )
    fig.add_trace(
        go.Heatmap(
            z=image,
            colorscale="gray",
            zmin=0,
            zmax=255,
            colorbar={"title": "value"},
            hovertemplate="(%{x}, %{y}) = %{z}<extra></extra>",
        ),
        row=1,
        col=2,
    )
    digit_axes(fig, 2)
    fig.update_layout(height=640, margin={"t": 40})
    return fig
