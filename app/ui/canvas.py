"""The drawing area: strokes as vectors in canvas units, boxes round what was read."""

from __future__ import annotations

import numpy as np
from PyQt5.QtCore import QPoint, QPointF, QRectF, QSize, Qt, pyqtSignal
from PyQt5.QtGui import (
    QColor,
    QCursor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)
from PyQt5.QtWidgets import (
    QSizePolicy,
    QWidget,
)

from app.document import DEFAULT_PEN, Document, Frame, Stroke
from app.reading import Reading
from app.ui.convert import numpy_to_qimage, qimage_to_numpy
from app.ui.style import accent, done_colour, warning_colour

#: Writing guides: the band digits are written in (top, baseline, in canvas units) and its cells.
#: Digits a cell each (0.2 of the canvas wide, 0.28 tall) leave gaps that the default pen keeps open.
GUIDE_BAND = (0.36, 0.64)
GUIDE_CELLS = 5


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
    #: a digit's tag clicked, or its box right-clicked: (piece index, where on the screen) to correct it
    piece_chosen = pyqtSignal(int, QPoint)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(160, 160)
        self.setAttribute(Qt.WA_StaticContents)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setToolTip(
            "Draw a digit or a number. Enter: run, Esc: clear, E: eraser, [ ]: pen width.\n"
            "Wrong answer? Type what you wrote, or click a digit's tag and pick the digit. Ctrl+Enter: it is right"
        )
        self.document = Document()
        self.pen_width = DEFAULT_PEN
        self.eraser = False
        self.guides = False
        self.drop_hint = False  # a file is being dragged over the window
        self.keyboard_focus = False  # reached with Tab: framed, so the person sees where the keys go
        self.boxes: list[tuple[QRectF, str, bool]] = []  # (rect in canvas units, label, rejected)
        self.labels: list[str | None] = []  # the person's digit for each box (None: as read)
        self.removed: tuple[QRectF, QImage] | None = None  # the paper's structure the reader ignored, tinted
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

    def set_reading(self, reading: Reading | None, frame: Frame | None = None) -> None:
        """Boxes around what was read, when there is more than one piece (or a piece was set aside).

        ``frame`` says where the ink map the reading's boxes refer to lies on the canvas.
        """
        self.boxes = []
        self.labels = []
        self.removed = None
        if reading is not None and reading.removed_mask is not None:
            # the paper's structure the reader took out (ruling, boxes...), tinted faintly over the picture
            h, w = reading.removed_mask.shape
            where = frame or Frame(unit=max(h, w), shape=(h, w))
            tint = np.zeros((h, w, 4), np.uint8)
            colour = accent(self.palette())
            tint[reading.removed_mask] = (colour.red(), colour.green(), colour.blue(), 120)
            self.removed = (QRectF(*where.to_canvas((0, 0, h, w))), numpy_to_qimage(tint))
        if reading is not None and (len(reading.pieces) > 1 or reading.ignored):
            h, w = reading.shape
            frame = frame or Frame(unit=max(h, w), shape=(h, w))
            for piece in (*reading.pieces, *reading.ignored):
                rect = QRectF(*frame.to_canvas(piece.box))
                aside = reading.is_set_aside(piece)
                self.boxes.append((rect, "?" if aside else piece.label, aside))
        self.update()

    def set_labels(self, labels: list[str | None]) -> None:
        """The person's digit for each box (None: as read), drawn in its tag instead of the reading's."""
        self.labels = list(labels)
        self.update()

    def box_at(self, pos: QPointF, tags_only: bool = False) -> int | None:
        """The piece whose tag (or, unless ``tags_only``, whose box) is under ``pos`` in widget pixels."""
        side = float(min(self.width(), self.height()))
        for i, (rect, label, _) in enumerate(self.boxes):
            box, tag = self._box_geometry(rect, self._label(i, label), side)
            if tag.contains(pos) or (not tags_only and box.contains(pos)):
                return i
        return None

    def _label(self, i: int, label: str) -> str:
        mine = self.labels[i] if i < len(self.labels) else None
        return label if mine is None else mine

    def _box_geometry(self, rect: QRectF, label: str, side: float) -> tuple[QRectF, QRectF]:
        """A box in widget pixels and its tag's (above it, else below, else inside its top corner)."""
        fm = QFontMetricsF(self._tag_font())
        r = QRectF(rect.x() * side, rect.y() * side, rect.width() * side, rect.height() * side).adjusted(-1, -1, 1, 1)
        tag = QRectF(r.left(), r.top() - fm.height() - 2, fm.horizontalAdvance(label) + 8, fm.height() + 2)
        if tag.top() < 0:
            tag.moveTop(r.bottom() + 2)
        if tag.bottom() > side:  # a box as tall as the canvas: the label goes inside its top corner
            tag.moveTop(max(0.0, r.top()) + 2)
            tag.moveLeft(max(0.0, r.left()) + 2)
        return r, tag

    def _tag_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def set_pen(self, width: float) -> None:
        self.pen_width = float(np.clip(width, 0.01, 0.25))
        self._update_cursor()

    def set_guides(self, on: bool) -> None:
        """Writing guides: a band with a baseline and five cells (shown only; never read, never saved)."""
        self.guides = on
        self.update()

    def set_drop_hint(self, on: bool) -> None:
        """While a file is dragged over the window: a frame and "Drop to open" on the canvas."""
        self.drop_hint = on
        self.update()

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
        pal = self.palette()
        p.setPen(QPen(QColor(pal.color(QPalette.Text)), 1))
        p.drawEllipse(QRectF(1, 1, side, side))
        p.end()
        self.setCursor(QCursor(pix))

    def resizeEvent(self, event) -> None:
        self._update_cursor()

    # ------------------------------------------------------------ input
    def _unit(self, pos: QPointF) -> tuple[float, float]:
        # a pen held down past the edge keeps drawing (the drawing grows to keep that ink), up to half a side out
        side = max(1, self.width())
        return float(np.clip(pos.x() / side, -0.5, 1.5)), float(np.clip(pos.y() / max(1, self.height()), -0.5, 1.5))

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
        # a digit's tag (left button) or its box (right button) opens the digit picker instead of drawing
        if event.button() in (Qt.LeftButton, Qt.RightButton) and not self._points:
            index = self.box_at(QPointF(event.pos()), tags_only=event.button() == Qt.LeftButton)
            if index is not None:
                self.piece_chosen.emit(index, self.mapToGlobal(event.pos()))
                return
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
            return QColor(pal.color(QPalette.Base)), QColor(pal.color(QPalette.Text))  # copies: pal is ours
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
        self._draw_underlay(painter, side)
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
        if self.drop_hint:
            self._draw_drop_hint(painter, side)
        elif self.keyboard_focus:  # cleared when the focus leaves
            painter.setPen(QPen(accent(self.palette()), 2, Qt.DashLine))
            painter.drawRect(QRectF(1, 1, side - 2, side - 2))
        painter.end()

    def focusInEvent(self, event) -> None:
        # only a focus the keyboard brought is shown: the canvas has the focus from the start, and a
        # frame around it then would look like a selection
        self.keyboard_focus = event.reason() in (Qt.TabFocusReason, Qt.BacktabFocusReason, Qt.ShortcutFocusReason)
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:
        self.keyboard_focus = False
        super().focusOutEvent(event)
        self.update()

    def _draw_drop_hint(self, painter: QPainter, side: float) -> None:
        colour = accent(self.palette())
        # the paper first, nearly opaque: the words must not be read across the digits beneath them
        paper = QColor(self.palette().color(QPalette.Base))
        paper.setAlpha(215)
        painter.fillRect(QRectF(0, 0, side, side), paper)
        veil = QColor(colour)
        veil.setAlpha(40)
        painter.fillRect(QRectF(0, 0, side, side), veil)
        painter.setPen(QPen(colour, 4))
        painter.drawRect(QRectF(2, 2, side - 4, side - 4))
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(QRectF(0, 0, side, side), Qt.AlignCenter, "Drop to open")

    def _draw_underlay(self, painter: QPainter, side: float) -> None:
        """What lies faintly behind the ink: the paper's structure the reader ignored in a picture (its
        ruling, boxes or grid, tinted) and the writing guides."""
        if self.removed is not None:
            rect, tint = self.removed
            painter.drawImage(QRectF(rect.x() * side, rect.y() * side, rect.width() * side, rect.height() * side), tint)
        if not self.guides:
            return
        colour = QColor(accent(self.palette()))
        colour.setAlpha(90)
        top, bottom = GUIDE_BAND
        painter.setPen(QPen(colour, max(1.0, side / 400)))
        painter.drawLine(QPointF(0, bottom * side), QPointF(side, bottom * side))  # the baseline
        painter.setPen(QPen(colour, 1, Qt.DashLine))
        painter.drawLine(QPointF(0, top * side), QPointF(side, top * side))
        for k in range(1, GUIDE_CELLS):
            x = k * side / GUIDE_CELLS
            painter.drawLine(QPointF(x, top * side), QPointF(x, bottom * side))

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
        painter.setFont(self._tag_font())
        pal = self.palette()
        for i, (rect, label, rejected) in enumerate(self.boxes):
            mine = self.labels[i] if i < len(self.labels) else None
            colour = done_colour(pal) if mine is not None else warning_colour(pal) if rejected else accent(pal)
            r, tag = self._box_geometry(rect, self._label(i, label), side)
            painter.setPen(QPen(colour, 2))
            painter.setBrush(Qt.NoBrush)
            painter.drawRect(r)
            painter.fillRect(tag, colour)
            painter.setPen(QColor(pal.color(QPalette.HighlightedText)))
            painter.drawText(tag, Qt.AlignCenter, self._label(i, label))

    def grab_array(self) -> np.ndarray:
        """The canvas as shown (RGB uint8), for tests and screenshots."""
        return qimage_to_numpy(self.grab().toImage().convertToFormat(QImage.Format_Grayscale8))
