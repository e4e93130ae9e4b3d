"""The report: Plotly HTML that opens offline, built from what the other stages wrote. No TensorFlow.

``index.html`` has one section per topic (training curves, confusion matrix and per-class
figures, misclassified digits, one digit as a pixel matrix next to its heatmap, class
counts, the model against the seed's published figures) and loads ``plotly.min.js`` from
beside it: no CDN, no internet. ``make screenshot`` takes its picture (outside DVC: a
screenshot depends on the browser installed, not only on the pipeline's inputs).
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.artifacts import read_csv, read_json
from pipeline.atomic import atomic_dir
from pipeline.config.report import ReportConfig
from pipeline.data import load_mnist
from pipeline.paths import (
    ADAPT_JSON,
    EVAL_JSON,
    EXAMPLES_NPZ,
    EXPORT_JSON,
    EXPORT_TIMING_JSON,
    GATE_JSON,
    HISTORY_COLUMNS,
    HISTORY_CSV,
    LAYER_COLUMNS,
    LAYERS_CSV,
    MISCLASSIFIED_COLUMNS,
    MISCLASSIFIED_CSV,
    MNIST_NPZ,
    REPORT_DIR,
    TRAIN_JSON,
    TRAIN_TIMING_JSON,
    USERDATA_JSON,
)
from pipeline.stage import StageError

log = logging.getLogger(__name__)

#: What the seed app published for the same network.
SEED = {
    "train_accuracy": 0.9872,
    "val_accuracy": 0.9878,
    "test_accuracy": 0.9884,
    "train_loss": 0.0432,
    "val_loss": 0.040,
}

SECTIONS = {
    "curves": "Training and validation curves",
    "confusion": "Confusion matrix (test set)",
    "per_class": "Per-class precision, recall and F1",
    "misclassified": "Misclassified test digits, most confident first",
    "digit": "One digit: pixel values and heatmap",
    "data": "Data: class counts (training includes the framed digits when train.app_framed)",
    "vs_seed": "Against the seed's published figures",
    "robustness": "Drawn digits: accuracy per rendering, through the app's preprocessing",
    "reject": "Not a digit: unseen non-digits turned away, digits kept",
    "non_digits": "Examples: non-digits the model has never seen, and what it said",
    "numbers": "Whole numbers: exact match by length, and examples read by the app",
    "photos": "Photos of paper: examples read by the app",
    "edge": "Edge model: float against int8",
    "layers": "Model: layers and parameters",
    "user": "Your handwriting: your held-out digits before and after (user.enabled)",
}


@dataclass
class ReportInputs:
    history: list[dict[str, float]]
    train: dict[str, Any]
    evaluation: dict[str, Any]
    misclassified: list[dict[str, Any]]
    x_test: np.ndarray
    y_test: np.ndarray
    layers: list[dict[str, Any]]
    export: dict[str, Any] = field(default_factory=dict)
    #: wall-clock figures (``artifacts/timing/``): training time, latencies
    timing: dict[str, dict[str, Any]] = field(default_factory=dict)
    gate: dict[str, Any] = field(default_factory=dict)
    examples: dict[str, np.ndarray] = field(default_factory=dict)  # evaluate's examples.npz
    #: the person's own digits: what the dataset holds (userdata.json) and before/after (adapt.json)
    userdata: dict[str, Any] = field(default_factory=dict)
    adapt: dict[str, Any] = field(default_factory=dict)


_DRAWN_EXTRA = ("overall", "examples", "rejected")  # drawn figures that are not a rendering


def _pct(v: float | None) -> str:
    return "–" if v is None else f"{100 * v:.2f}%"


# ------------------------------------------------------------------------ figures
def fig_curves(history: list[dict[str, float]]) -> Any:
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


def fig_confusion(confusion: list[list[int]]) -> Any:
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


def fig_per_class(per_class: dict[str, dict[str, float]]) -> Any:
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


def _digit_axes(fig: Any, panels: int) -> None:
    """Square pixels, row 0 at the top, no ticks, in each of ``panels`` subplots."""
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, constrain="domain")
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, autorange="reversed", constrain="domain")
    for i in range(1, panels + 1):
        suffix = "" if i == 1 else str(i)
        fig.layout[f"yaxis{suffix}"].scaleanchor = f"x{suffix}"


def _gallery(images: list[np.ndarray], titles: list[str], hovers: list[str] | None, cols: int, row_px: int) -> Any:
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
    _digit_axes(fig, rows * cols)
    fig.update_annotations(font_size=11)
    fig.update_layout(height=max(220, row_px * rows), margin={"t": 40, "l": 10, "r": 10})
    return fig


def fig_misclassified(wrong: list[dict[str, Any]], images: np.ndarray, limit: int) -> Any:
    shown = wrong[:limit]
    titles = [f"#{w['index']}: {w['true']} → {w['predicted']} ({100 * w['confidence']:.0f}%)" for w in shown]
    hovers = [
        f"test #{w['index']}<br>true {w['true']}, predicted {w['predicted']} "
        f"({100 * w['confidence']:.1f}%)<br>pixel (%{{x}}, %{{y}}) = %{{z}}<extra></extra>"
        for w in shown
    ]
    return _gallery([images[w["index"]] for w in shown], titles, hovers, cols=6, row_px=190)


def fig_digit(image: np.ndarray, label: int, index: int) -> Any:
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
    _digit_axes(fig, 2)
    fig.update_layout(height=640, margin={"t": 40})
    return fig


def fig_data(counts: dict[str, list[int]]) -> Any:
    import plotly.graph_objects as go

    digits = [str(d) for d in range(10)]
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


def fig_vs_seed(train: dict[str, Any], evaluation: dict[str, Any]) -> Any:
    import plotly.graph_objects as go

    names = ["train", "validation", "test"]
    ours = [train.get("accuracy"), train.get("val_accuracy"), evaluation.get("accuracy")]
    seed = [SEED["train_accuracy"], SEED["val_accuracy"], SEED["test_accuracy"]]
    fig = go.Figure(
        [
            go.Bar(x=names, y=seed, name="seed (published)", text=[_pct(v) for v in seed], textposition="outside"),
            go.Bar(x=names, y=ours, name="this pipeline", text=[_pct(v) for v in ours], textposition="outside"),
        ]
    )
    low = min(v for v in ours + seed if v is not None)
    fig.update_layout(
        barmode="group", height=380, margin={"t": 20}, yaxis={"range": [max(0.0, low - 0.01), 1.0], "tickformat": ".1%"}
    )
    return fig


def fig_robustness(drawn: dict[str, float]) -> Any:
    import plotly.graph_objects as go

    names = [k for k in drawn if k not in _DRAWN_EXTRA]
    values = [drawn[k] for k in names] + [drawn["overall"]]
    labels = [*names, "overall"]
    fig = go.Figure(
        go.Bar(
            x=labels,
            y=values,
            text=[_pct(v) for v in values],
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


def fig_edge(export: dict[str, Any], timing: dict[str, Any]) -> Any:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    q = export["int8"]
    lat = (timing.get("latency_ms_p50", 0.0), timing.get("int8", {}).get("latency_ms_p50", 0.0))
    fig = make_subplots(rows=1, cols=3, subplot_titles=("test accuracy", "file size (KiB)", "latency, one digit (ms)"))
    names = ["float32", "int8"]
    panels = [
        ([export["onnx_accuracy"], q["accuracy"]], [_pct(export["onnx_accuracy"]), _pct(q["accuracy"])]),
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


def fig_layers(layers: list[dict[str, Any]]) -> Any:
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
    fig.update_layout(height=60 + 28 * (len(layers) + 2), margin={"t": 10, "b": 10})
    return fig


def build_figures(inputs: ReportInputs, cfg: ReportConfig) -> dict[str, Any]:
    """Every figure of the report, keyed by section id (``report.digit_index`` is range-checked by the loader)."""
    counts = inputs.train.get("class_counts") or {"test": np.bincount(inputs.y_test, minlength=10).tolist()}
    figures = {
        "curves": fig_curves(inputs.history),
        "confusion": fig_confusion(inputs.evaluation["confusion"]),
        "per_class": fig_per_class(inputs.evaluation["per_class"]),
        "misclassified": fig_misclassified(inputs.misclassified, inputs.x_test, cfg.misclassified),
        "digit": fig_digit(inputs.x_test[cfg.digit_index], int(inputs.y_test[cfg.digit_index]), cfg.digit_index),
        "data": fig_data(counts),
        "vs_seed": fig_vs_seed(inputs.train, inputs.evaluation),
    }
    if inputs.evaluation.get("drawn"):  # evaluate.drawn may be off
        figures["robustness"] = fig_robustness(inputs.evaluation["drawn"])
    if inputs.export.get("int8", {}).get("enabled"):  # export.int8.enabled may be off
        figures["edge"] = fig_edge(inputs.export, inputs.timing.get("export", {}))
    reject = inputs.evaluation.get("reject", {})
    if reject.get("enabled"):
        figures["reject"] = fig_reject(reject, inputs.evaluation)
        if "non_digits" in inputs.examples:
            figures["non_digits"] = fig_non_digits(inputs.examples)
    if "numbers" in inputs.evaluation:
        figures["numbers"] = fig_numbers(inputs.evaluation["numbers"], inputs.examples)
    if any(k.startswith("example_photo_") for k in inputs.examples):
        figures["photos"] = fig_examples(inputs.examples, "example_photo_", inputs.evaluation.get("photos", {}))
    figures["layers"] = fig_layers(inputs.layers)
    if "user" in inputs.evaluation:
        figures["user"] = fig_user(inputs.evaluation["user"], inputs.adapt)
    return figures


def fig_user(user: dict[str, Any], adapt: dict[str, Any]) -> Any:
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


def fig_reject(reject: dict[str, Any], evaluation: dict[str, Any]) -> Any:
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    fams = list(reject["by_family"])
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.62, 0.38],
        subplot_titles=("unseen non-digits rejected, by kind", "digits wrongly rejected"),
    )
    values = [reject["by_family"][f] for f in fams] + [reject["non_digits_rejected"]]
    fig.add_trace(
        go.Bar(
            x=[*fams, "all"],
            y=values,
            text=[_pct(v) for v in values],
            textposition="outside",
            marker_color=["#6b7fd7"] * len(fams) + ["#3451b2"],
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    kept = [("MNIST test", reject["mnist_test_rejected"])]
    for key, name in (("drawn", "drawn"), ("photos", "photos"), ("numbers", "numbers")):
        if key in evaluation and "rejected" in evaluation[key]:
            kept.append((name, evaluation[key]["rejected"]))
    fig.add_trace(
        go.Bar(
            x=[k for k, _ in kept],
            y=[v for _, v in kept],
            text=[_pct(v) for _, v in kept],
            textposition="outside",
            marker_color="#e0823d",
            showlegend=False,
        ),
        row=1,
        col=2,
    )
    fig.update_yaxes(range=[0, 1.08], tickformat=".0%", row=1, col=1)
    fig.update_yaxes(range=[0, max(0.02, 1.6 * max(v for _, v in kept))], tickformat=".1%", row=1, col=2)
    fig.update_layout(
        height=400,
        margin={"t": 40},
        title={
            "text": f"threshold {reject['threshold']:.3f} chosen on the validation split; accuracy "
            f"of the accepted test digits {_pct(reject['accepted_accuracy'])}",
            "font": {"size": 13},
        },
    )
    return fig


def fig_non_digits(examples: dict[str, np.ndarray]) -> Any:
    images = list(examples["non_digits"][:24])
    rejected = examples.get("non_digits_rejected", np.zeros(len(images), bool))
    closest = examples.get("non_digits_closest", np.zeros(len(images), np.uint8))
    titles = ["not a digit" if r else f"read as {int(c)}" for r, c in zip(rejected, closest, strict=False)]
    return _gallery(images, titles, None, cols=8, row_px=150)


def fig_examples(examples: dict[str, np.ndarray], prefix: str, figures: dict[str, Any]) -> Any:
    from plotly.subplots import make_subplots

    keys = sorted(k for k in examples if k.startswith(prefix) and k[len(prefix) :].isdigit())
    titles = [f"read: {examples[f'{k}_text']}" for k in keys]
    fig = make_subplots(rows=-(-len(keys) // 2), cols=2, subplot_titles=titles, vertical_spacing=0.12)
    for i, key in enumerate(keys):
        _picture_with_boxes_at(fig, examples, key, i // 2 + 1, i % 2 + 1)
    exact = f"{_pct(figures.get('exact'))} of {figures.get('examples', '?')} read exactly" if figures else ""
    fig.update_layout(height=260 * (-(-len(keys) // 2)), margin={"t": 50}, title={"text": exact, "font": {"size": 13}})
    return fig


def fig_numbers(numbers: dict[str, Any], examples: dict[str, np.ndarray]) -> Any:
    import plotly.graph_objects as go
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
    fig.add_trace(
        go.Bar(
            x=[f"{n} digits" for n in lengths],
            y=values,
            text=[_pct(v) for v in values],
            textposition="outside",
            marker_color="#6b7fd7",
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    fig.update_yaxes(range=[max(0.0, min(values) - 0.05), 1.02], tickformat=".0%", row=1, col=1)
    for i, key in enumerate(keys):
        r, c = 2 + i // 2, 1 + i % 2
        _picture_with_boxes_at(fig, examples, key, r, c)
    fig.update_layout(
        height=330 + 200 * (rows - 1),
        margin={"t": 40},
        title={"text": f"{_pct(numbers['exact_2_to_5'])} exact over 2-5 digits", "font": {"size": 13}},
    )
    return fig


def _picture_with_boxes_at(fig: Any, examples: dict[str, np.ndarray], key: str, row: int, col: int) -> None:
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


# -------------------------------------------------------------------------- page
_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:0 24px;
color:#1f2933}
nav{position:sticky;top:0;background:#fff;padding:8px 0;border-bottom:1px solid #e4e7eb;z-index:10}
nav a{margin-right:14px;color:#3451b2;text-decoration:none;font-size:14px}
table.kv{border-collapse:collapse;margin:8px 0 16px}
table.kv td,table.kv th{border-bottom:1px solid #e4e7eb;padding:4px 14px 4px 0;text-align:left;font-size:14px}
section{margin:28px 0}
h2{border-bottom:2px solid #e4e7eb;padding-bottom:4px}
"""


def _summary_rows(inputs: ReportInputs) -> list[tuple[str, str]]:
    t, e, x = inputs.train, inputs.evaluation, inputs.export
    tt, xt = inputs.timing.get("train", {}), inputs.timing.get("export", {})
    rows = [
        ("Model", f"{t.get('model', '?')}, {t.get('parameters', 0):,} parameters, {t.get('epochs', '?')} epochs"),
        (
            "Test accuracy",
            f"{_pct(e.get('accuracy'))} (seed: {_pct(SEED['test_accuracy'])}); "
            f"{e.get('errors', '?')} of {e.get('examples', '?')} wrong",
        ),
        ("Test loss", f"{e.get('loss', float('nan')):.4f}"),
    ]
    if "undisputed" in e:
        u = e["undisputed"]
        said = ", ".join(f"#{d['index']}: {d['label']} as {d['predicted']}" for d in u.get("disputed", []))
        how = f" (the disputed labels, as the model reads them: {said})" if said else ""
        rows.append(("Undisputed test digits", f"{_pct(u['accuracy'])} of {u['examples']:,}{how}"))
    rows += [
        ("Validation accuracy", f"{_pct(t.get('val_accuracy'))} (seed: {_pct(SEED['val_accuracy'])})"),
        (
            "Training accuracy (augmented batches, with framed digits when train.app_framed)",
            f"{_pct(t.get('accuracy'))} (seed, MNIST alone: {_pct(SEED['train_accuracy'])})",
        ),
        ("Training time", f"{tt.get('train_loop_seconds', '?')} s, {tt.get('samples_per_s', '?')} samples/s"),
    ]
    if x:
        rows += [
            ("ONNX model", f"{x['size_bytes'] / 1024:.0f} KiB, opset {x['opset']}"),
            (
                "ONNX vs Keras",
                f"max |Δp| {x['max_abs_diff']:.2e}, same class on {_pct(x['argmax_agreement'])} "
                f"of test images, accuracy {_pct(x['onnx_accuracy'])}",
            ),
            (
                "onnxruntime latency",
                f"p50 {xt.get('latency_ms_p50', float('nan')):.3f} ms, "
                f"p99 {xt.get('latency_ms_p99', float('nan')):.3f} ms (one image, one thread)",
            ),
        ]
        q, qt = x.get("int8", {}), xt.get("int8", {})
        if q.get("enabled"):
            rows.append(
                (
                    "int8 model",
                    f"{_pct(q['accuracy'])} ({100 * q['accuracy_drop']:.2f} points below float), "
                    f"{q['size_bytes'] / 1024:.0f} KiB ({100 * q['size_ratio']:.0f}% of float), "
                    f"p50 {qt.get('latency_ms_p50', float('nan')):.3f} ms "
                    f"({qt.get('speedup_p50', float('nan')):.2f}x float's speed)",
                )
            )
    reject = e.get("reject", {})
    if reject.get("enabled"):
        rows.append(
            (
                "Not a digit",
                f"{_pct(reject['non_digits_rejected'])} of {reject['non_digit_examples']:,} unseen non-digits "
                "rejected; "
                f"{_pct(reject['mnist_test_rejected'])} of MNIST test digits turned away; accepted digits "
                f"{_pct(reject['accepted_accuracy'])} right (threshold {reject['threshold']:.3f}, from validation)",
            )
        )
    if "numbers" in e:
        n = e["numbers"]
        by = ", ".join(f"{k}: {_pct(v)}" for k, v in sorted(n["by_length"].items(), key=lambda kv: int(kv[0])))
        rows.append(("Whole numbers", f"{_pct(n['exact_2_to_5'])} exact over 2-5 digits ({by})"))
    if "photos" in e:
        rows.append(("Photos of paper", f"{_pct(e['photos']['exact'])} of {e['photos']['examples']:,} read exactly"))
    drawn = e.get("drawn")
    if drawn:
        rows.append(
            (
                "Drawn digits",
                f"{_pct(drawn['overall'])} over {sum(k not in _DRAWN_EXTRA for k in drawn)} renderings of "
                f"{drawn['examples']} test digits (app preprocessing)",
            )
        )
    if "user" in e:
        u, a = e["user"], inputs.adapt
        before = a.get("before", {}).get("accuracy")
        how = f"; the trained model: {_pct(before)}" if before is not None and a.get("enabled") else ""
        fixed = f"; {a['errors_fixed']} of its {a['errors_before']} errors gone" if "errors_fixed" in a else ""
        held = u["examples"]
        rows.append(("Your handwriting", f"{_pct(u['accuracy'])} of your {held} held-out digits{how}{fixed}"))
    return rows


def render_html(figures: dict[str, Any], inputs: ReportInputs) -> str:
    nav = "".join(f'<a href="#{key}">{html.escape(SECTIONS[key])}</a>' for key in figures)
    summary = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in _summary_rows(inputs))
    parts = [
        f'<section id="{key}"><h2>{html.escape(SECTIONS[key])}</h2>'
        + fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"fig-{key}", config={"displaylogo": False})
        + "</section>"
        for key, fig in figures.items()
    ]
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>Digit Classifier report</title><style>{_STYLE}</style>"
        "<script src='plotly.min.js'></script></head>"
        f"<body data-figures='{len(figures)}'><h1>Digit Classifier report</h1><nav>{nav}</nav>"
        f"<table class='kv'>{summary}</table>{''.join(parts)}</body></html>"
    )


def write_report(inputs: ReportInputs, cfg: ReportConfig, out_dir: Path = REPORT_DIR) -> Path:
    """Build every figure and write the report directory atomically; return its index page."""
    from plotly.offline import get_plotlyjs

    figures = build_figures(inputs, cfg)
    with atomic_dir(out_dir) as tmp:
        (tmp / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
        (tmp / "index.html").write_text(render_html(figures, inputs), encoding="utf-8")
    log.info("wrote %s (%d figures)", out_dir / "index.html", len(figures))
    return out_dir / "index.html"


# ------------------------------------------------------------------------- inputs
#: What each input must hold for the figures (a file lacking one names itself and its stage).
_NUMBER = (int, float)
#: The keys the report reads from each stage's JSON, and the kind of value each must hold.
_TRAIN_KEYS = {
    "accuracy": _NUMBER,
    "loss": _NUMBER,
    "val_accuracy": _NUMBER,
    "val_loss": _NUMBER,
    "model": str,
    "parameters": int,
    "epochs": int,
}
_EVAL_KEYS = {
    "accuracy": _NUMBER,
    "loss": _NUMBER,
    "errors": int,
    "examples": int,
    "per_class": dict,
    "confusion": list,
}
_EXPORT_KEYS = {
    "opset": int,
    "max_abs_diff": _NUMBER,
    "argmax_agreement": _NUMBER,
    "onnx_accuracy": _NUMBER,
    "size_bytes": int,
    "int8": dict,
}


def _typed(path: Path, stage: str, kinds: dict[str, type | tuple[type, ...]]) -> dict[str, Any]:
    """``read_json`` whose keys must also hold values of the right kind ("confusion": "abc" was a TypeError
    deep in a figure); every wrong one is named, with the stage that rewrites the file."""
    data = read_json(path, stage, kinds)
    wrong = [
        f"{key} is {type(data[key]).__name__}, not {'a number' if kind is _NUMBER else kind.__name__}"  # type: ignore[union-attr]
        for key, kind in kinds.items()
        if not isinstance(data[key], kind) or isinstance(data[key], bool)
    ]
    if wrong:
        raise StageError(f"{path}: {'; '.join(wrong)}; run `dvc repro -f {stage}` to rewrite it")
    return data


def load_inputs() -> ReportInputs:
    """Everything the report shows, read from the other stages' outputs (no model, no TensorFlow)."""
    data = load_mnist(MNIST_NPZ)
    return ReportInputs(
        history=read_csv(HISTORY_CSV, "train", HISTORY_COLUMNS),
        train=_typed(TRAIN_JSON, "train", _TRAIN_KEYS),
        evaluation=_typed(EVAL_JSON, "evaluate", _EVAL_KEYS),
        misclassified=read_csv(MISCLASSIFIED_CSV, "evaluate", MISCLASSIFIED_COLUMNS),
        export=_typed(EXPORT_JSON, "export", _EXPORT_KEYS),
        x_test=data.x_test,
        y_test=data.y_test,
        layers=read_csv(LAYERS_CSV, "train", LAYER_COLUMNS),
        timing={"train": read_json(TRAIN_TIMING_JSON, "train"), "export": read_json(EXPORT_TIMING_JSON, "export")},
        gate=read_json(GATE_JSON, "gate", ["enabled"]),
        examples=_examples(EXAMPLES_NPZ),
        userdata=read_json(USERDATA_JSON, "userdata"),
        adapt=read_json(ADAPT_JSON, "adapt", ["enabled"]),
    )


def _examples(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    except (OSError, ValueError) as exc:
        raise StageError(f"{path} is missing or unreadable ({exc}); run `dvc repro evaluate`") from exc
