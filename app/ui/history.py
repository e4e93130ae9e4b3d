"""The strip of recent readings under the canvas."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PyQt5.QtCore import QSize, Qt, pyqtSignal
from PyQt5.QtGui import (
    QFontMetricsF,
    QIcon,
    QPixmap,
)
from PyQt5.QtWidgets import (
    QHBoxLayout,
    QScrollArea,
    QToolButton,
    QWidget,
)

from app.ui.convert import numpy_to_qimage


class HistoryStrip(QScrollArea):
    """The last readings as thumbnails with their answers; a click brings a drawing back."""

    recall = pyqtSignal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setFrameShape(QScrollArea.NoFrame)
        inner = QWidget()
        self.row = QHBoxLayout(inner)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.addStretch(1)
        self.setWidget(inner)
        self.buttons: list[QToolButton] = []
        fm = QFontMetricsF(self.font())
        self.thumb = int(fm.height() * 3)
        self.setFixedHeight(int(self.thumb + fm.height() * 2.6))
        self.setToolTip("Recent readings: click one to bring its drawing back")

    def set_items(self, items: Sequence) -> None:
        for b in self.buttons:
            b.deleteLater()
        self.buttons = []
        for i, item in enumerate(items):
            b = QToolButton()
            b.setToolButtonStyle(Qt.ToolButtonTextUnderIcon)
            b.setIconSize(QSize(self.thumb, self.thumb))
            rgb = np.ascontiguousarray(item.document.render_image(self.thumb * 2))
            b.setIcon(QIcon(QPixmap.fromImage(numpy_to_qimage(rgb))))
            b.setText(item.text if len(item.text) <= 12 else item.text[:11] + "…")
            b.setToolTip(f"{item.text}: click to bring this drawing back")
            b.clicked.connect(lambda _=False, i=i: self.recall.emit(i))
            self.row.insertWidget(i, b)
            self.buttons.append(b)
