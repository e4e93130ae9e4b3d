"""Beyond MNIST, through the app's preprocessing: drawn digits, whole numbers, photos of paper."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from pipeline.report.common import DRAWN_EXTRA, pct
from pipeline.report.figures.bars import pct_bars
from pipeline.report.figures.pictures import picture_with_boxes_at

if TYPE_CHECKING:
    from plotly.graph_objects import Figure


def fig_robustness(drawn: dict[str, float]) -> Figure:
    """Accuracy on the drawn test digits, one bar a rendering and one overall."""
    import plotly.graph_objects as go

    names = [k for k in drawn if k not in DRAWN_EXTRA]
    values = [drawn[k] for k in names] + [drawn["overall"]]
    labels = [*names, "overall"]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=values,
            text=[pct(v) for v in values],
            textposition="outside",
            marker_color=["#6b7fd7"] * len(names) + ["#3451b2"],
            hovertemplate="%{x}: %{y:.4f}<extra></extra>",
        )
    )
    low = min(values)
    fig.update_layout(
        height=380,
        margin={"t": 20},
        yaxis={"range": [max(0.0, low - 0.02), 1.0], "tickformat": ".1%"},
        title={"text": f"{drawn.get('examples', '?')} test digits per rendering", "font": {"size": 13}},
    )
    return fig


def fig_examples(examples: dict[str, np.ndarray], prefix: str, scores: dict[str, Any]) -> Figure:
    """The example pictures whose keys start with ``prefix``, two a row, with what the app read, titled with
    evaluate's ``scores`` for the whole set (none when it left them out)."""
    from plotly.subplots import make_subplots

    keys = sorted(k for k in examples if k.startswith(prefix) and k[len(prefix) :].isdigit())
    titles = [f"read: {examples[f'{k}_text']}" for k in keys]
    rows = -(-len(keys) // 2)  # two a row, rounded up
    fig = make_subplots(rows=rows, cols=2, subplot_titles=titles, vertical_spacing=0.12)
    for i, key in enumerate(keys):
        picture_with_boxes_at(fig, examples, key, i // 2 + 1, i % 2 + 1)
    exact = f"{pct(scores.get('exact'))} of {scores.get('examples', '?')} read exactly" if scores else ""
    fig.update_layout(height=260 * rows, margin={"t": 50}, title={"text": exact, "font": {"size": 13}})
    return fig


def fig_numbers(numbers: dict[str, Any], examples: dict[str, np.ndarray]) -> Figure:
    """Exact match by number length, above the example numbers with what the app read."""
    from plotly.subplots import make_subplots

    keys = sorted(k for k in examples if k.startswith("example_number_") and k[15:].isdigit())
    rows = 1 + -(-len(keys) // 2)
    fig = make_subplots(
        rows=rows,
        cols=2,
        vertical_spacing=0.08,
        specs=[[{"colspan": 2}, None]] + [[{}, {}]] * (rows - 1),
        subplot_titles=["exact match by number length", *[f"read: {examples[f'{k}_text']}" for k in keys]],
    )
    lengths = sorted(numbers["by_length"], key=int)
    values = [numbers["by_length"][n] for n in lengths]
    fig.add_trace(pct_bars([f"{n} digits" for n in lengths], values, "#6b7fd7"), row=1, col=1)
    fig.update_yaxes(range=[max(0.0, min(values) - 0.05), 1.02], tickformat=".0%", row=1, col=1)
    for i, key in enumerate(keys):
        r, c = 2 + i // 2, 1 + i % 2
        picture_with_boxes_at(fig, examples, key, r, c)
    fig.update_layout(
        height=330 + 200 * (rows - 1),
        margin={"t": 40},
        title={"text": f"{pct(numbers['exact_2_to_5'])} exact over 2-5 digits", "font": {"size": 13}},
    )
    return fig
