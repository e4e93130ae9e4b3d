"""The strip of recent readings under the canvas."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PyQt5.QtCore import QSize, Qt, pyqtSignal
from PyQt5.QtGui import (
    QFontMetricsF,
    QIcon,
    QPalette,
    QPixmap,
)
from PyQt5.QtWidgets import (
    QHBoxLayout,
    QScrollArea,
    QToolButton,
    QWidget,
)

from app.ui.convert import numpy_to_qimage

#: How a reading saved to the person's digits is marked in the strip.
MARKS = {"corrected": "✎", "confirmed": "✓"}


def tooltip(item) -> str:
    """A history item's tooltip: its answer, and for a saved one what the model first read."""
    mark = getattr(item, "mark", "")
    if mark == "corrected":
        return f"You wrote {item.text}; the model read {item.read_as}. Saved to your digits: click to bring it back"
    if mark == "confirmed":
        return f"{item.text}, read right and saved to your digits: click to bring it back"
    return f"{item.text}: click to bring this drawing back"


class HistoryStrip(QScrollArea):
    """The last readings as thumbnails with their answers; a click brings a drawing back."""

    recall = pyqtSignal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setFrameShape(QScrollArea.NoFrame)
        self.setFocusPolicy(Qt.NoFocus)  # its buttons are the Tab stops; the strip itself would show no focus
        inner = QWidget()
        self.row = QHBoxLayout(inner)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.addStretch(1)
        self.setWidget(inner)
        self.buttons: list[QToolButton] = []
        self.items: list = []
        fm = QFontMetricsF(self.font())
        self.thumb = int(fm.height() * 3)
        self.setFixedHeight(int(self.thumb + fm.height() * 2.6))
        self.setToolTip("Recent readings: click one to bring its drawing back")

    def paint_icons(self) -> None:
        """Draw the thumbnails in the palette's colours (again after a change to dark mode or back).

        Called by the window once the new palette is set, not from a palette-change event: Qt
        hands the palette to every widget in turn, and making pixmaps then crashed under test."""
        pal = self.palette()
        colours = (pal.color(QPalette.Base).getRgb()[:3], pal.color(QPalette.Text).getRgb()[:3])
        for button, item in zip(self.buttons, self.items, strict=False):
            rgb = thumbnail(item.document, self.thumb * 2, *colours)
            button.setIcon(QIcon(QPixmap.fromImage(numpy_to_qimage(rgb))))

    def set_items(self, items: Sequence) -> None:
        for b in self.buttons:
            b.deleteLater()
        self.buttons = []
        self.items = list(items)
        for i, item in enumerate(items):
            b = QToolButton()
            b.setToolButtonStyle(Qt.ToolButtonTextUnderIcon)
            b.setIconSize(QSize(self.thumb, self.thumb))
            mark = MARKS.get(getattr(item, "mark", ""), "")
            text = item.text if len(item.text) <= 12 else item.text[:11] + "…"
            b.setText(f"{mark} {text}" if mark else text)
            b.setToolTip(tooltip(item))
            b.clicked.connect(lambda _=False, i=i: self.recall.emit(i))
            self.row.insertWidget(i, b)
            self.buttons.append(b)
        self.paint_icons()


def thumbnail(document, side: int, paper: tuple[int, ...], ink: tuple[int, ...]) -> np.ndarray:
    """A (side, side) RGB thumbnail: a drawing cropped to its ink, in the palette's paper and ink colours
    (small writing fills it instead of vanishing); a picture as it is shown on the canvas."""
    from PIL import Image

    if document.picture is not None:
        return np.ascontiguousarray(document.render_image(side))
    mask = np.asarray(document.render_ink())
    rows, cols = np.flatnonzero(mask.max(1) > 0), np.flatnonzero(mask.max(0) > 0)
    if rows.size:
        centre_y, centre_x = (rows[0] + rows[-1]) / 2, (cols[0] + cols[-1]) / 2
        half = max(rows[-1] - rows[0], cols[-1] - cols[0], 8) * 0.6  # the ink and a margin of a tenth
        top, left = int(centre_y - half), int(centre_x - half)
        padded = np.pad(mask, int(half) + 1)
        size = int(2 * half)
        mask = padded[
            top + int(half) + 1 : top + int(half) + 1 + size, left + int(half) + 1 : left + int(half) + 1 + size
        ]
    small = np.asarray(Image.fromarray(np.rint(mask * 255).astype(np.uint8)).resize((side, side), Image.LANCZOS))
    a = small.astype(np.float32)[..., None] / 255
    rgb = np.asarray(paper, np.float32) * (1 - a) + np.asarray(ink, np.float32) * a
    return np.ascontiguousarray(np.rint(rgb).astype(np.uint8))
