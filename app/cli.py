"""``digit-predict IMAGE... [--model PATH] [--json]``: classify pictures from the command line.

One line per picture: the digit, its confidence and all ten probabilities (a JSON object
per line with ``--json``). A file that cannot be read, or holds no digit, gets a one-line
reason on stderr, the others are still classified, and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import sys

from app.images import ImageError, load_image
from app.inference import ModelError, load_classifier
from app.preprocess import EmptyImage


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="digit-predict", description="Recognise handwritten digits in pictures.")
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="picture files (PNG, JPEG, ...)")
    parser.add_argument("--model", help="ONNX model (default: the pipeline's, else the published one)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args(argv)

    try:
        classifier = load_classifier(args.model)
    except ModelError as exc:
        print(f"digit-predict: {exc}", file=sys.stderr)
        return 2
    failed = 0
    for path in args.images:
        try:
            prediction = classifier.predict(load_image(path))
        except (ImageError, EmptyImage, ValueError) as exc:
            failed += 1
            reason = str(exc) if isinstance(exc, ImageError) else f"{path}: {exc}"
            print(f"digit-predict: {reason}", file=sys.stderr)
            continue
        probs = [round(float(p), 6) for p in prediction.probs]
        if args.json:
            print(
                json.dumps(
                    {
                        "file": path,
                        "digit": prediction.digit,
                        "confidence": round(prediction.confidence, 6),
                        "probs": probs,
                    }
                )
            )
        else:
            listing = " ".join(f"{d}:{p:.3f}" for d, p in enumerate(probs))
            print(f"{path}: {prediction.digit} ({100 * prediction.confidence:.1f}%)  {listing}")
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
