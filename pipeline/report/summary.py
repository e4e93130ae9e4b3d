"""The summary table at the top of the report: one row a headline figure, in words."""

from __future__ import annotations

from typing import Any

from pipeline.report.common import DRAWN_EXTRA, SEED_APP_FIGURES, pct
from pipeline.report.inputs import ReportInputs

#: A row of the table: what the figure is, and the figure in words.
Row = tuple[str, str]


def summary_rows(inputs: ReportInputs) -> list[Row]:
    """Every row, in the page's order; a row whose stage did not make its figures is left out."""
    evaluation = inputs.evaluation
    rows = _training_rows(inputs.train, evaluation, inputs.timing.get("train", {}))
    if inputs.export:
        rows += _export_rows(inputs.export, inputs.timing.get("export", {}))
    rows += _open_world_rows(evaluation)
    if "user" in evaluation:
        rows.append(_user_row(evaluation["user"], inputs.adapt))
    return rows


def _training_rows(train: dict[str, Any], evaluation: dict[str, Any], timing: dict[str, Any]) -> list[Row]:
    """The model, its test, validation and training figures beside the seed's, and the training time."""
    rows = [
        (
            "Model",
            f"{train.get('model', '?')}, {train.get('parameters', 0):,} parameters, {train.get('epochs', '?')} epochs",
        ),
        (
            "Test accuracy",
            f"{pct(evaluation.get('accuracy'))} (seed: {pct(SEED_APP_FIGURES['test_accuracy'])}); "
            f"{evaluation.get('errors', '?')} of {evaluation.get('examples', '?')} wrong",
        ),
        ("Test loss", f"{evaluation.get('loss', float('nan')):.4f}"),
    ]
    if "undisputed" in evaluation:
        rows.append(_undisputed_row(evaluation["undisputed"]))
    rows += [
        ("Validation accuracy", f"{pct(train.get('val_accuracy'))} (seed: {pct(SEED_APP_FIGURES['val_accuracy'])})"),
        (
            "Training accuracy (augmented batches, with framed digits when train.app_framed)",
            f"{pct(train.get('accuracy'))} (seed, MNIST alone: {pct(SEED_APP_FIGURES['train_accuracy'])})",
        ),
        ("Training time", f"{timing.get('train_loop_seconds', '?')} s, {timing.get('samples_per_s', '?')} samples/s"),
    ]
    return rows


def _undisputed_row(undisputed: dict[str, Any]) -> Row:
    """Accuracy on the test digits whose label nobody disputes, and how the model reads the disputed ones."""
    said = ", ".join(f"#{d['index']}: {d['label']} as {d['predicted']}" for d in undisputed.get("disputed", []))
    how = f" (the disputed labels, as the model reads them: {said})" if said else ""
    return ("Undisputed test digits", f"{pct(undisputed['accuracy'])} of {undisputed['examples']:,}{how}")


def _export_rows(export: dict[str, Any], timing: dict[str, Any]) -> list[Row]:
    """The ONNX model against Keras, its latency, and the int8 model when export made one."""
    rows = [
        ("ONNX model", f"{export['size_bytes'] / 1024:.0f} KiB, opset {export['opset']}"),
        (
            "ONNX vs Keras",
            f"max |Δp| {export['max_abs_diff']:.2e}, same class on {pct(export['argmax_agreement'])} "
            f"of test images, accuracy {pct(export['onnx_accuracy'])}",
        ),
        (
            "onnxruntime latency",
            f"p50 {timing.get('latency_ms_p50', float('nan')):.3f} ms, "
            f"p99 {timing.get('latency_ms_p99', float('nan')):.3f} ms (one image, one thread)",
        ),
    ]
    int8, int8_timing = export.get("int8", {}), timing.get("int8", {})
    if int8.get("enabled"):
        rows.append(
            (
                "int8 model",
                f"{pct(int8['accuracy'])} ({100 * int8['accuracy_drop']:.2f} points below float), "
                f"{int8['size_bytes'] / 1024:.0f} KiB ({100 * int8['size_ratio']:.0f}% of float), "
                f"p50 {int8_timing.get('latency_ms_p50', float('nan')):.3f} ms "
                f"({int8_timing.get('speedup_p50', float('nan')):.2f}x float's speed)",
            )
        )
    return rows


def _open_world_rows(evaluation: dict[str, Any]) -> list[Row]:
    """Non-digits turned away, whole numbers, photos and drawn digits, each when evaluate measured it."""
    rows = []
    reject = evaluation.get("reject", {})
    if reject.get("enabled"):
        rows.append(_reject_row(reject))
    if "numbers" in evaluation:
        rows.append(_numbers_row(evaluation["numbers"]))
    if "photos" in evaluation:
        photos = evaluation["photos"]
        rows.append(("Photos of paper", f"{pct(photos['exact'])} of {photos['examples']:,} read exactly"))
    if evaluation.get("drawn"):  # evaluate.drawn may be off
        rows.append(_drawn_row(evaluation["drawn"]))
    return rows


def _reject_row(reject: dict[str, Any]) -> Row:
    """Unseen non-digits rejected, digits turned away, and the threshold that does it."""
    return (
        "Not a digit",
        f"{pct(reject['non_digits_rejected'])} of {reject['non_digit_examples']:,} unseen non-digits "
        "rejected; "
        f"{pct(reject['mnist_test_rejected'])} of MNIST test digits turned away; accepted digits "
        f"{pct(reject['accepted_accuracy'])} right (threshold {reject['threshold']:.3f}, from validation)",
    )


def _numbers_row(numbers: dict[str, Any]) -> Row:
    """Whole numbers read exactly, over 2-5 digits and by length."""
    by = ", ".join(f"{k}: {pct(v)}" for k, v in sorted(numbers["by_length"].items(), key=lambda kv: int(kv[0])))
    return ("Whole numbers", f"{pct(numbers['exact_2_to_5'])} exact over 2-5 digits ({by})")


def _drawn_row(drawn: dict[str, Any]) -> Row:
    """Drawn digits read right, over every rendering."""
    return (
        "Drawn digits",
        f"{pct(drawn['overall'])} over {sum(k not in DRAWN_EXTRA for k in drawn)} renderings of "
        f"{drawn['examples']} test digits (app preprocessing)",
    )


def _user_row(user: dict[str, Any], adapt: dict[str, Any]) -> Row:
    """The person's held-out digits read right, and what teaching the model their digits changed."""
    before = adapt.get("before", {}).get("accuracy")
    how = f"; the trained model: {pct(before)}" if before is not None and adapt.get("enabled") else ""
    fixed = f"; {adapt['errors_fixed']} of its {adapt['errors_before']} errors gone" if "errors_fixed" in adapt else ""
    held = user["examples"]
    return ("Your handwriting", f"{pct(user['accuracy'])} of your {held} held-out digits{how}{fixed}")
