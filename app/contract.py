"""The names the model file and its users agree on (``shared/design/contract.md``): one home.

The pipeline writes models with these names and the app, ``digit-predict`` and any other
runtime read them. It lives in the app package because the app is installed without the
pipeline; the pipeline imports it from here. No imports beyond the standard library.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: The ONNX input: float32 [N,28,28,1] in [0,1], white digit on black, MNIST framing.
INPUT_NAME = "image"
#: The ONNX output: float32 [N,10], softmax probabilities for the digits 0..9.
OUTPUT_NAME = "probs"
#: The not-a-digit gate's output as the pipeline names it. Runtimes read the name from the
#: metadata (``Meta.REJECT_OUTPUT``), so another producer may name it otherwise.
REJECT_OUTPUT_NAME = "not_digit"
LABELS: tuple[str, ...] = tuple(str(d) for d in range(10))
FIELD = 28

INPUT_CONVENTION = (
    "float32 [N,28,28,1], values in [0,1], white digit on black, MNIST framing "
    "(digit in a 20x20 box, centre of mass at the centre of the 28x28 field)"
)
OUTPUT_CONVENTION = "float32 [N,10], softmax probabilities for digits 0..9"

#: Where the pipeline's export stage writes the float model (relative to the project root).
PIPELINE_MODEL = Path("artifacts") / "model" / "model.onnx"
#: The model shipped inside the app package (updated only by ``python -m pipeline.tools.publish``).
PUBLISHED_MODEL = Path(__file__).resolve().parent / "models" / "digits.onnx"


class Meta:
    """Keys of the model's ``metadata_props``."""

    LABELS = "labels"
    INPUT = "input"
    OUTPUT = "output"
    TEST_ACCURACY = "test_accuracy"
    PARAMS_HASH = "params_hash"
    MODEL_NAME = "model_name"
    PARAMETERS = "parameters"
    VERSIONS = "versions"
    QUANTIZATION = "quantization"
    #: written by ``pipeline.tools.publish`` into the published copy: where and when it came from
    PUBLISHED = "published"
    #: the "not a digit" decision: reject a piece when output REJECT_OUTPUT >= REJECT_THRESHOLD
    REJECT_OUTPUT = "reject_output"
    REJECT_THRESHOLD = "reject_threshold"
    REJECT_RULE = "reject_rule"
    #: written by export when the model was taught a person's own digits (``user.enabled``): how many,
    #: and their held-out digits before and after (JSON)
    USER_DATA = "user_data"


#: Decimals of the threshold as ``reject_threshold`` writes it: the pipeline chooses a threshold
#: that is exactly this decimal, so the rates it measures are the rates any runtime gets.
THRESHOLD_DECIMALS = 6


def rejects(scores: Any, threshold: float) -> Any:
    """The "not a digit" decision for a numpy array of the model's not-a-digit scores.

    Compared in float64, as the threshold's decimal string in the metadata reads: comparing
    float32 scores with it in float32 would round the threshold, and a score equal to the
    rounded value would be decided differently here and in other runtimes.
    """
    return scores.astype("float64") >= threshold
