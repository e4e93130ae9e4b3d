"""What the model saw: the 28x28 inputs as a heatmap or as pixel values."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PyQt5.QtCore import QPointF, QRectF, Qt, pyqtSignal
from PyQt5.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPalette,
    QPen,
)
from PyQt5.QtWidgets import (
    QSizePolicy,
    QWidget,
)

from app.contract import FIELD
from app.ui.style import accent

#: The pixel size of the values' digits at the smallest legible cell.
VALUE_PX = 9


class InputView(QWidget):
    """The 28x28 inputs the model saw, side by side: a heatmap, or pixel values (0..255)."""

    piece_clicked = pyqtSignal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.images: list[np.ndarray] = []
        self.labels: list[str] = []
        self.matrix = False
        self.selected = 0
        self.setMinimumSize(84, 84)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setToolTip("What the model saw: each piece cropped, scaled to 20 px and centred like MNIST")

    @property
    def image(self) -> np.ndarray | None:
        return self.images[self.selected] if self.images else None

    def set_images(self, images: Sequence[np.ndarray], labels: Sequence[str] = ()) -> None:
        self.images = [np.asarray(i, np.float32) for i in images]
        self.labels = list(labels)
        self.selected = 0
        self.update()

    def set_labels(self, labels: Sequence[str]) -> None:
        """New captions for the same inputs (the person corrected a digit)."""
        self.labels = list(labels)
        self.update()

    def legible_side(self) -> int:
        """The side at which every pixel value fits its cell (the matrix needs it).

        Values are drawn at half a cell's height: a cell of 18 logical pixels (9 px digits, as
        small as stays readable) makes a 504-pixel field, which fits beside the answer in a
        maximised window at 1920x1080; a smaller window scrolls, centred on the ink.
        """
        font = QFont(self.font())
        font.setPixelSize(VALUE_PX)
        return int(FIELD * max(2 * VALUE_PX, QFontMetricsF(font).horizontalAdvance("255") + 1))

    def ink_rect(self) -> QRectF | None:
        """Where the selected input's ink lies in this widget (for scrolling the values to it)."""
        values = self.values()
        rects, _ = self._layout()
        if values is None or not values.any():
            return None
        rows, cols = np.flatnonzero(values.any(1)), np.flatnonzero(values.any(0))
        field = rects[0] if self.matrix else rects[min(self.selected, len(rects) - 1)]
        cell = field.width() / FIELD
        return QRectF(
            field.x() + cols[0] * cell,
            field.y() + rows[0] * cell,
            (cols[-1] + 1 - cols[0]) * cell,
            (rows[-1] + 1 - rows[0]) * cell,
        )

    def set_matrix(self, on: bool) -> None:
        """Pixel values need legible cells: the view asks for that size and its scroll area scrolls."""
        self.matrix = on
        side = self.legible_side() if on else 84
        self.setMinimumSize(side, side)
        self.updateGeometry()
        self.update()

    def values(self) -> np.ndarray | None:
        """The selected input's pixel values, 0..255, as in the MNIST files."""
        return None if self.image is None else np.rint(self.image * 255).astype(np.uint8)

    def _layout(self) -> tuple[list[QRectF], float]:
        """Where each 28x28 field goes: one large square, or a row of them."""
        n = max(1, len(self.images))
        if self.matrix and self.images:
            n = 1  # the selected piece's values, as large as possible
        fm = QFontMetricsF(self.font())
        caption = fm.height() * 1.2 if len(self.images) > 1 and not self.matrix else 0.0
        gap = 6.0
        side = min((self.width() - 4 - gap * (n - 1)) / n, self.height() - caption - 4)  # room for the frame
        side = max(10.0, side)
        x0 = (self.width() - (n * side + gap * (n - 1))) / 2
        return [QRectF(x0 + i * (side + gap), caption, side, side) for i in range(n)], caption

    def mousePressEvent(self, event) -> None:
        rects, _ = self._layout()
        for i, r in enumerate(rects):
            if r.contains(QPointF(event.pos())) and len(self.images) > 1 and not self.matrix:
                self.selected = i
                self.piece_clicked.emit(i)
                self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        rects, caption = self._layout()
        pal = self.palette()
        shown = [self.selected] if self.matrix and self.images else range(len(self.images))
        if not self.images:
            painter.fillRect(rects[0], Qt.black)
        fm = QFontMetricsF(self.font())
        for rect, index in zip(rects, shown, strict=False):
            values = np.rint(self.images[index] * 255).astype(np.uint8)
            self._paint_field(painter, rect, values, fm)
            if caption:
                painter.setPen(QColor(pal.color(QPalette.WindowText)))
                label = self.labels[index] if index < len(self.labels) else ""
                painter.drawText(QRectF(rect.x(), 0, rect.width(), caption), Qt.AlignCenter, label)
        if self.matrix and len(self.images) > 1:
            self.setToolTip(
                f"Pixel values of piece {self.selected + 1} of {len(self.images)}; "
                "switch the values off and click a piece to choose another"
            )
            if index == self.selected and len(self.images) > 1 and not self.matrix:
                painter.setPen(QPen(accent(self.palette()), 2))
                painter.drawRect(rect.adjusted(-1, -1, 1, 1))
        painter.end()

    def _paint_field(self, painter: QPainter, rect: QRectF, values: np.ndarray, fm: QFontMetricsF) -> None:
        image = QImage(values.data, FIELD, FIELD, FIELD, QImage.Format_Grayscale8).copy()
        painter.drawImage(rect, image)
        if not self.matrix:
            return
        cell = rect.width() / FIELD
        font = QFont(self.font())
        font.setPixelSize(max(1, int(cell * 0.5)))
        small = QFontMetricsF(font)
        if small.horizontalAdvance("255") > cell or cell < 7:
            hint = "enlarge the window to read the values"
            box = painter.boundingRect(rect.adjusted(4, 0, -4, 0), Qt.AlignHCenter | Qt.TextWordWrap, hint)
            box.moveBottom(rect.bottom() - 4)
            pal = self.palette()
            painter.fillRect(box.adjusted(-3, -2, 3, 2), QColor(pal.color(QPalette.Window)))
            painter.setPen(QColor(pal.color(QPalette.WindowText)))
            painter.drawText(box, Qt.AlignHCenter | Qt.TextWordWrap, hint)
            return
        painter.setFont(font)
        for y in range(FIELD):
            for x in range(FIELD):
                v = int(values[y, x])
                if v:
                    painter.setPen(Qt.black if v > 128 else Qt.white)
                    painter.drawText(
                        QRectF(rect.x() + x * cell, rect.y() + y * cell, cell, cell), Qt.AlignCenter, str(v)
                    )
