"""Pictures in subplots: square pixels, galleries of 28x28 digits, scenes with a box a piece read."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from plotly.graph_objects import Figure


def digit_axes(fig: Figure, panels: int) -> None:
    """Square pixels, row 0 at the top, no ticks, in each of ``panels`` subplots."""
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, constrain="domain")
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, autorange="reversed", constrain="domain")
    for i in range(1, panels + 1):
        suffix = "" if i == 1 else str(i)
        fig.layout[f"yaxis{suffix}"].scaleanchor = f"x{suffix}"


def gallery(images: list[np.ndarray], titles: list[str], hovers: list[str] | None, cols: int, row_px: int) -> Figure:
    """28x28 images in a grid of square subplots, each with a title (and a hover text, if given)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    rows = max(1, -(-len(images) // cols))
    fig = make_subplots(
        rows=rows, cols=cols, subplot_titles=titles, horizontal_spacing=0.02, vertical_spacing=0.4 / rows
    )
    for i, img in enumerate(images):
        hover = {"hovertemplate": hovers[i]} if hovers else {"hoverinfo": "skip"}
        trace = go.Heatmap(z=img, colorscale="gray", zmin=0, zmax=255, showscale=False, **hover)
        fig.add_trace(trace, row=i // cols + 1, col=i % cols + 1)
    digit_axes(fig, rows * cols)
    fig.update_annotations(font_size=11)
    fig.update_layout(height=max(220, row_px * rows), margin={"t": 40, "l": 10, "r": 10})
    return fig


def picture_with_boxes_at(fig: Figure, examples: dict[str, np.ndarray], key: str, row: int, col: int) -> None:
    """A picture in its subplot with a box and a label for every piece the app read."""
    import plotly.graph_objects as go

    picture = examples[key]
    grey = picture if picture.ndim == 2 else picture[..., :3].mean(axis=2)
    trace = go.Heatmap(z=grey, colorscale="gray", zmin=0, zmax=255, showscale=False, hoverinfo="skip")
    fig.add_trace(trace, row=row, col=col)
    xref, yref = fig.data[-1].xaxis, fig.data[-1].yaxis
    fig.layout[yref.replace("y", "yaxis")].update(autorange="reversed", scaleanchor=xref, showticklabels=False)
    fig.layout[xref.replace("x", "xaxis")].update(showticklabels=False, constrain="domain")
    for (t, left, b, r), label in zip(examples[f"{key}_boxes"], examples[f"{key}_labels"], strict=True):
        colour = "#d33" if label == "?" else "#3451b2"
        fig.add_shape(
            type="rect",
            x0=left - 0.5,
            x1=r - 0.5,
            y0=t - 0.5,
            y1=b - 0.5,
            line={"color": colour, "width": 2},
            xref=xref,
            yref=yref,
        )
        fig.add_annotation(
            x=left,
            y=t,
            text=str(label),
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            font={"color": "white", "size": 12},
            bgcolor=colour,
            xref=xref,
            yref=yref,
        )
