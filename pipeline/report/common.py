"""What the figures and the summary table both show: the seed's published figures, percentages."""

from __future__ import annotations

#: What the seed app (the app this project grew from) published for the same network; "seed" alone, in
#: code, is a random seed.
SEED_APP_FIGURES = {
    "train_accuracy": 0.9872,
    "val_accuracy": 0.9878,
    "test_accuracy": 0.9884,
    "train_loss": 0.0432,
    "val_loss": 0.040,
}

#: The keys of eval.json's ``drawn`` that are not a rendering (the rest are, one accuracy each).
DRAWN_EXTRA = ("overall", "examples", "rejected")


def pct(v: float | None) -> str:
    """``v`` as a percentage with two decimals; a dash for a figure the inputs lack."""
    return "–" if v is None else f"{100 * v:.2f}%"
