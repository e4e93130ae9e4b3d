"""Pixels between numpy and Qt: copies, never views of memory Qt may free."""

from __future__ import annotations

import numpy as np
from PyQt5.QtGui import (
    QImage,
)


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
