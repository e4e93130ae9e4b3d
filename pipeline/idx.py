"""A strict reader (and writer, for tests) of the IDX format the MNIST files use.

Pure numpy. The header is two zero bytes, a type code, the number of dimensions, then one
big-endian uint32 per dimension; the payload must be exactly the product of the
dimensions in items. Anything else is rejected with a message naming the file and what
was wrong, so a corrupt or truncated download can never become a training set.
"""

from __future__ import annotations

import struct

import numpy as np

# IDX type codes -> numpy big-endian dtypes
_DTYPES = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODES = {v: k for k, v in _DTYPES.items()}


class IdxError(ValueError):
    """The bytes are not a well-formed IDX file of the expected kind."""


def read_idx(
    data: bytes,
    *,
    name: str = "IDX data",
    ndim: int | None = None,
    shape_tail: tuple[int, ...] | None = None,
    count: int | None = None,
) -> np.ndarray:
    """Parse ``data`` and check it; return a native-endian array.

    ``ndim`` (number of dimensions), ``shape_tail`` (every dimension after the first) and
    ``count`` (the first dimension) are checked when given.
    """
    if len(data) < 4:
        raise IdxError(f"{name}: {len(data)} bytes is too short for an IDX header (4 bytes at least)")
    zero, code, dims = struct.unpack(">HBB", data[:4])
    if zero != 0 or code not in _DTYPES:
        raise IdxError(
            f"{name}: bad magic number 0x{data[:4].hex()}; an IDX file starts with 0x0000, a type code "
            f"in {sorted(hex(c) for c in _DTYPES)} and the number of dimensions"
        )
    if dims == 0:
        raise IdxError(f"{name}: the header declares 0 dimensions")
    if ndim is not None and dims != ndim:
        raise IdxError(f"{name}: expected {ndim} dimension(s), the header declares {dims}")
    header_len = 4 + 4 * dims
    if len(data) < header_len:
        raise IdxError(f"{name}: truncated header ({len(data)} bytes, need {header_len})")
    shape = struct.unpack(f">{dims}I", data[4:header_len])
    if count is not None and shape[0] != count:
        raise IdxError(f"{name}: expected {count} items, the header declares {shape[0]}")
    if shape_tail is not None and tuple(shape[1:]) != tuple(shape_tail):
        raise IdxError(f"{name}: expected items of shape {tuple(shape_tail)}, the header declares {tuple(shape[1:])}")
    dtype = _DTYPES[code]
    expected = header_len + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) != expected:
        what = "truncated" if len(data) < expected else "has trailing bytes"
        raise IdxError(f"{name}: {what}: {len(data)} bytes, the header {shape} implies {expected}")
    arr = np.frombuffer(data, dtype=dtype, offset=header_len).reshape(shape)
    return arr.astype(dtype.newbyteorder("="), copy=True)


def write_idx(array: np.ndarray) -> bytes:
    """Serialise ``array`` as IDX (used by tests to make good and bad files)."""
    array = np.asarray(array)
    dtype = array.dtype.newbyteorder(">") if array.dtype.itemsize > 1 else array.dtype
    code = _CODES.get(np.dtype(dtype).newbyteorder(">"))
    if code is None:
        raise ValueError(f"IDX cannot store dtype {array.dtype}")
    header = struct.pack(">HBB", 0, code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(dtype.newbyteorder(">")).tobytes()
