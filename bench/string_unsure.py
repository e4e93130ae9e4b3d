"""How "not sure" reads touching digits read together: the string model's probability against right and wrong, on
strings of its own validation digits (never trained on), never the test set.

The strings stage keeps ``strings.validation_fraction`` of MNIST's training digits apart for its validation strings;
here 6,000 more strings are made of those digits (a seed of their own; pen strings and pen words at
``strings.pen_share``, as training makes them) and read by the pipeline's string model as the app reads them, in four
framings voted on (:mod:`app.string_votes`; ``--own``: as framed only). Of the readings of two or more
digits that count (``app.strings.STRING_SURE``), for each threshold: the share of right readings it would call "not
sure", and the share of wrong ones among those it would show sure. ``app.wording.UNSURE`` applies to a touching
reading's probability as to a digit's confidence.

    python bench/string_unsure.py [--model artifacts/model/strings.onnx] [--own]
"""

from __future__ import annotations

import argparse

from _common import np

THRESHOLDS = (0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="artifacts/model/strings.onnx", help="the string model (ONNX)")
    parser.add_argument("--examples", type=int, default=6000)
    parser.add_argument("--own", action="store_true", help="read each field as framed only (the app votes)")
    args = parser.parse_args()

    from app.string_votes import Voting
    from app.strings import STRING_SURE, StringModel, decode
    from app.wording import UNSURE
    from pipeline.config.core import load
    from pipeline.data import load_mnist
    from pipeline.paths import MNIST_NPZ
    from pipeline.stages.strings import StringsParams
    from pipeline.streams import Stream
    from pipeline.synth.strings import string_examples

    params = load(StringsParams)
    cfg, families = params.strings, params.families
    data = load_mnist(MNIST_NPZ)
    order = np.random.default_rng([cfg.seed, Stream.STRING_EXAMPLES]).permutation(len(data.y_train))
    val = order[: round(cfg.validation_fraction * len(order))]
    rng = np.random.default_rng([cfg.seed, Stream.STRING_EXAMPLES, 7])  # parts 0 and 1 are the stage's
    x, digits, lengths = string_examples(
        data.x_train[val],
        data.y_train[val],
        args.examples,
        families.seen("layout"),
        families.seen("non_digit"),
        rng,
        cfg.pen_share,
    )
    model = StringModel(args.model, 0) if args.own else Voting(StringModel(args.model, 0))  # as the app reads
    probs = np.concatenate([model(x[i : i + 500]) for i in range(0, len(x), 500)])
    sure, right = [], []
    for row, truth, k in zip(probs, digits, lengths, strict=True):
        read = decode(row)
        if len(read.digits) >= 2 and read.labelling >= STRING_SURE:
            sure.append(read.labelling)
            right.append(tuple(read.digits) == tuple(int(d) for d in truth[:k]))
    p, ok = np.asarray(sure), np.asarray(right)
    print(f"{len(p)} readings of 2+ digits at STRING_SURE ({STRING_SURE}) or more, {ok.mean():.1%} right")
    print("threshold  right called not sure  wrong among those shown sure")
    for t in THRESHOLDS:
        shown = p >= t
        mark = "  <- app.wording.UNSURE" if t == UNSURE else ""
        print(
            f"{t:9.2f}  {(ok & ~shown).sum() / ok.sum():21.1%}  {(~ok & shown).sum() / max(shown.sum(), 1):28.1%}{mark}"
        )


if __name__ == "__main__":
    main()
