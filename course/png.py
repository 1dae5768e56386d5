"""PNG files from NumPy arrays, and their size, without an imaging library.

``encode`` writes an RGB image with the "Up" filter on every row and fast zlib: a few hundred
microseconds for the course's pictures; ``size`` reads (width, height) back from the header.

    data = encode(np.zeros((2, 3, 3), np.uint8)); size(data)    # (3, 2)
"""
from __future__ import annotations

import struct
import zlib

import numpy as np


def encode(image) -> bytes:
    """PNG bytes of an (h, w, 3) uint8 RGB image (filter "Up" on every row, fast zlib).

    Example:
        >>> encode(np.zeros((2, 3, 3), np.uint8))[:8]
        b'\\x89PNG\\r\\n\\x1a\\n'
    """
    image = np.ascontiguousarray(image, dtype=np.uint8)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image must have shape (height, width, 3), got {image.shape}")
    h, w, _ = image.shape
    flat = image.reshape(h, w * 3)
    up = np.diff(flat, axis=0, prepend=np.zeros((1, w * 3), np.uint8))      # each row minus the one above, mod 256
    rows = np.concatenate([np.full((h, 1), 2, np.uint8), up], axis=1)        # filter type 2 (Up) per row

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)) + chunk(b"IEND", b""))


def size(png: bytes) -> tuple:
    """(width, height) of PNG bytes, read from the IHDR chunk."""
    if not isinstance(png, (bytes, bytearray)) or png[:8] != b"\x89PNG\r\n\x1a\n" or len(png) < 24:
        raise ValueError("image must be the bytes of a PNG file")
    return struct.unpack(">II", bytes(png[16:24]))
