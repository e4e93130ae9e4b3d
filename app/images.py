"""Read a picture file into a numpy array (Pillow), with errors that say what is wrong.

Imported only when a picture is opened, so the window's start-up does not pay for Pillow.
Hostile files end in :class:`ImageError`, never in another exception: a header that claims
billions of pixels is refused before anything is decoded, and whatever Pillow raises on
damaged data is reported as "damaged or unreadable".
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

#: Pictures are shrunk to this longer side first; the digit ends up 20 px tall anyway.
MAX_SIDE = 1024
#: Larger pictures are refused before decoding (a 177-byte PNG can claim 180 megapixels).
MAX_PIXELS = 40_000_000
#: ...but a JPEG is decoded at an eighth, a quarter or half its size (``draft``): a phone's 48-200 megapixel
#: photo is read as at most a few megapixels (an 8000 x 5688 photo was refused, where 6000 x 4266 read in 0.25 s).
MAX_JPEG_PIXELS = 200_000_000
#: Larger files are refused before reading them (no photo of a digit comes near).
MAX_FILE_BYTES = 100 << 20
#: The only formats Pillow may open, whatever a file is named. Pillow recognises formats by content,
#: and some of its plugins run other programs: EPS and PostScript are handed to Ghostscript (a
#: `{} loop` in a file named x.png hung digit-predict, and Ghostscript has a long history of
#: remote-code-execution flaws). A picture must never start a program.
FORMATS = ("PNG", "JPEG", "GIF", "BMP", "TIFF", "WEBP")


class ImageError(ValueError):
    """The file cannot be used as a picture of a digit."""


@dataclass(frozen=True)
class Decoded:
    """A decoded file: the pixels (grey (H,W) or RGB (H,W,3) uint8; transparency flattened) and anything
    worth telling the user. (:class:`app.document.Picture` is a picture placed on the canvas.)"""

    pixels: np.ndarray
    notes: list[str] = field(default_factory=list)
    #: the file's pixels per pixel here (a picture larger than MAX_SIDE is read shrunk): boxes scale back by it
    scale: float = 1.0


def load_picture(path: str | Path) -> Decoded:
    """Read ``path`` as a picture; raise :class:`ImageError` with the reason when it cannot be used."""
    import stat

    path = Path(path)
    try:
        info = path.stat()  # follows a symlink: a link to /dev/zero is a device too
    except FileNotFoundError:
        raise ImageError(f"{path}: no such file") from None
    except OSError as exc:
        raise ImageError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    if stat.S_ISDIR(info.st_mode):
        raise ImageError(f"{path}: is a directory, not a picture")
    if not stat.S_ISREG(info.st_mode):
        # a FIFO would block for ever, /dev/zero never ends: only regular files are read
        raise ImageError(f"{path}: is not a regular file (a device, pipe or socket); save the picture to a file first")
    too_large = f"too large for a picture of a digit (limit {MAX_FILE_BYTES >> 20} MiB)"
    if info.st_size > MAX_FILE_BYTES:
        raise ImageError(f"{path}: {info.st_size >> 20} MiB is {too_large}")
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)  # bounded, should the file grow while it is read
        if len(data) > MAX_FILE_BYTES:
            raise ImageError(f"{path}: {too_large}")
    except OSError as exc:
        raise ImageError(f"{path}: cannot read it ({exc.strerror or exc})") from exc
    return decode(data, str(path))


def decode(data: bytes, name: str = "picture") -> Decoded:
    """Decode image bytes (a file, the clipboard); raise :class:`ImageError` when they cannot be used."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise ImageError(f"{name}: not a picture: the file is empty (was it still being saved?); open it once saved")
    notes: list[str] = []
    limit = Image.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            # Pillow warns about damaged metadata (corrupt EXIF, TIFF tags past the end) and reads on:
            # nothing a person can act on, so not printed; a decompression bomb is an error
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = None  # opening reads only the header: our own limit comes next, in our words
            try:
                img_file = Image.open(io.BytesIO(data), formats=FORMATS)
            finally:
                Image.MAX_IMAGE_PIXELS = limit
            with img_file as img:
                w, h = img.size
                most = MAX_JPEG_PIXELS if img.format == "JPEG" else MAX_PIXELS
                if w * h > most or w <= 0 or h <= 0:
                    raise ImageError(
                        f"{name}: {w} x {h} pixels is too large (limit {most // 1_000_000} megapixels); "
                        "shrink or crop the picture"
                    )
                frames = _frames(data)
                if frames is None:
                    notes.append(f"{name}: its later pages are damaged; the first one was read")
                elif frames > 1:
                    notes.append(f"{name} has {frames} frames; the first one was read")
                img.draft(img.mode, (MAX_SIDE, MAX_SIDE))  # JPEG: decode at a reduced scale directly
                img = ImageOps.exif_transpose(img)
                array = _pixels(img)
                scale = max(w, h) / max(max(array.shape[:2]), 1)  # the longer side survives any rotation
    except ImageError:
        raise
    except UnidentifiedImageError as exc:
        raise ImageError(
            f"{name}: not a picture this app can open (it reads PNG, JPEG, BMP, GIF, TIFF and WebP, by content, "
            "whatever the file is called); save it in one of those and try again"
        ) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError(f"{name}: too large to decode safely ({exc})") from exc
    except Exception as exc:  # Pillow raises many types (OSError, ValueError, SyntaxError, struct.error...)
        raise ImageError(
            f"{name}: damaged or unreadable picture ({exc}); save it again from the program it came from, "
            "or take the picture again"
        ) from exc
    if array.size == 0 or min(array.shape[:2]) == 0:
        raise ImageError(f"{name}: the picture is empty")
    return Decoded(array, notes, scale)


def _frames(data: bytes) -> int | None:
    """How many frames or pages the picture has, or None when a later one is damaged.

    Counted on a picture of its own: counting walks every page, and a damaged one after the first
    used to refuse the whole file (a TIFF whose second page pointed past the end of the file).
    """
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as img:
            return int(getattr(img, "n_frames", 1))
    except Exception:  # Pillow raises many types for a damaged page (TypeError, OSError, EOFError...)
        return None


def _pixels(img) -> np.ndarray:
    """uint8 grey, RGB or RGBA pixels, with high-bit-depth and float pictures scaled by their range."""
    if img.mode in ("F", "I", "I;16", "I;16B", "I;16L", "I;16N"):
        # Pillow's convert("L") clips these to 0..255: a float TIFF in [0, 1] would come out black
        sixteen = img.mode.startswith("I;16")
        factor = -(-max(img.size) // MAX_SIDE)
        if factor > 1:  # shrunk first, by block means: a 6300x6300 float TIFF took 1.9 GB as float64
            img = (img.convert("I") if sixteen else img).reduce(factor)
        values = np.asarray(img, dtype=np.float64)
        finite = values[np.isfinite(values)]
        if finite.size == 0:
            raise ImageError("the picture holds no finite pixel values")
        lo, hi = float(finite.min()), float(finite.max())
        if img.mode == "F" and lo >= 0 and hi <= 1:
            lo, hi = 0.0, 1.0  # a [0, 1] image keeps its own scale
        elif sixteen:
            lo, hi = 0.0, 65535.0
        elif lo >= 0 and hi <= 255:
            lo, hi = 0.0, 255.0
        scaled = np.clip((np.nan_to_num(values, nan=lo) - lo) / max(hi - lo, 1e-12), 0, 1)
        from PIL import Image

        img = Image.fromarray((scaled * 255).round().astype(np.uint8), "L")
    img.thumbnail((MAX_SIDE, MAX_SIDE))
    has_alpha = img.mode in ("RGBA", "LA", "PA", "La") or (img.mode == "P" and "transparency" in img.info)
    if has_alpha:
        return flatten_alpha(np.asarray(img.convert("RGBA")))
    return np.asarray(img.convert("L" if img.mode in ("1", "L") else "RGB"))


def flatten_alpha(rgba: np.ndarray) -> np.ndarray:
    """An RGBA picture as RGB over a backdrop its drawing stands out from: dark ink over white, light over black.

    A drawing on a transparent layer keeps its colour only where it is opaque (black strokes
    often sit on transparent *black*): shown, saved or read, it must look as it does over paper.
    """
    alpha = rgba[..., 3:4].astype(np.float32) / 255
    rgb = rgba[..., :3].astype(np.float32)
    if float(alpha.min()) >= 1.0:
        return np.ascontiguousarray(rgba[..., :3])
    # elementwise, not a matrix product: BLAS's kernel (and so the last bit) depends on the CPU
    luma = rgb[..., 0] * np.float32(0.299) + rgb[..., 1] * np.float32(0.587) + rgb[..., 2] * np.float32(0.114)
    drawn = alpha[..., 0] > 0.5
    light_drawing = bool(drawn.any()) and float(luma[drawn].mean()) >= 128
    backdrop = 0.0 if light_drawing else 255.0
    return np.round(rgb * alpha + backdrop * (1 - alpha)).astype(np.uint8)


def save_png(pixels: np.ndarray, path: str | Path) -> Path:
    """Write ``pixels`` (grey, RGB or RGBA uint8) as a PNG, atomically (a temporary sibling, then a rename)."""
    import os
    import tempfile

    from PIL import Image

    path = Path(path)
    if path.suffix.lower() != ".png":
        path = path.with_suffix(path.suffix + ".png") if path.suffix else path.with_suffix(".png")
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp.png", dir=path.parent)
        os.close(fd)
        Image.fromarray(np.ascontiguousarray(pixels)).save(tmp, format="PNG")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        raise ImageError(f"cannot save {path}: {exc.strerror or exc}") from exc
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
    return path
