"""The report's sections: their titles, in page order, and the figure each shows when its inputs exist."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from pipeline.config.report import ReportConfig
from pipeline.report.figures.gate import fig_non_digits, fig_reject
from pipeline.report.figures.mnist import fig_confusion, fig_data, fig_digit, fig_misclassified, fig_per_class
from pipeline.report.figures.model import fig_edge, fig_layers
from pipeline.report.figures.open_world import fig_examples, fig_numbers, fig_robustness
from pipeline.report.figures.training import fig_curves, fig_vs_seed_app
from pipeline.report.figures.user import fig_user
from pipeline.report.inputs import ReportInputs

if TYPE_CHECKING:
    from plotly.graph_objects import Figure

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


def build_figures(inputs: ReportInputs, cfg: ReportConfig) -> dict[str, Figure]:
    """Every figure of the report, keyed by section id, in the page's order."""
    figures = _required_figures(inputs, cfg)
    figures.update(_optional_figures(inputs))
    figures["layers"] = fig_layers(inputs.layers)
    if "user" in inputs.evaluation:
        figures["user"] = fig_user(inputs.evaluation["user"], inputs.adapt)
    return figures


def _required_figures(inputs: ReportInputs, cfg: ReportConfig) -> dict[str, Figure]:
    """The figures every report has (``report.digit_index`` is range-checked when params.yaml is loaded)."""
    counts = inputs.train.get("class_counts") or {"test": np.bincount(inputs.y_test, minlength=10).tolist()}
    return {
        "curves": fig_curves(inputs.history),
        "confusion": fig_confusion(inputs.evaluation["confusion"]),
        "per_class": fig_per_class(inputs.evaluation["per_class"]),
        "misclassified": fig_misclassified(inputs.misclassified, inputs.x_test, cfg.misclassified),
        "digit": fig_digit(inputs.x_test[cfg.digit_index], int(inputs.y_test[cfg.digit_index]), cfg.digit_index),
        "data": fig_data(counts),
        "vs_seed": fig_vs_seed_app(inputs.train, inputs.evaluation),
    }


def _optional_figures(inputs: ReportInputs) -> dict[str, Figure]:
    """The figures of what a stage may leave out with its params: drawn digits, int8, the gate, numbers, photos."""
    figures = {}
    if inputs.evaluation.get("drawn"):  # evaluate.drawn may be off
        figures["robustness"] = fig_robustness(inputs.evaluation["drawn"])
    if inputs.export.get("int8", {}).get("enabled"):  # export.int8.enabled may be off
        figures["edge"] = fig_edge(inputs.export, inputs.timing.get("export", {}))
    figures.update(_gate_figures(inputs))
    if "numbers" in inputs.evaluation:
        figures["numbers"] = fig_numbers(inputs.evaluation["numbers"], inputs.examples)
    if any(k.startswith("example_photo_") for k in inputs.examples):
        figures["photos"] = fig_examples(inputs.examples, "example_photo_", inputs.evaluation.get("photos", {}))
    return figures


def _gate_figures(inputs: ReportInputs) -> dict[str, Figure]:
    """Not a digit, when evaluate measured the gate: what it turns away, and examples when evaluate kept them."""
    reject = inputs.evaluation.get("reject", {})
    if not reject.get("enabled"):
        return {}
    figures = {"reject": fig_reject(reject, inputs.evaluation)}
    if "non_digits" in inputs.examples:
        figures["non_digits"] = fig_non_digits(inputs.examples)
    return figures
