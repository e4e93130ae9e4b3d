"""Bars labelled with their percentages, the shape several figures share."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.report.common import pct

if TYPE_CHECKING:
    from plotly.graph_objects import Bar


def pct_bars(x: list[str], y: list[float], colour: str | list[str]) -> Bar:
    """One bar an ``x``, its share written above it; no legend entry (the axis names each bar)."""
    import plotly.graph_objects as go

    return go.Bar(x=x, y=y, text=[pct(v) for v in y], textposition="outside", marker_color=colour, showlegend=False)
