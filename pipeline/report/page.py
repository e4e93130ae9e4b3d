"""The report's page: one HTML file with the summary and every figure, ``plotly.min.js`` beside it."""

from __future__ import annotations

import html
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.atomic import atomic_dir
from pipeline.config.report import ReportConfig
from pipeline.paths import REPORT_DIR
from pipeline.report.inputs import ReportInputs
from pipeline.report.sections import SECTIONS, build_figures
from pipeline.report.summary import summary_rows

if TYPE_CHECKING:
    from plotly.graph_objects import Figure

log = logging.getLogger(__name__)

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


def render_html(figures: dict[str, Figure], inputs: ReportInputs) -> str:
    """The page: a link a section, the summary table, then each section with its figure."""
    nav = "".join(f'<a href="#{key}">{html.escape(SECTIONS[key])}</a>' for key in figures)
    summary = "".join(f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in summary_rows(inputs))
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
