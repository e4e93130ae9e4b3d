"""The summary table at the top of the report: one row a headline figure, in words."""

from __future__ import annotations

from pipeline.report.common import DRAWN_EXTRA, SEED, pct
from pipeline.report.inputs import ReportInputs


def summary_rows(inputs: ReportInputs) -> list[tuple[str, str]]:
    t, e, x = inputs.train, inputs.evaluation, inputs.export
    tt, xt = inputs.timing.get("train", {}), inputs.timing.get("export", {})
    rows = [
        ("Model", f"{t.get('model', '?')}, {t.get('parameters', 0):,} parameters, {t.get('epochs', '?')} epochs"),
        (
            "Test accuracy",
            f"{pct(e.get('accuracy'))} (seed: {pct(SEED['test_accuracy'])}); "
            f"{e.get('errors', '?')} of {e.get('examples', '?')} wrong",
        ),
        ("Test loss", f"{e.get('loss', float('nan')):.4f}"),
    ]
    if "undisputed" in e:
        u = e["undisputed"]
        said = ", ".join(f"#{d['index']}: {d['label']} as {d['predicted']}" for d in u.get("disputed", []))
        how = f" (the disputed labels, as the model reads them: {said})" if said else ""
        rows.append(("Undisputed test digits", f"{pct(u['accuracy'])} of {u['examples']:,}{how}"))
    rows += [
        ("Validation accuracy", f"{pct(t.get('val_accuracy'))} (seed: {pct(SEED['val_accuracy'])})"),
        (
            "Training accuracy (augmented batches, with framed digits when train.app_framed)",
            f"{pct(t.get('accuracy'))} (seed, MNIST alone: {pct(SEED['train_accuracy'])})",
        ),
        ("Training time", f"{tt.get('train_loop_seconds', '?')} s, {tt.get('samples_per_s', '?')} samples/s"),
    ]
    if x:
        rows += [
            ("ONNX model", f"{x['size_bytes'] / 1024:.0f} KiB, opset {x['opset']}"),
            (
                "ONNX vs Keras",
                f"max |Δp| {x['max_abs_diff']:.2e}, same class on {pct(x['argmax_agreement'])} "
                f"of test images, accuracy {pct(x['onnx_accuracy'])}",
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
                    f"{pct(q['accuracy'])} ({100 * q['accuracy_drop']:.2f} points below float), "
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
                f"{pct(reject['non_digits_rejected'])} of {reject['non_digit_examples']:,} unseen non-digits "
                "rejected; "
                f"{pct(reject['mnist_test_rejected'])} of MNIST test digits turned away; accepted digits "
                f"{pct(reject['accepted_accuracy'])} right (threshold {reject['threshold']:.3f}, from validation)",
            )
        )
    if "numbers" in e:
        n = e["numbers"]
        by = ", ".join(f"{k}: {pct(v)}" for k, v in sorted(n["by_length"].items(), key=lambda kv: int(kv[0])))
        rows.append(("Whole numbers", f"{pct(n['exact_2_to_5'])} exact over 2-5 digits ({by})"))
    if "photos" in e:
        rows.append(("Photos of paper", f"{pct(e['photos']['exact'])} of {e['photos']['examples']:,} read exactly"))
    drawn = e.get("drawn")
    if drawn:
        rows.append(
            (
                "Drawn digits",
                f"{pct(drawn['overall'])} over {sum(k not in DRAWN_EXTRA for k in drawn)} renderings of "
                f"{drawn['examples']} test digits (app preprocessing)",
            )
        )
    if "user" in e:
        u, a = e["user"], inputs.adapt
        before = a.get("before", {}).get("accuracy")
        how = f"; the trained model: {pct(before)}" if before is not None and a.get("enabled") else ""
        fixed = f"; {a['errors_fixed']} of its {a['errors_before']} errors gone" if "errors_fixed" in a else ""
        held = u["examples"]
        rows.append(("Your handwriting", f"{pct(u['accuracy'])} of your {held} held-out digits{how}{fixed}"))
    return rows
