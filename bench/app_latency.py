"""One drawn digit, preprocessing plus inference: onnxruntime (the app) against Keras.

Prints p50/p99 ms for the app's path (``Classifier.predict``: MNIST framing + onnxruntime),
for the same preprocessing followed by the Keras model's ``model(x)`` and
``model.predict(x)``, and their ratios, all measured in this one run.
Targets (issue 5): app p50 <= 1 ms and >= 50x faster than ``model(x)``.

    python bench/app_latency.py [--runs 2000]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import percentiles_ms

from app.inference import Classifier, resolve_model
from app.preprocess import prepare
from pipeline.data import load_mnist
from pipeline.drawn import render


def timed(fn, runs: int) -> list[float]:
    for _ in range(min(20, runs)):
        fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--model", help="ONNX model (default: as the app chooses)")
    parser.add_argument("--keras", default="artifacts/model/model.keras")
    args = parser.parse_args()

    data = load_mnist()
    # the canvas a person leaves: dark ink on white, 224x224, as Canvas.to_array() returns it
    canvas = (255 - 255 * next(render(data.x_test[:1], "centred"))).astype(np.uint8)
    path = resolve_model(args.model)
    classifier = Classifier(path)
    app = timed(lambda: classifier.predict(canvas), args.runs)
    prep = timed(lambda: prepare(canvas), args.runs)

    from pipeline.keras_model import load_model

    model = load_model(args.keras)

    def keras_call():
        x = prepare(canvas).image[None, ..., None]
        return model(x, training=False).numpy()

    def keras_predict():
        x = prepare(canvas).image[None, ..., None]
        return model.predict(x, verbose=0)

    call = timed(keras_call, max(50, args.runs // 10))
    predict = timed(keras_predict, max(20, args.runs // 40))
    same = int(np.argmax(keras_call())) == classifier.predict(canvas).digit

    rows = [
        ("preprocess only", prep),
        ("app: preprocess + onnxruntime", app),
        ("preprocess + keras model(x)", call),
        ("preprocess + keras model.predict(x)", predict),
    ]
    print(f"model {path}; one 224x224 drawn digit; same prediction from both: {same}")
    for name, t in rows:
        p50, p99 = percentiles_ms(t)
        print(f"{name:38s} p50 {p50:8.3f} ms   p99 {p99:8.3f} ms   ({len(t)} runs)")
    a50 = percentiles_ms(app)[0]
    print(f"ratio model(x) / app (p50):        {percentiles_ms(call)[0] / a50:6.1f}x  (target >= 50x)")
    print(f"ratio model.predict / app (p50):   {percentiles_ms(predict)[0] / a50:6.1f}x")
    print(f"app p50 {a50:.3f} ms (target <= 1 ms)")


if __name__ == "__main__":
    main()
