"""TensorBoard events built in Python: the scalars and histograms of a training run.

Everything ``fit`` reports reaches the host anyway, once an epoch, as NumPy arrays: every step's
loss, accuracy and gradient norm (for small models every parameter and gradient entry too), the
epoch's metrics, the weights and the last gradients. Writing them from there costs microseconds:
``EventFile`` encodes each event itself (a few protobuf fields) and appends it as a TFRecord, the
event file format. Summary ops inside the compiled epoch would cost ops, a loop, string encoding
and compile time that, for a 3-weight perceptron, add up to more than its training.

One event per step holds every tag of that step. Text, images (PNG bytes), any ready-made
``Summary`` (hparams, the custom-scalars layout) and the graph of the training step go through the
same file: a run split holds one event file, and TensorFlow's summary writer is not needed.

    events = EventFile(run_dir / "train")
    events.scalars(1, [[0.69, 0.1], [0.65, 0.09]], ["batch_loss", "gradient_norm"])   # steps 1, 2
    events.histograms(2, {"weights/output": histogram_buckets(w)})
    events.images(2, {"snapshots/decision_boundary": [png_bytes]})
    events.close()
"""
from __future__ import annotations

import functools
import itertools
import os
import socket
import struct
import time
from pathlib import Path

import numpy as np

from tensorboard.compat.proto import summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2
from tensorboard.plugins.histogram import metadata as histogram_metadata
from tensorboard.plugins.image import metadata as image_metadata
from tensorboard.plugins.scalar import metadata as scalar_metadata
from tensorboard.plugins.text import metadata as text_metadata

from course import png
from course.runtime import tf

_FILE_NUMBERS = itertools.count()


def _varint(n: int) -> bytes:
    out = b""
    while True:
        byte, n = n & 0x7F, n >> 7
        if not n:
            return out + bytes([byte])
        out += bytes([byte | 0x80])


def _field(number: int, payload: bytes) -> bytes:
    """A length-delimited protobuf field."""
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def scalar_value_prefix(tag: str) -> bytes:
    """The bytes of a ``Summary.Value`` holding one float32 scalar, all but the value's 4 bytes.

    Summary.Value{tag: 1, metadata: 9 (the scalars plugin), tensor: 8 = TensorProto{dtype: DT_FLOAT,
    tensor_shape: [], float_val: [x]}}, as field 1 of a ``Summary``. Appending the 4 little-endian
    bytes of x completes it; several concatenated are one ``Summary`` with several tags.
    """
    metadata = scalar_metadata.create_summary_metadata(tag, "").SerializeToString()
    tensor = b"\x08\x01" + b"\x12\x00" + b"\x2a\x04"          # dtype FLOAT, shape [], float_val: 4 bytes follow
    value = _field(1, tag.encode()) + _field(9, metadata) + _varint(8 << 3 | 2) + _varint(len(tensor) + 4) + tensor
    return _varint(1 << 3 | 2) + _varint(len(value) + 4) + value


@functools.lru_cache(maxsize=None)
def _histogram_head(tag: str) -> bytes:
    return _field(1, tag.encode()) + _field(9, histogram_metadata.create_summary_metadata(tag, "").SerializeToString())


def histogram_value(tag: str, buckets) -> bytes:
    """A ``Summary.Value`` (as field 1 of a ``Summary``) of a (k, 3) [left, right, count] array."""
    buckets = np.asarray(buckets, dtype="<f8").reshape(-1, 3)
    shape = _field(2, b"\x08" + _varint(len(buckets))) + _field(2, b"\x08\x03")     # dims k and 3
    tensor = b"\x08\x02" + _field(2, shape) + _field(4, buckets.tobytes())          # DT_DOUBLE, content
    return _field(1, _histogram_head(tag) + _field(8, tensor))


def histogram_buckets(values, bucket_count: int = 30) -> np.ndarray:
    """TensorBoard's histogram format: a (bucket_count, 3) array of [left edge, right edge, count].

    Equal-width buckets over [min, max], the last one closed; non-finite values are left out,
    (0, 3) when none is finite. A few NumPy calls, not ``np.histogram``'s general machinery: a
    lesson writes a dozen of them at a time.

    Example:
        >>> histogram_buckets(np.array([0.0, 0.1, 0.1, 0.5, 1.0]), 5)[:, 2]
        array([3., 0., 1., 0., 1.])
    """
    values = np.asarray(values, dtype=np.float64).ravel()
    finite = np.isfinite(values)
    if not finite.all():
        values = values[finite]
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
    edges = low + width * np.arange(bucket_count + 1)
    edges[-1] = high
    index = np.minimum(((values - low) / width).astype(np.intp), bucket_count - 1)   # the last bucket is closed
    # The division may round a value on an edge into the wrong neighbour: compare with the edges.
    index -= values < edges[index]
    index += (values >= edges[index + 1]) & (index < bucket_count - 1)
    counts = np.bincount(index, minlength=bucket_count)
    return np.column_stack([edges[:-1], edges[1:], counts]).astype(np.float64)


def _string_tensor(strings, shape) -> tensor_pb2.TensorProto:
    dims = [tensor_shape_pb2.TensorShapeProto.Dim(size=d) for d in shape]
    return tensor_pb2.TensorProto(dtype=types_pb2.DT_STRING, tensor_shape=tensor_shape_pb2.TensorShapeProto(dim=dims),
                                  string_val=list(strings))


def image_value(tag: str, pngs, description: str = "") -> summary_pb2.Summary.Value:
    """The images plugin's form, as ``tf.summary.image`` writes it: a string tensor
    [width, height, png_1, ..., png_k] (k images of one size at one step, shown as k samples)."""
    sizes = {png.size(image) for image in pngs}
    if len(sizes) != 1:
        raise ValueError(f"the images of {tag!r} must be 1 or more PNGs of one size, got sizes {sorted(sizes)}")
    (width, height), = sizes
    strings = [str(width).encode(), str(height).encode(), *pngs]
    return summary_pb2.Summary.Value(tag=tag, metadata=image_metadata.create_summary_metadata(tag, description),
                                     tensor=_string_tensor(strings, [len(strings)]))


def text_value(tag: str, text: str) -> summary_pb2.Summary.Value:
    """The text plugin's form: a scalar string tensor (Markdown)."""
    return summary_pb2.Summary.Value(tag=tag, metadata=text_metadata.create_summary_metadata(tag, ""),
                                     tensor=_string_tensor([text.encode()], []))


def _check_step(step) -> int:
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 0:
        raise ValueError(f"step must be an integer >= 0, got {step!r}")
    return int(step)


def _event(step: int, wall_time: float, summary: bytes) -> bytes:
    # Event{wall_time: 1 (double), step: 2 (varint), summary: 5}
    return b"\x09" + struct.pack("<d", wall_time) + b"\x10" + _varint(int(step)) + _field(5, summary)


class EventFile:
    """A TensorBoard event file of one run split (``<run_dir>/train`` or ``/validation``), written from Python.

    Args:
        directory: the split's directory; created if missing.
    """

    FLUSH_SECONDS = 2.0     # a TensorBoard open beside a training run sees new steps this often

    def __init__(self, directory):
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        name = (f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}.{os.getpid()}"
                f".{next(_FILE_NUMBERS)}.course.v2")
        self.path = directory / name
        self._prefixes = {}
        self._writer = tf.io.TFRecordWriter(str(self.path))      # the framing and CRCs of an event file
        now = time.time()
        self._writer.write(b"\x09" + struct.pack("<d", now) + _field(3, b"brain.Event:2"))   # file_version
        self._last_time = self._last_flush = now

    def scalars(self, first_step: int, rows, tags) -> None:
        """One event per row: step ``first_step + i`` holds ``rows[i, j]`` under ``tags[j]``.

        Wall times are spread evenly since the previous write (the steps ran in one compiled call).
        """
        first_step = _check_step(first_step)
        prefixes = [self._prefixes.get(tag) or self._prefixes.setdefault(tag, scalar_value_prefix(tag))
                    for tag in tags]
        rows = np.asarray(rows, dtype="<f4").reshape(-1, len(prefixes))     # protobuf floats: little-endian
        now = time.time()
        for i, row in enumerate(rows):
            raw = row.tobytes()
            summary = b"".join(p + raw[4 * j:4 * j + 4] for j, p in enumerate(prefixes))
            self._writer.write(_event(first_step + i, self._last_time + (now - self._last_time) * (i + 1) / len(rows),
                                      summary))
        self._after_write(now)

    def histograms(self, step: int, buckets: dict) -> None:
        """One event at ``step`` holding a histogram per tag: ``{tag: (k, 3) buckets}``."""
        step = _check_step(step)
        now = time.time()
        self._writer.write(_event(step, now, b"".join(histogram_value(t, b) for t, b in buckets.items())))
        self._after_write(now)

    def images(self, step: int, images: dict, descriptions: dict | None = None) -> None:
        """One event at ``step``: ``{tag: [png bytes, ...]}`` (several PNGs of one size = samples)."""
        descriptions = descriptions or {}
        values = [image_value(tag, pngs, descriptions.get(tag, "")) for tag, pngs in images.items()]
        self.summary(step, summary_pb2.Summary(value=values))

    def text(self, step: int, tag: str, text: str) -> None:
        """Markdown text (tables render) under ``tag`` at ``step``."""
        self.summary(step, summary_pb2.Summary(value=[text_value(tag, text)]))

    def summary(self, step: int, summary) -> None:
        """A ready-made ``Summary`` proto (e.g. from the hparams or custom-scalars plugins) at ``step``."""
        step = _check_step(step)
        now = time.time()
        self._writer.write(_event(step, now, summary.SerializeToString()))
        self._after_write(now)

    def graph(self, graph_def) -> None:
        """A ``GraphDef`` (proto or bytes) for the Graphs dashboard: Event.graph_def, field 4."""
        data = graph_def if isinstance(graph_def, bytes) else graph_def.SerializeToString()
        now = time.time()
        self._writer.write(b"\x09" + struct.pack("<d", now) + _field(4, data))
        self._after_write(now)

    def _after_write(self, now):
        self._last_time = now
        if now - self._last_flush >= self.FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        self._writer.flush()
        self._last_flush = time.time()

    def close(self) -> None:
        self._writer.close()
