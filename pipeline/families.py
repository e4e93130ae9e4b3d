"""The names of the generated pictures' families: one home for the generators, the sets and evaluate.

Evaluate reports figures by these names without importing the generators that make them.
"""

from __future__ import annotations

#: How a digit is drawn with the app's pen (``pipeline.synth.pen``), in the order of ``drawn_kind``.
DRAWN = ("centred", "off_centre", "small", "large", "thick", "thin", "inverted", "colour")
#: Kinds of non-digits (``pipeline.synth.nondigit``), in the order of ``family_*``.
NON_DIGITS = ("glyph", "stroke", "scribble", "shape", "hatching", "noise", "fragment", "pair")
