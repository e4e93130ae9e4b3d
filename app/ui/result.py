"""The answer in large type, what it rests on in small print, one piece's top three and ten bars."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PyQt5.QtCore import QEvent, QRectF, QSize, Qt, pyqtSignal
from PyQt5.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPalette,
)
from PyQt5.QtWidgets import (
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app import wording
from app.contract import LABELS
from app.reading import DigitReading, Reading
from app.ui.style import accent, done_colour, is_dark


class ProbabilityBars(QWidget):
    """Ten horizontal bars, the winner highlighted; sized from the font. A click on a row says "it is this digit"."""

    digit_clicked = pyqtSignal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.probs = np.zeros(10, np.float32)
        self.labels = list(LABELS)
        self.dimmed = False
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setToolTip("Wrong? Click the digit you wrote: it is saved to your digits (Ctrl+Z takes it back)")

    def row_at(self, y: float) -> int | None:
        """The digit whose row is at height ``y`` (widget pixels), or None when no bars are shown."""
        if not self.probs.any() or self.height() <= 0:
            return None
        return min(9, max(0, int(y / (self.height() / 10))))

    def mousePressEvent(self, event) -> None:
        row = self.row_at(event.pos().y()) if event.button() == Qt.LeftButton else None
        if row is not None:
            self.digit_clicked.emit(row)
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        self.setCursor(Qt.PointingHandCursor if self.probs.any() else Qt.ArrowCursor)

    def _metrics(self) -> tuple[float, float, float]:
        fm = QFontMetricsF(self.font())
        label_w = max(fm.horizontalAdvance(label) for label in self.labels) + fm.averageCharWidth()
        value_w = fm.horizontalAdvance("100.0%") + fm.averageCharWidth()
        return label_w, value_w, fm.height()

    def minimumSizeHint(self) -> QSize:
        label_w, value_w, line = self._metrics()
        return QSize(int(label_w + value_w + 60), int(10 * line * 1.05))

    def sizeHint(self) -> QSize:
        label_w, value_w, line = self._metrics()
        return QSize(int(label_w + value_w + 160), int(10 * line * 1.6))

    def set_probs(self, probs: np.ndarray | None, labels: Sequence[str] | None = None, dimmed: bool = False) -> None:
        self.probs = np.zeros(10, np.float32) if probs is None else np.asarray(probs, np.float32)
        if labels:
            self.labels = list(labels)
        self.dimmed = dimmed
        self.updateGeometry()
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        pal = self.palette()
        text = pal.color(QPalette.WindowText)
        best_colour = accent(pal)
        track = pal.color(QPalette.Base) if is_dark(pal) else pal.color(QPalette.Midlight)
        other = QColor(best_colour)
        other.setAlpha(120)  # the other bars: the accent, lighter; clearly visible on the track
        if self.dimmed:
            for c in (text, best_colour, other):
                c.setAlpha(110)
        label_w, value_w, _line = self._metrics()
        h = self.height() / 10
        bar_w = max(10.0, self.width() - label_w - value_w - 8)
        best = int(np.argmax(self.probs)) if self.probs.any() else -1
        painter.setPen(text)
        for d in range(10):
            y = d * h
            painter.drawText(QRectF(0, y, label_w - 4, h), Qt.AlignVCenter | Qt.AlignRight, self.labels[d])
            bar = QRectF(label_w, y + h * 0.22, bar_w, h * 0.56)
            painter.fillRect(bar, track)
            painter.fillRect(
                QRectF(bar.x(), bar.y(), bar_w * float(self.probs[d]), bar.height()),
                best_colour if d == best else other,
            )
            painter.drawText(
                QRectF(label_w + bar_w + 6, y, value_w, h),
                Qt.AlignVCenter | Qt.AlignLeft,
                f"{100 * float(self.probs[d]):.1f}%",
            )
        painter.end()


class AnswerEdit(QLineEdit):
    """Where the person types what they wrote: Enter saves, Esc puts it away (and does not clear the canvas)."""

    cancelled = pyqtSignal()

    def event(self, event) -> bool:
        if event.type() == QEvent.ShortcutOverride and event.key() == Qt.Key_Escape:
            event.accept()  # Esc is the window's Clear shortcut: here it only closes the answer
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:
        if event.key() == Qt.Key_Escape:
            self.cancelled.emit()
            return
        super().keyPressEvent(event)


class ResultPanel(QWidget):
    """The answer in large type, what it rests on in small print, the top three and the ten bars."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headline = QLabel("")
        self.headline.setAlignment(Qt.AlignCenter)
        self.headline.setObjectName("headline")
        self.headline.setTextFormat(Qt.PlainText)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 3.5)
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.setMinimumHeight(int(QFontMetricsF(font).height()))  # an empty answer keeps its room
        self.detail = QLabel(wording.EMPTY)
        self.detail.setAlignment(Qt.AlignCenter)
        self.detail.setObjectName("detail")
        self.detail.setTextFormat(Qt.PlainText)
        self.detail.setWordWrap(True)
        self.top3 = QLabel("")
        self.top3.setAlignment(Qt.AlignCenter)
        self.top3.setObjectName("top3")
        self.top3.setTextFormat(Qt.PlainText)
        self.stale = QLabel("Stale: press Enter to read the new drawing")
        self.stale.setAlignment(Qt.AlignCenter)
        self.stale.setTextFormat(Qt.PlainText)
        policy = self.stale.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # showing it never moves the bars
        self.stale.setSizePolicy(policy)
        self.stale.hide()
        self.saved = QLabel("")  # what the person said they wrote, once saved
        self.saved.setAlignment(Qt.AlignCenter)
        self.saved.setObjectName("saved")
        self.saved.setTextFormat(Qt.PlainText)
        self.saved.setWordWrap(True)
        self.saved.hide()
        self.answer = AnswerEdit()
        self.answer.setPlaceholderText("Type what you wrote: Enter saves it, Esc cancels")
        self.answer.setToolTip("The digits you wrote, left to right: Enter saves them to your digits, Esc cancels")
        self.answer.hide()
        self.bars = ProbabilityBars()
        self.bars.setMouseTracking(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.headline)
        layout.addWidget(self.detail)
        layout.addWidget(self.stale)
        layout.addWidget(self.saved)
        layout.addWidget(self.answer)
        layout.addWidget(self.top3)
        layout.addWidget(self.bars, 1)

    def _style(self, stale: bool) -> None:
        # a stale answer is drawn with the palette's disabled colours (whatever the theme)
        for label in (self.headline, self.detail, self.top3):
            label.setEnabled(not stale)
        self.stale.setVisible(stale)

    def show_reading(self, reading: Reading, focus: DigitReading | None, stale: bool = False, note: str = "") -> None:
        """The answer in large type, what backs it in small print (and ``note``, a caution, under it)."""
        self._style(stale)
        self.show_saved("")
        piece = focus or (reading.pieces[0] if reading.pieces else None)
        self.headline.setText(wording.headline(reading))
        self.detail.setText(wording.detail(reading) + (f"\n{note}" if note else ""))
        if piece is not None:
            self.top3.setText(wording.piece_line(reading, piece))
            # a rejected piece's bars are drawn faint: they say what it would be, not what it is
            self.bars.set_probs(piece.probs, reading.labels, dimmed=stale or reading.is_set_aside(piece))
        else:
            self.top3.setText("")
            self.bars.set_probs(None)

    def show_saved(self, text: str) -> None:
        """A line under the answer once the person said what they wrote ("" hides it)."""
        self.saved.setText(text)
        colour = done_colour(self.palette())
        self.saved.setStyleSheet(f"color: {colour.name()}; font-weight: bold")
        self.saved.setVisible(bool(text))

    def show_message(self, text: str) -> None:
        self._style(False)
        self.show_saved("")
        self.headline.setText("")
        self.detail.setText(text)
        self.top3.setText("")
        self.bars.set_probs(None)
