import struct

import numpy as np
import pytest

from pipeline.idx import IdxError, read_idx, write_idx


def test_round_trip_keeps_values_and_shape():
    images = np.arange(3 * 28 * 28, dtype=np.uint8).reshape(3, 28, 28)
    back = read_idx(write_idx(images), ndim=3, shape_tail=(28, 28), count=3)
    assert back.shape == (3, 28, 28)
    np.testing.assert_array_equal(back, images)


def test_big_endian_types_are_read_natively():
    values = np.array([1, -2, 70000], dtype=np.int32)
    np.testing.assert_array_equal(read_idx(write_idx(values)), values)


@pytest.mark.parametrize("header", [b"\x01\x00\x08\x01", b"\x00\x00\x07\x01", b"PK\x03\x04"])
def test_bad_magic_is_rejected(header):
    data = header + struct.pack(">I", 2) + b"\x00\x01"
    with pytest.raises(IdxError, match="bad magic"):
        read_idx(data, name="labels")


def test_truncated_payload_is_rejected_with_sizes():
    data = write_idx(np.zeros((5, 28, 28), np.uint8))[:-100]
    with pytest.raises(IdxError, match=r"images: truncated: 3836 bytes, the header \(5, 28, 28\) implies 3936"):
        read_idx(data, name="images")


def test_trailing_bytes_are_rejected():
    with pytest.raises(IdxError, match="trailing bytes"):
        read_idx(write_idx(np.zeros(4, np.uint8)) + b"\x00")


def test_truncated_header_is_rejected():
    with pytest.raises(IdxError, match="truncated header"):
        read_idx(write_idx(np.zeros((2, 28, 28), np.uint8))[:9])
    with pytest.raises(IdxError, match="too short"):
        read_idx(b"\x00\x00")


def test_wrong_count_is_rejected():
    with pytest.raises(IdxError, match="expected 60000 items, the header declares 7"):
        read_idx(write_idx(np.zeros(7, np.uint8)), count=60000)


def test_wrong_dimensions_are_rejected():
    with pytest.raises(IdxError, match="expected 3 dimension"):
        read_idx(write_idx(np.zeros(7, np.uint8)), ndim=3)
    with pytest.raises(IdxError, match=r"expected items of shape \(28, 28\)"):
        read_idx(write_idx(np.zeros((2, 27, 28), np.uint8)), shape_tail=(28, 28))
