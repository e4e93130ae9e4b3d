"""How "not sure" was chosen: confidence against right and wrong on validation digits, never the test set.

The classifier's own validation digits (never trained on), drawn in the 8 renderings,
photographed on paper and written in numbers, framed by the openset stage's own code with
a seed of their own (``bench/framed_validation.py``), are classified by the shipped model;
digits the not-a-digit gate turns away are left out (the app says "not a digit" for them).
For each candidate threshold: how many right answers would be called "not sure" and how
many wrong ones would be. The app's ``app.wording.UNSURE`` is the largest threshold that
calls at most 1% of the right answers "not sure". And the same for the not-a-digit gate's doubt about a digit
it accepts: ``app.wording.UNSURE_GATE`` is the smallest score that calls at most 0.5% of the right answers
"not sure" (a piece the gate nearly turned away is often digits that touch read as one: "7741" read "74").

    python bench/unsure_threshold.py [--model PATH]
"""

from __future__ import annotations

import argparse

from _common import np
from framed_validation import framed_validation

#: At most this share of right answers may be called "not sure".
RIGHT_BUDGET = 0.01
#: ...and by the gate's doubt, at most this share.
GATE_BUDGET = 0.005


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="ONNX model (default: as the app chooses)")
    args = parser.parse_args()

    from app.contract import rejects
    from app.inference import Classifier, resolve_model
    from app.wording import UNSURE, UNSURE_GATE

    classifier = Classifier(resolve_model(args.model), threads=0)
    confidence, right, doubt = [], [], []
    for images, labels in framed_validation().values():
        if not len(labels):
            continue
        probs, reject = classifier.score(images.astype(np.float32) / 255.0)
        keep = np.ones(len(labels), bool)
        if reject is not None and classifier.info.reject is not None:
            keep = ~rejects(reject, classifier.info.reject[1])
        confidence.append(probs.max(1)[keep])
        doubt.append(np.zeros(int(keep.sum())) if reject is None else np.asarray(reject, np.float64)[keep])
        right.append((probs.argmax(1) == labels)[keep])
    conf, ok = np.concatenate(confidence), np.concatenate(right)
    print(f"model {classifier.path}: {len(ok)} validation digits accepted, {int((~ok).sum())} wrong")
    rows = _table("threshold", (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.97, 0.99), lambda t: conf < t, ok)
    chosen = max((t for t, r in rows if r <= RIGHT_BUDGET), default=None)
    print(f"largest threshold calling at most {100 * RIGHT_BUDGET:.0f}% of right answers not sure: {chosen}")
    print(f"app.wording.UNSURE = {UNSURE}")
    gate = np.concatenate(doubt)
    rows = _table("gate score", (0.99, 0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5), lambda t: gate >= t, ok)
    chosen = min((t for t, r in rows if r <= GATE_BUDGET), default=None)
    print(f"smallest gate score calling at most {100 * GATE_BUDGET:.1f}% of right answers not sure: {chosen}")
    print(f"app.wording.UNSURE_GATE = {UNSURE_GATE}")


def _table(name: str, levels: tuple[float, ...], flags, ok: np.ndarray) -> list[tuple[float, float]]:
    """Print, for each level, the shares of right and wrong answers ``flags(level)`` calls not sure; return
    (level, share of right answers) for each."""
    print(f"{name:>10s} {'right called not sure':>22s} {'wrong called not sure':>22s}")
    out = []
    for t in levels:
        flagged = flags(t)
        r, w = float(flagged[ok].mean()), float(flagged[~ok].mean()) if (~ok).any() else 0.0
        print(f"{t:10.2f} {100 * r:21.2f}% {100 * w:21.1f}%")
        out.append((t, r))
    return out


if __name__ == "__main__":
    main()
