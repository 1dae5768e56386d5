"""What one tag holds at one step, in the forms TensorBoard's plugins read: scalars, histograms (from
``np.histogram``), images (PNG bytes), text (Markdown), all built from TensorBoard's protobuf classes.

    histogram_value("weights/output", histogram_buckets(w))      # a Summary.Value
"""
from __future__ import annotations

import functools

import numpy as np
from tensorboard.compat.proto import summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2
from tensorboard.plugins.histogram import metadata as histogram_metadata
from tensorboard.plugins.image import metadata as image_metadata
from tensorboard.plugins.scalar import metadata as scalar_metadata
from tensorboard.plugins.text import metadata as text_metadata

from course.pictures import png


def histogram_buckets(values, bucket_count: int = 30) -> np.ndarray:
    """TensorBoard's histogram format from ``np.histogram``: a (bucket_count, 3) array of [left, right, count].

    Equal-width buckets over [min, max] of the finite values, (0, 3) when none is finite; all equal
    values get a range around them, a spread too small (or too huge) for float64 to split one bucket.

    Example:
        >>> histogram_buckets(np.array([0.0, 0.1, 0.1, 0.5, 1.0]), 5)[:, 2]
        array([3., 0., 1., 0., 1.])
    """
    values = np.asarray(values, dtype=np.float64).ravel()
    values = values[np.isfinite(values)]
    if values.size == 0:
        return np.zeros((0, 3))
    low, high = float(values.min()), float(values.max())
    if low == high:   # all equal (a zero-initialised bias): a range around the value
        pad = max(0.5, abs(low) * 1e-3)
        low, high = low - pad, high + pad
    width = (high - low) / bucket_count
    if not np.isfinite(width) or width <= 0 or low + width == low:
        # huge values whose spread float64 cannot hold or split: one bucket
        return np.array([[low, high, values.size]], dtype=np.float64)
    counts, edges = np.histogram(values, bins=bucket_count, range=(low, high))
    return np.column_stack([edges[:-1], edges[1:], counts]).astype(np.float64)


def _shape(*dims) -> tensor_shape_pb2.TensorShapeProto:
    return tensor_shape_pb2.TensorShapeProto(dim=[tensor_shape_pb2.TensorShapeProto.Dim(size=d) for d in dims])


@functools.lru_cache(maxsize=None)
def metadata(plugin: str, tag: str, description: str = ""):
    """A plugin's ``SummaryMetadata`` for ``tag`` (made once per tag)."""
    module = {"scalars": scalar_metadata, "histograms": histogram_metadata, "images": image_metadata,
              "text": text_metadata}[plugin]
    return module.create_summary_metadata(tag, description)


def histogram_value(tag: str, buckets) -> summary_pb2.Summary.Value:
    """The histograms plugin's form: a (k, 3) float64 tensor of [left, right, count]."""
    buckets = np.asarray(buckets, dtype="<f8").reshape(-1, 3)
    tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_DOUBLE, tensor_shape=_shape(len(buckets), 3),
                                    tensor_content=buckets.tobytes())
    return summary_pb2.Summary.Value(tag=tag, metadata=metadata("histograms", tag), tensor=tensor)


def _strings(strings, *dims) -> tensor_pb2.TensorProto:
    return tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, tensor_shape=_shape(*dims), string_val=list(strings))


def image_value(tag: str, pngs, description: str = "") -> summary_pb2.Summary.Value:
    """The images plugin's form, as ``tf.summary.image`` writes it: a string tensor
    [width, height, png_1, ..., png_k] (k images of one size at one step, shown as k samples)."""
    sizes = {png.size(image) for image in pngs}
    if len(sizes) != 1:
        raise ValueError(f"the images of {tag!r} must be 1 or more PNGs of one size, got sizes {sorted(sizes)}")
    (width, height), = sizes
    strings = [str(width).encode(), str(height).encode(), *pngs]
    return summary_pb2.Summary.Value(tag=tag, metadata=metadata("images", tag, description),
                                     tensor=_strings(strings, len(strings)))


def text_value(tag: str, text: str) -> summary_pb2.Summary.Value:
    """The text plugin's form: a scalar string tensor (Markdown)."""
    return summary_pb2.Summary.Value(tag=tag, metadata=metadata("text", tag), tensor=_strings([text.encode()]))
