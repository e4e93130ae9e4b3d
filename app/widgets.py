"""Qt widgets that only draw and emit signals; :mod:`app.controller` decides what happens.

- :class:`Canvas`: draw with mouse or tablet (pressure-sensitive), undo strokes, show an
  opened picture, and hand its pixels over as a numpy array.
- :class:`ResultPanel`: the digit, large, its confidence and ten probability bars.
- :class:`InputView`: the 28x28 model input as a heatmap or as a matrix of pixel values.
- :class:`MainWindow`: lays them out with the buttons, shortcuts and status bar.
"""

from __future__ import annotations

import numpy as np
from PyQt5.QtCore import QPointF, QRectF, QSize, Qt, pyqtSignal
from PyQt5.QtGui import QColor, QFont, QImage, QKeySequence, QPainter, QPainterPath, QPen
from PyQt5.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QShortcut,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

PAPER = QColor(255, 255, 255)
INK = QColor(20, 20, 20)
ACCENT = QColor(52, 81, 178)


class Canvas(QWidget):
    """A square drawing area. Strokes are kept as paths so the last one can be undone."""

    changed = pyqtSignal()  # while drawing and after every edit
    stroke_finished = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(280, 280)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)
        self.setAttribute(Qt.WA_StaticContents)
        self.setCursor(Qt.CrossCursor)
        self.setToolTip("Draw a digit. Enter: run, Esc: clear, Ctrl+Z: undo, Ctrl+O: open a picture")
        self._strokes: list[tuple[QPainterPath, float]] = []
        self._current: QPainterPath | None = None
        self._current_width = 0.0
        self._picture: QImage | None = None

    def sizeHint(self) -> QSize:
        return QSize(420, 420)

    # -------------------------------------------------------------- state
    def pen_width(self) -> float:
        """Suits the canvas: a digit drawn across most of it gets MNIST-like stroke proportions."""
        return max(6.0, min(self.width(), self.height()) / 15.0)

    def is_empty(self) -> bool:
        return not self._strokes and self._current is None and self._picture is None

    def stroke_count(self) -> int:
        return len(self._strokes)

    def clear(self) -> None:
        self._strokes.clear()
        self._current = None
        self._picture = None
        self.update()
        self.changed.emit()

    def undo(self) -> None:
        if self._strokes:
            self._strokes.pop()
        elif self._picture is not None:
            self._picture = None
        self.update()
        self.changed.emit()

    def set_picture(self, image: np.ndarray) -> None:
        """Show an opened picture (grey, RGB or RGBA uint8) under the strokes."""
        self._strokes.clear()
        self._picture = numpy_to_qimage(image)
        self.update()
        self.changed.emit()

    # -------------------------------------------------------------- input
    def _begin(self, pos: QPointF, width: float) -> None:
        self._current = QPainterPath(pos)
        self._current.lineTo(pos + QPointF(0.01, 0.01))  # a dot is a stroke too
        self._current_width = width
        self.update()
        self.changed.emit()

    def _extend(self, pos: QPointF) -> None:
        if self._current is not None:
            self._current.lineTo(pos)
            self.update()
            self.changed.emit()

    def _end(self) -> None:
        if self._current is not None:
            self._strokes.append((self._current, self._current_width))
            self._current = None
            self.update()
            self.changed.emit()
            self.stroke_finished.emit()

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            self._begin(QPointF(event.pos()), self.pen_width())

    def mouseMoveEvent(self, event) -> None:
        if event.buttons() & Qt.LeftButton:
            self._extend(QPointF(event.pos()))

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            self._end()

    def tabletEvent(self, event) -> None:
        """A pen: pressure widens the stroke (from 60% to 140% of the normal width)."""
        kind = event.type()
        pos = QPointF(event.posF())
        if kind == event.TabletPress:
            self._begin(pos, self.pen_width() * (0.6 + 0.8 * event.pressure()))
        elif kind == event.TabletMove and self._current is not None:
            self._extend(pos)
        elif kind == event.TabletRelease:
            self._end()
        event.accept()

    # ------------------------------------------------------------- output
    def _paint(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, PAPER)
        if self._picture is not None:
            pic = self._picture.size().scaled(rect.size().toSize(), Qt.KeepAspectRatio)
            target = QRectF(0, 0, pic.width(), pic.height())
            target.moveCenter(rect.center())
            painter.drawImage(target, self._picture)
        painter.setRenderHint(QPainter.Antialiasing)
        strokes = [*self._strokes, *([(self._current, self._current_width)] if self._current else [])]
        for path, width in strokes:
            painter.setPen(QPen(INK, width, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
            painter.drawPath(path)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        self._paint(painter, QRectF(self.rect()))
        painter.end()

    def to_array(self) -> np.ndarray:
        """The canvas as a grey uint8 array (H, W): dark ink on white, as the user sees it."""
        image = QImage(self.width(), self.height(), QImage.Format_Grayscale8)
        painter = QPainter(image)
        self._paint(painter, QRectF(0, 0, self.width(), self.height()))
        painter.end()
        return qimage_to_numpy(image)


class ProbabilityBars(QWidget):
    """Ten horizontal bars, the winner highlighted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.probs = np.zeros(10, np.float32)
        self.labels = [str(d) for d in range(10)]
        self.setMinimumSize(240, 220)

    def set_probs(self, probs: np.ndarray | None, labels: list[str] | None = None) -> None:
        self.probs = np.zeros(10, np.float32) if probs is None else np.asarray(probs, np.float32)
        if labels:
            self.labels = labels
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        h = self.height() / 10
        label_w, value_w = 22, 58
        bar_w = max(10, self.width() - label_w - value_w - 8)
        best = int(np.argmax(self.probs)) if self.probs.any() else -1
        for d in range(10):
            y = d * h
            painter.setPen(Qt.black)
            painter.drawText(QRectF(0, y, label_w, h), Qt.AlignVCenter | Qt.AlignRight, self.labels[d])
            painter.fillRect(QRectF(label_w + 4, y + h * 0.2, bar_w, h * 0.6), QColor(235, 237, 240))
            width = bar_w * float(self.probs[d])
            painter.fillRect(
                QRectF(label_w + 4, y + h * 0.2, width, h * 0.6), ACCENT if d == best else QColor(150, 160, 180)
            )
            painter.drawText(
                QRectF(label_w + 8 + bar_w, y, value_w, h),
                Qt.AlignVCenter | Qt.AlignLeft,
                f"{100 * float(self.probs[d]):5.1f}%",
            )
        painter.end()


class ResultPanel(QWidget):
    """The recognised digit, its confidence and the ten probabilities (or a message)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.digit = QLabel("–")
        self.digit.setAlignment(Qt.AlignCenter)
        font = QFont()
        font.setPointSize(64)
        font.setBold(True)
        self.digit.setFont(font)
        self.digit.setObjectName("digit")
        self.confidence = QLabel("Draw a digit")
        self.confidence.setAlignment(Qt.AlignCenter)
        self.confidence.setObjectName("confidence")
        self.bars = ProbabilityBars()
        layout = QVBoxLayout(self)
        layout.addWidget(self.digit)
        layout.addWidget(self.confidence)
        layout.addWidget(self.bars, 1)

    def show_prediction(self, digit: str, confidence: float, probs: np.ndarray, labels: list[str]) -> None:
        self.digit.setText(digit)
        self.confidence.setText(f"{100 * confidence:.1f}% confident")
        self.bars.set_probs(probs, labels)

    def show_message(self, text: str) -> None:
        self.digit.setText("–")
        self.confidence.setText(text)
        self.bars.set_probs(None)


class InputView(QWidget):
    """The 28x28 input the model saw: a heatmap, or its pixel values (0..255) as a matrix."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: np.ndarray | None = None
        self.matrix = False
        self.setMinimumSize(196, 196)
        self.setToolTip("What the model saw: the drawing cropped, scaled to 20 px and centred like MNIST")

    def set_image(self, image: np.ndarray | None) -> None:
        self.image = None if image is None else np.asarray(image, np.float32)
        self.update()

    def set_matrix(self, on: bool) -> None:
        self.matrix = on
        self.setMinimumSize(QSize(588, 588) if on else QSize(196, 196))
        self.updateGeometry()
        self.update()

    def values(self) -> np.ndarray | None:
        """The shown pixel values, 0..255, as in the MNIST files."""
        return None if self.image is None else np.rint(self.image * 255).astype(np.uint8)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        side = min(self.width(), self.height())
        cell = side / 28
        painter.fillRect(QRectF(0, 0, side, side), Qt.black)
        values = self.values()
        if values is not None:
            if self.matrix:
                font = painter.font()
                font.setPixelSize(max(6, int(cell * 0.42)))
                painter.setFont(font)
            for y in range(28):
                for x in range(28):
                    v = int(values[y, x])
                    rect = QRectF(x * cell, y * cell, cell, cell)
                    painter.fillRect(rect, QColor(v, v, v))
                    if self.matrix and v:
                        painter.setPen(Qt.black if v > 128 else Qt.white)
                        painter.drawText(rect, Qt.AlignCenter, str(v))
        painter.end()


class MainWindow(QMainWindow):
    """Lays out the widgets and turns buttons and shortcuts into signals."""

    run_requested = pyqtSignal()
    clear_requested = pyqtSignal()
    undo_requested = pyqtSignal()
    open_requested = pyqtSignal(str)
    live_toggled = pyqtSignal(bool)

    def __init__(self, live: bool = True) -> None:
        super().__init__()
        self.setWindowTitle("Digit Classifier")
        self.canvas = Canvas()
        self.result = ResultPanel()
        self.input_view = InputView()

        self.run_button = QPushButton("Run")
        self.run_button.setToolTip("Recognise the drawing (Enter)")
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Esc")
        self.undo_button = QPushButton("Undo")
        self.undo_button.setToolTip("Undo the last stroke (Ctrl+Z)")
        self.open_button = QPushButton("Open image…")
        self.open_button.setToolTip("Recognise a digit in a picture file (Ctrl+O)")
        self.live_box = QCheckBox("Live")
        self.live_box.setToolTip("Recognise while drawing")
        self.live_box.setChecked(live)
        self.matrix_box = QCheckBox("Show pixel values")

        buttons = QHBoxLayout()
        for w in (self.run_button, self.clear_button, self.undo_button, self.open_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        buttons.addWidget(self.live_box)
        left = QVBoxLayout()
        left.addWidget(self.canvas, 1)
        left.addLayout(buttons)

        seen = QGroupBox("What the model saw (28×28)")
        seen_layout = QVBoxLayout(seen)
        seen_layout.addWidget(self.input_view, 1)
        seen_layout.addWidget(self.matrix_box)
        right = QVBoxLayout()
        right.addWidget(self.result, 1)
        right.addWidget(seen)

        central = QWidget()
        row = QHBoxLayout(central)
        row.addLayout(left, 3)
        row.addLayout(right, 2)
        self.setCentralWidget(central)

        self.model_label = QLabel()
        self.statusBar().addPermanentWidget(self.model_label)

        self.run_button.clicked.connect(self.run_requested)
        self.clear_button.clicked.connect(self.clear_requested)
        self.undo_button.clicked.connect(self.undo_requested)
        self.open_button.clicked.connect(self.choose_file)
        self.live_box.toggled.connect(self.live_toggled)
        self.matrix_box.toggled.connect(self.input_view.set_matrix)
        for keys, signal in (
            (Qt.Key_Return, self.run_requested),
            (Qt.Key_Enter, self.run_requested),
            (Qt.Key_Escape, self.clear_requested),
            (QKeySequence.Undo, self.undo_requested),
        ):
            QShortcut(QKeySequence(keys), self, activated=signal.emit)
        QShortcut(QKeySequence.Open, self, activated=self.choose_file)

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            "Open a picture of a digit",
            "",
            "Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp);;All files (*)",
        )
        if path:
            self.open_requested.emit(path)

    def set_model_text(self, text: str) -> None:
        self.model_label.setText(text)

    def show_status(self, text: str, timeout_ms: int = 0) -> None:
        self.statusBar().showMessage(text, timeout_ms)


# ------------------------------------------------------------------ conversions
def qimage_to_numpy(image: QImage) -> np.ndarray:
    """A Grayscale8 QImage as a (H, W) uint8 array (copied, rows unpadded)."""
    image = image.convertToFormat(QImage.Format_Grayscale8)
    ptr = image.constBits()
    ptr.setsize(image.bytesPerLine() * image.height())
    rows = np.frombuffer(ptr, np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width()].copy()


def numpy_to_qimage(array: np.ndarray) -> QImage:
    """A grey, RGB or RGBA uint8 array as a QImage that owns its pixels."""
    a = np.ascontiguousarray(array)
    if a.dtype != np.uint8:
        raise ValueError(f"expected uint8 pixels, got {a.dtype}")
    h, w = a.shape[:2]
    if a.ndim == 2:
        fmt, channels = QImage.Format_Grayscale8, 1
    elif a.shape[2] == 3:
        fmt, channels = QImage.Format_RGB888, 3
    elif a.shape[2] == 4:
        fmt, channels = QImage.Format_RGBA8888, 4
    else:
        raise ValueError(f"expected a grey, RGB or RGBA image, got shape {a.shape}")
    return QImage(a.data, w, h, w * channels, fmt).copy()
