"""Stage ``report``: Plotly HTML in ``artifacts/reports/`` that opens offline. No TensorFlow."""

from __future__ import annotations

from pipeline.artifacts import ensure_trained_with
from pipeline.config import load_params
from pipeline.paths import REPORT_DIR, TRAIN_JSON
from pipeline.report.inputs import load_inputs
from pipeline.report.page import write_report
from pipeline.stage import run


def main() -> None:
    params = load_params()
    ensure_trained_with(params, TRAIN_JSON)
    write_report(load_inputs(), params.report, REPORT_DIR)


if __name__ == "__main__":
    run(main, outputs=[REPORT_DIR])
