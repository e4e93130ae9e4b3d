"""Models compared on validation digits framed as the app frames them: how `train.app_framed` was chosen.

The classifier's own validation digits (``train.seed``, ``train.validation_fraction``: never
trained on, in any form) are drawn in the 8 renderings, photographed on paper and written in
numbers, then cut and framed by the openset stage's own code with a seed of their own; each
model classifies every framed digit. Nothing here touches the test set.

    python bench/framed_validation.py artifacts/model/model.onnx OTHER.onnx [--json]

A model trained without framed digits, for the comparison:
``dvc get . artifacts/model/model.onnx --rev <commit before train.app_framed> -o before.onnx``,
or ``dvc exp run -S train.app_framed=false`` and its ``artifacts/model/model.onnx``.
"""

from __future__ import annotations

import argparse
import json

from _common import np, validation_digits

#: The openset stage uses openset.seed (7) and 8; these digits get their own.
SEED_APP_FIGURES = 777
DRAWN_PER_RENDERING, PHOTOS, NUMBERS = 1000, 4000, 2000


def framed_validation() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(framed uint8 inputs, labels) per family, from the classifier's validation split."""
    from pipeline.sets.trainsets import digits_as_drawn

    _, x, y = validation_digits()
    families = digits_as_drawn(x, DRAWN_PER_RENDERING, PHOTOS, NUMBERS, SEED_APP_FIGURES)
    return {name: (f.images, y[f.source]) for name, f in families.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="+", help="ONNX models to compare")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()

    from app.inference import Classifier

    sets = framed_validation()
    rows = []
    for path in args.models:
        classifier = Classifier(path, threads=0)
        row: dict = {"model": path, "families": {}}
        wrong_all = total = 0
        for name, (images, labels) in sets.items():
            probs, _ = classifier.score(images.astype(np.float32) / 255.0)
            wrong = int((probs.argmax(1) != labels).sum())
            row["families"][name] = {"examples": len(labels), "wrong": wrong}
            wrong_all, total = wrong_all + wrong, total + len(labels)
        row["accuracy"] = round(1 - wrong_all / total, 6)
        row["wrong"] = wrong_all
        rows.append(row)
    if args.json:
        print(json.dumps({"seed": SEED_APP_FIGURES, "models": rows}))
        return
    for r in rows:
        parts = ", ".join(f"{k} {v['wrong']} of {v['examples']}" for k, v in r["families"].items())
        print(f"{r['model']}: {100 * r['accuracy']:.2f}% right ({r['wrong']} wrong: {parts})")


if __name__ == "__main__":
    main()
