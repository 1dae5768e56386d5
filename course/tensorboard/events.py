"""A TensorBoard event file of one run split, written from Python with TensorBoard's own protobuf classes.

Everything ``fit`` reports reaches the host anyway, once an epoch, as NumPy arrays: every step's
loss, accuracy and gradient norm (for small models every parameter and gradient entry too), the
epoch's metrics, the weights and the last gradients. Writing them from there costs microseconds a
step: each step's ``Event`` is a cached ``event_pb2`` template (one ``Summary.Value`` per tag) whose
step, time and numbers are filled in, then serialised and appended as a TFRecord. Summary ops inside
the compiled epoch would cost more than a tiny model's training.

Text, images (PNG bytes), histograms, ready-made ``Summary`` protos (hparams, the custom-scalars
layout) and the graph of the training step go through the same file: a run split holds one event
file, opened again for appending when a figure joins a finished run.

    events = EventFile(run_dir / "train")
    events.scalars(1, [[0.69, 0.1], [0.65, 0.09]], ["batch_loss", "gradient_norm"])   # steps 1, 2
    events.histograms(2, {"weights/output": histogram_buckets(w)})
    events.images(2, {"snapshots/decision_boundary": [png_bytes]})
    events.close()
"""
from __future__ import annotations

import contextlib
import errno
import functools
import itertools
import os
import socket
import time
from pathlib import Path

import numpy as np
from tensorboard.compat.proto import event_pb2, summary_pb2, tensor_pb2, tensor_shape_pb2, types_pb2
from tensorboard.plugins.histogram import metadata as histogram_metadata
from tensorboard.plugins.image import metadata as image_metadata
from tensorboard.plugins.scalar import metadata as scalar_metadata
from tensorboard.plugins.text import metadata as text_metadata

from course.pictures import png

_FILE_NUMBERS = itertools.count()
SUFFIX = ".course.v2"     # the course's event files end so; one per split directory


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
def _metadata(plugin: str, tag: str, description: str = ""):
    module = {"scalars": scalar_metadata, "histograms": histogram_metadata, "images": image_metadata,
              "text": text_metadata}[plugin]
    return module.create_summary_metadata(tag, description)


def histogram_value(tag: str, buckets) -> summary_pb2.Summary.Value:
    """The histograms plugin's form: a (k, 3) float64 tensor of [left, right, count]."""
    buckets = np.asarray(buckets, dtype="<f8").reshape(-1, 3)
    tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_DOUBLE, tensor_shape=_shape(len(buckets), 3),
                                    tensor_content=buckets.tobytes())
    return summary_pb2.Summary.Value(tag=tag, metadata=_metadata("histograms", tag), tensor=tensor)


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
    return summary_pb2.Summary.Value(tag=tag, metadata=_metadata("images", tag, description),
                                     tensor=_strings(strings, len(strings)))


def text_value(tag: str, text: str) -> summary_pb2.Summary.Value:
    """The text plugin's form: a scalar string tensor (Markdown)."""
    return summary_pb2.Summary.Value(tag=tag, metadata=_metadata("text", tag), tensor=_strings([text.encode()]))


def _check_step(step) -> int:
    if isinstance(step, bool) or not isinstance(step, (int, np.integer)) or step < 0:
        raise ValueError(f"step must be an integer >= 0, got {step!r}")
    return int(step)


class _Appending:
    """TFRecords appended to an existing event file, framed by TensorBoard's own ``RecordWriter``."""

    def __init__(self, path):
        from tensorboard.summary.writer.record_writer import RecordWriter
        self._file = open(path, "ab")
        self._records = RecordWriter(self._file)

    def write(self, data: bytes) -> None:
        self._records.write(data)

    def flush(self) -> None:
        self._file.flush()

    def close(self) -> None:
        self._file.close()


class EventFile:
    """The TensorBoard event file of one run split (``<run_dir>/train``, ``/validation``, or the run itself).

    Args:
        directory: the split's directory; created if missing. If it holds a course event file
            already (a finished run that a figure joins), that file is appended to: one file a split.
    """

    FLUSH_SECONDS = 2.0     # a TensorBoard open beside a training run sees new steps this often

    def __init__(self, directory):
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        existing = sorted(directory.glob(f"events.out.tfevents.*{SUFFIX}"))
        now = time.time()
        if existing:
            self.path, self._writer = existing[-1], _Appending(existing[-1])
        else:
            from course.core.runtime import tf    # TensorFlow's C++ writer: the framing and CRCs, fast
            name = (f"events.out.tfevents.{int(now)}.{socket.gethostname()}.{os.getpid()}"
                    f".{next(_FILE_NUMBERS)}{SUFFIX}")
            self.path = directory / name
            self._writer = tf.io.TFRecordWriter(str(self.path))
            self._writer.write(event_pb2.Event(wall_time=now, file_version="brain.Event:2").SerializeToString())
        self._templates = {}
        self._last_time = self._last_flush = now
        self.closed = False

    def _template(self, tags: tuple) -> event_pb2.Event:
        """An Event holding one float32 scalar per tag (the scalars plugin's form), built once per tag list."""
        if tags not in self._templates:
            event = event_pb2.Event()
            for tag in tags:
                value = event.summary.value.add(tag=tag, metadata=_metadata("scalars", tag))
                value.tensor.dtype = types_pb2.DT_FLOAT
                value.tensor.tensor_shape.SetInParent()      # shape []: a scalar
                value.tensor.float_val.append(0.0)
            self._templates[tags] = event
        return self._templates[tags]

    def scalars(self, first_step: int, rows, tags, *, steps=None) -> None:
        """One event per row: step ``first_step + i`` (or ``steps[i]``) holds ``rows[i, j]`` under ``tags[j]``.

        Wall times are spread evenly since the previous write (the steps ran in one compiled call).
        """
        first_step = _check_step(first_step)
        event = self._template(tuple(tags))
        values = list(event.summary.value)
        rows = np.asarray(rows, dtype=np.float32).reshape(-1, len(values))
        now = time.time()
        steps = range(first_step, first_step + len(rows)) if steps is None else [_check_step(s) for s in steps]
        for i, (step, row) in enumerate(zip(steps, rows.tolist())):
            event.step = step
            event.wall_time = self._last_time + (now - self._last_time) * (i + 1) / len(rows)
            for value, number in zip(values, row):
                value.tensor.float_val[0] = number
            self._write(event.SerializeToString())
        self._after_write(now)

    def histograms(self, step: int, buckets: dict) -> None:
        """One event at ``step`` holding a histogram per tag: ``{tag: (k, 3) buckets}``."""
        self.summary(step, summary_pb2.Summary(value=[histogram_value(t, b) for t, b in buckets.items()]))

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
        if not isinstance(summary, summary_pb2.Summary):   # TensorFlow's own class of the same message
            summary = summary_pb2.Summary.FromString(summary.SerializeToString())
        now = time.time()
        self._write(event_pb2.Event(wall_time=now, step=_check_step(step), summary=summary).SerializeToString())
        self._after_write(now)

    def graph(self, graph_def) -> None:
        """A ``GraphDef`` (proto or bytes) for the Graphs dashboard."""
        data = graph_def if isinstance(graph_def, bytes) else graph_def.SerializeToString()
        now = time.time()
        self._write(event_pb2.Event(wall_time=now, graph_def=data).SerializeToString())
        self._after_write(now)

    def _write(self, data: bytes) -> None:
        if self.closed:
            raise ValueError(f"the event file {self.path} is closed")
        with _as_oserror(self.path):
            self._writer.write(data)

    def _after_write(self, now):
        self._last_time = now
        if now - self._last_flush >= self.FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        if not self.closed:
            with _as_oserror(self.path):
                self._writer.flush()
        self._last_flush = time.time()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            with _as_oserror(self.path):
                self._writer.close()


@contextlib.contextmanager
def _as_oserror(path):
    """TensorFlow's writer reports a full disk (or a file-size limit) as its own error: make it an OSError."""
    try:
        yield
    except OSError:
        raise
    except Exception as err:   # tf.errors.ResourceExhaustedError and the like
        text = " ".join(str(err).split())
        code = errno.EFBIG if "too large" in text.lower() else errno.ENOSPC
        raise OSError(code, f"{os.strerror(code)} ({type(err).__name__}: {text[:120]})", str(path)) from None
