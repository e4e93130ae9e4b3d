"""The window's widgets. They only draw and report what the user did; :mod:`app.controller` decides.

- :class:`Canvas`: a square drawing area. Strokes are vectors in canvas units (the unit
  square), so the drawing means the same at any size; boxes show what was read where.
- :class:`ResultPanel`: the answer (a digit, a number, "Not a digit"), the top three guesses
  and the ten probabilities.
- :class:`InputView`: the 28x28 inputs the model saw, as a heatmap or pixel values.
- :class:`HistoryStrip`: the last readings; a click brings a drawing back.
- :class:`MainWindow`: menus, toolbar, layout, status bar; the controller's :class:`~app.controller.View`.

Colours come from the palette (light, dark or the system's), sizes from font metrics, so
text is never clipped and stays readable at any device pixel ratio.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PyQt5.QtCore import QPointF, QRectF, QSettings, QSize, Qt, pyqtSignal
from PyQt5.QtGui import (
    QColor,
    QCursor,
    QFont,
    QFontMetricsF,
    QIcon,
    QImage,
    QKeySequence,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)
from PyQt5.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QAction,
    QApplication,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.document import DEFAULT_PEN, Document, Stroke
from app.reader import NOT_A_DIGIT, DigitReading, Reading

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp);;All files (*)"
SHORTCUTS = [
    ("Enter", "Run: read the drawing"),
    ("Esc", "Clear the canvas (undoable)"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / Redo (strokes, Clear, Open)"),
    ("E", "Eraser on/off"),
    ("[ and ]", "Thinner / thicker pen"),
    ("Ctrl+O", "Open a picture (or drop a file on the window)"),
    ("Ctrl+V", "Paste a picture from the clipboard"),
    ("Ctrl+S", "Save the drawing as PNG"),
    ("Ctrl+C", "Copy the answer"),
    ("Ctrl+Q", "Quit"),
    ("F1", "This list"),
]


def plain_tooltip(text: str) -> str:
    """Tooltips read rich text; this shows ``text`` as the text it is (escaped, lines kept)."""
    import html

    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


def accent(palette: QPalette) -> QColor:
    return palette.color(QPalette.Highlight)


def warning_colour(palette: QPalette) -> QColor:
    dark = palette.color(QPalette.Window).lightness() < 128
    return QColor(255, 120, 110) if dark else QColor(190, 30, 30)


class SquareBox(QWidget):
    """Keeps one child square and centred, as large as the space allows."""

    def __init__(self, child: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.child = child
        child.setParent(self)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

    def minimumSizeHint(self) -> QSize:
        return self.child.minimumSizeHint()

    def sizeHint(self) -> QSize:
        return self.child.sizeHint()

    def resizeEvent(self, event) -> None:
        side = min(self.width(), self.height())
        self.child.setGeometry((self.width() - side) // 2, (self.height() - side) // 2, side, side)


# ------------------------------------------------------------------ canvas
class Canvas(QWidget):
    """The drawing area: shows a :class:`Document` and the pen's current stroke; reports strokes."""

    stroke_moved = pyqtSignal(object)  # Stroke so far (Live)
    stroke_finished = pyqtSignal(object)  # Stroke

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(160, 160)
        self.setAttribute(Qt.WA_StaticContents)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setToolTip("Draw a digit or a number. Enter: run, Esc: clear, E: eraser, [ ]: pen width")
        self.document = Document()
        self.pen_width = DEFAULT_PEN
        self.eraser = False
        self.boxes: list[tuple[QRectF, str, bool]] = []  # (rect in canvas units, label, rejected)
        self._points: list[tuple[float, float]] = []
        self._width = DEFAULT_PEN
        self._picture: QImage | None = None
        self._picture_of: object = None
        self._update_cursor()

    def sizeHint(self) -> QSize:
        return QSize(420, 420)

    # ------------------------------------------------------------ state
    def set_document(self, document: Document) -> None:
        self.document = document
        if document.picture is not self._picture_of:
            self._picture_of = document.picture
            self._picture = None if document.picture is None else numpy_to_qimage(document.picture.pixels)
        self.update()

    def set_reading(self, reading: Reading | None) -> None:
        """Boxes around what was read, when there is more than one piece (or a piece was set aside)."""
        self.boxes = []
        if reading is not None and (len(reading.pieces) > 1 or reading.ignored):
            h, w = reading.shape
            for piece in (*reading.pieces, *reading.ignored):
                t, left, b, r = piece.box
                rect = QRectF(left / w, t / h, (r - left) / w, (b - t) / h)
                aside = reading.is_set_aside(piece)
                self.boxes.append((rect, "?" if aside else piece.label, aside))
        self.update()

    def set_pen(self, width: float) -> None:
        self.pen_width = float(np.clip(width, 0.01, 0.25))
        self._update_cursor()

    def set_eraser(self, on: bool) -> None:
        self.eraser = on
        self._update_cursor()

    def _update_cursor(self) -> None:
        if not self.eraser:
            self.setCursor(Qt.CrossCursor)
            return
        side = max(8, min(128, round(self.pen_width * max(1, self.width()))))
        pix = QPixmap(side + 2, side + 2)
        pix.fill(Qt.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.Antialiasing)
        p.setPen(QPen(self.palette().color(QPalette.Text), 1))
        p.drawEllipse(QRectF(1, 1, side, side))
        p.end()
        self.setCursor(QCursor(pix))

    def resizeEvent(self, event) -> None:
        self._update_cursor()

    # ------------------------------------------------------------ input
    def _unit(self, pos: QPointF) -> tuple[float, float]:
        side = max(1, self.width())
        return float(np.clip(pos.x() / side, 0, 1)), float(np.clip(pos.y() / max(1, self.height()), 0, 1))

    def _stroke(self) -> Stroke:
        return Stroke(tuple(self._points), self._width, self.eraser)

    def _begin(self, pos: QPointF, pressure: float = 0.5) -> None:
        self._points = [self._unit(pos)]
        self._width = self.pen_width * (0.6 + 0.8 * pressure) if pressure != 0.5 else self.pen_width
        self.update()
        self.stroke_moved.emit(self._stroke())

    def _extend(self, pos: QPointF) -> None:
        if self._points:
            self._points.append(self._unit(pos))
            self.update()
            self.stroke_moved.emit(self._stroke())

    def _end(self) -> None:
        if self._points:
            stroke = self._stroke()
            self._points = []
            self.stroke_finished.emit(stroke)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            self._begin(QPointF(event.pos()))

    def mouseMoveEvent(self, event) -> None:
        if event.buttons() & Qt.LeftButton:
            self._extend(QPointF(event.pos()))

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            self._end()

    def tabletEvent(self, event) -> None:
        """A pen: pressure widens the stroke (from 60% to 140% of the set width)."""
        kind = event.type()
        pos = QPointF(event.posF())
        if kind == event.TabletPress:
            self._begin(pos, float(event.pressure()))
        elif kind == event.TabletMove and self._points:
            self._extend(pos)
        elif kind == event.TabletRelease:
            self._end()
        event.accept()

    # ----------------------------------------------------------- output
    def colours(self) -> tuple[QColor, QColor]:
        """(paper, ink) for display: the palette's for a drawing, the picture's own under a picture."""
        pal = self.palette()
        if self.document.picture is None:
            return pal.color(QPalette.Base), pal.color(QPalette.Text)
        dark_ink = self.document.dark_on_light()
        return (QColor(255, 255, 255), QColor(0, 0, 0)) if dark_ink else (QColor(0, 0, 0), QColor(255, 255, 255))

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        side = float(min(self.width(), self.height()))
        paper, ink = self.colours()
        painter.fillRect(self.rect(), paper)
        picture = self.document.picture
        if picture is not None and self._picture is not None:
            left, top, width, height = picture.rect
            painter.drawImage(QRectF(left * side, top * side, width * side, height * side), self._picture)
        painter.setRenderHint(QPainter.Antialiasing)
        strokes = list(self.document.strokes)
        if self._points:
            strokes.append(self._stroke())
        for stroke in strokes:
            # antialiased edges of ink and eraser would leave a hairline ghost: erase a pixel wider
            self._draw_stroke(painter, stroke, side, paper if stroke.erase else ink, 1.5 if stroke.erase else 0.0)
        self._draw_boxes(painter, side)
        if picture is not None:
            painter.setPen(QPen(accent(self.palette()), 1, Qt.DashLine))
            painter.drawRect(QRectF(0.5, 0.5, side - 1, side - 1))
        painter.end()

    @staticmethod
    def _draw_stroke(painter: QPainter, stroke: Stroke, side: float, colour: QColor, extra: float = 0.0) -> None:
        pts = [QPointF(x * side, y * side) for x, y in stroke.points]
        width = max(1.0, stroke.width * side) + extra
        painter.setPen(QPen(colour, width, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin))
        path = QPainterPath(pts[0])
        if len(pts) == 1:
            path.lineTo(pts[0] + QPointF(0.01, 0.01))  # a dot is a stroke too
        for p in pts[1:]:
            path.lineTo(p)
        painter.drawPath(path)

    def _draw_boxes(self, painter: QPainter, side: float) -> None:
        if not self.boxes:
            return
        font = QFont(self.font())
        font.setBold(True)
        painter.setFont(font)
        fm = QFontMetricsF(font)
        for rect, label, rejected in self.boxes:
            colour = warning_colour(self.palette()) if rejected else accent(self.palette())
            r = QRectF(rect.x() * side, rect.y() * side, rect.width() * side, rect.height() * side).adjusted(
                -1, -1, 1, 1
            )
            painter.setPen(QPen(colour, 2))
            painter.setBrush(Qt.NoBrush)
            painter.drawRect(r)
            tag = QRectF(r.left(), r.top() - fm.height() - 2, fm.horizontalAdvance(label) + 8, fm.height() + 2)
            if tag.top() < 0:
                tag.moveTop(r.bottom() + 2)
            if tag.bottom() > side:  # a box as tall as the canvas: the label goes inside its top corner
                tag.moveTop(max(0.0, r.top()) + 2)
                tag.moveLeft(max(0.0, r.left()) + 2)
            painter.fillRect(tag, colour)
            painter.setPen(self.palette().color(QPalette.HighlightedText))
            painter.drawText(tag, Qt.AlignCenter, label)

    def grab_array(self) -> np.ndarray:
        """The canvas as shown (RGB uint8), for tests and screenshots."""
        return qimage_to_numpy(self.grab().toImage().convertToFormat(QImage.Format_Grayscale8))


# ---------------------------------------------------------------- results
class ProbabilityBars(QWidget):
    """Ten horizontal bars, the winner highlighted; sized from the font."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.probs = np.zeros(10, np.float32)
        self.labels = [str(d) for d in range(10)]
        self.dimmed = False
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Expanding)

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


class ResultPanel(QWidget):
    """The answer in large type, what it rests on in small print, the top three and the ten bars."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headline = QLabel("–")
        self.headline.setAlignment(Qt.AlignCenter)
        self.headline.setObjectName("headline")
        self.headline.setTextFormat(Qt.PlainText)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 3.5)
        font.setBold(True)
        self.headline.setFont(font)
        self.detail = QLabel("Draw a digit")
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
        self.bars = ProbabilityBars()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.headline)
        layout.addWidget(self.detail)
        layout.addWidget(self.stale)
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
        piece = focus or (reading.pieces[0] if reading.pieces else None)
        n = len(reading.ignored)  # in a rejected answer only marks are set aside
        what = ("mark" if reading.rejected else "piece") + ("s" if n > 1 else "")
        aside = f"; {n} {what} set aside" + ("" if reading.rejected else " (marked ?)")
        aside = aside if n else ""
        if reading.rejected == NOT_A_DIGIT and reading.pieces:
            self.headline.setText("Not a digit")
            shape = reading.pieces[0]  # the rejected piece, whichever input is in focus
            self.detail.setText(f"closest digit: {shape.label} ({100 * shape.confidence:.1f}%){aside}")
        elif reading.rejected:
            self.headline.setText("Not a number")
            wrong = sum(p.rejected for p in reading.pieces)
            verb = "is not a digit" if wrong == 1 else "are not digits"
            self.detail.setText(f"{wrong} of the {len(reading.pieces)} pieces {verb} (marked ?){aside}")
        elif reading.single is not None:
            self.headline.setText(reading.single.label)
            self.detail.setText(f"{100 * reading.single.confidence:.1f}% confident{aside}")
        else:
            self.headline.setText(reading.number or "")
            least = min(reading.pieces, key=lambda p: p.confidence)
            self.detail.setText(
                f"{len(reading.pieces)} digits; least sure: {least.label} ({100 * least.confidence:.1f}%){aside}"
            )
        if note:
            self.detail.setText(f"{self.detail.text()}\n{note}")
        if piece is not None:
            labels = reading.labels
            top = "   ".join(f"{labels[d]}  {100 * p:.1f}%" for d, p in piece.top(3))
            if len(reading.pieces) + len(reading.ignored) > 1:
                # the bars are one piece's: say which (a click on an input shows another), counting the
                # answer's pieces apart from those set aside, as the detail line counts them
                group = reading.pieces if any(p is piece for p in reading.pieces) else reading.ignored
                which = f"{next((i for i, p in enumerate(group) if p is piece), 0) + 1} of {len(group)}"
                kind = "piece" if group is reading.pieces else "set aside"
                # a set-aside piece's bars are its closest digits, not a reading
                if piece.rejected:
                    top = f"{kind} {which}, not a digit; closest:   {top}"
                elif reading.is_set_aside(piece):
                    top = f"{kind} {which}, a mark too small to be a digit; closest:   {top}"
                else:
                    top = f"digit {which}:   {top}"
            elif piece.rejected:
                top = f"if it were a digit:   {top}"
            self.top3.setText(top)
            # a rejected piece's bars are drawn faint: they say what it would be, not what it is
            self.bars.set_probs(piece.probs, labels, dimmed=stale or reading.is_set_aside(piece))
        else:
            self.top3.setText("")
            self.bars.set_probs(None)

    def show_message(self, text: str) -> None:
        self._style(False)
        self.headline.setText("–")
        self.detail.setText(text)
        self.top3.setText("")
        self.bars.set_probs(None)


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

    def set_image(self, image: np.ndarray | None) -> None:
        self.set_images([] if image is None else [image])

    def legible_side(self) -> int:
        """The side at which every pixel value fits its cell in the widget's font (the matrix needs it)."""
        fm = QFontMetricsF(self.font())
        return int(28 * (fm.horizontalAdvance("255") * 1.2 + 2))

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
        shown = [self.selected] if self.matrix and self.images else range(len(self.images))
        if not self.images:
            painter.fillRect(rects[0], Qt.black)
        fm = QFontMetricsF(self.font())
        for rect, index in zip(rects, shown, strict=False):
            values = np.rint(self.images[index] * 255).astype(np.uint8)
            self._paint_field(painter, rect, values, fm)
            if caption:
                painter.setPen(self.palette().color(QPalette.WindowText))
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
        image = QImage(values.data, 28, 28, 28, QImage.Format_Grayscale8).copy()
        painter.drawImage(rect, image)
        if not self.matrix:
            return
        cell = rect.width() / 28
        font = QFont(self.font())
        font.setPixelSize(max(1, int(cell * 0.4)))
        small = QFontMetricsF(font)
        if small.horizontalAdvance("255") > cell * 0.95 or cell < 7:
            hint = "enlarge the window to read the values"
            box = painter.boundingRect(rect.adjusted(4, 0, -4, 0), Qt.AlignHCenter | Qt.TextWordWrap, hint)
            box.moveBottom(rect.bottom() - 4)
            painter.fillRect(box.adjusted(-3, -2, 3, 2), self.palette().color(QPalette.Window))
            painter.setPen(self.palette().color(QPalette.WindowText))
            painter.drawText(box, Qt.AlignHCenter | Qt.TextWordWrap, hint)
            return
        painter.setFont(font)
        for y in range(28):
            for x in range(28):
                v = int(values[y, x])
                if v:
                    painter.setPen(Qt.black if v > 128 else Qt.white)
                    painter.drawText(
                        QRectF(rect.x() + x * cell, rect.y() + y * cell, cell, cell), Qt.AlignCenter, str(v)
                    )


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


# ------------------------------------------------------------------ window
def app_icon() -> QIcon:
    """A digit on a rounded square, drawn (no file to ship)."""
    icon = QIcon()
    for size in (16, 32, 48, 64, 128, 256):
        pix = QPixmap(size, size)
        pix.fill(Qt.transparent)
        p = QPainter(pix)
        p.setRenderHint(QPainter.Antialiasing)
        p.setBrush(QColor(52, 81, 178))
        p.setPen(Qt.NoPen)
        p.drawRoundedRect(QRectF(0, 0, size, size), size * 0.2, size * 0.2)
        font = QFont()
        font.setPixelSize(int(size * 0.72))
        font.setBold(True)
        p.setFont(font)
        p.setPen(Qt.white)
        p.drawText(QRectF(0, 0, size, size), Qt.AlignCenter, "7")
        p.end()
        icon.addPixmap(pix)
    return icon


def dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor(30, 31, 34), QColor(43, 45, 48), QColor(223, 225, 229)
    for role, colour in (
        (QPalette.Window, window),
        (QPalette.WindowText, text),
        (QPalette.Base, base),
        (QPalette.AlternateBase, window),
        (QPalette.Text, text),
        (QPalette.Button, window),
        (QPalette.ButtonText, text),
        (QPalette.ToolTipBase, window),
        (QPalette.ToolTipText, text),
        (QPalette.Highlight, QColor(110, 140, 230)),
        (QPalette.HighlightedText, QColor(10, 12, 20)),
        (QPalette.Mid, QColor(70, 73, 78)),
        (QPalette.Dark, QColor(120, 126, 140)),
        (QPalette.Link, QColor(130, 160, 240)),
    ):
        p.setColor(role, colour)
    p.setColor(QPalette.Disabled, QPalette.WindowText, QColor(130, 132, 136))
    p.setColor(QPalette.Disabled, QPalette.Text, QColor(130, 132, 136))
    p.setColor(QPalette.Disabled, QPalette.ButtonText, QColor(130, 132, 136))
    return p


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.Window).lightness() < 128


class MainWindow(QMainWindow):
    """The window: the controller's view. Turns menus, buttons, keys, drops and pastes into signals."""

    run_requested = pyqtSignal()
    clear_requested = pyqtSignal()
    undo_requested = pyqtSignal()
    redo_requested = pyqtSignal()
    open_requested = pyqtSignal(str)
    model_requested = pyqtSignal(str)
    save_requested = pyqtSignal(str)
    paste_requested = pyqtSignal(object)  # numpy pixels or bytes
    live_toggled = pyqtSignal(bool)
    recall_requested = pyqtSignal(int)
    copy_requested = pyqtSignal()

    def __init__(self, live: bool = True, settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or QSettings("digit-classifier", "digit-app")
        self.setWindowTitle("Digit Classifier")
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.system_palette = QApplication.palette()
        self.last_error: tuple[str, str] | None = None
        self.error_box: QMessageBox | None = None
        self.reading: Reading | None = None
        self.reading_note = ""  # a caution shown under the answer (several lines of writing)
        self.reading_stale = False  # the answer is out of date (the drawing changed, Live is off)
        self.model_info = None

        self.canvas = Canvas()
        self.result = ResultPanel()
        self.input_view = InputView()
        self.history = HistoryStrip()
        self._build_actions(live)
        self._build_toolbar()
        self._build_menus()
        self._build_layout()
        self.model_label = QLabel()
        self.model_label.setTextFormat(Qt.PlainText)
        self.statusBar().addPermanentWidget(self.model_label)
        self.statusBar().addPermanentWidget(self.model_box)

        self.input_view.piece_clicked.connect(self._focus_piece)
        self.history.recall.connect(self.recall_requested)
        self.set_dark(self.settings.value("dark", is_dark(self.system_palette), type=bool), save=False)
        self.pen_slider.setFocusPolicy(Qt.ClickFocus)
        self.canvas.setFocus()

    # ------------------------------------------------------------- actions
    def _action(self, text: str, shortcut=None, slot=None, tip: str = "", checkable: bool = False) -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.WindowShortcut)
        if tip:
            act.setToolTip(tip)
            act.setStatusTip(tip)
        act.setCheckable(checkable)
        if slot is not None:
            (act.toggled if checkable else act.triggered).connect(slot)
        self.addAction(act)
        return act

    def _build_actions(self, live: bool) -> None:
        self.act_run = self._action("&Run", None, lambda: self.run_requested.emit(), "Read the drawing (Enter)")
        self.act_open = self._action("&Open image…", "Ctrl+O", self.choose_file, "Open a picture (Ctrl+O)")
        self.act_model = self._action("Open &model…", None, self.choose_model, "Use another ONNX model")
        self.act_save = self._action("&Save drawing…", "Ctrl+S", self.choose_save, "Save as PNG (Ctrl+S)")
        self.act_quit = self._action("&Quit", "Ctrl+Q", self.close)
        self.act_undo = self._action("&Undo", "Ctrl+Z", lambda: self.undo_requested.emit())
        self.act_redo = self._action("&Redo", "Ctrl+Shift+Z", lambda: self.redo_requested.emit())
        self.act_clear = self._action("&Clear", Qt.Key_Escape, lambda: self.clear_requested.emit(), "Clear (Esc)")
        self.act_copy = self._action("&Copy result", "Ctrl+C", lambda: self.copy_requested.emit())
        self.act_paste = self._action("&Paste image", "Ctrl+V", self.paste_clipboard)
        self.act_matrix = self._action("Show &pixel values", None, self.input_view.set_matrix, checkable=True)
        self.act_dark = self._action("&Dark mode", None, self.set_dark, checkable=True)
        self.act_live = self._action(
            "&Live", None, lambda on: self.live_toggled.emit(on), "Read while drawing", checkable=True
        )
        self.act_live.setChecked(live)
        # the toolbar button says its state in words: a pressed look alone is easy to miss
        self.act_live.toggled.connect(self._label_live)
        self._label_live(live)
        self.act_eraser = self._action("&Eraser", "E", self.canvas.set_eraser, "Erase ink (E)", checkable=True)
        self.act_thinner = self._action("Thinner pen", "[", lambda: self._step_pen(-1))
        self.act_thicker = self._action("Thicker pen", "]", lambda: self._step_pen(1))
        self.act_keys = self._action("&Keyboard shortcuts", "F1", self.show_shortcuts)
        self.act_about = self._action("&About", None, self.show_about)
        self.act_undo.setEnabled(False)
        self.act_redo.setEnabled(False)

    def _build_toolbar(self) -> None:
        bar = QToolBar("Tools")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonTextOnly)
        for act in (self.act_run, self.act_clear, self.act_undo, self.act_redo, self.act_open):
            bar.addAction(act)
        bar.addSeparator()
        bar.addWidget(QLabel(" Pen "))
        self.pen_slider = QSlider(Qt.Horizontal)
        self.pen_slider.setRange(2, 20)  # in 150ths of the canvas side
        self.pen_slider.setValue(round(DEFAULT_PEN * 150))
        self.pen_slider.setMaximumWidth(120)
        self.pen_slider.setToolTip("Pen width ([ and ])")
        self.pen_slider.valueChanged.connect(lambda v: self.canvas.set_pen(v / 150))
        bar.addWidget(self.pen_slider)
        bar.addAction(self.act_eraser)
        bar.addSeparator()
        bar.addAction(self.act_live)
        self.model_box = QComboBox()
        self.model_box.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.model_box.setToolTip("The ONNX model that reads the drawing")
        self.model_box.activated.connect(self._model_chosen)
        self.addToolBar(bar)
        self.toolbar = bar
        for act in (
            self.act_run,
            self.act_clear,
            self.act_undo,
            self.act_redo,
            self.act_open,
            self.act_eraser,
            self.act_live,
        ):
            button = bar.widgetForAction(act)
            if button is not None:
                button.setFocusPolicy(Qt.StrongFocus)  # reachable with Tab, pressed with Enter or Space

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file = menus.addMenu("&File")
        for act in (self.act_open, self.act_model, self.act_save):
            file.addAction(act)
        file.addSeparator()
        file.addAction(self.act_quit)
        edit = menus.addMenu("&Edit")
        for act in (self.act_undo, self.act_redo, self.act_clear):
            edit.addAction(act)
        edit.addSeparator()
        for act in (self.act_copy, self.act_paste):
            edit.addAction(act)
        edit.addSeparator()
        for act in (self.act_eraser, self.act_thinner, self.act_thicker, self.act_live, self.act_run):
            edit.addAction(act)
        view = menus.addMenu("&View")
        view.addAction(self.act_matrix)
        view.addAction(self.act_dark)
        helps = menus.addMenu("&Help")
        helps.addAction(self.act_keys)
        helps.addAction(self.act_about)
        self.menus = {"file": file, "edit": edit, "view": view, "help": helps}

    def _build_layout(self) -> None:
        left = QVBoxLayout()
        left.addWidget(SquareBox(self.canvas), 1)
        left.addWidget(self.history)
        seen = QGroupBox("What the model saw (28×28)")
        seen_layout = QVBoxLayout(seen)
        seen_layout.setContentsMargins(4, 4, 4, 4)
        self.input_scroll = QScrollArea()  # the pixel values keep legible cells and scroll when space is short
        self.input_scroll.setWidget(self.input_view)
        self.input_scroll.setWidgetResizable(True)
        self.input_scroll.setFrameShape(QScrollArea.NoFrame)
        seen_layout.addWidget(self.input_scroll, 1)
        right = QVBoxLayout()
        right.addWidget(self.result, 3)
        right.addWidget(seen, 2)
        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(6, 6, 6, 6)
        row.addLayout(left, 3)
        row.addLayout(right, 2)
        # on a small or heavily scaled screen the content scrolls: the window never outgrows the screen
        scroll = QScrollArea()
        scroll.setWidget(central)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        self.setCentralWidget(scroll)

    # ------------------------------------------------------------- View verbs
    def show_document(self, document: Document) -> None:
        self.canvas.set_document(document)
        self.canvas.set_reading(None)

    def show_reading(self, reading: Reading, *, stale: bool = False, note: str = "") -> None:
        self.reading, self.reading_note, self.reading_stale = reading, note, stale
        pieces = [*reading.pieces, *reading.ignored]
        self.result.show_reading(reading, pieces[0] if pieces else None, stale, note)
        labels = ["?" if reading.is_set_aside(p) else p.label for p in pieces]
        self.input_view.set_images([p.image for p in pieces], labels)
        self.canvas.set_reading(None if stale else reading)

    def show_message(self, text: str) -> None:
        self.reading = None
        self.result.show_message(text)
        self.input_view.set_images([])
        self.canvas.set_reading(None)

    def show_status(self, text: str) -> None:
        self.statusBar().showMessage(text)

    def show_error(self, title: str, text: str) -> None:
        self.last_error = (title, text)
        box = QMessageBox(QMessageBox.Warning, title, text, QMessageBox.Ok, self)
        box.setTextFormat(Qt.PlainText)
        box.setWindowModality(Qt.WindowModal)
        self.error_box = box
        box.open()

    def show_model(self, info) -> None:
        self.model_info = info
        acc = f"{100 * info.test_accuracy:.2f}%" if info.test_accuracy is not None else "accuracy unknown"
        pub = info.published
        where = f", published {pub.get('date', '')[:10]} from {pub.get('git_commit', '?')}" if pub else ""
        reject = "" if info.reject else " (cannot tell non-digits)"
        self.model_label.setText(f"{info.name} {acc}{reject}")
        # tooltips take rich text: metadata is shown escaped, as the text it is
        self.model_label.setToolTip(plain_tooltip(f"{info.path}\nMNIST test accuracy {acc}{where}"))
        self._fill_models(info.path)

    def show_history(self, items: Sequence) -> None:
        self.history.set_items(items)

    def set_edit_state(self, can_undo: bool, can_redo: bool) -> None:
        self.act_undo.setEnabled(can_undo)
        self.act_redo.setEnabled(can_redo)

    # ---------------------------------------------------------------- helpers
    def _focus_piece(self, index: int) -> None:
        if self.reading is None:
            return
        pieces = [*self.reading.pieces, *self.reading.ignored]
        if 0 <= index < len(pieces):
            self.result.show_reading(self.reading, pieces[index], self.reading_stale, note=self.reading_note)

    def _label_live(self, on: bool) -> None:
        self.act_live.setIconText("Live: on" if on else "Live: off")

    def _step_pen(self, step: int) -> None:
        self.pen_slider.setValue(self.pen_slider.value() + step)

    def set_dark(self, on: bool, save: bool = True) -> None:
        app = QApplication.instance()
        if on:
            app.setStyle("Fusion")
            app.setPalette(dark_palette())
        else:
            app.setPalette(
                self.system_palette if not is_dark(self.system_palette) else QApplication.style().standardPalette()
            )
        if self.act_dark.isChecked() != on:
            self.act_dark.blockSignals(True)
            self.act_dark.setChecked(on)
            self.act_dark.blockSignals(False)
        if save:
            self.settings.setValue("dark", on)
        self.update()

    def _folder(self) -> str:
        folder = str(self.settings.value("last_folder", "", type=str))
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    def _remember_folder(self, path: str) -> None:
        self.settings.setValue("last_folder", str(Path(path).parent))

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open a picture of a digit or a number", self._folder(), IMAGE_FILTER
        )
        if path:
            self._remember_folder(path)
            self.open_requested.emit(path)

    def choose_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open an ONNX model", self._folder(), "ONNX models (*.onnx);;All files (*)"
        )
        if path:
            self._remember_folder(path)
            self.model_requested.emit(path)

    def choose_save(self) -> None:
        default = str(Path(self._folder()) / "drawing.png")
        path, _ = QFileDialog.getSaveFileName(self, "Save the drawing", default, "PNG images (*.png)")
        if path:
            self.save_requested.emit(path)
            if Path(path).with_suffix(".png").exists() or Path(path).exists():
                self._remember_folder(path)  # only a folder the drawing could be saved to

    def paste_clipboard(self) -> None:
        data = QApplication.clipboard().mimeData()
        if data is not None and data.hasImage():
            image = QImage(data.imageData())
            if not image.isNull():
                self.paste_requested.emit(qimage_to_rgba(image))
                return
        if data is not None and data.hasUrls():
            files = [u.toLocalFile() for u in data.urls() if u.isLocalFile()]
            if files:
                self.open_requested.emit(files[0])
                return
        self.show_error("Nothing to paste", "The clipboard holds no picture. Copy an image (or an image file) first.")

    def _fill_models(self, current: Path) -> None:
        from app.contract import PIPELINE_MODEL, PUBLISHED_MODEL

        choices: list[tuple[str, str]] = []
        for label, path in (
            ("Pipeline float", PIPELINE_MODEL),
            ("Pipeline int8", PIPELINE_MODEL.with_name("model.int8.onnx")),
            ("Published (app)", PUBLISHED_MODEL),
        ):
            if Path(path).is_file() and Path(path).stat().st_size > 0:
                choices.append((label, str(Path(path).resolve())))
        if str(current.resolve()) not in [c[1] for c in choices]:
            choices.insert(0, (current.name, str(current.resolve())))
        self.model_box.blockSignals(True)
        self.model_box.clear()
        for label, path in choices:
            self.model_box.addItem(label, path)
            self.model_box.setItemData(self.model_box.count() - 1, plain_tooltip(path), Qt.ToolTipRole)
        self.model_box.addItem("Other…", "")
        self.model_box.setCurrentIndex([c[1] for c in choices].index(str(current.resolve())))
        self.model_box.blockSignals(False)

    def _model_chosen(self, index: int) -> None:
        path = self.model_box.itemData(index)
        if path:
            self.model_requested.emit(path)
        else:
            self.choose_model()
            if self.model_info is not None:
                self._fill_models(self.model_info.path)

    def show_shortcuts(self) -> None:
        import html

        rows = "".join(
            f"<tr><td style='padding-right:18px'><b>{html.escape(k)}</b></td><td>{html.escape(w)}</td></tr>"
            for k, w in SHORTCUTS
        )
        box = QMessageBox(QMessageBox.Information, "Keyboard shortcuts", f"<table>{rows}</table>", QMessageBox.Ok, self)
        box.setTextFormat(Qt.RichText)  # our own fixed text: a table keeps keys and descriptions in their columns
        self.info_box = box
        box.open()

    def about_text(self) -> str:
        from app.contract import version

        lines = [f"Digit Classifier {version()}", "Draw a digit or a number, or open a picture, and see it read."]
        info = self.model_info
        if info is not None:
            meta = info.metadata
            params = meta.get("parameters", "")
            lines += [
                "",
                f"Model: {info.path}",
                f"Name: {info.name}, {int(params):,} parameters" if params.isdigit() else f"Name: {info.name}",
                f"MNIST test accuracy: {100 * info.test_accuracy:.2f}%" if info.test_accuracy else "Accuracy: unknown",
                f"Params hash: {meta.get('params_hash', 'unknown')}",
                f"Not-a-digit rule: {meta.get('reject_rule', 'none (this model cannot tell non-digits)')}",
            ]
            if info.published:
                pub = info.published
                lines.append(f"Published: {pub.get('date', '?')} from commit {pub.get('git_commit', '?')}")
            if meta.get("versions"):
                try:
                    built = ", ".join(f"{k} {v}" for k, v in sorted(json.loads(meta["versions"]).items()))
                except (ValueError, AttributeError):
                    built = meta["versions"]
                lines.append(f"Built with: {built}")
            if meta.get("quantization"):
                lines.append(f"Quantization: {meta['quantization']}")
        return "\n".join(lines)

    def show_about(self) -> None:
        box = QMessageBox(QMessageBox.Information, "About Digit Classifier", self.about_text(), QMessageBox.Ok, self)
        box.setTextFormat(Qt.PlainText)  # metadata is shown as text, never as rich text or links
        box.setIconPixmap(app_icon().pixmap(64, 64))
        self.info_box = box
        box.open()

    # ------------------------------------------------------------- keys, drops
    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            focus = QApplication.focusWidget()
            if isinstance(focus, QAbstractButton):
                focus.click()  # Enter on a focused button presses that button, not Run
            elif not isinstance(focus, (QComboBox, QAbstractSpinBox, QLineEdit)):
                self.run_requested.emit()
            return
        super().keyPressEvent(event)

    def dragEnterEvent(self, event) -> None:
        if (
            event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls())
        ) or event.mimeData().hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        data = event.mimeData()
        files = [u.toLocalFile() for u in data.urls() if u.isLocalFile()] if data.hasUrls() else []
        if files:
            self.open_requested.emit(files[0])
        elif data.hasImage():
            self.paste_requested.emit(qimage_to_rgba(QImage(data.imageData())))
        event.acceptProposedAction()


# ------------------------------------------------------------------ conversions
def qimage_to_numpy(image: QImage) -> np.ndarray:
    """A Grayscale8 QImage as a (H, W) uint8 array (copied, rows unpadded)."""
    image = image.convertToFormat(QImage.Format_Grayscale8)
    ptr = image.constBits()
    ptr.setsize(image.bytesPerLine() * image.height())
    rows = np.frombuffer(ptr, np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width()].copy()


def qimage_to_rgba(image: QImage) -> np.ndarray:
    """Any QImage as an (H, W, 4) uint8 RGBA array (copied)."""
    image = image.convertToFormat(QImage.Format_RGBA8888)
    ptr = image.constBits()
    ptr.setsize(image.bytesPerLine() * image.height())
    rows = np.frombuffer(ptr, np.uint8).reshape(image.height(), image.bytesPerLine())
    return rows[:, : image.width() * 4].reshape(image.height(), image.width(), 4).copy()


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
