"""Stage ``report``: Plotly HTML in ``artifacts/reports/`` that opens offline. No TensorFlow."""

from __future__ import annotations

from pipeline.artifacts import ensure_trained_with
from pipeline.config.core import load
from pipeline.config.report import ReportConfig
from pipeline.config.train import Trained
from pipeline.paths import REPORT_DIR, TRAIN_JSON
from pipeline.report.inputs import load_inputs
from pipeline.report.page import write_report
from pipeline.stage import run


class ReportParams(Trained):
    """The groups of params.yaml this stage reads: the trained model's, and its own."""

    report: ReportConfig


def main() -> None:
    params = load(ReportParams)
    ensure_trained_with(params, TRAIN_JSON)
    write_report(load_inputs(), params.report, REPORT_DIR)


if __name__ == "__main__":
    run(main, outputs=[REPORT_DIR])
