"""Read an uploaded picture into a numpy array (Pillow), with errors that say what is wrong.

Imported only when a picture is opened, so the window's start-up does not pay for Pillow.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: Pictures are shrunk to this longer side first; the digit ends up 20 px tall anyway.
MAX_SIDE = 1024


class ImageError(ValueError):
    """The file cannot be used as a picture of a digit."""


def load_image(path: str | Path) -> np.ndarray:
    """Grey (H,W), RGB (H,W,3) or RGBA (H,W,4) uint8 array of the picture at ``path``."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    path = Path(path)
    if not path.exists():
        raise ImageError(f"{path}: no such file")
    if path.is_dir():
        raise ImageError(f"{path}: is a directory, not a picture")
    try:
        with Image.open(path) as img:
            img = ImageOps.exif_transpose(img)
            img.thumbnail((MAX_SIDE, MAX_SIDE))
            has_alpha = img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)
            mode = "RGBA" if has_alpha else ("L" if img.mode in ("1", "L", "I", "I;16", "F") else "RGB")
            array = np.asarray(img.convert(mode))
    except UnidentifiedImageError as exc:
        raise ImageError(f"{path}: not a picture Pillow can read (PNG, JPEG, BMP, GIF, TIFF, WebP...)") from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise ImageError(f"{path}: damaged or unreadable picture ({exc})") from exc
    if array.size == 0:
        raise ImageError(f"{path}: the picture is empty")
    return array
