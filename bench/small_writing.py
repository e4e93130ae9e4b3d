"""How "write bigger" was chosen: single drawn digits read right by their height in pen widths.

Digits 0-9 written with ``pipeline/synth/strokes.py`` (6 writers each) on the window's 460 px canvas,
with a pen of the given widths, read by the app's own path (:func:`app.document.read`). For each
height: the median over the digits of ``app.wording.pens_tall`` (what the hint measures)
and how many were read right. ``app.wording.SMALL_FOR_PEN`` sits where reading stops being reliable.

    python bench/small_writing.py [--model PATH] [--pens 6,12,31]
"""

from __future__ import annotations

import argparse

from _common import ROOT, np

SIDE = 460.0
#: Stroke heights in pen widths (the ink's box is about a pen width taller).
RATIOS = (2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0, 6.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(ROOT / "app/models/digits.onnx"))
    parser.add_argument("--pens", default="6,12,31", help="pen widths in canvas pixels, comma-separated")
    args = parser.parse_args()

    from app.controller import pen_pixels
    from app.document import Document, Stroke, read
    from app.inference import Classifier
    from app.wording import pens_tall
    from pipeline.synth.strokes import number_strokes

    classifier = Classifier(args.model)
    for pen in (float(p) for p in args.pens.split(",")):
        print(f"pen {pen:g} px")
        for ratio in RATIOS:
            right, heights = 0, []
            for digit in "0123456789":
                for seed in range(6):
                    h = (ratio - 1) * pen
                    strokes = number_strokes(digit, (SIDE - 0.6 * h) / 2, (SIDE - h) / 2, h, seed=seed)
                    doc = Document(
                        tuple(Stroke(tuple((x / SIDE, y / SIDE) for x, y in s), pen / SIDE) for s in strokes)
                    )
                    reading, _ = read(classifier, doc)
                    if reading.pieces:
                        heights.append(pens_tall(reading, pen_pixels(doc, doc.frame().unit)))
                    right += reading.number == digit
            print(f"  ink {np.median(heights):.2f} pen widths tall: {right}/60 read right")


if __name__ == "__main__":
    main()
