"""A test writer with a distinct hand, to measure what `adapt` teaches (docs/userdata.md).

1 with a long flag and a foot, crossed 7, open 4, 9 with a straight tail, 2 with a loop, slashed
0, flat-topped 3, 5 with a separate bar; slanted 12-20 degrees, a thick pen. Every drawing is read
through the app's own path and saved as a record; then the trained model is taught the writer's
sittings that are not held out, and the held-out ones and MNIST are read before and after.

    python bench/user_writer.py [OUT_FOLDER [MODEL.onnx]]     # after `make pipeline`
"""

import sys
import tempfile
import time

import numpy as np
from _common import ROOT

from app.document import Document, Stroke, read
from app.inference import Classifier
from app.userdata import save_record


def arc(cx, cy, rx, ry, a0, a1, n=20):
    t = np.radians(np.linspace(a0, a1, n))
    return [(cx + rx * np.cos(a), cy + ry * np.sin(a)) for a in t]


G = {
    "0": [arc(0.3, 0.5, 0.3, 0.48, -90, 270, 30), [(0.0, 0.9), (0.6, 0.1)]],
    "1": [[(0.0, 0.35), (0.35, 0.0), (0.35, 1.0)], [(0.1, 1.0), (0.6, 1.0)]],
    "2": [
        [
            *arc(0.3, 0.27, 0.25, 0.25, 190, 370),
            (0.45, 0.5),
            (0.05, 0.95),
            *arc(0.15, 0.88, 0.1, 0.1, 90, 450, 12),
            (0.6, 0.97),
        ]
    ],
    "3": [[(0.05, 0.02), (0.55, 0.02), (0.25, 0.42), *arc(0.28, 0.7, 0.3, 0.28, -100, 150)]],
    "4": [[(0.3, 0.0), (0.05, 0.6), (0.6, 0.6)], [(0.45, 0.0), (0.45, 1.0)]],
    "5": [[(0.08, 0.02), (0.06, 0.45), *arc(0.3, 0.7, 0.28, 0.28, -130, 150)], [(0.08, 0.02), (0.58, 0.0)]],
    "6": [[(0.5, 0.02), (0.15, 0.4), *arc(0.3, 0.72, 0.26, 0.26, 180, 540, 30)]],
    "7": [[(0.02, 0.02), (0.6, 0.02), (0.22, 1.0)], [(0.15, 0.52), (0.55, 0.5)]],
    "8": [[*arc(0.3, 0.26, 0.2, 0.24, 90, 450), *arc(0.3, 0.74, 0.27, 0.25, -90, 270)]],
    "9": [[*arc(0.3, 0.28, 0.26, 0.27, 0, 360, 30), (0.56, 0.28), (0.56, 1.0)]],
}


def drawing(d, rng):
    h = rng.uniform(0.3, 0.7)
    w = 0.6 * h * rng.uniform(0.85, 1.1)
    left = rng.uniform(0.05, 0.95 - w - 0.1)
    top = rng.uniform(0.05, 0.95 - h)
    slant = np.tan(np.radians(rng.uniform(12, 20)))
    width = rng.uniform(0.035, 0.05)
    out = []
    for s in G[d]:
        pts = []
        for x, y in s:
            x += rng.normal(0, 0.02)
            y += rng.normal(0, 0.015)
            X = left + (x + slant * (1 - y)) * w
            Y = top + y * h
            pts.append((float(np.clip(X, 0, 1)), float(np.clip(Y, 0, 1))))
        out.append(Stroke(tuple(pts), width))
    return out


def main(out, model, per_digit=40, sessions=16, seed=5):
    clf = Classifier(model)
    rng = np.random.default_rng(seed)
    right = {d: 0 for d in G}
    redraw = 0
    n = 0
    for k in range(per_digit):
        for d in G:
            while True:
                strokes = drawing(d, rng)
                reading, _ = read(clf, Document(strokes=tuple(strokes)))
                if len(reading.pieces) == 1:
                    break
                redraw += 1
            p = reading.pieces[0]
            got = reading.number
            right[d] += got == d
            save_record(
                out,
                label=d,
                inputs=[p.image],
                boxes=[p.box],
                read_as=got or "not a digit",
                strokes=[{"points": [list(q) for q in s.points], "width": s.width, "erase": False} for s in strokes],
                session=f"writer-s{k % sessions}",
                writer="test-writer",
            )
            n += 1
    print("drawings", n, "redraws", redraw, "default model right", sum(right.values()), {d: right[d] for d in G})


def teach(folder):
    """Before and after `adapt` with params.yaml's user recipe (MNIST test read afterwards, chosen on nothing)."""
    from app.userdata import load_records
    from pipeline.config.params import load_params
    from pipeline.data import load_framed, load_mnist
    from pipeline.learn.adapt import adapt
    from pipeline.learn.keras_model import load_model, predict_probs
    from pipeline.userdata import build

    p = load_params(ROOT / "params.yaml")
    p = p.model_copy(update={"user": p.user.model_copy(update={"enabled": True})})
    loaded = load_records(folder)
    u = build(loaded, p.user.held_out_fraction, p.user.seed)
    print("train", len(u.y_train), "held", len(u.y_held), "problems", len(loaded.problems))
    m = load_mnist(ROOT / "artifacts/data/mnist.npz")
    model = load_model(ROOT / "artifacts/model/model.keras")
    test_before = float((predict_probs(model, m.x_test).argmax(1) == m.y_test).mean())
    t = time.time()
    framed = load_framed(ROOT / "artifacts/data/framed.npz") if p.train.app_framed else None
    r = adapt(model, p, m, u, framed)
    secs = time.time() - t
    test_after = float((predict_probs(r.model, m.x_test).argmax(1) == m.y_test).mean())
    b, a = r.metrics["before"], r.metrics["after"]
    print(
        "held-out before",
        b["accuracy"],
        "after",
        a["accuracy"],
        "errors",
        r.metrics["errors_before"],
        "fixed",
        r.metrics["errors_fixed"],
        "new",
        r.metrics["errors_new"],
    )
    print(
        "mnist val",
        b["mnist_val_accuracy"],
        "->",
        a["mnist_val_accuracy"],
        "| keras test",
        test_before,
        "->",
        test_after,
        "| adapt s",
        round(secs, 1),
    )


if __name__ == "__main__":
    folder = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="user-writer-")
    main(folder, sys.argv[2] if len(sys.argv) > 2 else str(ROOT / "artifacts/model/model.onnx"))
    teach(folder)
