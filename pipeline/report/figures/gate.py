"""Not a digit: unseen non-digits the gate turns away, digits it keeps, and what the model said."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from pipeline.report.common import pct
from pipeline.report.figures.bars import pct_bars
from pipeline.report.figures.pictures import gallery

if TYPE_CHECKING:
    from plotly.graph_objects import Figure


def fig_reject(reject: dict[str, Any], evaluation: dict[str, Any]) -> Figure:
    """Unseen non-digits rejected by kind, beside the digits each test set lost to the gate."""
    from plotly.subplots import make_subplots

    fams = list(reject["by_family"])
    fig = make_subplots(
        rows=1,
        cols=2,
        column_widths=[0.62, 0.38],
        subplot_titles=("unseen non-digits rejected, by kind", "digits wrongly rejected"),
    )
    values = [reject["by_family"][f] for f in fams] + [reject["non_digits_rejected"]]
    fig.add_trace(pct_bars([*fams, "all"], values, ["#6b7fd7"] * len(fams) + ["#3451b2"]), row=1, col=1)
    wrongly_rejected = _wrongly_rejected(reject, evaluation)
    fig.add_trace(pct_bars(list(wrongly_rejected), list(wrongly_rejected.values()), "#e0823d"), row=1, col=2)
    fig.update_yaxes(range=[0, 1.08], tickformat=".0%", row=1, col=1)
    top = max(0.02, 1.6 * max(wrongly_rejected.values()))  # room for the labels above the bars, even at 0%
    fig.update_yaxes(range=[0, top], tickformat=".1%", row=1, col=2)
    fig.update_layout(
        height=400,
        margin={"t": 40},
        title={
            "text": f"threshold {reject['threshold']:.3f} chosen on the validation split; accuracy "
            f"of the accepted test digits {pct(reject['accepted_accuracy'])}",
            "font": {"size": 13},
        },
    )
    return fig


def _wrongly_rejected(reject: dict[str, Any], evaluation: dict[str, Any]) -> dict[str, float]:
    """The share of digits turned away, by test set: MNIST's, then each set evaluate measured it on."""
    shares = {"MNIST test": reject["mnist_test_rejected"]}
    for key in ("drawn", "photos", "numbers"):
        if key in evaluation and "rejected" in evaluation[key]:
            shares[key] = evaluation[key]["rejected"]
    return shares


def fig_non_digits(examples: dict[str, np.ndarray]) -> Figure:
    """The first 24 unseen non-digits, each titled with what the app answered."""
    images = list(examples["non_digits"][:24])
    rejected = examples.get("non_digits_rejected", np.zeros(len(images), bool))
    closest = examples.get("non_digits_closest", np.zeros(len(images), np.uint8))
    titles = ["not a digit" if r else f"read as {int(c)}" for r, c in zip(rejected, closest, strict=False)]
    return gallery(images, titles, None, cols=8, row_px=150)
