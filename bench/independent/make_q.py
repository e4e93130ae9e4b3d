#!/usr/bin/env python3
"""make_q.py OUT

Independent test set for a handwritten-digit reader: pictures of things a
person draws with the mouse in a desktop "draw a digit" window (round pen,
dark ink on a white square canvas).

Writes OUT/nondigit/*.png, OUT/word/*.png, OUT/digit/*.png and
OUT/manifest.csv (path,kind,truth,what).  Deterministic (fixed seed).
Needs only numpy and Pillow.

    python bench/independent/make_q.py OUT_DIR     # then: python bench/independent/score.py OUT_DIR

Made by a helper that never read this repository's generators (2026-12-07, twenty-ninth session): 48 writers,
each with a slant of -20..+20 degrees, proportions, bends and a round pen 4-12% of the drawing's height; letters
of straight diagonal strokes (V, W, A, N, M, X, Y) twice as often as the rest, because a string model that learnt
pen-written digits read them as 1s ("V" -> "11", a zigzag -> "11111").
"""

import csv
import math
import os
import sys

import numpy as np
from PIL import Image, ImageDraw

SEED = 7_351_902
N_WRITERS = 48
CANVAS_SIZES = [200, 224, 240, 256, 280, 300, 320, 360, 400]

# ----------------------------------------------------------------------------
# Skeleton language.  Unit frame: y = 0 is the cap-height line, y = 1 the
# baseline (y grows downwards); lowercase x-height is at y = 0.5 and
# descenders reach ~1.45.  A glyph variant is a list of strokes (pen-down ..
# pen-up); a stroke is a list of pieces that join end to start:
#   ('L', pts)  straight segments (sharp corners, slightly bowed by the hand)
#   ('S', pts)  smooth curve through the points (centripetal Catmull-Rom)
#   ('D', [p])  a dot (a click with hardly any movement)
# ----------------------------------------------------------------------------


def L(*p):
    return ("L", [tuple(q) for q in p])


def S(*p):
    return ("S", [tuple(q) for q in p])


def Sp(pts):
    return ("S", [tuple(q) for q in pts])


def D(x, y):
    return ("D", [(x, y)])


def arc(cx, cy, rx, ry, a0, a1, n=12):
    """Points on an ellipse; angles in degrees, y-down (decreasing = counter-
    clockwise on screen)."""
    a = np.radians(np.linspace(a0, a1, n))
    return [(cx + rx * math.cos(t), cy + ry * math.sin(t)) for t in a]


def spiral(turns, ccw, n=44):
    pts = []
    for i in range(n):
        t = i / (n - 1)
        r = 0.03 + 0.47 * t
        th = 2 * math.pi * turns * t * (-1 if ccw else 1)
        pts.append((0.5 + r * math.cos(th), 0.5 + r * math.sin(th)))
    return pts


def wave(periods, width, n_per=4, phase=0.0):
    n = int(periods * n_per) + 1
    pts = []
    for i in range(n):
        t = i / (n - 1)
        pts.append((t * width, 0.5 - 0.5 * math.sin(2 * math.pi * periods * t + phase)))
    return pts


def zigzag(nseg, width, start_low):
    pts = []
    for i in range(nseg + 1):
        lo = (i % 2 == 0) == start_low
        pts.append((width * i / nseg, 1.0 if lo else 0.0))
    return pts


def star(k0):
    pts = []
    for k in range(6):
        th = math.radians(-90 + 144 * (k + k0))
        pts.append((0.5 + 0.5 * math.cos(th), 0.53 + 0.5 * math.sin(th)))
    return pts


X = 0.5  # lowercase x-height line

G = {
    # ------------------------------------------------------------ digits
    "0": [
        [[Sp(arc(0.3, 0.5, 0.3, 0.5, -100, -465, 15))]],
        [[Sp(arc(0.28, 0.5, 0.28, 0.5, -60, -415, 15))]],
    ],
    "1": [
        [[L((0.3, 0.0), (0.28, 1.0))]],
        [[L((0.1, 0.2), (0.36, 0.0), (0.33, 1.0))]],
        [[L((0.16, 0.14), (0.34, 0.0), (0.32, 1.0))]],
    ],
    "2": [
        [
            [
                S((0.04, 0.24), (0.18, 0.05), (0.4, 0.0), (0.6, 0.1), (0.62, 0.32), (0.4, 0.62), (0.02, 1.0)),
                L((0.02, 1.0), (0.68, 0.98)),
            ]
        ],
        [[S((0.06, 0.2), (0.28, 0.0), (0.52, 0.04), (0.62, 0.24)), L((0.62, 0.24), (0.04, 1.0), (0.7, 1.0))]],
    ],
    "3": [
        [
            [
                S((0.04, 0.14), (0.28, 0.0), (0.54, 0.04), (0.6, 0.24), (0.28, 0.47)),
                S((0.28, 0.47), (0.58, 0.58), (0.64, 0.8), (0.4, 1.0), (0.04, 0.9)),
            ]
        ],
        [
            [
                S((0.06, 0.16), (0.3, 0.0), (0.55, 0.05), (0.58, 0.25), (0.3, 0.48)),
                S((0.3, 0.48), (0.6, 0.62), (0.6, 0.86), (0.35, 1.0), (0.02, 0.88)),
            ]
        ],
        [
            [
                L((0.04, 0.0), (0.6, 0.0), (0.26, 0.42)),
                S((0.26, 0.42), (0.56, 0.5), (0.65, 0.75), (0.45, 0.98), (0.04, 0.9)),
            ]
        ],
    ],
    "4": [
        [[L((0.48, 0.0), (0.02, 0.66), (0.74, 0.66))], [L((0.56, 0.28), (0.56, 1.0))]],
        [[L((0.1, 0.0), (0.06, 0.6), (0.74, 0.6))], [L((0.58, 0.04), (0.58, 1.0))]],
    ],
    "5": [
        [
            [
                L((0.12, 0.0), (0.08, 0.44)),
                S((0.08, 0.44), (0.3, 0.37), (0.55, 0.45), (0.65, 0.7), (0.5, 0.94), (0.25, 1.0), (0.02, 0.9)),
            ],
            [L((0.12, 0.0), (0.64, 0.0))],
        ],
        [
            [
                L((0.64, 0.0), (0.12, 0.0), (0.08, 0.44)),
                S((0.08, 0.44), (0.3, 0.37), (0.56, 0.45), (0.64, 0.7), (0.5, 0.94), (0.25, 1.0), (0.02, 0.9)),
            ]
        ],
    ],
    "6": [
        [
            [
                S(
                    (0.58, 0.02),
                    (0.3, 0.12),
                    (0.1, 0.45),
                    (0.08, 0.78),
                    (0.28, 0.99),
                    (0.52, 0.95),
                    (0.62, 0.72),
                    (0.48, 0.52),
                    (0.22, 0.53),
                    (0.08, 0.7),
                )
            ]
        ],
        [
            [
                S(
                    (0.5, 0.0),
                    (0.25, 0.3),
                    (0.08, 0.65),
                    (0.15, 0.92),
                    (0.38, 1.0),
                    (0.6, 0.85),
                    (0.55, 0.6),
                    (0.3, 0.55),
                    (0.1, 0.68),
                )
            ]
        ],
    ],
    "7": [
        [[L((0.02, 0.02), (0.68, 0.0), (0.28, 1.0))]],
        [[L((0.02, 0.03), (0.68, 0.0)), S((0.68, 0.0), (0.5, 0.35), (0.36, 0.7), (0.3, 1.0))]],
    ],
    "8": [
        [
            [
                S(
                    (0.58, 0.12),
                    (0.35, 0.0),
                    (0.1, 0.1),
                    (0.12, 0.35),
                    (0.35, 0.5),
                    (0.58, 0.65),
                    (0.6, 0.9),
                    (0.35, 1.0),
                    (0.08, 0.88),
                    (0.12, 0.65),
                    (0.35, 0.5),
                    (0.55, 0.35),
                    (0.55, 0.12),
                    (0.42, 0.02),
                )
            ]
        ],
        [[Sp(arc(0.32, 0.24, 0.22, 0.24, -80, -440, 12))], [Sp(arc(0.32, 0.73, 0.29, 0.27, -90, -450, 13))]],
    ],
    "9": [
        [
            [
                S((0.6, 0.16), (0.4, 0.02), (0.12, 0.08), (0.04, 0.3), (0.2, 0.47), (0.45, 0.45), (0.62, 0.22)),
                L((0.62, 0.22), (0.58, 1.0)),
            ]
        ],
        [
            [
                S((0.6, 0.16), (0.4, 0.02), (0.12, 0.08), (0.04, 0.3), (0.2, 0.47), (0.45, 0.45), (0.62, 0.22)),
                S((0.62, 0.22), (0.63, 0.6), (0.56, 1.0)),
            ]
        ],
    ],
    # ------------------------------------------------------------ capitals
    "A": [
        [[L((0.0, 1.0), (0.4, 0.0), (0.8, 1.0))], [L((0.18, 0.58), (0.64, 0.58))]],
        [[L((0.4, 0.0), (0.0, 1.0))], [L((0.4, 0.0), (0.8, 1.0))], [L((0.16, 0.62), (0.66, 0.62))]],
        [[L((0.0, 1.0), (0.3, 0.0), (0.62, 1.0))], [L((0.1, 0.68), (0.52, 0.66))]],
    ],
    "B": [
        [
            [L((0.0, 0.0), (0.0, 1.0))],
            [
                S((0.0, 0.0), (0.4, 0.0), (0.58, 0.12), (0.55, 0.35), (0.3, 0.48), (0.02, 0.48)),
                S((0.02, 0.48), (0.45, 0.52), (0.65, 0.7), (0.6, 0.92), (0.35, 1.0), (0.0, 1.0)),
            ],
        ],
        [
            [
                L((0.0, 1.0), (0.0, 0.0)),
                S((0.0, 0.0), (0.38, 0.0), (0.56, 0.12), (0.52, 0.36), (0.02, 0.5)),
                S((0.02, 0.5), (0.5, 0.55), (0.66, 0.76), (0.5, 0.96), (0.0, 1.0)),
            ]
        ],
    ],
    "C": [
        [[Sp(arc(0.4, 0.5, 0.4, 0.5, -40, -318, 11))]],
        [[Sp(arc(0.42, 0.5, 0.42, 0.5, -28, -325, 11))]],
    ],
    "E": [
        [[L((0.7, 0.0), (0.0, 0.0), (0.0, 1.0), (0.72, 1.0))], [L((0.0, 0.5), (0.55, 0.5))]],
        [
            [L((0.0, 0.0), (0.0, 1.0))],
            [L((0.0, 0.0), (0.68, 0.0))],
            [L((0.0, 0.5), (0.55, 0.5))],
            [L((0.0, 1.0), (0.7, 1.0))],
        ],
    ],
    "F": [
        [[L((0.0, 1.0), (0.0, 0.0), (0.7, 0.0))], [L((0.0, 0.48), (0.55, 0.48))]],
        [[L((0.0, 0.0), (0.0, 1.0))], [L((0.0, 0.0), (0.68, 0.0))], [L((0.0, 0.46), (0.5, 0.46))]],
    ],
    "H": [
        [[L((0.0, 0.0), (0.0, 1.0))], [L((0.7, 0.0), (0.7, 1.0))], [L((0.0, 0.5), (0.7, 0.5))]],
        [[L((0.0, 0.0), (0.0, 1.0))], [L((0.0, 0.45), (0.72, 0.43))], [L((0.72, 0.0), (0.72, 1.0))]],
    ],
    "K": [
        [[L((0.0, 0.0), (0.0, 1.0))], [L((0.65, 0.0), (0.02, 0.55), (0.7, 1.0))]],
        [[L((0.0, 0.0), (0.0, 1.0))], [L((0.65, 0.0), (0.02, 0.55))], [L((0.25, 0.4), (0.7, 1.0))]],
    ],
    "L": [
        [[L((0.0, 0.0), (0.0, 1.0), (0.6, 1.0))]],
        [[L((0.02, 0.0), (0.0, 1.0), (0.66, 0.98))]],
    ],
    "M": [
        [[L((0.0, 1.0), (0.05, 0.0), (0.45, 0.7), (0.85, 0.0), (0.9, 1.0))]],
        [[L((0.0, 1.0), (0.0, 0.0), (0.45, 1.0), (0.9, 0.0), (0.9, 1.0))]],
        [[L((0.0, 1.0), (0.15, 0.0), (0.45, 0.62), (0.75, 0.0), (0.9, 1.0))]],
    ],
    "N": [
        [[L((0.0, 1.0), (0.0, 0.0), (0.7, 1.0), (0.7, 0.0))]],
        [[L((0.0, 0.0), (0.0, 1.0))], [L((0.0, 0.0), (0.7, 1.0), (0.7, 0.0))]],
        [[L((0.0, 1.0), (0.06, 0.0), (0.64, 1.0), (0.72, 0.0))]],
    ],
    "R": [
        [
            [
                L((0.0, 1.0), (0.0, 0.0)),
                S((0.0, 0.0), (0.4, 0.0), (0.58, 0.13), (0.52, 0.38), (0.25, 0.5), (0.02, 0.5)),
                L((0.02, 0.5), (0.65, 1.0)),
            ]
        ],
        [
            [L((0.0, 0.0), (0.0, 1.0))],
            [S((0.0, 0.0), (0.42, 0.02), (0.58, 0.16), (0.5, 0.4), (0.02, 0.5)), L((0.02, 0.5), (0.62, 1.0))],
        ],
    ],
    "T": [
        [[L((0.0, 0.0), (0.8, 0.0))], [L((0.4, 0.0), (0.4, 1.0))]],
        [[L((0.42, 0.0), (0.4, 1.0))], [L((0.0, 0.02), (0.82, 0.0))]],
    ],
    "U": [
        [[S((0.0, 0.0), (0.0, 0.6), (0.1, 0.9), (0.35, 1.0), (0.6, 0.9), (0.7, 0.6), (0.7, 0.0))]],
        [
            [
                S((0.0, 0.0), (0.02, 0.62), (0.12, 0.92), (0.35, 1.0), (0.58, 0.9), (0.68, 0.6), (0.7, 0.0)),
                L((0.7, 0.0), (0.72, 1.0)),
            ]
        ],
    ],
    "V": [
        [[L((0.0, 0.0), (0.4, 1.0), (0.8, 0.0))]],
        [[L((0.0, 0.0), (0.34, 1.0), (0.86, -0.02))]],
        [[L((0.0, 0.0), (0.4, 1.0))], [L((0.82, 0.0), (0.42, 1.0))]],
    ],
    "W": [
        [[L((0.0, 0.0), (0.22, 1.0), (0.45, 0.35), (0.68, 1.0), (0.9, 0.0))]],
        [[L((0.0, 0.0), (0.25, 1.0), (0.5, 0.0), (0.75, 1.0), (1.0, 0.0))]],
        [[L((0.0, 0.0), (0.18, 1.0), (0.45, 0.45), (0.72, 1.0), (0.88, 0.0))]],
    ],
    "X": [
        [[L((0.0, 0.0), (0.7, 1.0))], [L((0.7, 0.0), (0.0, 1.0))]],
        [[L((0.7, 0.0), (0.0, 1.0))], [L((0.0, 0.0), (0.7, 1.0))]],
        [[L((0.0, 0.0), (0.56, 1.0))], [L((0.6, 0.0), (0.02, 1.0))]],
    ],
    "Y": [
        [[L((0.0, 0.0), (0.38, 0.48))], [L((0.76, 0.0), (0.38, 0.48), (0.38, 1.0))]],
        [[L((0.0, 0.0), (0.38, 0.5), (0.38, 1.0))], [L((0.76, 0.0), (0.38, 0.5))]],
        [[L((0.0, 0.0), (0.5, 0.46))], [L((0.8, 0.0), (0.2, 1.0))]],
    ],
    "Z": [
        [[L((0.0, 0.0), (0.7, 0.0), (0.0, 1.0), (0.72, 1.0))]],
        [[L((0.0, 0.0), (0.7, 0.0), (0.0, 1.0), (0.72, 1.0))], [L((0.14, 0.5), (0.58, 0.5))]],
    ],
    # ------------------------------------------------------------ lowercase
    "a": [
        [
            [
                S(
                    (0.55, 0.6),
                    (0.4, 0.5),
                    (0.15, 0.55),
                    (0.02, 0.78),
                    (0.12, 0.97),
                    (0.35, 0.98),
                    (0.55, 0.8),
                    (0.58, 0.52),
                ),
                L((0.58, 0.52), (0.6, 1.0)),
            ]
        ],
        [[Sp(arc(0.29, 0.75, 0.28, 0.25, -20, -380, 12))], [L((0.56, 0.5), (0.57, 1.0))]],
    ],
    "e": [
        [
            [
                S(
                    (0.04, 0.76),
                    (0.3, 0.76),
                    (0.56, 0.72),
                    (0.52, 0.56),
                    (0.32, 0.5),
                    (0.1, 0.58),
                    (0.02, 0.8),
                    (0.2, 0.98),
                    (0.45, 1.0),
                    (0.6, 0.9),
                )
            ]
        ],
        [
            [
                S(
                    (0.06, 0.8),
                    (0.3, 0.74),
                    (0.5, 0.62),
                    (0.4, 0.5),
                    (0.16, 0.56),
                    (0.04, 0.78),
                    (0.16, 0.97),
                    (0.42, 1.0),
                    (0.58, 0.92),
                )
            ]
        ],
    ],
    "h": [
        [[L((0.0, 0.0), (0.0, 1.0), (0.01, 0.7)), S((0.01, 0.7), (0.15, 0.53), (0.35, 0.5), (0.5, 0.6), (0.52, 1.0))]],
        [[L((0.0, 0.0), (0.0, 1.0))], [S((0.01, 0.68), (0.16, 0.52), (0.36, 0.5), (0.5, 0.62), (0.52, 1.0))]],
    ],
    "k": [
        [[L((0.0, 0.0), (0.0, 1.0))], [L((0.5, 0.5), (0.02, 0.76), (0.52, 1.0))]],
        [[L((0.0, 0.0), (0.0, 1.0))], [L((0.48, 0.48), (0.03, 0.74))], [L((0.18, 0.68), (0.52, 1.0))]],
    ],
    "m": [
        [
            [
                L((0.0, X), (0.0, 1.0), (0.005, 0.68)),
                S((0.005, 0.68), (0.1, 0.54), (0.22, 0.5), (0.32, 0.56), (0.34, 0.7), (0.34, 1.0)),
                L((0.34, 1.0), (0.345, 0.68)),
                S((0.345, 0.68), (0.44, 0.54), (0.56, 0.5), (0.66, 0.56), (0.68, 0.7), (0.68, 1.0)),
            ]
        ],
    ],
    "n": [
        [
            [
                L((0.0, X), (0.0, 1.0), (0.005, 0.68)),
                S((0.005, 0.68), (0.12, 0.54), (0.28, 0.5), (0.42, 0.56), (0.45, 0.7), (0.46, 1.0)),
            ]
        ],
        [[L((0.0, X), (0.0, 1.0))], [S((0.01, 0.64), (0.14, 0.52), (0.3, 0.5), (0.44, 0.58), (0.46, 1.0))]],
    ],
    "r": [
        [[L((0.0, X), (0.0, 1.0), (0.01, 0.72)), S((0.01, 0.72), (0.12, 0.55), (0.28, 0.5), (0.42, 0.54))]],
    ],
    "u": [
        [[S((0.0, X), (0.01, 0.85), (0.12, 0.99), (0.3, 1.0), (0.48, 0.88), (0.52, X)), L((0.52, X), (0.54, 1.0))]],
        [[S((0.0, X), (0.02, 0.86), (0.14, 0.99), (0.32, 0.99), (0.5, 0.86), (0.52, X))]],
    ],
    "v": [
        [[L((0.0, X), (0.27, 1.0), (0.54, X))]],
        [[L((0.0, X), (0.24, 1.0), (0.5, 0.52)), S((0.5, 0.52), (0.58, 0.5), (0.64, 0.52))]],
    ],
    "w": [
        [[L((0.0, X), (0.18, 1.0), (0.36, 0.6), (0.54, 1.0), (0.72, X))]],
        [[L((0.0, X), (0.16, 1.0), (0.36, 0.5), (0.56, 1.0), (0.72, X))]],
    ],
    "x": [
        [[L((0.0, X), (0.5, 1.0))], [L((0.5, X), (0.0, 1.0))]],
    ],
    "y": [
        [[L((0.0, X), (0.28, 0.98))], [L((0.56, X), (0.1, 1.45))]],
        [
            [S((0.0, X), (0.02, 0.82), (0.15, 0.98), (0.36, 0.96), (0.53, 0.78))],
            [S((0.55, X), (0.55, 1.15), (0.45, 1.42), (0.2, 1.45), (0.05, 1.35))],
        ],
    ],
    # ------------------------------------------------------------ symbols
    "+": [
        [[L((0.42, 0.0), (0.42, 0.86))], [L((0.0, 0.42), (0.84, 0.42))]],
        [[L((0.0, 0.45), (0.86, 0.45))], [L((0.44, 0.0), (0.43, 0.9))]],
    ],
    "=": [
        [[L((0.0, 0.2), (0.9, 0.18))], [L((0.02, 0.75), (0.92, 0.75))]],
    ],
    "?": [
        [
            [
                S(
                    (0.05, 0.25),
                    (0.15, 0.06),
                    (0.38, 0.0),
                    (0.6, 0.08),
                    (0.65, 0.26),
                    (0.5, 0.42),
                    (0.35, 0.52),
                    (0.33, 0.72),
                )
            ],
            [D(0.33, 0.96)],
        ],
        [
            [S((0.02, 0.2), (0.2, 0.02), (0.45, 0.0), (0.62, 0.15), (0.55, 0.35), (0.36, 0.5), (0.34, 0.7))],
            [D(0.34, 0.95)],
        ],
    ],
    "!": [
        [[L((0.05, 0.0), (0.03, 0.72))], [D(0.02, 0.97)]],
    ],
    "#": [
        [
            [L((0.3, 0.0), (0.2, 1.0))],
            [L((0.72, 0.0), (0.62, 1.0))],
            [L((0.0, 0.33), (0.92, 0.33))],
            [L((0.0, 0.67), (0.9, 0.67))],
        ],
        [
            [L((0.0, 0.3), (0.9, 0.3))],
            [L((0.0, 0.68), (0.9, 0.68))],
            [L((0.28, 0.0), (0.28, 1.0))],
            [L((0.64, 0.0), (0.64, 1.0))],
        ],
    ],
    "%": [
        [
            [L((0.75, 0.0), (0.15, 1.0))],
            [Sp(arc(0.18, 0.17, 0.14, 0.16, -90, -450, 9))],
            [Sp(arc(0.75, 0.83, 0.14, 0.16, -90, -450, 9))],
        ],
    ],
    "&": [
        [
            [
                S(
                    (0.8, 1.0),
                    (0.45, 0.62),
                    (0.2, 0.32),
                    (0.2, 0.08),
                    (0.38, 0.0),
                    (0.55, 0.1),
                    (0.5, 0.3),
                    (0.15, 0.58),
                    (0.05, 0.82),
                    (0.2, 0.98),
                    (0.45, 0.98),
                    (0.7, 0.78),
                    (0.82, 0.55),
                )
            ]
        ],
    ],
    "@": [
        [
            [
                Sp(arc(0.5, 0.52, 0.16, 0.18, -20, -380, 12)),
                L((0.65, 0.46), (0.67, 0.7)),
                S(
                    (0.67, 0.7),
                    (0.8, 0.74),
                    (0.93, 0.6),
                    (0.95, 0.4),
                    (0.83, 0.15),
                    (0.55, 0.02),
                    (0.25, 0.08),
                    (0.05, 0.35),
                    (0.07, 0.7),
                    (0.3, 0.95),
                    (0.6, 1.0),
                    (0.82, 0.92),
                ),
            ]
        ],
    ],
    "*": [
        [[L((0.5, 0.0), (0.5, 1.0))], [L((0.07, 0.25), (0.93, 0.75))], [L((0.93, 0.25), (0.07, 0.75))]],
        [
            [L((0.5, 0.0), (0.5, 1.0))],
            [L((0.0, 0.5), (1.0, 0.5))],
            [L((0.15, 0.15), (0.85, 0.85))],
            [L((0.85, 0.15), (0.15, 0.85))],
        ],
    ],
    "<": [[[L((0.7, 0.0), (0.0, 0.5), (0.7, 1.0))]]],
    ">": [[[L((0.0, 0.0), (0.7, 0.5), (0.0, 1.0))]]],
    "~": [
        [[S((0.0, 0.75), (0.15, 0.25), (0.35, 0.05), (0.55, 0.45), (0.75, 0.85), (0.95, 0.65), (1.1, 0.15))]],
    ],
    "^": [
        [[L((0.0, 1.0), (0.5, 0.0), (1.0, 1.0))]],
    ],
    "arrow": [
        [[L((0.0, 0.5), (1.3, 0.5))], [L((1.0, 0.15), (1.3, 0.5), (1.0, 0.85))]],
        [[L((1.3, 0.5), (0.0, 0.5))], [L((0.3, 0.15), (0.0, 0.5), (0.3, 0.85))]],
        [[L((0.4, 1.3), (0.4, 0.0))], [L((0.05, 0.35), (0.4, 0.0), (0.75, 0.35))]],
    ],
    # ------------------------------------------------------------ doodles
    "heart": [
        [
            [
                S((0.5, 1.0), (0.15, 0.6), (0.02, 0.3), (0.1, 0.07), (0.3, 0.0), (0.5, 0.22)),
                S((0.5, 0.22), (0.7, 0.0), (0.9, 0.07), (0.98, 0.3), (0.85, 0.6), (0.5, 1.0)),
            ]
        ],
        [
            [S((0.5, 0.22), (0.3, 0.0), (0.08, 0.08), (0.04, 0.35), (0.2, 0.65), (0.5, 1.0))],
            [S((0.5, 0.22), (0.7, 0.0), (0.92, 0.08), (0.96, 0.35), (0.8, 0.65), (0.5, 1.0))],
        ],
    ],
    "star": [
        [[L(*star(0))]],
        [[L(*star(2))]],
    ],
    "smiley": [
        [
            [Sp(arc(0.5, 0.5, 0.5, 0.5, -90, -455, 16))],
            [D(0.33, 0.36)],
            [D(0.67, 0.36)],
            [Sp(arc(0.5, 0.5, 0.3, 0.28, 20, 160, 7))],
        ],
        [
            [Sp(arc(0.5, 0.5, 0.5, 0.5, -70, -440, 16))],
            [L((0.34, 0.28), (0.34, 0.42))],
            [L((0.66, 0.28), (0.66, 0.42))],
            [Sp(arc(0.5, 0.52, 0.28, 0.26, 15, 165, 7))],
        ],
    ],
    "spiral": [
        [[Sp(spiral(2.6, True))]],
        [[Sp(spiral(2.3, False)[::-1])]],
    ],
    "zigzag": [
        [[L(*zigzag(6, 1.7, True))]],
        [[L(*zigzag(8, 2.0, False))]],
    ],
    "tick": [
        [[L((0.0, 0.55), (0.25, 1.0), (0.8, 0.0))]],
        [[L((0.05, 0.7), (0.22, 1.0), (0.9, 0.0))]],
    ],
    "cross": [
        [[L((0.0, 0.0), (1.0, 1.0))], [L((1.0, 0.0), (0.0, 1.0))]],
        [[L((0.95, 0.0), (0.0, 1.0))], [L((0.0, 0.05), (1.0, 0.95))]],
    ],
    "triangle": [
        [[L((0.5, 0.0), (1.0, 0.9), (0.0, 0.9), (0.5, 0.0))]],
        [[L((0.0, 0.9), (0.5, 0.0), (1.0, 0.9), (0.0, 0.92))]],
    ],
    "wavy": [
        [[Sp(wave(2.5, 2.0))]],
        [[Sp(wave(3.0, 2.1, phase=math.pi))]],
    ],
}

SYMBOL_NAMES = {
    "+": "plus",
    "=": "equals",
    "?": "question",
    "!": "exclam",
    "#": "hash",
    "%": "percent",
    "&": "ampersand",
    "@": "at",
    "*": "asterisk",
    "<": "less",
    ">": "greater",
    "~": "tilde",
    "^": "caret",
    "arrow": "arrow",
}
DOODLES = ["heart", "star", "smiley", "spiral", "zigzag", "tick", "cross", "triangle", "wavy"]
CAPS_MAIN = list("VWANMXY")
CAPS_OTHER = list("BCEFHKLRTUZ")
LOWER = list("aehkmnruvwxy")
WORDS = [
    "VW",
    "AN",
    "MY",
    "Xy",
    "uv",
    "nw",
    "AV",
    "MAX",
    "VAN",
    "NY",
    "WAX",
    "AW",
    "KY",
    "ZW",
    "vw",
    "xy",
    "mn",
    "hey",
    "Ken",
    "Rex",
    "TV",
    "UK",
    "LA",
    "HW",
    "MAY",
    "AXE",
    "NVM",
    "wry",
    "Kay",
    "MW",
]


# ----------------------------------------------------------------------------
# geometry helpers
# ----------------------------------------------------------------------------


def catmull_rom(pts, step):
    P = np.asarray(pts, float)
    if len(P) < 2:
        return P
    P = np.vstack([2 * P[0] - P[1], P, 2 * P[-1] - P[-2]])
    out = [P[1]]
    for i in range(1, len(P) - 2):
        p0, p1, p2, p3 = P[i - 1], P[i], P[i + 1], P[i + 2]

        def tj(ti, a, b):
            return ti + max(np.linalg.norm(b - a), 1e-6) ** 0.5

        t0 = 0.0
        t1 = tj(t0, p0, p1)
        t2 = tj(t1, p1, p2)
        t3 = tj(t2, p2, p3)
        n = max(2, int(np.linalg.norm(p2 - p1) / step) + 1)
        t = np.linspace(t1, t2, n)[1:, None]
        A1 = (t1 - t) / (t1 - t0) * p0 + (t - t0) / (t1 - t0) * p1
        A2 = (t2 - t) / (t2 - t1) * p1 + (t - t1) / (t2 - t1) * p2
        A3 = (t3 - t) / (t3 - t2) * p2 + (t - t2) / (t3 - t2) * p3
        B1 = (t2 - t) / (t2 - t0) * A1 + (t - t0) / (t2 - t0) * A2
        B2 = (t3 - t) / (t3 - t1) * A2 + (t - t1) / (t3 - t1) * A3
        C = (t2 - t) / (t2 - t1) * B1 + (t - t1) / (t2 - t1) * B2
        out.extend(C)
    return np.asarray(out)


def bowed_polyline(pts, step, bow, rng):
    """Straight segments, each bent a little like a hand-moved mouse does."""
    P = np.asarray(pts, float)
    out = [P[0]]
    for a, b in zip(P[:-1], P[1:]):
        d = b - a
        ln = np.linalg.norm(d)
        n = max(2, int(ln / step) + 1)
        if ln < 1e-9:
            out.append(b)
            continue
        nrm = np.array([-d[1], d[0]]) / ln
        sag = bow * ln * float(np.clip(rng.normal(), -1.8, 1.8))
        c = (a + b) / 2 + nrm * 2 * sag
        t = np.linspace(0, 1, n)[1:, None]
        out.extend((1 - t) ** 2 * a + 2 * (1 - t) * t * c + t**2 * b)
    return np.asarray(out)


def densify_stroke(stroke, rng, bow, step=0.008):
    parts = []
    for kind, pts in stroke:
        if kind == "L":
            seg = bowed_polyline(pts, step, bow, rng)
        elif kind == "S":
            seg = catmull_rom(pts, step)
        else:  # dot: a click with a tiny wiggle
            p = np.asarray(pts[0], float)
            seg = np.array([p, p + rng.normal(0, 0.006, 2), p + rng.normal(0, 0.006, 2)])
        if parts:
            seg = seg[1:] if np.allclose(seg[0], parts[-1][-1]) else seg
        parts.append(seg)
    return np.vstack(parts)


def arclen(P):
    if len(P) < 2:
        return np.zeros(len(P))
    return np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(P, axis=0), axis=1))])


def glyph_unit(name, writer, rng, xscale):
    """Dense strokes of one glyph in unit frame, as this writer draws it."""
    variants = G[name]
    key = sum(ord(c) * (i + 3) for i, c in enumerate(name))
    if rng.random() < 0.7:
        vi = (writer["vpref"] + key) % len(variants)
    else:
        vi = int(rng.integers(len(variants)))
    strokes = variants[vi]
    wfac = xscale * rng.uniform(0.92, 1.08)
    # smooth warp of the whole glyph (writer's own proportions & curvature)
    wa = writer["warp"] * rng.uniform(0.7, 1.3)
    fx, fy = rng.uniform(1.5, 3.5, 2)
    ph = rng.uniform(0, 2 * np.pi, 4)
    out = []
    for si, st in enumerate(strokes):
        P = densify_stroke(st, rng, writer["bow"])
        P = P * np.array([wfac, 1.0])
        x, y = P[:, 0].copy(), P[:, 1].copy()
        P[:, 0] += wa * np.sin(fy * y + ph[0]) * np.cos(fx * x + ph[1])
        P[:, 1] += wa * np.sin(fx * x + ph[2]) * np.cos(fy * y + ph[3])
        # slow wander along the stroke
        s = arclen(P)
        for _ in range(2):
            lam = rng.uniform(0.5, 1.4)
            amp = writer["jit"] * rng.uniform(0.5, 1.2)
            p1, p2 = rng.uniform(0, 2 * np.pi, 2)
            P[:, 0] += amp * np.sin(2 * np.pi * s / lam + p1)
            P[:, 1] += amp * np.sin(2 * np.pi * s / lam + p2)
        if si > 0:  # pen lifted: next stroke lands a little off
            P += rng.normal(0, 0.012, 2)
        out.append(P)
    return out


# ----------------------------------------------------------------------------
# writers, mouse sampling, rendering
# ----------------------------------------------------------------------------


def make_writers():
    rng = np.random.default_rng([SEED, 0])
    ws = []
    for _ in range(N_WRITERS):
        if rng.random() < 0.5:
            slant = rng.uniform(-20, 20)
        else:
            slant = float(np.clip(rng.normal(6, 7), -20, 20))
        ws.append(
            dict(
                slant=slant,
                wf=rng.uniform(0.8, 1.22),
                bow=rng.uniform(0.0, 0.045),
                warp=rng.uniform(0.008, 0.03),
                jit=rng.uniform(0.004, 0.016),
                trem=rng.uniform(0.12, 0.4),
                step=rng.uniform(2.2, 3.4),
                pw=rng.uniform(0.045, 0.11),
                ink=int(rng.integers(0, 36)),
                tint=int(rng.integers(0, 3)),
                aa=bool(rng.random() < 0.5),
                vpref=int(rng.integers(0, 1000)),
                canvas=int(rng.choice(CANVAS_SIZES)),
            )
        )
    return ws


def mouse_sample(P, writer, rng):
    """Resample a px-space stroke as mouse events (~2-4 px apart) + tremor."""
    s = arclen(P)
    total = s[-1]
    pos = [0.0]
    while True:
        st = float(np.clip(writer["step"] * (1 + 0.22 * rng.normal()), 1.8, 4.2))
        if pos[-1] + st >= total:
            break
        pos.append(pos[-1] + st)
    if total > 0.5:
        pos.append(total)
    pos = np.asarray(pos)
    if total > 0:
        Q = np.column_stack([np.interp(pos, s, P[:, 0]), np.interp(pos, s, P[:, 1])])
    else:
        Q = P[:1].copy()
    # hand tremor: AR(1) noise in px
    e = np.zeros(2)
    noise = np.zeros_like(Q)
    for i in range(len(Q)):
        e = 0.8 * e + rng.normal(0, writer["trem"], 2)
        noise[i] = e
    return Q + noise


def render(strokes, canvas, pw, writer):
    ss = 4 if writer["aa"] else 1
    img = Image.new("L", (canvas * ss, canvas * ss), 255)
    dr = ImageDraw.Draw(img)
    w = max(1, int(round(pw * ss)))
    r = w / 2.0
    off = (ss - 1) / 2.0
    for Q in strokes:
        pts = [(float(x) * ss + off, float(y) * ss + off) for x, y in Q]
        if len(pts) > 1:
            dr.line(pts, fill=0, width=w)
        for x, y in pts:
            dr.ellipse([x - r, y - r, x + r, y + r], fill=0)
    if ss > 1:
        img = img.resize((canvas, canvas), Image.BOX)
    a = (255 - np.asarray(img, np.float32)) / 255.0  # ink coverage
    ink = np.array([writer["ink"]] * 3, np.float32)
    if writer["tint"] == 1:
        ink[2] = min(60, ink[2] + 25)  # blue-black
    rgb = 255.0 * (1 - a[..., None]) + ink * a[..., None]
    return Image.fromarray(np.round(rgb).astype(np.uint8), "RGB")


def draw_picture(glyph_lists, writer, rng):
    """glyph_lists: list of (strokes_in_unit_frame) already laid out."""
    strokes = [P for g in glyph_lists for P in g]
    t = math.tan(math.radians(writer["slant"] + rng.normal(0, 1.5)))
    strokes = [np.column_stack([P[:, 0] + (1.0 - P[:, 1]) * t, P[:, 1]]) for P in strokes]
    allp = np.vstack(strokes)
    mn, mx = allp.min(0), allp.max(0)
    uw, uh = max(mx[0] - mn[0], 1e-3), max(mx[1] - mn[1], 1e-3)
    canvas = writer["canvas"] if rng.random() < 0.6 else int(rng.choice(CANVAS_SIZES))
    pwf = float(np.clip(writer["pw"] * rng.uniform(0.85, 1.15), 0.04, 0.12))
    border = max(6.0, 0.035 * canvas)  # keep ink off the window edge
    margin = border + 3  # + tremor allowance
    aspect = uw / uh
    # skeleton >= 40% of canvas height, inked height (with pen) <= ~75%
    hmax = min(0.75 / (1 + pwf), (canvas - 2 * margin) / (canvas * (aspect + pwf)))
    xsq = 1.0
    if hmax < 0.40:  # too wide: squeeze horizontally so it still fits
        hmax = 0.40
        xsq = ((canvas - 2 * margin) / (canvas * 0.40) - pwf) / aspect
    hfrac = rng.uniform(0.40, hmax)
    H = hfrac * canvas
    pw = pwf * H
    sc = H / uh
    px = [np.column_stack([(P[:, 0] - mn[0]) * sc * xsq, (P[:, 1] - mn[1]) * sc]) for P in strokes]
    px = [mouse_sample(P, writer, rng) for P in px]
    allq = np.vstack(px)
    qmn, qmx = allq.min(0), allq.max(0)
    pad = pw / 2 + border
    lo = pad - qmn
    hi = canvas - pad - qmx
    off = np.zeros(2)
    for k in range(2):
        if hi[k] <= lo[k]:
            off[k] = (lo[k] + hi[k]) / 2
        else:
            off[k] = lo[k] + (hi[k] - lo[k]) * rng.beta(2.0, 2.0)
    px = [np.round(P + off) for P in px]  # mouse reports whole pixels
    return render(px, canvas, pw, writer), dict(canvas=canvas, hfrac=hfrac, pwf=pwf)


def single(name, writer, rng):
    return [glyph_unit(name, writer, rng, writer["wf"])]


def word(letters, writer, rng):
    glyphs = []
    cursor = 0.0
    base_drift = 0.0
    for ch in letters:
        g = glyph_unit(ch, writer, rng, writer["wf"] * 0.88)
        allp = np.vstack(g)
        gx0, gx1 = allp[:, 0].min(), allp[:, 0].max()
        if glyphs:
            gap = rng.uniform(-0.07, 0.0)  # neighbours touch or overlap a bit
        else:
            gap = 0.0
        base_drift += rng.normal(0, 0.025)
        shift = np.array([cursor + gap - gx0, base_drift])
        g = [P + shift for P in g]
        cursor = cursor + gap + (gx1 - gx0)
        glyphs.append(g)
    return glyphs


# ----------------------------------------------------------------------------


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    out = sys.argv[1]
    for d in ("nondigit", "word", "digit"):
        os.makedirs(os.path.join(out, d), exist_ok=True)
    writers = make_writers()

    # item lists ---------------------------------------------------------
    nd = []
    for c in CAPS_MAIN:
        nd += [(c, "letter_" + c)] * 8
    for c in CAPS_OTHER:
        nd += [(c, "letter_" + c)] * 4
    for c in LOWER:
        nd += [(c, "letter_" + c)] * 4
    for s, nm in SYMBOL_NAMES.items():
        nd += [(s, "symbol_" + nm)] * 4
    for d in DOODLES:
        nd += [(d, "doodle_" + d)] * 4
    assert len(nd) == 240, len(nd)
    order = np.random.default_rng([SEED, 1]).permutation(len(nd))
    nd = [nd[i] for i in order]

    wd = [w for w in WORDS for _ in range(2)]
    assert len(wd) == 60
    order = np.random.default_rng([SEED, 2]).permutation(len(wd))
    wd = [wd[i] for i in order]

    dg = [str(d) for d in range(10) for _ in range(10)]
    order = np.random.default_rng([SEED, 3]).permutation(len(dg))
    dg = [dg[i] for i in order]

    rows = []

    def emit(kind, idx, glyphs, writer, rng, truth, what):
        img, _ = draw_picture(glyphs, writer, rng)
        rel = f"{kind}/{kind}_{idx:03d}.png"
        img.save(os.path.join(out, rel), format="PNG", optimize=False)
        rows.append((rel, kind, truth, what))

    for i, (name, what) in enumerate(nd):
        rng = np.random.default_rng([SEED, 10, i])
        w = writers[int(rng.integers(N_WRITERS))]
        emit("nondigit", i, single(name, w, rng), w, rng, "none", what)
    for i, letters in enumerate(wd):
        rng = np.random.default_rng([SEED, 20, i])
        w = writers[int(rng.integers(N_WRITERS))]
        emit("word", i, word(letters, w, rng), w, rng, "none", "word_" + letters)
    for i, d in enumerate(dg):
        rng = np.random.default_rng([SEED, 30, i])
        w = writers[int(rng.integers(N_WRITERS))]
        emit("digit", i, single(d, w, rng), w, rng, d, "digit_" + d)

    with open(os.path.join(out, "manifest.csv"), "w", newline="") as f:
        wr = csv.writer(f, lineterminator="\n")
        wr.writerow(["path", "kind", "truth", "what"])
        wr.writerows(rows)
    print(f"wrote {len(rows)} pictures to {out}")


if __name__ == "__main__":
    main()
