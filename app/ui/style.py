"""Colours, the dark palette and the app's icon, taken from the palette so any theme reads well."""

from __future__ import annotations

from PyQt5.QtCore import QRectF, Qt
from PyQt5.QtGui import (
    QColor,
    QFont,
    QIcon,
    QPainter,
    QPalette,
    QPixmap,
)


def plain_tooltip(text: str) -> str:
    """Tooltips read rich text; this shows ``text`` as the text it is (escaped, lines kept)."""
    # by hand: importing html (its entity table) is 1.5 ms of the cold start, for three replacements
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "<qt>" + escaped.replace("\n", "<br>") + "</qt>"


def accent(palette: QPalette) -> QColor:
    return QColor(palette.color(QPalette.Highlight))  # a copy: the palette may be a temporary


def warning_colour(palette: QPalette) -> QColor:
    dark = palette.color(QPalette.Window).lightness() < 128
    return QColor(255, 120, 110) if dark else QColor(190, 30, 30)


def done_colour(palette: QPalette) -> QColor:
    """The person's own digit (a correction they saved): green, legible on light and dark paper."""
    return QColor(90, 200, 110) if is_dark(palette) else QColor(30, 130, 50)


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
