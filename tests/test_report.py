"""The report: built from small artifacts made here, every figure present, rendered in Chromium."""

import re

import numpy as np
import pytest

from pipeline.config.params import ReportConfig
from pipeline.metrics import misclassified, summarize
from pipeline.report.inputs import ReportInputs
from pipeline.report.page import render_html, write_report
from pipeline.report.sections import SECTIONS, build_figures
from pipeline.report.summary import summary_rows
from tests.helpers import missing_system_package

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def inputs():
    rng = np.random.default_rng(0)
    labels = np.arange(60, dtype=np.uint8) % 10
    probs = rng.dirichlet(np.ones(10) * 0.3, size=60).astype(np.float32)
    probs[np.arange(45), labels[:45]] += 2  # mostly right, some wrong
    probs /= probs.sum(1, keepdims=True)
    evaluation = summarize(probs, labels)
    evaluation["drawn"] = {
        "centred": 0.99,
        "off_centre": 0.985,
        "small": 0.98,
        "large": 0.99,
        "thick": 0.97,
        "thin": 0.975,
        "inverted": 0.99,
        "colour": 0.99,
        "overall": 0.984,
        "examples": 60,
    }
    history = [
        {"epoch": e, "accuracy": 0.9 + e / 100, "loss": 0.3 / e, "val_accuracy": 0.91 + e / 100, "val_loss": 0.25 / e}
        for e in (1, 2, 3)
    ]
    train = {
        "accuracy": 0.93,
        "loss": 0.1,
        "val_accuracy": 0.94,
        "val_loss": 0.08,
        "model": "seed_cnn",
        "parameters": 281770,
        "epochs": 3,
        "class_counts": {"train": [50] * 10, "validation": [5] * 10, "test": [6] * 10},
    }
    export = {
        "opset": 17,
        "max_abs_diff": 9.5e-7,
        "argmax_agreement": 1.0,
        "disagreements": 0,
        "keras_accuracy": evaluation["accuracy"],
        "onnx_accuracy": evaluation["accuracy"],
        "size_bytes": 1131850,
        "latency_ms_p50": 0.12,
        "int8": {
            "enabled": True,
            "quantization": "int8 QDQ",
            "accuracy": evaluation["accuracy"],
            "accuracy_drop": 0.0,
            "size_bytes": 302868,
            "size_ratio": 0.2676,
        },
    }
    timing = {
        "train": {"train_loop_seconds": 12.5, "samples_per_s": 2400.0},
        "export": {
            "latency_ms_p50": 0.12,
            "latency_ms_p99": 0.2,
            "int8": {"latency_ms_p50": 0.09, "latency_ms_p99": 0.15, "speedup_p50": 1.33},
        },
    }
    layers = [
        {"name": "conv1", "type": "Conv2D", "output_shape": "(None, 26, 26, 64)", "params": 640},
        {"name": "probs", "type": "Dense", "output_shape": "(None, 10)", "params": 330},
    ]
    evaluation["reject"] = {
        "enabled": True,
        "threshold": 0.3,
        "non_digits_rejected": 0.96,
        "non_digit_examples": 400,
        "by_family": {"glyph": 0.95, "shape": 0.97},
        "mnist_test_rejected": 0.002,
        "accepted_accuracy": 0.995,
        "accepted_examples": 59,
    }
    evaluation["numbers"] = {
        "exact": 0.97,
        "exact_2_to_5": 0.98,
        "examples": 100,
        "rejected": 0.01,
        "by_length": {"2": 0.99, "3": 0.98, "6": 0.95},
    }
    evaluation["photos"] = {"exact": 0.99, "examples": 100, "rejected": 0.0}
    user_confusion = np.diag([3] * 10)
    user_confusion[7, 1] = 1
    evaluation["user"] = {"examples": 31, "accuracy": 30 / 31, "confusion": user_confusion.tolist(), "wrong": []}
    adapt = {"enabled": True, "before": {"accuracy": 0.8}, "errors_before": 6, "errors_fixed": 5, "errors_new": 0}
    number = rng.integers(0, 255, (60, 150), dtype=np.uint8)
    examples = {
        "non_digits": rng.integers(0, 255, (10, 28, 28), dtype=np.uint8),
        "non_digits_rejected": np.array([True] * 9 + [False]),
        "non_digits_closest": np.arange(10, dtype=np.uint8),
        "example_number_0": number,
        "example_number_0_boxes": np.array([[5, 5, 50, 40], [5, 60, 50, 95]], np.int32),
        "example_number_0_labels": np.array(["4", "?"]),
        "example_number_0_text": np.array("not a number"),
        "example_photo_0": rng.integers(0, 255, (80, 80, 3), dtype=np.uint8),
        "example_photo_0_boxes": np.array([[10, 10, 70, 60]], np.int32),
        "example_photo_0_labels": np.array(["7"]),
        "example_photo_0_text": np.array("7"),
    }
    return ReportInputs(
        history=history,
        train=train,
        evaluation=evaluation,
        misclassified=misclassified(probs, labels),
        x_test=rng.integers(0, 256, (60, 28, 28), dtype=np.uint8),
        y_test=labels,
        layers=layers,
        export=export,
        timing=timing,
        examples=examples,
        adapt=adapt,
    )


CFG = ReportConfig(misclassified=12, digit_index=3)


def test_every_expected_figure_is_built_with_its_data(inputs):
    figures = build_figures(inputs, CFG)
    assert set(figures) == set(SECTIONS)
    curves = figures["curves"]
    assert {t.name for t in curves.data} == {
        "training accuracy",
        "validation accuracy",
        "training loss",
        "validation loss",
    }
    assert list(curves.data[0].x) == [1, 2, 3]
    np.testing.assert_array_equal(np.asarray(figures["confusion"].data[0].text), inputs.evaluation["confusion"])
    assert len(figures["per_class"].data) == 3
    gallery = figures["misclassified"]
    assert len(gallery.data) == min(12, len(inputs.misclassified)) > 0
    worst = inputs.misclassified[0]
    assert gallery.layout.annotations[0].text.startswith(f"#{worst['index']}: {worst['true']} → {worst['predicted']}")
    matrix, heat = figures["digit"].data
    np.testing.assert_array_equal(np.asarray(matrix.text), inputs.x_test[3])
    np.testing.assert_array_equal(np.asarray(heat.z), inputs.x_test[3])
    assert [list(b.y) for b in figures["data"].data] == [[50] * 10, [5] * 10, [6] * 10]
    seed_bar = figures["vs_seed"].data[0]
    assert list(seed_bar.y) == [0.9872, 0.9878, 0.9884]
    assert list(figures["layers"].data[0].cells.values[3]) == ["640", "330", "970"]
    robustness = figures["robustness"].data[0]
    assert list(robustness.x)[-1] == "overall" and list(robustness.y)[-1] == 0.984 and len(robustness.x) == 9
    edge = figures["edge"].data
    assert [list(b.y) for b in edge][1] == [1131850 / 1024, 302868 / 1024]
    assert [list(b.y) for b in edge][2] == [0.12, 0.09]
    before_after, confusion = figures["user"].data
    assert list(before_after.x) == ["trained model", "shipped model"] and list(before_after.y) == [80, 100 * 30 / 31]
    np.testing.assert_array_equal(np.asarray(confusion.z), inputs.evaluation["user"]["confusion"])
    rows = dict(summary_rows(inputs))
    assert (
        rows["Your handwriting"]
        == "96.77% of your 31 held-out digits; the trained model: 80.00%; 5 of its 6 errors gone"
    )


def test_optional_sections_are_left_out_when_their_stage_did_not_make_them(inputs):
    import dataclasses

    bare = dataclasses.replace(
        inputs,
        evaluation={k: v for k, v in inputs.evaluation.items() if k not in ("drawn", "user")},
        export={**inputs.export, "int8": {"enabled": False}},
    )
    figures = build_figures(bare, CFG)
    assert "robustness" not in figures and "edge" not in figures and "user" not in figures
    page = render_html(figures, bare)
    assert 'href="#edge"' not in page and "int8 model" not in page


def test_page_is_offline_and_links_every_section(inputs):
    page = render_html(build_figures(inputs, CFG), inputs)
    assert "cdn.plot.ly" not in page
    assert not re.search(r"""src=["']?(https?:)?//""", page), "the page must not load anything from the network"
    assert "<script src='plotly.min.js'></script>" in page
    for key in SECTIONS:
        assert f'href="#{key}"' in page and f'id="fig-{key}"' in page
    assert "98.84%" in page  # the seed's test accuracy, beside ours


def test_timings_are_shown_from_their_own_files(inputs):
    page = render_html(build_figures(inputs, CFG), inputs)
    assert "12.5 s, 2400.0 samples/s" in page and "p50 0.120 ms" in page


@pytest.mark.browser
def test_report_renders_in_headless_chromium_without_console_errors(inputs, tmp_path):
    from pipeline import browser

    if browser.find_chromium() is None:
        missing_system_package("Chromium is not installed (Debian: apt-get install chromium)")
    out = tmp_path / "reports"
    index = write_report(inputs, CFG, out)
    assert sorted(p.name for p in out.iterdir()) == ["index.html", "plotly.min.js"]
    png = browser.screenshot(index, tmp_path / "shot.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    rendered = browser.render(index)
    assert rendered.console == [], rendered.console
    for key in SECTIONS:
        tag = re.search(rf'<div id="fig-{key}"[^>]*>', rendered.dom)
        assert tag and "js-plotly-plot" in tag.group(0), f"figure {key} did not render"
    assert rendered.dom.count('class="main-svg"') >= len(SECTIONS)


@pytest.mark.browser
def test_console_errors_are_caught(tmp_path):
    """The check above can fail: a page with a script error is reported."""
    from pipeline import browser

    if browser.find_chromium() is None:
        missing_system_package("Chromium is not installed (Debian: apt-get install chromium)")
    page = tmp_path / "broken.html"
    page.write_text("<html><body><script>undefinedFunction()</script></body></html>")
    assert any("undefinedFunction" in line for line in browser.render(page).console)
