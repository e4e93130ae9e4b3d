"""The names of the generated pictures' families: one home for the generators, the sets and evaluate.

A family is one way a generator varies what it makes. ``conf/families/`` lists them by kind and
says which are held out of training (:class:`pipeline.config.families.FamiliesConfig`); evaluate reports
figures by these names without importing the generators that make them.
"""

from __future__ import annotations

#: How a digit is drawn with the app's pen (``pipeline.synth.pen``), in the order of ``drawn_kind``.
DRAWN = ("centred", "off_centre", "small", "large", "thick", "thin", "inverted", "colour")
#: Kinds of non-digits (``pipeline.synth.nondigit``), in the order of ``family_*``; ``miscut`` is what
#: the reader cuts wrongly out of written numbers (a digit's part, two digits as one).
NON_DIGITS = ("glyph", "stroke", "scribble", "shape", "hatching", "noise", "fragment", "pair", "miscut")
#: The four choices of a written scene (``pipeline.synth.scene``).
PEN = ("fine", "ballpoint", "felt", "marker")
LAYOUT = ("single", "spaced", "tight", "touching", "overlapping", "mixed_size", "tight_crop")
PAPER = ("plain", "ruled", "margin", "squared", "dotted", "boxes", "comb")
DEGRADATION = ("clean", "photo", "lowres_blocky", "lowres_blurry")
#: Ways of writing a digit beyond MNIST's (``pipeline.synth.styles``): a 1 with a flag, with a flag and a
#: foot, a crossed 7; "plain" is MNIST's own.
STYLES = ("plain", "flagged_one", "footed_one", "crossed_seven")

#: Every kind, as ``conf/families/`` names it.
KINDS: dict[str, tuple[str, ...]] = {
    "pen": PEN,
    "layout": LAYOUT,
    "paper": PAPER,
    "degradation": DEGRADATION,
    "drawn": DRAWN,
    "non_digit": NON_DIGITS,
    "style": STYLES,
}
#: The scene kinds, in the order a scene's families are stored.
SCENE_KINDS = ("pen", "layout", "paper", "degradation")


def unknown(listed: object) -> list[str]:
    """What ``conf/families/``'s ``all`` lists differently from the generators (empty when they agree)."""
    problems = []
    for kind, names in KINDS.items():
        given = list(getattr(listed, kind))
        if sorted(given) != sorted(names):
            problems.append(f"families.all.{kind} = {given}: the generators make exactly {list(names)}")
    return problems
