"""course.pictures.png: PNG bytes from NumPy arrays with Pillow, read back by Pillow and by matplotlib."""
import io

import numpy as np
import pytest
from matplotlib import image as mpimg
from PIL import Image

from course.pictures import png
from tests.helpers import PNG_SIGNATURE


def test_png_round_trips_through_pillow_and_matplotlib():
    image = np.random.default_rng(0).integers(0, 256, size=(7, 5, 3), dtype=np.uint8)
    data = png.encode(image)
    assert data[:8] == PNG_SIGNATURE
    with Image.open(io.BytesIO(data)) as decoded:
        assert decoded.mode == "RGB" and decoded.size == (5, 7)
        np.testing.assert_array_equal(np.asarray(decoded), image)
    from_matplotlib = (mpimg.imread(io.BytesIO(data), format="png")[..., :3] * 255).round().astype(np.uint8)
    np.testing.assert_array_equal(from_matplotlib, image)
    assert png.size(data) == (5, 7)                                 # (width, height)


def test_other_arrays_and_bytes_are_refused():
    with pytest.raises(ValueError, match=r"shape \(height, width, 3\)"):
        png.encode(np.zeros((4, 4)))
    with pytest.raises(ValueError, match=r"shape \(height, width, 3\)"):
        png.encode(np.zeros((4, 4, 4)))
    for bad in (b"GIF89a", "not bytes", PNG_SIGNATURE + b"truncated"):
        with pytest.raises(ValueError, match="bytes of a PNG file"):
            png.size(bad)
    buffer = io.BytesIO()
    Image.new("L", (3, 2)).save(buffer, format="PNG")              # any PNG's size, not only ours
    assert png.size(buffer.getvalue()) == (3, 2)
