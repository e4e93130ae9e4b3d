"""Every artifact path of the pipeline, in one place (``dvc.yaml`` names the same files).

Relative to the project root, where DVC runs the stages. Files that hold wall-clock
figures (timings, latencies) live under ``artifacts/timing/`` so that every other output
is byte-for-byte reproducible from the same params and data.
"""

from __future__ import annotations

from pathlib import Path

from app.contract import PIPELINE_MODEL, PUBLISHED_MODEL

ARTIFACTS = Path("artifacts")

# download
MNIST_NPZ = ARTIFACTS / "data" / "mnist.npz"

# render (the open-world test sets) and openset (what teaches the gate: generated non-digits
# in openset.npz, and training digits as the app frames them in framed.npz, which the
# classifier learns too: a change to the non-digits does not retrain the classifier)
RENDERINGS_NPZ = ARTIFACTS / "data" / "renderings.npz"
OPENSET_NPZ = ARTIFACTS / "data" / "openset.npz"
FRAMED_NPZ = ARTIFACTS / "data" / "framed.npz"

# train
MODEL_KERAS = ARTIFACTS / "model" / "model.keras"
HISTORY_CSV = ARTIFACTS / "train" / "history.csv"
LAYERS_CSV = ARTIFACTS / "train" / "layers.csv"
LIVE_DIR = ARTIFACTS / "train" / "live"
TRAIN_JSON = ARTIFACTS / "metrics" / "train.json"
TRAIN_TIMING_JSON = ARTIFACTS / "timing" / "train.json"

# userdata (the person's own digits, from the app's records) and adapt (the classifier taught them;
# with user.enabled=false, the trained model unchanged)
USER_NPZ = ARTIFACTS / "data" / "user.npz"
USERDATA_JSON = ARTIFACTS / "metrics" / "userdata.json"
ADAPTED_KERAS = ARTIFACTS / "model" / "adapted.keras"
ADAPT_JSON = ARTIFACTS / "metrics" / "adapt.json"

# gate
GATE_KERAS = ARTIFACTS / "model" / "gate.keras"
GATE_JSON = ARTIFACTS / "metrics" / "gate.json"

# strings (the string model, beside the digit model it serves: app.strings.string_path)
STRINGS_MODEL = ARTIFACTS / "model" / "strings.onnx"
STRINGS_JSON = ARTIFACTS / "metrics" / "strings.json"

# evaluate
EVAL_JSON = ARTIFACTS / "metrics" / "eval.json"
#: the figures people compare between experiments: the only metrics file ``dvc exp show`` lists
HEADLINE_JSON = ARTIFACTS / "metrics" / "headline.json"
EXAMPLES_NPZ = ARTIFACTS / "eval" / "examples.npz"
PREDICTIONS_CSV = ARTIFACTS / "eval" / "predictions.csv"
MISCLASSIFIED_CSV = ARTIFACTS / "eval" / "misclassified.csv"

# export
ONNX_MODEL = PIPELINE_MODEL
INT8_MODEL = ARTIFACTS / "model" / "model.int8.onnx"
EXPORT_JSON = ARTIFACTS / "metrics" / "export.json"
EXPORT_TIMING_JSON = ARTIFACTS / "timing" / "export.json"

# report
REPORT_DIR = ARTIFACTS / "reports"

# publish (an explicit command, not a stage: experiments never touch git-tracked files)
PUBLISHED = PUBLISHED_MODEL

HISTORY_COLUMNS = ("epoch", "accuracy", "loss", "val_accuracy", "val_loss")
LAYER_COLUMNS = ("name", "type", "output_shape", "params")
MISCLASSIFIED_COLUMNS = ("index", "true", "predicted", "confidence", "p_true")
