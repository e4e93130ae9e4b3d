"""Accuracy on drawn digits: MNIST test digits re-rendered as people draw them.

Off centre, small, large, thick, thin, inverted and colour renderings (pipeline/synth/pen.py)
go through the app's preprocessing and, for comparison, through a plain resize of the
whole canvas to 28x28, then through the default model. Target: >= 98% overall.

    python bench/drawn_accuracy.py [--limit 2000] [--model PATH]
"""

from __future__ import annotations

import argparse
import time

from _common import np

from app.inference import Classifier, resolve_model
from app.preprocess import plain_resize, prepare
from pipeline.data import load_mnist
from pipeline.synth.pen import TRANSFORMS, drawn_inputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=2000, help="test digits per rendering")
    parser.add_argument("--model", help="ONNX model (default: as the app chooses)")
    args = parser.parse_args()
    data = load_mnist()
    x, y = data.x_test[: args.limit], data.y_test[: args.limit]
    path = resolve_model(args.model)
    clf = Classifier(path)
    print(f"model {path}; {len(y)} test digits per rendering")
    print(f"{'rendering':12s} {'app':>8s} {'plain':>8s}")
    ours, plain = [], []
    t0 = time.perf_counter()
    for name in TRANSFORMS:
        a = float((clf.probabilities(drawn_inputs(x, name, lambda c: prepare(c).image)).argmax(1) == y).mean())
        b = float((clf.probabilities(drawn_inputs(x, name, plain_resize)).argmax(1) == y).mean())
        ours.append(a)
        plain.append(b)
        print(f"{name:12s} {100 * a:7.2f}% {100 * b:7.2f}%", flush=True)
    print(f"{'overall':12s} {100 * np.mean(ours):7.2f}% {100 * np.mean(plain):7.2f}%   (target >= 98% for the app)")
    print(
        f"MNIST as is: {100 * float((clf.probabilities(x / 255.0).argmax(1) == y).mean()):.2f}%; "
        f"{time.perf_counter() - t0:.0f} s"
    )


if __name__ == "__main__":
    main()
