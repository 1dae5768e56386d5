"""PNG bytes from NumPy arrays, and their size, with Pillow (it comes with matplotlib).

    data = encode(np.zeros((2, 3, 3), np.uint8)); size(data)    # (3, 2)
"""
from __future__ import annotations

import io

import numpy as np
from PIL import Image


def encode(image) -> bytes:
    """PNG bytes of an (h, w, 3) uint8 RGB image (fast zlib: the course's pictures are small and many).

    Example:
        >>> encode(np.zeros((2, 3, 3), np.uint8))[:8]
        b'\\x89PNG\\r\\n\\x1a\\n'
    """
    image = np.ascontiguousarray(image, dtype=np.uint8)
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"image must have shape (height, width, 3), got {image.shape}")
    out = io.BytesIO()
    Image.fromarray(image, "RGB").save(out, format="PNG", compress_level=1)
    return out.getvalue()


def size(png: bytes) -> tuple:
    """(width, height) of PNG bytes (Pillow reads the header only)."""
    if not isinstance(png, (bytes, bytearray)) or png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("image must be the bytes of a PNG file")
    try:
        with Image.open(io.BytesIO(png)) as image:
            return image.size
    except Exception:
        raise ValueError("image must be the bytes of a PNG file") from None
