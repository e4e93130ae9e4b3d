"""The training: accuracy and loss by epoch, and the model against the seed's published figures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pipeline.report.common import SEED_APP_FIGURES, pct

if TYPE_CHECKING:
    from plotly.graph_objects import Figure


def fig_curves(history: list[dict[str, float]]) -> Figure:
    """Training and validation accuracy and loss, one point an epoch."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    epochs = [int(r["epoch"]) for r in history]
    fig = make_subplots(rows=1, cols=2, subplot_titles=("Accuracy", "Loss"))
    for col, (metric, label) in enumerate((("accuracy", "accuracy"), ("loss", "loss")), start=1):
        for prefix, name, dash in (("", "training", "solid"), ("val_", "validation", "dot")):
            fig.add_trace(
                go.Scatter(
                    x=epochs,
                    y=[r[prefix + metric] for r in history],
                    mode="lines+markers",
                    name=f"{name} {label}",
                    line={"dash": dash},
                    hovertemplate=f"epoch %{{x}}<br>{name} {label} %{{y:.4f}}<extra></extra>",
                ),
                row=1,
                col=col,
            )
        fig.update_xaxes(title_text="epoch", dtick=1 if len(epochs) <= 20 else None, row=1, col=col)
    fig.update_layout(height=420, hovermode="x unified", margin={"t": 40})
    return fig


def fig_vs_seed_app(train: dict[str, Any], evaluation: dict[str, Any]) -> Figure:
    """Training, validation and test accuracy: the seed's published figures beside this pipeline's."""
    import plotly.graph_objects as go

    names = ["train", "validation", "test"]
    ours = [train.get("accuracy"), train.get("val_accuracy"), evaluation.get("accuracy")]
    seed_app = [SEED_APP_FIGURES[k] for k in ("train_accuracy", "val_accuracy", "test_accuracy")]
    fig = go.Figure(
        [
            go.Bar(
                x=names, y=seed_app, name="seed (published)", text=[pct(v) for v in seed_app], textposition="outside"
            ),
            go.Bar(x=names, y=ours, name="this pipeline", text=[pct(v) for v in ours], textposition="outside"),
        ]
    )
    low = min(v for v in ours + seed_app if v is not None)
    fig.update_layout(
        barmode="group", height=380, margin={"t": 20}, yaxis={"range": [max(0.0, low - 0.01), 1.0], "tickformat": ".1%"}
    )
    return fig
