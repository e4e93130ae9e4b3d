"""Revert each fault fix, one at a time, and check that its test fails (mutation-style).

A fault test that still passes with its fix taken out guards nothing. Each entry below names a
fix (the code that makes a bad input harmless), the code it replaced, and the test that must
fail without it. The script edits the file in place, runs that test, and puts the file back
(also when interrupted); it touches nothing else. Run it before calling a fault issue done:

    python tests/faults/revert_fixes.py            # every fix; exit 1 if any revert goes unnoticed
    python tests/faults/revert_fixes.py threads    # the fixes whose name contains "threads"
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Fix:
    name: str
    file: str
    fix: str  # the code as it is, exactly once in the file
    without: str  # the code as it was before the fix
    test: str  # a pytest node id (or -k expression after "::-k ")


FIXES = [
    Fix(
        "picture formats: an allow-list, so EPS never reaches Ghostscript",
        "app/images.py",
        "img_file = Image.open(io.BytesIO(data), formats=FORMATS)",
        "img_file = Image.open(io.BytesIO(data))",
        "tests/faults/test_fault_images.py::test_a_format_outside_the_list_is_refused_by_content_and_ghostscript_never_starts",
    ),
    Fix(
        "picture files: regular files only",
        "app/images.py",
        "if not stat.S_ISREG(info.st_mode):",
        "if False:",
        "tests/faults/test_fault_images.py::test_only_regular_files_are_read",
    ),
    Fix(
        "Pillow's metadata warnings are not printed",
        "app/images.py",
        'warnings.simplefilter("ignore")\n',
        "pass\n",
        "tests/faults/test_fuzz_images.py",
    ),
    Fix(
        "huge float and 16-bit pictures are shrunk before they are converted",
        "app/images.py",
        "        if factor > 1:  # shrunk first",
        "        if False:  # shrunk first",
        "tests/faults/test_fault_images.py::test_a_huge_float_or_16_bit_picture_is_read_in_bounded_memory",
    ),
    Fix(
        "a damaged later page leaves the first page readable",
        "app/images.py",
        "                frames = _frames(data)\n",
        '                frames = getattr(img, "n_frames", 1)\n',
        "tests/faults/test_fault_images.py::test_a_tiff_whose_later_page_is_damaged_is_read_from_its_first_page",
    ),
    Fix(
        "models load from bytes: nothing beside the file is read",
        "app/inference.py",
        "ort.InferenceSession(data, opts,",
        "ort.InferenceSession(str(self.path), opts,",
        "tests/faults/test_fault_models.py::test_a_model_with_external_data_is_refused",
    ),
    Fix(
        "the model's probe has a time limit",
        "app/inference.py",
        "self.score(probe, limit=PROBE_SECONDS)",
        "self.score(probe)",
        "tests/faults/test_fault_models.py::test_a_model_that_never_answers_is_refused_at_load",
    ),
    Fix(
        "a fixed batch size is refused",
        "app/inference.py",
        "if isinstance(inp.shape[0], int):",
        "if False:",
        "tests/faults/test_fault_models.py::test_a_model_with_a_fixed_batch_is_refused_with_what_to_do",
    ),
    Fix(
        "onnxruntime's run-time errors are ModelRunErrors",
        "app/inference.py",
        "        except Exception as exc:  # onnxruntime's own exception types, MemoryError\n",
        "        except ZeroDivisionError as exc:\n",
        "tests/faults/test_fault_models.py::test_a_model_that_fails_on_one_picture_fails_that_picture_only",
    ),
    Fix(
        "digit-predict reads the rest of a batch after a model fails on one picture",
        "app/cli.py",
        "if isinstance(exc, ModelError) and not isinstance(exc, ModelRunError):\n"
        "                raise  # the model itself is broken",
        "if isinstance(exc, ModelError):\n                raise  # the model itself is broken",
        "tests/faults/test_fault_models.py::test_a_model_that_fails_on_one_picture_fails_that_picture_only",
    ),
    Fix(
        "the window drops its answer when the model fails on a picture",
        "app/controller.py",
        "except ModelError as exc:  # no old answer may stay",
        "except ModelNotFound as exc:  # no old answer may stay",
        "tests/faults/test_fault_models.py::test_the_window_drops_its_old_answer_when_the_model_fails_on_a_picture",
    ),
    Fix(
        "a folder given as the model is named for what it is",
        "app/inference.py",
        "        if stat.S_ISDIR(info.st_mode):\n",
        "        if False:\n",
        "tests/faults/test_fault_models.py::test_a_folder_or_a_device_given_as_the_model_is_named_for_what_it_is",
    ),
    Fix(
        "threads: ASCII digits only",
        "app/inference.py",
        "if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:",
        "if not raw.isdigit():",
        "tests/faults/test_fault_models.py::test_more_threads_than_cores_are_capped_at_the_cores",
    ),
    Fix(
        "threads: no more than the cores",
        "app/inference.py",
        "    if int(raw) > cores:\n",
        "    if False:\n",
        "tests/faults/test_fault_models.py::test_more_threads_than_cores_are_capped_at_the_cores",
    ),
    Fix(
        "the answer's labels are plain text",
        "app/ui/result.py",
        "        self.headline.setTextFormat(Qt.PlainText)\n",
        "",
        "tests/faults/test_fault_models.py::test_model_metadata_is_never_rich_text",
    ),
    Fix(
        "a read-only MNIST cache that holds the files is read",
        "pipeline/fetch.py",
        "    paths = _cached(cache_dir, expected, repair=False) if cache_dir.is_dir() else {}\n",
        "    paths = {}\n",
        "tests/faults/test_fault_download.py::test_a_read_only_cache_is_read_when_it_holds_the_files_and_named_when_it_must_be_written",
    ),
    Fix(
        "a stage that cannot write names the file",
        "pipeline/stage.py",
        "    except OSError as exc:  # a full disk",
        "    except ZeroDivisionError as exc:  # a full disk",
        "tests/faults/test_fault_params.py::test_a_stage_that_cannot_write_names_the_file_and_what_to_do",
    ),
    Fix(
        "compose into an unwritable place says so",
        "pipeline/tools/compose.py",
        "    except OSError as exc:  # a read-only checkout",
        "    except ZeroDivisionError as exc:  # a read-only checkout",
        "tests/faults/test_fault_params.py::test_compose_into_a_folder_it_cannot_write_says_so",
    ),
    Fix(
        "a stage clears the temporaries a killed stage left",
        "pipeline/stage.py",
        "    clean_leftovers()\n",
        "",
        "tests/faults/test_fault_params.py::test_leftovers_of_a_stage_restored_from_the_run_cache_are_removed_by_the_next_stage",
    ),
    Fix(
        "a stage puts back the params it ran with when params.yaml changes under it",
        "pipeline/stage.py",
        "            _keep_params(ran_with)\n",
        "            pass\n",
        "tests/faults/test_fault_params.py::test_params_changed_under_a_stage_are_put_back_and_kept_aside",
    ),
    Fix(
        "the report's inputs are checked for the kinds of their values",
        "pipeline/report/inputs.py",
        "        if not isinstance(data[key], kind) or isinstance(data[key], bool)\n",
        "        if False\n",
        "tests/faults/test_fault_params.py::test_the_reports_inputs_are_checked_for_their_keys_and_the_kinds_of_their_values",
    ),
    Fix(
        "make publish never trusts a claim of NaN",
        "pipeline/tools/publish.py",
        "math.isfinite(value) and 0.0 <= value <= 1.0",
        "True",
        "tests/faults/test_fault_publish.py::test_a_nonsense_claim_is_never_published",
    ),
    Fix(
        "a model too big to train is refused up front",
        "pipeline/config/model.py",
        "(n := weight_count(self)) > MAX_WEIGHTS",
        "(n := weight_count(self)) < 0",
        "tests/test_config.py::test_a_model_too_big_to_train_is_refused_before_any_work",
    ),
    Fix(
        "File > Open model checks the model in the background",
        "app/controller.py",
        "        if self.background is None:\n",
        "        if True:\n",
        "tests/test_app_qt.py::test_a_model_that_never_answers_leaves_the_window_working_and_can_be_cancelled",
    ),
    Fix(
        "digit-predict --json writes a record for a file it cannot read",
        "app/cli.py",
        "            if not (args.json or writer):\n                continue\n",
        "            continue\n",
        "tests/faults/test_fuzz_images.py::test_two_thousand_mutated_files_through_digit_predict_are_each_answered",
    ),
]


def check(fix: Fix) -> tuple[bool, float]:
    """(the test failed with the fix reverted, seconds)."""
    path = ROOT / fix.file
    original = path.read_text(encoding="utf-8")
    if original.count(fix.fix) != 1:
        raise SystemExit(f"{fix.file}: the fix of {fix.name!r} is not there exactly once; update {__file__}")
    started = time.monotonic()
    try:
        path.write_text(original.replace(fix.fix, fix.without), encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "--timeout", "60", fix.test],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
    finally:
        path.write_text(original, encoding="utf-8")
    return proc.returncode == 1, time.monotonic() - started  # 1: tests failed (not 2-5: could not run)


def main(argv: list[str]) -> int:
    chosen = [f for f in FIXES if not argv or any(a in f.name for a in argv)]
    missed = []
    for fix in chosen:
        caught, seconds = check(fix)
        print(f"{'caught' if caught else 'MISSED'}  {seconds:5.1f} s  {fix.name}", flush=True)
        if not caught:
            missed.append(fix.name)
    print(f"{len(chosen) - len(missed)} of {len(chosen)} reverted fixes were caught by their tests")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
